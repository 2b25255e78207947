"""DynamoDB store of payments. A gateway event is written exactly once: the payment's new state
and the event's key in the `once` table go in one transaction, the key with attribute_not_exists
and the payment with its version. A duplicate loses on the key; a concurrent different event
loses on the version and is re-applied to the fresh payment by the caller."""
from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any, Optional

from pynamodb.exceptions import DoesNotExist, GetError, PutError, TransactWriteError, UpdateError
from pynamodb.transactions import TransactWrite

from chalicelib.adapters.application_store import audit_model
from chalicelib.adapters.dynamo_errors import THROTTLED, first_item_condition_failed, lost_condition
from chalicelib.adapters.dynamo_models import (AuditModel, OnceModel, PaymentModel,
                                             transaction_connection)
from chalicelib.conflicts import retry_on_conflict
from chalicelib.domain.audit import AuditRecord
from chalicelib.domain.fees import FeeLine
from chalicelib.domain.payments import PAID, PENDING, Payment, parse_iso
from chalicelib.errors import ConcurrentUpdate, NotFound, ServiceUnavailable
from chalicelib.ports import PaymentStore

PENDING_SHARDS = 4
EVENT_KEY_DAYS = 400  # gateways stop re-sending long before


def pending_shard(payment_id: str) -> str:
    digest = hashlib.sha256(payment_id.encode("utf-8")).digest()
    return f"PENDING#{digest[0] % PENDING_SHARDS}"


UNAPPLIED = "UNAPPLIED"  # the one key of the sparse by-unapplied index


def unapplied(payment: Payment) -> bool:
    """Paid, not flagged, and not yet applied to its application."""
    return payment.status == PAID and not payment.applied_at and not payment.flag_reason


def to_model(payment: Payment) -> PaymentModel:
    model = PaymentModel(
        payment_id=payment.id, application_id=payment.application_id, owner=payment.owner,
        district=payment.district, gateway=payment.gateway,
        amount_piasters=payment.amount_piasters, currency=payment.currency,
        lines=[line.as_dict() for line in payment.lines],
        application_status=payment.application_status, status=payment.status,
        created_at=payment.created_at, updated_at=payment.updated_at, day=payment.day,
        pending_shard=pending_shard(payment.id) if payment.status == PENDING else None,
        unapplied_shard=UNAPPLIED if unapplied(payment) else None,
        applied_at=payment.applied_at or None,
        gateway_reference=payment.gateway_reference or None,
        checkout_url=payment.checkout_url or None, transaction_id=payment.transaction_id or None,
        paid_at=payment.paid_at or None, flag_reason=payment.flag_reason or None,
        events=[dict(e) for e in payment.events] or None,
        counter=dict(payment.counter) if payment.counter else None)
    if payment.version:
        model.version = payment.version
    return model


def from_model(model: PaymentModel) -> Payment:
    return Payment(
        id=model.payment_id, application_id=model.application_id, owner=model.owner,
        district=model.district, gateway=model.gateway,
        amount_piasters=int(model.amount_piasters), currency=model.currency,
        lines=tuple(FeeLine.from_dict(line) for line in model.lines),
        application_status=model.application_status, status=model.status,
        created_at=model.created_at, updated_at=model.updated_at,
        gateway_reference=model.gateway_reference or "", checkout_url=model.checkout_url or "",
        transaction_id=model.transaction_id or "", paid_at=model.paid_at or "",
        flag_reason=model.flag_reason or "", events=tuple(model.events or ()),
        counter=model.counter or None, applied_at=model.applied_at or "",
        version=model.version or 0)


def from_image(image: dict[str, Any]) -> Payment:
    """A Payment from a DynamoDB stream image."""
    return from_model(PaymentModel.from_raw_data(image))


def _not_found() -> NotFound:
    return NotFound(message_en="payment not found", message_ar="عملية الدفع غير موجودة",
                    code="payment_not_found")


class DynamoPaymentStore(PaymentStore):
    def create(self, payment: Payment) -> Payment:
        model = to_model(payment)
        try:
            model.save(condition=PaymentModel.payment_id.does_not_exist())
        except PutError as error:
            if lost_condition(error):
                raise ConcurrentUpdate() from error
            raise
        return from_model(model)

    def get(self, payment_id: str) -> Payment:
        if not payment_id or len(payment_id) > 128:
            raise _not_found()
        try:
            return from_model(PaymentModel.get(payment_id, consistent_read=True))
        except DoesNotExist:
            raise _not_found() from None
        except GetError as error:
            if getattr(error, "cause_response_code", "") in THROTTLED:
                raise ServiceUnavailable() from error
            raise

    def record_event(self, payment: Payment, event_key: str) -> bool:
        now = parse_iso(payment.updated_at)
        marker = OnceModel(key=event_key, at=payment.updated_at,
                           expires_at=int((now + timedelta(days=EVENT_KEY_DAYS)).timestamp()),
                           ref=payment.id)
        try:
            with TransactWrite(connection=transaction_connection(PaymentModel.Meta.region)) as tx:
                tx.save(marker, condition=OnceModel.key.does_not_exist())
                tx.save(to_model(payment))  # versioned: fails if the payment changed
        except TransactWriteError as error:
            if first_item_condition_failed(error):
                return False
            # A version conflict, or DynamoDB's TransactionConflict with a concurrent writer.
            raise ConcurrentUpdate() from error
        return True

    def record_refund(self, payment: Payment, audit: AuditRecord) -> None:
        try:
            with TransactWrite(connection=transaction_connection(PaymentModel.Meta.region)) as tx:
                tx.save(to_model(payment))  # versioned: fails if the payment changed
                tx.save(audit_model(f"APP#{payment.application_id}", audit),
                        condition=AuditModel.subject.does_not_exist())
        except TransactWriteError as error:
            raise ConcurrentUpdate() from error

    def mark(self, payment_id: str, flag_reason: str, at: str) -> None:
        def attempt() -> None:
            model = PaymentModel.get(payment_id, consistent_read=True)
            if model.flag_reason == flag_reason:
                return
            try:
                model.update(actions=[PaymentModel.flag_reason.set(flag_reason),
                                      PaymentModel.unapplied_shard.remove(),
                                      PaymentModel.updated_at.set(at)])
            except UpdateError as error:
                if lost_condition(error):
                    raise ConcurrentUpdate() from error
                raise

        retry_on_conflict(attempt)

    def mark_applied(self, payment_id: str, at: str) -> None:
        def attempt() -> None:
            model = PaymentModel.get(payment_id, consistent_read=True)
            if model.applied_at:
                return
            try:
                model.update(actions=[PaymentModel.applied_at.set(at),
                                      PaymentModel.unapplied_shard.remove()])
            except UpdateError as error:
                if lost_condition(error):
                    raise ConcurrentUpdate() from error
                raise

        retry_on_conflict(attempt)

    def list_unapplied(self, paid_before: str, limit: int) -> list[Payment]:
        return [from_model(m) for m in PaymentModel.by_unapplied.query(
            UNAPPLIED, PaymentModel.paid_at < paid_before, limit=limit)]

    def list_by_application(self, application_id: str) -> list[Payment]:
        return [from_model(m) for m in PaymentModel.by_application.query(
            application_id, scan_index_forward=False)]

    def list_by_day(self, day: str, district: Optional[str] = None) -> list[Payment]:
        condition = PaymentModel.district == district if district else None
        return [from_model(m) for m in PaymentModel.by_day.query(day, filter_condition=condition)]

    def list_pending(self, created_before: str, limit: int) -> list[Payment]:
        found: list[Payment] = []
        for shard in range(PENDING_SHARDS):
            found.extend(from_model(m) for m in PaymentModel.by_pending.query(
                f"PENDING#{shard}", PaymentModel.created_at < created_before, limit=limit))
        return sorted(found, key=lambda p: p.created_at)[:limit]

