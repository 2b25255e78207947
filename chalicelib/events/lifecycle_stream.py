"""Applications-table stream records that concern a late licence (see late_settlement)."""
from __future__ import annotations

from typing import Any, Iterable

from chalicelib.observability import logger
from chalicelib.usecases.late_settlement import late_licence_of, settle_late_application


def on_application_records(records: Iterable[Any]) -> int:
    """Idempotent per record; a failure raises so Lambda retries the batch."""
    from chalicelib.adapters.application_store import from_image
    from chalicelib.wiring import licence_store

    handled = 0
    for record in records:
        image = getattr(record, "new_image", None)
        if record.event_name == "REMOVE" or not image:
            continue
        app = from_image(image)
        if late_licence_of(app) is None:
            continue
        settle_late_application(app, licence_store())
        handled += 1
        logger.info("late licence settled", extra={"application_id": app.id,
                                                   "status": app.status})
    return handled
