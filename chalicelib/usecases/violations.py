"""Violation reports from the field (issue 17): an inspector (an officer of the district)
reports what they saw, maybe from an offline queue that sends the same report twice; the
district's officers read them, the last received first.
"""
from __future__ import annotations

import re
from datetime import datetime
from typing import TYPE_CHECKING, Optional

from chalicelib.authorization import Resource, authorize, district_in_scope
from chalicelib.domain import violations as rules
from chalicelib.domain.audit import AuditRecord
from chalicelib.domain.violations import ReportInput, Violation
from chalicelib.errors import Conflict, NotFound, ValidationFailed
from chalicelib.ports import FileStore, LicenceStore, Page, ViolationStore

if TYPE_CHECKING:
    from chalicelib.auth import Principal

_ID = re.compile(r"[0-9a-f]{32}")


def report(body: ReportInput, caller: Principal, store: ViolationStore, licences: LicenceStore,
           files: FileStore, now: datetime) -> tuple[dict, bool]:
    """The report as stored and whether this call created it (False: a replay of the same
    report). Each photo comes with a fresh presigned POST, on a replay too: a phone whose first
    upload was cut off sends the report again and then its photos."""
    authorize(caller, "violation.report")
    try:
        clean = rules.check_report(body, now)
    except rules.ReportInvalid as error:
        raise ValidationFailed(fields=error.fields) from None
    licence = _licence(clean["licence_number"], licences)
    violation = rules.new_violation(body, clean, caller.sub, getattr(caller, "name", "") or "",
                                    caller.district, now, licence)
    record = AuditRecord(at=violation.reported_at, actor=caller.sub, role=caller.role,
                         district=caller.district, action="report_violation",
                         reason=violation.note,
                         data={"violation_id": violation.id, "kind": violation.kind,
                               "licence_number": violation.licence_number or None},
                         actor_name=getattr(caller, "name", "") or "")
    stored, created = store.create(violation, record)
    if not created and stored.fingerprint != violation.fingerprint:
        raise Conflict(code="idempotency_key_reused",
                       message_en="this idempotency key was used for another report",
                       message_ar="مفتاح الإرسال هذا استُخدم لبلاغ آخر",
                       fields={"idempotency_key": "أنشئ مفتاحًا جديدًا لكل بلاغ / make a new key for each report"})
    view = public_violation(stored)
    view["uploads"] = [{"photo_id": p.id,
                        "upload": files.presigned_post(p.key, (p.content_type,),
                                                       rules.MAX_PHOTO_BYTES,
                                                       rules.UPLOAD_URL_SECONDS)}
                       for p in stored.photos]
    return view, created


def _licence(number: str, licences: LicenceStore):
    """The licence the number names, or None: an inspector may copy a forged or mistyped number,
    and the report must still arrive (it is linked only when we issued that number)."""
    if not number:
        return None
    try:
        return licences.get(number)
    except NotFound:
        return None


def get(violation_id: str, caller: Principal, store: ViolationStore, files: FileStore) -> dict:
    authorize(caller, "violation.read")
    if not _ID.fullmatch(violation_id):
        raise NotFound(message_en="violation report not found", message_ar="البلاغ غير موجود",
                       code="violation_not_found")
    violation = store.get(violation_id)
    authorize(caller, "violation.read", Resource(district=violation.district, kind="violation"))
    return public_violation(violation, files)


def list_for_district(caller: Principal, district: Optional[str], store: ViolationStore,
                      files: FileStore, limit: int, cursor: Optional[str]) -> Page:
    """Officers: their district's reports; admins name the district."""
    scope = district_in_scope(caller, "violation.list", district)
    if scope is None:
        raise ValidationFailed(fields={"district": "اختر الحي / name the district"})
    page = store.list_by_district(scope, limit, cursor)
    return Page(items=[public_violation(v, files) for v in page.items], next_cursor=page.next_cursor)


def public_violation(violation: Violation, files: Optional[FileStore] = None) -> dict:
    """What officers read: never the files bucket's keys or the fingerprint."""
    view: dict = {
        "id": violation.id, "district": violation.district, "kind": violation.kind,
        "position": {"lat": violation.lat, "lng": violation.lng,
                     **({"accuracy_m": violation.accuracy_m}
                        if violation.accuracy_m is not None else {})},
        "note": violation.note, "observed_at": violation.observed_at,
        "reported_at": violation.reported_at,
        "reporter": {"sub": violation.reporter, "name": violation.reporter_name or None},
        "photos": [{"id": p.id, "content_type": p.content_type,
                    **({"download_url": files.presigned_get_url(p.key)} if files else {})}
                   for p in violation.photos],
    }
    if violation.licence_number:
        view["licence"] = {"number": violation.licence_number, "found": violation.licence_found,
                           "status": violation.licence_status or None,
                           "district": violation.licence_district or None}
    return view
