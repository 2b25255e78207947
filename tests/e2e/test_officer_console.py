"""Issue 16's officer console in a real browser: the built app against the local stack as
`make run` serves it (devstack/front.py), Playwright driving Debian's Chromium.

GIVEN two applications a citizen made and paid through the API (sandbox checkout, the stream
pump moving them to review), one with a scanned ID (PNG) and a lease (PDF) uploaded to its
presigned S3 POST, WHEN the district officer signs in on the local sign-in page THEN the queue
lists them with their time-limit label in words; the officer opens one (details, the site as
coordinates and on the map, both documents previewed inline), schedules an inspection (a time
in the past is refused by the API, on its field, in Arabic), records a passing result with a
photo, is told by the API on the reason field that a rejection needs a reason, and approves;
the other is returned with what to fix. The citizen pays the licence fee, the licence is
issued; the officer opens it from the application, suspends it and reinstates it with reasons,
each in its audit trail. Then the same screens in English.

Screenshots at 360 px and 1280 px: artifacts/e2e/portal/officer-*.png (gitignored); every page
is checked with axe-core and must fit a 360 px phone.
"""
from __future__ import annotations

import io
import re
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode
from urllib.request import Request, urlopen
from zoneinfo import ZoneInfo

import pytest
from PIL import Image
from playwright.sync_api import Page, expect, sync_playwright

from tests.e2e.portal import PHONE, SHOTS_DIR, Shots, api, launch, portal_stack, upload_document

pytestmark = pytest.mark.e2e
SLOW = 30_000  # ms: the webhook, the stream pump and issuance run between two pages
CAIRO = ZoneInfo("Africa/Cairo")
APPLICATION = {
    "service_code": "advertisement-first",
    "district": "EAST",
    "applicant": {"name": "سلمى حسن فؤاد", "national_id": "29001010201234", "mobile": "01012345678"},
    "site": {"lat": 31.2089, "lng": 29.9092, "address": "12 شارع فؤاد، الإسكندرية"},
    "details": {"sign_type": "wall", "sign_width_m": 3, "sign_height_m": 1.5, "faces": 1},
}


SHOP_APPLICATION = {
    **APPLICATION, "service_code": "shop-first",
    "applicant": {**APPLICATION["applicant"], "name": "منى طارق سالم"},
    "details": {"activity": "بقالة", "area_m2": 40, "commercial_register_no": "12345"},
}
PAGE_SIZE = 25  # the queue page's (web/src/staff/officer/Queue.tsx)


@pytest.fixture(scope="module")
def stack():
    with portal_stack() as running:
        yield running


def _picture(colour: str, fmt: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (320, 200), colour).save(buffer, fmt)
    return buffer.getvalue()


def _red_pixels(png: bytes) -> int:
    """Pixels of the PDF's colour (#c04040, give or take the viewer's rendering)."""
    picture = Image.open(io.BytesIO(png)).convert("RGB")
    return sum(1 for r, g, b in picture.getdata() if abs(r - 0xc0) < 12 and abs(g - 0x40) < 12 and abs(b - 0x40) < 12)


def _pay_in_sandbox(base: str, token: str, application_id: str) -> None:
    started = api(base, "POST", f"/v1/applications/{application_id}/payments", {"gateway": "sandbox"}, token)
    form = urlencode({"outcome": "pay"}).encode()
    with urlopen(Request(f"{base}/sandbox/checkout/{started['merchant_reference']}/complete", data=form,
                         headers={"Content-Type": "application/x-www-form-urlencoded"}, method="POST"),
                 timeout=30) as response:
        assert response.status == 200


def _wait_for(base: str, token: str, application_id: str, status: str) -> dict:
    deadline = time.monotonic() + SLOW / 1000
    while True:
        current = api(base, "GET", f"/v1/applications/{application_id}", token=token)
        if current["status"] == status:
            return current
        assert time.monotonic() < deadline, f"{application_id} stayed {current['status']}, not {status}"
        time.sleep(0.5)


def _citizen(base: str) -> str:
    return api(base, "POST", "/v1/dev/tokens", {"role": "citizen", "sub": f"queue-e2e-{uuid.uuid4().hex[:8]}"})["token"]


def _sign_in_as_east_officer(page: Page, base: str) -> None:
    page.goto(f"{base}/sign-in?next=/staff")
    page.get_by_role("radio", name="موظف حي").check()
    page.get_by_label("الحي").select_option("EAST")
    page.get_by_role("button", name="تسجيل الدخول").click()
    # Signed in once the console's queue shows: a navigation before then would cancel the sign-in
    expect(page.get_by_role("heading", level=1, name="طلبات الحي")).to_be_visible()


def _cairo_wall_time(days_from_now: float) -> str:
    return (datetime.now(CAIRO) + timedelta(days=days_from_now)).strftime("%Y-%m-%dT%H:%M")


def test_an_officer_reviews_inspects_decides_and_suspends_a_licence(stack, tmp_path: Path):
    base = stack.public_url
    citizen = api(base, "POST", "/v1/dev/tokens", {"role": "citizen", "sub": f"officer-e2e-{uuid.uuid4().hex[:8]}"})["token"]
    inspected = api(base, "POST", "/v1/applications", APPLICATION, citizen)["id"]
    returned = api(base, "POST", "/v1/applications", {**APPLICATION, "applicant": {
        **APPLICATION["applicant"], "name": "كريم عادل منصور"}}, citizen)["id"]
    waiting = api(base, "POST", "/v1/applications", {**APPLICATION, "applicant": {
        **APPLICATION["applicant"], "name": "هدى سمير رزق"}}, citizen)["id"]
    # A queue longer than the console's page of 25: applications still awaiting their fees, the
    # one shop application last (each by its own citizen: 10 applications an hour per citizen)
    for _ in range(PAGE_SIZE):
        api(base, "POST", "/v1/applications", APPLICATION, _citizen(base))
    shop = api(base, "POST", "/v1/applications", SHOP_APPLICATION, _citizen(base))["id"]
    upload_document(base, citizen, inspected, "national_id", "image/png", _picture("#2a6f97", "PNG"))
    upload_document(base, citizen, inspected, "ownership_or_lease", "application/pdf", _picture("#c04040", "PDF"))
    for application_id in (inspected, returned, waiting):
        _pay_in_sandbox(base, citizen, application_id)
    for application_id in (inspected, returned, waiting):
        _wait_for(base, citizen, application_id, "under_review")
    photo = tmp_path / "site.png"
    photo.write_bytes(_picture("#8a5a00", "PNG"))

    with sync_playwright() as playwright:
        chromium = launch(playwright)
        context = chromium.new_context(viewport=PHONE, locale="ar-EG", timezone_id="Africa/Cairo")
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        shots = Shots(page, "officer-")

        # WHEN the officer signs in on the local stack's page, for the East district
        _sign_in_as_east_officer(page, base)

        # THEN the district queue: both applications, with their time limit in words
        expect(page.get_by_role("heading", level=1, name="طلبات الحي")).to_be_visible()
        row = page.get_by_role("row").filter(has=page.get_by_role("link", name=inspected))
        expect(row).to_contain_text("سلمى حسن فؤاد")
        expect(row.locator(".sla")).to_have_text(re.compile(r"^في الموعد: "))
        expect(page.get_by_role("row").filter(has=page.get_by_role("link", name=returned))).to_be_visible()
        shots("queue")
        # A filter that leaves them out: waiting 30 working days or more
        page.get_by_label("مدة الانتظار").select_option("30")
        page.get_by_role("button", name="اعرض الطلبات").click()
        expect(page.get_by_text("لا يوجد طلب يطابق هذه الاختيارات.")).to_be_visible()
        expect(page).to_have_url(re.compile(r"/staff/queue\?age=30$"))
        # The API filters the whole queue: awaiting fees, the shop application is past the
        # first page of 25; filtered by service, it is on the first
        page.get_by_label("مدة الانتظار").select_option("")
        page.get_by_label("الحالة").select_option("submitted")
        page.get_by_role("button", name="اعرض الطلبات").click()
        expect(page.get_by_role("button", name="حمّل مزيدًا من الطلبات")).to_be_visible()
        expect(page.get_by_role("link", name=shop)).to_have_count(0)
        page.get_by_label("الخدمة").select_option("shop-first")
        page.get_by_role("button", name="اعرض الطلبات").click()
        expect(page).to_have_url(re.compile(r"/staff/queue\?status=submitted&service=shop-first$"))
        expect(page.get_by_role("row").filter(has=page.get_by_role("link", name=shop))).to_contain_text("منى طارق سالم")
        expect(page.get_by_role("row").filter(has_text="سلمى حسن فؤاد")).to_have_count(0)
        shots("queue-by-service")
        page.get_by_label("الحالة").select_option("under_review")
        page.get_by_label("الخدمة").select_option("advertisement-first")
        page.get_by_role("button", name="اعرض الطلبات").click()
        page.get_by_role("link", name=inspected).click()

        # THEN the application: applicant, details, the site as text and on the map, documents
        expect(page.get_by_role("heading", level=1, name="مراجعة طلب")).to_be_visible()
        expect(page.get_by_role("definition").filter(has_text="سلمى حسن فؤاد")).to_be_visible()
        expect(page.get_by_role("definition").filter(has_text="على الحائط")).to_be_visible()
        expect(page.get_by_text("٣١٫٢٠٨٩, ٢٩٫٩٠٩٢")).to_be_visible()
        expect(page.locator(".site-pin")).to_be_visible()
        scan = page.get_by_role("img", name="صورة بطاقة الرقم القومي كما رُفع")
        expect(scan).to_be_visible()
        page.wait_for_function("img => img.complete && img.naturalWidth === 320", arg=scan.element_handle())
        lease = page.locator("iframe[title='عقد الملكية أو الإيجار (PDF)']")
        expect(lease).to_be_visible()
        assert lease.get_attribute("src").startswith(stack.emulator.endpoint_url)
        # Chromium's own PDF viewer shows it inline (the CSP lets the file store into a frame):
        # the page's red is on screen where the frame is
        lease.scroll_into_view_if_needed()
        deadline = time.monotonic() + 15
        while _red_pixels(lease.screenshot()) < 5_000:
            assert time.monotonic() < deadline, "the PDF was not shown in its frame"
            page.wait_for_timeout(250)
        shots("application")

        # WHEN an inspection is booked in the past THEN the API's refusal shows on its field
        page.get_by_label("التاريخ والوقت").fill(_cairo_wall_time(-1))
        page.get_by_role("textbox", name="القائم بالمعاينة").fill("م. سامي عبد الله")
        page.get_by_role("button", name="حدد الموعد").click()
        expect(page.locator("#inspection-when-error")).to_have_text("يجب أن يكون الموعد في المستقبل")
        expect(page.get_by_role("alert").filter(has_text="يجب أن يكون الموعد في المستقبل")).to_be_visible()
        shots("inspection-error")
        # and in the future it is scheduled
        page.get_by_label("التاريخ والوقت").fill(_cairo_wall_time(2))
        page.get_by_role("button", name="حدد الموعد").click()
        inspection = page.locator(".inspection")
        expect(inspection.locator(".tag")).to_have_text("محددة")
        expect(inspection).to_contain_text("م. سامي عبد الله")

        # WHEN the result is recorded: passed, with a photo taken on site
        inspection.get_by_role("radio", name="مطابقة", exact=True).check()
        inspection.get_by_role("textbox", name="ملاحظات").fill("اللافتة مطابقة للتصميم المعتمد")
        inspection.get_by_label("صور (اختياري)").set_input_files(str(photo))
        inspection.get_by_role("button", name="سجّل النتيجة").click()
        expect(inspection.locator(".tag")).to_have_text("مطابقة")
        site_photo = page.get_by_role("img", name="صورة المعاينة 1").or_(page.get_by_role("img", name="صورة المعاينة ١"))
        expect(site_photo).to_be_visible()
        page.wait_for_function("img => img.complete && img.naturalWidth === 320", arg=site_photo.element_handle())
        audit = page.get_by_role("region", name="سجل التدقيق", exact=True)
        expect(audit).to_contain_text("سُجلت نتيجة المعاينة")
        expect(audit).to_contain_text("أضيفت صورة معاينة")
        shots("inspection-passed")

        # THEN approval is not offered while a required document is missing, and says which
        approve = page.get_by_role("radio", name="الموافقة: يصبح رسم الرخصة مستحقًا")
        expect(approve).to_be_disabled()
        expect(approve).to_have_accessible_description(re.compile("الناقص: تصميم الإعلان بأبعاده"))
        shots("approval-needs-documents")
        # WHEN the citizen uploads the sign's design THEN approval is offered
        upload_document(base, citizen, inspected, "sign_design", "image/png", _picture("#406040", "PNG"))
        page.reload()
        expect(approve).to_be_enabled()
        expect(approve).not_to_have_accessible_description(re.compile("الناقص"))

        # WHEN rejecting without a reason THEN the API says so on the reason field, in Arabic
        page.get_by_role("radio", name="الرفض").check()
        page.get_by_role("button", name="سجّل القرار").click()
        expect(page.locator("#decision-reason-error")).to_contain_text("يلزم ذكر السبب")
        shots("decision-error")
        # and approving moves it on
        page.get_by_role("radio", name="الموافقة: يصبح رسم الرخصة مستحقًا").check()
        page.get_by_role("button", name="سجّل القرار").click()
        expect(page.get_by_role("status").filter(has_text="سُجّل القرار")).to_be_visible()
        expect(page.locator(".summary-list .tag").first).to_have_text("تمت الموافقة")
        expect(page.get_by_role("region", name="سجل التدقيق", exact=True)).to_contain_text("تمت الموافقة")
        shots("approved")

        # WHEN the other application is returned with what to fix
        page.get_by_role("link", name="طلبات الحي").click()
        page.get_by_role("link", name=returned).click()
        expect(page.get_by_role("definition").filter(has_text="كريم عادل منصور")).to_be_visible()
        page.get_by_role("radio", name="إعادة الطلب إلى المواطن لتعديله").check()
        page.get_by_role("textbox", name="ما الذي يجب على المواطن تعديله؟").fill("أرفق صورة عقد الإيجار وتصميم اللافتة")
        shots("return")
        page.get_by_role("button", name="سجّل القرار").click()
        expect(page.locator(".summary-list .tag").first).to_have_text("معاد للاستكمال")
        expect(page.get_by_role("definition").filter(has_text="أرفق صورة عقد الإيجار")).to_be_visible()
        assert api(base, "GET", f"/v1/applications/{returned}", token=citizen)["decision_reason"] \
            == "أرفق صورة عقد الإيجار وتصميم اللافتة"
        shots("returned")

        # GIVEN the citizen pays the licence fee and the licence is issued
        _pay_in_sandbox(base, citizen, inspected)
        number = _wait_for(base, citizen, inspected, "issued")["licence_number"]
        page.goto(f"{base}/staff/applications/{inspected}")
        page.get_by_role("link", name=number).click()

        # THEN the licence, suspended with a reason, then reinstated
        expect(page.get_by_role("heading", level=1, name="رخصة")).to_be_visible()
        expect(page.locator(".summary-list .tag")).to_have_text("سارية")
        page.get_by_role("radio", name="إيقافها").check()
        page.get_by_role("button", name="غيّر الحالة").click()
        expect(page.locator("#licence-reason-error")).to_contain_text("يلزم ذكر السبب")
        page.get_by_role("radio", name="إيقافها").check()
        page.get_by_role("textbox", name="السبب").fill("اللافتة تحجب إشارة المرور")
        page.get_by_role("button", name="غيّر الحالة").click()
        expect(page.locator(".summary-list .tag")).to_have_text("موقوفة")
        expect(page.get_by_text("السبب: اللافتة تحجب إشارة المرور")).to_be_visible()
        expect(page.get_by_role("region", name="سجل التدقيق", exact=True)).to_contain_text("أوقفت")
        shots("licence-suspended")
        page.get_by_role("radio", name="إعادة تفعيلها").check()
        page.get_by_role("textbox", name="السبب").fill("نُقلت اللافتة وأعيدت المعاينة")
        page.get_by_role("button", name="غيّر الحالة").click()
        expect(page.locator(".summary-list .tag")).to_have_text("سارية")
        trail = page.get_by_role("region", name="سجل التدقيق", exact=True)
        expect(trail).to_contain_text("أعيد تفعيلها")
        expect(trail).to_contain_text("نُقلت اللافتة وأعيدت المعاينة")
        expect(trail).to_contain_text("سارية ← موقوفة")  # statuses in words, not codes
        expect(trail).to_contain_text("موقوفة ← سارية")
        assert api(base, "GET", f"/v1/licences/{number}", token=citizen)["status"] == "active"
        shots("licence-reinstated")

        # The licence search finds it by number
        page.get_by_role("link", name="الرخص", exact=True).click()
        page.get_by_role("textbox", name="رقم الرخصة").fill(number.lower())
        page.get_by_role("button", name="ابحث", exact=True).click()
        expect(page).to_have_url(re.compile(f"/staff/licences/{number}$"))
        page.go_back()
        expect(page.get_by_role("row").filter(has=page.get_by_role("link", name=number))).to_contain_text("سارية")
        shots("licences")

        # WHEN switching to English THEN the console reads left to right, in English
        page.get_by_role("button", name="Switch to English").click()
        expect(page.locator("html")).to_have_attribute("dir", "ltr")
        page.get_by_role("link", name="District applications").click()
        expect(page.get_by_role("heading", level=1, name="District applications")).to_be_visible()
        page.get_by_label("Status").select_option("returned")
        page.get_by_role("button", name="Show applications").click()
        expect(page).to_have_url(re.compile(r"/staff/queue\?status=returned$"))
        expect(page.get_by_role("row").filter(has=page.get_by_role("link", name=returned))).to_contain_text(
            "Returned for changes")
        page.get_by_label("Status").select_option("issued")
        page.get_by_role("button", name="Show applications").click()
        expect(page.get_by_role("row").filter(has=page.get_by_role("link", name=inspected))).to_contain_text("No time limit running")
        shots("queue-english")
        page.get_by_role("link", name=inspected).click()
        expect(page.get_by_role("heading", name="Site inspections")).to_be_visible()
        expect(page.locator(".inspection .tag")).to_have_text("Passed")
        shots("application-english")
        page.get_by_role("link", name=number).click()
        expect(page.get_by_role("heading", level=1, name="Licence")).to_be_visible()
        expect(page.get_by_role("region", name="Audit trail", exact=True)).to_contain_text("Reinstated")
        shots("licence-english")

        # GIVEN the browser's clock 30 days on (weekends skipped: 21 or 22 working days for a
        # service expected in 15) THEN the application still under review is late, in words
        later = chromium.new_context(viewport=PHONE, locale="ar-EG", timezone_id="Africa/Cairo")
        late_page = later.new_page()
        late_page.on("pageerror", lambda error: errors.append(str(error)))
        late_page.clock.install(time=datetime.now(CAIRO) + timedelta(days=30))
        late_shots = Shots(late_page, "officer-late-")
        _sign_in_as_east_officer(late_page, base)
        late_row = late_page.get_by_role("row").filter(has=late_page.get_by_role("link", name=waiting))
        expect(late_row.locator(".sla")).to_have_text(re.compile(r"^متأخر (٦|٧|٨) أيام عمل$"))
        expect(late_row.locator(".sla-late")).to_be_visible()
        late_shots("queue")

        chromium.close()
        assert errors == [], f"the app threw in the browser: {errors}"
    assert late_shots.too_wide_for_a_phone() == {} and late_shots.inaccessible() == {}

    assert shots.too_wide_for_a_phone() == {}, shots.too_wide_for_a_phone()
    assert shots.inaccessible() == {}, shots.inaccessible()
    assert len(list(SHOTS_DIR.glob("officer-*.png"))) == len(shots.taken) + len(late_shots.taken)
