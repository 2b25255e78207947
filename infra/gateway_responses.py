"""What API Gateway answers by itself, in the API's error contract (docs/api.md, "Errors").

API Gateway refuses some requests before the app runs: a path or method no route declares
(403 "Missing Authentication Token" by default), throttling, oversized bodies, WAF blocks. Each
such answer is reshaped here into the bilingual envelope with `X-Content-Type-Options: nosniff`.

Plain data only (no CDK, no Chalice): `infra/stack.py` puts it on the REST API (SAM
`GatewayResponses`), and the local stack's gateway (`devstack/gateway.py`) answers the same for
the requests Chalice's local server refuses before the app.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Optional

HEADERS = {"Content-Type": "application/json; charset=utf-8", "X-Content-Type-Options": "nosniff"}


@dataclass(frozen=True)
class GatewayResponse:
    status: Optional[int]  # None: keep the status API Gateway chose (the DEFAULT_* families)
    code: str
    message_ar: str
    message_en: str
    headers: tuple[tuple[str, str], ...] = ()

    def body(self) -> dict:
        return {"error": {"code": self.code, "message_ar": self.message_ar,
                          "message_en": self.message_en}}

    def body_text(self) -> str:
        return json.dumps(self.body(), ensure_ascii=False)

    def all_headers(self) -> dict[str, str]:
        return {**HEADERS, **dict(self.headers)}


NO_SUCH_ROUTE = GatewayResponse(404, "not_found", "لا يوجد مسار بهذا العنوان",
                                "No such path or method")
THROTTLED = GatewayResponse(429, "too_many_requests", "طلبات كثيرة، حاول لاحقًا",
                            "Too many requests, try again later", (("Retry-After", "1"),))

# API Gateway response type -> our answer. Types not listed fall under DEFAULT_4XX / DEFAULT_5XX.
GATEWAY_RESPONSES: dict[str, GatewayResponse] = {
    # A path no route declares, or a method the path does not have.
    "MISSING_AUTHENTICATION_TOKEN": NO_SUCH_ROUTE,
    "RESOURCE_NOT_FOUND": NO_SUCH_ROUTE,
    "THROTTLED": THROTTLED,
    "QUOTA_EXCEEDED": THROTTLED,
    "REQUEST_TOO_LARGE": GatewayResponse(413, "payload_too_large", "حجم الطلب أكبر من المسموح",
                                         "The request body is too large"),
    "UNSUPPORTED_MEDIA_TYPE": GatewayResponse(415, "unsupported_media_type",
                                              "نوع المحتوى غير مقبول على هذا المسار",
                                              "This Content-Type is not accepted on this path"),
    "WAF_FILTERED": GatewayResponse(403, "forbidden", "تم رفض الطلب", "The request was refused"),
    "INTEGRATION_TIMEOUT": GatewayResponse(504, "timeout", "انتهت مهلة الطلب، أعد المحاولة",
                                           "The request timed out; retry"),
    "DEFAULT_4XX": GatewayResponse(None, "bad_request", "طلب غير صالح", "Bad request"),
    "DEFAULT_5XX": GatewayResponse(None, "internal_error", "حدث خطأ داخلي", "Internal error"),
}


def sam_gateway_responses() -> dict[str, dict]:
    """The REST API's `GatewayResponses` property (AWS::Serverless::Api) for every entry."""
    responses = {}
    for response_type, response in GATEWAY_RESPONSES.items():
        entry: dict = {
            "ResponseParameters": {"Headers": {name: f"'{value}'" for name, value
                                               in response.all_headers().items()
                                               if name != "Content-Type"}},
            "ResponseTemplates": {"application/json": response.body_text()},
        }
        if response.status is not None:
            entry["StatusCode"] = str(response.status)
        responses[response_type] = entry
    return responses
