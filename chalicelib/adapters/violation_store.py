"""DynamoDB store of inspectors' violation reports (docs/access-patterns.md, V rows).

A report is one transaction of two items: the report (its id must not exist) and its audit
record. A replay of the same report (same reporter, same idempotency key, so the same id) loses
on the first item and reads the stored report back: nothing is written twice.
"""
from __future__ import annotations

from typing import Optional

from pynamodb.exceptions import DoesNotExist, TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib.adapters.application_store import audit_model
from chalicelib.adapters.dynamo_errors import first_item_condition_failed
from chalicelib.adapters.dynamo_models import AuditModel, ViolationModel, transaction_connection
from chalicelib.adapters.pagination import decode_cursor, encode_cursor
from chalicelib.domain.audit import AuditRecord
from chalicelib.domain.violations import Photo, Violation
from chalicelib.errors import ConcurrentUpdate, NotFound
from chalicelib.ports import Page, ViolationStore


def received_key(violation: Violation) -> str:
    return f"{violation.reported_at}#{violation.id}"


def to_model(violation: Violation) -> ViolationModel:
    licence = None
    if violation.licence_number:
        licence = {"number": violation.licence_number, "found": violation.licence_found,
                   "status": violation.licence_status, "district": violation.licence_district}
    return ViolationModel(
        id=violation.id, district=violation.district, received_key=received_key(violation),
        reporter=violation.reporter, reporter_name=violation.reporter_name or None,
        kind=violation.kind, lat=violation.lat, lng=violation.lng,
        accuracy_m=violation.accuracy_m, note=violation.note or None,
        observed_at=violation.observed_at, reported_at=violation.reported_at,
        idempotency_key=violation.idempotency_key, fingerprint=violation.fingerprint,
        licence=licence,
        photos=[{"id": p.id, "content_type": p.content_type, "key": p.key}
                for p in violation.photos] or None)


def from_model(model: ViolationModel) -> Violation:
    licence = model.licence or {}
    return Violation(
        id=model.id, district=model.district, reporter=model.reporter,
        reporter_name=model.reporter_name or "", kind=model.kind, lat=float(model.lat),
        lng=float(model.lng), note=model.note or "", observed_at=model.observed_at,
        reported_at=model.reported_at, idempotency_key=model.idempotency_key,
        fingerprint=model.fingerprint, licence_number=licence.get("number", ""),
        licence_found=bool(licence.get("found")), licence_status=licence.get("status", ""),
        licence_district=licence.get("district", ""),
        accuracy_m=float(model.accuracy_m) if model.accuracy_m is not None else None,
        photos=tuple(Photo(**p) for p in (model.photos or ())))


def _not_found() -> NotFound:
    return NotFound(message_en="violation report not found", message_ar="البلاغ غير موجود",
                    code="violation_not_found")


class DynamoViolationStore(ViolationStore):
    def create(self, violation: Violation, audit: AuditRecord) -> tuple[Violation, bool]:
        try:
            with TransactWrite(connection=transaction_connection(ViolationModel.Meta.region)) as tx:
                tx.save(to_model(violation), condition=ViolationModel.id.does_not_exist())
                tx.save(audit_model(f"VIO#{violation.id}", audit),
                        condition=AuditModel.subject.does_not_exist())
        except TransactWriteError as error:
            if first_item_condition_failed(error):
                return self.get(violation.id), False
            raise ConcurrentUpdate() from error
        return violation, True

    def get(self, violation_id: str) -> Violation:
        try:
            return from_model(ViolationModel.get(violation_id, consistent_read=True))
        except DoesNotExist:
            raise _not_found() from None

    def list_by_district(self, district: str, limit: int, cursor: Optional[str]) -> Page:
        result = ViolationModel.by_district.query(district, scan_index_forward=False, limit=limit,
                                                  last_evaluated_key=decode_cursor(cursor))
        items = [from_model(m) for m in result]
        return Page(items=items, next_cursor=encode_cursor(result.last_evaluated_key))
