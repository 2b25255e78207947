"""The append-only audit trail, read per subject. Records are written by the store of what
they describe, in the same transaction (e.g. `DynamoLicenceStore.save(licence, audit)`).

Records are only ever Put with attribute_not_exists; nothing here updates or deletes one.
"""
from __future__ import annotations

from typing import Optional

from chalicelib.adapters.dynamo_models import AuditModel
from chalicelib.adapters.pagination import decode_cursor, encode_cursor
from chalicelib.domain.audit import AuditRecord
from chalicelib.ports import AuditTrail, Page


def record_view(model: AuditModel) -> dict:
    return AuditRecord(at=model.at, actor=model.actor, role=model.role,
                       district=model.district or "", action=model.action,
                       from_status=model.from_status, to_status=model.to_status,
                       reason=model.reason or "", data=model.data, subject=model.subject,
                       actor_name=model.actor_name or "").public()


class DynamoAuditTrail(AuditTrail):
    def list(self, subject: str, limit: int, cursor: Optional[str],
             newest_first: bool = False) -> Page:
        """One subject's records (APP#id, LIC#number, ROLLOUT), oldest first unless
        `newest_first`."""
        result = AuditModel.query(subject, scan_index_forward=not newest_first, limit=limit,
                                  consistent_read=True, last_evaluated_key=decode_cursor(cursor))
        items = [record_view(m) for m in result]
        return Page(items=items, next_cursor=encode_cursor(result.last_evaluated_key))
