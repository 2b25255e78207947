"""Issue 17's inspector in a real browser, offline: the built app at /inspect against the local
stack (devstack/front.py), Playwright driving Debian's Chromium.

GIVEN two licences issued on the local stack, one of them suspended by an officer through the
API (the debounced rebuild publishes the signed status list within a minute) WHEN the inspector
opens /inspect online once (keys, list and app shell cached by the service worker) and then the
browser goes offline THEN the app still opens, verifies the genuine licence's seal with
WebCrypto ("genuine and valid"), shows the suspended one as suspended, and a tampered seal as
not genuine, saying how fresh its status list is, and how far the phone is from the site the
seal names (a warning beyond 200 m). Still offline, the inspector reports the suspended
licence's sign as a licence for another site, with a photo: the report waits on the phone; when
the signal returns it is sent by itself, and the district's officers see it at /staff/violations,
linked to the licence, with its photo. A day later the list is past its maximum age and the
genuine licence's status "cannot be confirmed".

Screenshots at 360 px and 1280 px: artifacts/e2e/portal/inspect-*.png (gitignored).
"""
from __future__ import annotations

import io
import json
import time
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.e2e.portal import PHONE, Shots, api, launch, portal_stack

pytestmark = pytest.mark.e2e
REBUILD_WAIT_SECONDS = 90  # the rebuild is delayed 20 s and the queue pump polls each second
SITE = {"latitude": 31.2089, "longitude": 29.9092}  # where VALID's licences hang
NEAR = {"latitude": 31.2091, "longitude": 29.9093, "accuracy": 10}  # ~24 m away
FAR = {"latitude": 31.2048, "longitude": 29.9092, "accuracy": 10}  # ~456 m south, inland


def photo_png() -> bytes:
    """A real image for the report's photo (the app re-encodes it as JPEG before queueing)."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (640, 480), (200, 60, 40))
    ImageDraw.Draw(image).rectangle((100, 100, 540, 380), fill=(250, 240, 200))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


@pytest.fixture(scope="module")
def stack():
    with portal_stack() as running:
        yield running


def issue_licence(base: str) -> str:
    """A citizen applies over HTTP; payment and approval are driven to licence_paid; the stack's
    own stream pump issues the licence (with its KMS-signed seal)."""
    from chalicelib.auth import issue_local_token
    from chalicelib.wiring import application_store, bound_settings, clock
    from tests.integration.issuance_helpers import drive_to_licence_paid
    from tests.integration.test_applications_api import VALID

    token = issue_local_token(bound_settings(), "citizen", f"inspect-{uuid.uuid4().hex[:8]}")
    application_id = api(base, "POST", "/v1/applications", VALID, token)["id"]
    drive_to_licence_paid(application_id, clock())
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        app = application_store().get(application_id)
        if app.status == "issued":
            return app.licence_number
        time.sleep(0.5)
    raise AssertionError(f"application {application_id} was not issued: {app.status}")


def listed_status(base: str, number: str):
    from urllib.request import urlopen

    from chalicelib.domain.status_list import verify_status_list
    from chalicelib.wiring import catalogue, seal_public_keys

    try:
        with urlopen(f"{base}/v1/status-list", timeout=10) as response:
            text = response.read().decode()
    except OSError:
        return "unpublished"
    return verify_status_list(text, seal_public_keys(), catalogue().seal_codes).status_of(number)


def test_the_inspector_verifies_offline_and_shows_a_suspension(stack):
    from chalicelib.auth import issue_local_token
    from chalicelib.wiring import bound_settings, licence_store

    base = stack.public_url
    genuine, suspended = issue_licence(base), issue_licence(base)
    district = licence_store().get(suspended).district
    officer = issue_local_token(bound_settings(), "officer", "inspect-officer", district,
                                name="م. سمير فؤاد")
    api(base, "POST", f"/v1/licences/{suspended}/suspend", {"reason": "unsafe sign"}, officer)
    deadline = time.monotonic() + REBUILD_WAIT_SECONDS
    while listed_status(base, suspended) != "suspended":  # the debounced rebuild, not a direct call
        assert time.monotonic() < deadline, "the status list was not rebuilt within the wait"
        time.sleep(1)
    seal = {number: licence_store().get(number).seal_token for number in (genuine, suspended)}

    with sync_playwright() as playwright:
        chromium = launch(playwright)
        context = chromium.new_context(viewport=PHONE, locale="ar-EG", timezone_id="Africa/Cairo",
                                       service_workers="allow", geolocation=NEAR,
                                       permissions=["geolocation"])
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        shots = Shots(page, "inspect-")

        # Online once: the app, the keys and the list are fetched and kept. The inspector is
        # signed in as an officer of the district (the session the sign-in page keeps).
        page.goto(f"{base}/inspect")
        page.evaluate("s => sessionStorage.setItem('rukhsa.session', s)", json.dumps(
            {"token": officer, "role": "officer", "sub": "inspect-officer", "district": district}))
        expect(page.get_by_role("heading", name="التحقق من رخصة في الموقع")).to_be_visible()
        expect(page.get_by_text("الحالة كما في")).to_be_visible()
        page.evaluate("navigator.serviceWorker.ready.then(() => true)")
        page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=15_000)
        page.reload()  # now under the worker: every file of the app passes through its cache
        expect(page.get_by_text("الحالة كما في")).to_be_visible()
        page.wait_for_function(
            "caches.open('rukhsa-inspect-v1').then(c => c.keys()).then(k => k.some(r => "
            "r.url.includes('/assets/Inspector')) && k.some(r => r.url.endsWith('/v1/status-list')))",
            timeout=15_000)
        shots("online")

        # Offline: the app still opens, and verifies.
        context.set_offline(True)
        page.reload()
        expect(page.get_by_role("heading", name="التحقق من رخصة في الموقع")).to_be_visible()
        expect(page.get_by_text("أنت غير متصل بالإنترنت")).to_be_visible()
        field = page.get_by_role("textbox", name="رابط التحقق أو الختم أو رقم الرخصة")

        field.fill(f"{base}/v/{seal[genuine]}")
        page.get_by_role("button", name="تحقق", exact=True).click()
        verdict = page.get_by_role("status")
        expect(verdict.get_by_role("heading", name="رخصة أصلية وسارية")).to_be_visible()
        expect(verdict.get_by_text(genuine)).to_be_visible()
        expect(verdict.get_by_text("المسافة بين الهاتف وموقع الرخصة")).to_be_visible()
        expect(verdict.get_by_text("ربما تخص هذه الرخصة موقعًا آخر")).to_have_count(0)
        shots("offline-genuine")

        field.fill(seal[suspended])
        page.get_by_role("button", name="تحقق", exact=True).click()
        expect(verdict.get_by_role("heading", name="رخصة موقوفة")).to_be_visible()
        expect(verdict.get_by_text(suspended)).to_be_visible()
        shots("offline-suspended")

        # Still offline, ~456 m from where the seal says the sign hangs: the verdict warns, and
        # the inspector reports a licence for another site, with a photo.
        context.set_geolocation(FAR)
        page.get_by_role("button", name="تحديد موقعي الآن").click()
        expect(verdict.get_by_text("ربما تخص هذه الرخصة موقعًا آخر")).to_be_visible()
        shots("offline-far-from-site")
        verdict.get_by_role("button", name="الإبلاغ: رخصة لموقع آخر").click()
        expect(page.get_by_role("radio", name="رخصة تخص موقعًا آخر")).to_be_checked()
        expect(page.get_by_role("textbox", name="رقم الرخصة المعلقة (إن وجدت)")).to_have_value(suspended)
        page.get_by_role("textbox", name="ملاحظات (اختياري)").fill("اللافتة معلقة على محل آخر في نفس الشارع")
        page.locator("input[type=file][multiple]").set_input_files(
            files=[{"name": "sign.png", "mimeType": "image/png", "buffer": photo_png()}])
        expect(page.get_by_text("عدد الصور المختارة: ١.")).to_be_visible()
        page.get_by_role("button", name="حفظ البلاغ وإرساله").click()
        queue = page.get_by_role("region", name="بلاغاتك على هذا الهاتف")
        expect(queue.get_by_text("في انتظار الاتصال")).to_be_visible()
        shots("offline-report-queued")

        # The signal returns: the queue sends the report and its photo by itself.
        context.set_offline(False)
        expect(queue.get_by_text("أُرسل", exact=True)).to_be_visible(timeout=20_000)
        shots("online-report-sent")

        # The district's officers see it, linked to the licence, with its photo.
        page.goto(f"{base}/staff/violations")
        expect(page.get_by_role("heading", name="بلاغات المخالفات")).to_be_visible()
        report = page.locator("li.violation").filter(has=page.get_by_role("link", name=suspended))
        expect(report.get_by_role("heading", name="رخصة تخص موقعًا آخر")).to_be_visible()
        expect(report.get_by_role("link", name=suspended)).to_have_attribute(
            "href", f"/staff/licences/{suspended}")
        expect(report.get_by_text("اللافتة معلقة على محل آخر في نفس الشارع")).to_be_visible()
        expect(report.get_by_text("موقوفة")).to_be_visible()
        expect(report.get_by_text("م. سمير فؤاد")).to_be_visible()
        photo = report.get_by_role("img", name="صورة ١ من ١ من موقع المخالفة")
        expect(photo).to_be_visible()
        page.wait_for_function("img => img.complete && img.naturalWidth === 640", arg=photo.element_handle())
        shots("staff-violations")

        # Back to the inspector's app, offline again, near the site.
        context.set_offline(True)
        context.set_geolocation(NEAR)
        page.goto(f"{base}/inspect")
        expect(page.get_by_text("أنت غير متصل بالإنترنت")).to_be_visible()

        token = seal[genuine]
        tampered = token[:60] + ("B" if token[60] == "A" else "A") + token[61:]
        field.fill(tampered)
        page.get_by_role("button", name="تحقق", exact=True).click()
        expect(verdict.get_by_role("heading", name="ليست رخصة أصلية")).to_be_visible()
        shots("offline-tampered")

        # A day and more later, still offline: the list is past its maximum age (24 h), so the
        # app refuses to call the genuine licence valid.
        page.clock.set_fixed_time(datetime.now(timezone.utc) + timedelta(hours=25))
        field.fill(seal[genuine])
        page.get_by_role("button", name="تحقق", exact=True).click()
        expect(verdict.get_by_role("heading",
                                   name="ختم أصلي، ولكن لا يمكن تأكيد حالة الرخصة")).to_be_visible()
        shots("offline-stale-list")
        chromium.close()

    assert errors == [], f"the app threw in the browser: {errors}"
    assert shots.too_wide_for_a_phone() == {}, shots.too_wide_for_a_phone()
    assert shots.inaccessible() == {}, shots.inaccessible()
