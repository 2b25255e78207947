"""The OpenAPI document covers every route the app serves."""
import re

import pytest

pytestmark = pytest.mark.integration


def test_every_route_and_method_is_documented(stack):
    document = stack.call("GET", "/openapi.json").json
    assert document["openapi"].startswith("3.")
    documented = {(path, method.upper()) for path, ops in document["paths"].items() for method in ops}
    served = {(path, method) for path, methods in stack.app.app.routes.items() for method in methods}
    missing = served - documented
    assert not missing, f"routes missing from the OpenAPI document: {sorted(missing)}"
    stale = documented - served
    assert not stale, f"documented routes the app does not serve: {sorted(stale)}"


def test_refs_resolve(stack):
    document = stack.call("GET", "/openapi.json").json
    text = str(document)
    for name in set(re.findall(r"#/components/schemas/(\w+)", text)):
        assert name in document["components"]["schemas"], name
