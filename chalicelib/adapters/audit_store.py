"""The append-only audit trail: read per subject, and licence changes written with their record.

Records are only ever Put with attribute_not_exists; nothing here updates or deletes one.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Optional

from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib.adapters.application_store import audit_model
from chalicelib.adapters.dynamo_errors import any_condition_failed
from chalicelib.adapters.dynamo_models import AuditModel, LicenceModel, transaction_connection
from chalicelib.adapters.licence_store import to_model as licence_model
from chalicelib.adapters.pagination import decode_cursor, encode_cursor
from chalicelib.domain.licences import Licence
from chalicelib.errors import ConcurrentUpdate
from chalicelib.ports import Page


def record_view(model: AuditModel) -> dict:
    return {"at": model.at, "actor": model.actor, "role": model.role,
            "district": model.district, "action": model.action,
            "from_status": model.from_status, "to_status": model.to_status,
            "reason": model.reason, "data": model.data}


class DynamoAuditTrail:
    def list(self, subject: str, limit: int, cursor: Optional[str]) -> Page:
        """One subject's records (APP#id, LIC#number, ROLLOUT#code), oldest first."""
        result = AuditModel.query(subject, scan_index_forward=True, limit=limit,
                                  consistent_read=True, last_evaluated_key=decode_cursor(cursor))
        items = [record_view(m) for m in result]
        return Page(items=items, next_cursor=encode_cursor(result.last_evaluated_key))

    def save_licence(self, licence: Licence, audit: list[dict]) -> Licence:
        """Versioned licence write and its audit records, in one transaction."""
        model = licence_model(licence)
        try:
            with TransactWrite(connection=transaction_connection(LicenceModel.Meta.region)) as tx:
                tx.save(model)  # the VersionAttribute adds `version = <read version>`
                for record in audit:
                    tx.save(audit_model(f"LIC#{licence.number}", record),
                            condition=AuditModel.subject.does_not_exist())
        except TransactWriteError as error:
            if any_condition_failed(error):
                raise ConcurrentUpdate() from error
            raise
        return replace(licence, version=model.version)
