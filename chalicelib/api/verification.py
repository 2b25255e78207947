"""Public verification: the page behind every QR, the SMS short link, and the JWK Set.

No authentication on any of these routes (API Gateway throttles them, see infra/). The page is
cacheable for a short while only (CACHE_CONTROL_HEADER): a revocation shows within a minute.
"""
from chalice import Blueprint, Response

from chalicelib.api.http import json_response
from chalicelib.api.negotiation import best_media_type
from chalicelib.api.routes import route
from chalicelib.errors import NotFound
from chalicelib.wiring import (bound_settings, clock, licence_reader, pointer_store,
                               seal_public_keys, seal_tables)

verification_api = Blueprint(__name__)

KEYS_CACHE_CONTROL = "public, max-age=3600"
SHORT_LINK_CACHE_CONTROL = "public, max-age=3600"
# The page needs nothing from anywhere: no scripts, no images, no fonts, inline CSS only.
PAGE_SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; "
                               "form-action 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


# The page first: it is the default, and a client that accepts neither still gets it (RFC 9110
# lets a server disregard Accept; a scanner must never get a bare refusal).
PAGE_TYPE, JSON_TYPE = "text/html; charset=utf-8", "application/json; charset=utf-8"


def _wants_json() -> bool:
    accept = (verification_api.current_request.headers or {}).get("accept")
    return best_media_type(accept, (PAGE_TYPE, JSON_TYPE)) == JSON_TYPE


def _verification(token: str) -> Response:
    from chalicelib.domain.calendar import cairo_date
    from chalicelib.domain.verification import to_json
    from chalicelib.presentation.verify_page import CACHE_CONTROL_HEADER, render_verification_page
    from chalicelib.metrics import VERIFICATIONS, count_lean
    from chalicelib.usecases.verification import verify_token

    tables = seal_tables()
    view = verify_token(token, seal_public_keys(), tables.codes, licence_reader(),
                        cairo_date(clock()))
    headers = {"Cache-Control": CACHE_CONTROL_HEADER, "Vary": "Accept", **PAGE_SECURITY_HEADERS}
    if _wants_json():
        response = json_response(to_json(view), headers=headers)
    else:
        page = render_verification_page(view, tables.kind_names, tables.district_names)
        response = Response(body=page, status_code=200,
                            headers={"Content-Type": PAGE_TYPE, **headers})
    # The lean EMF line: no metrics library on this public route's cold start.
    count_lean(VERIFICATIONS, 1, ("verdict", view.verdict.value))
    return response


@route(verification_api, "verifySeal")
def verify(token: str):
    return _verification(token)


@route(verification_api, "verifySealUpperCaseAlias")
def verify_upper_case(token: str):
    """An upper-cased or hand-typed URL (`/V/...`) answers the same."""
    return _verification(token)


@route(verification_api, "followShortLink")
def short_link(code: str):
    """The SMS's short link: a redirect to the seal's verification page."""
    from chalicelib.domain.issuance import short_link_key
    from chalicelib.domain.seal import verify_url

    token = pointer_store().ref(short_link_key(code)) if code.isalnum() and len(code) <= 16 else None
    if not token:
        raise NotFound(message_en="unknown link", message_ar="الرابط غير معروف", code="link_not_found")
    return Response(body="", status_code=302,
                    headers={"Location": verify_url(bound_settings().verify_base_url, token),
                             "Cache-Control": SHORT_LINK_CACHE_CONTROL})


@route(verification_api, "getSealKeys")
def keys():
    from chalicelib.domain.seal import public_jwk_set

    return json_response(public_jwk_set(seal_public_keys()),
                         headers={"Cache-Control": KEYS_CACHE_CONTROL})


STATUS_LIST_CACHE_CONTROL = "public, max-age=60"  # a suspension reaches verifiers within minutes


@route(verification_api, "getStatusList")
def status_list():
    """The signed status list as published by its builder (docs/status-list.md)."""
    from chalicelib.usecases.status_list import published_status_list
    from chalicelib.wiring import file_store

    body, etag = published_status_list(file_store())
    headers = {"Cache-Control": STATUS_LIST_CACHE_CONTROL, "ETag": etag}
    asked = (verification_api.current_request.headers or {}).get("if-none-match", "")
    if etag in [tag.strip().removeprefix("W/") for tag in asked.split(",")]:
        return Response(body="", status_code=304, headers=headers)
    return Response(body=body.decode("ascii"), status_code=200,
                    headers={"Content-Type": "application/jose", **headers})
