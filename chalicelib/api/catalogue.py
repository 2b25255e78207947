"""Public catalogue: services and districts."""
from chalice import Blueprint

from chalicelib.api.http import json_response, query_param
from chalicelib.wiring import rollout_store

catalogue_api = Blueprint(__name__)
CATALOGUE_CACHE = {"Cache-Control": "public, max-age=60"}
# Boundaries change only with a deployment: a point's answer can be cached for a day.
LOCATE_CACHE = {"Cache-Control": "public, max-age=86400"}


@catalogue_api.route("/v1/services", methods=["GET"])
def list_services():
    from chalicelib import wiring

    catalogue, rollout = wiring.catalogue(), rollout_store().all()
    services = [s.public(rollout.get(s.code, ())) for s in catalogue.services]
    return json_response({"services": services, "catalogue_version": catalogue.version},
                         headers=CATALOGUE_CACHE)


@catalogue_api.route("/v1/districts", methods=["GET"])
def list_districts():
    from chalicelib import wiring

    catalogue, rollout = wiring.catalogue(), rollout_store().all()
    live = {district for districts in rollout.values() for district in districts}
    districts = [{"code": d.code, "name_ar": d.name_ar, "name_en": d.name_en,
                  "live": d.code in live} for d in catalogue.districts]
    return json_response({"districts": districts}, headers=CATALOGUE_CACHE)


@catalogue_api.route("/v1/districts/locate", methods=["GET"])
def locate_point():
    from chalicelib.domain.geography import alexandria_map
    from chalicelib.usecases.places import locate

    request = catalogue_api.current_request
    answer = locate(query_param(request, "lat"), query_param(request, "lng"), alexandria_map())
    return json_response(answer, headers=LOCATE_CACHE)
