"""Licences-table stream: a status change an officer made (suspended, revoked, reinstated) is
told to the holder through the outbox, and any save that changes what the signed status list
says of a licence (those, the night's expiry, a licence superseded) asks for the list's rebuild.

Both are asked here, not in the request that saved the change: the stream holds the change
until they are queued (a failing batch is retried, then dead-lettered and redriven), so a queue
that refuses after the save delays them instead of losing them, and the officer's request never
fails over it. Every other licence write (issuance, fines, an SMS's state) passes through
unchanged. Idempotent per record: the outbox sends one message per key, and a rebuild request is
debounced (one on its way at a time).
"""
from __future__ import annotations

from typing import Any, Iterable


def on_licence_records(records: Iterable[Any]) -> dict:
    """A failure raises so Lambda retries the batch."""
    from chalicelib import wiring
    from chalicelib.domain.status_list import listing_changed
    from chalicelib.usecases.notices import notify_licence_status_change

    totals = {"records": 0, "notified": 0, "rebuild_requested": 0}
    relisted = False
    for change in wiring.licence_changes(records):
        totals["records"] += 1
        totals["notified"] += notify_licence_status_change(change.old, change.current,
                                                           wiring.notifications())
        relisted = relisted or listing_changed(change.old, change.current)
    if relisted:  # one request a batch; the notices above are queued already
        totals["rebuild_requested"] = int(wiring.status_changed()())
    return totals
