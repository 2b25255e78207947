"""The district back office over HTTP against the emulator: queue, decisions, return and
resubmission, documents, inspections, licence status, rollout, audit trail, reports."""
import base64
import json
import uuid
from datetime import datetime, timedelta, timezone

import pytest
import requests

from chalicelib.domain.applications import ISSUED, LICENCE_PAID, SYSTEM, transition
from chalicelib.domain.licences import Fine
from tests.integration import backoffice_fixtures as fx

pytestmark = pytest.mark.integration


def officer(stack, district="EAST"):
    return stack.token("officer", district=district)


def owner_token(stack, app):
    return stack.token("citizen", sub=app.owner)


def audit_of(stack, app_id, token):
    response = stack.call("GET", f"/v1/applications/{app_id}/audit?limit=100", token)
    assert response.status_code == 200, response.body
    return response.json["records"]


def assert_audited(stack, app_id, token):
    """Every timeline entry (every state change) has its audit record, chained from -> to."""
    body = stack.call("GET", f"/v1/applications/{app_id}", token).json
    records = [r for r in audit_of(stack, app_id, token) if r["from_status"] != r["to_status"]]
    chain = [(r["from_status"], r["to_status"], r["action"]) for r in records]
    statuses = [None] + [t["status"] for t in body["timeline"]]
    expected = [(statuses[i], statuses[i + 1], t["action"]) for i, t in enumerate(body["timeline"])]
    assert chain == expected
    return records


# --- queue ---------------------------------------------------------------------------------

def test_officer_queue_is_their_district_oldest_first_paginated(stack):
    # GIVEN three applications under review in BORG and one in CENTRAL
    mine = [fx.reviewing(f"c-{uuid.uuid4().hex[:6]}", district="BORG").id for _ in range(3)]
    elsewhere = fx.reviewing("c-elsewhere", district="CENTRAL").id
    token = officer(stack, "BORG")
    # WHEN the BORG officer pages through the under_review queue two at a time
    seen, cursor = [], None
    while True:
        url = "/v1/applications?status=under_review&limit=2" + (f"&cursor={cursor}" if cursor else "")
        page = stack.call("GET", url, token).json
        seen += page["applications"]
        cursor = page["next_cursor"]
        if not cursor:
            break
    # THEN it sees only BORG's, oldest first, each once, including the three new ones in order
    ids = [a["id"] for a in seen]
    assert {a["district"] for a in seen} == {"BORG"} and elsewhere not in ids
    assert len(ids) == len(set(ids))
    assert [i for i in ids if i in mine] == mine
    assert [a["created_at"] for a in seen] == sorted(a["created_at"] for a in seen)
    # AND naming another district is refused, and an unknown status is a 400
    assert stack.call("GET", "/v1/applications?district=CENTRAL", token).status_code == 403
    assert stack.call("GET", "/v1/applications?status=nope", token).status_code == 400


def pages_of(stack, token, query):
    """Every application of a queue listing, following its cursors."""
    seen, cursor, pages = [], None, 0
    while True:
        response = stack.call("GET", f"/v1/applications?{query}" + (f"&cursor={cursor}" if cursor else ""), token)
        assert response.status_code == 200, response.body
        seen += response.json["applications"]
        pages += 1
        cursor = response.json["next_cursor"]
        if not cursor:
            return seen, pages


def test_officer_filters_the_whole_queue_by_service_and_age_in_the_store(stack):
    # GIVEN seven advertisement applications under review in BORG, then a kiosk one
    adverts = [fx.reviewing(f"c-{uuid.uuid4().hex[:6]}", district="BORG").id for _ in range(7)]
    kiosk = fx.reviewing("c-kiosk", district="BORG", service_code="kiosk-first").id
    token = officer(stack, "BORG")
    # WHEN the BORG officer asks for kiosk applications, two a page
    first = stack.call("GET", "/v1/applications?status=under_review&limit=2&service=kiosk-first",
                       token)
    seen, _ = pages_of(stack, token, "status=under_review&limit=2&service=kiosk-first")
    # THEN the kiosk application is found although seven older ones stand before it, and only
    # kiosk applications come
    assert kiosk in [a["id"] for a in seen] and not set(adverts) & {a["id"] for a in seen}
    assert {a["service_code"] for a in seen} == {"kiosk-first"}
    assert len(first.json["applications"]) <= 2
    # AND none of these has waited a working day yet; 0 days keeps them all
    waited, _ = pages_of(stack, token, "status=under_review&limit=50&min_age_days=1")
    assert not {kiosk, *adverts} & {a["id"] for a in waited}
    fresh, _ = pages_of(stack, token, "status=under_review&limit=50&service=kiosk-first&min_age_days=0")
    assert kiosk in [a["id"] for a in fresh]


@pytest.mark.parametrize("query,field", [("service=no-such-service", "service"),
                                         ("min_age_days=abc", "min_age_days"),
                                         ("min_age_days=366", "min_age_days")])
def test_a_bad_queue_filter_is_a_400_naming_the_field(stack, query, field):
    response = stack.call("GET", f"/v1/applications?{query}", officer(stack, "BORG"))
    assert response.status_code == 400, response.body
    assert field in response.json["error"]["fields"]
    citizen = stack.token("citizen")
    refused = stack.call("GET", "/v1/applications?service=shop-first", citizen)
    assert refused.status_code == 400 and "service" in refused.json["error"]["fields"]


# --- decisions -------------------------------------------------------------------------------

def test_approve_makes_the_licence_fee_due_and_is_audited(stack):
    # GIVEN a shop application of 20 m2 under review in EAST
    app = fx.reviewing("c-shop", service_code="shop-first",
                       details={"activity": "بقالة", "area_m2": 20, "commercial_register_no": "12345"},
                       documents=True)
    # WHEN the EAST officer approves it
    response = stack.call("POST", f"/v1/applications/{app.id}/decision", officer(stack),
                          {"decision": "approve", "reason": "site and papers in order"})
    # THEN it is approved with the catalogue's licence fee due: 500 x 20 m2 x 12 months
    assert response.status_code == 200, response.body
    body = response.json
    assert body["status"] == "approved"
    assert [(f["code"], f["stage"], f["amount_piasters"]) for f in body["fees_due"]] == \
        [("licence", "approval", 120000)]
    assert body["amount_due_piasters"] == 120000
    # AND every transition has its audit record; the approval names the officer and district
    records = assert_audited(stack, app.id, owner_token(stack, app))
    assert records[-1]["role"] == "officer" and records[-1]["district"] == "EAST"
    assert records[-1]["reason"] == "site and papers in order"
    # AND a second decision is a state conflict
    again = stack.call("POST", f"/v1/applications/{app.id}/decision", officer(stack),
                       {"decision": "reject", "reason": "changed my mind"})
    assert again.status_code == 409 and again.json["error"]["code"] == "invalid_transition"


def test_reject_needs_a_reason_that_the_citizen_sees(stack):
    app = fx.reviewing("c-reject")
    url = f"/v1/applications/{app.id}/decision"
    # WHEN an officer rejects without a reason THEN 400 naming the field
    missing = stack.call("POST", url, officer(stack), {"decision": "reject"})
    assert missing.status_code == 400 and "reason" in missing.json["error"]["fields"]
    bad = stack.call("POST", url, officer(stack), {"decision": "maybe", "reason": "x"})
    assert bad.status_code == 400 and "decision" in bad.json["error"]["fields"]
    # WHEN with a reason THEN rejected, and the owner reads the reason
    assert stack.call("POST", url, officer(stack),
                      {"decision": "reject", "reason": "the sign exceeds the façade"}).status_code == 200
    seen = stack.call("GET", f"/v1/applications/{app.id}", owner_token(stack, app)).json
    assert seen["status"] == "rejected" and seen["decision_reason"] == "the sign exceeds the façade"
    assert seen["timeline"][-1]["reason"] == "the sign exceeds the façade"
    # AND approving a rejected application is a 409
    late = stack.call("POST", url, officer(stack), {"decision": "approve"})
    assert late.status_code == 409
    assert_audited(stack, app.id, owner_token(stack, app))


def test_deciding_before_payment_is_a_conflict(stack):
    app = fx.submitted("c-early")
    response = stack.call("POST", f"/v1/applications/{app.id}/decision", officer(stack),
                          {"decision": "approve"})
    assert response.status_code == 409


# --- return and resubmit ---------------------------------------------------------------------

def test_returned_application_is_amended_revalidated_and_resubmitted(stack):
    app = fx.reviewing("c-return")
    citizen = owner_token(stack, app)
    url = f"/v1/applications/{app.id}"
    # WHEN the officer returns it without saying why THEN 400
    assert stack.call("POST", f"{url}/return", officer(stack), {}).status_code == 400
    # WHEN with a reason THEN it is returned and the citizen sees what is missing
    returned = stack.call("POST", f"{url}/return", officer(stack),
                          {"reason": "upload the shop lease"})
    assert returned.status_code == 200 and returned.json["status"] == "returned"
    assert stack.call("GET", url, citizen).json["decision_reason"] == "upload the shop lease"
    # WHEN the citizen resubmits with invalid details THEN 400 naming the field, still returned
    bad = stack.call("POST", f"{url}/resubmit", citizen, {"details": {**fx.ADVERT, "faces": 0}})
    assert bad.status_code == 400 and "details.faces" in bad.json["error"]["fields"]
    bad_site = stack.call("POST", f"{url}/resubmit", citizen,
                          {"site": {"lat": 30.0444, "lng": 31.2357, "address": "وسط القاهرة"}})
    assert bad_site.status_code == 400 and "site" in bad_site.json["error"]["fields"]
    assert stack.call("GET", url, citizen).json["status"] == "returned"
    # WHEN with valid amended details THEN it is under review again with them
    good = stack.call("POST", f"{url}/resubmit", citizen,
                      {"details": {**fx.ADVERT, "faces": 2}, "note": "lease uploaded"})
    assert good.status_code == 200, good.body
    assert good.json["status"] == "under_review" and good.json["details"]["faces"] == 2
    # AND resubmitting again is a conflict; both steps are audited
    assert stack.call("POST", f"{url}/resubmit", citizen, {}).status_code == 409
    records = assert_audited(stack, app.id, citizen)
    assert [r["action"] for r in records[-2:]] == ["return", "resubmit"]
    assert records[-1]["data"] == {"amended": ["details"]}


BUILDING = {"floors": 1, "area_m2": 20, "plot_number": "P-17", "engineer_syndicate_no": "ENG-4411"}


def paid_into_review(stack, app):
    """The application's submission fees paid through the sandbox, as its owner would."""
    from tests.integration.test_payments import sandbox_press

    citizen = owner_token(stack, app)
    started = stack.call("POST", f"/v1/applications/{app.id}/payments", citizen,
                         {"gateway": "sandbox"})
    assert started.status_code == 201, started.body
    assert sandbox_press(stack, started.json["payment_id"], "pay").status_code == 200
    stack.streams.pump_until_quiet()
    return started.json


def returned_building_renewal(stack, owner):
    app = fx.submitted(owner, service_code="building-renewal", details=dict(BUILDING))
    first = paid_into_review(stack, app)
    assert first["amount_piasters"] == 500 + 50 * 1 * 20
    url = f"/v1/applications/{app.id}"
    assert stack.call("POST", f"{url}/return", officer(stack),
                      {"reason": "the plot number is wrong"}).status_code == 200
    return app, first


def test_resubmitted_details_that_cost_more_are_paid_before_review_continues(stack):
    # GIVEN a building renewal paid for 1 floor on 20 m2, under review, returned to the citizen
    app, first = returned_building_renewal(stack, f"c-reprice-{uuid.uuid4().hex[:6]}")
    citizen, url = owner_token(stack, app), f"/v1/applications/{app.id}"
    # WHEN the citizen resubmits it as 40 floors on 100,000 m2
    bigger = {**BUILDING, "floors": 40, "area_m2": 100000}
    response = stack.call("POST", f"{url}/resubmit", citizen, {"details": bigger})
    # THEN the difference is due and the application awaits its payment, not review
    assert response.status_code == 200, response.body
    difference = 50 * 40 * 100000 - 50 * 1 * 20
    assert response.json["status"] == "submitted"
    assert response.json["amount_due_piasters"] == difference
    assert [(f["code"], f["stage"], f["amount_piasters"]) for f in response.json["fees_due"]] == \
        [("licence", "submission", difference)]
    records = assert_audited(stack, app.id, citizen)
    assert records[-1]["action"] == "resubmit_fees_due"
    assert records[-1]["data"] == {"amended": ["details"], "difference_piasters": difference}
    # AND no officer can decide it before the difference is paid
    decided = stack.call("POST", f"{url}/decision", officer(stack),
                         {"decision": "approve", "reason": "all in order"})
    assert decided.status_code == 409
    stack.streams.pump_until_quiet()
    assert stack.call("GET", url, citizen).json["status"] == "submitted"
    # WHEN the citizen pays the difference
    second = paid_into_review(stack, app)
    # THEN it asked exactly the difference, and review continues
    assert second["amount_piasters"] == difference
    assert stack.call("GET", url, citizen).json["status"] == "under_review"
    # AND only then, its documents in, can it be approved towards the licence
    stack.hand_in_documents(citizen, app.id)
    approved = stack.call("POST", f"{url}/decision", officer(stack),
                          {"decision": "approve", "reason": "all in order"})
    assert approved.status_code == 200 and approved.json["status"] == "licence_paid"
    assert approved.json["details"]["floors"] == 40
    assert first["payment_id"] != second["payment_id"]


def test_resubmitted_details_that_cost_less_flag_the_payment_for_refund(stack):
    # GIVEN a building renewal paid for 2 floors on 500 m2, returned
    owner = f"c-refund-{uuid.uuid4().hex[:6]}"
    app = fx.submitted(owner, service_code="building-renewal",
                       details={**BUILDING, "floors": 2, "area_m2": 500})
    paid = paid_into_review(stack, app)
    url = f"/v1/applications/{app.id}"
    stack.call("POST", f"{url}/return", officer(stack), {"reason": "area is wrong"})
    # WHEN it is resubmitted as 1 floor on 500 m2
    response = stack.call("POST", f"{url}/resubmit", owner_token(stack, app),
                          {"details": {**BUILDING, "floors": 1, "area_m2": 500}})
    # THEN review continues, and the overpayment is recorded and on finance's refund list
    assert response.status_code == 200, response.body
    assert response.json["status"] == "under_review" and response.json["amount_due_piasters"] == 0
    refund = 50 * 2 * 500 - 50 * 1 * 500
    records = audit_of(stack, app.id, owner_token(stack, app))
    assert records[-1]["data"] == {"amended": ["details"], "refund_piasters": refund,
                                   "refunded_fees": ["licence"],
                                   "refund_payments": [paid["payment_id"]]}
    from chalicelib.wiring import payment_store
    flagged = payment_store().get(paid["payment_id"])
    assert flagged.status == "paid" and flagged.flag_reason == "overpaid_after_amendment"
    report = stack.call("GET", f"/v1/reports/finance?from={flagged.day}&to={flagged.day}",
                        stack.token("admin")).json
    assert paid["payment_id"] in {p["payment_id"] for p in report["needs_attention"]}
    # AND amending it back up later asks only for what was refunded, never twice
    stack.call("POST", f"{url}/return", officer(stack), {"reason": "area is right after all"})
    again = stack.call("POST", f"{url}/resubmit", owner_token(stack, app),
                       {"details": {**BUILDING, "floors": 2, "area_m2": 500}})
    assert again.json["status"] == "submitted" and again.json["amount_due_piasters"] == refund


def test_a_citizen_reads_roles_and_officer_names_never_subject_ids(stack):
    from chalicelib.auth import issue_local_token
    from chalicelib.wiring import bound_settings
    # GIVEN an application returned by a named officer, inspected, then resubmitted
    app = fx.reviewing(f"c-audit-{uuid.uuid4().hex[:6]}")
    officer_sub = f"officer-sub-{uuid.uuid4().hex}"
    named = issue_local_token(bound_settings(), "officer", officer_sub, "EAST",
                              name="Eng. Mona Adel")
    url = f"/v1/applications/{app.id}"
    assert stack.call("POST", f"{url}/inspections", named,
                      {"scheduled_for": (fx.now() + timedelta(days=2)).isoformat(),
                       "inspector": "Eng. Samir"}).status_code == 201
    assert stack.call("POST", f"{url}/return", named, {"reason": "lease missing"}).status_code == 200
    citizen = owner_token(stack, app)
    assert stack.call("POST", f"{url}/resubmit", citizen, {}).status_code == 200
    # WHEN the citizen reads the audit trail
    response = stack.call("GET", f"{url}/audit?limit=100", citizen)
    # THEN no record carries a subject id: each shows its role, and the officer's name
    assert response.status_code == 200
    assert officer_sub not in response.body.decode() and app.owner not in response.body.decode()
    records = response.json["records"]
    assert all("actor" not in r for r in records)
    by_officer = [r for r in records if r["role"] == "officer"]
    assert [r["action"] for r in by_officer] == ["schedule_inspection", "return"]
    assert {r["actor_name"] for r in by_officer} == {"Eng. Mona Adel"}
    assert [r["role"] for r in records][-1] == "citizen"
    # AND staff still see who acted, for accountability
    staff = audit_of(stack, app.id, officer(stack))
    assert officer_sub in {r["actor"] for r in staff}


# --- documents -------------------------------------------------------------------------------

def decoded_policy(upload):
    return json.loads(base64.b64decode(upload["fields"]["policy"]))


def policy_admits(policy, fields, size):
    """Evaluate an S3 POST policy as S3 does: expiry, every condition, every field covered."""
    expires = datetime.fromisoformat(policy["expiration"].replace("Z", "+00:00"))
    if expires <= datetime.now(timezone.utc):
        return False
    covered = {"policy", "x-amz-signature", "file"}
    for condition in policy["conditions"]:
        if isinstance(condition, dict):
            (name, value), = condition.items()
            covered.add(name.lower())
            if fields.get(name) != value and not (name == "bucket"):
                return False
        elif condition[0] == "content-length-range":
            if not condition[1] <= size <= condition[2]:
                return False
        elif condition[0] == "eq":
            covered.add(condition[1].lstrip("$").lower())
            if fields.get(condition[1].lstrip("$")) != condition[2]:
                return False
        elif condition[0] == "starts-with":
            covered.add(condition[1].lstrip("$").lower())
            if not str(fields.get(condition[1].lstrip("$"), "")).startswith(condition[2]):
                return False
    return all(name.lower() in covered for name in fields)


def test_document_upload_policy_pins_type_and_size(stack):
    app = fx.reviewing("c-docs")
    citizen = owner_token(stack, app)
    url = f"/v1/applications/{app.id}/documents"
    # WHEN the owner asks to upload a JPEG copy of the national ID
    response = stack.call("POST", url, citizen, {"slot": "national_id", "content_type": "image/jpeg"})
    assert response.status_code == 201, response.body
    upload, document = response.json["upload"], response.json["document"]
    assert document["slot"] == "national_id" and document["max_bytes"] == 5 * 1024 * 1024
    # THEN the signed policy pins the content type and bounds the size to 1 B..5 MB
    policy = decoded_policy(upload)
    assert {"Content-Type": "image/jpeg"} in policy["conditions"]
    assert ["content-length-range", 1, 5 * 1024 * 1024] in policy["conditions"]
    fields = dict(upload["fields"])
    assert policy_admits(policy, fields, 200_000)
    # AND the policy refuses an oversize file, a wrong type, an empty file and another key
    assert not policy_admits(policy, fields, 5 * 1024 * 1024 + 1)
    assert not policy_admits(policy, {**fields, "Content-Type": "application/x-msdownload"}, 1000)
    assert not policy_admits(policy, fields, 0)
    assert not policy_admits(policy, {**fields, "key": f"documents/{app.id}/other"}, 1000)
    # WHEN the form is posted over HTTP THEN the object lands under its key with its type
    posted = requests.post(upload["url"], data=fields,
                           files={"file": ("id.jpg", b"\xff\xd8\xff" + b"0" * 2000, "image/jpeg")},
                           timeout=10)
    assert posted.status_code in (200, 204), posted.text
    from chalicelib.wiring import file_store
    assert file_store().get(f"documents/{app.id}/{document['id']}").startswith(b"\xff\xd8\xff")
    # AND the document is recorded on the application, listed with a download URL
    listed = stack.call("GET", url, officer(stack)).json["documents"]
    assert [d["id"] for d in listed] == [document["id"]] and listed[0]["download_url"]
    # AND a type the slot does not accept, or an unknown slot, is a 400 naming the field
    wrong = stack.call("POST", url, citizen, {"slot": "ownership_or_lease", "content_type": "image/png"})
    assert wrong.status_code == 400 and "content_type" in wrong.json["error"]["fields"]
    unknown = stack.call("POST", url, citizen, {"slot": "selfie", "content_type": "image/png"})
    assert unknown.status_code == 400 and "slot" in unknown.json["error"]["fields"]
    actions = [r["action"] for r in audit_of(stack, app.id, citizen)]
    assert "add_document" in actions


# --- inspections -----------------------------------------------------------------------------

def test_inspection_is_scheduled_recorded_once_with_photos(stack):
    app = fx.reviewing("c-inspect")
    url = f"/v1/applications/{app.id}/inspections"
    token = officer(stack)
    past = (fx.now() - timedelta(hours=1)).isoformat()
    assert stack.call("POST", url, token, {"scheduled_for": past, "inspector": "Eng. Samir"}).status_code == 400
    naive = stack.call("POST", url, token, {"scheduled_for": "2031-01-01T10:00:00", "inspector": "Eng. Samir"})
    assert naive.status_code == 400 and "scheduled_for" in naive.json["error"]["fields"]
    # WHEN an officer schedules an inspection
    when = (fx.now() + timedelta(days=2)).replace(microsecond=0)
    scheduled = stack.call("POST", url, token, {"scheduled_for": when.isoformat(), "inspector": "Eng.  Samir Fahmy"})
    assert scheduled.status_code == 201, scheduled.body
    inspection = scheduled.json
    assert inspection["status"] == "scheduled" and inspection["inspector"] == "Eng. Samir Fahmy"
    # THEN the owner sees when it is
    seen = stack.call("GET", url, owner_token(stack, app)).json["inspections"]
    assert [i["id"] for i in seen] == [inspection["id"]]
    # WHEN the officer adds a photo and records the result
    photo = stack.call("POST", f"{url}/{inspection['id']}/photos", token, {"content_type": "image/png"})
    assert photo.status_code == 201
    assert ["content-length-range", 1, 5 * 1024 * 1024] in decoded_policy(photo.json["upload"])["conditions"]
    assert stack.call("POST", f"{url}/{inspection['id']}/photos", token,
                      {"content_type": "application/pdf"}).status_code == 400
    result = stack.call("POST", f"{url}/{inspection['id']}/result", token,
                        {"result": "failed", "notes": "sign overhangs the pavement"})
    assert result.status_code == 200 and result.json["status"] == "failed"
    # THEN it is recorded once: a second result is a 409, an unknown inspection a 404
    assert stack.call("POST", f"{url}/{inspection['id']}/result", token, {"result": "passed"}).status_code == 409
    assert stack.call("POST", f"{url}/nope/result", token, {"result": "passed"}).status_code == 404
    listed = stack.call("GET", url, token).json["inspections"][0]
    assert listed["notes"] == "sign overhangs the pavement" and len(listed["photos"]) == 1
    assert listed["photos"][0]["download_url"]
    actions = [(r["action"], r["data"]) for r in audit_of(stack, app.id, token)]
    assert ("record_inspection", {"inspection_id": inspection["id"], "result": "failed"}) in actions
    assert any(a == "schedule_inspection" for a, _ in actions)


# --- licences --------------------------------------------------------------------------------

def test_licence_suspend_reinstate_revoke_with_reasons_and_audit(stack):
    licence = fx.licence("holder-sus")
    token, url = officer(stack), f"/v1/licences/{licence.number}"
    assert stack.call("POST", f"{url}/suspend", token, {}).status_code == 400
    suspended = stack.call("POST", f"{url}/suspend", token, {"reason": "unsafe structure"})
    assert suspended.status_code == 200 and suspended.json["status"] == "suspended"
    # THEN the stored licence (what verification reads) says so at once
    from chalicelib.wiring import licence_store
    assert licence_store().get(licence.number).status == "suspended"
    assert stack.call("POST", f"{url}/reinstate", stack.token("admin"),
                      {"reason": "repaired"}).json["status"] == "active"
    assert stack.call("POST", f"{url}/revoke", token, {"reason": "repeated violations"}).json["status"] == "revoked"
    assert stack.call("POST", f"{url}/reinstate", token, {"reason": "appeal"}).status_code == 409
    assert stack.call("POST", "/v1/licences/ALX-EAST-2099-000000/suspend", token,
                      {"reason": "unsafe"}).status_code == 404
    # AND the audit trail lists each change, who made it and why
    records = stack.call("GET", f"{url}/audit", token).json["records"]
    assert [(r["action"], r["from_status"], r["to_status"], r["role"], r["reason"]) for r in records] == [
        ("suspend", "active", "suspended", "officer", "unsafe structure"),
        ("reinstate", "suspended", "active", "admin", "repaired"),
        ("revoke", "active", "revoked", "officer", "repeated violations")]


# --- rollout ---------------------------------------------------------------------------------

def test_rollout_toggle_takes_effect_at_once(stack, citizen):
    admin = stack.token("admin")
    body = {"service_code": "shop-first", "district": "WEST",
            "applicant": {"name": "محمد أحمد علي", "national_id": "29001010201234", "mobile": "01012345678"},
            "site": {"lat": 31.2089, "lng": 29.9092, "address": "12 شارع فؤاد، الإسكندرية"},
            "details": {"activity": "بقالة", "area_m2": 20, "commercial_register_no": "12345"}}
    assert stack.call("POST", "/v1/applications", citizen, body).status_code == 409
    try:
        # WHEN the admin turns shop licences on in WEST
        on = stack.call("PUT", "/v1/admin/rollout/shop-first/WEST", admin, {"live": True})
        assert on.status_code == 200 and on.json["live"] is True
        # THEN the catalogue, the districts and application creation honour it at once
        services = stack.call("GET", "/v1/services").json["services"]
        assert "WEST" in next(s for s in services if s["code"] == "shop-first")["districts"]
        assert next(d for d in stack.call("GET", "/v1/districts").json["districts"]
                    if d["code"] == "WEST")["live"] is True
        assert stack.call("POST", "/v1/applications", citizen, body).status_code == 201
        listed = stack.call("GET", "/v1/admin/rollout", admin).json["rollout"]
        assert "WEST" in next(e for e in listed if e["service_code"] == "shop-first")["districts"]
    finally:
        # WHEN it is turned off again
        off = stack.call("PUT", "/v1/admin/rollout/shop-first/WEST", admin, {"live": False})
    assert off.status_code == 200 and off.json["live"] is False
    # THEN applying there is refused again at once and WEST is not live
    assert stack.call("POST", "/v1/applications", citizen, body).status_code == 409
    assert not next(d for d in stack.call("GET", "/v1/districts").json["districts"]
                    if d["code"] == "WEST")["live"]
    assert stack.call("PUT", "/v1/admin/rollout/nope/WEST", admin, {"live": True}).status_code == 404
    assert stack.call("PUT", "/v1/admin/rollout/shop-first/ATLANTIS", admin, {"live": True}).status_code == 404
    assert stack.call("PUT", "/v1/admin/rollout/shop-first/WEST", admin, {"live": "yes"}).status_code == 400
    # AND the rollout audit serves both changes, newest first, with who made them
    audit = stack.call("GET", "/v1/admin/rollout/audit?limit=2", admin)
    assert audit.status_code == 200, audit.body
    records = audit.json["records"]
    assert [(r["action"], r["data"]["service_code"], r["district"], r["from_status"],
             r["to_status"]) for r in records] == [
        ("rollout_off", "shop-first", "WEST", "live", "not_live"),
        ("rollout_on", "shop-first", "WEST", "not_live", "live")]
    assert all(r["role"] == "admin" and r["actor"] for r in records)
    assert records[0]["at"] >= records[1]["at"]
    assert stack.call("GET", "/v1/admin/rollout/audit", citizen).status_code == 403


# --- audit is append-only --------------------------------------------------------------------

def test_no_route_can_change_the_audit_trail(stack):
    for path, methods in stack.app.app.routes.items():
        if "audit" in path:
            assert set(methods) == {"GET", "HEAD"}, path  # reads only: HEAD is a bodiless GET


# --- reports ---------------------------------------------------------------------------------

def report(stack, token, district=None):
    response = stack.call("GET", "/v1/reports/applications" + (f"?district={district}" if district else ""), token)
    assert response.status_code == 200, response.body
    return response.json


def test_report_counts_by_status_and_kind_days_to_issue_and_fines(stack):
    from chalicelib.wiring import application_store
    stack.streams.pump_until_quiet()
    token = officer(stack, "MONTAZA1")
    before = report(stack, token)
    # GIVEN two applications in MONTAZA1: one rejected, one issued three days after submission
    rejected = fx.reviewing("c-r1", district="MONTAZA1")
    stack.call("POST", f"/v1/applications/{rejected.id}/decision", token, {"decision": "reject", "reason": "no site plan"})
    issued = fx.reviewing("c-r2", district="MONTAZA1", documents=True)
    stack.call("POST", f"/v1/applications/{issued.id}/decision", token, {"decision": "approve"})
    app = application_store().get(issued.id)
    created = datetime.fromisoformat(app.created_at.replace("Z", "+00:00"))
    paid = transition(app, "pay", SYSTEM, created + timedelta(days=2))
    done = transition(paid, "issue", SYSTEM, created + timedelta(days=3))
    from chalicelib.usecases.backoffice import trail
    application_store().save(done, trail(app, done, SYSTEM))
    # AND a licence there with two fines, one paid
    fx.licence("holder-fines", district="MONTAZA1", fines=(
        Fine("late:2026-01-01", "غرامة", "Fine", 2000, "2026-01-01", paid_by="pay-1"),
        Fine("late:2026-01-02", "غرامة", "Fine", 3000, "2026-01-02")))
    # WHEN the stream is delivered and the officer reads the report
    stack.streams.pump_until_quiet()
    after = report(stack, token)
    # THEN the counts moved by exactly these applications
    delta = {s: after["by_status"][s] - before["by_status"][s] for s in after["by_status"]}
    assert {s: d for s, d in delta.items() if d} == {"rejected": 1, "issued": 1}
    assert after["by_kind"]["advertisement"]["issued"] - before["by_kind"]["advertisement"]["issued"] == 1
    assert after["issued_count"] == before["issued_count"] + 1 and after["average_days_to_issue"] is not None
    if before["issued_count"] == 0:
        assert after["average_days_to_issue"] == 3.0
    # AND both decisions are timed from submission (made at once here: 0 days)
    assert after["decided_count"] == before["decided_count"] + 2
    assert after["average_days_to_decision"] is not None
    assert after["by_district"]["MONTAZA1"]["decided_count"] == after["decided_count"]
    assert after["fines"]["assessed_piasters"] - before["fines"]["assessed_piasters"] == 5000
    assert after["fines"]["collected_piasters"] - before["fines"]["collected_piasters"] == 2000
    assert after["district"] == "MONTAZA1"
    # AND a redelivered batch changes nothing (the counters are kept exactly once)
    stack.streams.pump_until_quiet()
    assert report(stack, token)["by_status"] == after["by_status"]
    # AND an admin reads any district or all; an officer only their own; citizens none
    admin = stack.token("admin")
    assert report(stack, admin, "MONTAZA1")["by_status"] == after["by_status"]
    everything = report(stack, admin)
    assert len(everything["districts"]) == 10 and everything["total"] >= after["total"]
    assert stack.call("GET", "/v1/reports/applications?district=EAST", token).status_code == 403
    assert stack.call("GET", "/v1/reports/applications?district=ATLANTIS", admin).status_code == 400
    assert stack.call("GET", "/v1/reports/applications", stack.token("citizen")).status_code == 403


def test_report_stream_applies_a_redelivered_record_once(stack):
    from chalice.app import DynamoDBEvent

    from chalicelib.adapters.stream_changes import application_changes
    from chalicelib.events.report_stream import count_change
    from devstack.streams import StreamPump
    captured = []
    pump = StreamPump({"applications": lambda event, context: captured.extend(event["Records"])},
                      {"applications": __import__("os").environ["APPLICATIONS_STREAM_ARN"]},
                      stack.prefix)
    pump.pump_until_quiet()
    captured.clear()
    stack.streams.pump_until_quiet()
    fx.submitted("c-once", district="GOMROK")
    pump.pump_until_quiet()
    assert len(captured) == 1
    event = DynamoDBEvent({"Records": captured}, None)
    from chalicelib.wiring import report_store
    counter = "COUNT#advertisement#submitted"
    before = report_store().counters("GOMROK").get(counter, 0)
    # WHEN the same record is delivered three times (twice here, once by the app's own pump)
    assert [count_change(c) for c in application_changes(event)] == [1]
    assert [count_change(c) for c in application_changes(event)] == [0]
    stack.streams.pump_until_quiet()
    # THEN it counted once
    assert report_store().counters("GOMROK")[counter] == before + 1
