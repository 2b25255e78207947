"""Issue 5's end-to-end check: real headless Chromium against the local stack (the app served
by Chalice's local server, AWS emulated by a moto server), opening the URL decoded from a
genuine licence's stored QR PNG, the same seal once the licence is revoked, and a forged seal.

Screenshots go to artifacts/e2e/ (gitignored).
"""
from __future__ import annotations

import base64
import io
import json
import os
import subprocess
import sys
import time
import uuid
from dataclasses import replace
from pathlib import Path
from typing import Iterator
from urllib.request import Request, urlopen

import pytest

from tests.e2e import browser

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(url: str, timeout_seconds: float = 60) -> None:
    deadline = time.monotonic() + timeout_seconds
    while time.monotonic() < deadline:
        try:
            with urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer")


@pytest.fixture(scope="module")
def local_stack(emulator, chromium) -> Iterator[dict]:
    """Provision tables, bucket, key and queues in the emulator under a fresh prefix, serve the
    API on a free port, and pump the streams in this process (as `make run` does)."""
    from chalicelib import wiring
    from devstack.config import local_environment

    saved = dict(os.environ)
    port = _free_port()
    prefix = f"e2e{uuid.uuid4().hex[:6]}-"
    env = local_environment()
    env.update(TABLE_PREFIX=prefix, FILES_BUCKET=f"{prefix}files", SEAL_KEY_IDS=f"alias/{prefix}seal",
               AWS_ENDPOINT_URL=emulator.endpoint_url, VERIFY_BASE_URL=f"http://127.0.0.1:{port}",
               PUBLIC_BASE_URL=f"http://127.0.0.1:{port}")
    os.environ.update(env)
    wiring.reset()
    from devstack.provision import provision, seed

    stream_arns = provision(prefix, env["FILES_BUCKET"], env["SEAL_KEY_IDS"])
    seed("2026-01-01T00:00:00.000Z")
    api = subprocess.Popen([sys.executable, "-m", "tests.e2e.local_api", "--port", str(port)],
                           cwd=ROOT, env=os.environ.copy(), stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
    try:
        _wait_for(f"http://127.0.0.1:{port}/v1/keys")
        sys.path.insert(0, str(ROOT))
        import app as app_module
        from devstack.run import stream_handlers
        from devstack.streams import StreamPump

        pump = StreamPump(stream_handlers(app_module), stream_arns, os.environ["TABLE_PREFIX"])
        yield {"base": f"http://127.0.0.1:{port}", "pump": pump}
    finally:
        api.terminate()
        try:
            api.wait(timeout=10)
        except subprocess.TimeoutExpired:
            api.kill()
        os.environ.clear()
        os.environ.update(saved)
        wiring.reset()


def _issue_through_the_api(local_stack: dict) -> str:
    """A citizen applies over HTTP; payment and approval move it to licence_paid (the payments
    and back-office work); the stream issues it. Returns the licence number."""
    from chalicelib.auth import issue_local_token
    from chalicelib.wiring import application_store, bound_settings, clock
    from tests.integration.issuance_helpers import drive_to_licence_paid
    from tests.integration.test_applications_api import VALID

    token = issue_local_token(bound_settings(), "citizen", f"e2e-{uuid.uuid4().hex[:8]}")
    request = Request(f"{local_stack['base']}/v1/applications", data=json.dumps(VALID).encode(),
                      headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
                      method="POST")
    with urlopen(request, timeout=30) as response:
        application_id = json.loads(response.read())["id"]
    drive_to_licence_paid(application_id, clock())
    local_stack["pump"].pump_until_quiet()
    app = application_store().get(application_id)
    assert app.status == "issued"
    return app.licence_number


def _qr_url(number: str) -> str:
    """The URL decoded (zxing-cpp) from the QR PNG stored in S3 for this licence."""
    import zxingcpp
    from PIL import Image

    from chalicelib.wiring import file_store, licence_store

    png = file_store().get(licence_store().get(number, consistent=True).qr_key)
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)),
                                   formats=zxingcpp.BarcodeFormat.QRCode)
    assert len(found) == 1
    return found[0].text


def test_chromium_shows_genuine_revoked_and_forged_verdicts(local_stack):
    from chalicelib.wiring import licence_store

    # GIVEN a licence issued on the local stack, and the URL its QR code holds
    number = _issue_through_the_api(local_stack)
    url = _qr_url(number)
    assert url.startswith(f"{local_stack['base']}/v/")
    # WHEN Chromium opens it THEN the page says genuine and valid, with the licence's number
    dom = browser.dump_dom(url)
    assert "رخصة سليمة وسارية" in dom and "Genuine and valid" in dom and number in dom
    assert "محمد أ. ع." in dom and "أحمد علي" not in dom
    browser.screenshot(url, "local_stack_genuine.png")

    # GIVEN a forged seal: one bit of the signature changed
    token = url.rsplit("/", 1)[1]
    raw = bytearray(base64.b32decode(token))
    raw[-1] ^= 0x01
    forged = f"{local_stack['base']}/v/{base64.b32encode(bytes(raw)).decode()}"
    # WHEN Chromium opens it THEN NOT GENUINE, and nothing of the licence shows
    dom = browser.dump_dom(forged)
    assert "غير أصلية" in dom and "NOT GENUINE" in dom and number not in dom
    browser.screenshot(forged, "local_stack_forged.png")

    # GIVEN the licence is revoked (its status written through the licence store)
    store = licence_store()
    store.save(replace(store.get(number, consistent=True), status="revoked",
                       status_reason="e2e: revoked"))
    # WHEN the same QR URL is opened again THEN the page says revoked at once
    dom = browser.dump_dom(url)
    assert "رخصة ملغاة" in dom and "Licence revoked" in dom and number in dom
    shot = browser.screenshot(url, "local_stack_revoked.png")
    assert shot.exists() and shot.stat().st_size > 0
