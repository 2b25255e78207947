"""Licences: the holder's list and detail, the paper copy, and an SMS resend."""
from chalice import Blueprint

from chalicelib.api.http import caller_of, json_response, limit_param, query_param
from chalicelib.wiring import (bound_settings, clock, file_store, licence_store, paper_renderer,
                              pointer_store, sms_queue)

licences_api = Blueprint(__name__)


@licences_api.route("/v1/licences", methods=["GET"])
def list_licences():
    from chalicelib.usecases import licences as usecase

    request = licences_api.current_request
    caller = caller_of(request)
    page = usecase.list_licences(caller, limit_param(request), query_param(request, "cursor"),
                                 licence_store(), district=query_param(request, "district"))
    return json_response({"licences": [usecase.summary_view(lic) for lic in page.items],
                          "next_cursor": page.next_cursor})


@licences_api.route("/v1/licences/{number}", methods=["GET"])
def get_licence(number: str):
    from chalicelib.usecases import licences as usecase

    caller = caller_of(licences_api.current_request)
    licence = usecase.readable_licence(number, caller, licence_store())
    return json_response(usecase.public_view(licence, file_store(),
                                             bound_settings().verify_base_url),
                         headers={"Cache-Control": "private, no-store"})


@licences_api.route("/v1/licences/{number}/paper-copy", methods=["POST"])
def paper_copy(number: str):
    from chalicelib import wiring
    from chalicelib.usecases import licences as usecase

    caller = caller_of(licences_api.current_request)
    licence = usecase.readable_licence(number, caller, licence_store(), "licence.paper_copy")
    url = usecase.paper_copy(licence, wiring.catalogue(), file_store(),
                             bound_settings().verify_base_url, paper_renderer(), clock())
    return json_response({"pdf_url": url}, status=201)


@licences_api.route("/v1/licences/{number}/sms", methods=["POST"])
def resend_sms(number: str):
    from chalicelib.usecases import licences as usecase
    from chalicelib.usecases.licence_sms import request_resend

    caller = caller_of(licences_api.current_request)
    licence = usecase.readable_licence(number, caller, licence_store(), "licence.resend_sms")
    return json_response(request_resend(licence, caller, pointer_store(), sms_queue(), clock()),
                         status=202)
