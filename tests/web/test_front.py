"""The local stack's same-origin front (devstack/front.py): the web app's files, the SPA
fallback, the API proxied unchanged, and the sandbox's way back to the portal."""
from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator
from urllib.error import HTTPError
from urllib.request import Request, urlopen

import pytest

from devstack.front import Front
from infra.web_headers import content_security_policy


class FakeApi(BaseHTTPRequestHandler):
    """Answers with what it received, so the test sees what the front forwarded."""

    def _echo(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = json.dumps({"method": self.command, "path": self.path,
                           "authorization": self.headers.get("Authorization"),
                           "body": self.rfile.read(length).decode()}).encode()
        self.send_response(201 if self.command == "POST" and self.path.startswith("/v1/") else 200)
        self.send_header("Content-Type", "application/json")
        self.send_header("X-From", "api")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _echo

    def log_message(self, format: str, *args: object) -> None:
        return


@pytest.fixture
def front(tmp_path: Path) -> Iterator[str]:
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text("<!doctype html><title>portal</title>")
    (tmp_path / "assets" / "index-abc.js").write_text("console.log(1)")
    (tmp_path / "assets" / "big-abc.js").write_text("console.log('a rather long line');\n" * 100)
    api = ThreadingHTTPServer(("127.0.0.1", 0), FakeApi)
    threading.Thread(target=api.serve_forever, daemon=True).start()
    served = Front(0, f"http://127.0.0.1:{api.server_address[1]}", tmp_path,
                   file_origins=("http://127.0.0.1:4566",))
    yield served.url
    served.stop()
    api.shutdown()
    api.server_close()


def _get(url: str, method: str = "GET", data: bytes | None = None, headers: dict | None = None):
    try:
        return urlopen(Request(url, data=data, method=method, headers=headers or {}), timeout=10)
    except HTTPError as error:
        return error


def test_app_pages_fall_back_to_index_html_with_a_strict_csp(front):
    # WHEN a page of the app is asked for by its path THEN index.html answers, not cached
    response = _get(f"{front}/applications/abc/submitted")
    assert response.status == 200 and b"<title>portal</title>" in response.read()
    assert response.headers["Cache-Control"] == "no-cache"
    csp = response.headers["Content-Security-Policy"]
    # Our own WebAssembly may compile (the inspector's QR decoder); no eval of JavaScript, no
    # inline script, no script from elsewhere
    assert "script-src 'self' 'wasm-unsafe-eval';" in csp
    assert "unsafe-inline" not in csp and "'unsafe-eval'" not in csp
    assert "img-src 'self' data: blob: http://127.0.0.1:4566;" in csp
    # the file store (the emulator here) for frames and uploads too, and nothing more
    assert "connect-src 'self' http://127.0.0.1:4566;" in csp
    assert "frame-src 'self' http://127.0.0.1:4566;" in csp
    assert "object-src 'none';" in csp
    # the one CSP text CloudFront's response headers policy also takes (tests/infra)
    assert csp == content_security_policy(("http://127.0.0.1:4566",))
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_assets_are_immutable_and_a_missing_chunk_is_a_404_not_html(front):
    response = _get(f"{front}/assets/index-abc.js")
    assert response.status == 200
    assert response.headers["Content-Type"].startswith("application/javascript")
    assert "immutable" in response.headers["Cache-Control"]
    assert _get(f"{front}/assets/gone-123.js").status == 404
    assert _get(f"{front}/../../etc/passwd").status in (200, 404)  # never a file outside dist


def test_api_paths_are_proxied_with_method_headers_and_body(front):
    response = _get(f"{front}/v1/applications?status=submitted", "POST", b'{"a": 1}',
                    {"Authorization": "Bearer t", "Content-Type": "application/json"})
    assert response.status == 201 and response.headers["X-From"] == "api"
    assert json.loads(response.read()) == {"method": "POST", "path": "/v1/applications?status=submitted",
                                           "authorization": "Bearer t", "body": '{"a": 1}'}
    for path in ("/openapi.json", "/v/ABC", "/V/ABC", "/s/xyz", "/v1/keys"):
        assert _get(f"{front}{path}").headers["X-From"] == "api", path


def test_the_sandbox_sends_the_browser_back_to_the_portal_after_paying(front):
    response = _get(f"{front}/sandbox/checkout/PAY-1/complete", "POST", b"outcome=pay",
                    {"Content-Type": "application/x-www-form-urlencoded"})
    assert response.headers["Refresh"] == "2; url=/payments/return?merchant_order_id=PAY-1"
    assert "Refresh" not in _get(f"{front}/sandbox/checkout/PAY-1").headers


def test_the_runtime_config_says_the_local_stack_signs_in_locally(front):
    # WHEN the web app asks how to sign in THEN the local issuer (AWS writes Cognito's values)
    response = _get(f"{front}/config.json")
    assert response.status == 200 and response.headers["Cache-Control"] == "no-cache"
    assert json.loads(response.read()) == {"auth": {"mode": "local"}}


def test_text_is_gzipped_as_cloudfront_compresses_it_when_the_browser_accepts_gzip(front):
    # GIVEN a script of 3.5 KB WHEN the browser accepts gzip THEN it comes gzipped, and
    # unpacks to the file itself; caches are told the answer varies with Accept-Encoding
    import gzip

    packed = _get(f"{front}/assets/big-abc.js", headers={"Accept-Encoding": "gzip, deflate, br"})
    assert packed.headers["Content-Encoding"] == "gzip"
    assert packed.headers["Vary"] == "Accept-Encoding"
    body = packed.read()
    assert int(packed.headers["Content-Length"]) == len(body) < 3500
    assert gzip.decompress(body) == b"console.log('a rather long line');\n" * 100
    # WHEN it does not, or refuses gzip THEN the bytes as they are
    for accept in ("", "br", "gzip;q=0"):
        plain = _get(f"{front}/assets/big-abc.js", headers={"Accept-Encoding": accept} if accept else None)
        assert "Content-Encoding" not in plain.headers, accept
        assert len(plain.read()) == 3500
    # AND a body under 1,000 bytes is not worth it
    assert "Content-Encoding" not in _get(f"{front}/assets/index-abc.js",
                                          headers={"Accept-Encoding": "gzip"}).headers
