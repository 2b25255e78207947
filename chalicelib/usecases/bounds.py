"""Per-caller bounds on the actions that cost money or work each time: a new application, a
payment attempt (a gateway order), a paper copy (a PDF render and an S3 object), an SMS resend.
The limits are settings (chalicelib/settings.py); the windows slide (domain/rate_limits.py)."""
from __future__ import annotations

import math
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Iterator, Mapping

from chalicelib.domain.rate_limits import Limit
from chalicelib.errors import RukhsaError, TooManyRequests
from chalicelib.observability import logger
from chalicelib.ports import RateLimiter

APPLICATION, PAYMENT_ATTEMPT, PAPER_COPY, SMS_RESEND = (
    "application", "payment_attempt", "paper_copy", "sms_resend")

# action -> (Arabic, English) names of what was asked for too often.
ACTION_NAMES: Mapping[str, tuple[str, str]] = {
    APPLICATION: ("الطلبات الجديدة", "new applications"),
    PAYMENT_ATTEMPT: ("محاولات الدفع", "payment attempts"),
    PAPER_COPY: ("النسخ الورقية", "paper copies"),
    SMS_RESEND: ("إعادة إرسال الرسالة النصية", "SMS resends"),
}


@dataclass(frozen=True)
class Bounds:
    limiter: RateLimiter
    limits: Mapping[str, Limit]

    def take(self, action: str, subject: str, now: datetime) -> None:
        """Count one use of `action` by `subject` (a caller, or a licence); 429 with Retry-After
        if its window is full."""
        retry_after = self.limiter.take(_key(action, subject), self.limits[action], now)
        if retry_after:
            raise too_many(action, retry_after)

    @contextmanager
    def spending(self, action: str, subject: str, now: datetime) -> Iterator[None]:
        """`take`, then run the block; if a dependency was unavailable (a 5xx: a queue or a
        gateway refusing) the use is given back, so a citizen who got nothing for it can try
        again at once instead of waiting out the window."""
        self.take(action, subject, now)
        try:
            yield
        except RukhsaError as error:
            if error.status >= 500:
                self._give_back(action, subject, now)
            raise

    def _give_back(self, action: str, subject: str, now: datetime) -> None:
        try:
            self.limiter.give_back(_key(action, subject), now)
        except Exception:  # the caller is told of the first failure, not of this one
            logger.warning("use not given back", extra={"action": action}, exc_info=True)


def _key(action: str, subject: str) -> str:
    return f"rate#{action}#{subject}"


def too_many(action: str, retry_after_seconds: int) -> TooManyRequests:
    name_ar, name_en = ACTION_NAMES[action]
    minutes = max(1, math.ceil(retry_after_seconds / 60))
    return TooManyRequests(
        message_en=f"Too many {name_en} for now; try again in {minutes} minute(s)",
        message_ar=f"تم بلوغ الحد المسموح من {name_ar} مؤقتًا، حاول مرة أخرى بعد {minutes} دقيقة",
        retry_after_seconds=retry_after_seconds, code="rate_limited")
