"""Paymob Accept: callback HMAC verification, checkout (auth → order → payment key → iframe) and
the transaction inquiry API.

The HMAC scheme is Paymob's, not ours (see docs/gateways.md for the sources): HMAC-SHA512, keyed
with the account's HMAC secret, over the values of 20 transaction fields concatenated without
separators in a fixed order; booleans are rendered "true"/"false", missing values as "".
The hex digest arrives in the `hmac` query parameter of both the POST "transaction processed"
callback (JSON body `{"type": "TRANSACTION", "obj": {...}}`) and the GET "transaction response"
callback (the same fields, flattened into query parameters).

Note: `order.merchant_order_id` (our merchant reference) is NOT among the signed fields. The signed
`order.id` is returned as `Checkout.gateway_reference` and as `GatewayEvent.raw["gateway_order_reference"]`;
the webhook handler must check that it matches the payment it settles.

Because the values are concatenated without separators, digits can be moved between neighbouring
fields (`id` | `integration_id`, `amount_cents` | `created_at`, `order.id` | `owner`) without
changing the HMAC. Every signed field is therefore held to its one canonical form
(`_require_canonical`): ids and amounts are integers without leading zeros, `created_at` is a
full ISO date-time, booleans are "true"/"false", and `integration_id` and `owner` must be the
account's own. A re-cut callback cannot satisfy all of them at once.
"""
from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Mapping, Optional

from chalicelib.adapters.gateways import _http
from chalicelib.adapters.gateways._http import GatewayUnavailable
from chalicelib.errors import ValidationFailed
from chalicelib.json_input import loads_bounded
from chalicelib.domain.gateway_messages import Checkout, GatewayEvent, GatewayStatus
from chalicelib.ports import BadSignature, PaymentGateway

PAYMOB_BASE_URL = "https://accept.paymob.com"

# Paymob's documented order. Changing it breaks every genuine callback: it is wire protocol.
PAYMOB_HMAC_FIELDS: tuple[str, ...] = (
    "amount_cents",
    "created_at",
    "currency",
    "error_occured",  # sic: Paymob's spelling
    "has_parent_transaction",
    "id",
    "integration_id",
    "is_3d_secure",
    "is_auth",
    "is_capture",
    "is_refunded",
    "is_standalone_payment",
    "is_voided",
    "order.id",
    "owner",
    "pending",
    "source_data.pan",
    "source_data.sub_type",
    "source_data.type",
    "success",
)

# In the GET response callback the fields arrive flattened; the order id is named `order`
# (older docs and every live callback seen in public code) or `order_id` (newer docs).
_GET_ORDER_ID_KEYS = ("order", "order_id")

_DIGITS = re.compile(r"^[0-9]+$")
_CANONICAL_INTEGER = re.compile(r"^(0|[1-9][0-9]*)$")
_CANONICAL_ID = re.compile(r"^[1-9][0-9]*$")
_CREATED_AT = re.compile(
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?(Z|[+-][0-9]{2}:[0-9]{2})?$")
SIGNED_BOOLEANS = ("error_occured", "has_parent_transaction", "is_3d_secure", "is_auth",
                   "is_capture", "is_refunded", "is_standalone_payment", "is_voided", "pending",
                   "success")
_HEX_SHA512 = re.compile(r"^[0-9a-fA-F]{128}$")
_CAIRO_ZONE_NAME = "Africa/Cairo"


# ---------------------------------------------------------------------------- HMAC primitives

def hmac_value(value: object) -> str:
    """Render one field value the way Paymob does before concatenating."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return str(value)
    # An object or array where Paymob puts a scalar cannot be canonicalised: unverifiable.
    raise BadSignature("a signed Paymob field holds a non-scalar value")


def _lookup(transaction: Mapping[str, object], dotted_path: str) -> object:
    node: object = transaction
    for part in dotted_path.split("."):
        if node is None:
            return None
        if not isinstance(node, Mapping):
            raise BadSignature(f"Paymob field {dotted_path} has an unexpected shape")
        node = node.get(part)
    return node


def transaction_hmac_message(transaction: Mapping[str, object]) -> str:
    """The concatenated string Paymob signs, from the `obj` of a processed (POST) callback."""
    return "".join(hmac_value(_lookup(transaction, path)) for path in PAYMOB_HMAC_FIELDS)


def response_query_hmac_message(query: Mapping[str, str]) -> str:
    """The concatenated string Paymob signs, from the query of a response (GET) callback."""
    return "".join(hmac_value(_query_field(query, path)) for path in PAYMOB_HMAC_FIELDS)


def _query_field(query: Mapping[str, str], path: str) -> object:
    if path == "order.id":
        for key in _GET_ORDER_ID_KEYS:
            if key in query:
                return query[key]
        return None
    return query.get(path)


def sign(message: str, secret: str) -> str:
    """Lowercase hex HMAC-SHA512 of `message` keyed with `secret`."""
    return hmac.new(secret.encode("utf-8"), message.encode("utf-8"), hashlib.sha512).hexdigest()


def sign_transaction(transaction: Mapping[str, object], secret: str) -> str:
    """The `hmac` query value Paymob sends with a processed callback for `transaction`."""
    return sign(transaction_hmac_message(transaction), secret)


def _require_valid_hmac(message: str, received: object, secret: str) -> None:
    if not secret:
        # An empty key would let anyone compute valid HMACs: fail closed.
        raise BadSignature("no Paymob HMAC secret is configured")
    if not isinstance(received, str) or not _HEX_SHA512.match(received):
        raise BadSignature("missing or malformed hmac query parameter")
    if not hmac.compare_digest(sign(message, secret), received.lower()):
        raise BadSignature("Paymob hmac does not match")


# ---------------------------------------------------------------------------- callback parsing

def _decode_json_object(body: bytes) -> Mapping[str, object]:
    try:
        document = loads_bounded(body)
    except (ValueError, TypeError) as error:  # too deep is ValidationFailed (400), not caught
        raise BadSignature("callback body is not JSON") from error
    if not isinstance(document, dict):
        raise BadSignature("callback body is not a JSON object")
    return document


def _flag(signed: Mapping[str, str], name: str) -> bool:
    value = signed.get(name, "")
    if value not in ("true", "false"):
        raise ValidationFailed(fields={name: "يجب أن يكون true أو false / must be true or false"})
    return value == "true"


def _amount_piasters(signed: Mapping[str, str]) -> int:
    amount = signed.get("amount_cents", "")
    if not _DIGITS.match(amount):
        raise ValidationFailed(fields={"amount_cents": "يجب أن يكون عددًا صحيحًا من القروش / must be a whole number of piasters"})
    return int(amount)


def _merchant_reference(value: object) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int)) or str(value).strip() == "":
        raise ValidationFailed(fields={"merchant_order_id": "حقل مطلوب / required"})
    return str(value)


def parse_created_at(value: str) -> Optional[datetime]:
    """Paymob's `created_at` has no offset; we read it as Cairo local time (an assumption: the
    docs show no zone). Unparseable times become None rather than an error: the time is advisory."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    if moment.tzinfo is None:
        try:
            from zoneinfo import ZoneInfo

            moment = moment.replace(tzinfo=ZoneInfo(_CAIRO_ZONE_NAME))
        except (ImportError, KeyError, OSError, ValueError):
            return None
    return moment.astimezone(timezone.utc)


def _is_settled_payment(signed: Mapping[str, str]) -> bool:
    """A payment counts only if it succeeded and is not a refund, void, capture or auth leg:
    those child transactions carry the same order and a success flag of their own."""
    reversal_or_child = ("pending", "is_voided", "is_refunded", "has_parent_transaction",
                         "error_occured", "is_auth")
    return _flag(signed, "success") and not any(_flag(signed, name) for name in reversal_or_child)


@dataclass(frozen=True)
class Account:
    """Who the callbacks must come from: the account's integration ids and owner (user) id."""

    integration_ids: frozenset[str]
    owner: str

    @classmethod
    def of(cls, integration_ids: str, owner: str) -> "Account":
        return cls(frozenset(i.strip() for i in integration_ids.split(",") if i.strip()),
                   owner.strip())


def _require_canonical(signed: Mapping[str, str], account: Account) -> None:
    """Each signed value in its one canonical form (see the module docstring): a verified HMAC
    over a separator-less concatenation proves the string, not where each field ends."""
    if not account.integration_ids or not account.owner:
        raise BadSignature("no Paymob integration id or owner is configured")
    problems = []
    if signed.get("integration_id") not in account.integration_ids:
        problems.append("integration_id")
    if signed.get("owner") != account.owner:
        problems.append("owner")
    for name in ("id", "order.id"):
        if not _CANONICAL_ID.match(signed.get(name, "")):
            problems.append(name)
    if not _CANONICAL_INTEGER.match(signed.get("amount_cents", "")):
        problems.append("amount_cents")
    if not _CREATED_AT.match(signed.get("created_at", "")) or \
            parse_created_at(signed["created_at"]) is None:
        problems.append("created_at")
    problems += [name for name in SIGNED_BOOLEANS if signed.get(name) not in ("true", "false")]
    if problems:
        raise ValidationFailed(fields={name: "not in Paymob's canonical form for this account / قيمة غير مقبولة من بوابة الدفع"
                                       for name in problems})


def _event(gateway: str, signed: Mapping[str, str], merchant_reference: object,
           payload: Mapping[str, object]) -> GatewayEvent:
    transaction_id = signed.get("id", "")
    if not transaction_id:
        raise ValidationFailed(fields={"id": "حقل مطلوب / required"})
    if signed.get("currency") != "EGP":
        raise ValidationFailed(fields={"currency": "الجنيه المصري فقط / only EGP is accepted"})
    return GatewayEvent(
        gateway=gateway,
        transaction_id=transaction_id,
        merchant_reference=_merchant_reference(merchant_reference),
        amount_piasters=_amount_piasters(signed),
        currency="EGP",
        success=_is_settled_payment(signed),
        pending=_flag(signed, "pending"),
        occurred_at=parse_created_at(signed.get("created_at", "")),
        raw={"gateway_order_reference": signed.get("order.id", ""),
             "merchant_reference_signed": False,
             "payload": payload},
    )


def parse_processed_callback(query: Mapping[str, str], body: bytes, secret: str,
                             account: Account, gateway: str = "paymob") -> GatewayEvent:
    """Verify and normalise a POST transaction processed callback."""
    document = _decode_json_object(body)
    transaction = document.get("obj")
    if document.get("type") != "TRANSACTION" or not isinstance(transaction, dict):
        raise BadSignature("not a Paymob TRANSACTION callback")
    message = transaction_hmac_message(transaction)
    _require_valid_hmac(message, query.get("hmac"), secret)
    signed = {path: hmac_value(_lookup(transaction, path)) for path in PAYMOB_HMAC_FIELDS}
    order = transaction.get("order")
    merchant_reference = order.get("merchant_order_id") if isinstance(order, dict) else None
    event = _event(gateway, signed, merchant_reference, document)
    _require_canonical(signed, account)
    return event


def parse_response_callback(query: Mapping[str, str], secret: str, account: Account,
                            gateway: str = "paymob") -> GatewayEvent:
    """Verify and normalise a GET transaction response callback (fields in the query)."""
    if not all(isinstance(key, str) and isinstance(value, str) for key, value in query.items()):
        raise BadSignature("query parameters must be strings")
    message = response_query_hmac_message(query)
    _require_valid_hmac(message, query.get("hmac"), secret)
    signed = {path: hmac_value(_query_field(query, path)) for path in PAYMOB_HMAC_FIELDS}
    payload = {key: value for key, value in query.items() if key != "hmac"}
    event = _event(gateway, signed, query.get("merchant_order_id"), payload)
    _require_canonical(signed, account)
    return event


def parse_paymob_callback(query: Mapping[str, str], body: bytes, secret: str, account: Account,
                          gateway: str = "paymob") -> GatewayEvent:
    """Either callback: a body means the processed (POST) one, none means the response (GET)."""
    if not isinstance(query, Mapping):
        raise BadSignature("query parameters missing")
    if body is None or (isinstance(body, (bytes, bytearray, str)) and not body.strip()):
        return parse_response_callback(query, secret, account, gateway)
    if not isinstance(body, (bytes, bytearray, str)):
        raise BadSignature("callback body has an unexpected type")
    return parse_processed_callback(query, body, secret, account, gateway)


# ---------------------------------------------------------------------------- the adapter

def _true(transaction: Mapping[str, object], name: str) -> bool:
    # The inquiry answers JSON booleans; its flattened form (as in the response callback)
    # carries them as "true"/"false" strings.
    value = transaction.get(name)
    return value is True or value == "true"


def _state_of_transaction(transaction: Mapping[str, object]) -> str:
    if _true(transaction, "pending"):
        return "pending"
    reversed_ = any(_true(transaction, name) for name in
                    ("is_refunded", "is_voided", "has_parent_transaction", "is_auth"))
    if _true(transaction, "success") and not reversed_:
        return "paid"
    return "failed"


def _inquiry_amount(value: object) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and _DIGITS.match(value):
        return int(value)
    return 0


def _inquiry_reference(answer: Mapping[str, object]) -> object:
    order = answer.get("order")
    if isinstance(order, dict):
        return order.get("merchant_order_id")
    return answer.get("merchant_order_id")


def _billing_data(customer_mobile: str) -> dict[str, str]:
    # Paymob requires every billing key; "NA" is its documented filler for unknown values.
    keys = ("apartment", "email", "floor", "first_name", "street", "building", "shipping_method",
            "postal_code", "city", "country", "last_name", "state")
    data = {key: "NA" for key in keys}
    data["phone_number"] = customer_mobile or "NA"
    return data


class PaymobGateway(PaymentGateway):
    """Paymob Accept behind the PaymentGateway port."""

    def __init__(self, hmac_secret: str, api_key: str = "", integration_id: str = "",
                 iframe_id: str = "", base_url: str = PAYMOB_BASE_URL,
                 timeout_seconds: float = _http.DEFAULT_TIMEOUT_SECONDS,
                 name: str = "paymob", owner_id: str = "",
                 callback_integration_ids: str = "") -> None:
        if not hmac_secret:
            raise ValueError("PaymobGateway needs the account's HMAC secret")
        self.name = name
        self._hmac_secret = hmac_secret
        self._api_key = api_key
        self._integration_id = integration_id
        # Callbacks may come from the checkout integration or others of the same account.
        self._account = Account.of(callback_integration_ids or integration_id, owner_id)
        self._iframe_id = iframe_id
        self._base_url = base_url.rstrip("/")
        self._timeout = timeout_seconds

    # -- webhook
    def parse_webhook(self, headers: Mapping[str, str], query: Mapping[str, str],
                      body: bytes) -> GatewayEvent:
        return parse_paymob_callback(query, body, self._hmac_secret, self._account, self.name)

    # -- outbound API
    def _post(self, path: str, payload: Mapping[str, object]) -> Mapping[str, object]:
        status, answer = _http.request_json("POST", f"{self._base_url}{path}", dict(payload),
                                            timeout=self._timeout)
        if not 200 <= status < 300 or not isinstance(answer, dict):
            raise GatewayUnavailable(f"Paymob {path} answered HTTP {status}")
        return answer

    def _auth_token(self) -> str:
        if not self._api_key:
            raise GatewayUnavailable("Paymob API key is not configured")
        token = self._post("/api/auth/tokens", {"api_key": self._api_key}).get("token")
        if not isinstance(token, str) or not token:
            raise GatewayUnavailable("Paymob authentication returned no token")
        return token

    def create_checkout(self, merchant_reference: str, amount_piasters: int,
                        description: str, customer_mobile: str) -> Checkout:
        if not (self._integration_id and self._iframe_id):
            raise GatewayUnavailable("Paymob integration or iframe id is not configured")
        token = self._auth_token()
        order = self._post("/api/ecommerce/orders", {
            "auth_token": token, "delivery_needed": False, "amount_cents": amount_piasters,
            "currency": "EGP", "merchant_order_id": merchant_reference,
            "items": [{"name": description[:50], "amount_cents": amount_piasters,
                       "description": description[:255], "quantity": 1}],
        })
        order_id = order.get("id")
        if isinstance(order_id, bool) or not isinstance(order_id, (int, str)) or order_id == "":
            raise GatewayUnavailable("Paymob order registration returned no id")
        payment_key = self._post("/api/acceptance/payment_keys", {
            "auth_token": token, "amount_cents": amount_piasters, "expiration": 3600,
            "order_id": order_id, "billing_data": _billing_data(customer_mobile),
            "currency": "EGP", "integration_id": int(self._integration_id),
        }).get("token")
        if not isinstance(payment_key, str) or not payment_key:
            raise GatewayUnavailable("Paymob payment key request returned no token")
        url = _http.with_query(f"{self._base_url}/api/acceptance/iframes/{self._iframe_id}",
                               {"payment_token": payment_key})
        return Checkout(checkout_url=url, gateway_reference=str(order_id))

    def query_status(self, merchant_reference: str) -> GatewayStatus:
        token = self._auth_token()
        status, answer = _http.request_json(
            "POST", f"{self._base_url}/api/ecommerce/orders/transaction_inquiry",
            {"auth_token": token, "merchant_order_id": merchant_reference},
            headers={"Authorization": f"Token {token}"}, timeout=self._timeout)
        if status == 404:
            return GatewayStatus(merchant_reference=merchant_reference, state="unknown")
        if not 200 <= status < 300 or not isinstance(answer, dict):
            raise GatewayUnavailable(f"Paymob inquiry answered HTTP {status}")
        if _inquiry_reference(answer) not in (None, merchant_reference):
            raise GatewayUnavailable("Paymob inquiry answered for another order")
        transaction_id = answer.get("id")
        return GatewayStatus(
            merchant_reference=merchant_reference,
            state=_state_of_transaction(answer),
            transaction_id="" if transaction_id is None else str(transaction_id),
            amount_piasters=_inquiry_amount(answer.get("amount_cents")),
        )

    def transaction_status(self, merchant_reference: str, transaction_id: str) -> GatewayStatus:
        """Paymob's "retrieve transaction" API: a transaction Paymob does not know, or one of
        another order, is `unknown` for this payment."""
        unknown = GatewayStatus(merchant_reference=merchant_reference, state="unknown")
        if not _CANONICAL_ID.match(transaction_id):
            return unknown
        token = self._auth_token()
        status, answer = _http.request_json(
            "GET", f"{self._base_url}/api/acceptance/transactions/{transaction_id}",
            headers={"Authorization": f"Bearer {token}"}, timeout=self._timeout)
        if status == 404:
            return unknown
        if not 200 <= status < 300 or not isinstance(answer, dict):
            raise GatewayUnavailable(f"Paymob transaction inquiry answered HTTP {status}")
        if _inquiry_reference(answer) != merchant_reference or str(answer.get("id")) != transaction_id:
            return unknown
        return GatewayStatus(merchant_reference=merchant_reference,
                             state=_state_of_transaction(answer), transaction_id=transaction_id,
                             amount_piasters=_inquiry_amount(answer.get("amount_cents")))

