"""Applications through the HTTP API, against the emulator."""
import copy
import json
import threading

import pytest

pytestmark = pytest.mark.integration

VALID = {
    "service_code": "advertisement-first",
    "district": "EAST",
    "applicant": {"name": "محمد أحمد علي", "national_id": "29001010201234", "mobile": "01012345678"},
    "site": {"lat": 31.2089, "lng": 29.9092, "address": "12 شارع فؤاد، الإسكندرية"},
    "details": {"sign_type": "wall", "sign_width_m": 3, "sign_height_m": 1.5, "faces": 1},
}


def apply(stack, token, body=None):
    return stack.call("POST", "/v1/applications", token, body or VALID)


def test_catalogue_lists_six_kinds_each_first_and_renewal(stack):
    response = stack.call("GET", "/v1/services")
    assert response.status_code == 200
    services = response.json["services"]
    pairs = {(s["kind"], s["case"]) for s in services}
    for kind in ("shop", "occupancy", "advertisement", "building", "demolition", "restoration"):
        assert {(kind, "first"), (kind, "renewal")} <= pairs
    advert = next(s for s in services if s["code"] == "advertisement-first")
    seed_fees = {f["code"]: f["amount_piasters"] for f in advert["fees"] if "amount_piasters" in f}
    assert seed_fees == {"inspection": 50, "sms": 500}
    assert set(advert["districts"]) == {"EAST", "CENTRAL", "GOMROK", "MONTAZA1", "BORG"}


def test_districts_flag_the_five_live_ones(stack):
    districts = stack.call("GET", "/v1/districts").json["districts"]
    assert len(districts) == 10
    assert {d["code"] for d in districts if d["live"]} == {"EAST", "CENTRAL", "GOMROK", "MONTAZA1", "BORG"}


def test_citizen_applies_and_reads_back_with_timeline(stack, citizen):
    # GIVEN a citizen WHEN they apply for a first-time advertisement licence
    created = apply(stack, citizen)
    # THEN the application is submitted with the seed's 50 + 500 piasters due
    assert created.status_code == 201, created.body
    body = created.json
    assert body["status"] == "submitted"
    assert body["amount_due_piasters"] == 550
    assert [f["code"] for f in body["fees_due"]] == ["inspection", "sms"]
    assert body["applicant"]["mobile"] == "+201012345678"
    assert body["timeline"][0]["status"] == "submitted" and body["timeline"][0]["by_role"] == "citizen"
    fetched = stack.call("GET", f"/v1/applications/{body['id']}", citizen)
    assert fetched.status_code == 200 and fetched.json["id"] == body["id"]
    listed = stack.call("GET", "/v1/applications", citizen).json["applications"]
    assert [a["id"] for a in listed] == [body["id"]]


def test_another_citizen_cannot_see_it(stack, citizen):
    created = apply(stack, citizen).json
    other = stack.token("citizen")
    assert stack.call("GET", f"/v1/applications/{created['id']}", other).status_code == 404
    assert stack.call("GET", "/v1/applications", other).json["applications"] == []
    officer_elsewhere = stack.token("officer", district="GOMROK")
    assert stack.call("GET", f"/v1/applications/{created['id']}", officer_elsewhere).status_code == 403
    officer_here = stack.token("officer", district="EAST")
    assert stack.call("GET", f"/v1/applications/{created['id']}", officer_here).status_code == 200


def test_no_token_or_bad_token_is_401(stack):
    assert stack.call("POST", "/v1/applications", None, VALID).status_code == 401
    response = stack.call("POST", "/v1/applications", "not-a-jwt", VALID)
    assert response.status_code == 401
    assert response.json["error"]["message_ar"] and response.json["error"]["message_en"]


@pytest.mark.parametrize("mutate, field", [
    (lambda b: b["applicant"].update(national_id="123"), "applicant.national_id"),
    (lambda b: b["applicant"].update(mobile="0161234567"), "applicant.mobile"),
    (lambda b: b["site"].update(lat=30.0444, lng=31.2357), "site"),
    (lambda b: b["site"].update(lat="31.2"), "site.lat"),
    (lambda b: b["details"].update(faces=9), "details.faces"),
    (lambda b: b["details"].pop("sign_width_m"), "details.sign_width_m"),
    (lambda b: b["details"].update(colour="red"), "details.colour"),
    (lambda b: b.update(surprise=1), "surprise"),
    (lambda b: b.update(service_code="nope"), "service_code"),
    (lambda b: b.update(district="ATLANTIS"), "district"),
])
def test_bad_input_names_the_field_in_both_languages(stack, citizen, mutate, field):
    body = copy.deepcopy(VALID)
    mutate(body)
    response = apply(stack, citizen, body)
    assert response.status_code == 400, response.body
    fields = response.json["error"]["fields"]
    assert any(path == field or path.startswith(field + ".") or field.startswith(path) for path in fields), fields
    assert response.json["error"]["message_ar"]


@pytest.mark.parametrize("raw", [b"", b"{", b"[]", b"\xff\xfe", b'"text"', b"null", b"{" * 5000])
def test_garbage_bodies_are_400_never_500(stack, citizen, raw):
    response = stack.call("POST", "/v1/applications", citizen, raw=raw)
    assert response.status_code in (400, 413), (raw[:20], response.status_code, response.body)


def test_oversized_body_is_refused(stack, citizen):
    body = copy.deepcopy(VALID)
    body["site"]["address"] = "x" * 100_000
    assert apply(stack, citizen, body).status_code == 413


def test_service_not_live_in_district_is_409(stack, citizen):
    body = copy.deepcopy(VALID)
    body["district"] = "AGAMY"
    response = apply(stack, citizen, body)
    assert response.status_code == 409
    assert response.json["error"]["code"] == "service_not_live"


def test_cancel_then_cancel_again_conflicts(stack, citizen):
    created = apply(stack, citizen).json
    first = stack.call("POST", f"/v1/applications/{created['id']}/cancel", citizen, {"reason": "changed my mind"})
    assert first.status_code == 200 and first.json["status"] == "cancelled"
    again = stack.call("POST", f"/v1/applications/{created['id']}/cancel", citizen)
    assert again.status_code == 409


def test_concurrent_cancels_only_one_wins(stack, citizen):
    """GIVEN one submitted application WHEN 8 cancels race THEN exactly one succeeds."""
    created = apply(stack, citizen).json
    statuses = []

    def cancel():
        statuses.append(stack.call("POST", f"/v1/applications/{created['id']}/cancel", citizen).status_code)

    threads = [threading.Thread(target=cancel) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert statuses.count(200) == 1
    assert set(statuses) <= {200, 409}
    timeline = stack.call("GET", f"/v1/applications/{created['id']}", citizen).json["timeline"]
    assert [t["status"] for t in timeline] == ["submitted", "cancelled"]


def test_list_pagination_and_bad_cursor(stack):
    citizen = stack.token("citizen")
    ids = [apply(stack, citizen).json["id"] for _ in range(3)]
    page1 = stack.call("GET", "/v1/applications?limit=2", citizen).json
    assert len(page1["applications"]) == 2 and page1["next_cursor"]
    page2 = stack.call("GET", f"/v1/applications?limit=2&cursor={page1['next_cursor']}", citizen).json
    seen = [a["id"] for a in page1["applications"] + page2["applications"]]
    assert sorted(seen) == sorted(ids)
    assert stack.call("GET", "/v1/applications?cursor=garbage!!", citizen).status_code == 400
    assert stack.call("GET", "/v1/applications?limit=0", citizen).status_code == 400
    assert stack.call("GET", "/v1/applications?status=nonsense", citizen).status_code == 400




def test_dev_tokens_mint_working_tokens(stack):
    minted = stack.call("POST", "/v1/dev/tokens", None, {"role": "officer", "district": "EAST"})
    assert minted.status_code == 201
    queue = stack.call("GET", "/v1/applications?status=submitted", minted.json["token"])
    assert queue.status_code == 200
    assert stack.call("POST", "/v1/dev/tokens", None, {"role": "officer"}).status_code == 400


def with_change(path, value):
    body = copy.deepcopy(VALID)
    holder, *rest = path.split(".")
    body[holder][rest[0]] = value
    return body


@pytest.mark.parametrize("path, value, says", [
    ("site.address", "12 شارع\u200b فؤاد، الإسكندرية", "U+200B"),         # zero-width space
    ("site.address", "12 شارع \u202eفؤاد، الإسكندرية", "U+202E"),        # right-to-left override
    ("site.address", "\ufeff12 شارع فؤاد، الإسكندرية", "U+FEFF"),        # byte order mark
    ("site.address", "12 شارع فؤاد\U000e0069\U000e0067", "U+E0069"),     # tag characters
    ("site.address", "12 شارع فؤاد \ue000", "U+E000"),                    # private use
    ("applicant.name", "محمد" + "\u064b" * 60 + " علي", "marks on one letter"),
    ("site.address", "12 شارع فؤاد 😀 الإسكندرية", "U+1F600"),           # the PDF cannot print it
    ("applicant.name", "Aȸ Ahmed", "U+0238"),                             # a letter, but no glyph
])
def test_hostile_or_unprintable_text_is_refused_naming_the_field(stack, citizen, path, value, says):
    # WHEN an application carries invisible, stacked or unprintable characters
    response = apply(stack, citizen, with_change(path, value))
    # THEN 400 naming the field, Arabic first then English, saying what is wrong
    assert response.status_code == 400, response.body
    message = response.json["error"]["fields"][path]
    arabic, english = message.split(" / ", 1)
    assert says in english and any("\u0600" <= c <= "\u06ff" for c in arabic)


def test_text_is_stored_in_nfc(stack, citizen):
    decomposed = with_change("site.address", "12 rue de la Gare\u0301, الإسكندرية")
    response = apply(stack, citizen, decomposed)
    assert response.status_code == 201, response.body
    assert response.json["site"]["address"] == "12 rue de la Garé, الإسكندرية"


def test_free_text_reasons_hide_nothing(stack, citizen):
    created = apply(stack, citizen).json
    refused = stack.call("POST", f"/v1/applications/{created['id']}/cancel", citizen,
                         {"reason": "changed my mind\u202e"})
    assert refused.status_code == 400 and "reason" in refused.json["error"]["fields"]
    assert stack.call("GET", f"/v1/applications/{created['id']}", citizen).json["status"] == "submitted"
