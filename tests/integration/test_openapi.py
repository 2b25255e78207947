"""The OpenAPI document is generated from the route registry: valid, complete, typed, and what
the app serves (every route and method, HEAD beside each GET, private answers never cached)."""
import re

import pytest

from chalicelib.api.routes import OPERATIONS, PRIVATE_CACHE_CONTROL

pytestmark = pytest.mark.integration

KEYWORDS = ("$ref", "anyOf", "oneOf", "allOf", "enum", "const")


@pytest.fixture(scope="module")
def document(stack):
    response = stack.call("GET", "/openapi.json")
    assert response.status_code == 200
    return response.json


def test_the_served_document_is_valid_openapi_3_1(document):
    from openapi_spec_validator import validate

    # GIVEN the served document WHEN the reference validator reads it THEN it raises nothing
    assert document["openapi"] == "3.1.0"
    validate(document)


def test_every_route_and_method_is_documented(stack, document):
    documented = {(path, method.upper()) for path, ops in document["paths"].items() for method in ops}
    served = {(path, method) for path, methods in stack.app.app.routes.items() for method in methods}
    missing = served - documented
    assert not missing, f"routes missing from the OpenAPI document: {sorted(missing)}"
    stale = documented - served
    assert not stale, f"documented routes the app does not serve: {sorted(stale)}"
    assert {(path, "HEAD") for path, method in served if method == "GET"} <= served


def test_operation_ids_are_unique_and_name_every_operation(document):
    ids = [op["operationId"] for ops in document["paths"].values() for op in ops.values()]
    assert len(ids) == len(set(ids)) == sum(len(ops) for ops in document["paths"].values())
    assert document["paths"]["/v/{token}"]["get"]["operationId"] != \
        document["paths"]["/V/{token}"]["get"]["operationId"]


def test_refs_resolve(document):
    text = str(document)
    for name in set(re.findall(r"#/components/schemas/([\w-]+)", text)):
        assert name in document["components"]["schemas"], name
    for status in set(re.findall(r"#/components/responses/(\w+)", text)):
        assert status in document["components"]["responses"], status


def _untyped(schema, where: str, found: list) -> None:
    """Collect every object schema that says nothing of its fields (a bare `object`)."""
    if isinstance(schema, list):
        for index, item in enumerate(schema):
            _untyped(item, f"{where}[{index}]", found)
        return
    if not isinstance(schema, dict):
        return
    is_schema_like = "type" in schema or not schema
    if is_schema_like and schema.get("type", "object") == "object" and \
            not any(k in schema for k in KEYWORDS) and "properties" not in schema and \
            schema.get("additionalProperties") in (None, True, {}):
        found.append(where)
    for key, value in schema.items():
        if key in ("properties", "$defs"):
            for name, inner in value.items():
                _untyped(inner, f"{where}.{name}", found)
        elif isinstance(value, (dict, list)):
            _untyped(value, f"{where}.{key}", found)


def test_no_body_is_an_untyped_object(document):
    found: list = []
    for name, schema in document["components"]["schemas"].items():
        _untyped(schema, name, found)
    for path, ops in document["paths"].items():
        for method, op in ops.items():
            bodies = [op.get("requestBody", {})] + list(op["responses"].values())
            for body in bodies:
                for media, content in body.get("content", {}).items():
                    _untyped(content.get("schema", {}), f"{method} {path} {media}", found)
    assert not found, f"object schemas without fields: {found}"


def test_every_error_status_answers_the_shared_error_envelope(document):
    for path, ops in document["paths"].items():
        for method, op in ops.items():
            for status, answer in op["responses"].items():
                if int(status) >= 400:
                    assert answer == {"$ref": f"#/components/responses/{status}"}, (method, path)
    error = document["components"]["schemas"]["Error"]
    assert error["required"] == ["error"]


def _url(path: str) -> str:
    return re.sub(r"{\w+}", "nothing-here", path)


GETS = [op for op in OPERATIONS if op.method == "GET"]
PRIVATE = [op for op in OPERATIONS if op.authenticated]


@pytest.mark.parametrize("operation", GETS, ids=[op.operation_id for op in GETS])
def test_head_answers_the_gets_status_and_headers_without_a_body(stack, operation):
    # GIVEN a GET route, called by a citizen (who may or may not be allowed)
    token = stack.token("citizen") if operation.authenticated else None
    url, accept = _url(operation.path), {"Accept": "text/html"}
    # WHEN the same request is made with GET and with HEAD
    got = stack.call("GET", url, token, headers=accept)
    head = stack.call("HEAD", url, token, headers=accept)
    # THEN HEAD answers GET's status, content type and caching, with no body
    assert head.status_code == got.status_code, (url, got.body)
    assert not head.body
    for name in ("Content-Type", "Cache-Control", "Location"):
        assert head.headers.get(name) == got.headers.get(name), (url, name)


@pytest.mark.parametrize("operation", PRIVATE, ids=[op.operation_id for op in PRIVATE])
def test_every_authenticated_answer_is_private_and_never_stored(stack, operation):
    # GIVEN an authenticated route WHEN it is called without and with a citizen's token
    url = _url(operation.path)
    for token in (None, stack.token("citizen")):
        response = stack.call(operation.method, url, token, body={} if operation.request else None)
        # THEN every answer, refusals included, tells caches not to keep it
        assert response.headers.get("Cache-Control") == PRIVATE_CACHE_CONTROL, \
            (operation.method, url, response.status_code)
    # AND so is the refusal Chalice makes itself, before the view runs
    refused = stack.call(operation.method, url, stack.token("citizen"),
                         headers={"Content-Type": "image/gif"})
    assert refused.status_code == 415
    assert refused.headers.get("Cache-Control") == PRIVATE_CACHE_CONTROL


def test_public_answers_keep_their_own_caching(stack):
    assert stack.call("GET", "/v1/services").headers["Cache-Control"] == "public, max-age=60"
    assert stack.call("GET", "/v1/keys").headers["Cache-Control"] == "public, max-age=3600"
    assert stack.call("GET", "/openapi.json").headers["Cache-Control"] == "public, max-age=300"


def test_the_bodies_built_without_pydantic_match_their_documented_models(stack):
    """/v/{token} and /v1/keys build their JSON with no pydantic (the verification cold start):
    their answers still validate against the models the document describes."""
    from chalicelib.api.responses import JwkSet, Verification

    forged = stack.call("GET", "/v/not-a-seal", headers={"Accept": "application/json"})
    assert forged.status_code == 200
    assert Verification.model_validate(forged.json).verdict == "not_genuine"
    keys = JwkSet.model_validate(stack.call("GET", "/v1/keys").json)
    assert keys.keys and all(key.alg == "ES256" for key in keys.keys)
