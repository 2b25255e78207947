"""Adding a service is a data edit: every service of the directory is applied for, its documents
given, paid for, reviewed where its procedure says so, and issued with a seal that verifies,
end to end over the local stack (one shared stack; a renewal first gets a licence to renew)."""
from __future__ import annotations

import uuid
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import urlencode

import pytest

from chalicelib.domain.catalogue import load_catalogue
from tests.integration.uploads import post_to_store
from tests.integration.issuance_helpers import drive_to_licence_paid
from tests.integration.test_applications_api import VALID
from tests.integration.test_seed_cases import decide, pay_everything_due, verify

pytestmark = pytest.mark.integration

CATALOGUE = load_catalogue()
DISTRICT = "EAST"  # VALID's site lies in East


def sample(spec: dict):
    """A valid value for a detail field, from its spec alone."""
    if spec["type"] == "enum":
        return spec["choices"][0]
    if spec["type"] == "boolean":
        return False
    if spec["type"] in ("number", "integer"):
        low = spec.get("min", 1)
        value = max(low, min(spec.get("max", 1_000_000), 12))
        return int(value) if spec["type"] == "integer" else value
    return "ALX-EAST-2026-000001" if spec["name"] == "licence_number" else "نص تجريبي"


def details_for(service: dict) -> dict:
    return {spec["name"]: sample(spec) for spec in service["required_fields"]}


def expected(fee: dict, details: dict, months: int) -> int:
    """The fee as the directory states it, worked out here from the published entry."""
    if fee.get("amount_piasters") is not None:
        return fee["amount_piasters"]
    rule = fee["rule"]
    total = Decimal(rule["rate_piasters"])
    for name in rule["unit_fields"]:
        total *= Decimal(str(details[name]))
    if rule.get("per_month"):
        total *= months
    return max(int(total.quantize(Decimal(1), rounding=ROUND_HALF_UP)),
               rule.get("minimum_piasters", 0))


def due(service: dict, details: dict, stage: str) -> dict:
    return {f["code"]: expected(f, details, service["validity_months"])
            for f in service["fees"] if f["due"] == stage}


def give_documents(stack, citizen, app_id: str, service: dict) -> None:
    """THEN the application lists every required document as missing until each is given."""
    app = stack.call("GET", f"/v1/applications/{app_id}", citizen).json
    required = [slot["code"] for slot in service["required_documents"]]
    assert app["documents_missing"] == required
    for slot in service["required_documents"]:
        given = stack.call("POST", f"/v1/applications/{app_id}/documents", citizen,
                           {"slot": slot["code"], "content_type": slot["accepted_types"][0]})
        assert given.status_code == 201, given.body
        assert given.json["upload"]["fields"]["Content-Type"] == slot["accepted_types"][0]
        post_to_store(given.json["upload"], slot["accepted_types"][0])
    assert stack.call("GET", f"/v1/applications/{app_id}", citizen).json["documents_missing"] == []


def licence_to_renew(stack, citizen, kind: str) -> str:
    """An issued licence of this kind, held by `citizen`, for a renewal service to act on."""
    first = stack.call("GET", f"/v1/services/{kind}-first").json
    body = {**VALID, "service_code": first["code"], "district": DISTRICT,
            "details": details_for(first)}
    created = stack.call("POST", "/v1/applications", citizen, body)
    assert created.status_code == 201, created.body
    from chalicelib import wiring
    drive_to_licence_paid(created.json["id"], wiring.clock())
    stack.streams.pump_until_quiet()
    issued = stack.call("GET", f"/v1/applications/{created.json['id']}", citizen).json
    assert issued["status"] == "issued", issued["timeline"]
    return issued["licence_number"]


REPLACING_CASES = ("amendment", "transfer", "duplicate")


def open_application(stack, citizen, service: dict, details: dict) -> dict:
    if service["case"] == "renewal":
        number = licence_to_renew(stack, citizen, service["kind"])
        created = stack.call("POST", f"/v1/licences/{number}/renewals", citizen)
    elif service["case"] in REPLACING_CASES:
        # an amendment, transfer or duplicate names the holder's licence it replaces
        number = licence_to_renew(stack, citizen, service["kind"])
        body = {**VALID, "service_code": service["code"], "district": DISTRICT,
                "details": {**details, "licence_number": number}}
        created = stack.call("POST", "/v1/applications", citizen, body)
    else:
        body = {**VALID, "service_code": service["code"], "district": DISTRICT, "details": details}
        created = stack.call("POST", "/v1/applications", citizen, body)
    assert created.status_code == 201, created.body
    return created.json


@pytest.mark.parametrize("code", [s.code for s in CATALOGUE.services])
def test_every_directory_service_is_issued_end_to_end(stack, code: str) -> None:
    # GIVEN the service as the public directory states it, offered in East
    listed = stack.call("GET", f"/v1/services/{code}")
    assert listed.status_code == 200, listed.body
    service = listed.json
    assert DISTRICT in service["districts"]
    citizen = stack.token("citizen", sub=f"dir-{uuid.uuid4().hex[:8]}")
    officer = stack.token("officer", district=DISTRICT)
    # WHEN a citizen applies THEN the submission fees are the directory's, computed
    app = open_application(stack, citizen, service, details_for(service))
    details = app["details"]
    fees_due = {f["code"]: f["amount_piasters"] for f in app["fees_due"]}
    assert fees_due == due(service, details, "submission"), fees_due
    # AND every required document is asked for until it is given
    give_documents(stack, citizen, app["id"], service)
    # WHEN they pay THEN the procedure decides: a review step sends it to the district
    paid = pay_everything_due(stack, citizen, app["id"])
    if service["review_required"]:
        assert paid["status"] == "under_review", paid["timeline"]
        decide(stack, officer, app["id"], "approve")
        approved = stack.call("GET", f"/v1/applications/{app['id']}", citizen).json
        assert {f["code"]: f["amount_piasters"] for f in approved["fees_due"]} == \
            due(service, details, "approval")
        # (a service whose fees all fall due at submission is issued on approval)
        paid = pay_everything_due(stack, citizen, app["id"]) if approved["fees_due"] else approved
    # THEN the licence or certificate is issued, of the service's kind, with a genuine seal
    assert paid["status"] == "issued", paid["timeline"]
    licence = stack.call("GET", f"/v1/licences/{paid['licence_number']}", citizen).json
    assert (licence["kind"], licence["district"]) == (service["kind"], DISTRICT)
    seen = verify(stack, licence["verify_url"])
    assert seen["genuine"] is True and seen["number"] == paid["licence_number"]
    assert seen["kind"] == service["kind"]
    if service["case"] in REPLACING_CASES:
        # AND the licence it replaced now verifies as superseded, naming the new one
        replaced = stack.call("GET", f"/v1/licences/{details['licence_number']}", citizen).json
        assert replaced["replaced_by"] == paid["licence_number"]
        old_seal = verify(stack, replaced["verify_url"])
        assert (old_seal["verdict"], old_seal["replaced_by"]) == ("superseded",
                                                                  paid["licence_number"])


def test_the_public_directory_filters_and_searches_over_http(stack) -> None:
    # GIVEN the public directory, no token
    everything = stack.call("GET", "/v1/services").json["services"]
    assert len(everything) == 42
    # WHEN a citizen types the name with diacritics and another hamza form THEN same service
    for typed in ("مُوَافَقَة تَوْصِيل المرافق", "موافقه توصيل المرافق"):
        found = stack.call("GET", f"/v1/services?{urlencode({'q': typed})}")
        assert [s["code"] for s in found.json["services"]] == ["utility-connection-approval"]
    # AND kind and district filters narrow it; each entry says what to bring and how long
    kiosks = stack.call("GET", "/v1/services?kind=kiosk&district=BORG").json["services"]
    assert {s["code"] for s in kiosks} == {"kiosk-first", "kiosk-renewal", "kiosk-transfer",
                                           "kiosk-duplicate"}
    entry = stack.call("GET", "/v1/services/utility-connection-approval").json
    assert entry["yields"] == "certificate" and entry["renewable"] is False
    assert [d["code"] for d in entry["required_documents"]][:2] == ["national_id",
                                                                    "ownership_or_lease"]
    assert entry["sources"] and entry["sources"][0]["url"].startswith("https://parlmany.com/")
    # AND a bad filter is a 400 naming it, an unknown code a 404
    bad = stack.call("GET", "/v1/services?kind=castle")
    assert bad.status_code == 400 and "kind" in bad.json["error"]["fields"]
    assert stack.call("GET", "/v1/services/no-such-service").status_code == 404
