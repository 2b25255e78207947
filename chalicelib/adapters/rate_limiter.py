"""Per-caller bounds in the `once` table: one item per action and subject (rate#ACTION#SUBJECT)
holding the times of its recent uses; a use is counted by a PutItem conditioned on the revision
read (or on the item being absent), so two requests racing for the last use cannot both win."""
from __future__ import annotations

from datetime import datetime
from typing import Optional

from pynamodb.exceptions import DoesNotExist, PutError

from chalicelib.adapters.dynamo_errors import lost_condition
from chalicelib.adapters.dynamo_models import OnceModel
from chalicelib.conflicts import retry_on_conflict
from chalicelib.domain.rate_limits import Limit, give_back, take
from chalicelib.errors import ConcurrentUpdate
from chalicelib.ports import RateLimiter


class DynamoRateLimiter(RateLimiter):
    def take(self, key: str, limit: Limit, now: datetime) -> int:
        stamp = now.timestamp()

        def attempt() -> int:
            item = _read(key)
            uses, revision = _uses(item), item.revision if item else None
            taken = take(uses, limit, stamp)
            if not taken.allowed:
                return taken.retry_after_seconds
            record = OnceModel(key=key, at=now.isoformat(), data={"uses": list(taken.uses)},
                               revision=(revision or 0) + 1,
                               # TTL: the item is worthless once its last use left the window.
                               expires_at=int(stamp) + limit.window_seconds + 60)
            _save(record, revision)
            return 0

        return retry_on_conflict(attempt)

    def give_back(self, key: str, used_at: datetime) -> None:
        def attempt() -> None:
            item = _read(key)
            if item is None:
                return  # expired: nothing left to give back
            uses = _uses(item)
            kept = give_back(uses, used_at.timestamp())
            if len(kept) == len(uses):
                return
            revision = item.revision
            item.data, item.revision = {"uses": list(kept)}, revision + 1
            _save(item, revision)

        retry_on_conflict(attempt)


def _read(key: str) -> Optional[OnceModel]:
    try:
        return OnceModel.get(key, consistent_read=True)
    except DoesNotExist:
        return None


def _uses(item: Optional[OnceModel]) -> list[float]:
    return (item.data or {}).get("uses", []) if item is not None else []


def _save(record: OnceModel, read_revision: Optional[int]) -> None:
    """Write `record` if nobody wrote since `read_revision` was read (None: the item was absent);
    a lost race is a ConcurrentUpdate, which retry_on_conflict reads again for."""
    condition = (OnceModel.key.does_not_exist() if read_revision is None
                 else OnceModel.revision == read_revision)
    try:
        record.save(condition=condition)
    except PutError as error:
        if lost_condition(error):
            raise ConcurrentUpdate() from error
        raise
