"""Payments: one attempt to pay what an application owes now, and the rules for a gateway's word.

A payment is created for exactly the fee lines due at that moment, with a merchant reference that
is unique to the attempt and never reused (gateways refuse a second order under one reference).
Gateway events are applied by `apply_event`, a pure function; the adapter makes it exactly-once.

Rules (docs/gateways.md):
- An event is identified by (gateway, transaction id, success, pending): the same transaction id
  may come back later as a refund or a void, and Fawry sends NEW then PAID for one reference.
- A repeated event changes nothing.
- A failure (or refund, void) after a success never un-pays; it is recorded.
- An amount or currency that differs from what was asked is recorded and the payment is
  flagged for reconciliation; a flagged payment never advances the application.
- Finance clears a flag by refunding at the gateway and recording it (`record_refund`): a
  payment whose whole amount went back is `refunded` for good; a payment that stands (an extra
  transaction refunded) stays paid. Money arriving on a refunded payment flags it again.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any, Iterable, Mapping, Optional

from chalicelib.domain.applications import iso, parse_iso
from chalicelib.domain.calendar import cairo_date
from chalicelib.domain.fees import FeeLine, total

PENDING = "pending"
PAID = "paid"
FAILED = "failed"
FLAGGED = "flagged"
REFUNDED = "refunded"
# Flag reasons (`Payment.flag_reason`): what finance must look at.
MISMATCH = "amount_or_currency_mismatch"
PAID_TWICE = "paid_twice"
MISMATCH_AFTER_PAID = "mismatch_after_paid"
PAID_BUT_NOT_DUE = "paid_but_not_due"
PAID_AFTER_REFUND = "paid_after_refund"
# Part of what it paid is no longer owed: the citizen amended the details to cost less.
OVERPAID_AFTER_AMENDMENT = "overpaid_after_amendment"
CURRENCY = "EGP"
REFERENCE_PREFIX = "PAY-"

# Outcomes of applying one event.
DUPLICATE = "duplicate"
RECORDED = "recorded"  # kept in the history; the status does not change


@dataclass(frozen=True)
class Payment:
    id: str  # also the merchant reference sent to the gateway
    application_id: str
    owner: str
    district: str
    gateway: str
    amount_piasters: int
    lines: tuple[FeeLine, ...]
    application_status: str  # the status whose fees this pays (submitted, approved)
    status: str
    created_at: str
    updated_at: str
    currency: str = CURRENCY
    gateway_reference: str = ""
    checkout_url: str = ""
    transaction_id: str = ""
    paid_at: str = ""
    flag_reason: str = ""
    events: tuple[Mapping[str, Any], ...] = ()
    # Counter payments only (gateway "counter"): method, clerk, clerk_name, receipt_number.
    counter: Optional[Mapping[str, Any]] = None
    applied_at: str = ""  # when the payments stream (or the sweeper) applied it to its application
    version: int = 0

    @property
    def merchant_reference(self) -> str:
        return self.id

    @property
    def day(self) -> str:
        """The Cairo business day it counts on: the day it was paid, else the day it began."""
        return cairo_date(parse_iso(self.paid_at or self.created_at)).isoformat()

    def seen(self, key: str) -> bool:
        return any(e.get("key") == key for e in self.events)


@dataclass(frozen=True)
class IncomingEvent:
    """What `apply_event` needs of a verified gateway event (a GatewayEvent of domain/gateway_messages.py, or a status)."""

    gateway: str
    transaction_id: str
    amount_piasters: int
    currency: str
    success: bool
    pending: bool
    gateway_order_reference: str
    source: str = "webhook"  # or "reconciliation", "abandoned"


@dataclass(frozen=True)
class Applied:
    payment: Payment
    outcome: str  # DUPLICATE, RECORDED, or the new status (PAID, FAILED, FLAGGED)

    @property
    def changed(self) -> bool:
        return self.outcome != DUPLICATE


class EventRefused(Exception):
    """A verified event that cannot belong to this payment (wrong gateway or gateway order)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def new_payment(payment_id: str, application_id: str, owner: str, district: str,
                application_status: str, due: Iterable[FeeLine], gateway: str,
                now: datetime) -> Payment:
    lines = tuple(replace(line, paid_by=None) for line in due)
    at = iso(now)
    return Payment(id=payment_id, application_id=application_id, owner=owner, district=district,
                   gateway=gateway, amount_piasters=total(lines), lines=lines,
                   application_status=application_status, status=PENDING, created_at=at,
                   updated_at=at)


# A checkout nobody paid is closed after this long: Paymob's payment key lives an hour, and an
# expired Fawry reference is answered EXPIRED by Fawry itself, which settles it sooner.
ABANDON_AFTER_HOURS = 24


def abandonment(payment: Payment) -> IncomingEvent:
    """The event that closes an attempt still undecided at the gateway ABANDON_AFTER_HOURS after
    checkout, so that it leaves the pending list. It fails the attempt without un-paying
    anything: a real success that arrives later still pays it (see `_next_status`)."""
    return IncomingEvent(gateway=payment.gateway,
                         transaction_id=f"abandoned-{payment.merchant_reference}",
                         amount_piasters=payment.amount_piasters, currency=payment.currency,
                         success=False, pending=False,
                         gateway_order_reference=payment.gateway_reference, source="abandoned")


def event_key(event: IncomingEvent) -> str:
    """The idempotency key of a gateway event (see the module docstring)."""
    return (f"payevt#{event.gateway}#{event.transaction_id}#"
            f"{'ok' if event.success else 'no'}#{'pending' if event.pending else 'final'}")


def apply_event(payment: Payment, event: IncomingEvent, now: datetime) -> Applied:
    """The payment after a verified gateway event, and what happened to it."""
    if event.gateway != payment.gateway:
        raise EventRefused("gateway")
    if payment.gateway_reference and event.gateway_order_reference != payment.gateway_reference:
        # Paymob does not sign merchant_order_id: a genuine callback re-pointed at another
        # payment is caught here, by the signed order id stored at checkout.
        raise EventRefused("gateway_order_reference")
    key = event_key(event)
    if payment.seen(key):
        return Applied(payment, DUPLICATE)
    mismatch = _mismatch(payment, event)
    status, flag_reason, outcome = _next_status(payment, event, mismatch)
    at = iso(now)
    record = {"key": key, "transaction_id": event.transaction_id, "success": event.success,
              "pending": event.pending, "amount_piasters": event.amount_piasters,
              "currency": event.currency, "at": at, "source": event.source, "outcome": outcome}
    if mismatch:
        record["mismatch"] = mismatch
    paid_now = status == PAID and payment.status != PAID
    changed = replace(
        payment, status=status, updated_at=at, events=payment.events + (record,),
        flag_reason=flag_reason,
        transaction_id=event.transaction_id if paid_now or (
            status == FLAGGED and not payment.transaction_id) else payment.transaction_id,
        paid_at=at if paid_now else payment.paid_at)
    return Applied(changed, outcome)


def _mismatch(payment: Payment, event: IncomingEvent) -> str:
    if event.currency != payment.currency:
        return f"currency {event.currency} instead of {payment.currency}"
    if event.amount_piasters != payment.amount_piasters:
        return f"amount {event.amount_piasters} instead of {payment.amount_piasters}"
    return ""


def _next_status(payment: Payment, event: IncomingEvent, mismatch: str) -> tuple[str, str, str]:
    """(status, flag_reason, outcome)."""
    current, reason = payment.status, payment.flag_reason
    if current == REFUNDED:
        settled = event.success and not event.pending
        return REFUNDED, PAID_AFTER_REFUND if settled else reason, RECORDED
    if current == PAID:
        if event.success and not mismatch:
            # A second settled transaction for one attempt: the citizen paid twice.
            return PAID, PAID_TWICE, RECORDED
        return PAID, reason or (MISMATCH_AFTER_PAID if mismatch else ""), RECORDED
    if mismatch and (event.success or current != FLAGGED):
        return FLAGGED, MISMATCH, FLAGGED
    if current == FLAGGED:
        return FLAGGED, reason, RECORDED
    if event.pending:
        return current, reason, RECORDED
    if event.success:
        return PAID, "", PAID
    return FAILED, reason, FAILED if current != FAILED else RECORDED


def second_settlement(payment: Payment, event: IncomingEvent) -> bool:
    """True if `event` would flag the payment PAID_TWICE: a new settled, matching transaction on
    a payment already paid. Such an event is believed only once the gateway confirms it."""
    ours = event.gateway == payment.gateway and (
        not payment.gateway_reference or event.gateway_order_reference == payment.gateway_reference)
    return (ours and payment.status == PAID and event.success and not event.pending
            and not payment.seen(event_key(event)) and not _mismatch(payment, event))


def confirms(status_state: str, status_transaction_id: str, status_amount: int,
             event: IncomingEvent) -> bool:
    """The gateway's inquiry answer settles exactly this transaction for this amount."""
    return (status_state == PAID and status_transaction_id == event.transaction_id
            and status_amount == event.amount_piasters)


class NothingToRefund(Exception):
    """The payment carries no flag: there is nothing for finance to settle on it."""


def record_refund(payment: Payment, refund_reference: str, note: str, by: str,
                  now: datetime) -> Payment:
    """The payment after finance refunded, at the gateway, what its flag is about.

    A mismatched amount, money for fees no longer due, or money after a refund went back whole:
    the payment becomes `refunded`. A second or mismatched transaction on a payment that stands
    was refunded alone: it stays `paid`. Either way the flag is cleared, and the refund is kept
    in the payment's history with who recorded it and why.
    """
    if not payment.flag_reason:
        raise NothingToRefund()
    whole = payment.status in (FLAGGED, REFUNDED) or payment.flag_reason == PAID_BUT_NOT_DUE
    at = iso(now)
    record = {"key": f"refund#{refund_reference}", "source": "finance",
              "outcome": REFUNDED if whole else RECORDED, "refund_reference": refund_reference,
              "refunded_flag": payment.flag_reason, "note": note, "by": by, "at": at}
    return replace(payment, status=REFUNDED if whole else payment.status, flag_reason="",
                   updated_at=at, events=payment.events + (record,))


def needing_attention(payments: Iterable[Payment]) -> list[dict]:
    """The flagged payments among `payments`, oldest first: finance's work list."""
    flagged = sorted((p for p in payments if p.flag_reason), key=lambda p: p.created_at)
    return [{"payment_id": p.id, "application_id": p.application_id, "district": p.district,
             "gateway": p.gateway, "status": p.status, "flag_reason": p.flag_reason,
             "amount_piasters": p.amount_piasters, "transaction_id": p.transaction_id or None,
             "day": p.day} for p in flagged]


def settles(payment: Payment, due: Iterable[FeeLine]) -> bool:
    """True if the payment's lines are exactly the lines due now (code, stage and amount)."""
    def shape(lines: Iterable[FeeLine]) -> list[tuple[str, str, int]]:
        return sorted((line.code, line.stage, line.amount_piasters) for line in lines)

    return shape(payment.lines) == shape(due)


def receipt(payment: Payment) -> Optional[dict]:
    """The receipt of a paid payment: its line items and total; None until it is paid."""
    if payment.status != PAID:
        return None
    return {
        "payment_id": payment.id, "merchant_reference": payment.merchant_reference,
        "application_id": payment.application_id, "gateway": payment.gateway,
        "transaction_id": payment.transaction_id, "paid_at": payment.paid_at,
        "currency": payment.currency,
        "lines": [_line(line) for line in payment.lines],
        "total_piasters": total(payment.lines),
        **({"receipt_number": payment.counter["receipt_number"],
            "method": payment.counter["method"]} if payment.counter else {}),
    }


def _line(line: FeeLine) -> dict:
    return {"code": line.code, "name_ar": line.name_ar, "name_en": line.name_en,
            "stage": line.stage, "amount_piasters": line.amount_piasters}


# ------------------------------------------------------------------------------ finance report

@dataclass
class _Sum:
    count: int = 0
    amount_piasters: int = 0

    def add(self, amount: int) -> None:
        self.count += 1
        self.amount_piasters += amount

    def as_dict(self) -> dict:
        return {"count": self.count, "amount_piasters": self.amount_piasters}


@dataclass
class _Group:
    total: _Sum = field(default_factory=_Sum)
    fees: dict[str, int] = field(default_factory=lambda: defaultdict(int))


def finance_report(payments: Iterable[Payment]) -> dict:
    """Payments grouped by Cairo day, gateway and status, with the amount of each fee type, and
    totals. Amounts are what was asked (the lines). Every payment carrying a flag, whatever its
    status, is also listed in `needs_attention` for finance to refund (`record_refund`)."""
    payments = list(payments)
    groups: dict[tuple[str, str, str], _Group] = defaultdict(_Group)
    by_status: dict[str, _Sum] = defaultdict(_Sum)
    by_gateway: dict[str, _Sum] = defaultdict(_Sum)
    paid_by_fee: dict[str, int] = defaultdict(int)
    overall = _Sum()
    for payment in payments:
        group = groups[(payment.day, payment.gateway, payment.status)]
        group.total.add(payment.amount_piasters)
        for line in payment.lines:
            group.fees[line.code] += line.amount_piasters
            if payment.status == PAID:
                paid_by_fee[line.code] += line.amount_piasters
        by_status[payment.status].add(payment.amount_piasters)
        by_gateway[payment.gateway].add(payment.amount_piasters)
        overall.add(payment.amount_piasters)
    rows = [{"day": day, "gateway": gateway, "status": status, **group.total.as_dict(),
             "fees": dict(sorted(group.fees.items()))}
            for (day, gateway, status), group in sorted(groups.items())]
    return {
        "rows": rows,
        "needs_attention": needing_attention(payments),
        "totals": {
            **overall.as_dict(),
            "paid_piasters": by_status[PAID].amount_piasters if PAID in by_status else 0,
            "by_status": {k: v.as_dict() for k, v in sorted(by_status.items())},
            "by_gateway": {k: v.as_dict() for k, v in sorted(by_gateway.items())},
            "paid_by_fee": dict(sorted(paid_by_fee.items())),
        },
    }


def report_days(start: date, end: date, max_days: int) -> list[date]:
    """Every Cairo day of an inclusive range; ValueError if reversed or too long."""
    if end < start:
        raise ValueError("the range ends before it starts")
    span = (end - start).days + 1
    if span > max_days:
        raise ValueError(f"at most {max_days} days")
    return [date.fromordinal(start.toordinal() + n) for n in range(span)]
