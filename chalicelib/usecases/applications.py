"""Citizens' applications: create, read, list, cancel."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import TYPE_CHECKING, Any, Mapping, Optional

from chalicelib.authorization import Resource, authorize, district_in_scope
from chalicelib.domain import geography, replacement, validation
from chalicelib.domain.audit import AuditRecord
from chalicelib.domain.applications import (STATUSES, SUBMITTED, Actor, Application,
                                            TimelineEntry, iso, transition)
from chalicelib.domain.calendar import cairo_date, waited_since_cutoff
from chalicelib.domain.catalogue import Catalogue, Service
from chalicelib.domain.commands import ApplicantInput, NewApplication, SiteInput
from chalicelib.domain.fees import STAGE_SUBMISSION, FeeLine, fee_lines
from chalicelib.errors import Conflict, NotFound, ValidationFailed
from chalicelib.ports import ApplicationStore, LicenceReader, Page
from chalicelib.usecases.bounds import APPLICATION, Bounds

if TYPE_CHECKING:  # types only: this module pulls PyJWT into every worker
    from chalicelib.auth import Principal


def _service(catalogue: Catalogue, code: str) -> Service:
    service = catalogue.service(code)
    if service is None:
        raise ValidationFailed(fields={"service_code": "خدمة غير معروفة / unknown service"})
    return service


def check_live(rollout: Mapping[str, tuple[str, ...]], service: Service, district: str,
               catalogue: Catalogue) -> None:
    if catalogue.district(district) is None:
        raise ValidationFailed(fields={"district": "حي غير معروف / unknown district"})
    if district not in rollout.get(service.code, ()):
        raise Conflict(code="service_not_live",
                       message_en=f"{service.name_en} is not yet offered in this district",
                       message_ar=f"خدمة {service.name_ar} غير متاحة بعد في هذا الحي")


def validate_applicant_and_site(given: ApplicantInput, place: SiteInput, district: str,
                                today: date, catalogue: Catalogue) -> tuple[dict, dict]:
    """The applicant and the site, cleaned; the name and the address are printed on the paper
    copy, so they must be printable with its fonts too."""
    printable = validation.printable_code_points()
    errors: dict[str, str] = {}
    applicant: dict[str, str] = {}
    checks = (
        ("applicant.name", lambda: _printed(validation.validate_person_name(given.name),
                                            printable), "name"),
        ("applicant.national_id",
         lambda: validation.parse_national_id(given.national_id, today).value, "national_id"),
        ("applicant.mobile", lambda: validation.normalise_mobile(given.mobile), "mobile"),
    )
    for path, check, key in checks:
        try:
            applicant[key] = check()
        except validation.FieldInvalid as error:
            errors[path] = _bilingual(error)
    site: dict[str, Any] = {}
    try:
        checked = validation.validate_site(place.lat, place.lng, place.address)
        site = {"lat": round(float(checked.lat), 5), "lng": round(float(checked.lng), 5),
                "address": _printed(checked.address, printable, "address")}
    except validation.FieldInvalid as error:
        errors[f"site.{error.field}" if error.field else "site"] = _bilingual(error)
    if site:
        try:
            _check_site_district(site, district, catalogue)
        except geography.SiteOutsideDistrict as error:
            errors["site"] = f"{error.message_ar} / {error.message_en}"
    if errors:
        raise ValidationFailed(fields=errors)
    return applicant, site


def _check_site_district(site: Mapping[str, Any], district_code: str,
                         catalogue: Catalogue) -> None:
    district = catalogue.district(district_code)
    if district is None:  # check_live has refused it already; nothing to compare against
        return
    geography.check_site_in_district(geography.alexandria_map(), site["lat"], site["lng"],
                                     district.code, district.name_ar, district.name_en)


def _printed(text: str, printable: frozenset[int], field: Optional[str] = None) -> str:
    validation.refuse_unprintable(text, printable, field)
    return text


def validate_details(service: Service, details: Mapping[str, Any]) -> dict:
    specs = [validation.FieldSpec(**spec) for spec in service.required_fields]
    try:
        return validation.validate_details(specs, details)
    except validation.DetailsInvalid as error:
        raise ValidationFailed(fields={f"details.{name}": f"{ar} / {en}"
                                       for name, (en, ar) in error.errors.items()}) from None


def check_replacement(service: Service, district: str, details: dict, owner: str,
                      licences: LicenceReader) -> dict:
    """An amendment, transfer or duplicate names a licence it may replace (domain/replacement);
    the details come back with its number in canonical form. Other services pass through."""
    if not replacement.replaces(service.case):
        return details
    number = replacement.number_to_replace(details)
    try:
        licence = licences.get(number)
    except NotFound:
        raise replacement.unknown_licence() from None
    replacement.check_replaceable(licence, service.case, service.kind, district, owner)
    return {**details, "licence_number": number}


def _bilingual(error: "validation.FieldInvalid") -> str:
    return f"{error.message_ar} / {error.message_en}"


def new_application(service: Service, district: str, owner: Principal, applicant: dict,
                    site: dict, details: dict, now: datetime, extra_fees: tuple[FeeLine, ...] = (),
                    renewal_of: str = "") -> Application:
    at = iso(now)
    return Application(
        id=uuid.uuid4().hex, service_code=service.code, kind=service.kind, case=service.case,
        district=district, owner=owner.owner_key, applicant=applicant, site=site, details=details,
        status=SUBMITTED,
        fees=tuple(fee_lines(service, details, STAGE_SUBMISSION)) + extra_fees,
        timeline=(TimelineEntry(status=SUBMITTED, at=at, by_role=owner.role, by=owner.sub,
                                action="submit"),),
        created_at=at, updated_at=at, renewal_of=renewal_of,
        review_required=service.review_required)


def create_application(body: NewApplication, caller: Principal, catalogue: Catalogue,
                       rollout: Mapping[str, tuple[str, ...]], store: ApplicationStore,
                       bounds: Bounds, now: datetime, licences: LicenceReader) -> Application:
    authorize(caller, "application.create")
    service = _service(catalogue, body.service_code)
    if service.case == "renewal":
        raise ValidationFailed(fields={"service_code": "التجديد يطلب من صفحة الرخصة / renewals are requested from the licence: POST /v1/licences/{number}/renewals"})
    check_live(rollout, service, body.district, catalogue)
    applicant, site = validate_applicant_and_site(body.applicant, body.site, body.district,
                                                  cairo_date(now), catalogue)
    details = check_replacement(service, body.district, validate_details(service, body.details),
                                caller.owner_key, licences)
    bounds.take(APPLICATION, caller.sub, now)  # counted once valid: a typo costs no quota
    app = new_application(service, body.district, caller, applicant, site, details, now)
    return store.create(app, audit=[audit_record(app, None, caller)])


def audit_record(app: Application, previous_status: Optional[str], actor: Actor | Principal,
                 reason: str = "", action: str = "") -> AuditRecord:
    last = app.timeline[-1]
    return AuditRecord(at=last.at, actor=actor.sub, role=actor.role,
                       district=getattr(actor, "district", "") or app.district,
                       action=action or last.action, from_status=previous_status,
                       to_status=app.status, reason=reason or last.reason,
                       actor_name=getattr(actor, "name", ""))  # the system (an Actor) has none


def resource_of(app: Application) -> Resource:
    return Resource(owner=app.owner, district=app.district, kind="application")


def get_application(application_id: str, caller: Principal, store: ApplicationStore,
                    action: str = "application.read") -> Application:
    """Load an application the caller may act on (`action` of the authorisation matrix)."""
    authorize(caller, action)
    app = store.get(application_id)
    authorize(caller, action, resource_of(app))
    return app


@dataclass(frozen=True)
class QueueFilter:
    """How an officer narrows the district queue, as asked (query strings, not yet checked)."""

    service: Optional[str] = None
    min_age_days: Optional[str] = None

    def __bool__(self) -> bool:
        return self.service is not None or self.min_age_days is not None


# The age filter's bound: a year of working days is well past any service's expected time.
MAX_AGE_DAYS = 365


def list_applications(caller: Principal, status: Optional[str], limit: int,
                      cursor: Optional[str], store: ApplicationStore,
                      district: Optional[str] = None, narrow: QueueFilter = QueueFilter(),
                      catalogue: Optional[Catalogue] = None,
                      now: Optional[datetime] = None) -> Page:
    """The citizen's own applications, or a district's queue in one status, oldest first. An
    officer narrows the queue in the store (not in the page they loaded): `narrow.service`, a
    catalogue service code; `narrow.min_age_days`, Cairo working days waited since submission
    (the `catalogue` and `now` check and count them)."""
    if status is not None and status not in STATUSES:
        raise ValidationFailed(fields={"status": f"حالة غير معروفة، واحدة من: {'، '.join(STATUSES)} / one of {', '.join(STATUSES)}"})
    authorize(caller, "application.list")
    if caller.role == "citizen":
        if narrow:
            raise ValidationFailed(fields={_first_given(narrow): "يتاح هذا المرشح في طابور الحي فقط / this filter is for the district queue only"})
        return store.list_by_owner(caller.owner_key, status, limit, cursor)
    service, created_before = _queue_narrowing(narrow, catalogue, now)
    queue_district = district_in_scope(caller, "application.list", district)
    if not queue_district:
        raise ValidationFailed(fields={"district": "حدد الحي / admins name the district to list"})
    return store.list_queue(queue_district, status or "under_review", limit, cursor,
                            service=service, created_before=created_before)


def _first_given(narrow: QueueFilter) -> str:
    return "service" if narrow.service is not None else "min_age_days"


def _queue_narrowing(narrow: QueueFilter, catalogue: Optional[Catalogue],
                     now: Optional[datetime]) -> tuple[Optional[str], Optional[str]]:
    """The checked filter: (service code, created before as stored), each None when not asked."""
    if not narrow:
        return None, None
    if catalogue is None or now is None:
        raise ValueError("narrowing the queue needs the catalogue and the time")
    errors: dict[str, str] = {}
    service = narrow.service
    if service is not None and catalogue.service(service) is None:
        errors["service"] = "ليست خدمة في الدليل / not a service code of the catalogue"
    created_before = None
    if narrow.min_age_days is not None:
        days = narrow.min_age_days
        if not days.isascii() or not days.isdigit() or int(days) > MAX_AGE_DAYS:
            errors["min_age_days"] = (f"عدد أيام عمل صحيح من 0 إلى {MAX_AGE_DAYS} / a whole "
                                      f"number of working days from 0 to {MAX_AGE_DAYS}")
        elif int(days) > 0:  # 0: every application has waited that long
            created_before = iso(waited_since_cutoff(now, int(days)).astimezone(timezone.utc))
    if errors:
        raise ValidationFailed(fields=errors)
    return service, created_before


def cancel_application(application_id: str, caller: Principal, store: ApplicationStore,
                       now: datetime, reason: str = "") -> Application:
    app = get_application(application_id, caller, store, "application.cancel")
    try:
        reason = validation.free_text(reason, 1000)
    except validation.FieldInvalid as error:
        raise ValidationFailed(fields={"reason": _bilingual(error)}) from None
    changed = transition(app, "cancel", Actor(caller.sub, caller.role), now, reason)
    return store.save(changed, [audit_record(changed, app.status, caller)])
