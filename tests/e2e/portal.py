"""The citizens' portal under test: the local stack exactly as `make run` serves it (web app and
API on one origin through devstack/front.py), and Playwright driving Debian's Chromium.

No `playwright install`: the Python package drives the system's Chromium by path, installed
with apt by tests/e2e/browser.py when missing. A browser that cannot start fails the test.
"""
from __future__ import annotations

import json
import os
import socket
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator
from urllib.request import Request, urlopen

from tests.e2e import browser

ROOT = Path(__file__).resolve().parents[2]
WEB_DIST = ROOT / "web" / "dist"
AXE_SOURCE = ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"
# The impacts a page must not have: axe's "serious" and "critical" (issue 15 and 16's bar).
BLOCKING_IMPACTS = ("serious", "critical")
SHOTS_DIR = browser.ARTIFACTS_DIR / "portal"
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def portal_stack() -> Iterator["object"]:
    """The local stack on free ports with the front, restoring this process's environment after
    (the stack exports its AWS endpoint and table names into os.environ)."""
    from chalicelib import wiring
    from devstack.local_stack import LocalStack

    if not (WEB_DIST / "index.html").is_file():
        raise RuntimeError("web/dist is not built: `make test` builds it (make web)")
    saved = dict(os.environ)
    wiring.reset()
    stack = LocalStack.start(public_port=free_port(), log=lambda message: None)
    try:
        stack.wait_until_ready()
        yield stack
    finally:
        stack.stop()
        os.environ.clear()
        os.environ.update(saved)
        wiring.reset()


def launch(playwright):
    """Debian's Chromium through Playwright, with the flags this machine needs."""
    return playwright.chromium.launch(executable_path=browser.ensure_chromium(),
                                      args=CHROMIUM_FLAGS, headless=True)


def api(base_url: str, method: str, path: str, body: object = None, token: str | None = None) -> dict:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else None
    with urlopen(Request(f"{base_url}{path}", data=data, headers=headers, method=method),
                 timeout=30) as response:
        return json.loads(response.read() or b"null")


def upload_document(base_url: str, token: str, application_id: str, slot: str,
                    content_type: str, body: bytes) -> None:
    """An upload as the portal or the counter makes it: the API signs an S3 POST, the file goes
    straight to the file store."""
    import requests

    answer = api(base_url, "POST", f"/v1/applications/{application_id}/documents",
                 {"slot": slot, "content_type": content_type}, token)
    stored = requests.post(answer["upload"]["url"], data=answer["upload"]["fields"],
                           files={"file": ("scan", body, content_type)}, timeout=30)
    assert stored.status_code in (200, 201, 204), stored.text


def hand_in_documents(base_url: str, token: str, application_id: str) -> list[str]:
    """Upload every required document not uploaded yet (a small file of the slot's first
    accepted type), as `token`: the owner, or a clerk of the district. An officer approves
    nothing without them. Returns the slots uploaded."""
    import io

    from PIL import Image

    formats = {"application/pdf": "PDF", "image/png": "PNG", "image/jpeg": "JPEG"}
    app = api(base_url, "GET", f"/v1/applications/{application_id}", token=token)
    service = api(base_url, "GET", f"/v1/services/{app['service_code']}")
    uploaded = []
    for slot in service["required_documents"]:
        if slot["code"] not in app["documents_missing"]:
            continue
        content_type = slot["accepted_types"][0]
        buffer = io.BytesIO()
        Image.new("RGB", (200, 120), "#d8d8d8").save(buffer, formats[content_type])
        upload_document(base_url, token, application_id, slot["code"], content_type,
                        buffer.getvalue())
        uploaded.append(slot["code"])
    return uploaded


def axe_violations(page) -> list[dict]:
    """axe-core's serious and critical violations on the page as it stands: rule id, impact,
    help text and the first offending elements. axe is evaluated through the DevTools protocol,
    so the app's CSP (no inline script) stays on while it runs."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(AXE_SOURCE.read_text(encoding="utf-8"))
    result = page.evaluate("""async () => {
        const outcome = await window.axe.run(document, {resultTypes: ["violations"]});
        return outcome.violations.map((v) => ({id: v.id, impact: v.impact, help: v.help,
            targets: v.nodes.slice(0, 3).map((n) => n.target.join(" "))}));
    }""")
    return [violation for violation in result if violation["impact"] in BLOCKING_IMPACTS]


class Shots:
    """Every page the test visits, photographed at a phone's width and a desktop's, and checked
    with axe-core at each width."""

    def __init__(self, page, prefix: str) -> None:
        self.page = page
        self.prefix = prefix
        self.taken: list[Path] = []
        self.overflow: dict[str, int] = {}
        self.accessibility: dict[str, list[dict]] = {}
        SHOTS_DIR.mkdir(parents=True, exist_ok=True)
        for old in SHOTS_DIR.glob(f"{prefix}*.png"):  # this run's pictures only
            old.unlink()

    def __call__(self, name: str) -> None:
        viewport = self.page.viewport_size
        for label, size in (("360", PHONE), ("1280", DESKTOP)):
            self.page.set_viewport_size(size)
            if label == "360":
                self.overflow[name] = self.page.evaluate(
                    "document.documentElement.scrollWidth - window.innerWidth")
            target = SHOTS_DIR / f"{self.prefix}{len(self.taken) // 2:02d}-{name}-{label}.png"
            self.page.screenshot(path=str(target), full_page=True)
            self.taken.append(target)
            violations = axe_violations(self.page)
            if violations:
                self.accessibility[f"{name}@{label}"] = violations
        self.page.set_viewport_size(viewport)

    def inaccessible(self) -> dict[str, list[dict]]:
        """Pages (name@width) with serious or critical axe violations, and the violations."""
        return self.accessibility

    def too_wide_for_a_phone(self) -> dict[str, int]:
        """Pages wider than a 360 px phone (sideways scrolling), by name, with the excess."""
        return {name: excess for name, excess in self.overflow.items() if excess > 0}
