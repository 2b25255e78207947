"""Violation reports over HTTP on the emulator (issue 17): an inspector's report with a photo
uploaded through its presigned POST, its replay, the district's list and the refusals."""
import uuid
from datetime import datetime, timedelta, timezone

import pytest
import requests

from tests.integration import backoffice_fixtures as fx

pytestmark = pytest.mark.integration

SIDI_GABER = {"lat": 31.2156, "lng": 29.9553, "accuracy_m": 9}


def report(**changes):
    body = {"kind": "expired_displayed", "position": SIDI_GABER, "note": "رخصة منتهية معلقة",
            "observed_at": (datetime.now(timezone.utc) - timedelta(minutes=20)).isoformat(),
            "idempotency_key": uuid.uuid4().hex, "photos": [{"content_type": "image/jpeg"}]}
    body.update(changes)
    return body


def test_a_report_arrives_once_with_its_photo_and_its_licence_linked(stack):
    # GIVEN an EAST licence and an EAST inspector (an officer of the district)
    number = fx.licence(f"holder-{uuid.uuid4().hex[:6]}").number
    inspector = stack.token("officer", district="EAST")
    body = report(licence_number=number)
    # WHEN the phone sends the report, then sends it again (its queue did not see the answer)
    first = stack.call("POST", "/v1/violations", inspector, body)
    again = stack.call("POST", "/v1/violations", inspector, body)
    # THEN the first is created (201, Location) and the replay is the same report (200)
    assert first.status_code == 201, first.body
    assert again.status_code == 200 and again.json["id"] == first.json["id"]
    assert first.headers["Location"] == f"/v1/violations/{first.json['id']}"
    assert first.json["licence"] == {"number": number, "found": True, "status": "active",
                                     "district": "EAST"}
    # AND its photo goes to the files bucket through the presigned POST
    upload = again.json["uploads"][0]["upload"]
    posted = requests.post(upload["url"], data=upload["fields"],
                           files={"file": ("sign.jpg", b"\xff\xd8\xff" + b"0" * 500, "image/jpeg")},
                           timeout=10)
    assert posted.status_code in (200, 204), posted.text
    # AND the district's officers read it, photo and all, the last received first
    listed = stack.call("GET", "/v1/violations?limit=5", stack.token("officer", district="EAST"))
    assert listed.status_code == 200
    mine = [v for v in listed.json["violations"] if v["id"] == first.json["id"]]
    assert len(mine) == 1 and mine[0]["position"] == {"lat": 31.2156, "lng": 29.9553, "accuracy_m": 9.0}
    photo = requests.get(mine[0]["photos"][0]["download_url"], timeout=10)
    assert photo.status_code == 200 and photo.content.startswith(b"\xff\xd8\xff")
    one = stack.call("GET", f"/v1/violations/{first.json['id']}", inspector)
    assert one.status_code == 200 and one.json["kind"] == "expired_displayed"
    # AND the audit trail has one record of it
    from chalicelib.wiring import audit_trail
    records = audit_trail().list(f"VIO#{first.json['id']}", 10, None).items
    assert [(r["action"], r["data"]["licence_number"]) for r in records] == [("report_violation", number)]


def test_refusals_are_bilingual_and_name_the_field(stack):
    inspector = stack.token("officer", district="EAST")
    outside = stack.call("POST", "/v1/violations", inspector,
                         report(position={"lat": 30.0444, "lng": 31.2357}, licence_number="ALX-EAST-2026-000001"))
    assert outside.status_code == 400 and "position" in outside.json["error"]["fields"]
    assert outside.json["error"]["message_ar"] and outside.json["error"]["message_en"]
    unknown = stack.call("POST", "/v1/violations", inspector, {**report(), "colour": "red"})
    assert unknown.status_code == 400
    body = report(kind="no_licence")
    assert stack.call("POST", "/v1/violations", inspector, body).status_code == 201
    reused = stack.call("POST", "/v1/violations", inspector, {**body, "note": "another"})
    assert reused.status_code == 409 and reused.json["error"]["code"] == "idempotency_key_reused"
    citizen = stack.call("POST", "/v1/violations", stack.token("citizen"), report(kind="no_licence"))
    assert citizen.status_code == 403
    elsewhere = stack.call("GET", "/v1/violations?district=EAST", stack.token("officer", district="GOMROK"))
    assert elsewhere.status_code == 403
    missing = stack.call("GET", f"/v1/violations/{'0' * 32}", inspector)
    assert missing.status_code == 404 and missing.json["error"]["code"] == "violation_not_found"
