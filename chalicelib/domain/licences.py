"""The electronic licence: its states, validity and outstanding fines."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, Mapping, Optional

from chalicelib.domain.licence_numbers import parse_number
from chalicelib.errors import Conflict

ACTIVE = "active"
EXPIRED = "expired"
SUSPENDED = "suspended"
REVOKED = "revoked"
LICENCE_STATUSES = (ACTIVE, EXPIRED, SUSPENDED, REVOKED)

# (from, action) -> to, for officers' actions. Expiry is the nightly job's, not an officer's.
LICENCE_TRANSITIONS: Mapping[tuple[str, str], str] = {
    (ACTIVE, "suspend"): SUSPENDED,
    (EXPIRED, "suspend"): SUSPENDED,
    (ACTIVE, "revoke"): REVOKED,
    (SUSPENDED, "revoke"): REVOKED,
    (EXPIRED, "revoke"): REVOKED,
    (SUSPENDED, "reinstate"): ACTIVE,
    (ACTIVE, "expire"): EXPIRED,
}
ACCRUING_SHARDS = 16
STATUS_SHARDS = 16  # the sparse by-status index (the signed status list's builder)


@dataclass(frozen=True)
class Fine:
    """One assessed fine (e.g. one night of a late advertisement); settled by a payment."""

    key: str  # e.g. "late:2026-11-24": the exactly-once key of the assessment
    name_ar: str
    name_en: str
    amount_piasters: int
    assessed_on: str  # Cairo business date
    paid_by: Optional[str] = None

    def as_dict(self) -> dict:
        return {"key": self.key, "name_ar": self.name_ar, "name_en": self.name_en,
                "amount_piasters": self.amount_piasters, "assessed_on": self.assessed_on,
                "paid_by": self.paid_by}

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> "Fine":
        return cls(key=raw["key"], name_ar=raw["name_ar"], name_en=raw["name_en"],
                   amount_piasters=int(raw["amount_piasters"]), assessed_on=raw["assessed_on"],
                   paid_by=raw.get("paid_by"))


@dataclass(frozen=True)
class Licence:
    number: str
    application_id: str
    service_code: str
    kind: str
    district: str
    holder: str  # the citizen's subject
    holder_name: str
    holder_mobile: str  # E.164
    holder_national_id: str
    site: Mapping[str, Any]  # lat, lng, address
    details: Mapping[str, Any]
    status: str
    valid_from: str  # Cairo date YYYY-MM-DD
    valid_until: str
    issued_at: str
    seal_token: str = ""
    qr_key: str = ""
    fines: tuple[Fine, ...] = ()
    sms: Mapping[str, Any] = field(default_factory=dict)
    status_reason: str = ""
    renewals: tuple[Mapping[str, Any], ...] = ()
    superseded_by: str = ""  # a late re-application's application id, once issued
    fines_capped: bool = False  # the late fine reached its cap: nothing more accrues
    # Its catalogue rule fines it for every late day (catalogue.late_fine), set at issuance.
    accrues_late_fines: bool = False
    version: int = 0

    @property
    def outstanding_fines(self) -> list[Fine]:
        return [f for f in self.fines if f.paid_by is None]

    @property
    def outstanding_fines_piasters(self) -> int:
        return sum(f.amount_piasters for f in self.outstanding_fines)

    @property
    def accruing_shard(self) -> Optional[str]:
        """Set only while a late licence accrues fines: the sparse index's key."""
        if self.accrues_late_fines and self.status == EXPIRED and not self.superseded_by \
                and not self.fines_capped:
            return f"ACCRUING#{parse_number(self.number).sequence % ACCRUING_SHARDS:02d}"
        return None

    @property
    def status_shard(self) -> Optional[str]:
        """Set only while the licence is not simply active (suspended, revoked, expired or
        superseded): the sparse index the status list is built from (docs/status-list.md)."""
        if self.status == ACTIVE and not self.superseded_by:
            return None
        return f"LISTED#{parse_number(self.number).sequence % STATUS_SHARDS:02d}"

    @property
    def sms_retry_due(self) -> str:
        """When its SMS, refused and `retrying`, is due again (ISO UTC); "" otherwise."""
        if self.sms.get("state") == "retrying":
            return str(self.sms.get("next_attempt_at") or "")
        return ""

    def valid_until_date(self) -> date:
        return date.fromisoformat(self.valid_until)


def change_status(licence: Licence, action: str, reason: str) -> Licence:
    target = LICENCE_TRANSITIONS.get((licence.status, action))
    if target is None:
        raise Conflict(code="invalid_transition",
                       message_en=f"cannot {action} a licence that is {licence.status}",
                       message_ar="لا يمكن تنفيذ هذا الإجراء على الرخصة في حالتها الحالية")
    return replace(licence, status=target, status_reason=reason)
