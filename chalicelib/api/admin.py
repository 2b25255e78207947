"""Licence status actions, the audit trail of a licence, rollout administration, reports."""
from chalice import Blueprint

from chalicelib.api.http import caller_of, json_response, limit_param, parse_body, query_param
from chalicelib.api.routes import route
from chalicelib.wiring import audit_trail, clock, licence_store, report_store, rollout_admin

admin_api = Blueprint(__name__)


def _change_licence(number: str, action: str):
    from chalicelib.api.responses import LicenceStatusChange, body
    from chalicelib.api.schemas import OptionalReasonIn
    from chalicelib.usecases import backoffice as usecase

    request = admin_api.current_request
    caller = caller_of(request)
    parsed = parse_body(request, OptionalReasonIn)
    licence = usecase.change_licence(number, action, parsed.reason, caller, licence_store(),
                                     clock())
    return json_response(body(LicenceStatusChange.of(licence)))


@route(admin_api, "suspendLicence")
def suspend_licence(number: str):
    return _change_licence(number, "suspend")


@route(admin_api, "revokeLicence")
def revoke_licence(number: str):
    return _change_licence(number, "revoke")


@route(admin_api, "reinstateLicence")
def reinstate_licence(number: str):
    return _change_licence(number, "reinstate")


@route(admin_api, "listLicenceAudit")
def licence_audit(number: str):
    from chalicelib.api.responses import AuditPage, body
    from chalicelib.usecases import backoffice as usecase

    request = admin_api.current_request
    caller = caller_of(request)
    page = usecase.licence_audit(number, caller, licence_store(), audit_trail(),
                                 limit_param(request, default=50), query_param(request, "cursor"))
    answer = AuditPage.model_validate({"records": page.items, "next_cursor": page.next_cursor})
    return json_response(body(answer))


@route(admin_api, "listRollout")
def list_rollout():
    from chalicelib.api.responses import RolloutList, body
    from chalicelib import wiring
    from chalicelib.usecases import backoffice as usecase

    caller = caller_of(admin_api.current_request)
    entries = usecase.rollout(caller, rollout_admin(), wiring.catalogue())
    return json_response(body(RolloutList.model_validate({"rollout": entries})))


@route(admin_api, "listRolloutAudit")
def rollout_audit():
    from chalicelib.api.responses import AuditPage, body
    from chalicelib.usecases import backoffice as usecase

    request = admin_api.current_request
    caller = caller_of(request)
    page = usecase.rollout_audit(caller, audit_trail(), limit_param(request, default=50),
                                 query_param(request, "cursor"))
    answer = AuditPage.model_validate({"records": page.items, "next_cursor": page.next_cursor})
    return json_response(body(answer))


@route(admin_api, "setRollout")
def set_rollout(service_code: str, district: str):
    from chalicelib.api.backoffice_schemas import RolloutIn
    from chalicelib.api.responses import RolloutChange, body
    from chalicelib import wiring
    from chalicelib.usecases import backoffice as usecase

    request = admin_api.current_request
    caller = caller_of(request)
    parsed = parse_body(request, RolloutIn)
    change = usecase.set_rollout(service_code, district, parsed.live, caller, rollout_admin(),
                                 wiring.catalogue(), clock())
    return json_response(body(RolloutChange.model_validate(change)))


@route(admin_api, "getApplicationsReport")
def applications_report():
    from chalicelib.api.responses import ApplicationsReport, body
    from chalicelib import wiring
    from chalicelib.usecases import backoffice as usecase

    request = admin_api.current_request
    caller = caller_of(request)
    report = usecase.applications_report(caller, query_param(request, "district"),
                                         wiring.catalogue(), report_store(), clock())
    return json_response(body(ApplicationsReport.model_validate(report)))
