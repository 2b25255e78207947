"""Applications-table stream records -> the applications report's counters (exactly once)."""
from __future__ import annotations

from typing import Any, Iterable


def count_application_changes(records: Iterable[Any]) -> int:
    """Apply each record's counter increments once; a redelivered record changes nothing.
    A failure raises so Lambda retries the batch (already-applied records are skipped)."""
    from chalicelib.adapters.application_store import from_image
    from chalicelib.domain.reports import changes
    from chalicelib.wiring import clock, report_store

    store, applied = report_store(), 0
    for record in records:
        old_image, new_image = getattr(record, "old_image", None), getattr(record, "new_image", None)
        old = from_image(old_image) if old_image else None
        new = from_image(new_image) if new_image else None
        increments = changes(old, new)
        subject = new or old
        if subject is None or not increments:
            continue
        key = f"report#{subject.id}#{subject.version}#{record.event_name}"
        applied += store.apply_once(key, increments, clock())
    return applied
