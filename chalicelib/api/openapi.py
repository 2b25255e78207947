"""The OpenAPI 3.1 document, generated from the route registry (routes.py) and the request and
response models: nothing in it is written by hand, so it cannot drift from what is served."""
from __future__ import annotations

import importlib
import re
from functools import lru_cache
from typing import Any, Optional

from chalicelib.api.routes import HTML, JOSE, OPERATIONS, REDIRECT, RESPONSES, Operation

REF = "#/components/schemas/{model}"
TITLE = "Rukhsa — رخصة: Alexandria electronic licences API"
DESCRIPTION = (
    "واجهة رخصة للتطبيقات وبوابات الدفع وماسحات رموز QR. "
    "Public contract for web and mobile clients, payment gateways and QR scanners. Money is "
    "integer piasters in fields ending in _piasters; times are ISO 8601 UTC; valid_from and "
    "valid_until are Africa/Cairo dates. Every refusal is the `Error` envelope: Arabic first, "
    "with English, and the fields at fault. Authenticated answers are `Cache-Control: private, "
    "no-store`. How to use the API: docs/api.md.")
ERROR_DESCRIPTIONS = {
    400: "الطلب غير صالح / Invalid request: the fields at fault are named",
    401: "يلزم تسجيل الدخول / Missing, invalid or expired credentials",
    403: "غير مسموح / The caller's role or district may not do this",
    404: "غير موجود / Not found (or another citizen's)",
    405: "الطريقة غير مسموحة / Method not allowed on this path",
    409: "تعارض مع الحالة الحالية / Not possible in the current state",
    413: "الطلب كبير جدًا / The request body is too large",
    415: "نوع المحتوى غير مدعوم / Unsupported Content-Type",
    429: "طلبات كثيرة / Too many requests: see Retry-After",
    502: "تعذر الوصول لبوابة الدفع / The payment gateway failed to answer",
    503: "الخدمة مشغولة / Busy: retry after Retry-After seconds",
}
SUCCESS_DESCRIPTIONS = {200: "OK", 201: "Created", 202: "Accepted", 302: "Redirect",
                        304: "Not Modified"}


def _model(reference: str) -> type:
    module, _, name = reference.rpartition(":")
    return getattr(importlib.import_module(module or RESPONSES), name)


def _models() -> tuple[list[type], list[type]]:
    """(request models, response models) named by the registry, each once, in order."""
    requests = list(dict.fromkeys(_model(op.request) for op in OPERATIONS if op.request))
    responses = [_model("Error")]
    for op in OPERATIONS:
        for body in op.responses.values():
            if body not in (None, HTML, JOSE, REDIRECT):
                responses.append(_model(body))
    return requests, list(dict.fromkeys(responses))


def _schemas() -> dict[str, Any]:
    from pydantic.json_schema import models_json_schema

    requests, responses = _models()
    pairs = [(m, "validation") for m in requests] + [(m, "serialization") for m in responses]
    _, top = models_json_schema(pairs, ref_template=REF)
    return dict(sorted(top.get("$defs", {}).items()))


def _parameters(op: Operation) -> list[dict[str, Any]]:
    path = [{"name": name, "in": "path", "required": True,
             "schema": {"type": "string", "minLength": 1}}
            for name in re.findall(r"{(\w+)}", op.path)]
    query = [{"name": q.name, "in": "query", "required": q.required,
              "description": q.description,
              "schema": {"type": q.type, **({"pattern": q.pattern} if q.pattern else {})}}
             for q in op.query]
    return path + query


def _headers(op: Operation, status: int) -> Optional[dict[str, Any]]:
    headers: dict[str, Any] = {}
    if op.location and status in (201,):
        headers["Location"] = {"description": "The created resource", "schema": {"type": "string"}}
    if status == 302:
        headers["Location"] = {"description": "The verification page",
                               "schema": {"type": "string"}}
    if op.extra.get("etag") and status in (200, 304):
        headers["ETag"] = {"description": "The list's version; send it back in If-None-Match",
                           "schema": {"type": "string"}}
    if op.authenticated:
        headers["Cache-Control"] = {"$ref": "#/components/headers/PrivateNoStore"}
    return headers or None


def _success(op: Operation, status: int, body: Optional[str], head: bool) -> dict[str, Any]:
    answer: dict[str, Any] = {"description": SUCCESS_DESCRIPTIONS.get(status, "OK")}
    headers = _headers(op, status)
    if headers:
        answer["headers"] = headers
    if head or body in (None, REDIRECT):
        return answer
    if body == HTML:
        answer["content"] = {"text/html": {"schema": {"type": "string"}}}
        return answer
    if body == JOSE:
        answer["content"] = {JOSE: {"schema": {"type": "string", "description":
                                              "A JWS, compact serialisation (ES256)"}}}
        return answer
    content = {"application/json": {"schema": {"$ref": REF.format(model=_model(body).__name__)}}}
    if op.extra.get("html_too"):
        content["text/html"] = {"schema": {"type": "string",
                                           "description": "The bilingual verification page"}}
    answer["content"] = content
    return answer


def _request_body(op: Operation) -> Optional[dict[str, Any]]:
    if op.request:
        schema = {"$ref": REF.format(model=_model(op.request).__name__)}
        return {"required": op.request_required, "content": {"application/json": {"schema": schema}}}
    if op.extra.get("form"):
        properties = {name: {"type": "string", "enum": values}
                      for name, values in op.extra["form"].items()}
        schema = {"type": "object", "required": sorted(properties), "properties": properties,
                  "additionalProperties": False}
        return {"required": True, "content": {"application/x-www-form-urlencoded": {"schema": schema}}}
    if op.extra.get("raw_body"):
        return {"required": True, "description": "The gateway's own callback, as it sends it",
                "content": {content_type: {"schema": {"type": "string"}}
                            for content_type in op.content_types}}
    return None


def _operation(op: Operation, head: bool = False) -> dict[str, Any]:
    document: dict[str, Any] = {
        "operationId": f"{op.operation_id}Head" if head else op.operation_id,
        "summary": op.summary + (" (HEAD: the GET's status and headers, no body)" if head else ""),
        "tags": [op.tag],
    }
    parameters = _parameters(op)
    if parameters:
        document["parameters"] = parameters
    request = None if head else _request_body(op)
    if request:
        document["requestBody"] = request
    responses = {str(status): _success(op, status, body, head)
                 for status, body in op.responses.items()}
    for status in op.error_statuses:
        responses[str(status)] = {"$ref": f"#/components/responses/{status}"}
    document["responses"] = responses
    document["security"] = [{"bearer": []}] if op.authenticated else []
    return document


def _paths() -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    for op in OPERATIONS:
        item = paths.setdefault(op.path, {})
        item[op.method.lower()] = _operation(op)
        if op.method == "GET":
            item["head"] = _operation(op, head=True)
    return paths


def _error_responses() -> dict[str, Any]:
    statuses = sorted({status for op in OPERATIONS for status in op.error_statuses})
    responses = {}
    for status in statuses:
        answer: dict[str, Any] = {
            "description": ERROR_DESCRIPTIONS[status],
            "content": {"application/json": {"schema": {"$ref": REF.format(model="Error")}}}}
        if status in (429, 503):
            answer["headers"] = {"Retry-After": {"description": "Seconds to wait",
                                                 "schema": {"type": "string"}}}
        responses[str(status)] = answer
    return responses


@lru_cache(maxsize=1)
def openapi_document() -> dict[str, Any]:
    """The whole document; built once per process (GET /openapi.json serves it)."""
    return {
        "openapi": "3.1.0",
        "info": {"title": TITLE, "version": "1.0.0", "description": DESCRIPTION},
        "servers": [{"url": "/"}],
        "tags": [{"name": tag} for tag in dict.fromkeys(op.tag for op in OPERATIONS)],
        "paths": _paths(),
        "components": {
            "schemas": _schemas(),
            "responses": _error_responses(),
            "headers": {"PrivateNoStore": {
                "description": "Authenticated answers are never stored by caches",
                "schema": {"type": "string", "const": "private, no-store"}}},
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                           "bearerFormat": "JWT"}},
        },
    }
