"""A licence replaced by an amendment, in a real browser: the built portal against the local
stack as `make run` serves it, Playwright driving Debian's Chromium.

GIVEN a citizen holding an active advertisement licence (applied for, paid and approved through
the API), WHEN the citizen presses "Amend this licence" on it THEN the amendment's form starts
filled from that licence (district, holder, site, and its number in "current licence number");
a number no licence has is refused by the API on that field; the amendment is sent, paid in the
sandbox, approved by the officer (API) and its fee paid, and the new licence is issued. THEN the
old licence's page says it was replaced and links to the new one (no renewal or amendment offered
on it any more); its seal, scanned (/v/{token}), shows the superseded banner, Arabic first with
English beneath, naming the new licence, and its JSON verdict carries `replaced_by`.

Screenshots at 360 px and 1280 px: artifacts/e2e/portal/replaced-*.png (gitignored); every page
is checked with axe-core and must fit a 360 px phone.
"""
from __future__ import annotations

import json
import re
import uuid
from urllib.error import HTTPError
from urllib.request import Request, urlopen

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.portal import Shots, api, hand_in_documents, portal_stack
from tests.e2e.test_officer_console import APPLICATION, _sign_in_as_east_officer, _wait_for
from tests.e2e.test_officer_console import _pay_in_sandbox as pay_through_api
from tests.e2e.test_portal_journey import (SLOW, _continue, _pay_in_sandbox, _sign_in, _token,
                                           page)  # noqa: F401 (page: the fixture)

pytestmark = pytest.mark.e2e
NOBODYS_NUMBER = "ALX-EAST-2026-999999999"


@pytest.fixture(scope="module")
def stack():
    with portal_stack() as running:
        yield running


def _active_licence(base: str, holder: str, application: dict = APPLICATION) -> str:
    """The number of the licence `holder` applied for (an advertisement licence unless told) and
    paid for through the API, approved by the East district's officer."""
    citizen = api(base, "POST", "/v1/dev/tokens", {"role": "citizen", "sub": holder})["token"]
    application_id = api(base, "POST", "/v1/applications", application, citizen)["id"]
    pay_through_api(base, citizen, application_id)
    _wait_for(base, citizen, application_id, "under_review")
    _approve(base, application_id, holder)
    pay_through_api(base, citizen, application_id)
    return _wait_for(base, citizen, application_id, "issued")["licence_number"]


def _approve(base: str, application_id: str, holder: str) -> None:
    """The holder's required documents handed in (an officer approves nothing without them),
    then the East district's officer approves."""
    citizen = api(base, "POST", "/v1/dev/tokens", {"role": "citizen", "sub": holder})["token"]
    hand_in_documents(base, citizen, application_id)
    officer = api(base, "POST", "/v1/dev/tokens", {"role": "officer", "district": "EAST"})["token"]
    api(base, "POST", f"/v1/applications/{application_id}/decision",
        {"decision": "approve", "reason": "site inspected"}, officer)


def _verdict_json(verify_url: str) -> dict:
    with urlopen(Request(verify_url, headers={"Accept": "application/json"}), timeout=30) as response:
        return json.loads(response.read())


def test_an_amended_licence_sends_its_holder_and_its_seal_to_the_new_one(stack, page: Page):
    base = stack.public_url
    shots = Shots(page, "replaced-")
    holder = f"replaced-holder-{uuid.uuid4().hex[:8]}"
    old = _active_licence(base, holder)

    # GIVEN the holder signed in, on the active licence
    page.goto(f"{base}/sign-in?next=/licences/{old}")
    _sign_in(page, holder)
    expect(page.get_by_role("heading", level=1, name="رخصة إعلان")).to_be_visible()
    expect(page.locator(".tag").filter(has_text="سارية")).to_be_visible()
    change = page.get_by_role("region", name="تعديل الرخصة أو استخراج بدل")
    expect(change.get_by_role("link", name="استخراج بدل فاقد أو تالف")).to_be_visible()
    shots("licence-before")

    # WHEN the holder presses "Amend this licence" THEN the amendment starts from this licence
    change.get_by_role("link", name="تعديل الرخصة").click()
    expect(page.get_by_role("heading", level=1, name="في أي حي تقع المنشأة؟")).to_be_visible()
    expect(page.get_by_text("تعديل بيانات ترخيص إعلان")).to_be_visible()
    expect(page.get_by_role("radio", name="حي شرق")).to_be_checked()
    shots("apply-district")
    _continue(page)
    expect(page.get_by_role("textbox", name="الاسم الكامل")).to_have_value(APPLICATION["applicant"]["name"])
    expect(page.get_by_role("textbox", name="رقم المحمول")).to_have_value("01012345678")
    _continue(page)
    expect(page.get_by_role("textbox", name="خط العرض")).to_have_value("31.2089")
    expect(page.get_by_role("textbox", name="العنوان")).to_have_value(APPLICATION["site"]["address"])
    _continue(page)

    # The sign itself is what changes: two faces now, a larger sign
    expect(page.get_by_role("heading", level=1, name="تفاصيل الطلب")).to_be_visible()
    current = page.get_by_role("textbox", name="رقم الرخصة الحالية")
    expect(current).to_have_value(old)
    expect(current).to_have_attribute("dir", "ltr")
    page.get_by_role("radio", name="على الحائط").check()
    page.get_by_role("textbox", name="عرض اللافتة (م)").fill("٤")
    page.get_by_role("textbox", name="ارتفاع اللافتة (م)").fill("2")
    page.get_by_role("textbox", name="عدد الأوجه").fill("٢")
    # WHEN the number is changed to one no licence has THEN the API refuses it, on its field
    current.fill(NOBODYS_NUMBER)
    shots("apply-details")
    _continue(page)
    expect(page.get_by_role("heading", level=1, name="راجع بياناتك قبل الإرسال")).to_be_visible()
    expect(page.get_by_role("definition").filter(has_text=NOBODYS_NUMBER)).to_be_visible()
    page.get_by_role("button", name="أرسل الطلب").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("لا توجد رخصة بهذا الرقم")
    expect(summary).not_to_contain_text("no licence has this number")  # the Arabic half only
    shots("apply-check-unknown-licence")
    summary.get_by_role("link").first.click()
    current = page.get_by_role("textbox", name="رقم الرخصة الحالية")
    expect(current).to_be_focused()
    expect(current).to_have_attribute("aria-invalid", "true")
    current.fill(old.lower())  # the API takes it in any case
    _continue(page)
    expect(page.get_by_role("heading", level=1, name="راجع بياناتك قبل الإرسال")).to_be_visible()
    shots("apply-check")
    page.get_by_role("button", name="أرسل الطلب").click()

    # THEN it is received, paid in the sandbox and reviewed
    expect(page.get_by_role("heading", level=1, name="تم استلام طلبك")).to_be_visible()
    amendment_id = page.locator(".reference").inner_text().strip()
    page.get_by_role("button", name="ادفع الآن").click()
    expect(page.get_by_role("heading", level=1, name=re.compile("تعديل بيانات ترخيص إعلان"))).to_be_visible()
    _pay_in_sandbox(page, shots, "amendment-fees")
    expect(page.locator(".tag").filter(has_text="قيد المراجعة")).to_be_visible(timeout=SLOW)
    _approve(base, amendment_id, holder)
    page.reload()
    expect(page.locator(".tag").filter(has_text="تمت الموافقة")).to_be_visible()
    _pay_in_sandbox(page, shots, "amendment-fee")

    # THEN the new licence is issued, active, with nothing replacing it
    new_link = page.get_by_role("link", name=re.compile("عرض الرخصة ALX-EAST-"))
    expect(new_link).to_be_visible(timeout=SLOW)
    new_link.click()
    expect(page.get_by_role("heading", level=1, name="رخصة إعلان")).to_be_visible()
    new = page.url.rsplit("/", 1)[-1]
    assert new.startswith("ALX-EAST-") and new != old, (new, old)
    expect(page.locator(".tag").filter(has_text="سارية")).to_be_visible()
    expect(page.get_by_role("note").filter(has_text="بدلًا من هذه الرخصة")).to_have_count(0)
    shots("new-licence")

    # WHEN the holder opens the old licence THEN it says it was replaced and links to the new one;
    # it offers no renewal, amendment or duplicate any more
    page.goto(f"{base}/licences/{old}")
    notice = page.get_by_role("note").filter(has_text="صدرت رخصة جديدة بدلًا من هذه الرخصة")
    expect(notice).to_be_visible()
    to_new = notice.get_by_role("link", name=f"اعرض الرخصة الجديدة {new}")
    expect(to_new).to_have_attribute("href", f"/licences/{new}")
    expect(page.locator(".tag").filter(has_text="استُبدلت")).to_be_visible()
    for offered in ("جدّد الرخصة", "اطلب نسخة ورقية (PDF)", "أعد إرسال الرسالة القصيرة"):
        expect(page.get_by_role("button", name=offered)).to_have_count(0)
    expect(page.get_by_role("link", name="تعديل الرخصة")).to_have_count(0)
    shots("old-licence")
    # and the API refuses to renew it, naming the new licence
    with pytest.raises(HTTPError) as refused:
        api(base, "POST", f"/v1/licences/{old}/renewals", token=_token(page))
    assert refused.value.code == 409 and new in refused.value.read().decode()

    # WHEN its seal is scanned THEN the banner says it was replaced, Arabic first, English
    # beneath, and names the new licence
    verify_url = page.get_by_role("link", name="رابط التحقق من الرخصة").get_attribute("href")
    page.goto(verify_url)
    banner = page.get_by_role("status")
    expect(banner.get_by_role("heading", level=1)).to_have_text("حلت محلها رخصة أحدث")
    english = banner.locator("[lang=en]").first
    expect(english).to_have_text("Replaced by a newer licence")
    assert page.evaluate("""() => {
        const banner = document.querySelector('[role=status]');
        const arabic = banner.querySelector('h1'), english = banner.querySelector('[lang=en]');
        return Boolean(arabic.compareDocumentPosition(english) & Node.DOCUMENT_POSITION_FOLLOWING);
    }""")
    expect(page.get_by_role("definition").filter(has_text=new)).to_be_visible()
    shots("verify-old")
    # and its JSON verdict, asked by an inspector's app, carries the new number
    verdict = _verdict_json(verify_url)
    assert verdict["verdict"] == "superseded", verdict
    assert verdict["replaced_by"] == new, verdict

    # WHEN the holder follows the notice's link THEN the new licence opens
    page.go_back()
    page.get_by_role("note").get_by_role("link", name=f"اعرض الرخصة الجديدة {new}").click()
    expect(page).to_have_url(f"{base}/licences/{new}")
    expect(page.get_by_role("heading", level=1, name="رخصة إعلان")).to_be_visible()
    expect(page.get_by_text(new, exact=True).first).to_be_visible()

    # My licences: the old one replaced, the new one active
    page.get_by_role("link", name="رخصي").click()
    expect(page.get_by_role("listitem").filter(has_text=old)).to_contain_text("استُبدلت")
    expect(page.get_by_role("listitem").filter(has_text=new)).to_contain_text("سارية")
    shots("my-licences")

    # And in English
    page.goto(f"{base}/licences/{old}")
    page.get_by_role("button", name="Switch to English").click()
    notice = page.get_by_role("note").filter(has_text="A new licence was issued in place of this one")
    expect(notice.get_by_role("link", name=f"See the new licence {new}")).to_be_visible()
    expect(page.locator(".tag").filter(has_text="Replaced")).to_be_visible()
    shots("old-licence-english")

    # AND the district's officer sees the old licence tagged replaced, linking the new one
    page.get_by_role("button", name="التبديل إلى العربية").click()
    page.get_by_role("button", name="تسجيل الخروج").click()
    _sign_in_as_east_officer(page, base)
    page.goto(f"{base}/staff/licences/{old}")
    expect(page.locator(".tag").filter(has_text="استُبدلت")).to_be_visible()
    successor = page.get_by_role("link", name=new)
    expect(successor).to_have_attribute("href", f"/staff/licences/{new}")
    # AND offers no suspension or revocation of it, naming the licence to act on instead
    expect(page.locator(".notice").filter(has_text="فالإيقاف أو الإلغاء يكون على الرخصة الجديدة")
           ).to_contain_text(new)
    expect(page.get_by_role("radio")).to_have_count(0)
    shots("officer-old-licence")
    page.get_by_role("button", name="Switch to English").click()
    expect(page.locator(".notice").filter(has_text="suspend or revoke the new licence instead")
           ).to_contain_text(new)
    shots("officer-old-licence-english")
    page.get_by_role("button", name="التبديل إلى العربية").click()
    successor.click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator(".tag").filter(has_text="سارية")).to_be_visible()
    expect(page.get_by_role("radio")).to_have_count(2)  # suspend, revoke

    assert shots.too_wide_for_a_phone() == {}
    assert shots.inaccessible() == {}, shots.inaccessible()


def test_a_transferred_licence_names_its_replacement_without_a_link_to_another_holders_licence(
        stack, page: Page):
    base = stack.public_url
    shots = Shots(page, "transferred-")
    holder, newcomer = (f"{who}-{uuid.uuid4().hex[:8]}" for who in ("seller", "buyer"))
    # GIVEN a licence its holder sold with the shop: the buyer applied for its transfer, and the
    # transferred licence is issued in the buyer's name
    old = _active_licence(base, holder)
    new = _active_licence(base, newcomer, {
        **APPLICATION, "service_code": "advertisement-transfer",
        "applicant": {**APPLICATION["applicant"], "name": "كريم عادل منصور"},
        "details": {**APPLICATION["details"], "licence_number": old}})

    # WHEN the seller opens the old licence THEN it says it was replaced, and gives the new
    # number without a link (the buyer's licence is not the seller's to open)
    page.goto(f"{base}/sign-in?next=/licences/{old}")
    _sign_in(page, holder)
    notice = page.get_by_role("note").filter(has_text="صدرت رخصة جديدة بدلًا من هذه الرخصة")
    expect(notice).to_contain_text("الرخصة الجديدة باسم صاحب آخر")
    expect(notice).to_contain_text(new)
    expect(notice.get_by_role("link")).to_have_count(0)
    expect(page.locator(".tag").filter(has_text="استُبدلت")).to_be_visible()
    shots("old-licence")

    assert shots.too_wide_for_a_phone() == {}
    assert shots.inaccessible() == {}, shots.inaccessible()
