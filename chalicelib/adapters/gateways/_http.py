"""A tiny JSON-over-HTTP client on urllib, shared by the gateway adapters.

urllib keeps the Lambda zip free of extra dependencies; every failure becomes one exception type
so the API layer can answer 502 instead of leaking a traceback as a 500.
"""
from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Mapping, Optional

from chalicelib.errors import RukhsaError

DEFAULT_TIMEOUT_SECONDS = 10.0
MAX_RESPONSE_BYTES = 1024 * 1024


class GatewayUnavailable(RukhsaError):
    """The payment gateway could not be reached or answered something we cannot use."""

    status = 502
    code = "gateway_unavailable"
    message_ar = "تعذر الاتصال ببوابة الدفع، حاول لاحقًا"
    message_en = "The payment gateway is unavailable; try again later"


def _send(request: urllib.request.Request, timeout: float) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (https/loopback only)
            return response.status, response.read(MAX_RESPONSE_BYTES)
    except urllib.error.HTTPError as error:
        # 4xx/5xx still carry a body worth reading (gateways explain refusals in it).
        return error.code, error.read(MAX_RESPONSE_BYTES)
    except (urllib.error.URLError, TimeoutError, OSError, ValueError) as error:
        raise GatewayUnavailable(f"gateway request failed: {type(error).__name__}") from error


def request_text(method: str, url: str, payload: Optional[object] = None,
                 headers: Optional[Mapping[str, str]] = None,
                 timeout: float = DEFAULT_TIMEOUT_SECONDS) -> tuple[int, str]:
    """Send a JSON body (if any) and return (status, body text)."""
    data = None if payload is None else json.dumps(payload).encode("utf-8")
    all_headers = {"Accept": "application/json"}
    if data is not None:
        all_headers["Content-Type"] = "application/json"
    all_headers.update(headers or {})
    request = urllib.request.Request(url, data=data, method=method, headers=all_headers)
    status, body = _send(request, timeout)
    return status, body.decode("utf-8", errors="replace")


def request_json(method: str, url: str, payload: Optional[object] = None,
                 headers: Optional[Mapping[str, str]] = None,
                 timeout: float = DEFAULT_TIMEOUT_SECONDS) -> tuple[int, object]:
    """Like request_text, but the answer must be JSON; otherwise GatewayUnavailable."""
    status, text = request_text(method, url, payload, headers, timeout)
    try:
        return status, json.loads(text)
    except ValueError as error:
        raise GatewayUnavailable(f"gateway answered non-JSON with HTTP {status}") from error


def with_query(url: str, params: Mapping[str, str]) -> str:
    return f"{url}?{urllib.parse.urlencode(params)}"
