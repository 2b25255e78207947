"""The district back office's rules: documents, site inspections, amendments.

Documents and inspections live on the application (its `extra` map), so every change to them
is one versioned write of the application together with its audit record. Pure Python.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any, Iterable, Mapping, Optional

from chalicelib.domain.applications import (PAID, RETURNED, SUBMITTED, UNDER_REVIEW,
                                            Application, iso)
from chalicelib.domain.catalogue import DocumentSlot
from chalicelib.domain.fees import STAGE_SUBMISSION, FeeLine, Repricing, reprice
from chalicelib.errors import Conflict, NotFound, ValidationFailed

MB = 1024 * 1024
MAX_DOCUMENT_BYTES = 5 * MB
MAX_PHOTO_BYTES = 5 * MB
UPLOAD_URL_SECONDS = 900
PDF, JPEG, PNG = "application/pdf", "image/jpeg", "image/png"

# Document slots (code, names, accepted content types) are catalogue data
# (catalogue.json "document_slots"); each service names the ones it requires. Each upload pins
# ONE accepted type in its presigned POST policy (S3 has no "one of" condition).
PHOTO_TYPES = (JPEG, PNG)
MAX_DOCUMENTS = 30
MAX_PHOTOS_PER_INSPECTION = 20

# A citizen may add documents until the application is decided.
DOCUMENT_STATUSES = (SUBMITTED, PAID, UNDER_REVIEW, RETURNED)
# Inspections happen during review.
INSPECTION_STATUSES = (UNDER_REVIEW,)
SCHEDULED, PASSED, FAILED = "scheduled", "passed", "failed"


def check_document(slot: str, content_type: str, slots: Mapping[str, DocumentSlot]) -> None:
    """The slot exists and accepts this content type; else a 400 naming the field."""
    if slot not in slots:
        raise ValidationFailed(fields={"slot": f"نوع مستند غير معروف، واحد من: {'، '.join(slots)} / one of {', '.join(slots)}"})
    allowed = slots[slot].accepted_types
    if content_type not in allowed:
        raise ValidationFailed(fields={"content_type": f"نوع الملف غير مقبول لهذا المستند، المقبول: {'، '.join(allowed)} / {slots[slot].name_en} accepts {', '.join(allowed)}"})


def documents_missing(app: Application, required: tuple[str, ...]) -> list[str]:
    """The service's required document slots the application has nothing uploaded into yet."""
    given = {d["slot"] for d in app.extra.get("documents", ())}
    return [slot for slot in required if slot not in given]


def check_documents_for_approval(app: Application, required: tuple[str, ...],
                                 slots: Mapping[str, DocumentSlot], received: set[str]) -> None:
    """An application is approved only with every document its service requires (the
    catalogue's `required_documents`) received in the file store (`received`: the slots with a
    stored file; an upload form signed but never used does not count): a document handed in on
    paper is scanned in by the counter first. Else a 409 naming, in both languages, what is
    still missing; the officer returns the application to ask for it."""
    _refuse_without(required, received, slots,
                    "لا تمكن الموافقة قبل رفع كل المستندات المطلوبة",
                    "Cannot approve before every required document is uploaded")


def issued_on_payment(app: Application) -> bool:
    """Whether paying what is due now approves the application with nobody reviewing it: a
    service without review (a renewal, a duplicate), at its submission fees."""
    return not app.review_required and app.status == SUBMITTED


def check_documents_before_payment(required: tuple[str, ...], slots: Mapping[str, DocumentSlot],
                                   received: set[str]) -> None:
    """The approval rule above, for an application `issued_on_payment` (the caller asks, before
    looking in the file store): no officer reviews it, so the payment (online or at the counter)
    waits for every required document. A 409 naming what to upload first; nothing is charged."""
    _refuse_without(required, received, slots,
                    "ارفع كل المستندات المطلوبة قبل الدفع، فهذه الخدمة تُعتمد فور السداد",
                    "Upload every required document before paying: this service is "
                    "approved as soon as it is paid")


def _refuse_without(required: tuple[str, ...], received: set[str],
                    slots: Mapping[str, DocumentSlot], why_ar: str, why_en: str) -> None:
    """409 documents_missing after `why`, naming each required document not received."""
    missing = [slot for slot in required if slot not in received]
    if not missing:
        return
    named = [slots.get(slot) for slot in missing]
    names_ar = "، ".join(s.name_ar if s else code for s, code in zip(named, missing))
    names_en = ", ".join(s.name_en if s else code for s, code in zip(named, missing))
    raise Conflict(code="documents_missing",
                   message_en=f"{why_en}; missing or not received: {names_en}",
                   message_ar=f"{why_ar}؛ الناقص أو غير المستلم: {names_ar}")


def slots_to_check(app: Application, required: tuple[str, ...]) -> dict[str, list[str]]:
    """The stored keys of each required slot's documents, the latest first: what the use case
    asks the file store about (one look per slot until a file is found)."""
    keys: dict[str, list[str]] = {slot: [] for slot in required}
    for document in reversed(app.extra.get("documents", ())):
        if document["slot"] in keys:
            keys[document["slot"]].append(document["key"])
    return keys


def documents(app: Application) -> list[dict]:
    return [dict(d) for d in app.extra.get("documents", ())]


def inspections(app: Application) -> list[dict]:
    return [dict(i) for i in app.extra.get("inspections", ())]


def add_document(app: Application, document_id: str, slot: str, content_type: str,
                 key: str, by: str, now: datetime,
                 slots: Mapping[str, DocumentSlot]) -> tuple[Application, dict]:
    if app.status not in DOCUMENT_STATUSES:
        raise Conflict(code="documents_closed",
                       message_en=f"documents cannot be added to an application that is {app.status}",
                       message_ar="لا يمكن إضافة مستندات إلى الطلب في حالته الحالية")
    check_document(slot, content_type, slots)
    existing = documents(app)
    if len(existing) >= MAX_DOCUMENTS:
        raise Conflict(code="too_many_documents", message_en="this application has enough documents",
                       message_ar="تم الوصول للحد الأقصى لعدد المستندات")
    document = {"id": document_id, "slot": slot, "content_type": content_type, "key": key,
                "max_bytes": MAX_DOCUMENT_BYTES, "requested_at": iso(now), "by": by}
    return _with_extra(app, "documents", existing + [document], now), document


def schedule_inspection(app: Application, inspection_id: str, scheduled_for: datetime,
                        inspector: str, by: str, now: datetime) -> tuple[Application, dict]:
    _reviewing(app, "schedule an inspection")
    if scheduled_for <= now:
        raise ValidationFailed(fields={"scheduled_for": "يجب أن يكون الموعد في المستقبل / must be in the future"})
    inspection = {"id": inspection_id, "status": SCHEDULED, "scheduled_for": iso(scheduled_for),
                  "inspector": inspector, "scheduled_by": by, "scheduled_at": iso(now),
                  "photos": []}
    return _with_extra(app, "inspections", inspections(app) + [inspection], now), inspection


def record_result(app: Application, inspection_id: str, result: str, notes: str, by: str,
                  now: datetime) -> tuple[Application, dict]:
    _reviewing(app, "record an inspection result")
    items = inspections(app)
    index = _inspection_index(items, inspection_id)
    if items[index]["status"] != SCHEDULED:
        raise Conflict(code="inspection_recorded",
                       message_en="this inspection's result is already recorded",
                       message_ar="تم تسجيل نتيجة هذه المعاينة من قبل")
    items[index] = {**items[index], "status": result, "notes": notes, "recorded_by": by,
                    "recorded_at": iso(now)}
    return _with_extra(app, "inspections", items, now), items[index]


def add_photo(app: Application, inspection_id: str, photo_id: str, content_type: str, key: str,
              by: str, now: datetime) -> tuple[Application, dict]:
    _reviewing(app, "add inspection photos")
    if content_type not in PHOTO_TYPES:
        raise ValidationFailed(fields={"content_type": f"يقبل صور JPEG أو PNG فقط / one of {', '.join(PHOTO_TYPES)}"})
    items = inspections(app)
    index = _inspection_index(items, inspection_id)
    photos = list(items[index].get("photos", ()))
    if len(photos) >= MAX_PHOTOS_PER_INSPECTION:
        raise Conflict(code="too_many_photos", message_en="this inspection has enough photos",
                       message_ar="تم الوصول للحد الأقصى لعدد الصور")
    photo = {"id": photo_id, "content_type": content_type, "key": key,
             "max_bytes": MAX_PHOTO_BYTES, "requested_at": iso(now), "by": by}
    items[index] = {**items[index], "photos": photos + [photo]}
    return _with_extra(app, "inspections", items, now), photo


def amend(app: Application, applicant: Optional[Mapping[str, Any]],
          site: Optional[Mapping[str, Any]], details: Optional[Mapping[str, Any]]) -> Application:
    """Replace what the citizen corrected; only a returned application may be amended."""
    if app.status != RETURNED:
        raise Conflict(code="invalid_transition",
                       message_en="only an application returned to the citizen can be amended",
                       message_ar="لا يمكن تعديل الطلب إلا بعد إعادته للمواطن")
    return replace(app, applicant=dict(applicant if applicant is not None else app.applicant),
                   site=dict(site if site is not None else app.site),
                   details=dict(details if details is not None else app.details))


def reprice_amendment(app: Application,
                      owed: Iterable[FeeLine]) -> tuple[Application, Repricing]:
    """The amended application's submission fees against what it already paid (`owed`: the
    catalogue's submission lines for the amended details). What it adds becomes new unpaid lines
    (the application goes back to awaiting payment); what it takes away is kept in
    `extra["refunds_due"]` for finance. An amended application is a returned one, so every
    submission line it carries is paid."""
    refunded: dict[str, int] = {}
    for refund in app.extra.get("refunds_due", ()):
        refunded[refund["code"]] = refunded.get(refund["code"], 0) + int(refund["amount_piasters"])
    charged = [line for line in app.fees if line.stage == STAGE_SUBMISSION]
    repricing = reprice(charged, refunded, owed)
    extra = dict(app.extra)
    if repricing.refunds:
        extra["refunds_due"] = list(app.extra.get("refunds_due", ())) + [
            r.as_dict() for r in repricing.refunds]
    return replace(app, fees=app.fees + repricing.difference, extra=extra), repricing


def _reviewing(app: Application, what: str) -> None:
    if app.status not in INSPECTION_STATUSES:
        raise Conflict(code="invalid_transition",
                       message_en=f"cannot {what} for an application that is {app.status}",
                       message_ar="لا يمكن تنفيذ إجراء المعاينة إلا أثناء مراجعة الطلب")


def _inspection_index(items: list[dict], inspection_id: str) -> int:
    for index, item in enumerate(items):
        if item["id"] == inspection_id:
            return index
    raise NotFound(code="inspection_not_found", message_en="inspection not found",
                   message_ar="المعاينة غير موجودة")


def _with_extra(app: Application, name: str, value: list, now: datetime) -> Application:
    return replace(app, extra={**app.extra, name: value}, updated_at=iso(now))
