"""DynamoDB store of licences, and the per-district, per-year number counter."""
from __future__ import annotations

from dataclasses import replace
from typing import Callable, Optional, Sequence

from pynamodb.exceptions import DoesNotExist, PutError, TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib.adapters.application_store import audit_model
from chalicelib.adapters.dynamo_errors import any_condition_failed, lost_condition
from chalicelib.adapters.dynamo_models import (AuditModel, ConfigModel, LicenceModel,
                                             transaction_connection)
from chalicelib.adapters.licence_record import AccruesByRule, licence_from_values
from chalicelib.adapters.pagination import decode_cursor, encode_cursor
from chalicelib.conflicts import retry_on_conflict
from chalicelib.domain.licences import Licence
from chalicelib.domain.audit import AuditRecord
from chalicelib.domain.licence_numbers import counter_name, format_number
from chalicelib.errors import ConcurrentUpdate, NotFound
from chalicelib.ports import LicenceStore, Page

COUNTER = "COUNTER"
SMS_RETRY = "RETRYING"  # the one key of the sparse by-sms-retry index


def to_model(licence: Licence) -> LicenceModel:
    model = LicenceModel(
        number=licence.number, application_id=licence.application_id,
        service_code=licence.service_code, kind=licence.kind, district=licence.district,
        holder=licence.holder, holder_name=licence.holder_name,
        holder_mobile=licence.holder_mobile, holder_national_id=licence.holder_national_id,
        site=dict(licence.site), details=dict(licence.details), status=licence.status,
        valid_from=licence.valid_from, valid_until=licence.valid_until,
        issued_at=licence.issued_at, seal_token=licence.seal_token or None,
        qr_key=licence.qr_key or None, fines=[f.as_dict() for f in licence.fines],
        sms=dict(licence.sms) or None, status_reason=licence.status_reason or None,
        renewals=[dict(r) for r in licence.renewals] or None,
        superseded_by=licence.superseded_by or None, accruing_shard=licence.accruing_shard,
        status_shard=licence.status_shard,
        fined_district=licence.district if licence.fines else None,
        fines_capped=licence.fines_capped or None,
        # Stored true or false: absent means saved before it was stored (licence_record.py).
        accrues_late_fines=licence.accrues_late_fines,
        sms_retry=SMS_RETRY if licence.sms_retry_due else None,
        sms_next_attempt_at=licence.sms_retry_due or None)
    if licence.version:
        model.version = licence.version
    return model


def from_model(model: LicenceModel, accrues_by_rule: AccruesByRule) -> Licence:
    return licence_from_values(model.attribute_values, accrues_by_rule)


class DynamoLicenceStore(LicenceStore):
    def __init__(self, accrues_by_rule: AccruesByRule) -> None:
        self._accrues_by_rule = accrues_by_rule

    def _from(self, model: LicenceModel) -> Licence:
        return from_model(model, self._accrues_by_rule)

    def get(self, number: str, consistent: bool = False) -> Licence:
        """Eventually consistent by default: verification pays half a read unit."""
        try:
            return self._from(LicenceModel.get(number, consistent_read=consistent))
        except DoesNotExist:
            raise NotFound(message_en="licence not found", message_ar="الرخصة غير موجودة",
                           code="licence_not_found") from None

    def create(self, licence: Licence) -> Licence:
        model = to_model(licence)
        try:
            model.save(condition=LicenceModel.number.does_not_exist())
        except PutError as error:
            if error.cause_response_code == "ConditionalCheckFailedException":
                raise ConcurrentUpdate() from error
            raise
        return replace(licence, version=model.version)

    def save(self, licence: Licence, audit: Sequence[AuditRecord] = ()) -> Licence:
        """Versioned write, with its audit records (LIC#number) in the same transaction: a
        concurrent change makes this raise ConcurrentUpdate."""
        model = to_model(licence)
        try:
            if not audit:
                model.save()
            else:
                with TransactWrite(connection=transaction_connection(LicenceModel.Meta.region)) as tx:
                    tx.save(model)  # the VersionAttribute adds `version = <read version>`
                    for record in audit:
                        tx.save(audit_model(f"LIC#{licence.number}", record),
                                condition=AuditModel.subject.does_not_exist())
        except PutError as error:
            if lost_condition(error):
                raise ConcurrentUpdate() from error
            raise
        except TransactWriteError as error:
            if any_condition_failed(error):
                raise ConcurrentUpdate() from error
            raise
        return replace(licence, version=model.version)

    def list_by_holder(self, holder: str, limit: int, cursor: Optional[str]) -> Page:
        result = LicenceModel.by_holder.query(holder, limit=limit,
                                              last_evaluated_key=decode_cursor(cursor))
        items = [self._from(m) for m in result]
        return Page(items=items, next_cursor=encode_cursor(result.last_evaluated_key))

    def list_by_district(self, district: str, limit: int, cursor: Optional[str]) -> Page:
        result = LicenceModel.by_district.query(district, limit=limit,
                                                last_evaluated_key=decode_cursor(cursor))
        items = [self._from(m) for m in result]
        return Page(items=items, next_cursor=encode_cursor(result.last_evaluated_key))

    def create_numbered(self, build: Callable[[str], Licence], district: str, year: int,
                        attempts: int = 5) -> Licence:
        """Allocate the next number and claim it with a conditional create.

        The counter is atomic in DynamoDB, but the claim is what guarantees uniqueness: a
        number that is already taken (a restored counter, a non-atomic emulator) is skipped,
        leaving a gap, which the numbering tolerates.
        """
        return retry_on_conflict(
            lambda: self.create(build(format_number(district, year,
                                                    self.next_sequence(district, year)))),
            attempts=attempts,
            gave_up=lambda: ConcurrentUpdate(message_en="could not allocate a licence number",
                                             message_ar="تعذر تخصيص رقم للرخصة"))

    def next_sequence(self, district: str, year: int) -> int:
        """Atomic per-district, per-year counter: numbers are unique, gaps are tolerated."""
        counter = ConfigModel(COUNTER, counter_name(district, year))
        counter.update(actions=[ConfigModel.value.add(1)])
        return int(counter.value)
