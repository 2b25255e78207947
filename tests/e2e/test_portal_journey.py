"""Issue 15's journey in a real browser: the built portal against the local stack as `make run`
serves it. A citizen finds the service, reads what it needs, signs in (local stack), applies
(every step, Arabic-Indic digits typed, one error returned by the API on its field), pays in
the sandbox and comes back, sees the stream pump move the application on; the officer approves
(API); the citizen pays the licence fee and sees the licence with its QR, opens the verify link,
asks for the paper copy and renews; then switches to English.

Screenshots of every page at 360 px and 1280 px: artifacts/e2e/portal/ (gitignored).
"""
from __future__ import annotations

import re
from urllib.request import urlopen

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from tests.e2e.portal import PHONE, Shots, api, launch, portal_stack

pytestmark = pytest.mark.e2e
SLOW = 30_000  # ms: the webhook, the stream pump and issuance run between two pages


@pytest.fixture(scope="module")
def stack():
    with portal_stack() as running:
        yield running


@pytest.fixture
def page():
    with sync_playwright() as playwright:
        chromium = launch(playwright)  # no skip: a browser that cannot start fails the test
        context = chromium.new_context(viewport=PHONE, locale="ar-EG", timezone_id="Africa/Cairo")
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
    page.get_by_role("textbox", name="رقم المحمول أو معرّف المستخدم").fill("٠١٠٥٥٥٠٠١٢٣")
    page.get_by_role("button", name="تسجيل الدخول").click()

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
    page.get_by_role("textbox", name="خط العرض").fill("٣١٫٢٠٨٩")
    page.get_by_role("textbox", name="خط الطول").fill("29.9092")
    page.get_by_role("textbox", name="العنوان").fill("12 شارع فؤاد، الإسكندرية")
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
    shots("confirmation")
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

    # WHEN the district officer approves it (the staff console comes later: the API)
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
    shots("licence")

    # WHEN the paper copy is asked for THEN a PDF link appears, and it is a PDF
    page.get_by_role("button", name="اطلب نسخة ورقية (PDF)").click()
    pdf = page.get_by_role("link", name="افتح النسخة الورقية (PDF)")
    expect(pdf).to_be_visible()
    with urlopen(pdf.get_attribute("href"), timeout=30) as response:
        assert response.read(5) == b"%PDF-"
    shots("licence-paper-copy")

    # WHEN the verify link is opened THEN the public page says genuine and valid
    verify.click()
    expect(page.get_by_text("رخصة سليمة وسارية")).to_be_visible()
    shots("verify")
    page.go_back()

    # WHEN renewing THEN a renewal application waits for its fees
    page.get_by_role("button", name="جدّد الرخصة").click()
    expect(page.get_by_role("heading", level=1, name=re.compile("تجديد ترخيص إعلان"))).to_be_visible()
    expect(page.get_by_role("definition").filter(has_text="بانتظار الدفع")).to_be_visible()
    shots("renewal")

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
