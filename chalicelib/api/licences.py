"""Licences: the holder's list and detail, the paper copy, and an SMS resend."""
from chalice import Blueprint

from chalicelib.api.http import caller_of, json_response, limit_param, query_param
from chalicelib.api.routes import route
from chalicelib.wiring import (action_bounds, bound_settings, clock, file_store, licence_store,
                               notifications, paper_renderer)

licences_api = Blueprint(__name__)


@route(licences_api, "listLicences")
def list_licences():
    from chalicelib.api.responses import LicenceList, LicenceSummary, body
    from chalicelib.usecases import licences as usecase

    request = licences_api.current_request
    caller = caller_of(request)
    page = usecase.list_licences(caller, limit_param(request), query_param(request, "cursor"),
                                 licence_store(), district=query_param(request, "district"))
    answer = LicenceList(licences=[LicenceSummary.of(lic) for lic in page.items],
                         next_cursor=page.next_cursor)
    return json_response(body(answer))


@route(licences_api, "getLicence")
def get_licence(number: str):
    from chalicelib.api.responses import Licence, body
    from chalicelib.usecases import licences as usecase

    caller = caller_of(licences_api.current_request)
    licence = usecase.readable_licence(number, caller, licence_store())
    links = usecase.licence_links(licence, file_store(), bound_settings().verify_base_url)
    return json_response(body(Licence.of(licence, *links)))


@route(licences_api, "requestPaperCopy")
def paper_copy(number: str):
    from chalicelib.api.responses import PaperCopy, body
    from chalicelib import wiring
    from chalicelib.usecases import licences as usecase

    caller = caller_of(licences_api.current_request)
    licence = usecase.readable_licence(number, caller, licence_store(), "licence.paper_copy")
    url = usecase.paper_copy(licence, wiring.catalogue(), file_store(),
                             bound_settings().verify_base_url, paper_renderer(), caller,
                             action_bounds(), clock(), notifications())
    return json_response(body(PaperCopy(pdf_url=url)), status=201)


@route(licences_api, "resendLicenceSms")
def resend_sms(number: str):
    from chalicelib.api.responses import SmsQueued, body
    from chalicelib.usecases import licences as usecase

    caller = caller_of(licences_api.current_request)
    licence = usecase.readable_licence(number, caller, licence_store(), "licence.resend_sms")
    queued = usecase.request_resend(licence, action_bounds(), notifications(),
                                    bound_settings().short_link_host, clock())
    return json_response(body(SmsQueued.model_validate(queued)), status=202)
