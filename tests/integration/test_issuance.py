"""Issuance against the emulator: the applications stream issues a sealed licence once, its QR
decodes to the verify URL, its seal verifies offline with the published JWK, its SMS is sent
through the outbox (and retried with backoff when SNS refuses), renewals keep the number."""
from __future__ import annotations

import base64
from dataclasses import replace
from datetime import date, timedelta

import pytest
from botocore.stub import Stubber
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from chalicelib.domain.sms_segments import segments
from tests.integration.issuance_helpers import (Crashing, RecordingQueue, apply_and_pay,
                                                decode_qr, drive_to_licence_paid,
                                                fetch, issued_number, sms_about, sms_pump)

pytestmark = pytest.mark.integration


# --- an offline verifier that knows only `cryptography` and the published JWK Set -----------

def _b64url_int(text: str) -> int:
    return int.from_bytes(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)), "big")


def offline_verify(token: str, jwk_set: dict) -> bytes:
    """Return the payload if the seal is genuine; raise otherwise (docs/seal-token.md)."""
    raw = base64.b32decode(token.upper())
    payload, signature = raw[:26], raw[26:]
    jwk = next(k for k in jwk_set["keys"] if k["kid"] == payload[1:5].hex())
    key = ec.EllipticCurvePublicNumbers(_b64url_int(jwk["x"]), _b64url_int(jwk["y"]),
                                        ec.SECP256R1()).public_key()
    r, s = int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
    key.verify(encode_dss_signature(r, s), payload, ec.ECDSA(hashes.SHA256()))
    return payload


def issue(stack, token, **kw) -> str:
    application_id = apply_and_pay(stack, token, **kw)
    stack.streams.pump_until_quiet()
    return issued_number(application_id)


def test_paid_application_is_issued_with_a_seal_that_verifies_offline(stack, citizen):
    # GIVEN an application whose licence fee is paid
    application_id = apply_and_pay(stack, citizen)
    # WHEN the applications stream is delivered
    stack.streams.pump_until_quiet()
    # THEN the application is issued with a licence number of its district and year
    number = issued_number(application_id)
    assert number.startswith("ALX-EAST-") and len(number.rsplit("-", 1)[1]) == 6
    application = stack.call("GET", f"/v1/applications/{application_id}", citizen).json
    assert application["status"] == "issued" and application["licence_number"] == number
    assert application["timeline"][-1]["status"] == "issued"
    # AND the owner reads the licence with the contract's fields
    licence = stack.call("GET", f"/v1/licences/{number}", citizen)
    assert licence.status_code == 200, licence.body
    body = licence.json
    assert {"number", "kind", "district", "status", "valid_from", "valid_until", "site", "holder",
            "verify_url", "qr_png_url", "fines"} <= set(body)
    assert body["status"] == "active" and body["kind"] == "advertisement"
    assert body["site"] == {"lat": 31.2089, "lng": 29.9092, "address": "12 شارع فؤاد، الإسكندرية"}
    valid_from = date.fromisoformat(body["valid_from"])
    assert date.fromisoformat(body["valid_until"]) == valid_from.replace(year=valid_from.year + 1) - timedelta(days=1)
    # AND its token verifies with the JWK from GET /v1/keys, using cryptography alone
    token = body["verify_url"].rsplit("/", 1)[1]
    keys = stack.call("GET", "/v1/keys")
    assert keys.status_code == 200 and "max-age" in keys.headers["Cache-Control"]
    payload = offline_verify(token, keys.json)
    assert int.from_bytes(payload[8:12], "big") == int(number.rsplit("-", 1)[1])
    # AND any one-bit change of the token fails
    raw = bytearray(base64.b32decode(token))
    for bit in range(len(raw) * 8):
        flipped = bytearray(raw)
        flipped[bit // 8] ^= 0x80 >> (bit % 8)
        forged = base64.b32encode(bytes(flipped)).decode()
        with pytest.raises((InvalidSignature, StopIteration)):
            offline_verify(forged, keys.json)
    # AND the stored QR PNG decodes to exactly the verify URL, at version ≤ 10, in ≤ 2 KB
    png = fetch(body["qr_png_url"])
    assert png.startswith(b"\x89PNG") and len(png) <= 2048
    text, version = decode_qr(png)
    assert text == body["verify_url"] and version <= 10


def test_sms_is_sent_from_the_queue_recorded_in_the_emulator_and_fits_one_part(stack, emulator):
    # GIVEN an issued licence
    holder = stack.token("citizen")
    number = issue(stack, holder)
    # WHEN the SMS worker drains its queue
    sms_pump(stack).pump_once()
    # THEN SNS (the emulator) accepted one Arabic message to the holder with its short link
    messages = sms_about(emulator.endpoint_url, number)
    assert len(messages) == 1
    text = messages[0]["message"]
    assert messages[0]["phone_number"] == "+201012345678"
    assert text.startswith("صدرت رخصتك") and segments(text) == 1
    # AND the licence records it
    licence = stack.call("GET", f"/v1/licences/{number}", holder).json
    assert licence["sms"]["state"] == "sent" and licence["sms"]["attempts"] == 1
    # AND the link in it redirects to the licence's verification page
    link = text.split(": ", 1)[1].split()[0]
    redirect = stack.call("GET", "/s/" + link.split("/s/", 1)[1])
    assert redirect.status_code == 302 and redirect.headers["Location"] == licence["verify_url"]
    # AND draining again sends nothing more
    sms_pump(stack).pump_once()
    assert len(sms_about(emulator.endpoint_url, number)) == 1


def test_sns_failure_still_issues_and_the_retry_is_recorded_and_queued(stack, monkeypatch):
    import boto3

    from chalicelib import wiring
    from chalicelib.adapters.sns_sms import SnsSmsNotifier

    # GIVEN SNS refuses the next publish (botocore Stubber on a real client)
    sns = boto3.client("sns", region_name="eu-central-1")
    stubber = Stubber(sns)
    stubber.add_client_error("publish", service_error_code="Throttling", http_status_code=400)
    stubber.activate()
    queue = RecordingQueue(wiring.sms_queue())
    monkeypatch.setattr(wiring, "sms_notifier", lambda: SnsSmsNotifier(sns, "Rukhsa"))
    monkeypatch.setattr(wiring, "sms_queue", lambda: queue)
    holder = stack.token("citizen")
    # WHEN an application is issued and its SMS attempted
    number = issue(stack, holder)
    sms_pump(stack).pump_once()
    # THEN the licence is issued and active all the same
    licence = stack.call("GET", f"/v1/licences/{number}", holder).json
    assert licence["status"] == "active"
    # AND the refusal is recorded on the licence with the next attempt's time
    assert licence["sms"]["state"] == "retrying" and licence["sms"]["attempts"] == 1
    assert "Throttling" in licence["sms"]["last_error"] and licence["sms"]["next_attempt_at"]
    # AND attempt 2 is queued with a 60 s backoff
    retries = [(task, delay) for task, delay in queue.sent
               if task.get("licence") == number and task["attempt"] == 2]
    assert len(retries) == 1 and retries[0][1] == 60
    # WHEN the retry is delivered a minute later and SNS accepts it
    stubber.deactivate()
    from chalicelib.domain.notifications import Notification
    from chalicelib.usecases.outbox import deliver
    later = wiring.clock() + timedelta(seconds=61)
    monkeypatch.setattr(wiring, "clock", lambda: later)
    assert deliver(Notification.from_message(retries[0][0]), wiring.outbox_ports()) == "sent"
    # THEN the licence says sent, on the second attempt
    licence = stack.call("GET", f"/v1/licences/{number}", holder).json
    assert licence["sms"]["state"] == "sent" and licence["sms"]["attempts"] == 2


def test_a_redelivered_stream_record_issues_once(stack):
    from chalicelib import wiring
    from chalicelib.adapters.dynamo_models import LicenceModel
    from chalicelib.usecases.issuance import issue_if_paid

    # GIVEN a paid application whose first delivery dies after the licence is written, before
    # the application is marked issued
    holder = stack.token("citizen")
    application_id = apply_and_pay(stack, holder)
    ports = wiring.issuance_ports()
    crashing = Crashing(ports.applications, "save")
    with pytest.raises(RuntimeError):
        issue_if_paid(application_id, replace(ports, applications=crashing))
    # WHEN the stream delivers the record (again) and then once more
    stack.streams.pump_until_quiet()
    first = issued_number(application_id)
    assert issue_if_paid(application_id, wiring.issuance_ports()) is None
    # THEN exactly one licence exists for the holder, with the number chosen the first time
    held = list(LicenceModel.by_holder.query(_sub(holder)))
    assert [m.number for m in held] == [first]


def test_redelivery_after_the_number_was_chosen_but_before_the_licence_was_written(stack):
    from chalicelib import wiring
    from chalicelib.adapters.dynamo_models import LicenceModel
    from chalicelib.usecases.issuance import issue_if_paid

    # GIVEN a first delivery that dies just after pointing the application at a number
    holder = stack.token("citizen")
    application_id = apply_and_pay(stack, holder)
    ports = wiring.issuance_ports()
    with pytest.raises(RuntimeError):
        issue_if_paid(application_id, replace(ports, files=Crashing(ports.files, "put")))
    # WHEN the record is redelivered
    stack.streams.pump_until_quiet()
    # THEN the licence carries the number chosen first, and it is the holder's only one
    number = issued_number(application_id)
    assert wiring.pointer_store().ref(f"issue#{application_id}") == number
    assert [m.number for m in LicenceModel.by_holder.query(_sub(holder))] == [number]


def _sub(token: str) -> str:
    import jwt

    return jwt.decode(token, options={"verify_signature": False})["sub"]


def test_renewal_keeps_the_number_with_a_new_term_and_seal(stack, monkeypatch):
    import chalicelib.api.renewals as renewals_api
    from chalicelib import wiring
    from tests.integration.lifecycle_fakes import at_night

    # GIVEN an issued licence
    holder = stack.token("citizen")
    number = issue(stack, holder)
    before = stack.call("GET", f"/v1/licences/{number}", holder).json
    old_token = before["verify_url"].rsplit("/", 1)[1]
    # WHEN its holder renews before the term ends and the renewal is paid
    ends = date.fromisoformat(before["valid_until"])
    monkeypatch.setattr(renewals_api, "clock", lambda: at_night(ends - timedelta(days=20)))
    renewal = stack.call("POST", f"/v1/licences/{number}/renewals", holder)
    assert renewal.status_code == 201, renewal.body
    drive_to_licence_paid(renewal.json["id"], wiring.clock())
    stack.streams.pump_until_quiet()
    # THEN the renewal application is issued with the SAME number
    assert issued_number(renewal.json["id"]) == number
    after = stack.call("GET", f"/v1/licences/{number}", holder).json
    # AND the new term starts the day after the old one ends
    assert after["valid_from"] == (ends + timedelta(days=1)).isoformat()
    assert after["valid_until"] == (ends.replace(year=ends.year + 1)).isoformat()
    # AND it has a new seal and QR, and the old seal verifies to the new state
    assert after["verify_url"] != before["verify_url"]
    decoded, _ = decode_qr(fetch(after["qr_png_url"]))
    assert decoded == after["verify_url"]
    old = stack.call("GET", f"/v/{old_token}", headers={"Accept": "application/json"}).json
    assert old["genuine"] is True and old["valid_until"] == after["valid_until"]
    # AND redelivering the renewal changes nothing
    from chalicelib.usecases.issuance import issue_if_paid
    assert issue_if_paid(renewal.json["id"], wiring.issuance_ports()) is None
    assert stack.call("GET", f"/v1/licences/{number}", holder).json["valid_until"] == after["valid_until"]
