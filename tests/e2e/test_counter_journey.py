"""Issue 16's counter journey in a real browser, the built app against the local stack as
`make run` serves it.

A clerk of the East district's technology centre signs in, registers a walk-in citizen's
application (national ID and mobile typed in Arabic-Indic digits), scans in a document and takes
the application fees in cash; the receipt PDF is fetched and is a PDF. The officer inspects and
approves (through the API: the officer's screens are another part of the console). The citizen
signs in on the local sign-in page with that mobile, finds the application in "my
applications" and pays the licence fee online in the sandbox. The clerk finds the licence by
its number and prints the paper copy, then closes the day's drawer with the exact count; the
finance report (admin) shows the drawer balanced and nothing needing attention.

The clerk's walk-in flow is timed in the browser, from the counter page to the receipt PDF in
hand (screenshots and accessibility checks excluded): printed, and held under two minutes.
Screenshots of every page at 360 and 1280 px, in Arabic and then the clerk's pages in English:
artifacts/e2e/portal/counter-*.png (gitignored).
"""
from __future__ import annotations

import io
import re
import time
from datetime import datetime, timedelta, timezone
from urllib.request import urlopen
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect, sync_playwright
from pypdf import PdfReader

from tests.e2e.portal import PHONE, Shots, api, hand_in_documents, launch, portal_stack
from tests.e2e.test_portal_journey import SLOW, _pay_in_sandbox

pytestmark = pytest.mark.e2e
MOBILE_TYPED = "٠١٠٧٧٧٠٠٢٣٤"  # the citizen's mobile, as an Arabic keyboard types it
CITIZEN = "سعاد محمود إبراهيم"
CLERK = "منى عبد الله"
# A scanned page as the centre's scanner saves it: a PDF.
SCAN = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
TWO_MINUTES = 120.0


@pytest.fixture(scope="module")
def stack():
    with portal_stack() as running:
        yield running


@pytest.fixture
def browser():
    with sync_playwright() as playwright:
        chromium = launch(playwright)  # no skip: a browser that cannot start fails the test
        errors: list[str] = []

        def new_page() -> Page:
            context = chromium.new_context(viewport=PHONE, locale="ar-EG", timezone_id="Africa/Cairo")
            tab = context.new_page()
            tab.on("pageerror", lambda error: errors.append(str(error)))
            return tab

        yield new_page
        chromium.close()
        assert errors == [], f"the app threw in the browser: {errors}"


class Stopwatch:
    """The clerk's time: runs while the test drives the app, paused while it photographs."""

    def __init__(self, shots: Shots) -> None:
        self.shots = shots
        self.started = 0.0
        self.paused = 0.0
        self.elapsed: float | None = None

    def start(self) -> None:
        self.started, self.paused = time.monotonic(), 0.0

    def shot(self, name: str) -> None:
        begun = time.monotonic()
        self.shots(name)
        self.paused += time.monotonic() - begun

    def stop(self) -> float:
        self.elapsed = time.monotonic() - self.started - self.paused
        return self.elapsed


def _pdf_at(url: str) -> bytes:
    with urlopen(url, timeout=30) as response:
        return response.read()


def test_a_clerk_registers_a_walk_in_takes_cash_prints_and_closes_the_day(stack, browser):
    base = stack.public_url
    clerk = browser()
    shots = Shots(clerk, "counter-")
    watch = Stopwatch(shots)

    # GIVEN a clerk of the East district's centre, signed in on the local sign-in page
    clerk.goto(f"{base}/sign-in")
    clerk.get_by_role("radio", name="موظف شباك مركز التكنولوجيا").check()
    clerk.get_by_role("combobox", name="الحي").select_option("EAST")
    clerk.get_by_role("textbox", name="اسم الموظف").fill(CLERK)
    clerk.get_by_role("button", name="تسجيل الدخول").click()
    # THEN the console opens on the counter: the services live in East, and the find box
    expect(clerk.get_by_role("heading", level=1, name="الشباك")).to_be_visible()
    expect(clerk.get_by_role("link", name="ترخيص إعلان", exact=True)).to_be_visible()
    expect(clerk.get_by_role("link", name=re.compile("^تجديد"))).to_have_count(0)  # renewals: from the licence
    shots("desk")

    # WHEN the clerk registers a walk-in citizen's application (the clock runs from here)
    watch.start()
    # typed without the hamza, as people do: the list narrows to the advertisement services
    clerk.get_by_role("textbox", name="ابحث عن الخدمة بالاسم").fill("اعلان")
    expect(clerk.get_by_role("link", name="ترخيص محل", exact=True)).to_have_count(0)
    clerk.get_by_role("link", name="ترخيص إعلان", exact=True).click()
    expect(clerk.get_by_role("heading", level=1, name="ترخيص إعلان")).to_be_visible()
    clerk.get_by_role("button", name="سجّل الطلب").click()  # nothing typed: the page says what is missing
    expect(clerk.get_by_role("alert")).to_contain_text("الاسم الكامل")
    watch.shot("walk-in-empty")
    clerk.get_by_role("textbox", name="الاسم الكامل").fill(CITIZEN)
    clerk.get_by_role("textbox", name="الرقم القومي").fill("٢٨٥٠٣١٥٠٢٠١٢٣٤")
    clerk.get_by_role("textbox", name="رقم المحمول").fill(MOBILE_TYPED)
    expect(clerk.locator(".site-pin")).to_be_visible()  # the map, lazy-loaded, works without tiles
    clerk.get_by_role("textbox", name="خط العرض").fill("٣١٫٢١٥٤")
    clerk.get_by_role("textbox", name="خط الطول").fill("29.9423")
    clerk.get_by_role("textbox", name="العنوان").fill("٤٥ شارع بورسعيد، الإسكندرية")
    clerk.get_by_role("radio", name="على الحائط").check()
    clerk.get_by_role("textbox", name="عرض اللافتة (م)").fill("٢")
    clerk.get_by_role("textbox", name="ارتفاع اللافتة (م)").fill("1")
    clerk.get_by_role("textbox", name="عدد الأوجه").fill("١")
    watch.shot("walk-in-filled")
    clerk.get_by_role("button", name="سجّل الطلب").click()

    # THEN the application's counter page: registered, documents missing, fees due
    expect(clerk.get_by_role("heading", level=1, name="طلب عند الشباك")).to_be_visible()
    expect(clerk.get_by_role("status").filter(has_text="تم تسجيل الطلب باسم المواطن")).to_be_visible()
    reference = clerk.locator(".counter-summary .code").first.inner_text().strip()
    assert re.fullmatch(r"[0-9a-f]{32}", reference), reference
    expect(clerk.get_by_role("definition").filter(has_text="+201077700234")).to_be_visible()
    # WHEN the citizen's national ID card is scanned in
    clerk.get_by_label("اختر ملف «صورة بطاقة الرقم القومي» الممسوح").set_input_files(
        {"name": "national-id.pdf", "mimeType": "application/pdf", "buffer": SCAN})
    expect(clerk.get_by_role("status").filter(has_text="تم رفع «صورة بطاقة الرقم القومي»")).to_be_visible()
    expect(clerk.locator(".counter-documents li").first.locator(".tag")).to_have_text("مرفوع")
    watch.shot("application-document-in")
    # and the application fees are taken in cash
    take = clerk.get_by_role("button", name=re.compile("^حصّل .* نقدًا$"))
    expect(take).to_contain_text("٥٫٥٠")
    take.click()
    receipt = clerk.get_by_role("link", name=re.compile(r"افتح الإيصال RCT-EAST-\d{4}-\d{6} للطباعة"))
    expect(receipt).to_be_visible(timeout=SLOW)  # the first PDF of a cold API loads the fonts
    # THEN the numbered receipt is a PDF, in the clerk's hands
    receipt_pdf = _pdf_at(receipt.get_attribute("href"))
    walk_in_seconds = watch.stop()
    assert len(receipt_pdf) > 1000 and receipt_pdf.startswith(b"%PDF"), receipt_pdf[:20]
    receipt_number = re.search(r"RCT-EAST-\d{4}-\d{6}", receipt.inner_text()).group(0)
    # and it is this payment's receipt: its number and total are printed on it
    printed = "".join(page.extract_text() for page in PdfReader(io.BytesIO(receipt_pdf)).pages)
    assert receipt_number in printed and "5.50" in printed, printed
    print(f"\nclerk's walk-in flow (counter page to receipt PDF, screenshots excluded): {walk_in_seconds:.1f} s")
    assert walk_in_seconds < TWO_MINUTES, walk_in_seconds
    # and the payments stream moves the application on to review
    expect(clerk.locator(".tag").filter(has_text="قيد المراجعة")).to_be_visible(timeout=SLOW)
    shots("application-paid")
    # the document is stored, where the officer will read it
    officer = api(base, "POST", "/v1/dev/tokens", {"role": "officer", "district": "EAST"})["token"]
    documents = api(base, "GET", f"/v1/applications/{reference}/documents", token=officer)["documents"]
    assert [d["slot"] for d in documents] == ["national_id"]
    assert _pdf_at(documents[0]["download_url"]) == SCAN
    # the other documents the citizen brought are scanned in too (through the API): an officer
    # approves nothing without every required one
    desk = api(base, "POST", "/v1/dev/tokens", {"role": "clerk", "district": "EAST"})["token"]
    assert hand_in_documents(base, desk, reference)

    # WHEN the officer inspects the site and approves (through the API)
    soon = (datetime.now(timezone.utc) + timedelta(hours=2)).isoformat()
    inspection = api(base, "POST", f"/v1/applications/{reference}/inspections",
                     {"scheduled_for": soon, "inspector": "م. سامح فؤاد"}, officer)
    api(base, "POST", f"/v1/applications/{reference}/inspections/{inspection['id']}/result",
        {"result": "passed", "notes": "اللافتة كما في الطلب"}, officer)
    api(base, "POST", f"/v1/applications/{reference}/decision", {"decision": "approve"}, officer)

    # THEN the citizen signs in with that mobile and finds the application as theirs
    citizen = browser()
    mine = Shots(citizen, "counter-citizen-")
    citizen.goto(f"{base}/sign-in")
    citizen.get_by_role("textbox", name="رقم المحمول أو معرّف المستخدم").fill(MOBILE_TYPED)
    citizen.get_by_role("button", name="تسجيل الدخول").click()
    expect(citizen.get_by_role("link", name="ترخيص إعلان", exact=True)).to_be_visible()
    mine("my-applications")
    citizen.get_by_role("link", name="ترخيص إعلان", exact=True).click()
    expect(citizen.locator(".tag").filter(has_text="تمت الموافقة")).to_be_visible()
    expect(citizen.get_by_role("listitem").filter(has_text="قُدّم الطلب")).to_contain_text("عند الشباك")
    # WHEN the citizen pays the licence fee online
    _pay_in_sandbox(citizen, mine, "licence-fee")
    licence_link = citizen.get_by_role("link", name=re.compile("عرض الرخصة ALX-EAST-"))
    expect(licence_link).to_be_visible(timeout=SLOW)
    number = re.search(r"ALX-EAST-\d{4}-\d+", licence_link.inner_text()).group(0)
    mine("issued")

    # WHEN the clerk finds the licence by its number (typed in Arabic-Indic digits)
    clerk.get_by_role("link", name="الشباك", exact=True).click()
    arabic_digits = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
    clerk.get_by_role("textbox", name="رقم الطلب أو رقم الرخصة").fill(number.lower().translate(arabic_digits))
    clerk.get_by_role("button", name="ابحث").click()
    # THEN the licence shows its holder to check against the ID card, and prints on paper
    expect(clerk.get_by_role("heading", level=1, name="رخصة عند الشباك")).to_be_visible()
    expect(clerk.get_by_role("definition").filter(has_text=CITIZEN)).to_be_visible()
    expect(clerk.locator(".tag").filter(has_text="سارية")).to_be_visible()
    clerk.get_by_role("button", name="اطبع النسخة الورقية").click()
    paper = clerk.get_by_role("link", name="افتح النسخة الورقية للطباعة (PDF)")
    expect(paper).to_be_visible(timeout=SLOW)
    paper_pdf = _pdf_at(paper.get_attribute("href"))
    assert len(paper_pdf) > 1000 and paper_pdf.startswith(b"%PDF")
    shots("licence-paper-copy")

    # WHEN the day ends: the drawer holds exactly the cash taken
    clerk.get_by_role("link", name="خزينة اليوم").click()
    expect(clerk.get_by_role("heading", level=1, name="خزينة اليوم")).to_be_visible()
    expect(clerk.get_by_role("definition").filter(has_text="٥٫٥٠")).to_be_visible()
    expect(clerk.get_by_role("row", name=re.compile(receipt_number))).to_contain_text("نقدًا")
    expect(clerk.locator(".tag").filter(has_text="مفتوح")).to_be_visible()
    counted = clerk.get_by_role("textbox", name="النقدية المعدودة بالجنيه")
    counted.fill("٥")  # miscounted first: the page shows the shortfall before anything is sent
    expect(clerk.locator(".counter-preview")).to_contain_text("عجز")
    shots("drawer-short")
    counted.fill("٥٫٥٠")
    expect(clerk.locator(".counter-preview")).to_contain_text("مطابق")
    shots("drawer-counted")
    clerk.get_by_role("button", name="أغلق الدرج").click()
    # THEN the day shows as closed, balanced
    expect(clerk.locator(".tag").filter(has_text="مغلق")).to_be_visible()
    expect(clerk.get_by_role("status").filter(has_text="أُغلق درج اليوم")).to_be_visible()
    expect(clerk.get_by_role("definition").filter(has_text="مطابق، لا فرق")).to_be_visible()
    expect(clerk.get_by_role("button", name="أغلق الدرج")).to_have_count(0)
    shots("drawer-closed")

    # and the finance report balances: the drawer is not flagged, no payment needs attention
    admin = api(base, "POST", "/v1/dev/tokens", {"role": "admin"})["token"]
    today = datetime.now(ZoneInfo("Africa/Cairo")).date().isoformat()
    report = api(base, "GET", f"/v1/reports/finance?from={today}&to={today}&district=EAST", token=admin)
    assert [(d["expected_cash_piasters"], d["counted_cash_piasters"], d["difference_piasters"], d["closed"], d["flagged"])
            for d in report["drawers"]] == [(550, 550, 0, True, False)], report["drawers"]
    assert report["needs_attention"] == [], report["needs_attention"]

    # WHEN the clerk switches to English THEN the counter's pages read left to right
    clerk.get_by_role("button", name="Switch to English").click()
    expect(clerk.locator("html")).to_have_attribute("dir", "ltr")
    expect(clerk.get_by_role("heading", level=1, name="Today's drawer")).to_be_visible()
    expect(clerk.get_by_role("definition").filter(has_text="Balanced, no difference")).to_be_visible()
    shots("drawer-closed-english")
    clerk.get_by_role("link", name="Counter", exact=True).click()
    expect(clerk.get_by_role("heading", level=1, name="The counter")).to_be_visible()
    shots("desk-english")
    # an application found by its reference (as read off the receipt, any case): nothing due now
    clerk.get_by_role("textbox", name="Application reference or licence number").fill(reference.upper())
    clerk.get_by_role("button", name="Find").click()
    expect(clerk.get_by_role("heading", level=1, name="Application at the counter")).to_be_visible()
    expect(clerk.get_by_role("definition").filter(has_text=reference)).to_be_visible()
    expect(clerk.get_by_text("Nothing is due on this application now.")).to_be_visible()
    expect(clerk.get_by_role("link", name=f"Licence {number} and its paper copy")).to_be_visible()
    shots("application-english")
    clerk.get_by_role("link", name="Counter", exact=True).click()
    clerk.get_by_role("link", name="First-time advertisement licence", exact=True).click()
    expect(clerk.get_by_role("heading", level=1, name="First-time advertisement licence")).to_be_visible()
    shots("walk-in-english")

    # Every page fits a 360 px phone, and axe finds nothing serious on any of them
    assert shots.too_wide_for_a_phone() == {} and mine.too_wide_for_a_phone() == {}
    assert shots.inaccessible() == {}, shots.inaccessible()
    assert mine.inaccessible() == {}, mine.inaccessible()


def _clerk_signs_in(clerk: Page, who: str) -> None:
    """The local sign-in page, as the East centre's clerk `who` (the same user id each time)."""
    clerk.get_by_role("radio", name="موظف شباك مركز التكنولوجيا").check()
    clerk.get_by_role("textbox", name="رقم المحمول أو معرّف المستخدم").fill(who)
    clerk.get_by_role("combobox", name="الحي").select_option("EAST")
    clerk.get_by_role("textbox", name="اسم الموظف").fill(CLERK)
    clerk.get_by_role("button", name="تسجيل الدخول").click()


def test_a_walk_in_form_survives_the_session_ending_under_the_clerk(stack, browser):
    """The local issuer gives no refresh token: its session ends with its hour-long token. The
    walk-in form the clerk was typing is held, the sign-in page says so in Arabic then English,
    and signing in again as the same clerk comes back to the form as it was."""
    base = stack.public_url
    clerk = browser()
    clerk.clock.install()  # the page's clock: the test moves it past the token's hour
    shots = Shots(clerk, "session-ended-")

    # GIVEN a clerk half-way through a walk-in citizen's application
    clerk.goto(f"{base}/sign-in")
    _clerk_signs_in(clerk, "mona.east")
    clerk.get_by_role("link", name="ترخيص إعلان", exact=True).click()
    expect(clerk.get_by_role("heading", level=1, name="ترخيص إعلان")).to_be_visible()
    walk_in = clerk.url
    clerk.get_by_role("textbox", name="الاسم الكامل").fill(CITIZEN)
    clerk.get_by_role("textbox", name="الرقم القومي").fill("٢٨٥٠٣١٥٠٢٠١٢٣٤")
    clerk.get_by_role("textbox", name="العنوان").fill("٤٥ شارع بورسعيد، الإسكندرية")

    # WHEN the hour of the local token runs out (nothing renews it locally)
    clerk.clock.fast_forward("01:00:30")

    # THEN the sign-in page, coming back to the form, says why, and that the typing is kept
    expect(clerk.get_by_role("heading", level=1, name="تسجيل الدخول")).to_be_visible()
    assert clerk.url.startswith(f"{base}/sign-in?next=%2Fstaff%2Fcounter%2Fnew%2F"), clerk.url
    notice = clerk.get_by_role("alert")
    expect(notice.get_by_role("heading", name="انتهت جلستك")).to_be_visible()
    expect(notice).to_contain_text("ما كتبته ولم تُرسله محفوظ")
    expect(notice.get_by_role("heading", name="Your session has ended")).to_be_visible()
    expect(notice).to_contain_text("What you typed and had not sent is kept")
    assert clerk.evaluate("sessionStorage.getItem('rukhsa.session')") is None
    shots("sign-in-again")

    # WHEN the same clerk signs in again THEN the form is back as it was, and the message gone
    _clerk_signs_in(clerk, "mona.east")
    expect(clerk.get_by_role("heading", level=1, name="ترخيص إعلان")).to_be_visible()
    assert clerk.url == walk_in
    expect(clerk.get_by_role("textbox", name="الاسم الكامل")).to_have_value(CITIZEN)
    expect(clerk.get_by_role("textbox", name="الرقم القومي")).to_have_value("٢٨٥٠٣١٥٠٢٠١٢٣٤")
    expect(clerk.get_by_role("textbox", name="العنوان")).to_have_value("٤٥ شارع بورسعيد، الإسكندرية")
    # given back once: the held copy is gone from the tab
    assert clerk.evaluate("Object.keys(sessionStorage).filter(k => k.startsWith('rukhsa.held.'))") == []
    shots("form-back")

    # WHEN it ends again and another clerk signs in at that screen THEN they start afresh
    clerk.clock.fast_forward("01:00:30")
    expect(clerk.get_by_role("heading", level=1, name="تسجيل الدخول")).to_be_visible()
    _clerk_signs_in(clerk, "hany.east")
    expect(clerk.get_by_role("heading", level=1, name="ترخيص إعلان")).to_be_visible()
    expect(clerk.get_by_role("textbox", name="الاسم الكامل")).to_have_value("")
    expect(clerk.get_by_role("textbox", name="الرقم القومي")).to_have_value("")

    assert shots.too_wide_for_a_phone() == {}
    assert shots.inaccessible() == {}, shots.inaccessible()


def test_a_service_without_review_is_paid_at_the_counter_once_its_documents_are_scanned(
        stack, browser):
    base = stack.public_url
    clerk = browser()
    shots = Shots(clerk, "counter-no-review-")
    # GIVEN a walk-in application for a licence statement certificate, which no officer
    # reviews: paying it approves it
    desk = api(base, "POST", "/v1/dev/tokens", {"role": "clerk", "district": "EAST",
                                                "sub": "mona.east", "name": CLERK})["token"]
    walk_in = api(base, "POST", "/v1/counter/applications", {
        "service_code": "licence-statement-certificate", "district": "EAST",
        "applicant": {"name": CITIZEN, "national_id": "28503150201234", "mobile": "01077700235"},
        "site": {"lat": 31.2154, "lng": 29.9423, "address": "45 شارع بورسعيد، الإسكندرية"},
        "details": {"licence_number": "ALX-EAST-2026-000001", "purpose": "بنك مصر"}}, desk)
    clerk.goto(f"{base}/sign-in?next=/staff/counter/applications/{walk_in['id']}")
    _clerk_signs_in(clerk, "mona.east")
    # WHEN the clerk opens it THEN the fees are shown, but the clerk is told to scan the ID
    # card first, and there is no button to take the money
    expect(clerk.get_by_role("heading", level=1, name="طلب عند الشباك")).to_be_visible()
    scan_first = clerk.get_by_role("note").filter(has_text="امسح المستندات المطلوبة أعلاه ضوئيًا أولًا")
    expect(scan_first).to_be_visible()
    expect(clerk.get_by_role("button", name=re.compile("^حصّل "))).to_have_count(0)
    shots("scan-first")
    clerk.get_by_role("button", name="Switch to English").click()
    expect(clerk.get_by_role("note").filter(has_text="Scan the required documents above first")
           ).to_be_visible()
    shots("scan-first-english")
    clerk.get_by_role("button", name="التبديل إلى العربية").click()
    # WHEN the card is scanned in THEN the money can be taken, and the payment approves it
    clerk.get_by_label("اختر ملف «صورة بطاقة الرقم القومي» الممسوح").set_input_files(
        {"name": "national-id.pdf", "mimeType": "application/pdf", "buffer": SCAN})
    expect(clerk.locator(".counter-documents li").first.locator(".tag")).to_have_text("مرفوع")
    expect(scan_first).to_have_count(0)
    clerk.get_by_role("button", name=re.compile("^حصّل .* نقدًا$")).click()
    expect(clerk.get_by_role("link", name=re.compile(r"افتح الإيصال RCT-EAST-"))).to_be_visible(
        timeout=SLOW)
    shots("taken")
    assert shots.inaccessible() == {}, shots.inaccessible()
    assert shots.too_wide_for_a_phone() == {}
