"""Shapes of response bodies: what the API answers, as the OpenAPI document describes it.

Handlers build one of these and send `body(model)`. Fields with a default are the ones an
answer may leave out: `body` drops what was never set, so an optional field is either absent
or carries a value (as the contract has it). Unknown fields are refused, so a use case that
grows a field fails its tests until the field is declared here.

Two bodies are described but not built here: the verification page's JSON (`Verification`),
because the verification cold start must not load pydantic, and the OpenAPI document itself.
"""
from __future__ import annotations

from typing import Literal, Optional, Union

from pydantic import BaseModel, ConfigDict, Field

from chalicelib.domain.replacement import is_replacement

Scalar = Union[str, int, float, bool, None]
LicenceState = Literal["active", "expired", "suspended", "revoked"]
ApplicationState = Literal["submitted", "paid", "under_review", "returned", "approved",
                           "licence_paid", "issued", "rejected", "cancelled"]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


def body(model: BaseModel) -> dict:
    """The JSON of a response model: fields never set are left out, aliases used."""
    return model.model_dump(mode="json", exclude_unset=True, by_alias=True)


# ---------------------------------------------------------------------------------- errors

class ErrorDetail(Body):
    code: str = Field(description="Stable machine-readable code, e.g. validation_failed")
    message_ar: str
    message_en: str
    fields: Optional[dict[str, str]] = Field(
        default=None, description="Field at fault -> bilingual message")


class Error(Body):
    """Every refusal: Arabic first, with English, and the fields at fault."""

    error: ErrorDetail


# ------------------------------------------------------------------------------- catalogue

class FeeRule(Body):
    """How an approval-stage fee is computed from the application's details."""

    type: Literal["per_unit"]
    rate_piasters: int
    unit_fields: list[str] = Field(description="Details multiplied together, e.g. area_m2")
    per_month: bool = Field(description="Multiplied by the licence's validity in months")
    minimum_piasters: Optional[int] = None


class FeeSpec(Body):
    code: str
    name_ar: str
    name_en: str
    due: Literal["submission", "approval"]
    source: str = Field(description="Where the amount comes from: 'configuration', "
                                    "'seed NNN: ...' (docs/rules.md) or a cited page's URL")
    source_type: Literal["seed", "page", "configuration"]
    amount_piasters: Optional[int] = None
    rule: Optional[FeeRule] = None

    @classmethod
    def of(cls, fee) -> "FeeSpec":
        optional = {name: value for name, value in (
            ("amount_piasters", fee.amount_piasters),
            ("rule", dict(fee.rule) if fee.rule is not None else None)) if value is not None}
        from chalicelib.domain.catalogue import source_type

        return cls.model_validate({"code": fee.code, "name_ar": fee.name_ar,
                                   "name_en": fee.name_en, "due": fee.due,
                                   "source": fee.source, "source_type": source_type(fee.source),
                                   **optional})


class RequiredField(Body):
    """One entry of an application's `details`, as the form asks it."""

    name: str
    type: Literal["string", "number", "integer", "enum", "boolean", "date"]
    label_ar: str
    label_en: str
    max_length: Optional[int] = None
    min: Optional[float] = None
    max: Optional[float] = None
    choices: Optional[list[str]] = None


class LateFine(Body):
    type: Literal["per_day", "per_month"]
    amount_piasters: int
    cap_piasters: Optional[int]
    name_ar: str
    name_en: str


ServiceCase = Literal["first", "renewal", "amendment", "transfer", "duplicate", "certificate"]


class EligibilityRule(Body):
    ar: str
    en: str


class DocumentSlot(Body):
    """A typed upload slot: POST .../documents with this `slot` and one accepted type."""

    code: str
    name_ar: str
    name_en: str
    accepted_types: list[str]


class ProcedureStep(Body):
    code: str
    name_ar: str
    name_en: str


class ServiceSource(Body):
    """A public page the entry's facts were taken from, and which facts it covers."""

    url: str
    title_ar: str
    title_en: str
    covers: list[str]


class Service(Body):
    code: str
    kind: str
    case: ServiceCase
    name_ar: str
    name_en: str
    fees: list[FeeSpec]
    validity_months: int
    review_required: bool
    required_fields: list[RequiredField]
    districts: list[str] = Field(description="Districts where the service is live")
    late_fine: Optional[LateFine] = None
    yields: Literal["licence", "certificate"] = Field(
        description="What is issued, sealed either way: a licence of `kind` or a certificate")
    renewable: bool
    eligibility: list[EligibilityRule]
    required_documents: list[DocumentSlot]
    steps: list[ProcedureStep] = Field(description="The procedure, in order; a review step "
                                                   "(inspection, committee, head of district) "
                                                   "means review_required")
    expected_days: int = Field(description="Expected working days from payment to issue")
    sources: list[ServiceSource]

    @classmethod
    def of(cls, service, districts: tuple[str, ...], catalogue) -> "Service":
        fine = service.late_fine
        optional = {"late_fine": LateFine(
            type=fine.type, amount_piasters=fine.amount_piasters, cap_piasters=fine.cap_piasters,
            name_ar=fine.name_ar, name_en=fine.name_en)} if fine else {}
        kind = catalogue.kind(service.kind)
        steps = {step.code: step for step in catalogue.steps}
        return cls.model_validate({
            "code": service.code, "kind": service.kind, "case": service.case,
            "name_ar": service.name_ar, "name_en": service.name_en,
            "fees": [FeeSpec.of(f) for f in service.fees],
            "validity_months": service.validity_months,
            "review_required": service.review_required,
            "required_fields": [dict(f) for f in service.required_fields],
            "districts": list(districts), **optional,
            "yields": kind.category, "renewable": kind.renewable,
            "eligibility": [{"ar": r.ar, "en": r.en} for r in service.eligibility],
            "required_documents": [_slot(catalogue.document_slots[code])
                                   for code in service.required_documents],
            "steps": [{"code": c, "name_ar": steps[c].name_ar, "name_en": steps[c].name_en}
                      for c in service.steps],
            "expected_days": service.expected_days,
            "sources": [{"url": x.url, "title_ar": x.title_ar, "title_en": x.title_en,
                         "covers": list(x.covers)} for x in service.sources]})


def _slot(slot) -> dict:
    return {"code": slot.code, "name_ar": slot.name_ar, "name_en": slot.name_en,
            "accepted_types": list(slot.accepted_types)}


class ServiceList(Body):
    services: list[Service]
    catalogue_version: str


class District(Body):
    code: str
    name_ar: str
    name_en: str
    live: bool


class DistrictList(Body):
    districts: list[District]


class Area(Body):
    code: str
    name_ar: str
    name_en: str


class LocatedPoint(Body):
    lat: float
    lng: float
    governorate: Area
    district: Optional[Area] = Field(
        description="null where no district boundary we hold covers the point")
    districts_with_boundary: list[str] = Field(
        description="Codes of the districts whose boundary is packaged")


class DevToken(Body):
    token: str
    sub: str
    role: Literal["citizen", "officer", "clerk", "admin"]
    district: Optional[str]
    mobile: Optional[str] = Field(default=None, description=(
        "A citizen's verified mobile (E.164), carried as Cognito's phone_number: the key of "
        "their applications and licences"))


# ---------------------------------------------------------------------------- applications

class FeeLine(Body):
    code: str
    name_ar: str
    name_en: str
    stage: Literal["submission", "approval", "fine"]
    amount_piasters: int = Field(ge=0)
    paid_by: Optional[str] = Field(default=None, description="The payment that settled it")


class TimelineEntry(Body):
    status: str
    at: str
    by_role: str
    action: str
    reason: Optional[str] = None


class Applicant(Body):
    name: str
    national_id: str
    mobile: str


class Site(Body):
    lat: float
    lng: float
    address: str


class Application(Body):
    id: str
    service_code: str
    kind: str
    case: ServiceCase
    district: str
    status: ApplicationState
    applicant: Applicant
    site: Site
    details: dict[str, Scalar] = Field(
        description="The service's required_fields by name: scalar values only")
    fees: list[FeeLine]
    fees_due: list[FeeLine]
    amount_due_piasters: int
    timeline: list[TimelineEntry]
    created_at: str
    updated_at: str
    decision_reason: Optional[str] = None
    licence_number: Optional[str] = None
    renewal_of: Optional[str] = None
    documents_missing: Optional[list[str]] = Field(
        default=None, description="The service's required document slots nothing is uploaded "
                                  "into yet; in GET /v1/applications/{application_id}, those "
                                  "whose file is not in the store (an upload form signed but "
                                  "never used counts as missing). Absent for a service the "
                                  "catalogue no longer has")

    @classmethod
    def of(cls, app, catalogue=None, missing: Optional[list[str]] = None) -> "Application":
        """`missing`: the documents not received, where the file store was asked; else
        documents_missing says which slots no upload was asked for."""
        optional = {name: value for name, value in (
            ("decision_reason", app.decision_reason), ("licence_number", app.licence_number),
            ("renewal_of", app.renewal_of)) if value}
        service = catalogue.service(app.service_code) if catalogue is not None else None
        if missing is not None:
            optional["documents_missing"] = missing
        elif service is not None:
            from chalicelib.domain.backoffice import documents_missing

            optional["documents_missing"] = documents_missing(app, service.required_documents)
        return cls.model_validate({
            "id": app.id, "service_code": app.service_code, "kind": app.kind, "case": app.case,
            "district": app.district, "status": app.status, "applicant": dict(app.applicant),
            "site": dict(app.site), "details": dict(app.details),
            "fees": [f.as_dict() for f in app.fees],
            "fees_due": [f.as_dict() for f in app.fees_due],
            "amount_due_piasters": app.amount_due_piasters,
            "timeline": [t.as_dict() for t in app.timeline],
            "created_at": app.created_at, "updated_at": app.updated_at, **optional})


class ApplicationList(Body):
    applications: list[Application]
    next_cursor: Optional[str]


class Upload(Body):
    """POST multipart/form-data to `url` with every field, then the file last."""

    url: str
    fields: dict[str, str]


class StoredFile(Body):
    id: str
    content_type: str
    max_bytes: int
    requested_at: str
    download_url: Optional[str] = None


class Document(StoredFile):
    slot: str


class DocumentUpload(Body):
    document: Document
    upload: Upload


class DocumentList(Body):
    documents: list[Document]


class PhotoUpload(Body):
    photo: StoredFile
    upload: Upload


class Inspection(Body):
    id: str
    status: Literal["scheduled", "passed", "failed"]
    scheduled_for: str
    inspector: str
    scheduled_at: str
    notes: Optional[str] = None
    recorded_at: Optional[str] = None
    photos: list[StoredFile]


class InspectionList(Body):
    inspections: list[Inspection]


class AuditRecord(Body):
    at: str
    actor: Optional[str] = Field(
        default=None, description="Who acted (a subject id): staff only; absent in a citizen's "
                                  "view of their own application's trail")
    actor_name: Optional[str] = Field(
        default=None, description="The officer's or admin's display name when they acted "
                                  "(a citizen sees this and the role, never a subject id)")
    role: str
    district: Optional[str]
    action: str
    from_status: Optional[str] = None
    to_status: Optional[str] = None
    reason: Optional[str] = None
    data: Optional[dict[str, Union[Scalar, list[str]]]] = Field(
        default=None, description="What the action touched (ids, slot, result, the fields "
                                  "amended): scalars or lists of names")


class AuditPage(Body):
    records: list[AuditRecord]
    next_cursor: Optional[str]


# -------------------------------------------------------------------------------- payments

class PaymentStarted(Body):
    payment_id: str
    amount_piasters: int
    checkout_url: str
    merchant_reference: str = Field(description="Unique per attempt; equal to payment_id")
    status: Literal["pending"]


class ReceiptLine(Body):
    code: str
    name_ar: str
    name_en: str
    stage: str
    amount_piasters: int


class Receipt(Body):
    payment_id: str
    merchant_reference: str
    application_id: str
    gateway: str
    transaction_id: Optional[str]
    paid_at: Optional[str]
    currency: str
    lines: list[ReceiptLine]
    total_piasters: int
    receipt_number: Optional[str] = Field(default=None, description=(
        "Counter payments: RCT-<district>-<year>-<sequence>, gapless per centre and year"))
    method: Optional[Literal["cash", "card"]] = Field(default=None, description="Counter payments")


class Payment(Body):
    payment_id: str
    merchant_reference: str
    application_id: str
    gateway: Literal["paymob", "fawry", "sandbox", "counter"]
    status: Literal["pending", "paid", "failed", "flagged", "refunded"]
    amount_piasters: int
    currency: str
    lines: list[ReceiptLine]
    transaction_id: Optional[str]
    paid_at: Optional[str]
    flag_reason: Optional[str] = Field(description=(
        "Why finance must look at it: amount_or_currency_mismatch, paid_twice, "
        "mismatch_after_paid, paid_but_not_due, paid_after_refund; cleared by a refund"))
    created_at: str
    updated_at: str
    receipt: Optional[Receipt] = Field(description="Present once paid")

    @classmethod
    def of(cls, payment) -> "Payment":
        from chalicelib.domain.payments import receipt

        lines = [{"code": line.code, "name_ar": line.name_ar, "name_en": line.name_en,
                  "stage": line.stage, "amount_piasters": line.amount_piasters}
                 for line in payment.lines]
        return cls.model_validate({
            "payment_id": payment.id, "merchant_reference": payment.merchant_reference,
            "application_id": payment.application_id, "gateway": payment.gateway,
            "status": payment.status, "amount_piasters": payment.amount_piasters,
            "currency": payment.currency, "lines": lines,
            "transaction_id": payment.transaction_id or None,
            "paid_at": payment.paid_at or None, "flag_reason": payment.flag_reason or None,
            "created_at": payment.created_at, "updated_at": payment.updated_at,
            "receipt": receipt(payment)})


class WebhookResult(Body):
    result: Literal["accepted", "duplicate"]
    payment_id: Optional[str] = None
    payment_status: Optional[str] = None
    effect: Optional[Literal["paid", "failed", "flagged", "recorded"]] = None


class Tally(Body):
    count: int
    amount_piasters: int


class FinanceRow(Tally):
    day: str
    gateway: str
    status: str
    fees: dict[str, int] = Field(description="Piasters by fee code")


class FinanceTotals(Tally):
    paid_piasters: int
    by_status: dict[str, Tally]
    by_gateway: dict[str, Tally]
    paid_by_fee: dict[str, int]


class FlaggedPayment(Body):
    payment_id: str
    application_id: str
    district: str
    gateway: str
    status: str
    flag_reason: str
    amount_piasters: int
    transaction_id: Optional[str]
    day: str


class DrawerRow(Body):
    day: str
    district: str
    clerk: str = Field(description="The clerk's subject id: what the drawer report names "
                                   "(staff only; citizens never see it)")
    clerk_name: str
    expected_cash_piasters: int
    counted_cash_piasters: Optional[int]
    difference_piasters: Optional[int] = Field(description="Counted minus expected")
    closed: bool
    closed_at: Optional[str]
    flagged: bool


class DrawerPayment(Body):
    payment_id: str
    application_id: str
    receipt_number: Optional[str]
    method: Optional[Literal["cash", "card"]]
    status: str
    amount_piasters: int


class Drawer(DrawerRow):
    payments: list[DrawerPayment] = Field(description="The clerk's counter payments today")


class CounterPayment(Payment):
    recorded_now: bool = Field(description="False when this request replayed a recorded payment")


class CounterReceipt(Body):
    receipt_number: str
    format: Literal["a4", "thermal"]
    url: str = Field(description="Presigned, short-lived URL of the PDF")


class DrawerReport(Body):
    day: str
    district: str
    clerk_name: str
    closed: bool
    url: str = Field(description="Presigned, short-lived URL of the PDF")


class FinanceReport(Body):
    from_: str = Field(alias="from", description="First Cairo day")
    to: str
    district: Optional[str]
    currency: str
    rows: list[FinanceRow]
    totals: FinanceTotals
    needs_attention: list[FlaggedPayment] = Field(
        description="Flagged payments in range, oldest first: finance's refund work list")
    drawers: list[DrawerRow] = Field(description=(
        "Each counter clerk's cash drawer per day; `flagged` when the count differs from the "
        "cash taken, or a drawer that took cash was not closed"))


# -------------------------------------------------------------------------------- licences

class Holder(Body):
    name: str
    national_id: str
    mobile: str


class HolderName(Body):
    name: str


class Fine(Body):
    key: str
    name_ar: str
    name_en: str
    amount_piasters: int
    assessed_on: str
    paid_by: Optional[str]


class Renewal(Body):
    application_id: str
    previous_valid_from: str
    previous_valid_until: str
    valid_from: str
    valid_until: str
    renewed_at: str


class SmsState(Body):
    """The last licence SMS (never the phone number)."""

    state: Literal["sent", "retrying", "failed"]
    event: str
    attempts: int
    last_attempt_at: str
    message_id: Optional[str] = None
    last_error: Optional[str] = None
    next_attempt_at: Optional[str] = None


class Licence(Body):
    number: str = Field(examples=["ALX-EAST-2026-000123"])
    kind: str
    district: str
    status: LicenceState
    valid_from: str = Field(description="Cairo date")
    valid_until: str = Field(description="Cairo date")
    site: Site
    holder: Holder
    verify_url: Optional[str]
    qr_png_url: Optional[str]
    fines: list[Fine]
    outstanding_fines_piasters: int
    service_code: str
    application_id: str
    issued_at: str
    status_reason: Optional[str]
    renewals: list[Renewal]
    sms: Optional[SmsState]
    replaced_by: Optional[str] = Field(
        default=None, description="The licence an amendment, transfer or duplicate issued in "
                                  "its place: this one's seal then verifies as superseded")

    @classmethod
    def of(cls, licence, verify_url: Optional[str], qr_png_url: Optional[str]) -> "Licence":
        return cls.model_validate({
            "number": licence.number, "kind": licence.kind, "district": licence.district,
            "status": licence.status, "valid_from": licence.valid_from,
            "valid_until": licence.valid_until,
            "site": {"lat": licence.site.get("lat"), "lng": licence.site.get("lng"),
                     "address": licence.site.get("address")},
            "holder": {"name": licence.holder_name, "national_id": licence.holder_national_id,
                       "mobile": licence.holder_mobile},
            "verify_url": verify_url, "qr_png_url": qr_png_url,
            "fines": [f.as_dict() for f in licence.fines],
            "outstanding_fines_piasters": licence.outstanding_fines_piasters,
            "service_code": licence.service_code, "application_id": licence.application_id,
            "issued_at": licence.issued_at, "status_reason": licence.status_reason or None,
            "renewals": [dict(r) for r in licence.renewals],
            # The record's bookkeeping (the retry's exactly-once key, when the sweeper re-drove
            # it) is not the holder's business: only the documented fields.
            "sms": {k: v for k, v in licence.sms.items() if k in SmsState.model_fields} or None,
            **_replaced_by(licence)})


def _replaced_by(licence) -> dict:
    """`replaced_by` where an amendment, transfer or duplicate was issued in its place (a late
    re-application's id in `superseded_by` is bookkeeping, not shown); unset otherwise."""
    return {"replaced_by": licence.superseded_by} if is_replacement(licence.superseded_by) else {}


class LicenceSummary(Body):
    """A list row: no presigned URLs (they cost a signature each and expire anyway)."""

    number: str
    kind: str
    district: str
    status: LicenceState
    valid_from: str
    valid_until: str
    holder: HolderName
    outstanding_fines_piasters: int
    replaced_by: Optional[str] = Field(
        default=None, description="The licence issued in its place, as on Licence")

    @classmethod
    def of(cls, licence) -> "LicenceSummary":
        return cls(number=licence.number, kind=licence.kind, district=licence.district,
                   status=licence.status, valid_from=licence.valid_from,
                   valid_until=licence.valid_until, holder=HolderName(name=licence.holder_name),
                   outstanding_fines_piasters=licence.outstanding_fines_piasters,
                   **_replaced_by(licence))


class LicenceList(Body):
    licences: list[LicenceSummary]
    next_cursor: Optional[str]


class LicenceStatusChange(Body):
    number: str
    kind: str
    district: str
    status: LicenceState
    status_reason: str
    valid_from: str
    valid_until: str

    @classmethod
    def of(cls, licence) -> "LicenceStatusChange":
        return cls(number=licence.number, kind=licence.kind, district=licence.district,
                   status=licence.status, status_reason=licence.status_reason,
                   valid_from=licence.valid_from, valid_until=licence.valid_until)


class PaperCopy(Body):
    pdf_url: str = Field(description="Presigned, short-lived URL of the A4 PDF")


class SmsQueued(Body):
    queued: bool
    number: str


# ---------------------------------------------------------------------- administration

class RolloutEntry(Body):
    service_code: str
    districts: list[str]
    updated_at: Optional[str]
    updated_by: Optional[str]


class RolloutList(Body):
    rollout: list[RolloutEntry]


class RolloutChange(RolloutEntry):
    district: str
    live: bool


class FineTotals(Body):
    assessed_piasters: int
    collected_piasters: int
    outstanding_piasters: int


class DistrictReport(Body):
    total: int
    by_status: dict[str, int]
    issued_count: int
    average_days_to_issue: Optional[float]
    decided_count: int
    average_days_to_decision: Optional[float]
    fines: FineTotals


class ApplicationsReport(Body):
    district: Optional[str]
    districts: list[str]
    generated_at: str
    total: int
    by_status: dict[str, int]
    by_kind: dict[str, dict[str, int]] = Field(description="kind -> status -> count")
    issued_count: int
    average_days_to_issue: Optional[float]
    decided_count: int = Field(description="Officers' decisions (approve or reject) counted")
    average_days_to_decision: Optional[float] = Field(
        description="Average days from submission to the officer's decision")
    fines: FineTotals
    by_district: dict[str, DistrictReport] = Field(
        description="The same figures for each district the report covers")


# -------------------------------------------------------------------------- verification

class VerifiedSite(Body):
    lat: float
    lng: float


class VerifiedFine(Body):
    name: str
    amount: int = Field(description="Piasters")


class Verification(Body):
    """GET /v/{token} with Accept: application/json (domain/verification.py's to_json)."""

    genuine: bool
    status: Optional[LicenceState]
    number: Optional[str]
    kind: Optional[str]
    district: Optional[str]
    valid_from: Optional[str]
    valid_until: Optional[str]
    site: Optional[VerifiedSite]
    holder_masked: Optional[str]
    verdict: Literal["genuine_valid", "expired", "suspended", "revoked", "superseded",
                     "not_genuine"]
    fines: Optional[list[VerifiedFine]]
    replaced_by: Optional[str] = Field(
        default=None, description="The number of the licence an amendment, transfer or "
                                  "duplicate issued in its place (verdict superseded)")


class Jwk(Body):
    kty: Literal["EC"]
    crv: Literal["P-256"]
    x: str
    y: str
    kid: str
    use: Literal["sig"]
    alg: Literal["ES256"]


class JwkSet(Body):
    keys: list[Jwk]


class OpenApiInfo(Body):
    title: str
    version: str
    description: str


class OpenApiDocument(BaseModel):
    """This document; its full shape is the OpenAPI 3.1 specification's own schema."""

    model_config = ConfigDict(extra="allow")
    openapi: Literal["3.1.0"]
    info: OpenApiInfo


# ------------------------------------------------------------------------- violation reports

class ViolationPosition(Body):
    lat: float
    lng: float
    accuracy_m: Optional[float] = None


class ViolationLicence(Body):
    number: str
    found: bool = Field(description="The number names a licence we issued (then it is linked)")
    status: Optional[str] = Field(description="Its status when the report arrived")
    district: Optional[str]


class ViolationPhoto(Body):
    id: str
    content_type: str
    download_url: Optional[str] = None


class Reporter(Body):
    sub: str
    name: Optional[str]


class Violation(Body):
    id: str
    district: str
    kind: Literal["no_licence", "expired_displayed", "other_site", "other"]
    position: ViolationPosition
    note: str
    observed_at: str
    reported_at: str
    reporter: Reporter
    photos: list[ViolationPhoto]
    licence: Optional[ViolationLicence] = None


class PhotoUploadSlot(Body):
    photo_id: str
    upload: Upload


class ViolationReported(Violation):
    uploads: list[PhotoUploadSlot] = Field(description="One presigned POST per photo, in order")


class ViolationList(Body):
    violations: list[Violation]
    next_cursor: Optional[str]
