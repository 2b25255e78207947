"""Applications-table changes -> the applications report's counters (exactly once)."""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from chalicelib.domain.changes import Change
    from chalicelib.domain.applications import Application


def count_change(change: "Change[Application]") -> int:
    """Apply the change's counter increments once (1), or nothing (0): a redelivered record
    changes nothing. A failure raises so Lambda retries the batch."""
    from chalicelib.domain.reports import changes
    from chalicelib.wiring import clock, report_store

    increments = changes(change.old, change.new)
    subject = change.new or change.old
    if subject is None or not increments:
        return 0
    key = f"report#{subject.id}#{subject.version}#{change.event_name}"
    return int(report_store().apply_once(key, increments, clock()))
