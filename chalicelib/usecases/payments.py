"""Payments: checkout, gateway events (webhook and reconciliation, one exactly-once path), the
application's advance after a payment (from the payments stream), receipts and the finance report.
"""
from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Callable, Mapping, Optional

from chalicelib.domain import payments as domain
from chalicelib.domain import validation
from chalicelib.domain.applications import (SUBMITTED, SYSTEM, Application,
                                            advance_after_payment, after_paid, iso)
from chalicelib.domain.audit import AuditRecord
from chalicelib.domain.calendar import cairo_date
from chalicelib.domain.catalogue import Catalogue
from chalicelib.domain.fees import STAGE_APPROVAL, fee_lines
from chalicelib.domain.payments import IncomingEvent, Payment
from chalicelib.authorization import Resource, authorize, district_in_scope
from chalicelib.conflicts import retry_on_conflict
from chalicelib.errors import (Conflict, NotFound, RukhsaError,
                               Unauthenticated, ValidationFailed)
from chalicelib.domain.counter import drawer_report
from chalicelib.domain.gateway_messages import GatewayStatus
from chalicelib.ports import (ApplicationStore, BadSignature, CounterStore, FileStore,
                              PaymentGateway, PaymentStore, SimulatedGateway)
from chalicelib.usecases.applications import get_application
from chalicelib.usecases.bounds import PAYMENT_ATTEMPT, Bounds

if TYPE_CHECKING:  # types only: these modules pull pydantic and PyJWT into every worker
    from chalicelib.auth import Principal

GatewayFactory = Callable[[str], PaymentGateway]
APPLY_ATTEMPTS = 10
REPORT_MAX_DAYS = 31


def new_payment_id() -> str:
    """Unique per attempt; it is also the merchant reference the gateway keeps."""
    return f"{domain.REFERENCE_PREFIX}{uuid.uuid4().hex[:20].upper()}"


# ---------------------------------------------------------------------------------- checkout

def start_payment(application_id: str, gateway_name: str, caller: Principal,
                  apps: ApplicationStore, payments: PaymentStore, gateways: GatewayFactory,
                  bounds: Bounds, catalogue: Catalogue, files: FileStore, now: datetime,
                  new_id: Callable[[], str] = new_payment_id) -> Payment:
    """A new attempt to pay exactly what the application owes now; 409 if nothing is due, or
    if the payment would approve it (no review) before its required documents arrived."""
    caller.require("citizen")
    app = get_application(application_id, caller, apps)
    due = app.fees_due
    if not due or app.amount_due_piasters <= 0:
        raise Conflict(code="nothing_due", message_en="nothing is due on this application now",
                       message_ar="لا توجد رسوم مستحقة على هذا الطلب الآن")
    if any(p.status == domain.PAID and p.application_status == app.status and domain.settles(p, due)
           for p in payments.list_by_application(app.id)):
        raise Conflict(code="already_paid",
                       message_en="these fees are already paid; the application moves on shortly",
                       message_ar="تم دفع هذه الرسوم بالفعل، وستتحدث حالة الطلب خلال لحظات")
    # Imported here: the webhook and the payments stream, which import this module, never need
    # the document rules (about 3 ms of their cold start).
    from chalicelib.usecases import documents

    documents.check_before_payment(app, catalogue, files)
    gateway = _gateway_for_checkout(gateway_name, gateways)
    with bounds.spending(PAYMENT_ATTEMPT, caller.sub, now):  # an order at the gateway each
        payment = domain.new_payment(new_id(), app.id, app.owner, app.district, app.status,
                                     due, gateway.name, now)
        checkout = gateway.create_checkout(payment.merchant_reference, payment.amount_piasters,
                                           f"Rukhsa {app.service_code} fees",
                                           str(app.applicant.get("mobile", "")))
        payment = replace(payment, gateway_reference=checkout.gateway_reference,
                          checkout_url=checkout.checkout_url)
        return payments.create(payment)


def _gateway_for_checkout(name: str, gateways: GatewayFactory) -> PaymentGateway:
    try:
        return gateways(name)
    except NotFound:
        raise ValidationFailed(fields={"gateway": "بوابة الدفع غير متاحة / this gateway is not available"}) from None


# ------------------------------------------------------------------------- gateway events

@dataclass(frozen=True)
class EventOutcome:
    result: str  # "accepted" (recorded now) or "duplicate" (seen before, nothing changed)
    payment: Payment
    effect: str = ""  # accepted: paid, failed, flagged or recorded

    def body(self) -> dict:
        body = {"result": self.result, "payment_id": self.payment.id,
                "payment_status": self.payment.status}
        if self.effect:
            body["effect"] = self.effect
        return body


def receive_webhook(gateway_name: str, headers: Mapping[str, str], query: Mapping[str, str],
                    body: bytes, gateways: GatewayFactory, payments: PaymentStore,
                    now: datetime) -> EventOutcome:
    """Verify a gateway's callback by its own signature scheme and apply it exactly once."""
    gateway = gateways(gateway_name)
    try:
        event = gateway.parse_webhook(headers, query, body)
    except BadSignature:
        raise Unauthenticated(code="bad_signature", message_en="the gateway signature does not verify",
                              message_ar="توقيع بوابة الدفع غير صحيح") from None
    incoming = IncomingEvent(
        gateway=gateway.name, transaction_id=event.transaction_id,
        amount_piasters=event.amount_piasters, currency=event.currency, success=event.success,
        pending=event.pending,
        gateway_order_reference=str(event.raw.get("gateway_order_reference", "")))
    _confirm_second_settlement(gateway, event.merchant_reference, incoming, payments)
    return apply_incoming(event.merchant_reference, incoming, payments, now)


def _confirm_second_settlement(gateway: PaymentGateway, reference: str, incoming: IncomingEvent,
                               payments: PaymentStore) -> None:
    """A second settlement puts the payment on finance's refund list: a callback alone (which
    a re-cut of a genuine one could imitate) is not enough; the gateway's inquiry API must
    know the transaction, settled, for this payment and amount. Unavailable: 502, retried."""
    if not domain.second_settlement(payments.get(reference), incoming):
        return
    status = gateway.transaction_status(reference, incoming.transaction_id)
    if not domain.confirms(status.state, status.transaction_id, status.amount_piasters, incoming):
        raise Conflict(code="settlement_unconfirmed",
                       message_en="the gateway does not confirm this second settlement",
                       message_ar="بوابة الدفع لا تؤكد عملية السداد الثانية هذه")


def apply_incoming(reference: str, incoming: IncomingEvent, payments: PaymentStore,
                   now: datetime) -> EventOutcome:
    """The one exactly-once path: read, apply the pure rules, write with the event's key.
    A lost race re-reads and re-applies; the winner's write makes the loser a duplicate."""
    key = domain.event_key(incoming)

    def attempt() -> EventOutcome:
        payment = payments.get(reference)
        try:
            applied = domain.apply_event(payment, incoming, now)
        except domain.EventRefused as refused:
            raise Conflict(code="payment_mismatch",
                           message_en=f"the event does not belong to this payment ({refused.reason})",
                           message_ar="الإشعار لا يخص عملية الدفع هذه") from None
        if not applied.changed:
            return EventOutcome("duplicate", payment)
        if payments.record_event(applied.payment, key):
            return EventOutcome("accepted", applied.payment, applied.outcome)
        return EventOutcome("duplicate", payments.get(reference))

    outcome = retry_on_conflict(attempt, attempts=APPLY_ATTEMPTS)
    _count(outcome)
    return outcome


def _count(outcome: EventOutcome) -> None:
    """Payments accepted / duplicate / flagged, by gateway (docs/metrics.md)."""
    from chalicelib import metrics

    gateway = ("gateway", outcome.payment.gateway)
    metrics.count(metrics.PAYMENTS_ACCEPTED if outcome.result == "accepted"
                  else metrics.PAYMENTS_DUPLICATE, 1, gateway)
    if outcome.result == "accepted" and outcome.effect == "flagged":
        metrics.count(metrics.PAYMENTS_FLAGGED, 1, gateway)


# ------------------------------------------------------------------------- reconciliation

def incoming_from_status(payment: Payment, status: GatewayStatus) -> Optional[IncomingEvent]:
    """A settled answer of the gateway's status API as an event; None while undecided.

    The status API is called by us, authenticated, about this very reference, so the order
    reference it answers for is the one stored at checkout."""
    if status.state not in (domain.PAID, domain.FAILED):
        return None
    return IncomingEvent(
        gateway=payment.gateway,
        transaction_id=status.transaction_id or f"inquiry-{payment.merchant_reference}",
        amount_piasters=status.amount_piasters, currency=domain.CURRENCY,
        success=status.state == domain.PAID, pending=False,
        gateway_order_reference=payment.gateway_reference, source="reconciliation")


@dataclass
class ReconcileStats:
    checked: int = 0
    settled: int = 0
    still_pending: int = 0
    abandoned: int = 0
    unavailable: int = 0

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def reconcile(payments: PaymentStore, gateways: GatewayFactory, now: datetime,
              older_than_minutes: int = 30, limit: int = 200,
              abandon_after_hours: int = domain.ABANDON_AFTER_HOURS) -> ReconcileStats:
    """Ask the gateways about payments pending longer than `older_than_minutes`; apply answers
    through the webhook's exactly-once path (a late webhook and this job cannot both count).
    An attempt the gateway still has not settled `abandon_after_hours` after checkout is closed
    as failed (`domain.abandonment`); one the gateway cannot be asked about is left alone."""
    stats = ReconcileStats()
    cutoff = iso(now - timedelta(minutes=older_than_minutes))
    abandon_before = iso(now - timedelta(hours=abandon_after_hours))
    for payment in payments.list_pending(cutoff, limit):
        stats.checked += 1
        try:
            status = gateways(payment.gateway).query_status(payment.merchant_reference)
        except RukhsaError:
            stats.unavailable += 1
            continue
        incoming = incoming_from_status(payment, status)
        if incoming is None and payment.created_at < abandon_before:
            outcome = apply_incoming(payment.id, domain.abandonment(payment), payments, now)
            stats.abandoned += outcome.result == "accepted"
            continue
        if incoming is None:
            stats.still_pending += 1
            continue
        outcome = apply_incoming(payment.id, incoming, payments, now)
        stats.settled += outcome.result == "accepted"
    return stats


# --------------------------------------------------------------- the application moves on

def advance_for_payment(payment: Payment, apps: ApplicationStore, payments: PaymentStore,
                        catalogue: Catalogue, now: datetime) -> str:
    """Settle the application's lines with a paid payment and move it on: application fees →
    review (or auto-approval); licence fee → licence_paid. Idempotent: the lines record
    `paid_by`, so a redelivered record finds them settled and does nothing. An applied payment
    is marked so (it leaves the sweeper's unapplied list); a flagged one is marked by `mark`."""
    if payment.status != domain.PAID:
        return "not_paid"
    result = retry_on_conflict(lambda: _apply(payment, apps, payments, catalogue, now))
    if result != domain.PAID_BUT_NOT_DUE and not payment.applied_at:
        payments.mark_applied(payment.id, iso(now))
    return result


def _apply(payment: Payment, apps: ApplicationStore, payments: PaymentStore,
           catalogue: Catalogue, now: datetime) -> str:

    app = apps.get(payment.application_id)
    if any(line.paid_by == payment.id for line in app.fees):
        return "already_applied"
    if app.status != payment.application_status or not domain.settles(payment, app.fees_due):
        payments.mark(payment.id, domain.PAID_BUT_NOT_DUE, iso(now))
        from chalicelib import metrics

        metrics.count(metrics.PAYMENTS_FLAGGED, 1, ("gateway", payment.gateway))
        return domain.PAID_BUT_NOT_DUE
    changed = _advanced(app, payment, catalogue, now)
    apps.save(changed, _audit(app, changed, payment))
    return changed.status


def _advanced(app: Application, payment: Payment, catalogue: Catalogue,
              now: datetime) -> Application:
    changed = advance_after_payment(app, payment.id, now)
    if app.status == SUBMITTED:
        service = catalogue.service(app.service_code)
        approval = fee_lines(service, app.details, STAGE_APPROVAL) if service else []
        changed = after_paid(changed, approval, now)
    return changed


def _audit(before: Application, after: Application, payment: Payment) -> list[AuditRecord]:
    records: list[AuditRecord] = []
    previous = before.status
    for entry in after.timeline[len(before.timeline):]:
        records.append(AuditRecord(at=entry.at, actor=SYSTEM.sub, role=SYSTEM.role,
                                   district=after.district, action=entry.action,
                                   from_status=previous, to_status=entry.status,
                                   reason=entry.reason,
                                   data=_payment_data(payment),
                                   n=len(records)))  # pay and start_review share one instant
        previous = entry.status
    return records


def _payment_data(payment: Payment) -> dict:
    """What the trail keeps of the payment; at the counter, the clerk who took it by display
    name (citizens read this trail: never the clerk's subject id)."""
    data: dict = {"payment_id": payment.id, "gateway": payment.gateway,
                  "transaction_id": payment.transaction_id,
                  "amount_piasters": payment.amount_piasters}
    if payment.counter and payment.counter.get("clerk_name"):
        data["received_by"] = payment.counter["clerk_name"]
    return data


# ---------------------------------------------------------------------- reading payments

def get_payment(payment_id: str, caller: Principal, payments: PaymentStore) -> Payment:
    """The owner or an admin (chalicelib/authorization.py): anyone else's payment is
    indistinguishable from a missing one for a citizen, and forbidden for an officer."""
    authorize(caller, "payment.read")
    payment = payments.get(payment_id)
    authorize(caller, "payment.read", Resource(owner=payment.owner, district=payment.district,
                                               kind="payment"))
    return payment


def record_refund(payment_id: str, refund_reference: str, note: str, caller: Principal,
                  payments: PaymentStore, now: datetime) -> Payment:
    """An admin records that finance refunded, at the gateway, what a flagged payment is
    flagged for; the application's audit trail keeps who, when, the gateway's refund reference
    and why. 409 if the payment carries no flag (already settled, or never flagged)."""
    authorize(caller, "payment.refund")
    try:
        note = validation.free_text(note, 500)
    except validation.FieldInvalid as error:
        raise ValidationFailed(fields={"note": error.bilingual()}) from None

    def attempt() -> Payment:
        payment = payments.get(payment_id)
        try:
            refunded = domain.record_refund(payment, refund_reference, note, caller.sub, now)
        except domain.NothingToRefund:
            raise Conflict(code="nothing_to_refund",
                           message_en="this payment carries no flag: there is nothing to refund",
                           message_ar="لا توجد ملاحظة على عملية الدفع هذه، فلا يوجد ما يُرد") from None
        audit = AuditRecord(at=refunded.updated_at, actor=caller.sub, role=caller.role,
                            district=payment.district, action="payment_refunded",
                            from_status=payment.status, to_status=refunded.status, reason=note,
                            data={"payment_id": payment.id, "gateway": payment.gateway,
                                  "refunded_flag": payment.flag_reason,
                                  "refund_reference": refund_reference,
                                  "amount_piasters": payment.amount_piasters},
                            actor_name=caller.name)
        payments.record_refund(refunded, audit)
        return refunded

    return retry_on_conflict(attempt)


def finance(caller: Principal, start: Optional[str], end: Optional[str],
            district: Optional[str], payments: PaymentStore, now: datetime,
            counter: Optional[CounterStore] = None) -> dict:
    """Admins: every district or one; officers: their own district only. `drawers` lists each
    counter clerk's cash drawer per day: expected, counted, difference; `flagged` when they
    differ or a drawer that took cash was not closed."""
    district = district_in_scope(caller, "reports.read", district)
    today = cairo_date(now)
    first, last = _day(start, "from", today), _day(end, "to", today)
    try:
        days = domain.report_days(first, last, REPORT_MAX_DAYS)
    except ValueError:
        raise ValidationFailed(fields={"to": f"نطاق أيام غير صالح (حتى {REPORT_MAX_DAYS} يومًا) / "
                                             f"a range of 1 to {REPORT_MAX_DAYS} days"}) from None
    found = [p for d in days for p in payments.list_by_day(d.isoformat(), district or None)]
    closings = [c for d in days for c in counter.closings(d.isoformat(), district or None)] \
        if counter is not None else []
    return {"from": first.isoformat(), "to": last.isoformat(), "district": district or None,
            "currency": domain.CURRENCY, **domain.finance_report(found),
            "drawers": drawer_report(found, closings)}


def _day(raw: Optional[str], name: str, default: date) -> date:
    if raw is None or raw == "":
        return default
    try:
        return date.fromisoformat(raw) if len(raw) == 10 else _bad_day(name)
    except ValueError:
        return _bad_day(name)


def _bad_day(name: str) -> date:
    raise ValidationFailed(fields={name: "تاريخ بصيغة YYYY-MM-DD / a Cairo date YYYY-MM-DD"})


# ------------------------------------------------------------------ sandbox (local stack only)

def sandbox_callback(payment: Payment, success: bool, gateways: GatewayFactory,
                     payments: PaymentStore, now: datetime) -> EventOutcome:
    """The sandbox's Pay/Fail: the callback the simulated gateway signs, delivered to the
    webhook's own entry (`receive_webhook`), which verifies it like any other. Each press is a
    new gateway transaction."""
    gateway = gateways("sandbox")
    if not isinstance(gateway, SimulatedGateway):
        raise NotFound()
    transaction_id = str(10 ** 11 + secrets.randbelow(9 * 10 ** 11))
    query, body = gateway.simulated_callback(payment.merchant_reference,
                                             payment.amount_piasters, success, transaction_id)
    return receive_webhook("sandbox", {"Content-Type": "application/json"}, query, body,
                           gateways, payments, now)
