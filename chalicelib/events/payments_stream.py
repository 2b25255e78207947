"""Payments-table stream: a payment that became paid moves its application on.

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
    from chalicelib.adapters.payment_store import from_image
    from chalicelib.usecases.payments import advance_for_payment

    handled = 0
    for record in records:
        new_image = getattr(record, "new_image", None)
        if record.event_name == "REMOVE" or not new_image:
            continue
        payment = from_image(new_image)
        old_image = getattr(record, "old_image", None)
        was_paid = bool(old_image) and from_image(old_image).status == PAID
        if payment.status != PAID or was_paid:
            continue
        result = advance_for_payment(payment, wiring.application_store(), wiring.payment_store(),
                                     wiring.catalogue(), wiring.clock())
        handled += 1
        logger.info("payment applied to application",
                    extra={"payment_id": payment.id, "application_id": payment.application_id,
                           "result": result})
    return handled
