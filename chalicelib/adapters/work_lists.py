"""The nightly job's work lists, page by page: index Queries only, never a Scan."""
from __future__ import annotations

from typing import Optional

from chalicelib.adapters.dynamo_models import LicenceModel
from chalicelib.adapters.licence_record import AccruesByRule
from chalicelib.adapters.licence_store import SMS_RETRY, from_model
from chalicelib.domain.licences import Licence
from chalicelib.adapters.pagination import decode_cursor, encode_cursor
from chalicelib.ports import Page, WorkLists


class DynamoWorkLists(WorkLists):
    def __init__(self, accrues_by_rule: AccruesByRule) -> None:
        self._accrues_by_rule = accrues_by_rule

    def ending_on(self, valid_until: str, number_prefix: str, limit: int,
                  cursor: Optional[str]) -> Page:
        """Licences whose term ends on a Cairo date, one district's numbers (by-expiry index)."""
        result = LicenceModel.by_expiry.query(
            valid_until, LicenceModel.number.startswith(number_prefix), limit=limit,
            last_evaluated_key=decode_cursor(cursor))
        items = [from_model(m, self._accrues_by_rule) for m in result]
        return Page(items=items, next_cursor=encode_cursor(result.last_evaluated_key))

    def sms_retrying(self, due_before: str, limit: int) -> list[Licence]:
        """Licences whose SMS is retrying, due before a time (sparse by-sms-retry index)."""
        return [from_model(m, self._accrues_by_rule) for m in LicenceModel.by_sms_retry.query(
            SMS_RETRY, LicenceModel.sms_next_attempt_at < due_before, limit=limit)]

    def accruing(self, shard: str, limit: int, cursor: Optional[str]) -> Page:
        """Late advertisements still accruing fines (sparse by-accruing index)."""
        result = LicenceModel.by_accruing.query(shard, limit=limit,
                                                last_evaluated_key=decode_cursor(cursor))
        items = [from_model(m, self._accrues_by_rule) for m in result]
        return Page(items=items, next_cursor=encode_cursor(result.last_evaluated_key))
