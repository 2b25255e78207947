"""Public verification and the licences API against the emulator: verdicts, JSON form, caching,
masking, cost (one eventually consistent GetItem, no writes), access, paper copy, SMS resend."""
from __future__ import annotations

import base64
import uuid
from contextlib import contextmanager
from dataclasses import replace

import pytest

from tests.integration.issuance_helpers import apply_and_pay, fetch, issued_number

pytestmark = pytest.mark.integration
JSON = {"Accept": "application/json"}
CONTRACT_FIELDS = {"genuine", "status", "number", "kind", "district", "valid_from", "valid_until",
                   "site", "holder_masked"}


@pytest.fixture(scope="module")
def issued(stack):
    """(holder token, licence number, token) of one issued advertisement licence in EAST."""
    holder = stack.token("citizen")
    application_id = apply_and_pay(stack, holder)
    stack.streams.pump_until_quiet()
    number = issued_number(application_id)
    verify_url = stack.call("GET", f"/v1/licences/{number}", holder).json["verify_url"]
    return holder, number, verify_url.rsplit("/", 1)[1]


@contextmanager
def dynamodb_calls():
    """Every DynamoDB operation the app's models send, as (operation, params)."""
    from chalicelib.adapters.dynamo_models import ALL_MODELS

    calls: list[tuple[str, dict]] = []

    def record(model, params, **kwargs):
        calls.append((model.name, params))

    from chalicelib.wiring import licence_reader

    clients = [model._get_connection().connection.client for model in set(ALL_MODELS.values())]
    clients.append(licence_reader()._client)
    for client in clients:
        client.meta.events.register("provide-client-params.dynamodb.*", record)
    try:
        yield calls
    finally:
        for client in clients:
            client.meta.events.unregister("provide-client-params.dynamodb.*", record)


def test_genuine_seal_json_has_exactly_the_contract_fields_and_masks_the_holder(stack, issued):
    _, number, token = issued
    response = stack.call("GET", f"/v/{token}", headers=JSON)
    assert response.status_code == 200
    body = response.json
    assert CONTRACT_FIELDS <= set(body) and set(body) - CONTRACT_FIELDS <= {"verdict", "fines"}
    assert body["genuine"] is True and body["status"] == "active" and body["verdict"] == "genuine_valid"
    assert body["number"] == number and body["kind"] == "advertisement" and body["district"] == "EAST"
    assert body["site"] == {"lat": 31.2089, "lng": 29.9092}
    assert body["holder_masked"] == "محمد أ. ع."
    assert "محمد أحمد علي" not in response.body.decode()


def test_page_is_html_by_default_cacheable_for_at_most_a_minute(stack, issued):
    _, number, token = issued
    response = stack.call("GET", f"/v/{token}", headers={"Accept": "text/html,*/*"})
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/html")
    page = response.body.decode()
    assert "رخصة سليمة وسارية" in page and number in page and "محمد أ. ع." in page
    assert "أحمد علي" not in page
    cache = dict(part.strip().partition("=")[::2] for part in response.headers["Cache-Control"].split(","))
    assert "public" in cache and int(cache["s-maxage"]) <= 60 and int(cache["max-age"]) <= 60
    assert response.headers["Vary"] == "Accept"
    assert "<script" not in page and "default-src 'none'" in response.headers["Content-Security-Policy"]


def test_upper_case_route_and_lower_case_token_verify_too(stack, issued):
    _, number, token = issued
    assert stack.call("GET", f"/V/{token}", headers=JSON).json["number"] == number
    assert stack.call("GET", f"/v/{token.lower()}", headers=JSON).json["genuine"] is True


def _forgeries(token: str) -> dict[str, str]:
    raw = bytearray(base64.b32decode(token))
    flipped = bytearray(raw)
    flipped[40] ^= 0x01
    unknown_kid = bytearray(raw)
    unknown_kid[1:5] = b"\x00\x00\x00\x00"
    return {
        "one bit of the signature": base64.b32encode(bytes(flipped)).decode(),
        "unknown kid": base64.b32encode(bytes(unknown_kid)).decode(),
        "truncated": token[:100],
        "garbled": token[:50] + "!!**" + token[54:],
        "not base32": "0189" * 36,
        "huge": "A" * 5000,
        "empty-ish": "%20",
    }


@pytest.mark.parametrize("case", ["one bit of the signature", "unknown kid", "truncated", "garbled",
                                  "not base32", "huge", "empty-ish"])
def test_forged_or_corrupted_tokens_are_not_genuine_never_an_error(stack, issued, case):
    token = _forgeries(issued[2])[case]
    as_json = stack.call("GET", f"/v/{token}", headers=JSON)
    assert as_json.status_code == 200, as_json.body
    assert as_json.json["genuine"] is False and as_json.json["number"] is None
    page = stack.call("GET", f"/v/{token}")
    assert page.status_code == 200 and "NOT GENUINE" in page.body.decode()
    assert issued[1] not in page.body.decode()


def test_a_verification_reads_once_eventually_consistent_and_writes_nothing(stack, issued):
    _, number, token = issued
    stack.call("GET", f"/v/{token}", headers=JSON)  # warm: keys are cached per cold start
    with dynamodb_calls() as calls:
        assert stack.call("GET", f"/v/{token}", headers=JSON).json["genuine"] is True
        stack.call("GET", f"/v/{token}")
    assert [operation for operation, _ in calls] == ["GetItem", "GetItem"]
    assert all(not params.get("ConsistentRead") for _, params in calls)
    with dynamodb_calls() as calls:
        stack.call("GET", f"/v/{_forgeries(token)['one bit of the signature']}", headers=JSON)
    assert calls == []  # a forgery costs no read at all


def test_revocation_and_suspension_show_at_once(stack):
    from chalicelib.wiring import licence_store

    holder = stack.token("citizen")
    application_id = apply_and_pay(stack, holder)
    stack.streams.pump_until_quiet()
    number = issued_number(application_id)
    token = stack.call("GET", f"/v1/licences/{number}", holder).json["verify_url"].rsplit("/", 1)[1]
    for status, verdict, banner in (("suspended", "suspended", "رخصة موقوفة"),
                                    ("revoked", "revoked", "رخصة ملغاة")):
        store = licence_store()
        store.save(replace(store.get(number, consistent=True), status=status))
        body = stack.call("GET", f"/v/{token}", headers=JSON).json
        assert body["genuine"] is True and body["status"] == status and body["verdict"] == verdict
        assert banner in stack.call("GET", f"/v/{token}").body.decode()


def test_keys_are_a_cacheable_jwk_set_with_kids(stack):
    response = stack.call("GET", "/v1/keys")
    assert response.status_code == 200 and "public" in response.headers["Cache-Control"]
    keys = response.json["keys"]
    assert keys and all(k["kty"] == "EC" and k["crv"] == "P-256" and len(k["kid"]) == 8 for k in keys)


def test_deployed_public_keys_verify_without_asking_kms(stack, issued, emulator, monkeypatch):
    """GIVEN SEAL_PUBLIC_KEYS as infra/ deploys them (read from KMS by infra/seal_public_key.py)
    and SEAL_KEY_IDS naming a key KMS does not have WHEN a seal is verified and the keys are
    listed THEN both answer from the deployed keys, as they did from KMS: a KMS call would fail."""
    import boto3
    from botocore.exceptions import ClientError

    from chalicelib import wiring
    from infra.seal_public_key import public_key_attributes

    kms = boto3.client("kms", endpoint_url=emulator.endpoint_url)
    deployed = public_key_attributes(kms, f"alias/{stack.prefix}seal")["PublicKey"]
    keys_from_kms = stack.call("GET", "/v1/keys").json
    monkeypatch.setenv("SEAL_PUBLIC_KEYS", deployed)
    monkeypatch.setenv("SEAL_KEY_IDS", f"alias/{stack.prefix}no-such-key")
    wiring.reset()
    try:
        body = stack.call("GET", f"/v/{issued[2]}", headers=JSON).json
        assert body["genuine"] is True and body["number"] == issued[1]
        assert stack.call("GET", "/v1/keys").json == keys_from_kms
        with pytest.raises(ClientError):
            wiring.seal_signer().public_keys()
    finally:
        monkeypatch.undo()
        wiring.reset()


def test_the_lean_reader_reads_a_licence_as_the_store_does(stack, issued):
    """GIVEN an issued licence with fines, renewals and SMS state WHEN read by the verification
    page's bare GetItem and by the PynamoDB store THEN both give the same Licence."""
    from chalicelib.domain.licences import Fine
    from chalicelib.errors import NotFound
    from chalicelib.wiring import licence_reader, licence_store

    store = licence_store()
    licence = store.get(issued[1], consistent=True)
    rich = replace(licence, number=f"ALX-EAST-2031-{10**8 + uuid.uuid4().int % (9 * 10**8)}",
                   fines=(Fine(key="late:2026-02-01", name_ar="غرامة", name_en="Fine",
                               amount_piasters=5000, assessed_on="2026-02-01"),),
                   renewals=({"valid_until": "2027-01-31", "at": "2026-01-20T10:00:00.000Z"},),
                   status_reason="a reason", superseded_by="", fines_capped=True, version=0)
    store.create(rich)
    for number in (licence.number, rich.number):
        assert licence_reader().get(number) == store.get(number, consistent=True)
    with pytest.raises(NotFound):
        licence_reader().get("ALX-EAST-2026-999999")


def test_a_verification_cold_start_loads_no_pynamodb_and_no_kms(stack, issued, emulator):
    """GIVEN a fresh process configured as deployed (SEAL_PUBLIC_KEYS set) WHEN it serves its
    first GET /v/{token} THEN the seal is genuine and neither PynamoDB nor the KMS signer was
    loaded: the cold start pays for botocore, one GetItem and the signature check only."""
    import json
    import os
    import subprocess
    import sys

    import boto3

    from infra.seal_public_key import public_key_attributes

    kms = boto3.client("kms", endpoint_url=emulator.endpoint_url)
    env = {**os.environ, "SEAL_PUBLIC_KEYS":
           public_key_attributes(kms, f"alias/{stack.prefix}seal")["PublicKey"]}
    token = issued[2]
    # The request as Lambda hands it to the app (the cold-start benchmark's event).
    script = f"""
import json, sys
from benchmarks.bench_cold_start import _Context, proxy_event
import app
event = proxy_event("/v/{{token}}", "/v/{token}", {{"token": "{token}"}})
response = app.app(event, _Context())
print(json.dumps({{"body": json.loads(response["body"]), "modules": sorted(sys.modules)}}))
"""
    result = subprocess.run([sys.executable, "-c", script], cwd=os.getcwd(), env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    assert answer["body"]["genuine"] is True and answer["body"]["number"] == issued[1]
    loaded = set(answer["modules"])
    assert {"pynamodb", "chalicelib.adapters.dynamo_models", "chalicelib.adapters.kms_signer",
            "boto3"} & loaded == set()
    assert "chalicelib.adapters.licence_reader" in loaded


def test_licence_access_owner_officer_of_district_admin(stack, issued):
    holder, number, _ = issued
    assert stack.call("GET", f"/v1/licences/{number}", holder).status_code == 200
    assert stack.call("GET", f"/v1/licences/{number}", stack.token("citizen")).status_code == 404
    assert stack.call("GET", f"/v1/licences/{number}", stack.token("officer", district="EAST")).status_code == 200
    assert stack.call("GET", f"/v1/licences/{number}", stack.token("officer", district="BORG")).status_code == 403
    assert stack.call("GET", f"/v1/licences/{number}", stack.token("admin")).status_code == 200
    assert stack.call("GET", f"/v1/licences/{number}").status_code == 401
    assert stack.call("GET", "/v1/licences/ALX-EAST-2099-999999", holder).status_code == 404


def test_citizen_lists_own_licences_page_by_page(stack):
    holder = stack.token("citizen")
    numbers = []
    for _ in range(3):
        application_id = apply_and_pay(stack, holder)
        stack.streams.pump_until_quiet()
        numbers.append(issued_number(application_id))
    first = stack.call("GET", "/v1/licences?limit=2", holder).json
    assert len(first["licences"]) == 2 and first["next_cursor"]
    second = stack.call("GET", f"/v1/licences?limit=2&cursor={first['next_cursor']}", holder).json
    listed = [lic["number"] for lic in first["licences"] + second["licences"]]
    assert sorted(listed) == sorted(numbers)
    assert stack.call("GET", "/v1/licences", stack.token("citizen")).json["licences"] == []
    assert stack.call("GET", "/v1/licences?limit=0", holder).status_code == 400


def test_paper_copy_is_a_pdf_behind_a_presigned_url(stack, issued):
    holder, number, _ = issued
    response = stack.call("POST", f"/v1/licences/{number}/paper-copy", holder)
    assert response.status_code == 201, response.body
    pdf = fetch(response.json["pdf_url"])
    assert pdf.startswith(b"%PDF")
    from io import BytesIO

    from pypdf import PdfReader
    text = PdfReader(BytesIO(pdf)).pages[0].extract_text()
    assert number in text
    officer = stack.token("officer", district="EAST")
    assert stack.call("POST", f"/v1/licences/{number}/paper-copy", officer).status_code == 201
    assert stack.call("POST", f"/v1/licences/{number}/paper-copy", stack.token("citizen")).status_code == 404


def test_sms_resend_is_queued_once_per_ten_minutes(stack, issued, emulator, monkeypatch):
    from datetime import datetime, timezone

    import chalicelib.api.licences as licences_api
    from tests.integration.issuance_helpers import sms_about, sms_pump

    # mid-window: both requests fall in the same ten minutes
    monkeypatch.setattr(licences_api, "clock", lambda: datetime(2061, 5, 5, 10, 5, tzinfo=timezone.utc))
    holder, number, _ = issued
    sms_pump(stack).pump_once()
    before = len(sms_about(emulator.endpoint_url, number))
    first = stack.call("POST", f"/v1/licences/{number}/sms", holder)
    assert first.status_code == 202 and first.json["queued"] is True
    again = stack.call("POST", f"/v1/licences/{number}/sms", stack.token("officer", district="EAST"))
    assert again.status_code == 429
    sms_pump(stack).pump_once()
    sent = sms_about(emulator.endpoint_url, number)
    assert len(sent) == before + 1 and sent[-1]["message"].startswith("رخصتك")
