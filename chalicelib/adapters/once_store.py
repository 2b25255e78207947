"""The `once` table: exactly-once decisions and leased claims, and pointers, by conditional
writes. Two ports share the table (one key space, every key prefixed by what it is for)."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Mapping, Optional

from pynamodb.exceptions import DoesNotExist, PutError, UpdateError

from chalicelib.adapters.dynamo_errors import lost_condition
from chalicelib.adapters.dynamo_models import OnceModel
from chalicelib.ports import OnceStore, PointerStore

SENT = "sent"
CLAIMED = "claimed"
KEEP_DAYS = 400  # TTL: long enough to cover a term and its reminders, then housekeeping


def _iso(now: datetime) -> str:
    return now.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _expires(now: datetime) -> int:
    return int((now + timedelta(days=KEEP_DAYS)).timestamp())


class DynamoOnceStore(OnceStore):
    def decide(self, key: str, value: Mapping[str, object], now: datetime) -> Mapping[str, object]:
        item = OnceModel(key=key, at=_iso(now), expires_at=_expires(now), data=dict(value))
        try:
            item.save(condition=OnceModel.key.does_not_exist())
            return dict(value)
        except PutError as error:
            if not lost_condition(error):
                raise
        return OnceModel.get(key, consistent_read=True).data or {}

    def claim(self, key: str, now: datetime, lease_seconds: int) -> bool:
        stamp = int(now.timestamp())
        item = OnceModel(key=key, at=_iso(now), expires_at=_expires(now), state=CLAIMED,
                         lease_until=stamp + lease_seconds)
        lapsed = (OnceModel.state != SENT) & (OnceModel.lease_until < stamp)
        try:
            item.save(condition=OnceModel.key.does_not_exist() | lapsed)
            return True
        except PutError as error:
            if lost_condition(error):
                return False
            raise

    def complete(self, key: str, data: Mapping[str, object]) -> None:
        OnceModel(key=key).update(actions=[OnceModel.state.set(SENT), OnceModel.data.set(dict(data))])

    def release(self, key: str) -> None:
        try:
            OnceModel(key=key).update(actions=[OnceModel.lease_until.set(0)],
                                      condition=OnceModel.state != SENT)
        except UpdateError as error:
            if not lost_condition(error):
                raise


class DynamoPointerStore(PointerStore):
    def point(self, key: str, ref: str, now: datetime, replacing: Optional[str] = None) -> bool:
        item = OnceModel(key=key, at=_iso(now), expires_at=_expires(now), ref=ref)
        condition = OnceModel.key.does_not_exist()
        if replacing:
            condition = condition | (OnceModel.ref == replacing)
        try:
            item.save(condition=condition)
            return True
        except PutError as error:
            if lost_condition(error):
                return False
            raise

    def ref(self, key: str) -> Optional[str]:
        try:
            return OnceModel.get(key, consistent_read=True).ref
        except DoesNotExist:
            return None
