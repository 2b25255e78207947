"""Issue 16's administrator in a real browser: the built console against the local stack.

The admin signs in on the local sign-in page and turns shop licences live in West, a district
where they were not (the sixth district for them); the change is in the rollout audit, and a
citizen who was refused there can now apply. The reports page charts the day's payments and
its CSV download carries them (UTF-8 with a BOM, Arabic headers). The finance page lists the
payment the citizen made for fees already paid and a clerk's drawer that came up short; the admin records the
refund with a reason, and the payment leaves the list.

Screenshots at 360 and 1280 px, Arabic then English: artifacts/e2e/portal/admin-*.png.
"""
from __future__ import annotations

import csv
import io
import json
import time
from urllib.error import HTTPError
from urllib.request import Request, urlopen

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from tests.e2e.portal import DESKTOP, Shots, api, hand_in_documents, launch, portal_stack

pytestmark = pytest.mark.e2e
SLOW = 30_000  # ms: the webhook and the stream pump run between two pages

SITE = {"lat": 31.2089, "lng": 29.9092, "address": "12 شارع فؤاد، الإسكندرية"}
SHOP = {"activity": "بقالة", "area_m2": 20, "commercial_register_no": "12345"}
SHOP_NAME = "ترخيص محل"  # shop-first's Arabic name in the catalogue
WEST = "حي غرب"


@pytest.fixture(scope="module")
def stack():
    with portal_stack() as running:
        yield running


@pytest.fixture
def page():
    with sync_playwright() as playwright:
        chromium = launch(playwright)  # no skip: a browser that cannot start fails the test
        context = chromium.new_context(viewport=DESKTOP, locale="ar-EG", timezone_id="Africa/Cairo",
                                       accept_downloads=True)
        tab = context.new_page()
        errors: list[str] = []
        tab.on("pageerror", lambda error: errors.append(str(error)))
        yield tab
        chromium.close()
        assert errors == [], f"the app threw in the browser: {errors}"


def send(base: str, method: str, path: str, body: object = None, token: str | None = None) -> tuple[int, dict]:
    """(status, JSON body) for any answer, refusals included."""
    try:
        return 200, api(base, method, path, body, token)
    except HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def created(base: str, path: str, body: object, token: str) -> tuple[int, dict]:
    request = Request(f"{base}{path}", data=json.dumps(body).encode(), method="POST",
                      headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"})
    try:
        with urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def press_sandbox(base: str, reference: str, outcome: str) -> int:
    request = Request(f"{base}/sandbox/checkout/{reference}/complete", data=f"outcome={outcome}".encode(),
                      method="POST", headers={"Content-Type": "application/x-www-form-urlencoded"})
    with urlopen(request, timeout=30) as response:
        return response.status


def wait_for(check, what: str, seconds: float = 30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.3)
    raise AssertionError(f"timed out waiting for {what}")


def token(base: str, **claims) -> str:
    return api(base, "POST", "/v1/dev/tokens", claims)["token"]


def test_an_admin_rolls_a_service_out_reads_reports_and_records_a_refund(stack, page: Page):
    base = stack.public_url
    shots = Shots(page, "admin-")
    citizen = token(base, role="citizen", mobile="01055501234")
    application = {"service_code": "shop-first", "district": "WEST",
                   "applicant": {"name": "محمد أحمد علي", "national_id": "29001010201234", "mobile": "01055501234"},
                   "site": SITE, "details": SHOP}

    # GIVEN shop licences are not live in West: the citizen is refused there
    status, refusal = created(base, "/v1/applications", application, citizen)
    assert status == 409, refusal

    # WHEN the admin signs in on the local sign-in page
    page.goto(f"{base}/sign-in")
    page.get_by_role("radio", name="مدير النظام").check()
    page.get_by_role("button", name="تسجيل الدخول").click()
    # THEN the console opens on the rollout matrix, in Arabic
    page.wait_for_url(f"{base}/staff/admin/rollout")
    expect(page.get_by_role("heading", level=1, name="تفعيل الخدمات في الأحياء")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    not_live = page.get_by_role("button", name=f"{SHOP_NAME} في {WEST}: غير مفعّلة", exact=True)
    expect(not_live).to_be_visible()
    audit = page.get_by_role("region", name="سجل تغييرات التفعيل", exact=True)
    shots("rollout")

    # WHEN the admin narrows the matrix to shops and turns shop licences live in West
    page.get_by_label("نوع الخدمة").select_option(label="محل تجاري")
    not_live.click()
    dialog = page.get_by_role("dialog", name=f"تفعيل «{SHOP_NAME}» في {WEST}؟")
    expect(dialog).to_be_visible()
    shots("rollout-confirm")
    dialog.get_by_role("button", name="نعم، فعّلها").click()
    # THEN the matrix says so, and the change heads the rollout audit: what, where, who, when
    expect(page.get_by_role("status").filter(has_text=f"تم تفعيل «{SHOP_NAME}» في {WEST}.")).to_be_visible()
    expect(page.get_by_role("button", name=f"{SHOP_NAME} في {WEST}: مفعّلة", exact=True)).to_be_visible()
    newest = audit.get_by_role("row").nth(1)
    for text in ("فُعّلت", SHOP_NAME, WEST):
        expect(newest).to_contain_text(text)
    expect(newest.get_by_role("rowheader")).to_contain_text("٢٠")  # when: a Cairo date and time
    shots("rollout-changed")
    records = api(base, "GET", "/v1/admin/rollout/audit?limit=1", token=token(base, role="admin"))["records"]
    assert (records[0]["action"], records[0]["district"], records[0]["data"]["service_code"]) == (
        "rollout_on", "WEST", "shop-first")
    assert records[0]["actor"].startswith("admin-")

    # AND the citizen who was refused can now apply in West
    status, app = created(base, "/v1/applications", application, citizen)
    assert status == 201, app
    # The citizen opens two checkouts for the same fees and pays both: one is applied, the
    # other paid for fees no longer due and is flagged for finance to refund
    first, second = (api(base, "POST", f"/v1/applications/{app['id']}/payments", {"gateway": "sandbox"}, citizen)
                     for _ in range(2))
    for started in (first, second):
        assert press_sandbox(base, started["payment_id"], "pay") == 200

    def flagged_one():
        for started in (first, second):
            found = api(base, "GET", f"/v1/payments/{started['payment_id']}", token=citizen)
            if found["flag_reason"]:
                return found
        return None

    flagged_payment = wait_for(flagged_one, "the payments stream to flag the payment not due")
    assert flagged_payment["flag_reason"] == "paid_but_not_due"
    # A clerk in East takes cash for a walk-in application and closes the drawer 5 EGP short
    clerk = token(base, role="clerk", district="EAST", name="سعاد حسن")
    status, walk_in = created(base, "/v1/counter/applications", {**application, "district": "EAST",
                              "applicant": {**application["applicant"], "mobile": "01055509876"}}, clerk)
    assert status == 201, walk_in
    status, cash = created(base, f"/v1/applications/{walk_in['id']}/counter-payments", {"method": "cash"}, clerk)
    assert status == 201, cash
    status, closed = created(base, "/v1/counter/drawer/close", {"counted_piasters": cash["amount_piasters"] - 500}, clerk)
    assert status == 200 and closed["difference_piasters"] == -500, closed
    admin = token(base, role="admin")
    # West's officer approves the application once its fees are applied: a decision to time
    wait_for(lambda: api(base, "GET", f"/v1/applications/{app['id']}", token=citizen)["status"] == "under_review",
             "the payment to move the application to review")
    assert hand_in_documents(base, citizen, app["id"])  # an officer approves nothing without them
    officer = token(base, role="officer", district="WEST")
    status, decided = created(base, f"/v1/applications/{app['id']}/decision", {"decision": "approve"}, officer)
    assert status == 200, decided
    wait_for(lambda: api(base, "GET", "/v1/reports/applications?district=WEST", token=admin)["decided_count"] >= 1,
             "the applications stream to count West's application and its decision")

    # WHEN the admin opens the reports
    page.get_by_role("link", name="التقارير").click()
    expect(page.get_by_role("heading", level=1, name="التقارير")).to_be_visible()
    revenue = page.get_by_role("region", name="الإيرادات حسب اليوم وقناة الدفع", exact=True)
    # THEN each figure is a named chart with its table: today's sandbox and counter takings
    expect(page.get_by_role("img", name="المبالغ المدفوعة في كل يوم، مقسمة حسب قناة الدفع")).to_be_visible()
    expect(revenue.get_by_role("columnheader", name="شباك مركز التكنولوجيا")).to_be_visible()
    expect(page.get_by_role("img", name="عدد الطلبات في كل حي: قيد الإجراء، صدرت، مرفوضة أو ملغاة")).to_be_visible()
    expect(page.get_by_role("heading", name="الغرامات: المقررة والمحصلة")).to_be_visible()
    decision = page.get_by_role("region", name="المدة حتى القرار وحتى الرخصة", exact=True)
    expect(decision).to_contain_text("على قرار واحد")
    expect(decision.get_by_role("row").filter(has_text=WEST)).to_contain_text("١")
    shots("reports")
    # AND the revenue CSV carries the same figures: a BOM for Excel, Arabic headers, EGP amounts
    with page.expect_download() as download:
        revenue.get_by_role("button", name="تنزيل «الإيرادات حسب اليوم وقناة الدفع» بصيغة CSV").click()
    raw = download.value.path().read_bytes()
    assert download.value.suggested_filename.startswith("rukhsa-revenue-")
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    header, days = rows[0], rows[1:]
    assert header[0] == "اليوم" and header[-1] == "الإجمالي"
    assert len(days) == 30  # every day of the default range, a day without takings as zeros
    today = days[-1]
    # the figures the finance report gives for today, by channel, paid payments only
    finance = api(base, "GET", f"/v1/reports/finance?from={days[-1][0]}&to={days[-1][0]}", token=admin)
    paid = {row["gateway"]: 0 for row in finance["rows"]}
    for row in finance["rows"]:
        if row["status"] == "paid":
            paid[row["gateway"]] += row["amount_piasters"]
    assert paid["sandbox"] >= first["amount_piasters"] and paid["counter"] == cash["amount_piasters"]
    assert float(today[header.index("بوابة تجريبية")]) == paid["sandbox"] / 100
    assert float(today[header.index("شباك مركز التكنولوجيا")]) == cash["amount_piasters"] / 100
    assert float(today[-1]) == (paid["sandbox"] + paid["counter"]) / 100
    # AND the applications CSV has West's application, by status
    applications = page.get_by_role("region", name="الطلبات حسب الحي والحالة", exact=True)
    with page.expect_download() as download:
        applications.get_by_role("button", name="تنزيل «الطلبات حسب الحي والحالة» بصيغة CSV").click()
    table = list(csv.reader(io.StringIO(download.value.path().read_bytes().decode("utf-8-sig"), newline="")))
    west = next(row for row in table if row[0] == WEST)
    assert int(west[-1]) >= 1 and table[-1][0] == "الإجمالي"

    # WHEN the admin opens finance's work list
    page.get_by_role("link", name="المالية").click()
    expect(page.get_by_role("heading", level=1, name="المالية: ما يحتاج إلى متابعة")).to_be_visible()
    # THEN the payment for fees already paid and the short drawer are listed
    flagged = page.get_by_role("region", name="مدفوعات تحتاج إلى استرداد", exact=True)
    row = flagged.get_by_role("row").filter(has_text=app["id"])
    expect(row).to_contain_text("دُفع لرسوم لم تعد مستحقة")
    drawers = page.get_by_role("region", name="فروق خزائن الشباك", exact=True)
    expect(drawers.get_by_role("row").filter(has_text="سعاد حسن")).to_contain_text("٥")
    shots("finance")
    # WHEN the admin records the refund without a reason THEN the form says what is missing
    row.get_by_role("button", name=f"تسجيل الاسترداد: الدفعة {flagged_payment['payment_id']}").click()
    refund = page.get_by_role("dialog")
    refund.get_by_label("رقم الاسترداد لدى البوابة").fill("RF-2026-0001")
    refund.get_by_role("button", name="تسجيل الاسترداد").click()
    expect(refund.get_by_role("alert")).to_contain_text("أدخل سبب الاسترداد")
    refund.get_by_label("سبب الاسترداد").fill("دفع المواطن مرتين؛ رُدّ المبلغ الثاني عبر البوابة")
    shots("finance-refund")
    refund.get_by_role("button", name="تسجيل الاسترداد").click()
    # THEN it is recorded, the payment leaves the list, and the API shows it settled
    expect(page.get_by_role("status").filter(has_text=f"سُجّل استرداد الدفعة {flagged_payment['payment_id']}.")).to_be_visible()
    expect(flagged.get_by_role("row").filter(has_text=app["id"])).to_have_count(0)
    settled = api(base, "GET", f"/v1/payments/{flagged_payment['payment_id']}", token=admin)
    assert settled["flag_reason"] is None and settled["status"] == "refunded"
    trail = api(base, "GET", f"/v1/applications/{app['id']}/audit", token=admin)["records"]
    assert [(r["action"], r["reason"]) for r in trail if r["action"] == "payment_refunded"] == [
        ("payment_refunded", "دفع المواطن مرتين؛ رُدّ المبلغ الثاني عبر البوابة")]
    shots("finance-refunded")
    # WHEN the admin asks for more than 31 days THEN the API's refusal lands on the field
    start = page.get_by_label("من يوم").input_value()
    page.get_by_label("من يوم").fill("2026-01-01")
    page.get_by_role("button", name="عرض").click()
    expect(page.locator("#range-to-error")).to_contain_text("حتى 31 يومًا")
    expect(page.get_by_role("alert").get_by_role("link", name="نطاق أيام غير صالح (حتى 31 يومًا)")).to_be_visible()
    expect(page.get_by_label("إلى يوم")).to_have_attribute("aria-invalid", "true")
    shots("finance-bad-range")
    page.get_by_label("من يوم").fill(start)
    page.get_by_role("button", name="عرض").click()
    expect(page.get_by_role("heading", name="فروق خزائن الشباك")).to_be_visible()

    # WHEN the admin switches to English THEN every page reads left to right, in English
    page.get_by_role("button", name="Switch to English").click()
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    expect(page.get_by_role("heading", level=1, name="Finance: needs attention")).to_be_visible()
    shots("finance-en")
    page.get_by_role("link", name="Reports").click()
    expect(page.get_by_role("img", name="Amounts paid each day, by payment channel")).to_be_visible()
    shots("reports-en")
    page.get_by_role("link", name="Service rollout").click()
    expect(page.get_by_role("button", name="First-time shop licence in West (Gharb): Live", exact=True)).to_be_visible()
    expect(page.get_by_role("region", name="Rollout change history", exact=True).get_by_role("row").nth(1)).to_contain_text("Turned live")
    shots("rollout-en")

    # AND no page has serious or critical accessibility faults, and none is wider than a phone
    assert shots.inaccessible() == {}
    assert shots.too_wide_for_a_phone() == {}
