"""The reconciliation job's entry point: payments pending too long are asked about."""
from __future__ import annotations

from typing import Any

from chalicelib.observability import logger

PENDING_MINUTES = 30


def on_schedule(event: Any) -> dict:
    from chalicelib import wiring
    from chalicelib.usecases.payments import reconcile

    stats = reconcile(wiring.payment_store(), wiring.payment_gateway, wiring.clock(),
                      older_than_minutes=PENDING_MINUTES)
    logger.info("payments reconciled", extra=stats.as_dict())
    return stats.as_dict()
