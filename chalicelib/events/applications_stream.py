"""The one handler of the applications table's stream: every record goes through issuance, the
licence lifecycle (late re-applications), the report counters and the citizen's notices
(approved, rejected, returned), each idempotent, so a redelivered batch is safe. Each record's images are decoded once (wiring.application_changes)."""
from __future__ import annotations

from typing import Any, Iterable

from chalicelib.domain.applications import LICENCE_PAID
from chalicelib.events.lifecycle_stream import settle_late
from chalicelib.events.report_stream import count_change


def on_application_records(records: Iterable[Any]) -> dict:
    """A failure raises so Lambda retries the batch (every step skips what is already done)."""
    from chalicelib import wiring
    from chalicelib.usecases.issuance import issue_if_paid
    from chalicelib.usecases.notices import notify_application_change

    totals = {"records": 0, "issued": 0, "lifecycle": 0, "counted": 0, "notified": 0}
    for change in wiring.application_changes(records):
        totals["records"] += 1
        totals["lifecycle"] += settle_late(change)
        totals["counted"] += count_change(change)
        if change.current is not None:
            totals["notified"] += notify_application_change(change.old, change.current,
                                                            wiring.notifications())
        app = change.current
        if app is not None and app.status == LICENCE_PAID and \
                issue_if_paid(app.id, wiring.issuance_ports()):
            totals["issued"] += 1
    return totals
