"""Licence status actions, the audit trail of a licence, rollout administration, reports."""
from chalice import Blueprint

from chalicelib.api.http import caller_of, json_response, limit_param, parse_body, query_param
from chalicelib.wiring import audit_trail, clock, licence_store, report_store, rollout_admin

admin_api = Blueprint(__name__)


def _change_licence(number: str, action: str):
    from chalicelib.api.schemas import OptionalReasonIn
    from chalicelib.usecases import backoffice as usecase

    request = admin_api.current_request
    caller = caller_of(request)
    body = parse_body(request, OptionalReasonIn)
    licence = usecase.change_licence(number, action, body.reason, caller, licence_store(),
                                     clock())
    return json_response(usecase.licence_view(licence))


@admin_api.route("/v1/licences/{number}/suspend", methods=["POST"])
def suspend_licence(number: str):
    return _change_licence(number, "suspend")


@admin_api.route("/v1/licences/{number}/revoke", methods=["POST"])
def revoke_licence(number: str):
    return _change_licence(number, "revoke")


@admin_api.route("/v1/licences/{number}/reinstate", methods=["POST"])
def reinstate_licence(number: str):
    return _change_licence(number, "reinstate")


@admin_api.route("/v1/licences/{number}/audit", methods=["GET"])
def licence_audit(number: str):
    from chalicelib.usecases import backoffice as usecase

    request = admin_api.current_request
    caller = caller_of(request)
    page = usecase.licence_audit(number, caller, licence_store(), audit_trail(),
                                 limit_param(request, default=50), query_param(request, "cursor"))
    return json_response({"records": page.items, "next_cursor": page.next_cursor})


@admin_api.route("/v1/admin/rollout", methods=["GET"])
def list_rollout():
    from chalicelib import wiring
    from chalicelib.usecases import backoffice as usecase

    caller = caller_of(admin_api.current_request)
    return json_response({"rollout": usecase.rollout(caller, rollout_admin(), wiring.catalogue())})


@admin_api.route("/v1/admin/rollout/{service_code}/{district}", methods=["PUT"])
def set_rollout(service_code: str, district: str):
    from chalicelib.api.backoffice_schemas import RolloutIn
    from chalicelib import wiring
    from chalicelib.usecases import backoffice as usecase

    request = admin_api.current_request
    caller = caller_of(request)
    body = parse_body(request, RolloutIn)
    return json_response(usecase.set_rollout(service_code, district, body.live, caller,
                                             rollout_admin(), wiring.catalogue(), clock()))


@admin_api.route("/v1/reports/applications", methods=["GET"])
def applications_report():
    from chalicelib import wiring
    from chalicelib.usecases import backoffice as usecase

    request = admin_api.current_request
    caller = caller_of(request)
    report = usecase.applications_report(caller, query_param(request, "district"),
                                         wiring.catalogue(), report_store(), clock())
    return json_response(report)
