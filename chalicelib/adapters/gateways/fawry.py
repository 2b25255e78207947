"""FawryPay: server notification V2 verification, express checkout link and payment status V2.

Every Fawry signature is a plain SHA-256 hex digest over a documented concatenation that ends with
the merchant's secure key (no HMAC construction). Amounts travel as EGP decimals; we parse them as
Decimal and convert to integer piasters exactly, never through float. Sources: docs/gateways.md.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import re
from datetime import datetime, timezone
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Mapping, Optional

from chalicelib.adapters.gateways import _http
from chalicelib.adapters.gateways._http import GatewayUnavailable
from chalicelib.errors import ValidationFailed
from chalicelib.json_input import loads_bounded
from chalicelib.domain.gateway_messages import Checkout, GatewayEvent, GatewayStatus
from chalicelib.ports import BadSignature, PaymentGateway

FAWRY_BASE_URL = "https://www.atfawry.com"
FAWRY_STAGING_BASE_URL = "https://atfawry.fawrystaging.com"
EXPRESS_CHECKOUT_PATH = "/fawrypay-api/api/payments/init"
PAYMENT_STATUS_V2_PATH = "/ECommerceWeb/Fawry/payments/status/v2"

# orderStatus → (success, pending). Both spellings of cancelled appear in Fawry's docs.
ORDER_STATUSES: Mapping[str, tuple[bool, bool]] = {
    "PAID": (True, False),
    "NEW": (False, True),
    "UNPAID": (False, True),
    "EXPIRED": (False, False),
    "REFUNDED": (False, False),
    "PARTIAL_REFUNDED": (False, False),
    "CANCELED": (False, False),
    "CANCELLED": (False, False),
    "FAILED": (False, False),
}
PAYMENT_NOT_FOUND_STATUS_CODE = 9938

_HEX_SHA256 = re.compile(r"^[0-9a-fA-F]{64}$")
_CENT = Decimal("0.01")
MAX_PIASTERS = 10 ** 15  # far above any fee; bounds the int() of an absurd (but signed) amount


def sha256_hex(message: str) -> str:
    return hashlib.sha256(message.encode("utf-8")).hexdigest()


def two_decimals(value: object) -> str:
    """Fawry's "two-decimal format" ('10.00') of an amount, exactly (no float on the way)."""
    if isinstance(value, bool) or not isinstance(value, (int, Decimal, str)):
        raise BadSignature("a signed Fawry amount is missing or not a number")
    try:
        amount = Decimal(value) if not isinstance(value, Decimal) else value
        if not amount.is_finite():
            raise InvalidOperation
        return f"{amount.quantize(_CENT, rounding=ROUND_HALF_UP):f}"
    except (InvalidOperation, ValueError, ArithmeticError) as error:
        raise BadSignature("a signed Fawry amount is not a decimal") from error


def _text(value: object) -> str:
    """A signed text field: missing → "", numbers as written, anything else unverifiable."""
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, (str, int, Decimal)):
        raise BadSignature("a signed Fawry field has an unexpected type")
    return str(value)


def _merchant_ref(notification: Mapping[str, object]) -> object:
    # The V2 notification names it merchantRefNumber; some integrations echo merchantRefNum.
    if "merchantRefNumber" in notification:
        return notification.get("merchantRefNumber")
    return notification.get("merchantRefNum")


def notification_signature_message(notification: Mapping[str, object], secure_key: str) -> str:
    """fawryRefNumber + merchantRefNum + paymentAmount(2dp) + orderAmount(2dp) + orderStatus +
    paymentMethod + paymentRefrenceNumber (sic; "" when absent) + secureKey."""
    return "".join((
        _text(notification.get("fawryRefNumber")),
        _text(_merchant_ref(notification)),
        two_decimals(notification.get("paymentAmount")),
        two_decimals(notification.get("orderAmount")),
        _text(notification.get("orderStatus")),
        _text(notification.get("paymentMethod")),
        _text(notification.get("paymentRefrenceNumber")),
        secure_key,
    ))


def notification_signature(notification: Mapping[str, object], secure_key: str) -> str:
    return sha256_hex(notification_signature_message(notification, secure_key))


def status_request_signature(merchant_code: str, merchant_ref_number: str, secure_key: str) -> str:
    """Payment status (V1 and V2): SHA-256 of merchantCode + merchantRefNumber + secureKey."""
    return sha256_hex(f"{merchant_code}{merchant_ref_number}{secure_key}")


def express_checkout_signature(merchant_code: str, merchant_ref_num: str, customer_profile_id: str,
                               return_url: str, items: list[tuple[str, int, str]],
                               secure_key: str) -> str:
    """merchantCode + merchantRefNum + customerProfileId ("" if none) + returnUrl +
    (itemId + quantity + price(2dp)) for each item sorted by itemId + secureKey."""
    item_part = "".join(f"{item_id}{quantity}{price}" for item_id, quantity, price in sorted(items))
    return sha256_hex(f"{merchant_code}{merchant_ref_num}{customer_profile_id}{return_url}"
                      f"{item_part}{secure_key}")


def piasters_from_egp(amount: object, field_name: str) -> int:
    """EGP decimal → integer piasters, exactly; fractions of a piaster are refused."""
    try:
        egp = Decimal(amount) if isinstance(amount, (int, str)) and not isinstance(amount, bool) \
            else amount
        if not isinstance(egp, Decimal) or not egp.is_finite():
            raise InvalidOperation
        piasters = egp * 100
        if piasters != piasters.to_integral_value() or not 0 <= piasters < MAX_PIASTERS:
            raise InvalidOperation
        return int(piasters)
    except (InvalidOperation, ValueError, ArithmeticError) as error:
        raise ValidationFailed(fields={field_name: "مبلغ بالجنيه بخانتين عشريتين على الأكثر / must be EGP with at most 2 decimals"}) from error


def egp_from_piasters(amount_piasters: int) -> str:
    return f"{(Decimal(amount_piasters) / 100).quantize(_CENT):f}"


def _decode_notification(body: bytes) -> Mapping[str, object]:
    try:
        # Decimal keeps "161.40" exact; float would already have lost the cent.
        document = loads_bounded(body, parse_float=Decimal)
    except (ValueError, TypeError) as error:  # too deep is ValidationFailed (400), not caught
        raise BadSignature("notification body is not JSON") from error
    if not isinstance(document, dict):
        raise BadSignature("notification body is not a JSON object")
    return document


def _occurred_at(payment_time: object) -> Optional[datetime]:
    if isinstance(payment_time, bool) or not isinstance(payment_time, int):
        return None
    try:
        return datetime.fromtimestamp(payment_time / 1000, tz=timezone.utc)
    except (OverflowError, OSError, ValueError):
        return None


def _required_text(value: object, field_name: str) -> str:
    text = _text(value).strip()
    if not text:
        raise ValidationFailed(fields={field_name: "حقل مطلوب / required"})
    return text


def parse_notification(body: bytes, secure_key: str, gateway: str = "fawry") -> GatewayEvent:
    """Verify and normalise a server-to-server notification V2 (POST JSON)."""
    if not secure_key:
        raise BadSignature("no Fawry secure key is configured")
    if not isinstance(body, (bytes, bytearray, str)):
        raise BadSignature("notification body has an unexpected type")
    notification = _decode_notification(body)
    received = notification.get("messageSignature")
    if not isinstance(received, str) or not _HEX_SHA256.match(received):
        raise BadSignature("missing or malformed messageSignature")
    expected = notification_signature(notification, secure_key)
    if not hmac.compare_digest(expected, received.lower()):
        raise BadSignature("Fawry messageSignature does not match")
    status = _text(notification.get("orderStatus")).upper()
    if status not in ORDER_STATUSES:
        raise ValidationFailed(fields={"orderStatus": "حالة غير معروفة / unknown status"})
    success, pending = ORDER_STATUSES[status]
    fawry_ref = _required_text(notification.get("fawryRefNumber"), "fawryRefNumber")
    merchant_ref = _required_text(_merchant_ref(notification), "merchantRefNumber")
    return GatewayEvent(
        gateway=gateway,
        transaction_id=fawry_ref,
        merchant_reference=merchant_ref,
        amount_piasters=piasters_from_egp(notification.get("orderAmount"), "orderAmount"),
        currency="EGP",
        success=success,
        pending=pending,
        occurred_at=_occurred_at(notification.get("paymentTime")),
        raw={"gateway_order_reference": merchant_ref,
             "merchant_reference_signed": True,
             "order_status": status,
             "payment_amount_piasters": piasters_from_egp(notification.get("paymentAmount"),
                                                          "paymentAmount"),
             "payload": json.loads(json.dumps(notification, default=str))},
    )


def _state_of(order_status: str) -> str:
    if order_status not in ORDER_STATUSES:
        return "unknown"
    success, pending = ORDER_STATUSES[order_status]
    return "paid" if success else "pending" if pending else "failed"


class FawryGateway(PaymentGateway):
    """FawryPay behind the PaymentGateway port (express checkout link + notification V2)."""

    def __init__(self, merchant_code: str, security_key: str, return_url: str,
                 base_url: str = FAWRY_BASE_URL,
                 timeout_seconds: float = _http.DEFAULT_TIMEOUT_SECONDS,
                 name: str = "fawry", language: str = "ar-eg") -> None:
        if not (merchant_code and security_key):
            raise ValueError("FawryGateway needs the merchant code and security key")
        self.name = name
        self._merchant_code = merchant_code
        self._security_key = security_key
        self._return_url = return_url
        self._base_url = base_url.rstrip("/")
        self._timeout = timeout_seconds
        self._language = language

    def parse_webhook(self, headers: Mapping[str, str], query: Mapping[str, str],
                      body: bytes) -> GatewayEvent:
        return parse_notification(body, self._security_key, self.name)

    def charge_request(self, merchant_reference: str, amount_piasters: int, description: str,
                       customer_mobile: str) -> dict[str, object]:
        """The signed express-checkout charge request (one item: the fee being paid)."""
        price = egp_from_piasters(amount_piasters)
        signature = express_checkout_signature(
            self._merchant_code, merchant_reference, "", self._return_url,
            [(merchant_reference, 1, price)], self._security_key)
        return {
            "merchantCode": self._merchant_code,
            "merchantRefNum": merchant_reference,
            "customerMobile": customer_mobile,
            "language": self._language,
            # JSON has no decimal type; float() of a 2-dp Decimal prints back the same value.
            "chargeItems": [{"itemId": merchant_reference, "description": description[:255],
                             "price": float(Decimal(price)), "quantity": 1}],
            "returnUrl": self._return_url,
            "authCaptureModePayment": False,
            "signature": signature,
        }

    def create_checkout(self, merchant_reference: str, amount_piasters: int,
                        description: str, customer_mobile: str) -> Checkout:
        payload = self.charge_request(merchant_reference, amount_piasters, description,
                                      customer_mobile)
        status, text = _http.request_text("POST", f"{self._base_url}{EXPRESS_CHECKOUT_PATH}",
                                          payload, timeout=self._timeout)
        url = _checkout_url_from(text)
        if not 200 <= status < 300 or url is None:
            raise GatewayUnavailable(f"Fawry express checkout answered HTTP {status}")
        return Checkout(checkout_url=url, gateway_reference=merchant_reference)

    def query_status(self, merchant_reference: str) -> GatewayStatus:
        url = _http.with_query(f"{self._base_url}{PAYMENT_STATUS_V2_PATH}", {
            "merchantCode": self._merchant_code,
            "merchantRefNumber": merchant_reference,
            "signature": status_request_signature(self._merchant_code, merchant_reference,
                                                  self._security_key),
        })
        http_status, text = _http.request_text("GET", url, timeout=self._timeout)
        try:
            answer = json.loads(text, parse_float=Decimal)
        except (ValueError, RecursionError) as error:
            raise GatewayUnavailable(f"Fawry status answered non-JSON, HTTP {http_status}") from error
        if not isinstance(answer, dict):
            raise GatewayUnavailable("Fawry status answered an unexpected document")
        code = answer.get("statusCode", 200)
        if code == PAYMENT_NOT_FOUND_STATUS_CODE:
            return GatewayStatus(merchant_reference=merchant_reference, state="unknown")
        if not 200 <= http_status < 300 or code != 200:
            raise GatewayUnavailable(f"Fawry status refused: statusCode {code}")
        order_status = str(answer.get("orderStatus") or answer.get("paymentStatus") or "").upper()
        try:
            amount = piasters_from_egp(answer.get("orderAmount", answer.get("paymentAmount")),
                                       "orderAmount")
        except ValidationFailed:
            amount = 0
        reference = answer.get("fawryRefNumber", answer.get("referenceNumber"))
        return GatewayStatus(merchant_reference=merchant_reference, state=_state_of(order_status),
                             transaction_id="" if reference is None else str(reference),
                             amount_piasters=amount)


def _checkout_url_from(text: str) -> Optional[str]:
    """The express checkout answers the redirect URL itself, sometimes as a JSON string."""
    candidate = text.strip()
    try:
        decoded = json.loads(candidate)
        if isinstance(decoded, str):
            candidate = decoded.strip()
    except ValueError:
        pass
    if candidate.startswith(("https://", "http://")) and " " not in candidate:
        return candidate
    return None
