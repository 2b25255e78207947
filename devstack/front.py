"""The same-origin front of the local stack: the built web app and the API on one port.

`make run` serves http://127.0.0.1:8000/ with this front: files of web/dist, `index.html` for
any other page path (the app routes in the browser), and the API's paths proxied to
`chalice local` on a port of its own. In AWS a CloudFront distribution plays this part.
"""
from __future__ import annotations

import gzip
import http.client
import json
import mimetypes
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Optional
from urllib.parse import urlsplit

from devstack.config import ROOT
from infra.web_headers import CONTENT_TYPE_OPTIONS, REFERRER_POLICY, content_security_policy

WEB_DIST = ROOT / "web" / "dist"
API_PREFIXES = ("/v1/", "/v/", "/V/", "/s/", "/sandbox/")
API_EXACT = ("/v1", "/openapi.json")
# Hop-by-hop headers (RFC 9110 7.6.1) are the proxy's own, never forwarded.
HOP_BY_HOP = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te",
              "trailer", "transfer-encoding", "upgrade"}
SANDBOX_COMPLETE = re.compile(r"^/sandbox/checkout/(?P<reference>[^/?]+)/complete$")
# How long the sandbox's result page shows before the browser returns to the portal.
SANDBOX_RETURN_SECONDS = 2
PROXY_TIMEOUT_SECONDS = 60
# The web app's runtime config (web/src/lib/runtimeConfig.ts): the local stack signs in with
# the local issuer. In AWS the stack writes Cognito's values to the same path.
RUNTIME_CONFIG_PATH = "/config.json"
LOCAL_RUNTIME_CONFIG = json.dumps({"auth": {"mode": "local"}}).encode()
# Compressed as CloudFront's `Compress` does (gzip for text of 1,000 B to 10 MB when the browser
# accepts it): what a phone downloads locally is then what it downloads in AWS.
COMPRESS_MIN_BYTES = 1000
COMPRESS_MAX_BYTES = 10_000_000
COMPRESSIBLE = re.compile(r"^(text/|application/(javascript|json|manifest\+json|xml)|image/svg\+xml)")


def accepts_gzip(accept_encoding: str) -> bool:
    """Whether an Accept-Encoding header admits gzip (and does not refuse it with q=0)."""
    for part in accept_encoding.split(","):
        name, _, params = part.strip().partition(";")
        if name.strip().lower() in ("gzip", "*"):
            return params.replace(" ", "").lower() not in ("q=0", "q=0.0", "q=0.00", "q=0.000")
    return False


def compressed(body: bytes, content_type: str, accept_encoding: str) -> bytes | None:
    """The gzipped body when the browser takes gzip and the type and size are worth it."""
    if not (COMPRESS_MIN_BYTES <= len(body) <= COMPRESS_MAX_BYTES):
        return None
    if not COMPRESSIBLE.match(content_type) or not accepts_gzip(accept_encoding):
        return None
    return gzip.compress(body, compresslevel=6, mtime=0)


def is_api_path(path: str) -> bool:
    return path in API_EXACT or path.startswith(API_PREFIXES)


def _handler(upstream: str, web_root: Path, csp: str) -> type[BaseHTTPRequestHandler]:
    target = urlsplit(upstream)
    # One kept-alive connection to the API per client connection (a thread each): no new TCP
    # connection per request, which would add its cost to every API call.
    pool = threading.local()

    def upstream_connection(fresh: bool = False) -> http.client.HTTPConnection:
        if fresh or getattr(pool, "connection", None) is None:
            pool.connection = http.client.HTTPConnection(target.hostname, target.port,
                                                         timeout=PROXY_TIMEOUT_SECONDS)
        return pool.connection

    def exchange(method: str, path: str, body: Optional[bytes],
                 headers: dict[str, str]) -> tuple[http.client.HTTPResponse, bytes]:
        try:
            connection = upstream_connection()
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            # The API closed the idle kept-alive connection before answering: send once more
            # on a new one (nothing was processed; browsers do the same).
            connection = upstream_connection(fresh=True)
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
        payload = response.read()
        if response.will_close:
            connection.close()
            pool.connection = None
        return response, payload

    class Front(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "rukhsa-front"

        def do_GET(self) -> None:  # noqa: N802 - http.server's names
            self._route()

        def do_HEAD(self) -> None:  # noqa: N802
            self._route()

        def do_POST(self) -> None:  # noqa: N802
            self._route()

        def do_PUT(self) -> None:  # noqa: N802
            self._route()

        def do_DELETE(self) -> None:  # noqa: N802
            self._route()

        def do_PATCH(self) -> None:  # noqa: N802
            self._route()

        def do_OPTIONS(self) -> None:  # noqa: N802
            self._route()

        def _route(self) -> None:
            path = urlsplit(self.path).path
            if is_api_path(path):
                self._proxy(path)
            elif self.command in ("GET", "HEAD"):
                self._static(path)
            else:
                self._send(405, b"method not allowed\n", "text/plain; charset=utf-8",
                           {"Allow": "GET, HEAD"})

        # ---------------------------------------------------------------- the API
        def _proxy(self, path: str) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else None
            headers = {name: value for name, value in self.headers.items()
                       if name.lower() not in HOP_BY_HOP}
            try:
                response, payload = exchange(self.command, self.path, body, headers)
            except (OSError, http.client.HTTPException) as error:
                pool.connection = None
                self._send(502, f"API unreachable: {error}\n".encode(), "text/plain; charset=utf-8")
                return
            extra = self._sandbox_return(path, response.status)
            if response.getheader("Content-Encoding") is None:
                packed = compressed(payload, response.getheader("Content-Type") or "",
                                    self.headers.get("Accept-Encoding", ""))
                if packed is not None:
                    payload = packed
                    vary = ", ".join(filter(None, (response.getheader("Vary"), "Accept-Encoding")))
                    extra = {**extra, "Content-Encoding": "gzip", "Vary": vary}
            replaced = {"content-length", *(name.lower() for name in extra)}
            self.send_response(response.status, response.reason)
            for name, value in response.getheaders():
                if name.lower() not in HOP_BY_HOP and name.lower() not in replaced:
                    self.send_header(name, value)
            for name, value in extra.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(payload)

        def _sandbox_return(self, path: str, status: int) -> dict[str, str]:
            """The sandbox stands in for a gateway, and gateways send the browser back to the
            merchant's return URL: after its result page, back to the portal's payment return."""
            match = SANDBOX_COMPLETE.match(path)
            if self.command != "POST" or status != 200 or match is None:
                return {}
            reference = match.group("reference")
            return {"Refresh": f"{SANDBOX_RETURN_SECONDS}; url=/payments/return?merchant_order_id={reference}"}

        # ---------------------------------------------------------------- the web app
        def _static(self, path: str) -> None:
            if path == RUNTIME_CONFIG_PATH:
                self._send(200, LOCAL_RUNTIME_CONFIG, "application/json; charset=utf-8",
                           {"Cache-Control": "no-cache"})
                return
            index = web_root / "index.html"
            if not index.is_file():
                self._send(503, b"The web app is not built: run `make web` (make run does it).\n",
                           "text/plain; charset=utf-8")
                return
            candidate = (web_root / path.lstrip("/")).resolve()
            inside = candidate.is_relative_to(web_root.resolve())
            if inside and candidate.is_file():
                immutable = path.startswith("/assets/")
                self._file(candidate, "public, max-age=31536000, immutable" if immutable else "no-cache")
            elif path.startswith("/assets/") or not inside:
                self._send(404, b"not found\n", "text/plain; charset=utf-8")
            else:
                self._file(index, "no-cache")  # a page of the app: the app routes it

        def _file(self, file: Path, cache_control: str) -> None:
            kind = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
            if kind.startswith("text/") or kind in ("application/javascript", "application/json"):
                kind += "; charset=utf-8"
            self._send(200, file.read_bytes(), kind, {"Cache-Control": cache_control})

        def _send(self, status: int, body: bytes, content_type: str,
                  headers: Optional[dict[str, str]] = None) -> None:
            packed = compressed(body, content_type, self.headers.get("Accept-Encoding", ""))
            if packed is not None:
                body = packed
                headers = {**(headers or {}), "Content-Encoding": "gzip", "Vary": "Accept-Encoding"}
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Content-Security-Policy", csp)
            self.send_header("X-Content-Type-Options", CONTENT_TYPE_OPTIONS)
            self.send_header("Referrer-Policy", REFERRER_POLICY)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:  # the API logs requests
            return

    return Front


class Front:
    """A running front; `stop()` closes it."""

    def __init__(self, port: int, upstream: str, web_root: Path = WEB_DIST,
                 file_origins: tuple[str, ...] = (), host: str = "127.0.0.1") -> None:
        mimetypes.add_type("application/javascript", ".js")
        mimetypes.add_type("text/css", ".css")
        mimetypes.add_type("application/manifest+json", ".webmanifest")  # the inspector's PWA
        mimetypes.add_type("application/wasm", ".wasm")  # compiled while it streams in
        handler = _handler(upstream, web_root, content_security_policy(file_origins))
        self.server = ThreadingHTTPServer((host, port), handler)
        self.server.daemon_threads = True
        self.url = f"http://{host}:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
