"""Payments-table stream: a payment that became paid moves its application on, and the payer
is told (amount, receipt number) through the outbox.

The webhook only records the gateway's word; the application changes here, outside the request,
so a slow or failing application write never makes the gateway retry a callback. Idempotent per
record (the application's fee lines record `paid_by`); a failure raises so Lambda retries.
"""
from __future__ import annotations

from typing import Any, Iterable

from chalicelib.domain.payments import PAID
from chalicelib.observability import logger


def on_payment_records(records: Iterable[Any]) -> int:
    from chalicelib import wiring
    from chalicelib.usecases.notices import notify_payment_received
    from chalicelib.usecases.payments import advance_for_payment

    handled = 0
    for change in wiring.payment_changes(records):
        payment = change.current
        was_paid = change.old is not None and change.old.status == PAID
        if payment is None or payment.status != PAID or was_paid:
            continue
        result = advance_for_payment(payment, wiring.application_store(), wiring.payment_store(),
                                     wiring.catalogue(), wiring.clock())
        notify_payment_received(payment, wiring.application_store().get(payment.application_id),
                                wiring.notifications())
        handled += 1
        logger.info("payment applied to application",
                    extra={"payment_id": payment.id, "application_id": payment.application_id,
                           "result": result})
    return handled
