"""Applications-table changes that concern a late licence (see usecases/late_settlement)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib.observability import logger
from chalicelib.usecases.late_settlement import late_licence_of, settle_late_application

if TYPE_CHECKING:
    from chalicelib.domain.changes import Change
    from chalicelib.domain.applications import Application


def settle_late(change: "Change[Application]") -> int:
    """1 if the change concerned a late licence (settled now), else 0. Idempotent; a failure
    raises so Lambda retries the batch."""
    from chalicelib.wiring import licence_store

    app = change.current
    if app is None or late_licence_of(app) is None:
        return 0
    settle_late_application(app, licence_store())
    logger.info("late licence settled", extra={"application_id": app.id, "status": app.status})
    return 1
