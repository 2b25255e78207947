"""Violation reports from the field (issue 17): inspectors report, district officers read."""
from chalice import Blueprint

from chalicelib import wiring
from chalicelib.api.http import caller_of, json_response, limit_param, parse_body, query_param
from chalicelib.api.routes import route

violations_api = Blueprint(__name__)


@route(violations_api, "reportViolation")
def report_violation():
    from chalicelib.api import commands
    from chalicelib.api.responses import ViolationReported, body
    from chalicelib.api.schemas import ViolationIn
    from chalicelib.usecases import violations as usecase

    request = violations_api.current_request
    caller = caller_of(request)
    parsed = parse_body(request, ViolationIn)
    view, created = usecase.report(commands.violation_report(parsed), caller,
                                   wiring.violation_store(), wiring.licence_store(),
                                   wiring.file_store(), wiring.clock())
    return json_response(body(ViolationReported.model_validate(view)),
                         status=201 if created else 200,
                         headers={"Location": f"/v1/violations/{view['id']}"})


@route(violations_api, "listViolations")
def list_violations():
    from chalicelib.api.responses import ViolationList, body
    from chalicelib.usecases import violations as usecase

    request = violations_api.current_request
    caller = caller_of(request)
    page = usecase.list_for_district(caller, query_param(request, "district"),
                                     wiring.violation_store(), wiring.file_store(),
                                     limit_param(request), query_param(request, "cursor"))
    answer = ViolationList.model_validate({"violations": page.items,
                                           "next_cursor": page.next_cursor})
    return json_response(body(answer))


@route(violations_api, "getViolation")
def get_violation(violation_id: str):
    from chalicelib.api.responses import Violation, body
    from chalicelib.usecases import violations as usecase

    caller = caller_of(violations_api.current_request)
    view = usecase.get(violation_id, caller, wiring.violation_store(), wiring.file_store())
    return json_response(body(Violation.model_validate(view)))
