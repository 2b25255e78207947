"""Public catalogue: services, districts, and which district a point lies in."""
from chalice import Blueprint

from chalicelib.api.http import json_response, query_param
from chalicelib.api.routes import route
from chalicelib.wiring import rollout_store

catalogue_api = Blueprint(__name__)
CATALOGUE_CACHE = {"Cache-Control": "public, max-age=60"}
# Boundaries change only with a deployment: a point's answer can be cached for a day.
LOCATE_CACHE = {"Cache-Control": "public, max-age=86400"}


@route(catalogue_api, "listServices")
def list_services():
    from chalicelib import wiring
    from chalicelib.api.responses import Service, ServiceList, body
    from chalicelib.usecases.directory import list_services as directory

    request = catalogue_api.current_request
    catalogue = wiring.catalogue()
    found = directory(catalogue, rollout_store().all(), kind=query_param(request, "kind"),
                      district=query_param(request, "district"), q=query_param(request, "q"))
    answer = ServiceList(services=[Service.of(s, districts, catalogue) for s, districts in found],
                         catalogue_version=catalogue.version)
    return json_response(body(answer), headers=CATALOGUE_CACHE)


@route(catalogue_api, "getService")
def get_service(code: str):
    from chalicelib import wiring
    from chalicelib.api.responses import Service, body
    from chalicelib.usecases.directory import service_detail

    catalogue = wiring.catalogue()
    service, districts = service_detail(code, catalogue, rollout_store().all())
    return json_response(body(Service.of(service, districts, catalogue)),
                         headers=CATALOGUE_CACHE)


@route(catalogue_api, "listDistricts")
def list_districts():
    from chalicelib import wiring
    from chalicelib.api.responses import District, DistrictList, body

    catalogue, rollout = wiring.catalogue(), rollout_store().all()
    live = {district for districts in rollout.values() for district in districts}
    answer = DistrictList(districts=[District(code=d.code, name_ar=d.name_ar, name_en=d.name_en,
                                              live=d.code in live) for d in catalogue.districts])
    return json_response(body(answer), headers=CATALOGUE_CACHE)


@route(catalogue_api, "locatePoint")
def locate_point():
    from chalicelib.api.responses import LocatedPoint, body
    from chalicelib.domain.geography import alexandria_map
    from chalicelib.usecases.places import locate

    request = catalogue_api.current_request
    answer = locate(query_param(request, "lat"), query_param(request, "lng"), alexandria_map())
    return json_response(body(LocatedPoint.model_validate(answer)), headers=LOCATE_CACHE)
