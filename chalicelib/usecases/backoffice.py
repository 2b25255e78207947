"""The district back office: decisions, returns and resubmissions, documents, inspections,
licence status changes, rollout, audit trail and reports.

Every change is one versioned write with its audit records (who, role, district, when,
from -> to, reason); every action is authorised by the matrix in chalicelib/authorization.py.
"""
from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Any, Optional

from chalicelib.authorization import authorize, district_in_scope
from chalicelib.domain import backoffice, replacement, reports, validation
from chalicelib.domain.applications import Actor, Application, approve, iso, parse_iso, transition
from chalicelib.domain.audit import ROLLOUT_AUDIT, AuditRecord
from chalicelib.domain.calendar import cairo_date
from chalicelib.domain.catalogue import Catalogue
from chalicelib.domain.commands import (Amendment, ApplicantInput, Decision, DocumentUpload,
                                        InspectionBooking, InspectionResult, SiteInput)
from chalicelib.domain.fees import STAGE_APPROVAL, STAGE_SUBMISSION, Refund, fee_lines
from chalicelib.domain.payments import OVERPAID_AFTER_AMENDMENT
from chalicelib.domain.licences import Licence, change_status
from chalicelib.errors import NotFound, ValidationFailed
from chalicelib.ports import (ApplicationStore, AuditTrail, FileStore, LicenceStore,
                              Page, PaymentStore, ReportStore, RolloutAdmin)
from chalicelib.usecases.applications import (get_application, validate_applicant_and_site,
                                              validate_details)
from chalicelib.usecases import documents
from chalicelib.usecases.licences import readable_licence

if TYPE_CHECKING:  # types only: this module pulls PyJWT into every worker
    from chalicelib.auth import Principal

MIN_REASON = 3


# --------------------------------------------------------------------------------------------
# Audit records


def trail(before: Application, after: Application, caller: Principal, action: str = "",
          reason: str = "", data: Optional[dict] = None) -> list[AuditRecord]:
    """One record per new timeline entry (each state change), or one record of an officer's
    or citizen's action that changes no state."""
    district = caller.district or after.district
    name = getattr(caller, "name", "")  # the system (an Actor) has no display name
    new_entries = after.timeline[len(before.timeline):]
    if not new_entries:
        return [AuditRecord(at=after.updated_at, actor=caller.sub, role=caller.role,
                            district=district, action=action, from_status=before.status,
                            to_status=after.status, reason=reason, data=data,
                            actor_name=name)]
    records: list[AuditRecord] = []
    previous = before.status
    for entry in new_entries:
        own = entry.by == caller.sub
        records.append(AuditRecord(at=entry.at, actor=entry.by or caller.sub,
                                   role=entry.by_role,
                                   district=district if own else after.district,
                                   action=entry.action, from_status=previous,
                                   to_status=entry.status, reason=entry.reason or "",
                                   data=data if own else None, n=len(records),
                                   actor_name=name if own else ""))
        previous = entry.status
    return records


def _text(value: Optional[str], field: str, field_max: int = 2000) -> str:
    """Free text people will read (reasons, notes, names): NFC, nothing hidden; else 400."""
    try:
        return validation.free_text(value or "", field_max)
    except validation.FieldInvalid as error:
        raise ValidationFailed(fields={field: error.bilingual()}) from None


def _reason(reason: Optional[str], required: bool, field: str = "reason") -> str:
    text = _text(reason, field)
    if required and len(text) < MIN_REASON:
        raise ValidationFailed(fields={"reason": f"يلزم ذكر السبب في {MIN_REASON} أحرف على الأقل / a reason of at least {MIN_REASON} characters is required"})
    return text


# --------------------------------------------------------------------------------------------
# Decisions, returns, resubmissions


def decide(application_id: str, body: Decision, caller: Principal, catalogue: Catalogue,
           store: ApplicationStore, files: FileStore, now: datetime) -> Application:
    """Approve (the licence fee becomes due) or reject with a reason the citizen sees. An
    approval needs every required document received: the file store is asked about each."""
    app = get_application(application_id, caller, store, "application.decide")
    actor = Actor(caller.sub, caller.role, caller.district)
    reason = _reason(body.reason, required=body.decision == "reject")
    changed = transition(app, body.decision, actor, now, reason)
    if body.decision == "approve":
        service = catalogue.service(app.service_code)
        backoffice.check_documents_for_approval(
            app, service.required_documents, catalogue.document_slots,
            documents.received(app, service.required_documents, files))
        changed = approve(changed, fee_lines(service, changed.details, STAGE_APPROVAL), now)
    return store.save(changed, trail(app, changed, caller))


def return_to_citizen(application_id: str, reason: Optional[str], caller: Principal,
                      store: ApplicationStore, now: datetime) -> Application:
    """Send an application back for missing documents or corrections, saying what is missing."""
    app = get_application(application_id, caller, store, "application.return")
    text = _reason(reason, required=True)
    changed = transition(app, "return", Actor(caller.sub, caller.role, caller.district), now, text)
    return store.save(changed, trail(app, changed, caller))


def resubmit(application_id: str, body: Amendment, caller: Principal, catalogue: Catalogue,
             store: ApplicationStore, payments: PaymentStore, now: datetime) -> Application:
    """The citizen's corrections, re-validated by the same rules as a new application and
    re-priced: a difference goes back to awaiting payment before review continues; money no
    longer owed flags the payment that paid it for finance to refund."""
    app = get_application(application_id, caller, store, "application.resubmit")
    amended = backoffice.amend(app, *_revalidated(app, body, catalogue, now))
    service = catalogue.service(app.service_code)
    repriced, repricing = backoffice.reprice_amendment(
        amended, fee_lines(service, amended.details, STAGE_SUBMISSION))
    action = "resubmit_fees_due" if repricing.difference else "resubmit"
    changed = transition(repriced, action, Actor(caller.sub, caller.role), now,
                         _reason(body.note, required=False, field="note"))
    data: dict[str, Any] = {"amended": body.amended}
    if repricing.difference:
        data["difference_piasters"] = repricing.difference_piasters
    if repricing.refunds:  # audit data holds scalars and lists of names (api/responses.py)
        data["refund_piasters"] = repricing.refund_piasters
        data["refunded_fees"] = [r.code for r in repricing.refunds]
        data["refund_payments"] = sorted({r.payment_id for r in repricing.refunds if r.payment_id})
    saved = store.save(changed, trail(app, changed, caller, data=data))
    for refund in repricing.refunds:
        _flag_for_refund(refund, payments, now)
    return saved


def _flag_for_refund(refund: Refund, payments: PaymentStore, now: datetime) -> None:
    """Put the payment on finance's refund list, unless a flag already keeps it there."""
    if refund.payment_id is None:
        return
    if not payments.get(refund.payment_id).flag_reason:
        payments.mark(refund.payment_id, OVERPAID_AFTER_AMENDMENT, iso(now))


def _revalidated(app: Application, body: Amendment, catalogue: Catalogue,
                 now: datetime) -> tuple[dict, dict, dict]:
    """The amended parts over the stored ones, every part checked again."""
    applicant = body.applicant or ApplicantInput(
        name=str(app.applicant.get("name", "")),
        national_id=str(app.applicant.get("national_id", "")),
        mobile=str(app.applicant.get("mobile", "")))
    site = body.site or SiteInput(lat=app.site.get("lat"), lng=app.site.get("lng"),
                                  address=str(app.site.get("address", "")))
    details = body.details if body.details is not None else dict(app.details)
    checked_applicant, checked_site = validate_applicant_and_site(
        applicant, site, app.district, cairo_date(now), catalogue)
    checked_details = validate_details(catalogue.service(app.service_code), details)
    return checked_applicant, checked_site, checked_details


# --------------------------------------------------------------------------------------------
# Documents and inspections


def request_document_upload(application_id: str, body: DocumentUpload, caller: Principal,
                            store: ApplicationStore, files: FileStore, now: datetime,
                            catalogue: Catalogue) -> tuple[dict, dict]:
    """A presigned POST for one document; the policy pins its type and bounds its size."""
    app = get_application(application_id, caller, store, "application.upload_document")
    document_id = uuid.uuid4().hex
    key = f"documents/{app.id}/{document_id}"
    changed, document = backoffice.add_document(app, document_id, body.slot, body.content_type,
                                                key, caller.sub, now, catalogue.document_slots)
    upload = files.presigned_post(key, (body.content_type,), backoffice.MAX_DOCUMENT_BYTES,
                                  backoffice.UPLOAD_URL_SECONDS)
    store.save(changed, trail(app, changed, caller, action="add_document",
                              data={"document_id": document_id, "slot": body.slot}))
    return _public_file(document), upload


def list_documents(application_id: str, caller: Principal, store: ApplicationStore,
                   files: FileStore) -> list[dict]:
    app = get_application(application_id, caller, store, "application.read_documents")
    return [{**_public_file(d), "download_url": files.presigned_get_url(d["key"])}
            for d in backoffice.documents(app)]


def schedule_inspection(application_id: str, body: InspectionBooking, caller: Principal,
                        store: ApplicationStore, now: datetime) -> dict:
    app = get_application(application_id, caller, store, "application.inspect")
    when = _moment(body.scheduled_for, "scheduled_for")
    changed, inspection = backoffice.schedule_inspection(
        app, uuid.uuid4().hex, when, _text(body.inspector, "inspector"), caller.sub, now)
    store.save(changed, trail(app, changed, caller, action="schedule_inspection",
                              data={"inspection_id": inspection["id"],
                                    "scheduled_for": inspection["scheduled_for"],
                                    "inspector": inspection["inspector"]}))
    return public_inspection(inspection)


def record_inspection(application_id: str, inspection_id: str, body: InspectionResult,
                      caller: Principal, store: ApplicationStore, now: datetime) -> dict:
    app = get_application(application_id, caller, store, "application.inspect")
    changed, inspection = backoffice.record_result(app, inspection_id, body.result,
                                                   _text(body.notes, "notes"), caller.sub, now)
    store.save(changed, trail(app, changed, caller, action="record_inspection",
                              reason=inspection["notes"],
                              data={"inspection_id": inspection_id, "result": body.result}))
    return public_inspection(inspection)


def request_inspection_photo(application_id: str, inspection_id: str, content_type: str,
                             caller: Principal, store: ApplicationStore, files: FileStore,
                             now: datetime) -> tuple[dict, dict]:
    app = get_application(application_id, caller, store, "application.inspect")
    photo_id = uuid.uuid4().hex
    key = f"inspections/{app.id}/{inspection_id}/{photo_id}"
    changed, photo = backoffice.add_photo(app, inspection_id, photo_id, content_type, key,
                                          caller.sub, now)
    upload = files.presigned_post(key, (content_type,), backoffice.MAX_PHOTO_BYTES,
                                  backoffice.UPLOAD_URL_SECONDS)
    store.save(changed, trail(app, changed, caller, action="add_inspection_photo",
                              data={"inspection_id": inspection_id, "photo_id": photo_id}))
    return _public_file(photo), upload


def list_inspections(application_id: str, caller: Principal, store: ApplicationStore,
                     files: FileStore) -> list[dict]:
    app = get_application(application_id, caller, store, "application.read_inspections")
    return [public_inspection(i, files) for i in backoffice.inspections(app)]


def public_inspection(inspection: dict, files: Optional[FileStore] = None) -> dict:
    view = {k: v for k, v in inspection.items() if k not in ("photos", "scheduled_by", "recorded_by")}
    view["photos"] = [{**_public_file(p), **({"download_url": files.presigned_get_url(p["key"])}
                                             if files else {})}
                      for p in inspection.get("photos", ())]
    return view


def _public_file(item: dict) -> dict:
    return {k: v for k, v in item.items() if k not in ("key", "by")}


def _moment(text: str, field: str) -> datetime:
    try:
        moment = parse_iso(text)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise ValidationFailed(fields={field: "تاريخ ووقت بصيغة ISO 8601 مع المنطقة الزمنية / an ISO 8601 date-time with a zone, e.g. 2026-05-01T09:00:00Z"})
    return moment


# --------------------------------------------------------------------------------------------
# Audit trail


def application_audit(application_id: str, caller: Principal, store: ApplicationStore,
                      audit: AuditTrail, limit: int, cursor: Optional[str]) -> Page:
    app = get_application(application_id, caller, store, "application.read_audit")
    return readable_by(caller, audit.list(f"APP#{app.id}", limit, cursor))


def readable_by(caller: Principal, page: Page) -> Page:
    """Staff see who acted (subject ids, for accountability); a citizen sees each record's role
    and the officer's display name, never a subject id."""
    if caller.role != "citizen":
        return page
    return Page(items=[{**{k: v for k, v in record.items() if k != "actor"},
                        "actor_name": record.get("actor_name") or None}
                       for record in page.items], next_cursor=page.next_cursor)


def licence_audit(number: str, caller: Principal, licences: LicenceStore, audit: AuditTrail,
                  limit: int, cursor: Optional[str]) -> Page:
    licence = readable_licence(number, caller, licences, "licence.read_audit")
    return readable_by(caller, audit.list(f"LIC#{licence.number}", limit, cursor))


# --------------------------------------------------------------------------------------------
# Licences: suspend, revoke, reinstate


def change_licence(number: str, action: str, reason: Optional[str], caller: Principal,
                   licences: LicenceStore, now: datetime) -> Licence:
    """Suspend, revoke or reinstate. Once the change is saved, the licences stream
    (chalicelib/events/licences_stream.py) tells the holder and asks for the signed status list
    to be rebuilt, so offline verifiers learn of it within a minute or two: a queue that
    refuses cannot fail this request after the save, nor lose the notice or the rebuild."""
    licence = readable_licence(number, caller, licences, "licence.change_status")
    # A replaced licence already verifies as superseded, naming the new one: that is the
    # licence to suspend or revoke (a status on the old one would only confuse a scan).
    replacement.check_not_replaced(licence)
    text = _reason(reason, required=True)
    changed = change_status(licence, action, text)
    record = AuditRecord(at=iso(now), actor=caller.sub, role=caller.role,
                         district=caller.district or licence.district, action=action,
                         from_status=licence.status, to_status=changed.status, reason=text,
                         actor_name=caller.name)
    return licences.save(changed, [record])


# --------------------------------------------------------------------------------------------
# Rollout


def rollout(caller: Principal, admin: RolloutAdmin, catalogue: Catalogue) -> list[dict]:
    authorize(caller, "rollout.read")
    stored = {entry["service_code"]: entry for entry in admin.entries()}
    return [stored.get(s.code, {"service_code": s.code, "districts": [], "updated_at": None,
                                "updated_by": None}) for s in catalogue.services]


def set_rollout(service_code: str, district: str, live: bool, caller: Principal,
                admin: RolloutAdmin, catalogue: Catalogue, now: datetime) -> dict:
    authorize(caller, "rollout.manage")
    if catalogue.service(service_code) is None:
        raise NotFound(code="service_not_found", message_en="unknown service",
                       message_ar="خدمة غير معروفة")
    if catalogue.district(district) is None:
        raise NotFound(code="district_not_found", message_en="unknown district",
                       message_ar="حي غير معروف")
    at = iso(now)
    audit = AuditRecord(at=at, actor=caller.sub, role=caller.role, district=district,
                        action="rollout_on" if live else "rollout_off", subject=ROLLOUT_AUDIT,
                        actor_name=caller.name)
    _, after = admin.set_live(service_code, district, live, caller.sub, at, audit)
    return {"service_code": service_code, "district": district, "live": district in after,
            "districts": list(after), "updated_at": at, "updated_by": caller.sub}


def rollout_audit(caller: Principal, audit: AuditTrail, limit: int,
                  cursor: Optional[str]) -> Page:
    """Every rollout change (which service, which district, on or off, who, when), newest
    first: one Query of the rollout's audit subject."""
    authorize(caller, "rollout.read")
    return audit.list(ROLLOUT_AUDIT, limit, cursor, newest_first=True)


# --------------------------------------------------------------------------------------------
# Reports


def applications_report(caller: Principal, district: Optional[str], catalogue: Catalogue,
                        store: ReportStore, now: datetime) -> dict[str, Any]:
    """By status and kind, average days from submission to issuance, fines assessed and
    collected: for an officer's district, or an admin's chosen district (or all of them), with
    the same figures for each district in `by_district`."""
    scope = district_in_scope(caller, "reports.read", district)
    if scope is not None and catalogue.district(scope) is None:
        raise ValidationFailed(fields={"district": "حي غير معروف / unknown district"})
    districts = [scope] if scope else [d.code for d in catalogue.districts]
    counters = {d: store.counters(d) for d in districts}
    fines = {d: reports.fine_totals(store.licence_fines(d)) for d in districts}
    kinds = sorted({s.kind for s in catalogue.services})
    by_district = {d: reports.district_summary(counters[d], fines[d]) for d in districts}
    return {"district": scope, "districts": districts, "generated_at": iso(now),
            **reports.summarise(counters, fines, kinds), "by_district": by_district}
