"""Public catalogue: services and districts."""
from chalice import Blueprint

from chalicelib.api.http import json_response
from chalicelib.wiring import rollout_store

catalogue_api = Blueprint(__name__)
CATALOGUE_CACHE = {"Cache-Control": "public, max-age=60"}


@catalogue_api.route("/v1/services", methods=["GET"])
def list_services():
    from chalicelib.domain.catalogue import load_catalogue

    catalogue, rollout = load_catalogue(), rollout_store().all()
    services = [s.public(rollout.get(s.code, ())) for s in catalogue.services]
    return json_response({"services": services, "catalogue_version": catalogue.version},
                         headers=CATALOGUE_CACHE)


@catalogue_api.route("/v1/districts", methods=["GET"])
def list_districts():
    from chalicelib.domain.catalogue import load_catalogue

    catalogue, rollout = load_catalogue(), rollout_store().all()
    live = {district for districts in rollout.values() for district in districts}
    districts = [{"code": d.code, "name_ar": d.name_ar, "name_en": d.name_en,
                  "live": d.code in live} for d in catalogue.districts]
    return json_response({"districts": districts}, headers=CATALOGUE_CACHE)
