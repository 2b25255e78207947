"""What the public verification page (`GET /v/{token}`) tells whoever scanned a licence's QR code.

Pure rules only: the verdict for a licence, the masked holder name, and the page's JSON form
(docs/api.md, "Verifying a licence"). Looking the licence up and checking the token's signature happen elsewhere;
the route hands the result to these functions.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from typing import Any, Optional

from chalicelib.errors import ValidationFailed


class Verdict(str, Enum):
    """The one answer the scanner needs, in order of what the banner says."""

    GENUINE_VALID = "genuine_valid"
    EXPIRED = "expired"
    SUSPENDED = "suspended"
    REVOKED = "revoked"
    SUPERSEDED = "superseded"  # an amendment, transfer or duplicate was issued in its place
    NOT_GENUINE = "not_genuine"


LICENCE_STATUSES = frozenset({"active", "expired", "suspended", "revoked"})
SUSPENDED, REVOKED = "suspended", "revoked"

# A status other than "active" is final for the page, whatever the dates say: a revoked or
# suspended licence must never read as merely "expired", which sounds harmless.
_STATUS_VERDICTS = {
    "revoked": Verdict.REVOKED,
    "suspended": Verdict.SUSPENDED,
    "expired": Verdict.EXPIRED,
}


def verdict_for(status: str, valid_until: date, today: date, replaced_by: str = "") -> Verdict:
    """The verdict for a genuine licence with this `status`, seen on `today` (a Cairo date).

    `valid_until` is the last day the licence is valid (inclusive): an "active" licence whose
    term has ended counts as EXPIRED even before the nightly job flips its status.
    `replaced_by`: the licence issued in its place (domain/replacement.py), if any; a suspension
    or revocation still says so first.
    """
    if status not in LICENCE_STATUSES:
        raise ValidationFailed(fields={"status": f"حالة رخصة غير معروفة / unknown licence status {status!r}"})
    if status in (SUSPENDED, REVOKED):
        return _STATUS_VERDICTS[status]
    if replaced_by:
        return Verdict.SUPERSEDED
    if status in _STATUS_VERDICTS:
        return _STATUS_VERDICTS[status]
    return Verdict.EXPIRED if today > valid_until else Verdict.GENUINE_VALID


# Arabic compound names ("عبد الله", "أبو بكر") and their Latin spellings are one name, not two:
# masking "عبد الرحمن محمد" as "عبد ا. م." would hide the first name and show a particle.
_NAME_PARTICLES = frozenset({"عبد", "أبو", "ابو", "abd", "abdel", "abdul", "abu"})


def _name_parts(full_name: str) -> list[str]:
    parts: list[str] = []
    pending_particle = ""
    for word in full_name.split():  # split() with no argument also eats runs of spaces and tabs
        if pending_particle:
            parts.append(f"{pending_particle} {word}")
            pending_particle = ""
        elif word.casefold() in _NAME_PARTICLES:
            pending_particle = word
        else:
            parts.append(word)
    if pending_particle:  # a trailing particle with nothing after it stands alone
        parts.append(pending_particle)
    return parts


def _initial(part: str) -> str:
    """The first letter of a name part, upper-cased for Latin (Arabic has no case)."""
    letters = [ch for ch in part if ch.isalpha()]
    return f"{letters[0].upper()}." if letters else ""


def mask_name(full_name: str) -> str:
    """Show the first name in full and only the initial of every other part.

    "محمد أحمد علي" -> "محمد أ. ع."; "Mohamed Ahmed Ali" -> "Mohamed A. A."; "" -> "".
    Enough for an inspector to match the holder's ID card, too little to identify a stranger.
    """
    parts = _name_parts(full_name or "")
    if not parts:
        return ""
    initials = [initial for initial in (_initial(part) for part in parts[1:]) if initial]
    return " ".join([parts[0], *initials])


@dataclass(frozen=True)
class VerificationView:
    """Everything the verification page and its JSON show; nothing else (no token, no full name)."""

    verdict: Verdict
    number: Optional[str]
    kind: Optional[str]
    district: Optional[str]
    valid_from: Optional[date]
    valid_until: Optional[date]
    lat: Optional[float]
    lng: Optional[float]
    holder_masked: str
    outstanding_fines_piasters: int
    fines: list[dict[str, Any]] = field(default_factory=list)
    status: Optional[str] = None
    replaced_by: Optional[str] = None  # the number of the licence issued in its place

    @classmethod
    def not_genuine(cls) -> "VerificationView":
        """The view for a forged, corrupted or unknown token: it tells nothing about any licence."""
        return cls(verdict=Verdict.NOT_GENUINE, number=None, kind=None, district=None,
                   valid_from=None, valid_until=None, lat=None, lng=None, holder_masked="",
                   outstanding_fines_piasters=0, fines=[], status=None)

    @property
    def genuine(self) -> bool:
        return self.verdict is not Verdict.NOT_GENUINE


def _iso(day: Optional[date]) -> Optional[str]:
    return day.isoformat() if day is not None else None


def _fine_json(fine: dict[str, Any]) -> dict[str, Any]:
    return {"name": fine.get("name"), "amount": fine.get("amount")}


def _not_genuine_json() -> dict[str, Any]:
    # Nothing from a forged token is echoed back: a forger must not get our page to vouch
    # for the number or name they printed.
    return {"genuine": False, "status": None, "number": None, "kind": None, "district": None,
            "valid_from": None, "valid_until": None, "site": None, "holder_masked": None,
            "verdict": Verdict.NOT_GENUINE.value, "fines": None}


def to_json(view: VerificationView) -> dict[str, Any]:
    """The contract's JSON form (docs/api.md, "Verifying a licence"), plus the `verdict` and `fines` extras.

    `fines` is a list of {"name", "amount"} with amounts in integer piasters.
    """
    if not view.genuine:
        return _not_genuine_json()
    replaced = {"replaced_by": view.replaced_by} if view.replaced_by else {}
    return {
        "genuine": True,
        "status": view.status,
        "number": view.number,
        "kind": view.kind,
        "district": view.district,
        "valid_from": _iso(view.valid_from),
        "valid_until": _iso(view.valid_until),
        "site": {"lat": view.lat, "lng": view.lng},
        "holder_masked": view.holder_masked,
        "verdict": view.verdict.value,
        "fines": [_fine_json(fine) for fine in view.fines],
        **replaced,  # only on a superseded licence
    }
