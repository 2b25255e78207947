"""GET /openapi.json: the OpenAPI 3.1 document generated from the route registry."""
from chalice import Blueprint

from chalicelib.api.http import json_response
from chalicelib.api.routes import route

docs_api = Blueprint(__name__)


@route(docs_api, "getOpenApiDocument")
def openapi():
    from chalicelib.api.openapi import openapi_document

    return json_response(openapi_document(), headers={"Cache-Control": "public, max-age=300"})
