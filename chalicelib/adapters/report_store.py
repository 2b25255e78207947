"""Report counters in the config table, kept from the applications stream, exactly once.

Each stream record's increments are one transaction with a once-key: a redelivered record
finds its key taken and changes nothing.
"""
from __future__ import annotations

from datetime import datetime
from typing import Iterable, Mapping

from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib.adapters.dynamo_errors import first_item_condition_failed
from chalicelib.adapters.dynamo_models import (ConfigModel, LicenceModel, OnceModel,
                                             transaction_connection)
from chalicelib.domain.licences import Fine
from chalicelib.ports import ReportStore

REPORT = "REPORT#"
ONCE_DAYS = 7  # longer than a stream's 24-hour retention


class DynamoReportStore(ReportStore):
    def apply_once(self, key: str, increments: Mapping[tuple[str, str], int],
                   now: datetime) -> bool:
        """Add every increment unless `key` was applied before; True when applied now."""
        try:
            with TransactWrite(connection=transaction_connection(ConfigModel.Meta.region)) as tx:
                tx.save(OnceModel(key, at=now.isoformat(),
                                  expires_at=int(now.timestamp()) + ONCE_DAYS * 86400),
                        condition=OnceModel.key.does_not_exist())
                for (district, counter), amount in increments.items():
                    tx.update(ConfigModel(f"{REPORT}{district}", counter),
                              actions=[ConfigModel.value.add(amount)])
        except TransactWriteError as error:
            if first_item_condition_failed(error):
                return False
            raise
        return True

    def counters(self, district: str) -> dict[str, int]:
        """Every counter of one district, in one Query."""
        return {item.sk: int(item.value or 0)
                for item in ConfigModel.query(f"{REPORT}{district}", consistent_read=True)}

    def licence_fines(self, district: str) -> Iterable[Fine]:
        """Fines on the district's licences: a Query of the sparse by-fined-district index,
        which holds only licences that carry a fine."""
        for item in LicenceModel.by_fined_district.query(district, attributes_to_get=["fines"]):
            for raw in item.fines or ():
                yield Fine.from_dict(raw)
