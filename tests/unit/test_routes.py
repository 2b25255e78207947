"""The route registry and the document generated from it, without the emulator."""
from chalicelib.api.openapi import openapi_document
from chalicelib.api.routes import OPERATIONS, route_actions
from chalicelib.authorization import MATRIX, ROUTES


def test_operation_ids_and_routes_are_declared_once():
    ids = [op.operation_id for op in OPERATIONS]
    routes = [(op.method, op.path) for op in OPERATIONS]
    assert len(ids) == len(set(ids)) and len(routes) == len(set(routes))


def test_the_authorisation_table_is_the_registry_with_head_beside_every_get():
    # GIVEN the registry WHEN the authorisation table is derived THEN each GET's HEAD is gated alike
    assert ROUTES == route_actions()
    for op in OPERATIONS:
        assert ROUTES[(op.method, op.path)] == op.action
        if op.method == "GET":
            assert ROUTES[("HEAD", op.path)] == op.action
    assert {action for action in ROUTES.values() if action} <= set(MATRIX)


def test_the_generated_document_is_valid_and_names_each_status_the_registry_declares():
    from openapi_spec_validator import validate

    document = openapi_document()
    validate(document)
    for op in OPERATIONS:
        answers = document["paths"][op.path][op.method.lower()]["responses"]
        assert set(answers) == {str(s) for s in (*op.responses, *op.error_statuses)}, op.operation_id
        assert (document["paths"][op.path][op.method.lower()]["security"] != []) == op.authenticated
    schemas = document["components"]["schemas"]
    assert "Licence" in schemas and "LicenceStatusChange" in schemas and "Error" in schemas


def test_a_head_operation_has_the_gets_statuses_and_no_body():
    document = openapi_document()
    for path, item in document["paths"].items():
        if "get" in item:
            head, get = item["head"], item["get"]
            assert set(head["responses"]) == set(get["responses"]), path
            assert all("content" not in answer for answer in head["responses"].values()
                       if "$ref" not in answer), path
            assert head["operationId"] == get["operationId"] + "Head"
