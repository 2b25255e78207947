"""Domain exceptions, each with a bilingual message, and the one mapping to HTTP status."""
from __future__ import annotations

from typing import Mapping, Optional


class RukhsaError(Exception):
    """Base of every error a client may see. Subclasses set the HTTP status and code."""

    status = 400
    code = "bad_request"
    message_ar = "طلب غير صالح"
    message_en = "Bad request"

    def __init__(self, message_en: Optional[str] = None, message_ar: Optional[str] = None,
                 fields: Optional[Mapping[str, str]] = None, code: Optional[str] = None) -> None:
        super().__init__(message_en or self.message_en)
        if message_en:
            self.message_en = message_en
        if message_ar:
            self.message_ar = message_ar
        if code:
            self.code = code
        self.fields = dict(fields or {})

    def body(self) -> dict:
        error = {"code": self.code, "message_ar": self.message_ar, "message_en": self.message_en}
        if self.fields:
            error["fields"] = self.fields
        return {"error": error}


class ValidationFailed(RukhsaError):
    status = 400
    code = "validation_failed"
    message_ar = "بعض البيانات غير صحيحة"
    message_en = "Some fields are invalid"


class Unauthenticated(RukhsaError):
    status = 401
    code = "unauthenticated"
    message_ar = "يلزم تسجيل الدخول ببيانات اعتماد صحيحة"
    message_en = "Valid credentials are required"


class Forbidden(RukhsaError):
    status = 403
    code = "forbidden"
    message_ar = "غير مسموح لك بهذا الإجراء"
    message_en = "You are not allowed to do this"


class NotFound(RukhsaError):
    status = 404
    code = "not_found"
    message_ar = "غير موجود"
    message_en = "Not found"


class Conflict(RukhsaError):
    status = 409
    code = "conflict"
    message_ar = "لا يمكن تنفيذ الإجراء في الحالة الحالية"
    message_en = "This action is not possible in the current state"


class TooManyRequests(RukhsaError):
    status = 429
    code = "too_many_requests"
    message_ar = "طلبات كثيرة، حاول لاحقًا"
    message_en = "Too many requests, try again later"

    def __init__(self, message_en: Optional[str] = None, message_ar: Optional[str] = None,
                 retry_after_seconds: Optional[int] = None, code: Optional[str] = None) -> None:
        super().__init__(message_en, message_ar, code=code)
        self.retry_after_seconds = retry_after_seconds  # the Retry-After header


class PayloadTooLarge(RukhsaError):
    status = 413
    code = "payload_too_large"
    message_ar = "حجم الطلب أكبر من المسموح"
    message_en = "The request body is too large"


class ConcurrentUpdate(Conflict):
    """A conditional write lost a race: someone else changed the item first."""

    code = "concurrent_update"
    message_ar = "تم تعديل السجل في نفس الوقت، أعد المحاولة"
    message_en = "The record was changed at the same time; retry"


class InternalError(RukhsaError):
    status = 500
    code = "internal_error"
    message_ar = "حدث خطأ داخلي"
    message_en = "Internal error"


def http_status(error: RukhsaError) -> int:
    return error.status


class ServiceUnavailable(RukhsaError):
    """A dependency is throttling or briefly down: nothing was done, retry shortly (a gateway
    redelivers its callback; the exactly-once path makes the retry count once)."""

    status = 503
    code = "temporarily_unavailable"
    message_ar = "الخدمة مشغولة مؤقتًا، أعد المحاولة بعد قليل"
    message_en = "Temporarily unavailable; retry shortly"
    retry_after_seconds = 5
