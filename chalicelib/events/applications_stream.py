"""The one handler of the applications table's stream: every record goes through issuance, the
licence lifecycle (late re-applications) and the report counters, each idempotent, so a
redelivered batch is safe."""
from __future__ import annotations

from typing import Any, Iterable

from chalicelib.domain.applications import LICENCE_PAID
from chalicelib.events.lifecycle_stream import on_application_records as lifecycle_records
from chalicelib.events.report_stream import count_application_changes


def on_application_records(records: Iterable[Any]) -> dict:
    """A failure raises so Lambda retries the batch (both steps skip what is already done)."""
    from chalicelib import wiring
    from chalicelib.adapters.application_store import from_image
    from chalicelib.usecases.issuance import issue_if_paid

    totals = {"records": 0, "issued": 0, "lifecycle": 0, "counted": 0}
    for record in records:
        totals["records"] += 1
        totals["lifecycle"] += lifecycle_records([record])
        totals["counted"] += count_application_changes([record])
        image = getattr(record, "new_image", None)
        if record.event_name == "REMOVE" or not image:
            continue
        app = from_image(image)
        if app.status == LICENCE_PAID and issue_if_paid(app.id, wiring.issuance_ports()):
            totals["issued"] += 1
    return totals
