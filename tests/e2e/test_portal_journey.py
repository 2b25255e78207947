"""Issue 15's journeys in a real browser: the built portal against the local stack as `make run`
serves it. A citizen finds the service, reads what it needs, signs in (local stack), applies
(every step, "use my location", the draft surviving a reload, Arabic-Indic digits typed, one
error returned by the API on its field), uploads a document straight to the file store, pays in
the sandbox and comes back, sees the stream pump move the application on; the officer approves
(API); the citizen pays the licence fee and sees the licence with its QR, saves the QR as a PNG,
copies the verify link, opens it, asks for the paper copy, has the SMS sent again, renews and
cancels that renewal; then switches to English. A second citizen's licence ended days ago (the
nightly job run for the nights since, in this process, against the stack's tables): the late
renewal shows the fines and the first-time fees before paying; the officer returns it with a
message; the citizen corrects and resubmits.

Screenshots of every page at 360 px and 1280 px: artifacts/e2e/portal/ (gitignored).
"""
from __future__ import annotations

import re
import uuid
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from urllib.request import urlopen
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from tests.e2e.portal import PHONE, Shots, api, hand_in_documents, launch, portal_stack

pytestmark = pytest.mark.e2e
SLOW = 30_000  # ms: the webhook, the stream pump and issuance run between two pages
# Where "use my location" finds the phone: 12 Fouad Street, Alexandria.
PHONE_POSITION = {"latitude": 31.2089, "longitude": 29.9092}
# A small but real PDF: the file store keeps what the browser posted, byte for byte.
LEASE_PDF = (b"%PDF-1.4\n1 0 obj <</Type /Catalog>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n")


@pytest.fixture(scope="module")
def stack():
    with portal_stack() as running:
        yield running


@pytest.fixture
def page():
    with sync_playwright() as playwright:
        chromium = launch(playwright)  # no skip: a browser that cannot start fails the test
        context = chromium.new_context(viewport=PHONE, locale="ar-EG", timezone_id="Africa/Cairo",
                                       geolocation=PHONE_POSITION,
                                       permissions=["geolocation", "clipboard-read", "clipboard-write"])
        tab = context.new_page()
        errors: list[str] = []
        tab.on("pageerror", lambda error: errors.append(str(error)))
        yield tab
        chromium.close()
        assert errors == [], f"the app threw in the browser: {errors}"


def _continue(page: Page) -> None:
    page.get_by_role("button", name="متابعة").click()


def _pay_in_sandbox(page: Page, shots: Shots, name: str) -> None:
    """From the application page: pay, press Pay on the sandbox checkout, come back."""
    page.get_by_role("button", name=re.compile("^ادفع ")).click()
    expect(page.get_by_role("heading", name="بوابة الدفع التجريبية")).to_be_visible()
    shots(f"{name}-checkout")
    page.get_by_role("button", name="ادفع / Pay").click()
    expect(page.get_by_role("heading", name="تم الدفع")).to_be_visible()
    shots(f"{name}-paid")
    # The gateway sends the browser back to the portal, which waits for the webhook's effect
    page.wait_for_url(re.compile(r"/applications/[^/?]+\?payment="), timeout=SLOW)
    expect(page.get_by_role("status").filter(has_text="تم استلام الدفع")).to_be_visible()
    shots(f"{name}-back")
    # and stops waiting once the payment is applied: the address drops ?payment=
    page.wait_for_url(re.compile(r"/applications/[^/?]+$"), timeout=SLOW)
    expect(page.get_by_role("status").filter(has_text="تم استلام الدفع")).to_have_count(0)


def _token(page: Page) -> str:
    """The signed-in person's bearer token, as the app keeps it (sessionStorage)."""
    return page.evaluate("JSON.parse(sessionStorage.getItem('rukhsa.session')).token")


def _sign_in(page: Page, who: str) -> None:
    expect(page.get_by_text("البيئة المحلية فقط")).to_be_visible()
    page.get_by_role("textbox", name="رقم المحمول أو معرّف المستخدم").fill(who)
    page.get_by_role("button", name="تسجيل الدخول").click()


def test_a_citizen_applies_pays_and_gets_the_licence(stack, page: Page):
    base = stack.public_url
    shots = Shots(page, "journey-")

    # GIVEN the directory, public and in Arabic
    page.goto(f"{base}/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.get_by_role("heading", level=1, name="ما الرخصة التي تحتاجها؟")).to_be_visible()
    # WHEN the citizen searches with diacritics THEN the directory's six advertisement services
    # are found (first time, renewal, amendment, transfer, temporary, replacement)
    page.get_by_role("textbox", name="ابحث عن خدمة").fill("إِعْلان")
    expect(page.get_by_role("status").filter(has_text="٦ خدمات")).to_be_visible()
    shots("directory")
    page.get_by_role("link", name="ترخيص إعلان", exact=True).click()

    # THEN the service page says what is needed: fees in EGP, fields, validity, districts
    expect(page.get_by_role("heading", level=1, name="ترخيص إعلان")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("رسم نظر"))).to_contain_text("٠٫٥٠ ج.م.")
    expect(page.get_by_role("listitem").filter(has_text="عرض اللافتة (م)")).to_be_visible()
    expect(page.get_by_text("١٢ شهرًا")).to_be_visible()
    shots("service")
    page.get_by_role("button", name="ابدأ الآن").click()

    # WHEN signing in on the local stack's page (mobile typed in Arabic-Indic digits)
    expect(page.get_by_text("البيئة المحلية فقط")).to_be_visible()
    shots("sign-in")
    _sign_in(page, "٠١٠٥٥٥٠٠١٢٣")

    # THEN the application starts: one question per page
    expect(page.get_by_role("heading", level=1, name="في أي حي تقع المنشأة؟")).to_be_visible()
    _continue(page)  # nothing chosen: the page says so, at the top and on the field
    expect(page.get_by_role("alert")).to_contain_text("اختر الحي")
    shots("apply-district-error")
    page.get_by_role("radio", name="حي شرق").check()
    _continue(page)

    expect(page.get_by_role("heading", level=1, name="بياناتك")).to_be_visible()
    page.get_by_role("textbox", name="الاسم الكامل").fill("محمد أحمد علي")
    page.get_by_role("textbox", name="الرقم القومي").fill("٢٩٠٠١٠١٠٢٠١٢٣٤")
    # 019 is no Egyptian operator's prefix: only the API knows, and it will say so
    page.get_by_role("textbox", name="رقم المحمول").fill("٠١٩١٢٣٤٥٦٧٨")
    shots("apply-applicant")
    _continue(page)

    expect(page.get_by_role("heading", level=1, name="أين تقع المنشأة؟")).to_be_visible()
    # The map (Leaflet, its own chunk) works with no tiles: a pin, and typed coordinates
    pin = page.locator(".site-pin")
    expect(pin).to_be_visible()
    # WHEN "use my location" THEN the phone's position fills the coordinates, and the API says
    # where the pin is (inside the governorate; no district boundary is packaged there, so the
    # district chosen on the first step stands)
    page.get_by_role("button", name="استخدم موقعي الحالي").click()
    expect(page.get_by_role("textbox", name="خط العرض")).to_have_value("31.208900")
    expect(page.get_by_role("textbox", name="خط الطول")).to_have_value("29.909200")
    expect(page.get_by_role("status").filter(has_text="العلامة داخل محافظة الإسكندرية")).to_contain_text("حي شرق")
    shots("apply-site-located")
    # The typed coordinates stay the source of truth (Arabic-Indic digits accepted)
    page.get_by_role("textbox", name="خط العرض").fill("٣١٫٢٠٨٩")
    page.get_by_role("textbox", name="خط الطول").fill("29.9092")
    page.get_by_role("textbox", name="العنوان").fill("12 شارع فؤاد، الإسكندرية")
    # WHEN the page is reloaded THEN the draft is still there, as typed
    page.reload()
    expect(page.get_by_role("heading", level=1, name="أين تقع المنشأة؟")).to_be_visible()
    expect(page.get_by_role("textbox", name="خط العرض")).to_have_value("٣١٫٢٠٨٩")
    expect(page.get_by_role("textbox", name="العنوان")).to_have_value("12 شارع فؤاد، الإسكندرية")
    shots("apply-site")
    _continue(page)

    expect(page.get_by_role("heading", level=1, name="تفاصيل الطلب")).to_be_visible()
    page.get_by_role("radio", name="على الحائط").check()
    page.get_by_role("textbox", name="عرض اللافتة (م)").fill("٣")
    page.get_by_role("textbox", name="ارتفاع اللافتة (م)").fill("1.5")
    page.get_by_role("textbox", name="عدد الأوجه").fill("١")
    shots("apply-details")
    _continue(page)

    expect(page.get_by_role("heading", level=1, name="راجع بياناتك قبل الإرسال")).to_be_visible()
    expect(page.get_by_role("definition").filter(has_text="31.2089, 29.9092")).to_be_visible()
    shots("apply-check")
    # WHEN sending THEN the API's error shows in the summary, linked to its field
    page.get_by_role("button", name="أرسل الطلب").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("010 أو 011 أو 012 أو 015")
    shots("apply-check-api-error")
    summary.get_by_role("link").first.click()
    mobile = page.get_by_role("textbox", name="رقم المحمول")
    expect(mobile).to_have_attribute("aria-invalid", "true")
    expect(mobile).to_be_focused()
    expect(page.locator("#applicant-mobile-error")).to_contain_text("010 أو 011 أو 012 أو 015")
    shots("apply-applicant-api-error")
    mobile.fill("٠١٠١٢٣٤٥٦٧٨")
    _continue(page)  # back to check your answers, not through every step again
    expect(page.get_by_role("heading", level=1, name="راجع بياناتك قبل الإرسال")).to_be_visible()
    page.get_by_role("button", name="أرسل الطلب").click()

    # THEN the confirmation gives the reference and what happens next
    expect(page.get_by_role("heading", level=1, name="تم استلام طلبك")).to_be_visible()
    reference = page.locator(".reference").inner_text().strip()
    assert re.fullmatch(r"[A-Za-z0-9-]{6,}", reference), reference
    expect(page.get_by_role("listitem").filter(has_text="ادفع رسوم التقديم")).to_contain_text("٥٫٥٠")
    expect(page.get_by_text("٣ مستندات مطلوبة لم تُرفع بعد")).to_be_visible()
    shots("confirmation")

    # WHEN a file of a type the slot refuses is chosen THEN the page says so on the field,
    # before anything is sent
    lease = page.get_by_label("عقد الملكية أو الإيجار", exact=True)
    lease.set_input_files({"name": "lease.png", "mimeType": "image/png", "buffer": b"\x89PNG\r\n\x1a\n" + b"0" * 64})
    page.get_by_role("button", name="ارفع عقد الملكية أو الإيجار").click()
    expect(page.locator("#document-ownership_or_lease-error")).to_contain_text("نوع الملف غير مقبول")
    shots("documents-wrong-type")
    # WHEN the lease is uploaded as a PDF THEN it goes straight to the file store with the
    # presigned POST, and the application lists it
    lease.set_input_files({"name": "lease.pdf", "mimeType": "application/pdf", "buffer": LEASE_PDF})
    page.get_by_role("button", name="ارفع عقد الملكية أو الإيجار").click()
    expect(page.get_by_role("status").filter(has_text="تم رفع عقد الملكية أو الإيجار")).to_be_visible()
    expect(page.get_by_role("link", name="عرض عقد الملكية أو الإيجار")).to_be_visible()
    expect(page.get_by_text("مستندان مطلوبان لم يُرفعا بعد")).to_be_visible()
    shots("documents-uploaded")
    documents = api(base, "GET", f"/v1/applications/{reference}/documents", token=_token(page))["documents"]
    assert [d["slot"] for d in documents] == ["ownership_or_lease"], documents
    assert documents[0]["content_type"] == "application/pdf"
    with urlopen(documents[0]["download_url"], timeout=30) as stored:
        assert stored.read() == LEASE_PDF  # the object the browser posted, byte for byte
    page.get_by_role("button", name="ادفع الآن").click()

    # WHEN the application fees are paid in the sandbox
    expect(page.get_by_role("heading", level=1, name=re.compile("طلب ترخيص إعلان"))).to_be_visible()
    expect(page.get_by_role("definition").filter(has_text="بانتظار الدفع")).to_be_visible()
    shots("application-submitted")
    _pay_in_sandbox(page, shots, "application-fees")
    # THEN back on the application, the stream pump moves it on to review
    expect(page.locator(".tag").filter(has_text="قيد المراجعة")).to_be_visible(timeout=SLOW)
    expect(page.get_by_role("listitem").filter(has_text="قُدّم الطلب")).to_contain_text("بواسطتك")
    shots("application-under-review")

    # WHEN the citizen's other required documents are in (through the API) and the district
    # officer approves it (the staff console comes later: the API)
    assert hand_in_documents(base, _token(page), reference)
    officer = api(base, "POST", "/v1/dev/tokens", {"role": "officer", "district": "EAST"})["token"]
    api(base, "POST", f"/v1/applications/{reference}/decision",
        {"decision": "approve", "reason": "site inspected"}, officer)
    page.reload()
    expect(page.locator(".tag").filter(has_text="تمت الموافقة")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("^ادفع "))).to_be_visible()
    shots("application-approved")
    _pay_in_sandbox(page, shots, "licence-fee")

    # THEN the licence is issued, and the application links to it
    licence_link = page.get_by_role("link", name=re.compile("عرض الرخصة ALX-EAST-"))
    expect(licence_link).to_be_visible(timeout=SLOW)
    shots("application-issued")
    licence_link.click()
    expect(page.get_by_role("heading", level=1, name="رخصة إعلان")).to_be_visible()
    expect(page.locator(".tag").filter(has_text="سارية")).to_be_visible()
    qr = page.get_by_role("img", name=re.compile("رمز QR للتحقق من الرخصة ALX-EAST-"))
    expect(qr).to_be_visible()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=qr.element_handle())
    verify = page.get_by_role("link", name="رابط التحقق من الرخصة")
    verify_url = verify.get_attribute("href")
    assert verify_url.startswith(f"{base}/v/"), verify_url
    number = page.url.rsplit("/", 1)[-1]
    assert number.startswith("ALX-EAST-"), number
    shots("licence")

    # WHEN the QR is downloaded THEN it is saved as a PNG named after the licence
    with page.expect_download() as saving:
        page.get_by_role("link", name="تنزيل رمز QR").click()
    download = saving.value
    assert download.suggested_filename == f"{number}.png", download.suggested_filename
    with open(download.path(), "rb") as png:
        assert png.read(8) == b"\x89PNG\r\n\x1a\n"

    # WHEN the verify link is shared THEN it is on the clipboard (no share sheet on a desktop)
    expect(page.get_by_role("textbox", name="عنوان رابط التحقق")).to_have_value(verify_url)
    page.get_by_role("button", name="شارك الرابط").click()
    expect(page.get_by_role("status").filter(has_text="نُسخ رابط التحقق")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == verify_url

    # WHEN the SMS is asked for again THEN it is queued; a second ask within the interval is
    # refused with the API's message (SMS costs money)
    page.get_by_role("button", name="أعد إرسال الرسالة القصيرة").click()
    expect(page.get_by_role("status").filter(has_text="سنرسل الرسالة")).to_be_visible()
    shots("licence-sms-queued")
    page.get_by_role("button", name="أعد إرسال الرسالة القصيرة").click()
    expect(page.get_by_role("alert")).to_contain_text("حاول مرة أخرى بعد")
    shots("licence-sms-refused")

    # WHEN the paper copy is asked for THEN a PDF link appears, and it is a PDF
    page.get_by_role("button", name="اطلب نسخة ورقية (PDF)").click()
    pdf = page.get_by_role("link", name="افتح النسخة الورقية (PDF)")
    expect(pdf).to_be_visible(timeout=SLOW)  # the first PDF a worker draws loads its fonts
    with urlopen(pdf.get_attribute("href"), timeout=30) as response:
        assert response.read(5) == b"%PDF-"
    shots("licence-paper-copy")

    # WHEN the verify link is opened THEN the public page says genuine and valid
    verify.click()
    expect(page.get_by_text("رخصة سليمة وسارية")).to_be_visible()
    shots("verify")
    page.go_back()

    # WHEN renewing THEN a renewal application waits for its fees, with no fines
    page.get_by_role("button", name="جدّد الرخصة").click()
    expect(page.get_by_role("heading", level=1, name=re.compile("تجديد ترخيص إعلان"))).to_be_visible()
    expect(page.get_by_role("definition").filter(has_text="بانتظار الدفع")).to_be_visible()
    expect(page.get_by_text("غرامات التأخير")).to_have_count(0)
    # AND, as no officer reviews a renewal and its payment approves it, the documents come
    # first: no pay button until they are in
    documents_first = page.get_by_role("note").filter(has_text="ارفع المستندات المطلوبة أدناه أولًا")
    expect(documents_first).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("^ادفع "))).to_have_count(0)
    shots("renewal")
    page.get_by_role("button", name="Switch to English").click()
    expect(page.get_by_role("note").filter(has_text="Upload the required documents below first")
           ).to_be_visible()
    shots("renewal-english")
    page.get_by_role("button", name="التبديل إلى العربية").click()
    renewal_id = page.url.rsplit("/", 1)[-1]
    assert hand_in_documents(base, _token(page), renewal_id)
    page.reload()
    expect(page.get_by_role("button", name=re.compile("^ادفع "))).to_be_visible()
    expect(documents_first).to_have_count(0)

    # WHEN the citizen cancels it (allowed before paying) THEN it is cancelled, nothing is due
    page.get_by_role("button", name="ألغِ الطلب").click()
    expect(page.get_by_text("هل تريد إلغاء هذا الطلب؟")).to_be_visible()
    shots("renewal-cancel-confirm")
    page.get_by_role("button", name="نعم، ألغِ الطلب").click()
    expect(page.locator(".tag").filter(has_text="ملغى")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("^ادفع "))).to_have_count(0)
    expect(page.get_by_role("button", name="ألغِ الطلب")).to_have_count(0)
    shots("renewal-cancelled")
    assert api(base, "GET", f"/v1/applications/{renewal_id}", token=_token(page))["status"] == "cancelled"

    # My applications and my licences list them
    page.get_by_role("link", name="طلباتي").click()
    expect(page.get_by_role("link", name="ترخيص إعلان", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="تجديد ترخيص إعلان")).to_be_visible()
    shots("my-applications")
    page.get_by_role("link", name="رخصي").click()
    expect(page.get_by_role("link", name="رخصة إعلان")).to_be_visible()
    shots("my-licences")

    # WHEN switching to English THEN the page turns left to right, and stays so after reload
    page.get_by_role("button", name="Switch to English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    expect(page.get_by_role("heading", level=1, name="My licences")).to_be_visible()
    page.reload()
    expect(page.get_by_role("heading", level=1, name="My licences")).to_be_visible()
    page.get_by_role("link", name="Advertisement licence").click()
    expect(page.get_by_text("Active", exact=True)).to_be_visible()
    shots("licence-english")

    # Every page fits a 360 px phone: no sideways scrolling
    assert shots.too_wide_for_a_phone() == {}
    assert shots.inaccessible() == {}, shots.inaccessible()


def _late_licence(holder: str, nights_late: int) -> tuple[str, date]:
    """An advertisement licence of `holder` whose term ended `nights_late` nights ago (Cairo),
    and the nightly job run for each night since, as the scheduler would have: in this process,
    against the stack's tables (portal_stack exported their endpoint). Nights are dates passed
    in; the API's own clock (chalice local) is the real one, so renewing today is late."""
    from chalicelib import wiring
    from chalicelib.usecases.nightly import run_night
    from tests.integration.lifecycle_fakes import make_licence

    today = datetime.now(ZoneInfo("Africa/Cairo")).date()
    ends = today - timedelta(days=nights_late + 1)
    number = wiring.licence_store().create(make_licence(holder, ends)).number
    ports = replace(wiring.nightly_ports(), clock=lambda: datetime.now(timezone.utc), workers=2)
    for night in range(1, nights_late + 1):
        run_night(ends + timedelta(days=night), ports)
    return number, ends


def test_a_late_renewal_shows_the_fines_and_first_time_fees_then_is_returned_and_fixed(stack, page: Page):
    base = stack.public_url
    shots = Shots(page, "late-")
    holder = f"late-holder-{uuid.uuid4().hex[:8]}"
    number, ends = _late_licence(holder, nights_late=2)

    # GIVEN the holder signed in, on the licence: expired, two late fines of EGP 20
    page.goto(f"{base}/sign-in?next=/licences/{number}")
    _sign_in(page, holder)
    expect(page.get_by_role("heading", level=1, name="رخصة إعلان")).to_be_visible()
    expect(page.locator(".tag").filter(has_text="منتهية")).to_be_visible()
    fines = page.get_by_role("region", name="الغرامات")
    expect(fines.get_by_role("row")).to_have_count(2)
    expect(fines.get_by_role("rowheader").first).to_contain_text("عن يوم")  # the night it is for
    expect(fines).to_contain_text(re.compile(r"غرامات مستحقة: \W*٤٠"))
    # THEN before anything is asked for, the page says renewing now is a first-time application
    # with its fees, and the fines on top
    renewal = page.get_by_role("region", name="التجديد", exact=True)
    expect(renewal).to_contain_text("التجديد الآن طلب جديد كأول مرة")
    first_time = renewal.get_by_role("table", name="رسوم الترخيص لأول مرة")
    expect(first_time.get_by_role("row", name=re.compile("رسم نظر"))).to_contain_text("تُدفع عند التقديم")
    expect(first_time.get_by_role("row", name=re.compile("رسم ترخيص الإعلان"))).to_contain_text("تُدفع بعد الموافقة")
    expect(renewal).to_contain_text(re.compile(r"غرامات التأخير المستحقة: \W*٤٠"))
    shots("licence-late")

    # WHEN the holder applies to renew late THEN, before paying, the application lists the
    # first-time fees and the two fines apart, with the total
    renewal.get_by_role("button", name="قدّم طلب التجديد المتأخر").click()
    expect(page.get_by_role("heading", level=1, name=re.compile("طلب ترخيص إعلان"))).to_be_visible()
    late_note = page.get_by_role("note").filter(has_text="انتهت صلاحية الرخصة")
    expect(late_note).to_contain_text(number)
    expect(late_note).to_contain_text("غرامتا تأخير")
    expect(page.get_by_role("table", name="الرسوم", exact=True)).to_contain_text("رسم نظر")
    late_fines = page.get_by_role("table", name="غرامات التأخير", exact=True)
    expect(late_fines.get_by_role("row")).to_have_count(2)
    expect(late_fines.get_by_role("cell").first).to_contain_text("٢٠")
    expect(late_fines.get_by_role("rowheader").first).to_contain_text("عن يوم")
    expect(page.get_by_role("row", name=re.compile("الإجمالي"))).to_contain_text("٤٥٫٥٠")
    pay = page.get_by_role("button", name=re.compile("^ادفع "))
    expect(pay).to_contain_text("٤٥٫٥٠")
    shots("late-application-before-paying")
    application_id = page.url.rsplit("/", 1)[-1]
    due = api(base, "GET", f"/v1/applications/{application_id}", token=_token(page))["fees_due"]
    assert sorted(f["code"] for f in due if f["stage"] == "fine") == [
        f"late:{ends + timedelta(days=1)}", f"late:{ends + timedelta(days=2)}"]

    # WHEN paid in the sandbox THEN it goes to review
    _pay_in_sandbox(page, shots, "late-fees")
    expect(page.locator(".tag").filter(has_text="قيد المراجعة")).to_be_visible(timeout=SLOW)

    # WHEN the officer returns it with a message (API) THEN the citizen sees the message and
    # what to do
    officer = api(base, "POST", "/v1/dev/tokens", {"role": "officer", "district": "EAST"})["token"]
    api(base, "POST", f"/v1/applications/{application_id}/return",
        {"reason": "صحح العنوان: رقم العقار ناقص"}, officer)
    page.reload()
    expect(page.locator(".tag").filter(has_text="معاد للاستكمال")).to_be_visible()
    message = page.get_by_role("note").filter(has_text="رسالة موظف الحي")
    expect(message).to_contain_text("صحح العنوان: رقم العقار ناقص")
    shots("returned")
    page.get_by_role("link", name="صحّح بياناتك وأعد التقديم").click()

    # WHEN the citizen corrects the address and resubmits THEN it is under review again
    expect(page.get_by_role("heading", level=1, name="صحّح طلبك وأعد تقديمه")).to_be_visible()
    expect(page.get_by_role("note")).to_contain_text("صحح العنوان: رقم العقار ناقص")
    address = page.get_by_role("textbox", name="العنوان")
    expect(address).to_have_value("12 شارع فؤاد، الإسكندرية")
    address.fill("12 شارع فؤاد، عقار ٤، الإسكندرية")
    page.get_by_role("textbox", name="رسالة إلى موظف الحي (اختياري)").fill("أضفت رقم العقار")
    shots("fix")
    page.get_by_role("button", name="أعد تقديم الطلب").click()
    expect(page.get_by_role("heading", level=1, name=re.compile("طلب ترخيص إعلان"))).to_be_visible()
    expect(page.locator(".tag").filter(has_text="قيد المراجعة")).to_be_visible()
    shots("resubmitted")
    resubmitted = api(base, "GET", f"/v1/applications/{application_id}", token=_token(page))
    assert resubmitted["status"] == "under_review"
    assert resubmitted["site"]["address"] == "12 شارع فؤاد، عقار ٤، الإسكندرية"

    assert shots.too_wide_for_a_phone() == {}
    assert shots.inaccessible() == {}, shots.inaccessible()
