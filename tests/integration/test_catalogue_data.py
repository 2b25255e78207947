"""Codes from data: a district and a licence kind added to the catalogue data alone (no code
change) are offered, paid for, reviewed, issued and sealed end to end over the local stack."""
from __future__ import annotations

import base64
import json
import uuid

import pytest

from chalicelib.domain.catalogue import DATA_DIR
from tests.integration.test_applications_api import VALID
from tests.integration.test_seed_cases import decide, pay_everything_due, verify

pytestmark = pytest.mark.integration

NEW_DISTRICT = {"code": "NORTH1", "seal_code": 10, "name_ar": "حي الشمال أول", "name_en": "North 1"}
NEW_KIND = {"code": "stall", "seal_code": 15, "name_ar": "بسطة", "name_en": "Market stall"}
STALL_FIELDS = [{"name": "activity", "type": "string", "label_ar": "النشاط", "label_en": "Activity",
                 "max_length": 200},
                {"name": "area_m2", "type": "number", "label_ar": "المساحة (م²)",
                 "label_en": "Area (m²)", "min": 1, "max": 50}]


def stall_service(case: str) -> dict:
    fees = [{"code": "sms", "name_ar": "رسم رسالة نصية", "name_en": "SMS message fee",
             "due": "submission", "source": "configuration", "amount_piasters": 500},
            {"code": "licence", "name_ar": "رسم الرخصة", "name_en": "Licence fee",
             "due": "approval" if case == "first" else "submission", "source": "configuration",
             "amount_piasters": 30000}]
    return {"code": f"stall-{case}", "kind": "stall", "case": case,
            "name_ar": "ترخيص بسطة", "name_en": f"Market stall licence ({case})", "validity_months": 12,
            "review_required": case == "first", "fees": fees, "required_fields": STALL_FIELDS,
            "default_districts": ["NORTH1"]}


@pytest.fixture
def extended_catalogue(stack, tmp_path, monkeypatch):
    """The packaged catalogue plus a district and a kind, served through CATALOGUE_DIR (the
    settings override for tests and the local stack), with the new service's rollout seeded."""
    from chalicelib import wiring
    from devstack.provision import seed

    services = json.loads((DATA_DIR / "catalogue.json").read_text(encoding="utf-8"))
    districts = json.loads((DATA_DIR / "districts.json").read_text(encoding="utf-8"))
    services["kinds"].append(NEW_KIND)
    services["services"] += [stall_service("first"), stall_service("renewal")]
    districts["districts"].append(NEW_DISTRICT)
    (tmp_path / "catalogue.json").write_text(json.dumps(services, ensure_ascii=False), "utf-8")
    (tmp_path / "districts.json").write_text(json.dumps(districts, ensure_ascii=False), "utf-8")
    monkeypatch.setenv("CATALOGUE_DIR", str(tmp_path))
    wiring.reset()
    seed("2026-01-01T00:00:00.000Z")
    yield
    monkeypatch.delenv("CATALOGUE_DIR")
    wiring.reset()


def test_a_district_and_a_kind_added_as_data_are_issued_with_a_genuine_seal(stack,
                                                                              extended_catalogue):
    # GIVEN the new kind is offered in the new district
    stall = next(s for s in stack.call("GET", "/v1/services").json["services"]
                 if s["code"] == "stall-first")
    assert stall["districts"] == ["NORTH1"]
    districts = {d["code"]: d for d in stack.call("GET", "/v1/districts").json["districts"]}
    assert districts["NORTH1"]["live"] is True
    citizen = stack.token("citizen", sub=f"stall-{uuid.uuid4().hex[:8]}")
    officer = stack.token("officer", district="NORTH1")
    # WHEN a citizen applies, pays, the district's officer approves and the licence fee is paid
    body = {**VALID, "service_code": "stall-first", "district": "NORTH1",
            "details": {"activity": "بيع صحف", "area_m2": 4}}
    created = stack.call("POST", "/v1/applications", citizen, body)
    assert created.status_code == 201, created.body
    app_id = created.json["id"]
    assert pay_everything_due(stack, citizen, app_id)["status"] == "under_review"
    stack.hand_in_documents(citizen, app_id)
    decide(stack, officer, app_id, "approve")
    issued = pay_everything_due(stack, citizen, app_id)
    # THEN the licence is issued with a number of the new district
    assert issued["status"] == "issued", issued["timeline"]
    number = issued["licence_number"]
    assert number.startswith("ALX-NORTH1-")
    licence = stack.call("GET", f"/v1/licences/{number}", citizen).json
    assert (licence["kind"], licence["district"]) == ("stall", "NORTH1")
    # AND its seal carries the data's seal codes and verifies as genuine
    token = licence["verify_url"].rsplit("/", 1)[1]
    payload = base64.b32decode(token)
    assert (payload[5], payload[12]) == (NEW_DISTRICT["seal_code"], NEW_KIND["seal_code"])
    seen = verify(stack, licence["verify_url"])
    assert seen["genuine"] is True and seen["number"] == number
    assert (seen["kind"], seen["district"]) == ("stall", "NORTH1")
    # AND the public page names the new kind and district from the data, Arabic first
    page = stack.call("GET", f"/v/{token}", headers={"Accept": "text/html"})
    html = page.body.decode("utf-8")
    assert "بسطة" in html and "Market stall" in html and "حي الشمال أول" in html
