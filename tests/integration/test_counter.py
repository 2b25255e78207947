"""The technology centre's counter over HTTP: walk-in applications, counter payments with
numbered receipts, the cash drawer, and the refusals (docs/counter.md)."""
import io
import random
import urllib.request
import uuid

import pytest

pytestmark = pytest.mark.integration

SITE = {"lat": 31.2089, "lng": 29.9092, "address": "12 شارع فؤاد، الإسكندرية"}
ADVERT = {"sign_type": "wall", "sign_width_m": 3, "sign_height_m": 1.5, "faces": 1}


def mint(role, district=None, name="", mobile="", sub=None):
    from chalicelib.auth import issue_local_token
    from chalicelib.wiring import bound_settings

    return issue_local_token(bound_settings(), role, sub or f"{role}-{uuid.uuid4().hex[:8]}",
                             district, name=name, mobile=mobile)


def new_mobile():
    return f"010{random.randint(10_000_000, 99_999_999)}"


def walk_in(stack, clerk, mobile, district="EAST"):
    body = {"service_code": "advertisement-first", "district": district,
            "applicant": {"name": "محمد أحمد علي", "national_id": "29001010201234", "mobile": mobile},
            "site": SITE, "details": ADVERT}
    return stack.call("POST", "/v1/counter/applications", clerk, body)


@pytest.fixture
def clerk():
    return mint("clerk", "EAST", name="سعاد حسن")


def test_walk_in_application_belongs_to_the_citizen_by_mobile(stack, clerk):
    # GIVEN a clerk of EAST and a walk-in citizen's mobile
    mobile = new_mobile()
    # WHEN the clerk enters the application
    created = walk_in(stack, clerk, mobile)
    assert created.status_code == 201, created.body
    app_id = created.json["id"]
    e164 = "+20" + mobile[1:]
    # THEN the citizen signing in with that mobile sees it: as Cognito carries it (verified
    # phone_number) and as the local issuer's subject
    for citizen in (mint("citizen", mobile=e164), mint("citizen", sub=e164)):
        listed = stack.call("GET", "/v1/applications", citizen).json["applications"]
        assert [a["id"] for a in listed] == [app_id]
        assert stack.call("GET", f"/v1/applications/{app_id}", citizen).status_code == 200
    # AND another citizen does not
    assert stack.call("GET", f"/v1/applications/{app_id}", mint("citizen")).status_code == 404
    # AND the audit trail says a clerk entered it, by name
    audit = stack.call("GET", f"/v1/applications/{app_id}/audit", mint("citizen", sub=e164)).json
    first = audit["records"][0] if "records" in audit else audit["items"][0]
    assert first["role"] == "clerk" and first["action"] == "submit_at_counter"
    assert first["data"]["entered_by"] == "سعاد حسن"
    # AND the citizen reads the clerk's display name, never the clerk's subject id
    assert first["actor_name"] == "سعاد حسن" and "actor" not in first


def test_cross_district_clerk_is_refused(stack):
    # GIVEN a clerk of GOMROK WHEN entering an EAST application or paying one THEN 403
    elsewhere = mint("clerk", "GOMROK", name="x")
    assert walk_in(stack, elsewhere, new_mobile()).status_code == 403
    app_id = walk_in(stack, mint("clerk", "EAST", name="y"), new_mobile()).json["id"]
    paid = stack.call("POST", f"/v1/applications/{app_id}/counter-payments", elsewhere,
                      {"method": "cash"})
    assert paid.status_code == 403 and paid.json["error"]["code"] == "other_district"


def test_counter_payment_is_recorded_once_with_a_numbered_receipt(stack, clerk):
    # GIVEN a walk-in application with fees due
    app = walk_in(stack, clerk, new_mobile()).json
    due = app["amount_due_piasters"]
    assert due > 0
    # WHEN the clerk records cash, and the request is replayed
    first = stack.call("POST", f"/v1/applications/{app['id']}/counter-payments", clerk,
                       {"method": "cash"})
    again = stack.call("POST", f"/v1/applications/{app['id']}/counter-payments", clerk,
                       {"method": "cash"})
    # THEN one payment, paid, for exactly the fees due, with a receipt number; the replay
    # answers the same payment and records nothing new
    assert first.status_code == 201, first.body
    assert first.json["status"] == "paid" and first.json["gateway"] == "counter"
    assert first.json["amount_piasters"] == due and first.json["recorded_now"] is True
    number = first.json["receipt"]["receipt_number"]
    assert number.startswith("RCT-EAST-")
    assert again.status_code == 200 and again.json["recorded_now"] is False
    assert again.json["payment_id"] == first.json["payment_id"]
    assert again.json["receipt"]["receipt_number"] == number
    from chalicelib import wiring
    assert len(wiring.payment_store().list_by_application(app["id"])) == 1
    # AND the next payment at the centre takes the next number
    other = walk_in(stack, clerk, new_mobile()).json
    second = stack.call("POST", f"/v1/applications/{other['id']}/counter-payments", clerk,
                        {"method": "card"}).json
    assert int(second["receipt"]["receipt_number"].rsplit("-", 1)[1]) == int(number.rsplit("-", 1)[1]) + 1
    # AND the payments stream moves the application on
    stack.streams.pump_until_quiet()
    assert stack.call("GET", f"/v1/applications/{app['id']}", clerk).json["status"] != "submitted"
    # AND the receipt is a valid PDF, A4 and thermal, whose text carries the number
    from pypdf import PdfReader
    for paper in ("a4", "thermal"):
        printed = stack.call("GET", f"/v1/payments/{first.json['payment_id']}/receipt?format={paper}", clerk)
        assert printed.status_code == 200, printed.body
        with urllib.request.urlopen(printed.json["url"]) as response:
            pdf = response.read()
        assert pdf.startswith(b"%PDF")
        text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
        assert number in text and "Total" in text


def test_a_service_without_review_is_paid_at_the_counter_only_once_its_documents_are_scanned(
        stack, clerk):
    # GIVEN a walk-in application for a certificate no officer reviews (its payment approves it)
    body = {"service_code": "licence-statement-certificate", "district": "EAST",
            "applicant": {"name": "محمد أحمد علي", "national_id": "29001010201234",
                          "mobile": new_mobile()},
            "site": SITE, "details": {"licence_number": "ALX-EAST-2026-000001",
                                      "purpose": "بنك مصر"}}
    created = stack.call("POST", "/v1/counter/applications", clerk, body)
    assert created.status_code == 201, created.body
    app_id = created.json["id"]
    pay = f"/v1/applications/{app_id}/counter-payments"
    # WHEN the clerk takes the cash before scanning the ID card, or with its upload form signed
    # but no file sent THEN 409 naming the document, and no payment (nor receipt) is recorded
    refusals = [stack.call("POST", pay, clerk, {"method": "cash"})]
    asked = stack.call("POST", f"/v1/applications/{app_id}/documents", clerk,
                       {"slot": "national_id", "content_type": "application/pdf"})
    assert asked.status_code == 201, asked.body
    refusals.append(stack.call("POST", pay, clerk, {"method": "cash"}))
    for refused in refusals:
        assert refused.status_code == 409 and refused.json["error"]["code"] == "documents_missing"
        assert "صورة بطاقة الرقم القومي" in refused.json["error"]["message_ar"]
    from chalicelib import wiring
    assert wiring.payment_store().list_by_application(app_id) == []
    # WHEN the scan is sent with that form THEN the payment is taken, and the stream approves it
    from tests.integration.uploads import post_to_store
    post_to_store(asked.json["upload"], "application/pdf")
    paid = stack.call("POST", pay, clerk, {"method": "cash"})
    assert paid.status_code == 201 and paid.json["status"] == "paid", paid.body
    stack.streams.pump_until_quiet()
    moved = stack.call("GET", f"/v1/applications/{app_id}", clerk).json
    assert "auto_approve" in [step["action"] for step in moved["timeline"]]


def test_drawer_close_flags_a_difference_and_refuses_later_payments(stack):
    # GIVEN a clerk who took one cash payment today
    clerk = mint("clerk", "EAST", name="كريم سامي")
    app = walk_in(stack, clerk, new_mobile()).json
    taken = stack.call("POST", f"/v1/applications/{app['id']}/counter-payments", clerk,
                       {"method": "cash"}).json["amount_piasters"]
    # WHEN the drawer is closed 100 piasters short
    closed = stack.call("POST", "/v1/counter/drawer/close", clerk, {"counted_piasters": taken - 100})
    assert closed.status_code == 200, closed.body
    assert closed.json["difference_piasters"] == -100 and closed.json["flagged"] is True
    # THEN the finance report shows the difference, flagged
    report = stack.call("GET", "/v1/reports/finance?district=EAST", mint("admin")).json
    mine = [d for d in report["drawers"] if d["clerk_name"] == "كريم سامي"]
    assert mine and mine[0]["expected_cash_piasters"] == taken
    assert mine[0]["counted_cash_piasters"] == taken - 100 and mine[0]["flagged"] is True
    # AND a new counter payment that day is refused, in Arabic first
    other = walk_in(stack, clerk, new_mobile()).json
    refused = stack.call("POST", f"/v1/applications/{other['id']}/counter-payments", clerk,
                         {"method": "cash"})
    assert refused.status_code == 409 and refused.json["error"]["code"] == "drawer_closed"
    assert "درج" in refused.json["error"]["message_ar"]
    # AND the drawer cannot be closed twice
    assert stack.call("POST", "/v1/counter/drawer/close", clerk,
                      {"counted_piasters": taken}).status_code == 409


@pytest.mark.parametrize("path, value, says", [
    ("applicant.name", "محمد\u200b أحمد", "U+200B"),                  # zero-width space
    ("site.address", "12 شارع \u202eفؤاد، الإسكندرية", "U+202E"),    # right-to-left override
    ("applicant.name", "محمد" + "\u064b" * 60 + " علي", "marks on one letter"),
    ("site.address", "12 شارع فؤاد 😀 الإسكندرية", "U+1F600"),       # the PDF cannot print it
])
def test_walk_in_text_is_held_to_the_citizens_rules(stack, clerk, path, value, says):
    # GIVEN a walk-in application whose name or address hides or cannot print characters
    body = {"service_code": "advertisement-first", "district": "EAST",
            "applicant": {"name": "محمد أحمد علي", "national_id": "29001010201234",
                          "mobile": new_mobile()},
            "site": dict(SITE), "details": ADVERT}
    holder, field = path.split(".")
    body[holder][field] = value
    # WHEN the clerk enters it THEN 400 naming the field, Arabic first then English
    response = stack.call("POST", "/v1/counter/applications", clerk, body)
    assert response.status_code == 400, response.body
    arabic, english = response.json["error"]["fields"][path].split(" / ", 1)
    assert says in english and any("\u0600" <= c <= "\u06ff" for c in arabic)


def test_walk_ins_count_towards_no_citizens_bound(stack, clerk, monkeypatch):
    # GIVEN new applications bounded to one per citizen per hour
    from dataclasses import replace

    from chalicelib import wiring
    settings = replace(wiring.bound_settings(), applications_per_hour=1)
    monkeypatch.setattr(wiring, "bound_settings", lambda: settings)
    # WHEN a clerk enters three walk-ins in a row THEN each is created
    assert [walk_in(stack, clerk, new_mobile()).status_code for _ in range(3)] == [201] * 3
    # AND a citizen is still bounded by their own applications
    from tests.integration.test_applications_api import VALID
    citizen = mint("citizen")
    assert stack.call("POST", "/v1/applications", citizen, VALID).status_code == 201
    assert stack.call("POST", "/v1/applications", citizen, VALID).status_code == 429


def test_the_role_gate_runs_before_the_body_is_read(stack):
    # GIVEN a citizen and an officer WHEN they post a malformed body to a counter route
    for caller in (mint("citizen"), mint("officer", "EAST")):
        for path in ("/v1/counter/applications", "/v1/counter/drawer/close"):
            response = stack.call("POST", path, caller, {"nonsense": [[[]]]})
            # THEN 403 (their role), not 400 (the body)
            assert response.status_code == 403, (path, response.body)


def test_the_citizens_trail_names_the_clerk_who_took_the_payment(stack, clerk):
    mobile = new_mobile()
    app = walk_in(stack, clerk, mobile).json
    paid = stack.call("POST", f"/v1/applications/{app['id']}/counter-payments", clerk,
                      {"method": "cash"})
    assert paid.status_code == 201, paid.body
    stack.streams.pump_until_quiet()
    citizen = mint("citizen", sub="+20" + mobile[1:])
    records = stack.call("GET", f"/v1/applications/{app['id']}/audit", citizen).json
    records = records.get("records") or records.get("items")
    paying = [r for r in records if (r.get("data") or {}).get("gateway") == "counter"]
    assert paying and all(r["data"]["received_by"] == "سعاد حسن" for r in paying)
    assert not any("actor" in r for r in records)


def test_drawer_report_pdf_for_the_clerk_and_the_districts_staff(stack):
    # GIVEN a clerk who took cash and closed the drawer one pound short
    from pypdf import PdfReader

    clerk = mint("clerk", "EAST", name="هالة منصور")
    app = walk_in(stack, clerk, new_mobile()).json
    paid = stack.call("POST", f"/v1/applications/{app['id']}/counter-payments", clerk,
                      {"method": "cash"}).json
    taken = paid["amount_piasters"]
    stack.call("POST", "/v1/counter/drawer/close", clerk, {"counted_piasters": taken - 100})
    # WHEN the clerk prints the day's drawer report
    printed = stack.call("GET", "/v1/counter/drawer-report", clerk)
    # THEN it links to a PDF listing the payment, expected and counted cash and the difference,
    # Arabic first, that reads back in logical order
    assert printed.status_code == 200, printed.body
    assert printed.json["closed"] is True and printed.json["clerk_name"] == "هالة منصور"
    with urllib.request.urlopen(printed.json["url"]) as response:
        pdf = response.read()
    text = " ".join(PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())
    pounds = f"{taken // 100:,}.{taken % 100:02d} EGP"
    short = f"{(taken - 100) // 100:,}.{(taken - 100) % 100:02d} EGP"
    expected = ["تقرير درج النقدية", "Cash drawer report", "الموظف هالة منصور Clerk",
                f"النقدية المتوقعة {pounds} Cash expected",
                f"النقدية المعدودة {short} Cash counted", "الفرق -1.00 EGP Difference",
                paid["receipt"]["receipt_number"], app["id"]]
    at = 0
    for phrase in expected:
        assert text.find(phrase, at) >= 0, (phrase, text)
        at = text.find(phrase, at) + len(phrase)
    # AND the district's officer and an admin print it too, naming the clerk as the finance
    # report does; an officer of another district may not
    report = stack.call("GET", "/v1/reports/finance?district=EAST", mint("admin")).json
    sub = next(d["clerk"] for d in report["drawers"] if d["clerk_name"] == "هالة منصور")
    query = f"/v1/counter/drawer-report?clerk={sub}"
    assert stack.call("GET", query, mint("officer", "EAST")).status_code == 200
    assert stack.call("GET", query + "&district=EAST", mint("admin")).status_code == 200
    elsewhere = stack.call("GET", query + "&district=EAST", mint("officer", "GOMROK"))
    assert elsewhere.status_code == 403
    # AND what it cannot print is refused clearly, naming the field
    other_clerk = stack.call("GET", query, mint("clerk", "EAST", name="x"))
    assert other_clerk.status_code == 403 and other_clerk.json["error"]["code"] == "other_clerk"
    for caller, path, field in ((mint("officer", "EAST"), "/v1/counter/drawer-report", "clerk"),
                                (mint("admin"), query, "district"),
                                (clerk, "/v1/counter/drawer-report?day=2026-13-40", "day")):
        refused = stack.call("GET", path, caller)
        assert refused.status_code == 400 and field in refused.json["error"]["fields"], path
    nobody = stack.call("GET", "/v1/counter/drawer-report?clerk=clerk-nobody",
                        mint("officer", "EAST"))
    assert nobody.status_code == 404 and nobody.json["error"]["code"] == "drawer_not_found"
    assert stack.call("GET", query, mint("citizen")).status_code == 403
