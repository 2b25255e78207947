"""A holder renews a licence (or, after its term, re-applies with the fines due)."""
from chalice import Blueprint

from chalicelib.api.http import caller_of, json_response
from chalicelib.api.routes import route
from chalicelib.wiring import (application_store, catalogue, clock, licence_store, pointer_store,
                              rollout_store)

renewals_api = Blueprint(__name__)


@route(renewals_api, "renewLicence")
def renew_licence(number: str):
    from chalicelib.api.responses import Application, body
    from chalicelib import wiring
    from chalicelib.usecases.renewals import request_renewal

    caller = caller_of(renewals_api.current_request)
    app = request_renewal(number, caller, wiring.catalogue(), rollout_store().all(), licence_store(),
                          application_store(), pointer_store(), clock())
    return json_response(body(Application.of(app, catalogue())), status=201,
                         headers={"Location": f"/v1/applications/{app.id}"})
