"""The HTTP edge shared by every blueprint: bodies in, JSON out, errors mapped once."""
from __future__ import annotations

import functools
import json
from typing import Any, Callable, Optional, TypeVar

from chalice import Chalice, Response
from chalice.app import Request

from chalicelib.errors import (InternalError, PayloadTooLarge, RukhsaError, ValidationFailed,
                               http_status)
from chalicelib.json_input import loads_bounded
from chalicelib.observability import logger

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pydantic import BaseModel
    from pydantic import ValidationError as PydanticValidationError

    from chalicelib.auth import Principal

Model = TypeVar("Model", bound="BaseModel")
JSON_HEADERS = {"Content-Type": "application/json; charset=utf-8"}
# On every answer of the app (JSON, HTML, redirects, errors): browsers must trust Content-Type.
# What API Gateway answers itself carries it from its gateway responses (infra/gateway_responses.py).
EVERY_RESPONSE_HEADERS = {"X-Content-Type-Options": "nosniff"}
MAX_BODY_BYTES = 64 * 1024


def json_response(body: Any, status: int = 200, headers: Optional[dict[str, str]] = None) -> Response:
    return Response(body=json.dumps(body, ensure_ascii=False), status_code=status,
                    headers={**JSON_HEADERS, **(headers or {})})


def error_response(error: RukhsaError) -> Response:
    retry_after = getattr(error, "retry_after_seconds", None)
    headers = {"Retry-After": str(retry_after)} if retry_after else None
    return json_response(error.body(), status=http_status(error), headers=headers)


def read_json(request: Request, max_bytes: int = MAX_BODY_BYTES) -> Any:
    raw = request.raw_body or b""
    if len(raw) > max_bytes:
        raise PayloadTooLarge()
    if not raw.strip():
        raise ValidationFailed(fields={"body": "يلزم إرسال كائن JSON / a JSON object is required"},
                               message_en="The request body is empty",
                               message_ar="جسم الطلب فارغ")
    try:
        return loads_bounded(raw)
    except ValueError:  # not UTF-8 (UnicodeDecodeError) or not JSON
        raise ValidationFailed(fields={"body": "ليس JSON صالحًا / not valid UTF-8 JSON"},
                               message_en="The request body is not valid JSON",
                               message_ar="جسم الطلب ليس JSON صالحًا") from None


def parse_body(request: Request, model: type[Model]) -> Model:
    from pydantic import ValidationError as PydanticValidationError

    data = read_json(request)
    if not isinstance(data, dict):
        raise ValidationFailed(fields={"body": "يجب أن يكون كائن JSON / must be a JSON object"})
    try:
        return model.model_validate(data)
    except PydanticValidationError as error:
        raise ValidationFailed(fields=pydantic_fields(error)) from None


def pydantic_fields(error: PydanticValidationError) -> dict[str, str]:
    from chalicelib.api.field_messages import field_messages

    return field_messages(error.errors(include_url=False, include_input=False))


def query_param(request: Request, name: str) -> Optional[str]:
    params = request.query_params or {}
    return params.get(name)


def limit_param(request: Request, default: int = 20, maximum: int = 100) -> int:
    raw = query_param(request, "limit")
    if raw is None:
        return default
    if not raw.isdigit() or not 1 <= int(raw) <= maximum:
        raise ValidationFailed(fields={"limit": f"عدد صحيح من 1 إلى {maximum} / a whole number from 1 to {maximum}"})
    return int(raw)


def install_error_handling(app: Chalice) -> None:
    """Every error leaves as the contract's bilingual JSON body; nothing leaks a stack trace.

    Chalice turns a view's exception into its own 500 before middleware sees it, so each
    registered view is wrapped once here; the middleware reshapes Chalice's own errors.
    """
    for methods in app.routes.values():
        for entry in methods.values():
            entry.view_function = _refusing_cleanly(entry.view_function)

    @app.middleware("http")
    def correlated(event: Any, get_response: Callable[[Any], Response]) -> Response:
        logger.set_correlation_id(event.context.get("requestId"))
        response = _contract_shaped(get_response(event))
        response.headers.update(EVERY_RESPONSE_HEADERS)
        return response


def _refusing_cleanly(view: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        try:
            return view(*args, **kwargs)
        except RukhsaError as error:
            logger.info("request refused", extra={"code": error.code, "status": error.status})
            return error_response(error)
        except Exception:
            logger.exception("request failed")
            return error_response(InternalError())

    return wrapped


# Chalice's own refusals, in our words (its English sentences never reach a client).
CHALICE_REFUSALS: dict[str, tuple[str, str, str]] = {
    "MethodNotAllowedError": ("method_not_allowed", "هذه الطريقة غير مسموحة على هذا المسار",
                              "This method is not allowed on this path"),
    "UnsupportedMediaType": ("unsupported_media_type", "نوع المحتوى غير مقبول على هذا المسار",
                             "This Content-Type is not accepted on this path"),
    "BadRequest": ("not_acceptable", "نوع الاستجابة غير مقبول في ترويسة Accept",
                   "The Accept header does not admit the response's type"),
    "InternalServerError": ("internal_error", InternalError.message_ar, InternalError.message_en),
}


def _contract_shaped(response: Response) -> Response:
    """Chalice answers some errors itself (405, 415, binary Accept); reshape them, keeping
    their headers (`Allow`)."""
    if response.status_code < 400 or not isinstance(response.body, dict) or "Code" not in response.body:
        return response
    code, message_ar, message_en = CHALICE_REFUSALS.get(
        str(response.body["Code"]), ("request_refused", "تعذر تنفيذ الطلب", "Request refused"))
    error = RukhsaError(message_en=message_en, message_ar=message_ar, code=code)
    error.status = response.status_code
    shaped = error_response(error)
    shaped.headers = {**(response.headers or {}), **shaped.headers}
    return shaped


def caller_of(request: Request) -> "Principal":
    """The authenticated caller, already let through the route's role gate (the matrix's
    action for this route, without a resource): a role that may never call it gets its 403
    before the body is even read, whatever the body holds."""
    from chalicelib.auth import authenticate
    from chalicelib.authorization import ROUTES, authorize
    from chalicelib.wiring import bound_settings

    caller = authenticate(request.headers, bound_settings())
    route = ((request.method or "").upper(), (request.context or {}).get("resourcePath", ""))
    action = ROUTES.get(route)
    if action:
        authorize(caller, action)
    return caller
