"""The application workflow: states, who may move them, and what money is due when.

Money comes before decisions and licences: an application is reviewed only once its
submission fees (and any carried fines) are paid, and a licence is issued only once the
licence fee fixed at approval is paid too.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Mapping, Optional

from chalicelib.domain.fees import (STAGE_APPROVAL, STAGE_FINE, STAGE_SUBMISSION, FeeLine,
                                    outstanding, total)
from chalicelib.errors import Conflict

SUBMITTED = "submitted"
PAID = "paid"
UNDER_REVIEW = "under_review"
RETURNED = "returned"
APPROVED = "approved"
LICENCE_PAID = "licence_paid"
ISSUED = "issued"
REJECTED = "rejected"
CANCELLED = "cancelled"

STATUSES = (SUBMITTED, PAID, UNDER_REVIEW, RETURNED, APPROVED, LICENCE_PAID, ISSUED, REJECTED,
            CANCELLED)
FINAL_STATUSES = (ISSUED, REJECTED, CANCELLED)

# (from status, action) -> to status. Anything else is a 409.
TRANSITIONS: Mapping[tuple[str, str], str] = {
    (SUBMITTED, "pay"): PAID,
    (SUBMITTED, "cancel"): CANCELLED,
    (RETURNED, "cancel"): CANCELLED,
    (PAID, "start_review"): UNDER_REVIEW,
    (PAID, "auto_approve"): APPROVED,
    (UNDER_REVIEW, "approve"): APPROVED,
    (UNDER_REVIEW, "reject"): REJECTED,
    (UNDER_REVIEW, "return"): RETURNED,
    (RETURNED, "resubmit"): UNDER_REVIEW,
    # Amended details that cost more: the difference is paid before review continues.
    (RETURNED, "resubmit_fees_due"): SUBMITTED,
    (APPROVED, "pay"): LICENCE_PAID,
    (LICENCE_PAID, "issue"): ISSUED,
}

# Which fee stages a client pays in each status.
PAYABLE_STAGES: Mapping[str, tuple[str, ...]] = {
    SUBMITTED: (STAGE_SUBMISSION, STAGE_FINE),
    APPROVED: (STAGE_APPROVAL,),
}


@dataclass(frozen=True)
class TimelineEntry:
    status: str
    at: str
    by_role: str
    by: str = ""
    reason: str = ""
    action: str = ""

    def as_dict(self) -> dict:
        entry = {"status": self.status, "at": self.at, "by_role": self.by_role,
                 "action": self.action}
        if self.reason:
            entry["reason"] = self.reason
        return entry

    def stored(self) -> dict:
        return {**self.as_dict(), "by": self.by}

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> "TimelineEntry":
        return cls(status=raw["status"], at=raw["at"], by_role=raw["by_role"],
                   by=raw.get("by", ""), reason=raw.get("reason", ""),
                   action=raw.get("action", ""))


@dataclass(frozen=True)
class Actor:
    sub: str
    role: str
    district: str = ""


SYSTEM = Actor(sub="system", role="system")


@dataclass(frozen=True)
class Application:
    id: str
    service_code: str
    kind: str
    case: str
    district: str
    owner: str
    applicant: Mapping[str, str]
    site: Mapping[str, Any]
    details: Mapping[str, Any]
    status: str
    fees: tuple[FeeLine, ...]
    timeline: tuple[TimelineEntry, ...]
    created_at: str
    updated_at: str
    version: int = 0
    renewal_of: str = ""
    licence_number: str = ""
    decision_reason: str = ""
    review_required: bool = True
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def fees_due(self) -> list[FeeLine]:
        return outstanding(self.fees, PAYABLE_STAGES.get(self.status, ()))

    @property
    def amount_due_piasters(self) -> int:
        return total(self.fees_due)

    @property
    def queue_key(self) -> str:
        return f"{self.district}#{self.status}"


def transition(app: Application, action: str, actor: Actor, now: datetime,
               reason: str = "") -> Application:
    """Apply one workflow action, recording it on the timeline; 409 if not allowed now."""
    target = TRANSITIONS.get((app.status, action))
    if target is None:
        raise Conflict(
            message_en=f"cannot {action.replace('_', ' ')} an application that is {app.status}",
            message_ar=f"لا يمكن تنفيذ هذا الإجراء على طلب حالته {STATUS_NAMES_AR.get(app.status, app.status)}",
            code="invalid_transition")
    at = iso(now)
    entry = TimelineEntry(status=target, at=at, by_role=actor.role, by=actor.sub,
                          reason=reason, action=action)
    return replace(app, status=target, updated_at=at, timeline=app.timeline + (entry,),
                   decision_reason=reason if action in ("reject", "return") else app.decision_reason)


def settle(app: Application, payment_id: str) -> Application:
    """Mark every fee line payable now as settled by `payment_id`."""
    due = {id(line) for line in app.fees_due}
    fees = tuple(replace(line, paid_by=payment_id) if id(line) in due else line for line in app.fees)
    return replace(app, fees=fees)


def advance_after_payment(app: Application, payment_id: str, now: datetime) -> Application:
    """Record a payment that covers everything due in the current status."""
    return transition(settle(app, payment_id), "pay", SYSTEM, now)


def after_paid(app: Application, approval_fees: list[FeeLine], now: datetime) -> Application:
    """What follows the application fees: review, or (no review needed) straight approval."""
    if app.review_required:
        return transition(app, "start_review", SYSTEM, now)
    return approve(transition(app, "auto_approve", SYSTEM, now), approval_fees, now)


def approve(app: Application, approval_fees: list[FeeLine], now: datetime) -> Application:
    """After approval the licence fee is due; with nothing due the licence is paid at once."""
    app = replace(app, fees=app.fees + tuple(approval_fees))
    if app.amount_due_piasters == 0:
        return transition(app, "pay", SYSTEM, now)
    return app


def iso(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse_iso(text: str) -> datetime:
    """The moment `iso` wrote."""
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


STATUS_NAMES_AR = {
    SUBMITTED: "مقدم", PAID: "مدفوع", UNDER_REVIEW: "قيد المراجعة", RETURNED: "معاد للمواطن",
    APPROVED: "موافق عليه", LICENCE_PAID: "مدفوع رسم الرخصة", ISSUED: "صدرت الرخصة",
    REJECTED: "مرفوض", CANCELLED: "ملغى",
}
