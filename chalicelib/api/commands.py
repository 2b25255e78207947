"""Parsed request bodies (chalicelib/api/schemas.py) as the domain's commands
(chalicelib/domain/commands.py): the one place the HTTP edge's shapes meet the use cases'."""
from __future__ import annotations

from typing import TYPE_CHECKING, Optional

from chalicelib.domain.commands import (Amendment, ApplicantInput, Decision, DocumentUpload,
                                        InspectionBooking, InspectionResult, NewApplication,
                                        SiteInput)
from chalicelib.domain.violations import ReportInput

if TYPE_CHECKING:  # types only: the schemas load pydantic, which the handlers import lazily
    from chalicelib.api.backoffice_schemas import (DocumentIn, InspectionIn,
                                                   InspectionResultIn, ResubmitIn)
    from chalicelib.api.schemas import (ApplicantIn, ApplicationIn, DecisionIn, SiteIn,
                                        ViolationIn)


def applicant_of(body: ApplicantIn) -> ApplicantInput:
    return ApplicantInput(name=body.name, national_id=body.national_id, mobile=body.mobile)


def site_of(body: SiteIn) -> SiteInput:
    return SiteInput(lat=body.lat, lng=body.lng, address=body.address)


def new_application(body: ApplicationIn) -> NewApplication:
    return NewApplication(service_code=body.service_code, district=body.district,
                          applicant=applicant_of(body.applicant), site=site_of(body.site),
                          details=dict(body.details))


def decision(body: DecisionIn) -> Decision:
    return Decision(decision=body.decision, reason=body.reason)


def amendment(body: ResubmitIn) -> Amendment:
    return Amendment(applicant=_optional(applicant_of, body.applicant),
                     site=_optional(site_of, body.site),
                     details=dict(body.details) if body.details is not None else None,
                     note=body.note)


def document_upload(body: DocumentIn) -> DocumentUpload:
    return DocumentUpload(slot=body.slot, content_type=body.content_type)


def inspection_booking(body: InspectionIn) -> InspectionBooking:
    return InspectionBooking(scheduled_for=body.scheduled_for, inspector=body.inspector)


def inspection_result(body: InspectionResultIn) -> InspectionResult:
    return InspectionResult(result=body.result, notes=body.notes)


def violation_report(body: ViolationIn) -> ReportInput:
    return ReportInput(kind=body.kind, lat=body.position.lat, lng=body.position.lng,
                       accuracy_m=body.position.accuracy_m, note=body.note,
                       observed_at=body.observed_at, idempotency_key=body.idempotency_key,
                       licence_number=body.licence_number,
                       photo_types=tuple(p.content_type for p in body.photos))


def _optional(convert, value: Optional[object]):
    return convert(value) if value is not None else None
