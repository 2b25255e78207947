"""Licences-table stream: a status change an officer made (suspended, revoked, reinstated) is
told to the holder through the outbox.

Queued here, not in the request that saved the change: the stream holds the change until the
notice is queued (a failing batch is retried, then dead-lettered and redriven), so a queue that
refuses after the save delays the notice instead of losing it, and the officer's request never
fails over it. Every other licence write (issuance, the night, an SMS's state) passes through
unchanged. Idempotent per record: the outbox sends one message per key.
"""
from __future__ import annotations

from typing import Any, Iterable


def on_licence_records(records: Iterable[Any]) -> dict:
    """A failure raises so Lambda retries the batch."""
    from chalicelib import wiring
    from chalicelib.usecases.notices import notify_licence_status_change

    totals = {"records": 0, "notified": 0}
    for change in wiring.licence_changes(records):
        totals["records"] += 1
        totals["notified"] += notify_licence_status_change(change.old, change.current,
                                                           wiring.notifications())
    return totals
