"""A holder asks to renew a licence: a renewal before the term ends, a first-time application
carrying the outstanding fines after it (the seeds' late case)."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Mapping

from chalicelib.domain import lifecycle, replacement
from chalicelib.domain.applications import FINAL_STATUSES, Application
from chalicelib.domain.calendar import cairo_date
from chalicelib.domain.catalogue import Catalogue, Service
from chalicelib.domain.licences import Licence
from chalicelib.conflicts import retry_on_conflict
from chalicelib.errors import Conflict, NotFound
from chalicelib.ports import ApplicationStore, LicenceStore, PointerStore
from chalicelib.usecases.applications import (audit_record, check_live, new_application,
                                              validate_details)
from chalicelib.usecases.licences import readable_licence

if TYPE_CHECKING:  # types only: these modules pull pydantic and PyJWT into every worker
    from chalicelib.auth import Principal



def request_renewal(number: str, caller: Principal, catalogue: Catalogue,
                    rollout: Mapping[str, tuple[str, ...]], licences: LicenceStore,
                    applications: ApplicationStore, pointers: PointerStore,
                    now: datetime) -> Application:
    licence = readable_licence(number, caller, licences, "licence.renew")
    replacement.check_not_replaced(licence)
    if not catalogue.renews(licence.kind):
        raise Conflict(code="not_renewable",
                       message_en="this licence or certificate is not renewed: apply for a new one",
                       message_ar="هذه الرخصة أو الشهادة لا تجدد: قدم طلبًا جديدًا")
    case = lifecycle.renewal_case(licence, cairo_date(now))
    app = (_renewal(licence, caller, catalogue, rollout, now) if case == lifecycle.RENEW
           else _late(licence, caller, catalogue, rollout, now))
    _hold_term(licence, app, applications, pointers, now)
    created = applications.create(app, audit=[audit_record(app, None, caller,
                                                            action=f"request_{case}")])
    if case == lifecycle.LATE:
        _supersede(licence.number, created.id, licences)
    return created


def _renewal(licence: Licence, caller: Principal, catalogue: Catalogue,
             rollout: Mapping[str, tuple[str, ...]], now: datetime) -> Application:
    service = catalogue.service_for(licence.kind, "renewal")
    check_live(rollout, service, licence.district, catalogue)
    app = new_application(service, licence.district, caller, _applicant(licence),
                          dict(licence.site), _details_for(service, licence), now,
                          renewal_of=licence.number)
    return replace(app, extra={"renews_term_ending": licence.valid_until})


def _late(licence: Licence, caller: Principal, catalogue: Catalogue,
          rollout: Mapping[str, tuple[str, ...]], now: datetime) -> Application:
    """First-time fees plus every outstanding fine, all due before review (so before issue)."""
    service = catalogue.service_for(licence.kind, "first")
    check_live(rollout, service, licence.district, catalogue)
    fines = licence.outstanding_fines
    app = new_application(service, licence.district, caller, _applicant(licence),
                          dict(licence.site), _details_for(service, licence), now,
                          extra_fees=lifecycle.fine_fee_lines(fines), renewal_of=licence.number)
    return replace(app, extra={"late_licence": licence.number,
                               "fine_keys": [f.key for f in fines]})


def _details_for(service: Service, licence: Licence) -> dict:
    """The licence's details the renewal service asks for: a licence issued by an amendment,
    transfer or duplicate carries details (the licence it replaced) a renewal does not take."""
    wanted = {spec["name"] for spec in service.required_fields}
    return validate_details(service, {k: v for k, v in licence.details.items() if k in wanted})


def _applicant(licence: Licence) -> dict:
    return {"name": licence.holder_name, "national_id": licence.holder_national_id,
            "mobile": licence.holder_mobile}


def _hold_term(licence: Licence, app: Application, applications: ApplicationStore,
               pointers: PointerStore, now: datetime) -> None:
    """One open renewal per term: the term points at its application."""
    key = lifecycle.renewal_key(licence)
    previous = pointers.ref(key)
    if previous and _still_open(previous, applications):
        raise _already_open(previous)
    if not pointers.point(key, app.id, now, replacing=previous):
        raise _already_open(pointers.ref(key) or "")


def _still_open(application_id: str, applications: ApplicationStore) -> bool:
    try:
        return applications.get(application_id).status not in FINAL_STATUSES
    except NotFound:
        return False  # pointed at, then never created (a crash): the term is free


def _already_open(application_id: str) -> Conflict:
    return Conflict(code="renewal_open",
                    message_en=f"a renewal of this licence is already open: {application_id}",
                    message_ar=f"يوجد طلب تجديد مفتوح لهذه الرخصة: {application_id}")


def _supersede(number: str, application_id: str, licences: LicenceStore) -> None:
    """The late licence stops accruing fines once its holder has come forward (its fines are
    on the new application); if that application is cancelled or rejected, accrual resumes."""
    def attempt() -> None:
        licence = licences.get(number, consistent=True)
        if licence.superseded_by != application_id:
            licences.save(replace(licence, superseded_by=application_id))

    retry_on_conflict(attempt)
