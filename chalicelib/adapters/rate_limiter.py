"""Per-caller bounds in the `once` table: one item per action and subject (rate#ACTION#SUBJECT)
holding the times of its recent uses; a use is counted by a PutItem conditioned on the revision
read (or on the item being absent), so two requests racing for the last use cannot both win."""
from __future__ import annotations

from datetime import datetime

from pynamodb.exceptions import DoesNotExist, PutError

from chalicelib.adapters.dynamo_errors import lost_condition
from chalicelib.adapters.dynamo_models import OnceModel
from chalicelib.domain.rate_limits import Limit, give_back, take
from chalicelib.errors import ConcurrentUpdate
from chalicelib.ports import RateLimiter

ATTEMPTS = 5


class DynamoRateLimiter(RateLimiter):
    def take(self, key: str, limit: Limit, now: datetime) -> int:
        stamp = now.timestamp()
        for _ in range(ATTEMPTS):
            try:
                item = OnceModel.get(key, consistent_read=True)
                uses, revision = (item.data or {}).get("uses", []), item.revision
            except DoesNotExist:
                uses, revision = [], None
            taken = take(uses, limit, stamp)
            if not taken.allowed:
                return taken.retry_after_seconds
            record = OnceModel(key=key, at=now.isoformat(), data={"uses": list(taken.uses)},
                               revision=(revision or 0) + 1,
                               # TTL: the item is worthless once its last use left the window.
                               expires_at=int(stamp) + limit.window_seconds + 60)
            condition = (OnceModel.key.does_not_exist() if revision is None
                         else OnceModel.revision == revision)
            try:
                record.save(condition=condition)
                return 0
            except PutError as error:
                if not lost_condition(error):
                    raise
        raise ConcurrentUpdate()

    def give_back(self, key: str, used_at: datetime) -> None:
        for _ in range(ATTEMPTS):
            try:
                item = OnceModel.get(key, consistent_read=True)
            except DoesNotExist:
                return  # expired: nothing left to give back
            uses = (item.data or {}).get("uses", [])
            kept = give_back(uses, used_at.timestamp())
            if len(kept) == len(uses):
                return
            item.data = {"uses": list(kept)}
            revision, item.revision = item.revision, item.revision + 1
            try:
                item.save(condition=OnceModel.revision == revision)
                return
            except PutError as error:
                if not lost_condition(error):
                    raise
        raise ConcurrentUpdate()
