"""DynamoDB store of applications; every change is one transaction with its audit records."""
from __future__ import annotations

import uuid
from dataclasses import replace
from typing import Any, Optional, Sequence

from pynamodb.exceptions import DoesNotExist, PutError, TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib.adapters.dynamo_errors import any_condition_failed
from chalicelib.adapters.dynamo_models import ApplicationModel, AuditModel, transaction_connection
from chalicelib.adapters.pagination import decode_cursor, encode_cursor, filtered_page
from chalicelib.domain.applications import Application, TimelineEntry
from chalicelib.domain.audit import AuditRecord
from chalicelib.domain.fees import FeeLine
from chalicelib.errors import ConcurrentUpdate, NotFound
from chalicelib.ports import ApplicationStore, Page

# The keys of an item in the by-queue index: the table's and the index's (a Query's cursor).
QUEUE_KEYS = ("id", "queue_key", "created_at")


def to_model(app: Application) -> ApplicationModel:
    model = ApplicationModel(
        id=app.id, owner=app.owner, created_at=app.created_at, updated_at=app.updated_at,
        queue_key=app.queue_key, service_code=app.service_code, kind=app.kind, case=app.case,
        district=app.district, status=app.status, applicant=dict(app.applicant),
        site=dict(app.site), details=dict(app.details), fees=[f.as_dict() for f in app.fees],
        timeline=[t.stored() for t in app.timeline], renewal_of=app.renewal_of or None,
        licence_number=app.licence_number or None, decision_reason=app.decision_reason or None,
        review_required=app.review_required, extra=dict(app.extra) or None,
    )
    if app.version:
        model.version = app.version
    return model


def from_model(model: ApplicationModel) -> Application:
    return Application(
        id=model.id, service_code=model.service_code, kind=model.kind, case=model.case,
        district=model.district, owner=model.owner, applicant=model.applicant, site=model.site,
        details=model.details, status=model.status,
        fees=tuple(FeeLine.from_dict(f) for f in model.fees),
        timeline=tuple(TimelineEntry.from_dict(t) for t in model.timeline),
        created_at=model.created_at, updated_at=model.updated_at, version=model.version or 0,
        renewal_of=model.renewal_of or "", licence_number=model.licence_number or "",
        decision_reason=model.decision_reason or "", review_required=model.review_required,
        extra=model.extra or {},
    )


def from_image(image: dict[str, Any]) -> Application:
    """Rebuild an Application from a DynamoDB stream image (already deserialised by boto3 form)."""
    model = ApplicationModel.from_raw_data(image)
    return from_model(model)


def audit_model(subject: str, record: AuditRecord) -> AuditModel:
    """The record under its own subject if it names one, else under `subject`."""
    # `n` orders records written together at the same instant (approve, then the system's pay).
    return AuditModel(subject=record.subject or subject,
                      seq=f"{record.at}#{record.n}{uuid.uuid4().hex[:8]}",
                      at=record.at, actor=record.actor, role=record.role,
                      actor_name=record.actor_name or None,
                      district=record.district or None, action=record.action,
                      from_status=record.from_status, to_status=record.to_status,
                      reason=record.reason or None,
                      data=dict(record.data) if record.data is not None else None)


class DynamoApplicationStore(ApplicationStore):
    def get(self, application_id: str, consistent: bool = True) -> Application:
        try:
            return from_model(ApplicationModel.get(application_id, consistent_read=consistent))
        except DoesNotExist:
            raise NotFound(message_en="application not found", message_ar="الطلب غير موجود",
                           code="application_not_found") from None

    def create(self, app: Application, audit: Sequence[AuditRecord] = ()) -> Application:
        model = to_model(app)
        try:
            with TransactWrite(connection=transaction_connection(ApplicationModel.Meta.region),
                               client_request_token=None) as tx:
                tx.save(model, condition=ApplicationModel.id.does_not_exist())
                for record in audit:
                    tx.save(audit_model(f"APP#{app.id}", record),
                            condition=AuditModel.subject.does_not_exist())
        except TransactWriteError as error:
            if any_condition_failed(error):
                raise ConcurrentUpdate() from error
            raise
        return replace(app, version=model.version)

    def save(self, app: Application, audit: Sequence[AuditRecord]) -> Application:
        model = to_model(app)
        try:
            with TransactWrite(connection=transaction_connection(ApplicationModel.Meta.region)) as tx:
                tx.save(model)  # the VersionAttribute adds `version = <read version>`
                for record in audit:
                    tx.save(audit_model(f"APP#{app.id}", record),
                            condition=AuditModel.subject.does_not_exist())
        except TransactWriteError as error:
            if any_condition_failed(error):
                raise ConcurrentUpdate() from error
            raise
        return replace(app, version=model.version)

    def list_by_owner(self, owner: str, status: Optional[str], limit: int,
                      cursor: Optional[str]) -> Page:
        condition = ApplicationModel.status == status if status else None
        result = ApplicationModel.by_owner.query(
            owner, scan_index_forward=False, limit=limit, filter_condition=condition,
            last_evaluated_key=decode_cursor(cursor))
        items = [from_model(m) for m in result]
        return Page(items=items, next_cursor=encode_cursor(result.last_evaluated_key))

    def list_queue(self, district: str, status: str, limit: int, cursor: Optional[str],
                   service: Optional[str] = None, created_before: Optional[str] = None) -> Page:
        # The age is a KeyCondition on the index's sort key (only older items are read); the
        # service, not a key of the index, is a FilterExpression over what the Query reads.
        result = ApplicationModel.by_queue.query(
            f"{district}#{status}",
            ApplicationModel.created_at < created_before if created_before else None,
            filter_condition=ApplicationModel.service_code == service if service else None,
            scan_index_forward=True, limit=limit, last_evaluated_key=decode_cursor(cursor))
        if service:
            items, next_cursor = filtered_page(
                result, limit, lambda raw: from_model(ApplicationModel.from_raw_data(raw)),
                QUEUE_KEYS)
            return Page(items=items, next_cursor=next_cursor)
        items = [from_model(m) for m in result]
        return Page(items=items, next_cursor=encode_cursor(result.last_evaluated_key))

