"""A holder renews a licence (or, after its term, re-applies with the fines due)."""
from chalice import Blueprint

from chalicelib.api.http import caller_of, json_response
from chalicelib.wiring import application_store, clock, licence_store, pointer_store, rollout_store

renewals_api = Blueprint(__name__)


@renewals_api.route("/v1/licences/{number}/renewals", methods=["POST"])
def renew_licence(number: str):
    from chalicelib import wiring
    from chalicelib.usecases.applications import public_view
    from chalicelib.usecases.renewals import request_renewal

    caller = caller_of(renewals_api.current_request)
    app = request_renewal(number, caller, wiring.catalogue(), rollout_store().all(), licence_store(),
                          application_store(), pointer_store(), clock())
    return json_response(public_view(app, caller), status=201,
                         headers={"Location": f"/v1/applications/{app.id}"})
