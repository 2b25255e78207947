"""Citizens' applications."""
from chalice import Blueprint

from chalicelib.api.http import (caller_of, json_response, limit_param, parse_body,
                                 query_param)
from chalicelib.api.routes import route
from chalicelib.wiring import (action_bounds, application_store, catalogue, clock, file_store,
                              rollout_store)

applications_api = Blueprint(__name__)


@route(applications_api, "createApplication")
def create_application():
    from chalicelib import wiring
    from chalicelib.api import commands
    from chalicelib.api.responses import Application, body
    from chalicelib.api.schemas import ApplicationIn
    from chalicelib.usecases import applications as usecase

    request = applications_api.current_request
    caller = caller_of(request)
    parsed = parse_body(request, ApplicationIn)
    app = usecase.create_application(commands.new_application(parsed), caller,
                                     wiring.catalogue(), rollout_store().all(),
                                     application_store(), action_bounds(), clock(),
                                     wiring.licence_store())
    return json_response(body(Application.of(app, catalogue())), status=201,
                         headers={"Location": f"/v1/applications/{app.id}"})


@route(applications_api, "listApplications")
def list_applications():
    from chalicelib.api.responses import Application, ApplicationList, body
    from chalicelib.usecases import applications as usecase

    request = applications_api.current_request
    caller = caller_of(request)
    services = catalogue()
    narrow = usecase.QueueFilter(service=query_param(request, "service"),
                                 min_age_days=query_param(request, "min_age_days"))
    page = usecase.list_applications(caller, query_param(request, "status"), limit_param(request),
                                     query_param(request, "cursor"), application_store(),
                                     district=query_param(request, "district"), narrow=narrow,
                                     catalogue=services, now=clock())
    answer = ApplicationList(applications=[Application.of(a, services) for a in page.items],
                             next_cursor=page.next_cursor)
    return json_response(body(answer))


@route(applications_api, "getApplication")
def get_application(application_id: str):
    from chalicelib.api.responses import Application, body
    from chalicelib.usecases import documents as usecase

    caller = caller_of(applications_api.current_request)
    app, missing = usecase.read_application(application_id, caller, application_store(),
                                            catalogue(), file_store())
    return json_response(body(Application.of(app, catalogue(), missing)))


@route(applications_api, "cancelApplication")
def cancel_application(application_id: str):
    from chalicelib.api.responses import Application, body
    from chalicelib.api.schemas import OptionalReasonIn
    from chalicelib.usecases import applications as usecase

    request = applications_api.current_request
    caller = caller_of(request)
    reason = parse_body(request, OptionalReasonIn).reason if request.raw_body else None
    app = usecase.cancel_application(application_id, caller, application_store(), clock(),
                                     reason or "")
    return json_response(body(Application.of(app, catalogue())))
