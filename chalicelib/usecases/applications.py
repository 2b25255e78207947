"""Citizens' applications: create, read, list, cancel."""
from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Mapping, Optional

from chalicelib.authorization import Resource, authorize, district_in_scope
from chalicelib.domain import geography, replacement, validation
from chalicelib.domain.audit import AuditRecord
from chalicelib.domain.applications import (STATUSES, SUBMITTED, Actor, Application,
                                            TimelineEntry, iso, transition)
from chalicelib.domain.calendar import cairo_date
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


def list_applications(caller: Principal, status: Optional[str], limit: int,
                      cursor: Optional[str], store: ApplicationStore,
                      district: Optional[str] = None) -> Page:
    if status is not None and status not in STATUSES:
        raise ValidationFailed(fields={"status": f"حالة غير معروفة، واحدة من: {'، '.join(STATUSES)} / one of {', '.join(STATUSES)}"})
    authorize(caller, "application.list")
    if caller.role == "citizen":
        return store.list_by_owner(caller.owner_key, status, limit, cursor)
    queue_district = district_in_scope(caller, "application.list", district)
    if not queue_district:
        raise ValidationFailed(fields={"district": "حدد الحي / admins name the district to list"})
    return store.list_queue(queue_district, status or "under_review", limit, cursor)


def cancel_application(application_id: str, caller: Principal, store: ApplicationStore,
                       now: datetime, reason: str = "") -> Application:
    app = get_application(application_id, caller, store, "application.cancel")
    try:
        reason = validation.free_text(reason, 1000)
    except validation.FieldInvalid as error:
        raise ValidationFailed(fields={"reason": _bilingual(error)}) from None
    changed = transition(app, "cancel", Actor(caller.sub, caller.role), now, reason)
    return store.save(changed, [audit_record(changed, app.status, caller)])
