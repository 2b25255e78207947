"""The district technology centre's counter: payments taken by a clerk, their receipts, and the
clerk's cash drawer at the end of the day. Pure rules; the store makes them exactly-once.

- A counter payment pays exactly the fee lines due now. Its id is derived from the application,
  the status whose fees it pays and those lines, so a replayed request, or two clerks pressing
  "record" for the same fees at once, name one payment: the store's conditional create lets one
  through and the other reads it back.
- It is then settled through the gateways' exactly-once path (`payments.apply_event`) as a
  `counter` event, so the payments stream moves the application on exactly as for Paymob.
- Receipt numbers run per centre (district) per year without gaps: `RCT-EAST-2026-000042`.
- A clerk's drawer for a Cairo business day is closed once with the counted cash; the cash
  expected is what that clerk took in cash that day. A closed day takes no more payments.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Iterable, Mapping, Optional

from chalicelib.domain.fees import FeeLine
from chalicelib.domain.payments import PAID, IncomingEvent, Payment

GATEWAY = "counter"
CASH, CARD = "cash", "card"
METHODS = (CASH, CARD)
RECEIPT_PREFIX = "RCT"
COUNTER_PAYMENT_PREFIX = "PAY-CTR-"


def counter_payment_id(application_id: str, application_status: str,
                       due: Iterable[FeeLine]) -> str:
    """The one payment id for these fees of this application at this status."""
    shape = sorted(f"{line.code}:{line.stage}:{line.amount_piasters}" for line in due)
    digest = hashlib.sha256("|".join([application_id, application_status, *shape])
                            .encode("utf-8")).hexdigest()
    return f"{COUNTER_PAYMENT_PREFIX}{digest[:20].upper()}"


def receipt_number(district: str, year: int, sequence: int) -> str:
    return f"{RECEIPT_PREFIX}-{district}-{year:04d}-{sequence:06d}"


def receipt_sequence_name(district: str, year: int) -> str:
    """The counter the receipt numbers of one centre and year are drawn from."""
    return f"{RECEIPT_PREFIX}-{district}-{year:04d}"


def counter_details(method: str, clerk_sub: str, clerk_name: str, day: str) -> dict:
    """What a counter payment keeps of how it was taken; the store adds the receipt number."""
    return {"method": method, "clerk": clerk_sub, "clerk_name": clerk_name, "day": day,
            "receipt_number": ""}


def settlement(payment: Payment) -> IncomingEvent:
    """The event that settles a counter payment: the money is in the clerk's hands, in full.
    Keyed on the receipt number, so a replay of the settlement is a duplicate."""
    return IncomingEvent(gateway=GATEWAY,
                         transaction_id=str((payment.counter or {}).get("receipt_number", "")),
                         amount_piasters=payment.amount_piasters, currency=payment.currency,
                         success=True, pending=False,
                         gateway_order_reference=payment.gateway_reference, source="counter")


@dataclass(frozen=True)
class DrawerClosing:
    """A clerk's drawer closed for one Cairo business day, with the cash counted in it."""

    day: str
    district: str
    clerk: str
    clerk_name: str
    counted_piasters: int
    closed_at: str


def cash_taken(payments: Iterable[Payment]) -> dict[tuple[str, str, str], int]:
    """Cash each clerk took, by (day, district, clerk): what their drawer should hold."""
    taken: dict[tuple[str, str, str], int] = {}
    for payment in payments:
        counter = payment.counter or {}
        if payment.gateway != GATEWAY or payment.status != PAID or counter.get("method") != CASH:
            continue
        key = (str(counter.get("day", payment.day)), payment.district, str(counter.get("clerk")))
        taken[key] = taken.get(key, 0) + payment.amount_piasters
    return taken


def drawer_report(payments: Iterable[Payment], closings: Iterable[DrawerClosing],
                  clerk_names: Optional[Mapping[str, str]] = None) -> list[dict]:
    """Each clerk's drawer per day: expected cash, counted cash, the difference, and a flag when
    they differ or the drawer took cash and was never closed."""
    payments = list(payments)
    names = dict(clerk_names or {})
    for payment in payments:
        if payment.counter:
            names.setdefault(str(payment.counter.get("clerk")), str(payment.counter.get("clerk_name", "")))
    expected = cash_taken(payments)
    closed = {(c.day, c.district, c.clerk): c for c in closings}
    rows = []
    for key in sorted(set(expected) | set(closed)):
        day, district, clerk = key
        closing = closed.get(key)
        want = expected.get(key, 0)
        counted = closing.counted_piasters if closing else None
        difference = counted - want if counted is not None else None
        rows.append({"day": day, "district": district, "clerk": clerk,
                     "clerk_name": closing.clerk_name if closing else names.get(clerk, ""),
                     "expected_cash_piasters": want, "counted_cash_piasters": counted,
                     "difference_piasters": difference, "closed": closing is not None,
                     "closed_at": closing.closed_at if closing else None,
                     "flagged": difference != 0})
    return rows


def closing(day: str, district: str, clerk: str, clerk_name: str, counted_piasters: int,
            now: datetime) -> DrawerClosing:
    from chalicelib.domain.applications import iso

    if counted_piasters < 0:
        raise ValueError("counted cash cannot be negative")
    return DrawerClosing(day=day, district=district, clerk=clerk, clerk_name=clerk_name,
                         counted_piasters=counted_piasters, closed_at=iso(now))
