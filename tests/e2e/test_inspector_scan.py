"""The inspector's camera scan through the WebAssembly decoder, offline (issue 17).

Debian's Chromium on Linux has no BarcodeDetector, so the app falls back to ZXing-C++ compiled
to WebAssembly (web/src/inspect/zxing.ts). Chromium's fake camera plays a Y4M file showing the
licence's QR code (drawn by the production renderer, chalicelib/adapters/qr_png.py).

GIVEN the built app behind the local front (its CSP), in front of a small server answering the
keys and a status list signed by a local key WHEN the inspector opens /inspect online once,
then goes offline, reloads and presses "scan" THEN the decoder (chunk and .wasm from our own
origin, kept by the service worker) reads the seal from the camera and the verdict is "genuine
and valid" for that licence; nothing was ever fetched from another origin.
"""
from __future__ import annotations

import io
import json
import threading
import time
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.e2e import browser
from tests.e2e.portal import CHROMIUM_FLAGS, PHONE, WEB_DIST, Shots

pytestmark = pytest.mark.e2e
NUMBER = "ALX-EAST-2026-000777"


def y4m_of(png: bytes, path: Path) -> None:
    """One 4:2:0 frame showing the image centred on white (Chromium loops it as a camera)."""
    from PIL import Image

    width, height = 640, 480
    code = Image.open(io.BytesIO(png)).convert("RGB")
    code = code.resize((400, 400), Image.NEAREST)
    frame = Image.new("RGB", (width, height), "white")
    frame.paste(code, ((width - 400) // 2, (height - 400) // 2))
    y, cb, cr = frame.convert("YCbCr").split()
    half = (width // 2, height // 2)
    planes = y.tobytes() + cb.resize(half).tobytes() + cr.resize(half).tobytes()
    path.write_bytes(f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode()
                     + b"FRAME\n" + planes)


def data_server(bodies: dict[str, tuple[str, str]]) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            found = bodies.get(self.path.split("?")[0])
            data = (found[0] if found else "{}").encode()
            self.send_response(200 if found else 404)
            self.send_header("Content-Type", found[1] if found else "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def wait_until_kept(page, fragments: tuple[str, ...], seconds: float = 30) -> None:
    """Until the service worker's cache holds a URL containing each fragment (the page fetches
    the decoder in the background a moment after it opens)."""
    deadline = time.monotonic() + seconds
    while True:
        kept = page.evaluate("caches.open('rukhsa-inspect-v1').then(c => c.keys())"
                             ".then(k => k.map(r => r.url))")
        if all(any(fragment in url for url in kept) for fragment in fragments):
            return
        assert time.monotonic() < deadline, f"not kept for offline use: {fragments} in {kept}"
        time.sleep(0.5)


def test_the_webassembly_decoder_reads_the_qr_from_the_camera_offline(tmp_path):
    from chalicelib.adapters.qr_png import render_qr_png
    from chalicelib.domain.catalogue import load_catalogue
    from chalicelib.domain.seal import SealClaims, public_jwk_set, sign_seal
    from chalicelib.domain.status_list import sign_status_list
    from devstack.front import Front
    from tests.unit.seal_fakes import LocalSealSigner

    if not (WEB_DIST / "index.html").is_file():
        raise RuntimeError("web/dist is not built: `make test` builds it (make web)")
    codes = load_catalogue().seal_codes
    signer = LocalSealSigner()
    today = datetime.now(timezone.utc).date()
    token = sign_seal(SealClaims(number=NUMBER, kind="advertisement", district="EAST",
                                 lat=31.2089, lng=29.9092, valid_from=today - timedelta(days=10),
                                 valid_until=today + timedelta(days=300), key_id=signer.key_id),
                      signer, codes)
    status_list = sign_status_list({"ALX-EAST-2026-000001": "revoked"}, datetime.now(timezone.utc),
                                   timedelta(hours=36), signer, codes)
    data = data_server({"/v1/keys": (json.dumps(public_jwk_set(signer.public_keys())), "application/json"),
                        "/v1/status-list": (status_list, "application/jose")})
    front = Front(0, f"http://127.0.0.1:{data.server_address[1]}")
    camera = tmp_path / "licence-qr.y4m"
    y4m_of(render_qr_png(f"{front.url}/v/{token}").png, camera)
    origins: set[str] = set()
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=browser.ensure_chromium(), headless=True,
                args=[*CHROMIUM_FLAGS, "--use-fake-device-for-media-stream",
                      "--use-fake-ui-for-media-stream", f"--use-file-for-fake-video-capture={camera}"])
            context = chromium.new_context(viewport=PHONE, locale="ar-EG", timezone_id="Africa/Cairo",
                                           service_workers="allow", permissions=["camera"])
            page = context.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.on("request", lambda request: origins.add(
                "{0.scheme}://{0.netloc}".format(urlsplit(request.url))))
            shots = Shots(page, "inspect-scan-")

            # Online once: the worker keeps the app, the keys, the list and the decoder.
            page.goto(f"{front.url}/inspect")
            expect(page.get_by_text("الحالة كما في")).to_be_visible()
            assert page.evaluate("typeof BarcodeDetector") == "undefined", \
                "this Chromium has BarcodeDetector: the WebAssembly path would not be tested"
            page.evaluate("navigator.serviceWorker.ready")  # installed and active
            page.reload()  # now the worker controls the page
            assert page.evaluate("navigator.serviceWorker.controller !== null")
            wait_until_kept(page, ("/assets/zxing-", ".wasm"))

            # Offline: scan with the camera.
            context.set_offline(True)
            page.reload()
            expect(page.get_by_text("أنت غير متصل بالإنترنت")).to_be_visible()
            page.get_by_role("button", name="مسح رمز QR بالكاميرا").click()
            verdict = page.get_by_role("status").filter(has=page.get_by_role("heading", level=2))
            expect(verdict.get_by_role("heading", name="رخصة أصلية وسارية")).to_be_visible(timeout=30_000)
            expect(verdict.get_by_text(NUMBER)).to_be_visible()
            expect(page.get_by_role("textbox", name="رابط التحقق أو الختم أو رقم الرخصة")).to_have_value(
                f"{front.url}/v/{token}")
            shots("offline-scanned")
            chromium.close()
    finally:
        front.stop()
        data.shutdown()

    assert errors == [], f"the app threw in the browser: {errors}"
    assert origins == {front.url}, f"the app fetched from another origin: {origins}"
    assert shots.inaccessible() == {}, shots.inaccessible()
