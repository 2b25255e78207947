"""Admins turn a service on or off per district: config-table writes with their audit record."""
from __future__ import annotations

from dataclasses import replace

from pynamodb.exceptions import DoesNotExist, TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib.adapters.application_store import audit_model
from chalicelib.adapters.dynamo_errors import any_condition_failed
from chalicelib.adapters.dynamo_models import AuditModel, ConfigModel, transaction_connection
from chalicelib.adapters.rollout_store import ROLLOUT
from chalicelib.conflicts import retry_on_conflict
from chalicelib.domain.audit import ROLLOUT_AUDIT, AuditRecord
from chalicelib.errors import ConcurrentUpdate
from chalicelib.ports import RolloutAdmin


class DynamoRolloutAdmin(RolloutAdmin):
    def entries(self) -> list[dict]:
        """Every service's rollout with who changed it last, in one Query."""
        return [{"service_code": item.sk, "districts": list(item.districts or ()),
                 "updated_at": item.updated_at, "updated_by": item.updated_by}
                for item in ConfigModel.query(ROLLOUT, consistent_read=True)]

    def set_live(self, service_code: str, district: str, live: bool, by: str, at: str,
                 audit: AuditRecord, attempts: int = 5) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """Turn one district on or off for a service, with its audit record, in one transaction.

        The write is conditional on the districts read, so two admins toggling different
        districts at once both win (the loser re-reads and retries). Returns (before, after)."""
        def attempt() -> tuple[tuple[str, ...], tuple[str, ...]]:
            before, unchanged = self._read(service_code)
            after = tuple(sorted(set(before) | {district} if live else set(before) - {district}))
            record = replace(audit, from_status="live" if district in before else "not_live",
                             to_status="live" if live else "not_live",
                             data={"service_code": service_code, "district": district,
                                   "districts_before": list(before),
                                   "districts_after": list(after)})
            try:
                with TransactWrite(connection=transaction_connection(ConfigModel.Meta.region)) as tx:
                    tx.save(ConfigModel(ROLLOUT, service_code, districts=list(after),
                                        updated_by=by, updated_at=at), condition=unchanged)
                    tx.save(audit_model(ROLLOUT_AUDIT, record),
                            condition=AuditModel.subject.does_not_exist())
            except TransactWriteError as error:
                if any_condition_failed(error):
                    raise ConcurrentUpdate() from error
                raise
            return before, after

        return retry_on_conflict(attempt, attempts=attempts)

    @staticmethod
    def _read(service_code: str):
        try:
            item = ConfigModel.get(ROLLOUT, service_code, consistent_read=True)
        except DoesNotExist:
            return (), ConfigModel.pk.does_not_exist()
        if item.districts is None:
            return (), ConfigModel.districts.does_not_exist()
        return tuple(item.districts), ConfigModel.districts == item.districts


