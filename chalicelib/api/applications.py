"""Citizens' applications."""
from chalice import Blueprint

from chalicelib.api.http import (caller_of, json_response, limit_param, parse_body,
                                 query_param)
from chalicelib.wiring import application_store, clock, rollout_store

applications_api = Blueprint(__name__)


@applications_api.route("/v1/applications", methods=["POST"])
def create_application():
    from chalicelib.api import commands
    from chalicelib.api.schemas import ApplicationIn
    from chalicelib import wiring
    from chalicelib.usecases import applications as usecase

    request = applications_api.current_request
    caller = caller_of(request)
    body = parse_body(request, ApplicationIn)
    app = usecase.create_application(commands.new_application(body), caller, wiring.catalogue(),
                                     rollout_store().all(), application_store(), clock())
    return json_response(usecase.public_view(app, caller), status=201,
                         headers={"Location": f"/v1/applications/{app.id}"})


@applications_api.route("/v1/applications", methods=["GET"])
def list_applications():
    from chalicelib.usecases import applications as usecase

    request = applications_api.current_request
    caller = caller_of(request)
    page = usecase.list_applications(caller, query_param(request, "status"), limit_param(request),
                                     query_param(request, "cursor"), application_store(),
                                     district=query_param(request, "district"))
    return json_response({"applications": [usecase.public_view(a, caller) for a in page.items],
                          "next_cursor": page.next_cursor})


@applications_api.route("/v1/applications/{application_id}", methods=["GET"])
def get_application(application_id: str):
    from chalicelib.usecases import applications as usecase

    caller = caller_of(applications_api.current_request)
    app = usecase.get_application(application_id, caller, application_store())
    return json_response(usecase.public_view(app, caller))


@applications_api.route("/v1/applications/{application_id}/cancel", methods=["POST"])
def cancel_application(application_id: str):
    from chalicelib.api.schemas import OptionalReasonIn
    from chalicelib.usecases import applications as usecase

    request = applications_api.current_request
    caller = caller_of(request)
    reason = parse_body(request, OptionalReasonIn).reason if request.raw_body else None
    app = usecase.cancel_application(application_id, caller, application_store(), clock(),
                                     reason or "")
    return json_response(usecase.public_view(app, caller))
