"""Sample verification views for every verdict, and a tiny loopback HTTP server that serves them.

Shared by the e2e tests; the names and coordinates are realistic Alexandria values.
"""
from __future__ import annotations

import threading
from contextlib import contextmanager
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Iterator, Mapping

from chalicelib.domain.verification import Verdict, VerificationView, mask_name
from chalicelib.presentation.verify_page import CACHE_CONTROL_HEADER, render_verification_page

KIND_NAMES = {
    "shop": ("محل تجاري", "Shop"),
    "advertisement": ("إعلان", "Advertisement"),
    "building": ("ترخيص بناء", "Building"),
}
DISTRICT_NAMES = {
    "montaza1": ("حي المنتزه أول", "Montaza 1"),
    "gomrok": ("حي الجمرك", "Gomrok"),
    "sharq": ("حي شرق", "East"),
}


def sample_view(verdict: Verdict) -> VerificationView:
    """A licence as the route would describe it, with the given verdict."""
    if verdict is Verdict.NOT_GENUINE:
        return VerificationView.not_genuine()
    status = {Verdict.GENUINE_VALID: "active", Verdict.EXPIRED: "expired",
              Verdict.SUSPENDED: "suspended", Verdict.REVOKED: "revoked",
              Verdict.SUPERSEDED: "active"}[verdict]
    fines = [{"name": "غرامة عدم التجديد · Late renewal", "amount": 150000}] \
        if verdict is Verdict.EXPIRED else []
    return VerificationView(
        verdict=verdict, number="ALX-MNT1-2025-000123", kind="advertisement", district="montaza1",
        valid_from=date(2025, 1, 15), valid_until=date(2026, 1, 14), lat=31.2800912, lng=30.0169874,
        holder_masked=mask_name("عبد الرحمن محمد أحمد السيد"),
        outstanding_fines_piasters=sum(f["amount"] for f in fines), fines=fines, status=status,
        replaced_by="ALX-MNT1-2026-000456" if verdict is Verdict.SUPERSEDED else None)


def render(view: VerificationView) -> str:
    return render_verification_page(view, KIND_NAMES, DISTRICT_NAMES)


@contextmanager
def serve_pages(pages: Mapping[str, str]) -> Iterator[str]:
    """Serve `pages` (path -> HTML) on 127.0.0.1 at a random free port; yield the base URL."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the name http.server expects
            body = pages.get(self.path)
            if body is None:
                self.send_error(404)
                return
            payload = body.encode("utf-8")
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Cache-Control", CACHE_CONTROL_HEADER)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: object) -> None:  # keep test output quiet
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
