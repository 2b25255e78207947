"""Issue 17's inspector in a real browser, offline: the built app at /inspect against the local
stack (devstack/front.py), Playwright driving Debian's Chromium.

GIVEN two licences issued on the local stack, one of them suspended by an officer through the
API (the debounced rebuild publishes the signed status list within a minute) WHEN the inspector
opens /inspect online once (keys, list and app shell cached by the service worker) and then the
browser goes offline THEN the app still opens, verifies the genuine licence's seal with
WebCrypto ("genuine and valid"), shows the suspended one as suspended, and a tampered seal as
not genuine, saying how fresh its status list is; a day later the list is past its maximum age
and the genuine licence's status "cannot be confirmed".

Screenshots at 360 px and 1280 px: artifacts/e2e/portal/inspect-*.png (gitignored).
"""
from __future__ import annotations

import time
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.e2e.portal import PHONE, Shots, api, launch, portal_stack

pytestmark = pytest.mark.e2e
REBUILD_WAIT_SECONDS = 90  # the rebuild is delayed 20 s and the queue pump polls each second


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
    officer = issue_local_token(bound_settings(), "officer", "inspect-officer", district)
    api(base, "POST", f"/v1/licences/{suspended}/suspend", {"reason": "unsafe sign"}, officer)
    deadline = time.monotonic() + REBUILD_WAIT_SECONDS
    while listed_status(base, suspended) != "suspended":  # the debounced rebuild, not a direct call
        assert time.monotonic() < deadline, "the status list was not rebuilt within the wait"
        time.sleep(1)
    seal = {number: licence_store().get(number).seal_token for number in (genuine, suspended)}

    with sync_playwright() as playwright:
        chromium = launch(playwright)
        context = chromium.new_context(viewport=PHONE, locale="ar-EG", timezone_id="Africa/Cairo",
                                       service_workers="allow")
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        shots = Shots(page, "inspect-")

        # Online once: the app, the keys and the list are fetched and kept.
        page.goto(f"{base}/inspect")
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
        shots("offline-genuine")

        field.fill(seal[suspended])
        page.get_by_role("button", name="تحقق", exact=True).click()
        expect(verdict.get_by_role("heading", name="رخصة موقوفة")).to_be_visible()
        expect(verdict.get_by_text(suspended)).to_be_visible()
        shots("offline-suspended")

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
