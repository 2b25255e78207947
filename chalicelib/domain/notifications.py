"""What the system tells citizens, and when: the message templates, the notification a use case
asks for, the outbox's retry schedule and the quiet hours.

Pure rules: the moment comes in as an argument, nothing here reads a clock or talks to AWS.
The outbox that applies them is chalicelib/usecases/outbox.py (docs/notifications.md).

Every template is Arabic first, then a short English part, and fits one SMS (70 UCS-2
characters) with its worst-case values; the two that carry an officer's free text (a reason)
get two parts and the text is cut to fit them (tests/unit/test_notification_templates.py).
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, Mapping, Optional

from chalicelib.domain.sms_segments import UCS2_PART, UCS2_SINGLE, size

SMS = "sms"
CHANNELS = (SMS,)
ELLIPSIS = "…"
# The longest short-link host the one-part templates were measured with (settings, docs).
SHORT_LINK_HOST_MAX = 20


@dataclass(frozen=True)
class Template:
    name: str
    text: str  # str.format text: the Arabic part, then the English one
    segments: int = 1  # the parts it may use with its worst-case values
    cut: str = ""  # a free-text value shortened (with an ellipsis) to keep within `segments`

    @property
    def values(self) -> frozenset[str]:
        import string

        return frozenset(name for _, name, _, _ in string.Formatter().parse(self.text) if name)


def _templates(*templates: Template) -> dict[str, Template]:
    return {t.name: t for t in templates}


LICENCE_ISSUED = "licence_issued"
LICENCE_RENEWED = "licence_renewed"
LICENCE_RESENT = "licence_resent"
APPLICATION_APPROVED = "application_approved"
APPLICATION_REJECTED = "application_rejected"
APPLICATION_RETURNED = "application_returned"
PAYMENT_RECEIVED = "payment_received"
LICENCE_SUSPENDED = "licence_suspended"
LICENCE_REVOKED = "licence_revoked"
LICENCE_REINSTATED = "licence_reinstated"
RENEWAL_REMINDER = "renewal_reminder"
FINE_NOTICE = "fine_notice"
PAPER_COPY_READY = "paper_copy_ready"

# The one place message texts live. {link} is `<short-link host>/s/<code>` without a scheme:
# phones link a bare host with a dot, and "https://" would cost 8 of the 70 characters.
TEMPLATES: dict[str, Template] = _templates(
    Template(LICENCE_ISSUED, "صدرت رخصتك: {link} Licence issued"),
    Template(LICENCE_RENEWED, "جُددت رخصتك: {link} Licence renewed"),
    Template(LICENCE_RESENT, "رخصتك: {link} Your licence"),
    Template(APPLICATION_APPROVED, "قُبل طلبك، ادفع {amount} ج عبر البوابة. Approved: pay online"),
    Template(APPLICATION_REJECTED, "رُفض طلبك: {reason} Rejected", segments=2, cut="reason"),
    Template(APPLICATION_RETURNED, "أعيد طلبك للتعديل: {reason} Returned: fix", segments=2,
             cut="reason"),
    Template(PAYMENT_RECEIVED, "استلمنا {amount} ج، إيصال {receipt} Paid"),
    Template(LICENCE_SUSPENDED, "أوقفت رخصتك {number}. Suspended"),
    Template(LICENCE_REVOKED, "أُلغيت رخصتك {number}. Revoked"),
    Template(LICENCE_REINSTATED, "أعيد تفعيل رخصتك {number} Reinstated"),
    Template(RENEWAL_REMINDER, "رخصتك {number} تنتهي {valid_until}، جددها. Renew"),
    Template(FINE_NOTICE, "غرامة تأخير {amount} ج على {number} Late fine"),
    Template(PAPER_COPY_READY, "النسخة الورقية من {number} جاهزة Paper copy ready"),
)


class UnknownTemplate(ValueError):
    pass


def render(template_name: str, values: Mapping[str, str]) -> str:
    """The text of one message; a `cut` value is shortened until the text fits its parts.
    UnknownTemplate for a name not in TEMPLATES; KeyError for a value it needs and lacks."""
    template = TEMPLATES.get(template_name)
    if template is None:
        raise UnknownTemplate(template_name)
    values = {name: " ".join(str(values[name]).split()) for name in template.values}
    text = template.text.format(**values)
    if not template.cut:
        return text
    budget = UCS2_SINGLE if template.segments == 1 else template.segments * UCS2_PART
    free = values[template.cut]
    while size(text).units > budget and free:
        free = free[:-1].rstrip()
        text = template.text.format(**{**values, template.cut: free + ELLIPSIS})
    return text


def short_link(host: str, code: str) -> str:
    """`host/s/code`: the host without a scheme (settings.short_link_host)."""
    bare = host.split("://", 1)[-1].rstrip("/")
    return f"{bare}/s/{code}"


def egp(piasters: int) -> str:
    return f"{piasters // 100}.{piasters % 100:02d}"


# ------------------------------------------------------------------------------ the message

@dataclass(frozen=True)
class Notification:
    """One message to one citizen, as the outbox carries it.

    `key` names the event occurrence (e.g. `remind#<number>#<term end>#7`): the outbox sends
    at most one message per key. `not_before` (UTC ISO) holds it back: a retry's backoff or
    the end of quiet hours. `licence` names the licence whose `sms` record reports this
    message's state (the licence's own SMS: issued, renewed, resent), else "".
    """

    key: str
    channel: str
    recipient: str
    template: str
    values: Mapping[str, str]
    created_at: str
    not_before: str = ""
    attempt: int = 1
    licence: str = ""

    def as_message(self) -> dict:
        message = {"key": self.key, "channel": self.channel, "recipient": self.recipient,
                   "template": self.template, "values": dict(self.values),
                   "created_at": self.created_at, "attempt": self.attempt}
        if self.not_before:
            message["not_before"] = self.not_before
        if self.licence:
            message["licence"] = self.licence
        return message

    @classmethod
    def from_message(cls, raw: Mapping[str, Any]) -> "Notification":
        if raw.get("channel") not in CHANNELS:
            raise ValueError(f"unknown notification channel {raw.get('channel')!r}")
        if raw.get("template") not in TEMPLATES:
            raise UnknownTemplate(str(raw.get("template")))
        return cls(key=str(raw["key"]), channel=str(raw["channel"]),
                   recipient=str(raw["recipient"]), template=str(raw["template"]),
                   values={str(k): str(v) for k, v in dict(raw.get("values") or {}).items()},
                   created_at=str(raw["created_at"]), not_before=str(raw.get("not_before", "")),
                   attempt=max(1, int(raw.get("attempt", 1))), licence=str(raw.get("licence", "")))

    def held_until(self, moment: datetime) -> "Notification":
        return replace(self, not_before=_iso(moment))

    def next_attempt(self, not_before: datetime) -> "Notification":
        return replace(self, attempt=self.attempt + 1, not_before=_iso(not_before))

    def due_at(self) -> Optional[datetime]:
        return _parse(self.not_before) if self.not_before else None


# ---------------------------------------------------------------------- retries and backoff

# Minutes before attempt 2, 3, ...: doubling to an hour, then hourly. The 30 attempts span 24
# hours, so a provider down for up to a day still gets every message out (docs/notifications.md).
RETRY_MINUTES = (1, 2, 4, 8, 15, 30) + (60,) * 23
MAX_ATTEMPTS = len(RETRY_MINUTES) + 1


def retry_delay(attempt: int) -> Optional[timedelta]:
    """The wait after attempt number `attempt` failed; None: give up (the dead-letter queue)."""
    if 1 <= attempt <= len(RETRY_MINUTES):
        return timedelta(minutes=RETRY_MINUTES[attempt - 1])
    return None


# QuietHours lives in domain/quiet_hours.py (settings parse it at cold start); re-exported here.
from chalicelib.domain.quiet_hours import QuietHours  # noqa: E402,F401


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _parse(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))
