"""Paymob adapter: the documented callback HMAC, normalisation, hostile input, and the API calls
(against a scripted server on loopback)."""
from __future__ import annotations

import copy
import hashlib
import hmac
import json
from datetime import datetime, timezone
from pathlib import Path

import pytest

from chalicelib.adapters.gateways._http import GatewayUnavailable
from chalicelib.adapters.gateways.paymob import PaymobGateway, transaction_hmac_message
from chalicelib.errors import ValidationFailed
from chalicelib.ports import BadSignature
from tests.unit.gateway_fakes import (FakeGatewayServer, closed_port_url, hostile_bodies,
                                      mutated_documents)

EVENTS = Path(__file__).resolve().parent.parent / "events"
SECRET = "paymob-test-hmac-secret-4f1c"

# Written out again from Paymob's "HMAC Transaction Callback" page, independent of the adapter.
DOCUMENTED_FIELDS = [
    "amount_cents", "created_at", "currency", "error_occured", "has_parent_transaction", "id",
    "integration_id", "is_3d_secure", "is_auth", "is_capture", "is_refunded",
    "is_standalone_payment", "is_voided", "order.id", "owner", "pending", "source_data.pan",
    "source_data.sub_type", "source_data.type", "success",
]
# The concatenated string Paymob's page shows for its sample processed callback.
DOCUMENTED_CONCATENATION = ("1000002024-06-13T11:33:44.592345EGPfalsefalse1920364654097558true"
                            "falsefalsefalsetruefalse217503754302852false2346MasterCardcardtrue")


def _render(value: object) -> str:
    if value is None:
        return ""
    if value is True or value is False:
        return str(value).lower()
    return str(value)


def _get(obj: dict, path: str) -> object:
    for part in path.split("."):
        obj = obj.get(part) if isinstance(obj, dict) else None
    return obj


def expected_hmac(obj: dict, secret: str = SECRET) -> str:
    message = "".join(_render(_get(obj, path)) for path in DOCUMENTED_FIELDS)
    return hmac.new(secret.encode(), message.encode(), hashlib.sha512).hexdigest()


def expected_query_hmac(query: dict, secret: str = SECRET) -> str:
    flat_name = {"order.id": "order"}
    message = "".join(query.get(flat_name.get(path, path), "") for path in DOCUMENTED_FIELDS)
    return hmac.new(secret.encode(), message.encode(), hashlib.sha512).hexdigest()


def processed_callback() -> dict:
    return json.loads((EVENTS / "paymob_transaction_processed.json").read_text())


def response_query() -> dict:
    return json.loads((EVENTS / "paymob_transaction_response_query.json").read_text())


# The account the documented sample belongs to.
ACCOUNT = {"integration_id": "4097558", "owner_id": "302852"}


def gateway(**kwargs: object) -> PaymobGateway:
    return PaymobGateway(hmac_secret=SECRET, **{**ACCOUNT, **kwargs})


def deliver(document: dict, hmac_value: str | None = None):
    query = {"hmac": hmac_value if hmac_value is not None else expected_hmac(document["obj"])}
    return gateway().parse_webhook({}, query, json.dumps(document).encode())


# ------------------------------------------------------------------ the documented algorithm

def test_signed_string_of_the_documented_sample_matches_paymobs_page():
    """GIVEN the documented sample callback WHEN the adapter concatenates the signed fields
    THEN it produces exactly the string Paymob's page shows."""
    assert transaction_hmac_message(processed_callback()["obj"]) == DOCUMENTED_CONCATENATION


def test_a_callback_signed_as_documented_is_accepted_and_normalised():
    """GIVEN a processed callback signed with HMAC-SHA512 over the documented fields
    WHEN parsed THEN it verifies and is normalised to our event."""
    event = deliver(processed_callback())
    assert event.gateway == "paymob"
    assert event.transaction_id == "192036465"
    assert event.merchant_reference == "PAY-01JXA4M3J7Q2ZK9W"
    assert event.amount_piasters == 100000
    assert event.currency == "EGP"
    assert (event.success, event.pending) == (True, False)
    # 11:33:44 Cairo summer time (UTC+3) on 13 June 2024.
    assert event.occurred_at == datetime(2024, 6, 13, 8, 33, 44, 592345, tzinfo=timezone.utc)
    assert event.raw["gateway_order_reference"] == "217503754"
    assert event.raw["merchant_reference_signed"] is False


def test_an_uppercase_hex_hmac_is_accepted():
    """GIVEN the right HMAC in uppercase hex WHEN parsed THEN it verifies (hex is case-free)."""
    document = processed_callback()
    assert deliver(document, expected_hmac(document["obj"]).upper()).transaction_id == "192036465"


def _tampered(value: object) -> object:
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    if value is None:
        return "x"
    return f"{value}x"


@pytest.mark.parametrize("path", DOCUMENTED_FIELDS)
def test_changing_any_one_signed_field_breaks_the_signature(path):
    """GIVEN a genuine callback and its HMAC WHEN one signed field changes THEN BadSignature."""
    document = processed_callback()
    genuine_hmac = expected_hmac(document["obj"])
    parent = document["obj"]
    *parents, leaf = path.split(".")
    for part in parents:
        parent = parent[part]
    parent[leaf] = _tampered(parent[leaf])
    with pytest.raises(BadSignature):
        deliver(document, genuine_hmac)


def test_the_unsigned_merchant_order_id_is_not_protected_but_the_signed_order_id_is_reported():
    """GIVEN a genuine callback whose merchant_order_id was rewritten in transit
    WHEN parsed THEN it still verifies (Paymob does not sign it) and the signed order.id that the
    handler must match against the payment is unchanged."""
    document = processed_callback()
    genuine_hmac = expected_hmac(document["obj"])
    document["obj"]["order"]["merchant_order_id"] = "PAY-SOMEONE-ELSE"
    event = deliver(document, genuine_hmac)
    assert event.merchant_reference == "PAY-SOMEONE-ELSE"
    assert event.raw["gateway_order_reference"] == "217503754"


@pytest.mark.parametrize("bad_hmac", [
    "", "00", "g" * 128, "a" * 127, "a" * 129, "é" * 128,
])
def test_missing_or_malformed_hmac_is_a_bad_signature(bad_hmac):
    """GIVEN a genuine body with a malformed hmac WHEN parsed THEN BadSignature."""
    with pytest.raises(BadSignature):
        deliver(processed_callback(), bad_hmac)


def test_one_flipped_hex_digit_or_another_secret_is_a_bad_signature():
    """GIVEN a genuine body WHEN the HMAC has one digit changed, or was made with another secret,
    or is absent THEN BadSignature."""
    document = processed_callback()
    genuine = expected_hmac(document["obj"])
    flipped = ("1" if genuine[0] != "1" else "2") + genuine[1:]
    for wrong in (flipped, expected_hmac(document["obj"], "another-secret")):
        with pytest.raises(BadSignature):
            deliver(document, wrong)
    with pytest.raises(BadSignature):
        gateway().parse_webhook({}, {}, json.dumps(document).encode())


def test_missing_and_null_values_sign_as_empty_strings():
    """GIVEN a wallet payment without pan or sub_type (one absent, one null) signed as documented
    WHEN parsed THEN it verifies: missing values count as empty strings."""
    document = processed_callback()
    del document["obj"]["source_data"]["pan"]
    document["obj"]["source_data"]["sub_type"] = None
    document["obj"]["source_data"]["type"] = "wallet"
    message = transaction_hmac_message(document["obj"])
    assert "302852falsewallettrue" in message
    assert deliver(document).success is True


def test_a_declined_payment_is_verified_but_not_successful():
    """GIVEN a signed callback with success=false WHEN parsed THEN success and pending are False."""
    document = processed_callback()
    document["obj"]["success"] = False
    event = deliver(document)
    assert (event.success, event.pending) == (False, False)


@pytest.mark.parametrize("flag", ["is_refunded", "is_voided", "has_parent_transaction",
                                  "pending", "error_occured", "is_auth"])
def test_refunds_voids_child_and_pending_transactions_never_count_as_paid(flag):
    """GIVEN a signed successful transaction that is also a refund/void/child/pending/auth leg
    WHEN parsed THEN success is False (it must never settle a payment)."""
    document = processed_callback()
    document["obj"][flag] = True
    event = deliver(document)
    assert event.success is False
    assert event.pending is (flag == "pending")


def test_amounts_are_exact_integers_of_piasters():
    """GIVEN a signed callback for 1,234,567.89 EGP WHEN parsed THEN amount is 123456789 piasters."""
    document = processed_callback()
    document["obj"]["amount_cents"] = 123456789
    assert deliver(document).amount_piasters == 123456789


@pytest.mark.parametrize("path, value, field_name", [
    ("amount_cents", "12.5", "amount_cents"),
    ("amount_cents", -5, "amount_cents"),
    ("currency", "USD", "currency"),
    ("id", None, "id"),
    ("success", "yes", "success"),
    ("order.merchant_order_id", None, "merchant_order_id"),
    ("order.merchant_order_id", "   ", "merchant_order_id"),
])
def test_signed_but_unusable_content_is_a_validation_failure(path, value, field_name):
    """GIVEN a correctly signed callback with unusable content WHEN parsed THEN ValidationFailed
    naming the field (not BadSignature: the signature is fine)."""
    document = processed_callback()
    parent = document["obj"]
    *parents, leaf = path.split(".")
    for part in parents:
        parent = parent[part]
    parent[leaf] = value
    with pytest.raises(ValidationFailed) as raised:
        deliver(document)
    assert field_name in raised.value.fields


# ------------------------------------------------------------------ re-cut callbacks

def _recut(obj: dict, left: str, right: str, moved: int = 1) -> dict:
    """The callback with `moved` characters moved from the end of `left` to the front of
    `right` (neighbours in the signed order): the concatenation, so the HMAC, is unchanged."""
    recut = copy.deepcopy(obj)
    left_text, right_text = str(recut[left]), str(recut[right])
    recut[left] = left_text[:-moved]
    recut[right] = left_text[-moved:] + right_text
    for name in (left, right):  # integers stay JSON integers, as Paymob sends them
        if isinstance(obj[name], int) and recut[name].isdigit():
            recut[name] = int(recut[name])
    return recut


def _recut_front(obj: dict, left: str, right: str) -> dict:
    """The first character of `right` moved to the end of `left`."""
    recut = copy.deepcopy(obj)
    left_text, right_text = str(recut[left]), str(recut[right])
    recut[left], recut[right] = left_text + right_text[0], right_text[1:]
    if isinstance(obj[left], int):
        recut[left] = int(recut[left])
    return recut


@pytest.mark.parametrize("recut, refused_field", [
    (lambda obj: _recut(obj, "id", "integration_id"), "integration_id"),
    (lambda obj: _recut_front(obj, "id", "integration_id"), "integration_id"),
    (lambda obj: _recut_front(obj, "amount_cents", "created_at"), "created_at"),
    (lambda obj: {**_recut({**obj, "order": obj["order"]["id"]}, "order", "owner"),
                  "order": {**obj["order"],
                            "id": int(str(obj["order"]["id"])[:-1])}}, "owner"),
])
def test_a_genuine_callback_re_cut_between_neighbouring_fields_is_refused(recut, refused_field):
    """GIVEN a genuine callback re-cut so that a digit moves between two neighbouring signed
    fields (a "new" transaction id, or another amount) WHEN delivered with the genuine HMAC
    THEN the HMAC still verifies, but the callback is refused naming the field out of form."""
    document = processed_callback()
    genuine_hmac = expected_hmac(document["obj"])
    document["obj"] = recut(document["obj"])
    assert expected_hmac(document["obj"]) == genuine_hmac  # the re-cut really keeps the HMAC
    with pytest.raises(ValidationFailed) as refused:
        deliver(document, genuine_hmac)
    assert refused_field in refused.value.fields


@pytest.mark.parametrize("path, value", [
    ("amount_cents", "0100000"), ("id", "0192036465"), ("id", 0), ("integration_id", "04097558"),
    ("owner", 1), ("order.id", "0217503754"), ("created_at", "2024-06-13 11:33:44"),
    ("created_at", "2024-13-40T11:33:44"), ("is_3d_secure", "True"), ("is_capture", "1"),
    ("is_standalone_payment", ""),
])
def test_every_signed_field_is_held_to_its_canonical_form(path, value):
    """GIVEN a callback correctly signed but with one signed field out of its canonical form
    (leading zeros, another account, a malformed time, a boolean spelled otherwise)
    WHEN parsed THEN ValidationFailed naming that field."""
    document = processed_callback()
    parent = document["obj"]
    *parents, leaf = path.split(".")
    for part in parents:
        parent = parent[part]
    parent[leaf] = value
    with pytest.raises(ValidationFailed) as refused:
        deliver(document)
    assert path in refused.value.fields


def test_an_adapter_without_the_accounts_integration_and_owner_verifies_nothing():
    """GIVEN an adapter configured without integration id or owner WHEN a genuine callback
    arrives THEN BadSignature: nobody's callbacks are accepted (fail closed)."""
    document = processed_callback()
    query = {"hmac": expected_hmac(document["obj"])}
    for missing in ({"integration_id": ""}, {"owner_id": ""}):
        with pytest.raises(BadSignature):
            gateway(**missing).parse_webhook({}, query, json.dumps(document).encode())


def test_callbacks_of_the_accounts_other_integrations_are_accepted():
    """GIVEN the account's wallet integration listed among the callback integration ids
    WHEN a callback of it arrives THEN it verifies."""
    document = processed_callback()
    document["obj"]["integration_id"] = 4097999
    adapter = gateway(integration_id="4097558", callback_integration_ids="4097558, 4097999")
    query = {"hmac": expected_hmac(document["obj"])}
    assert adapter.parse_webhook({}, query, json.dumps(document).encode()).success is True


def test_a_callback_that_is_not_a_transaction_is_unverifiable():
    """GIVEN a signed TOKEN-type callback WHEN parsed THEN BadSignature (other types use other
    HMAC field lists, which we do not accept)."""
    document = processed_callback()
    document["type"] = "TOKEN"
    with pytest.raises(BadSignature):
        deliver(document)


def test_an_empty_secret_is_refused_at_construction():
    """GIVEN no HMAC secret WHEN the adapter is built THEN it refuses (anyone could sign)."""
    with pytest.raises(ValueError):
        PaymobGateway(hmac_secret="")


# ------------------------------------------------------------------ GET response callback

def test_a_signed_response_callback_in_the_query_is_accepted():
    """GIVEN the GET response callback (fields flattened into the query) signed as documented
    WHEN parsed with an empty body THEN it verifies and normalises like the POST one."""
    query = response_query()
    query["hmac"] = expected_query_hmac(query)
    event = gateway().parse_webhook({}, query, b"")
    assert (event.transaction_id, event.merchant_reference) == ("192036465", "PAY-01JXA4M3J7Q2ZK9W")
    assert (event.amount_piasters, event.success) == (100000, True)
    assert event.raw["gateway_order_reference"] == "217503754"


@pytest.mark.parametrize("path", DOCUMENTED_FIELDS)
def test_changing_any_one_signed_query_parameter_breaks_the_signature(path):
    """GIVEN a signed GET response callback WHEN one signed parameter changes THEN BadSignature."""
    query = response_query()
    query["hmac"] = expected_query_hmac(query)
    key = "order" if path == "order.id" else path
    query[key] = query[key] + "0"
    with pytest.raises(BadSignature):
        gateway().parse_webhook({}, query, b"")


def test_the_order_id_parameter_spelling_of_the_newer_docs_also_verifies():
    """GIVEN a response callback naming the order `order_id` WHEN parsed THEN it verifies."""
    query = response_query()
    query["order_id"] = query.pop("order")
    query["hmac"] = expected_query_hmac({**query, "order": query["order_id"]})
    assert gateway().parse_webhook({}, query, b"").raw["gateway_order_reference"] == "217503754"


# ------------------------------------------------------------------ hostile input

def _outcome(query: dict, body: bytes) -> str:
    try:
        gateway().parse_webhook({}, query, body)
        return "accepted"
    except BadSignature:
        return "bad_signature"
    except ValidationFailed:
        return "validation_failed"


def test_junk_bodies_only_ever_raise_bad_signature():
    """GIVEN junk, truncated or oversized bodies WHEN parsed THEN every one is a BadSignature,
    never another exception; deeply nested ones are refused before parsing as a
    ValidationFailed on `body` (a 400, like 413 for size)."""
    genuine = json.dumps(processed_callback()).encode()
    bodies = list(hostile_bodies(7, genuine))
    too_deep = [body for body in bodies if body.startswith((b"{" * 40, b"[" * 40))]
    assert len(too_deep) == 2
    assert {_outcome({"hmac": "a" * 128}, body) for body in too_deep} == {"validation_failed"}
    outcomes = {_outcome({"hmac": "a" * 128}, body) for body in bodies if body not in too_deep}
    assert outcomes == {"bad_signature"}


def test_mutated_unsigned_documents_are_rejected_with_the_two_allowed_exceptions_only():
    """GIVEN genuine callbacks mutated at random (deleted keys, wrong types) and sent with the
    original HMAC WHEN parsed THEN only BadSignature/ValidationFailed come out, and none passes
    with a signed field changed."""
    document = processed_callback()
    genuine_hmac = expected_hmac(document["obj"])
    genuine_message = transaction_hmac_message(document["obj"])
    for mutated in mutated_documents(document, 600, seed=11):
        outcome = _outcome({"hmac": genuine_hmac}, json.dumps(mutated).encode())
        if outcome == "accepted":
            assert transaction_hmac_message(mutated["obj"]) == genuine_message


def test_mutated_documents_signed_anew_never_raise_anything_else():
    """GIVEN randomly mutated callbacks re-signed with the right secret (so only content is
    wrong) WHEN parsed THEN each is accepted or a ValidationFailed/BadSignature, never a crash."""
    seen = set()
    for mutated in mutated_documents(copy.deepcopy(processed_callback()), 600, seed=12):
        obj = mutated.get("obj")
        try:
            query = {"hmac": expected_hmac(obj)} if isinstance(obj, dict) else {"hmac": "0" * 128}
        except (AttributeError, TypeError):
            query = {"hmac": "0" * 128}
        seen.add(_outcome(query, json.dumps(mutated).encode()))
    assert seen <= {"accepted", "bad_signature", "validation_failed"}
    assert "validation_failed" in seen


def test_odd_query_shapes_are_bad_signatures():
    """GIVEN query values that are not strings, or a body of the wrong type WHEN parsed
    THEN BadSignature."""
    genuine = json.dumps(processed_callback()).encode()
    with pytest.raises(BadSignature):
        gateway().parse_webhook({}, {"hmac": ["a" * 128]}, genuine)
    with pytest.raises(BadSignature):
        gateway().parse_webhook({}, {"id": 5, "hmac": "a" * 128}, b"")
    with pytest.raises(BadSignature):
        gateway().parse_webhook({}, {"hmac": "a" * 128}, 12345)  # type: ignore[arg-type]


# ------------------------------------------------------------------ API against a fake server

@pytest.fixture
def paymob_api():
    server = FakeGatewayServer().start()
    yield server
    server.stop()


def _script_checkout(server: FakeGatewayServer) -> None:
    server.routes[("POST", "/api/auth/tokens")] = (201, {"token": "auth-token-1"})
    server.routes[("POST", "/api/ecommerce/orders")] = (201, {"id": 217503754})
    server.routes[("POST", "/api/acceptance/payment_keys")] = (201, {"token": "pay-key-9"})


def test_create_checkout_registers_the_order_and_returns_the_iframe_url(paymob_api):
    """GIVEN Paymob's auth, order and payment-key APIs WHEN a checkout is created
    THEN the three calls carry our reference and amount and the iframe URL holds the key."""
    _script_checkout(paymob_api)
    adapter = gateway(api_key="api-key-x", integration_id="4097558", iframe_id="8123",
                      base_url=paymob_api.base_url)
    checkout = adapter.create_checkout("PAY-1", 15050, "رسوم ترخيص / Licence fee", "+201000000000")
    assert checkout.checkout_url == (
        f"{paymob_api.base_url}/api/acceptance/iframes/8123?payment_token=pay-key-9")
    assert checkout.gateway_reference == "217503754"
    assert paymob_api.requests_to("/api/auth/tokens")[0].json() == {"api_key": "api-key-x"}
    order = paymob_api.requests_to("/api/ecommerce/orders")[0].json()
    assert (order["auth_token"], order["amount_cents"], order["merchant_order_id"],
            order["currency"]) == ("auth-token-1", 15050, "PAY-1", "EGP")
    key = paymob_api.requests_to("/api/acceptance/payment_keys")[0].json()
    assert (key["order_id"], key["amount_cents"], key["integration_id"]) == (217503754, 15050,
                                                                              4097558)
    assert key["billing_data"]["phone_number"] == "+201000000000"


def test_create_checkout_fails_cleanly_when_paymob_refuses(paymob_api):
    """GIVEN Paymob refusing the order registration WHEN a checkout is created
    THEN GatewayUnavailable (a 502), not an arbitrary exception."""
    _script_checkout(paymob_api)
    paymob_api.routes[("POST", "/api/ecommerce/orders")] = (422, {"message": "duplicate"})
    adapter = gateway(api_key="k", integration_id="1", iframe_id="2", base_url=paymob_api.base_url)
    with pytest.raises(GatewayUnavailable) as raised:
        adapter.create_checkout("PAY-1", 100, "fee", "")
    assert raised.value.status == 502


def test_create_checkout_without_api_configuration_is_unavailable():
    """GIVEN no API key/integration/iframe WHEN a checkout is created THEN GatewayUnavailable."""
    with pytest.raises(GatewayUnavailable):
        gateway().create_checkout("PAY-1", 100, "fee", "")


@pytest.mark.parametrize("transaction, state", [
    ({"id": 5, "success": True, "pending": False, "amount_cents": 100000,
      "order": {"merchant_order_id": "PAY-1"}}, "paid"),
    ({"id": 6, "success": False, "pending": True, "amount_cents": 100000}, "pending"),
    ({"id": 7, "success": False, "pending": False, "amount_cents": 100000}, "failed"),
    ({"id": 8, "success": True, "pending": False, "is_refunded": True, "amount_cents": 1}, "failed"),
])
def test_query_status_maps_the_inquiry_answer(paymob_api, transaction, state):
    """GIVEN the transaction inquiry API's answer WHEN the status is queried
    THEN it is mapped to paid/pending/failed with the amount, asking by merchant_order_id."""
    paymob_api.routes[("POST", "/api/auth/tokens")] = (201, {"token": "t"})
    paymob_api.routes[("POST", "/api/ecommerce/orders/transaction_inquiry")] = (200, transaction)
    status = gateway(api_key="k", base_url=paymob_api.base_url).query_status("PAY-1")
    assert (status.state, status.transaction_id) == (state, str(transaction["id"]))
    assert status.amount_piasters == transaction["amount_cents"]
    inquiry = paymob_api.requests_to("/api/ecommerce/orders/transaction_inquiry")[0].json()
    assert inquiry == {"auth_token": "t", "merchant_order_id": "PAY-1"}


def test_query_status_of_an_unknown_order_is_unknown(paymob_api):
    """GIVEN the inquiry API answering 404 WHEN queried THEN state is unknown."""
    paymob_api.routes[("POST", "/api/auth/tokens")] = (201, {"token": "t"})
    status = gateway(api_key="k", base_url=paymob_api.base_url).query_status("PAY-404")
    assert status.state == "unknown"


@pytest.mark.parametrize("answer", [(500, "oops"), (200, "not json"), (200, [1, 2])])
def test_query_status_errors_become_gateway_unavailable(paymob_api, answer):
    """GIVEN a failing or nonsensical inquiry answer WHEN queried THEN GatewayUnavailable."""
    paymob_api.routes[("POST", "/api/auth/tokens")] = (201, {"token": "t"})
    paymob_api.routes[("POST", "/api/ecommerce/orders/transaction_inquiry")] = answer
    with pytest.raises(GatewayUnavailable):
        gateway(api_key="k", base_url=paymob_api.base_url).query_status("PAY-1")


def test_an_unreachable_gateway_is_unavailable():
    """GIVEN nothing listening WHEN queried THEN GatewayUnavailable."""
    with pytest.raises(GatewayUnavailable):
        gateway(api_key="k", base_url=closed_port_url(), timeout_seconds=2).query_status("PAY-1")


def test_transaction_status_asks_paymob_about_one_transaction_by_id(paymob_api):
    """GIVEN Paymob's retrieve-transaction API WHEN a transaction is looked up THEN it is asked
    by id with the auth token; a settled one of this order is paid; one of another order, one
    Paymob does not know, or a non-canonical id is unknown."""
    paymob_api.routes[("POST", "/api/auth/tokens")] = (201, {"token": "t"})
    paymob_api.routes[("GET", "/api/acceptance/transactions/5")] = (200, {
        "id": 5, "success": True, "pending": False, "amount_cents": 550,
        "order": {"id": 9, "merchant_order_id": "PAY-1"}})
    adapter = gateway(api_key="k", base_url=paymob_api.base_url)
    status = adapter.transaction_status("PAY-1", "5")
    assert (status.state, status.transaction_id, status.amount_piasters) == ("paid", "5", 550)
    assert paymob_api.requests_to("/api/acceptance/transactions/5")[0].headers[
        "authorization"] == "Bearer t"
    assert adapter.transaction_status("PAY-2", "5").state == "unknown"
    assert adapter.transaction_status("PAY-1", "6").state == "unknown"
    assert adapter.transaction_status("PAY-1", "05").state == "unknown"
    paymob_api.routes[("GET", "/api/acceptance/transactions/7")] = (500, "oops")
    with pytest.raises(GatewayUnavailable):
        adapter.transaction_status("PAY-1", "7")


def test_query_status_reads_the_flattened_inquiry_answer(paymob_api):
    """GIVEN an inquiry answer in the flattened form of tests/events (booleans and amounts as
    strings, the order as its id) WHEN queried THEN paid, with the amount and transaction id;
    and an answer about another merchant reference is refused."""
    answer = response_query()
    paymob_api.routes[("POST", "/api/auth/tokens")] = (201, {"token": "t"})
    paymob_api.routes[("POST", "/api/ecommerce/orders/transaction_inquiry")] = (200, answer)
    status = gateway(api_key="k", base_url=paymob_api.base_url).query_status("PAY-01JXA4M3J7Q2ZK9W")
    assert (status.state, status.transaction_id, status.amount_piasters) == ("paid", "192036465", 100000)
    paymob_api.routes[("POST", "/api/ecommerce/orders/transaction_inquiry")] = (
        200, {**answer, "success": "false"})
    assert gateway(api_key="k", base_url=paymob_api.base_url).query_status(
        "PAY-01JXA4M3J7Q2ZK9W").state == "failed"
    with pytest.raises(GatewayUnavailable):
        gateway(api_key="k", base_url=paymob_api.base_url).query_status("PAY-OTHER")
