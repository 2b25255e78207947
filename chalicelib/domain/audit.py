"""The audit trail's record: who did what to which subject, when, from which state to which.

Records are append-only and written by the store of what they describe, in the same transaction
(an application, a licence, a payment's refund, a rollout change). `subject` defaults to the
thing being saved (`APP#<id>` for an application store write); a record about something else
names it (`LIC#<number>` when issuance writes the licence's record with the application).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Optional

# Every rollout change, of any service in any district, under one subject: the administrator's
# "what changed, who, when" is one Query, newest first. Rollout changes are rare (a few a
# month), so one partition holds them all without heat.
ROLLOUT_AUDIT = "ROLLOUT"


@dataclass(frozen=True)
class AuditRecord:
    at: str  # UTC ISO 8601 with milliseconds
    actor: str  # the principal's sub, or "system"
    role: str
    district: str
    action: str
    from_status: Optional[str] = None
    to_status: Optional[str] = None
    reason: str = ""
    data: Optional[Mapping[str, Any]] = None
    n: int = 0  # orders records written together at the same instant
    subject: str = ""  # APP#id, LIC#number, ROLLOUT; empty: the saved item's own
    actor_name: str = ""  # an officer's or admin's display name when they acted (citizens see it)

    def public(self) -> dict:
        """What GET .../audit shows of a record."""
        return {"at": self.at, "actor": self.actor, "actor_name": self.actor_name or None,
                "role": self.role,
                "district": self.district or None, "action": self.action,
                "from_status": self.from_status, "to_status": self.to_status,
                "reason": self.reason or None,
                "data": dict(self.data) if self.data is not None else None}
