"""Fawry adapter: the documented notification V2 signature, exact amounts, hostile input, and the
express checkout / payment status V2 APIs (against a scripted server on loopback)."""
from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path

import pytest

from chalicelib.adapters.gateways._http import GatewayUnavailable
from chalicelib.adapters.gateways.fawry import FawryGateway, piasters_from_egp
from chalicelib.errors import ValidationFailed
from chalicelib.ports import BadSignature
from tests.unit.gateway_fakes import (FakeGatewayServer, closed_port_url, hostile_bodies,
                                      mutated_documents)

EVENTS = Path(__file__).resolve().parent.parent / "events"
# The demonstration secure key printed in Fawry's developer docs; the fixture is signed with it.
SECURE_KEY = "259af31fc2f74453b3a55739b21ae9ef"
MERCHANT_CODE = "1tSa6uxz2nTwlaAmt38enA=="
RETURN_URL = "https://rukhsa.example/payments/fawry/return"


def expected_signature(n: dict, key: str = SECURE_KEY) -> str:
    """Fawry's documented concatenation, computed independently of the adapter."""
    def two_dp(value: object) -> str:
        return f"{Decimal(str(value)):.2f}"

    def text(value: object) -> str:
        return "" if value is None else str(value)

    message = (f"{text(n['fawryRefNumber'])}{text(n['merchantRefNumber'])}"
               f"{two_dp(n['paymentAmount'])}{two_dp(n['orderAmount'])}{text(n['orderStatus'])}"
               f"{text(n['paymentMethod'])}{text(n.get('paymentRefrenceNumber'))}{key}")
    return hashlib.sha256(message.encode()).hexdigest()


def notification() -> dict:
    return json.loads((EVENTS / "fawry_notification_v2.json").read_text())


def gateway(base_url: str = "https://atfawry.fawrystaging.com") -> FawryGateway:
    return FawryGateway(MERCHANT_CODE, SECURE_KEY, RETURN_URL, base_url=base_url)


def deliver(document: dict, resign: bool = True):
    if resign:
        document["messageSignature"] = expected_signature(document)
    return gateway().parse_webhook({}, {}, json.dumps(document).encode())


def test_the_fixture_is_signed_as_documented():
    """GIVEN the fixture WHEN its signature is recomputed independently THEN they agree."""
    document = notification()
    assert document["messageSignature"] == expected_signature(document)


def test_a_notification_signed_as_documented_is_accepted_and_normalised():
    """GIVEN the raw fixture bytes (amounts written 352.5 and 350) WHEN parsed
    THEN it verifies (amounts signed as 352.50/350.00) and normalises to our event."""
    body = (EVENTS / "fawry_notification_v2.json").read_bytes()
    event = gateway().parse_webhook({}, {}, body)
    assert event.gateway == "fawry"
    assert event.transaction_id == "9990076204"
    assert event.merchant_reference == "PAY-01JXA4P8W1V6N3QT"
    assert event.amount_piasters == 35000
    assert event.raw["payment_amount_piasters"] == 35250
    assert event.currency == "EGP"
    assert (event.success, event.pending) == (True, False)
    assert event.occurred_at == datetime.fromtimestamp(1607879720.568, tz=timezone.utc)
    assert event.raw["gateway_order_reference"] == "PAY-01JXA4P8W1V6N3QT"
    assert event.raw["merchant_reference_signed"] is True


SIGNED_FIELDS = ["fawryRefNumber", "merchantRefNumber", "paymentAmount", "orderAmount",
                 "orderStatus", "paymentMethod", "paymentRefrenceNumber"]


@pytest.mark.parametrize("field_name", SIGNED_FIELDS)
def test_changing_any_one_signed_field_breaks_the_signature(field_name):
    """GIVEN a genuine notification WHEN one signed field changes THEN BadSignature."""
    document = notification()
    value = document[field_name]
    document[field_name] = value + 1 if isinstance(value, (int, float)) else (
        "FAILED" if field_name == "orderStatus" else f"{value}9")
    with pytest.raises(BadSignature):
        deliver(document, resign=False)


def test_a_changed_signature_or_secure_key_is_a_bad_signature():
    """GIVEN a genuine notification WHEN its signature has one digit changed, or was computed
    with another key, or is missing THEN BadSignature."""
    document = notification()
    genuine = document["messageSignature"]
    for wrong in (("0" if genuine[-1] != "0" else "1").join([genuine[:-1], ""]),
                  expected_signature(document, "another-key"), None, "", 42):
        document["messageSignature"] = wrong
        with pytest.raises(BadSignature):
            deliver(document, resign=False)


def test_the_unsigned_fields_can_change_without_affecting_the_signature():
    """GIVEN a genuine notification WHEN an unsigned field (customerName) changes
    THEN it still verifies — only the documented fields are signed."""
    document = notification()
    document["customerName"] = "Someone Else"
    assert deliver(document, resign=False).success is True


def test_without_a_payment_reference_number_it_is_left_out_of_the_signature():
    """GIVEN a notification with no paymentRefrenceNumber signed without it WHEN parsed
    THEN it verifies."""
    document = notification()
    del document["paymentRefrenceNumber"]
    assert deliver(document).transaction_id == "9990076204"


@pytest.mark.parametrize("status, success, pending", [
    ("PAID", True, False), ("NEW", False, True), ("UNPAID", False, True),
    ("EXPIRED", False, False), ("REFUNDED", False, False), ("CANCELED", False, False),
    ("FAILED", False, False), ("PARTIAL_REFUNDED", False, False),
])
def test_order_statuses_map_to_success_and_pending(status, success, pending):
    """GIVEN a signed notification with each documented orderStatus WHEN parsed
    THEN success/pending follow it."""
    document = notification()
    document["orderStatus"] = status
    event = deliver(document)
    assert (event.success, event.pending) == (success, pending)


@pytest.mark.parametrize("written, piasters", [
    ("0.1", 10), ("0.29", 29), ("1.15", 115), ("1234567.89", 123456789), ("350", 35000),
    ("1e2", 10000),
])
def test_amounts_convert_to_piasters_exactly(written, piasters):
    """GIVEN an orderAmount written as in the JSON (values float would round wrongly)
    WHEN parsed THEN the piasters are exact."""
    body = (EVENTS / "fawry_notification_v2.json").read_text()
    document = json.loads(body.replace('"orderAmount": 350', f'"orderAmount": {written}'))
    document["orderAmount"] = Decimal(written)
    message = ("9990076204PAY-01JXA4P8W1V6N3QT352.50" + f"{Decimal(written):.2f}"
               + "PAIDPayAtFawry24480" + SECURE_KEY)
    raw = body.replace('"orderAmount": 350', f'"orderAmount": {written}').replace(
        notification()["messageSignature"], hashlib.sha256(message.encode()).hexdigest())
    assert gateway().parse_webhook({}, {}, raw.encode()).amount_piasters == piasters


def test_piaster_conversion_refuses_fractions_of_a_piaster_and_negatives():
    """GIVEN amounts with a third decimal or below zero WHEN converted THEN ValidationFailed."""
    for amount in (Decimal("1.005"), Decimal("-1"), "abc", None, True, 1.5):
        with pytest.raises(ValidationFailed):
            piasters_from_egp(amount, "orderAmount")


@pytest.mark.parametrize("field_name, value", [
    ("orderStatus", "SHIPPED"), ("fawryRefNumber", ""), ("merchantRefNumber", None),
])
def test_signed_but_unusable_content_is_a_validation_failure(field_name, value):
    """GIVEN a correctly signed notification with unusable content WHEN parsed
    THEN ValidationFailed naming the field."""
    document = notification()
    document[field_name] = value
    with pytest.raises(ValidationFailed) as raised:
        deliver(document)
    assert field_name in raised.value.fields


def test_a_signed_amount_with_a_third_decimal_is_a_validation_failure():
    """GIVEN orderAmount 350.005 signed (Fawry would round it to 350.01) WHEN parsed
    THEN ValidationFailed: we never round money."""
    raw = (EVENTS / "fawry_notification_v2.json").read_text().replace(
        '"orderAmount": 350', '"orderAmount": 350.005')
    message = "9990076204PAY-01JXA4P8W1V6N3QT352.50350.01PAIDPayAtFawry24480" + SECURE_KEY
    raw = raw.replace(notification()["messageSignature"],
                      hashlib.sha256(message.encode()).hexdigest())
    with pytest.raises(ValidationFailed):
        gateway().parse_webhook({}, {}, raw.encode())


def test_a_missing_amount_is_unverifiable():
    """GIVEN a notification without paymentAmount WHEN parsed THEN BadSignature (the signed
    string cannot be rebuilt)."""
    document = notification()
    del document["paymentAmount"]
    with pytest.raises(BadSignature):
        gateway().parse_webhook({}, {}, json.dumps(document).encode())


# ------------------------------------------------------------------ hostile input

def _outcome(body: bytes) -> str:
    try:
        gateway().parse_webhook({}, {}, body)
        return "accepted"
    except BadSignature:
        return "bad_signature"
    except ValidationFailed:
        return "validation_failed"


def test_junk_bodies_only_ever_raise_bad_signature():
    """GIVEN junk or truncated bodies WHEN parsed THEN always BadSignature; deeply nested ones
    are refused before parsing as a ValidationFailed on `body` (a 400, like 413 for size)."""
    genuine = (EVENTS / "fawry_notification_v2.json").read_bytes()
    bodies = list(hostile_bodies(3, genuine))
    too_deep = [body for body in bodies if body.startswith((b"{" * 40, b"[" * 40))]
    assert len(too_deep) == 2 and {_outcome(body) for body in too_deep} == {"validation_failed"}
    assert {_outcome(body) for body in bodies if body not in too_deep} == {"bad_signature"}


def test_mutated_notifications_only_raise_the_two_allowed_exceptions():
    """GIVEN notifications mutated at random, with the original signature and re-signed
    WHEN parsed THEN only BadSignature/ValidationFailed come out, and an accepted one never has a
    changed signed field."""
    document = notification()
    seen = set()
    for mutated in mutated_documents(document, 800, seed=5):
        outcome = _outcome(json.dumps(mutated, default=str).encode())
        seen.add(outcome)
        if outcome == "accepted":
            assert all(str(mutated.get(f)) == str(document.get(f)) for f in SIGNED_FIELDS)
        try:
            mutated["messageSignature"] = expected_signature(mutated)
        except (KeyError, ArithmeticError, ValueError, TypeError):
            continue
        seen.add(_outcome(json.dumps(mutated, default=str).encode()))
    assert seen <= {"accepted", "bad_signature", "validation_failed"}
    assert {"bad_signature", "validation_failed"} <= seen


def test_an_empty_key_is_refused_at_construction():
    """GIVEN no secure key WHEN the adapter is built THEN it refuses."""
    with pytest.raises(ValueError):
        FawryGateway(MERCHANT_CODE, "", RETURN_URL)


# ------------------------------------------------------------------ API against a fake server

@pytest.fixture
def fawry_api():
    server = FakeGatewayServer().start()
    yield server
    server.stop()


def test_create_checkout_sends_a_signed_charge_request_and_returns_the_link(fawry_api):
    """GIVEN the express checkout API answering a URL WHEN a checkout is created for 150.50 EGP
    THEN the charge request carries the documented signature and the link is returned."""
    link = "https://atfawry.fawrystaging.com/atfawry/plugin/3ds/abc123"
    fawry_api.routes[("POST", "/fawrypay-api/api/payments/init")] = (200, link)
    checkout = gateway(fawry_api.base_url).create_checkout("PAY-7", 15050, "رسوم / fee",
                                                           "01012345678")
    assert (checkout.checkout_url, checkout.gateway_reference) == (link, "PAY-7")
    sent = fawry_api.requests_to("/fawrypay-api/api/payments/init")[0].json()
    expected = hashlib.sha256(
        f"{MERCHANT_CODE}PAY-7{RETURN_URL}PAY-71150.50{SECURE_KEY}".encode()).hexdigest()
    assert sent["signature"] == expected
    assert sent["merchantRefNum"] == "PAY-7"
    assert sent["chargeItems"] == [{"itemId": "PAY-7", "description": "رسوم / fee",
                                    "price": 150.5, "quantity": 1}]
    assert (sent["customerMobile"], sent["returnUrl"]) == ("01012345678", RETURN_URL)


def test_create_checkout_accepts_a_json_quoted_link(fawry_api):
    """GIVEN the link answered as a JSON string WHEN a checkout is created THEN it is unquoted."""
    fawry_api.routes[("POST", "/fawrypay-api/api/payments/init")] = (
        200, '"https://atfawry.com/pay/xyz"')
    assert gateway(fawry_api.base_url).create_checkout("P", 100, "d", "").checkout_url == \
        "https://atfawry.com/pay/xyz"


@pytest.mark.parametrize("answer", [
    (200, {"statusCode": 9946, "statusDescription": "Wrong Signature"}),
    (500, "https://atfawry.com/x"), (200, "no link here"),
])
def test_create_checkout_refusals_become_gateway_unavailable(fawry_api, answer):
    """GIVEN a refusal or an answer without a link WHEN a checkout is created
    THEN GatewayUnavailable."""
    fawry_api.routes[("POST", "/fawrypay-api/api/payments/init")] = answer
    with pytest.raises(GatewayUnavailable):
        gateway(fawry_api.base_url).create_checkout("P", 100, "d", "")


@pytest.mark.parametrize("order_status, state", [
    ("PAID", "paid"), ("UNPAID", "pending"), ("NEW", "pending"), ("EXPIRED", "failed"),
    ("CANCELED", "failed"), ("SOMETHING_NEW", "unknown"),
])
def test_query_status_sends_a_signed_request_and_maps_the_answer(fawry_api, order_status, state):
    """GIVEN the payment status V2 API WHEN queried THEN the request is signed as documented and
    the answer is mapped, with the amount exact in piasters."""
    fawry_api.routes[("GET", "/ECommerceWeb/Fawry/payments/status/v2")] = (200, (
        '{"type": "PaymentStatusResponse", "statusCode": 200, "fawryRefNumber": "9990076204", '
        '"merchantRefNumber": "PAY-7", "orderAmount": 150.29, "paymentAmount": 152.79, '
        f'"orderStatus": "{order_status}", "paymentMethod": "PayAtFawry"}}'))
    status = gateway(fawry_api.base_url).query_status("PAY-7")
    assert (status.state, status.transaction_id, status.amount_piasters) == (
        state, "9990076204", 15029)
    query = fawry_api.requests_to("/ECommerceWeb/Fawry/payments/status/v2")[0].query
    assert query == {"merchantCode": MERCHANT_CODE, "merchantRefNumber": "PAY-7",
                     "signature": hashlib.sha256(
                         f"{MERCHANT_CODE}PAY-7{SECURE_KEY}".encode()).hexdigest()}


def test_query_status_of_an_unknown_payment_is_unknown(fawry_api):
    """GIVEN statusCode 9938 (payment not found) WHEN queried THEN state unknown."""
    fawry_api.routes[("GET", "/ECommerceWeb/Fawry/payments/status/v2")] = (
        200, {"statusCode": 9938, "statusDescription": "payment not found"})
    assert gateway(fawry_api.base_url).query_status("PAY-X").state == "unknown"


@pytest.mark.parametrize("answer", [(200, {"statusCode": 9946}), (502, "bad gateway"),
                                    (200, "[]")])
def test_query_status_errors_become_gateway_unavailable(fawry_api, answer):
    """GIVEN a refused, failing or nonsensical status answer WHEN queried THEN GatewayUnavailable."""
    fawry_api.routes[("GET", "/ECommerceWeb/Fawry/payments/status/v2")] = answer
    with pytest.raises(GatewayUnavailable):
        gateway(fawry_api.base_url).query_status("PAY-7")


def test_an_unreachable_fawry_is_unavailable():
    """GIVEN nothing listening WHEN a checkout is created THEN GatewayUnavailable."""
    with pytest.raises(GatewayUnavailable):
        gateway(closed_port_url()).create_checkout("P", 100, "d", "")
