"""The seeds' three advertisement cases walked end to end through the HTTP API, the sandbox gateway,
the payments and applications streams and the nightly job: first-time, renewal before the term
ends, and late (fines, then a first-time application that cannot be issued before they are paid)."""
from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest

from chalicelib.domain.licences import ACTIVE, EXPIRED
from tests.integration.lifecycle_fakes import RecordingNotifier, make_licence, unique_night
from tests.integration.test_applications_api import VALID
from tests.integration.test_lifecycle import renew, run
from tests.integration.test_payments import sandbox_press, start

pytestmark = pytest.mark.integration


def pay_everything_due(stack, token, app_id) -> dict:
    """Pay what the application owes now through the sandbox checkout, as a citizen would."""
    started = start(stack, token, app_id, "sandbox")
    assert started.status_code == 201, started.body
    assert sandbox_press(stack, started.json["payment_id"], "pay").status_code == 200
    stack.streams.pump_until_quiet()
    return stack.call("GET", f"/v1/applications/{app_id}", token).json


def decide(stack, officer, app_id, decision, reason=""):
    response = stack.call("POST", f"/v1/applications/{app_id}/decision", officer,
                          {"decision": decision, "reason": reason})
    assert response.status_code == 200, response.body
    stack.streams.pump_until_quiet()
    return response.json


def verify(stack, verify_url: str) -> dict:
    path = verify_url[verify_url.index("/v/"):] if "/v/" in verify_url else \
        verify_url[verify_url.index("/V/"):]
    response = stack.call("GET", path, headers={"Accept": "application/json"})
    assert response.status_code == 200
    return response.json


def test_first_time_advertisement_is_paid_reviewed_paid_and_issued_with_a_genuine_seal(stack):
    # GIVEN a citizen applying for a first-time advertisement licence
    citizen = stack.token("citizen", sub=f"holder-{uuid.uuid4().hex[:8]}")
    officer = stack.token("officer", district="EAST")
    created = stack.call("POST", "/v1/applications", citizen, VALID)
    assert created.status_code == 201, created.body
    app = created.json
    # THEN the seeds' first-time fees are due first: inspection 50 piasters + SMS EGP 5
    assert {f["code"]: f["amount_piasters"] for f in app["fees_due"]} == {"inspection": 50, "sms": 500}
    # WHEN they pay, THEN the application waits for the district's review
    assert pay_everything_due(stack, citizen, app["id"])["status"] == "under_review"
    # WHEN the district officer approves (the documents in) THEN the licence fee is due, and
    # nothing is issued yet
    stack.hand_in_documents(citizen, app["id"])
    decide(stack, officer, app["id"], "approve")
    approved = stack.call("GET", f"/v1/applications/{app['id']}", citizen).json
    assert approved["status"] == "approved" and approved["amount_due_piasters"] > 0
    assert stack.call("GET", "/v1/licences", citizen).json["licences"] == []
    # WHEN the licence fee is paid THEN the licence is issued, active, with a genuine seal
    issued = pay_everything_due(stack, citizen, app["id"])
    assert issued["status"] == "issued"
    statuses = [entry["status"] for entry in issued["timeline"]]
    assert statuses == ["submitted", "paid", "under_review", "approved", "licence_paid", "issued"]
    licences = stack.call("GET", "/v1/licences", citizen).json["licences"]
    assert len(licences) == 1 and licences[0]["status"] == ACTIVE
    licence = stack.call("GET", f"/v1/licences/{licences[0]['number']}", citizen).json
    seen = verify(stack, licence["verify_url"])
    assert seen["genuine"] is True and seen["status"] == ACTIVE
    assert seen["number"] == licence["number"] and seen["site"] == {"lat": 31.2089, "lng": 29.9092}


def test_renewal_before_expiry_keeps_the_number_and_the_old_seal_shows_the_new_term(stack, monkeypatch):
    # GIVEN an active advertisement licence ending on `ends`, and its seal
    holder, ends = f"holder-{uuid.uuid4().hex[:8]}", unique_night()
    from chalicelib.usecases.issuance import sealed
    from chalicelib.wiring import issuance_ports, licence_store
    licence = licence_store().create(sealed(make_licence(holder, ends), issuance_ports()))
    citizen = stack.token("citizen", sub=holder)
    old_url = stack.call("GET", f"/v1/licences/{licence.number}", citizen).json["verify_url"]
    # WHEN the holder renews ten days before the end, hands in the documents (no officer
    # reviews a renewal: its payment approves it) and pays the renewal fees
    response = renew(stack, citizen, licence.number, ends - timedelta(days=10), monkeypatch)
    assert response.status_code == 201, response.body
    stack.hand_in_documents(citizen, response.json["id"])
    assert pay_everything_due(stack, citizen, response.json["id"])["status"] == "issued"
    # THEN the same number runs on from the day after the old term, with a new seal
    renewed = stack.call("GET", f"/v1/licences/{licence.number}", citizen).json
    assert renewed["status"] == ACTIVE and renewed["valid_from"] == (ends + timedelta(days=1)).isoformat()
    assert date.fromisoformat(renewed["valid_until"]) > ends + timedelta(days=360)
    assert renewed["verify_url"] != old_url
    # AND the old seal, still on the wall, shows the licence's new term
    seen = verify(stack, old_url)
    assert seen["genuine"] is True and seen["valid_until"] == renewed["valid_until"]


def test_late_advertisement_is_fined_and_no_licence_is_issued_before_fines_are_paid(stack, monkeypatch):
    # GIVEN an advertisement licence that ended on `ends` and was never renewed
    holder, ends = f"holder-{uuid.uuid4().hex[:8]}", unique_night()
    from chalicelib.wiring import licence_store
    old = licence_store().create(make_licence(holder, ends))
    citizen = stack.token("citizen", sub=holder)
    officer = stack.token("officer", district="EAST")
    # WHEN two nights pass THEN it is expired with two late fines
    sms = RecordingNotifier()
    run(ends + timedelta(days=1), sms)
    run(ends + timedelta(days=2), sms)
    late = licence_store().get(old.number, consistent=True)
    assert late.status == EXPIRED and late.outstanding_fines_piasters == 4000
    # WHEN the holder re-applies THEN it is a first-time application carrying the fines
    response = renew(stack, citizen, old.number, ends + timedelta(days=2), monkeypatch)
    assert response.status_code == 201, response.body
    app = response.json
    assert app["case"] == "first" and app["amount_due_piasters"] == 50 + 500 + 4000
    # WHEN the fees and fines are paid, the officer approves and the licence fee is paid
    assert pay_everything_due(stack, citizen, app["id"])["status"] == "under_review"
    assert licence_store().get(old.number, consistent=True).outstanding_fines_piasters == 0
    stack.hand_in_documents(citizen, app["id"])
    decide(stack, officer, app["id"], "approve")
    issued = pay_everything_due(stack, citizen, app["id"])
    # THEN a new licence is issued, and the late one owes nothing
    assert issued["status"] == "issued"
    numbers = {item["number"]: item["status"]
               for item in stack.call("GET", "/v1/licences", citizen).json["licences"]}
    assert numbers[old.number] == EXPIRED
    new_numbers = [number for number in numbers if number != old.number]
    assert len(new_numbers) == 1 and numbers[new_numbers[0]] == ACTIVE
    assert verify(stack, stack.call("GET", f"/v1/licences/{new_numbers[0]}",
                                    citizen).json["verify_url"])["genuine"] is True


def test_an_approved_application_is_not_issued_until_the_licence_fee_is_paid(stack):
    # GIVEN an approved application whose licence fee is due
    citizen = stack.token("citizen", sub=f"holder-{uuid.uuid4().hex[:8]}")
    app = stack.call("POST", "/v1/applications", citizen, VALID).json
    pay_everything_due(stack, citizen, app["id"])
    stack.hand_in_documents(citizen, app["id"])
    decide(stack, stack.token("officer", district="EAST"), app["id"], "approve")
    # WHEN the citizen opens the checkout and the gateway reports a failure
    started = start(stack, citizen, app["id"], "sandbox").json
    assert sandbox_press(stack, started["payment_id"], "fail").status_code == 200
    stack.streams.pump_until_quiet()
    # THEN it stays approved, with the fee still due, and no licence exists
    still = stack.call("GET", f"/v1/applications/{app['id']}", citizen).json
    assert still["status"] == "approved" and still["amount_due_piasters"] == started["amount_piasters"]
    assert stack.call("GET", "/v1/licences", citizen).json["licences"] == []
