"""The local-stack sandbox gateway: a checkout page of our own that pays or fails on a click and
then calls our webhook signed exactly as Paymob signs its transaction processed callback.

Because the callback is a genuine Paymob-shaped, Paymob-signed request, the webhook path that the
sandbox exercises (verification, normalisation, settlement) is the one production runs.
"""
from __future__ import annotations

import hashlib
import html
import json
import urllib.parse
from datetime import datetime, timezone
from typing import Mapping, Optional

from chalicelib.adapters.gateways.paymob import Account, parse_paymob_callback, sign_transaction
from chalicelib.domain.gateway_messages import Checkout, GatewayEvent, GatewayStatus
from chalicelib.ports import SimulatedGateway

SANDBOX_INTEGRATION_ID = 1
SANDBOX_OWNER_ID = 1
SANDBOX_ACCOUNT = Account.of(str(SANDBOX_INTEGRATION_ID), str(SANDBOX_OWNER_ID))
_CAIRO_ZONE_NAME = "Africa/Cairo"


def sandbox_order_id(merchant_reference: str) -> int:
    """A stable, Paymob-like integer order id for a merchant reference (the signed `order.id`)."""
    return int(hashlib.sha256(merchant_reference.encode("utf-8")).hexdigest()[:12], 16)


def _cairo_local_now() -> datetime:
    # Paymob sends created_at as zone-less local time; mimic it.
    try:
        from zoneinfo import ZoneInfo

        return datetime.now(ZoneInfo(_CAIRO_ZONE_NAME)).replace(tzinfo=None)
    except (ImportError, KeyError, OSError, ValueError):
        return datetime.now(timezone.utc).replace(tzinfo=None)


def sandbox_transaction(merchant_reference: str, amount_piasters: int, success: bool,
                        transaction_id: str, created_at: Optional[datetime] = None) -> dict:
    """The `obj` of a Paymob transaction processed callback for a sandbox card payment."""
    moment = created_at or _cairo_local_now()
    return {
        "id": transaction_id,
        "pending": False,
        "amount_cents": amount_piasters,
        "success": success,
        "is_auth": False,
        "is_capture": False,
        "is_standalone_payment": True,
        "is_voided": False,
        "is_refunded": False,
        "is_3d_secure": True,
        "integration_id": SANDBOX_INTEGRATION_ID,
        "has_parent_transaction": False,
        "order": {
            "id": sandbox_order_id(merchant_reference),
            "merchant_order_id": merchant_reference,
            "amount_cents": amount_piasters,
            "currency": "EGP",
        },
        "created_at": moment.isoformat(),
        "currency": "EGP",
        "error_occured": False,
        "owner": SANDBOX_OWNER_ID,
        "source_data": {"type": "card", "pan": "2346", "sub_type": "MasterCard"},
        "data": {"message": "Approved" if success else "Do not honour"},
    }


def build_sandbox_callback(merchant_reference: str, amount_piasters: int, success: bool,
                           transaction_id: str, secret: str, *,
                           created_at: Optional[datetime] = None) -> tuple[dict[str, str], bytes]:
    """The (query, body) of the processed callback the sandbox sends to POST /v1/webhooks/sandbox."""
    if not secret:
        raise ValueError("the sandbox signs its callbacks and needs a secret")
    transaction = sandbox_transaction(merchant_reference, amount_piasters, success,
                                      transaction_id, created_at)
    body = json.dumps({"type": "TRANSACTION", "obj": transaction}).encode("utf-8")
    return {"hmac": sign_transaction(transaction, secret)}, body


def _egp_text(amount_piasters: int) -> str:
    pounds, piasters = divmod(amount_piasters, 100)
    return f"{pounds}.{piasters:02d}"


_PAGE = """<!DOCTYPE html>
<html lang="ar" dir="rtl">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>بوابة الدفع التجريبية / Sandbox checkout</title>
<style>
body{{font-family:system-ui,"Noto Naskh Arabic",Tahoma,sans-serif;background:#f4f6f8;margin:0;color:#1d2733}}
main{{max-width:28rem;margin:3rem auto;background:#fff;border-radius:12px;padding:1.5rem 2rem;box-shadow:0 2px 10px rgba(0,0,0,.08)}}
h1{{font-size:1.3rem;margin:0 0 .25rem}}
.en{{direction:ltr;text-align:left;color:#5b6775;font-size:.9rem;margin:0}}
.notice{{background:#fff4d6;border:1px solid #f0c14b;border-radius:8px;padding:.5rem .75rem;margin:1rem 0;font-size:.9rem}}
dl{{display:grid;grid-template-columns:auto 1fr;gap:.4rem 1rem;margin:1rem 0}}
dt{{font-weight:600}}
dd{{margin:0;overflow-wrap:anywhere}}
form{{display:flex;gap:.75rem;margin-top:1.25rem}}
button{{flex:1;font-size:1rem;padding:.75rem;border:0;border-radius:8px;cursor:pointer;color:#fff}}
.pay{{background:#1f7a4d}}
.fail{{background:#b3261e}}
</style>
</head>
<body>
<main>
<h1>بوابة الدفع التجريبية</h1>
<p class="en">Sandbox payment gateway</p>
<p class="notice">للتجربة فقط: لا تُخصم أي أموال حقيقية.<br><span class="en">Testing only: no real money moves.</span></p>
<dl>
<dt>المرجع <span class="en">Reference</span></dt><dd dir="ltr">{reference}</dd>
<dt>الوصف <span class="en">Description</span></dt><dd>{description}</dd>
<dt>المبلغ <span class="en">Amount</span></dt><dd>{amount} ج.م <span class="en">EGP</span></dd>
</dl>
<form method="post" action="{action}">
<button class="pay" type="submit" name="outcome" value="pay">ادفع / Pay</button>
<button class="fail" type="submit" name="outcome" value="fail">فشل الدفع / Fail</button>
</form>
</main>
</body>
</html>
"""


def checkout_path(merchant_reference: str) -> str:
    return f"/sandbox/checkout/{urllib.parse.quote(merchant_reference, safe='')}"


def render_checkout_page(merchant_reference: str, amount_piasters: int, description: str, *,
                         base_url: str = "") -> str:
    """A self-contained page (no JS) whose buttons POST outcome=pay|fail to
    `<base_url>/sandbox/checkout/<ref>/complete`."""
    action = f"{base_url.rstrip('/')}{checkout_path(merchant_reference)}/complete"
    return _PAGE.format(reference=html.escape(merchant_reference),
                        description=html.escape(description),
                        amount=_egp_text(amount_piasters),
                        action=html.escape(action, quote=True))


class SandboxGateway(SimulatedGateway):
    """The sandbox behind the SimulatedGateway port; webhooks verify as Paymob's do."""

    def __init__(self, secret: str, public_base_url: str, name: str = "sandbox") -> None:
        if not secret:
            raise ValueError("SandboxGateway needs a signing secret")
        self.name = name
        self._secret = secret
        self._public_base_url = public_base_url.rstrip("/")

    def create_checkout(self, merchant_reference: str, amount_piasters: int,
                        description: str, customer_mobile: str) -> Checkout:
        query = urllib.parse.urlencode({"amount": amount_piasters})
        url = f"{self._public_base_url}{checkout_path(merchant_reference)}?{query}"
        return Checkout(checkout_url=url,
                        gateway_reference=str(sandbox_order_id(merchant_reference)))

    def parse_webhook(self, headers: Mapping[str, str], query: Mapping[str, str],
                      body: bytes) -> GatewayEvent:
        return parse_paymob_callback(query, body, self._secret, SANDBOX_ACCOUNT, self.name)

    def query_status(self, merchant_reference: str) -> GatewayStatus:
        """The sandbox keeps no ledger of its own: its only record is the signed callback our
        webhook already received, so it honestly reports "unknown" here."""
        return GatewayStatus(merchant_reference=merchant_reference, state="unknown")

    def simulated_callback(self, merchant_reference: str, amount_piasters: int, success: bool,
                           transaction_id: str) -> tuple[dict[str, str], bytes]:
        return build_sandbox_callback(merchant_reference, amount_piasters, success,
                                      transaction_id, self._secret)

    def checkout_page(self, merchant_reference: str, amount_piasters: int,
                      description: str) -> str:
        return render_checkout_page(merchant_reference, amount_piasters, description)

    def result_page(self, merchant_reference: str, outcome: str, payment_status: str) -> str:
        return render_result_page(merchant_reference, outcome, payment_status)


_RESULT_PAGE = """<!DOCTYPE html>
<html lang="ar" dir="rtl">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title_ar} / {title_en}</title>
<style>
body{{font-family:system-ui,"Noto Naskh Arabic",Tahoma,sans-serif;background:#f4f6f8;margin:0;color:#1d2733}}
main{{max-width:28rem;margin:3rem auto;background:#fff;border-radius:12px;padding:1.5rem 2rem;box-shadow:0 2px 10px rgba(0,0,0,.08)}}
.en{{direction:ltr;text-align:left;color:#5b6775;font-size:.9rem}}
</style>
</head>
<body>
<main data-outcome="{outcome}">
<h1>{title_ar}</h1>
<p class="en">{title_en}</p>
<p>{detail_ar}</p>
<p class="en">{detail_en}</p>
<p>المرجع <span class="en">Reference</span>: <span dir="ltr">{reference}</span></p>
</main>
</body>
</html>
"""


def render_result_page(merchant_reference: str, outcome: str, payment_status: str) -> str:
    """What the person sees after pressing Pay or Fail: the webhook's verdict, in both languages."""
    if payment_status == "paid":
        texts = ("تم الدفع", "Payment completed",
                 "سيتم تحديث حالة طلبك خلال لحظات.", "Your application will move on in a moment.")
    elif payment_status == "failed":
        texts = ("لم يتم الدفع", "Payment failed",
                 "يمكنك المحاولة مرة أخرى من صفحة الطلب.", "You may try again from the application.")
    else:
        texts = ("تم تسجيل العملية للمراجعة", "Recorded for review",
                 "ستتم مراجعة هذه العملية.", "This payment will be reviewed.")
    return _RESULT_PAGE.format(title_ar=texts[0], title_en=texts[1], detail_ar=texts[2],
                               detail_en=texts[3], reference=html.escape(merchant_reference),
                               outcome=html.escape(outcome, quote=True))
