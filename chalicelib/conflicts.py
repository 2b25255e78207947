"""Optimistic concurrency: read, decide, write conditionally; on a lost race, do it again.

Every versioned or conditional write in Rukhsa reports a lost race as `ConcurrentUpdate`
(adapters translate DynamoDB's ConditionalCheckFailed and transaction conflicts). A caller that
can safely redo its read-decide-write passes that step here instead of writing its own loop.
"""
from __future__ import annotations

from typing import Callable, Optional, TypeVar

from chalicelib.errors import ConcurrentUpdate

T = TypeVar("T")

ATTEMPTS = 5


def retry_on_conflict(attempt: Callable[[], T], attempts: int = ATTEMPTS,
                      on_conflict: Optional[Callable[[], None]] = None,
                      gave_up: Optional[Callable[[], ConcurrentUpdate]] = None) -> T:
    """`attempt()` until it returns without a ConcurrentUpdate, at most `attempts` times.

    `attempt` must read what it decides on afresh (or `on_conflict` re-reads it before the
    next try). After the last lost race, raises `gave_up()` if given, else ConcurrentUpdate
    (a 409 at the HTTP edge; a stream or queue handler's batch is retried).
    """
    for remaining in range(attempts, 0, -1):
        try:
            return attempt()
        except ConcurrentUpdate:
            if remaining > 1 and on_conflict is not None:
                on_conflict()
    raise gave_up() if gave_up is not None else ConcurrentUpdate()
