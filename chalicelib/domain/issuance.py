"""Issuing the e-licence: its term, its seal claims, the key and record of the holder's SMS.

Pure rules: dates and moments come in as arguments, nothing here reads a clock or talks to AWS.
The use case that applies them is chalicelib/usecases/issuance.py (docs/issuance.md).
"""
from __future__ import annotations

import base64
import hashlib
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Mapping, Optional

from chalicelib.domain.applications import Application, iso
from chalicelib.domain.calendar import validity
from chalicelib.domain.licences import ACTIVE, EXPIRED, Licence
from chalicelib.domain.seal import SealClaims

SHORT_CODE_CHARS = 10  # 50 bits of SHA-256: unguessable, and short enough for an SMS

ISSUED_EVENT = "issued"
RENEWED_EVENT = "renewed"
RESEND_EVENT = "resend"


def is_renewal(app: Application) -> bool:
    """A renewal (applied for before the term ended) keeps the licence's number; a late
    re-application is a first-time application (case `first`) and gets a new number."""
    return app.case == "renewal" and bool(app.renewal_of)


def first_term(issued_on: date, validity_months: int) -> tuple[date, date]:
    """A new licence is valid from its Cairo issue date for the service's months."""
    return validity(issued_on, validity_months)


def renewal_term(licence: Licence, validity_months: int) -> tuple[date, date]:
    """A renewed term starts the day after the old one ends, however late the renewal was paid."""
    return validity(licence.valid_until_date() + timedelta(days=1), validity_months)


def new_licence(app: Application, number: str, term: tuple[date, date], now: datetime,
                accrues_late_fines: bool) -> Licence:
    """The licence an application earns; the seal and QR are added once it has its number.
    `accrues_late_fines`: its catalogue rule fines it once late (Catalogue.late_fine)."""
    return Licence(
        number=number, application_id=app.id, service_code=app.service_code, kind=app.kind,
        district=app.district, holder=app.owner, holder_name=str(app.applicant.get("name", "")),
        holder_mobile=str(app.applicant.get("mobile", "")),
        holder_national_id=str(app.applicant.get("national_id", "")),
        site=dict(app.site), details=dict(app.details), status=ACTIVE,
        valid_from=term[0].isoformat(), valid_until=term[1].isoformat(), issued_at=iso(now),
        accrues_late_fines=accrues_late_fines)


def renewed_by(licence: Licence, application_id: str) -> bool:
    """True once `application_id` has extended this licence (a redelivered record stops here)."""
    return any(entry.get("application_id") == application_id for entry in licence.renewals)


def renew(licence: Licence, app: Application, term: tuple[date, date], now: datetime) -> Licence:
    """The same number with a new term; an expired licence becomes active again. A suspension or
    revocation stays: paying a renewal does not lift an officer's decision."""
    entry = {"application_id": app.id, "previous_valid_from": licence.valid_from,
             "previous_valid_until": licence.valid_until, "valid_from": term[0].isoformat(),
             "valid_until": term[1].isoformat(), "renewed_at": iso(now)}
    return replace(licence, valid_from=term[0].isoformat(), valid_until=term[1].isoformat(),
                   status=ACTIVE if licence.status == EXPIRED else licence.status,
                   renewals=licence.renewals + (entry,), sms={})


def seal_claims(licence: Licence, key_id: str) -> SealClaims:
    return SealClaims(number=licence.number, kind=licence.kind, district=licence.district,
                      lat=float(licence.site["lat"]), lng=float(licence.site["lng"]),
                      valid_from=date.fromisoformat(licence.valid_from),
                      valid_until=licence.valid_until_date(), key_id=key_id)


def qr_key(number: str, token: str) -> str:
    """Each seal gets its own object: a renewal never overwrites the QR a holder already printed."""
    return f"qr/{number}/{hashlib.sha256(token.encode('ascii')).hexdigest()[:16]}.png"


def short_code(token: str) -> str:
    """The SMS link's code: derived from the seal, so re-publishing it is idempotent."""
    digest = hashlib.sha256(token.strip().upper().encode("ascii")).digest()
    return base64.b32encode(digest).decode("ascii")[:SHORT_CODE_CHARS]


def short_link_key(code: str) -> str:
    return f"short#{code.upper()}"


def sms_key(event: str, licence: Licence, request_id: str = "") -> str:
    """The exactly-once key of one message: one per term for issue/renewal, one per request."""
    if event == RESEND_EVENT:
        return f"licsms#{licence.number}#resend#{request_id}"
    return f"licsms#{licence.number}#{licence.valid_until}#{event}"


def sms_record(state: str, event: str, attempt: int, now: datetime, *, message_id: str = "",
               error: str = "", retry_in: Optional[int] = None,
               key: str = "") -> Mapping[str, object]:
    """What the licence says about its last SMS (never the phone number); a retry keeps its
    exactly-once key, so the sweeper can queue a stuck retry again under the same key."""
    record: dict[str, object] = {"state": state, "event": event, "attempts": attempt,
                                 "last_attempt_at": iso(now)}
    if key and retry_in is not None:
        record["key"] = key
    if message_id:
        record["message_id"] = message_id
    if error:
        record["last_error"] = error[:200]
    if retry_in is not None:
        record["next_attempt_at"] = iso(now + timedelta(seconds=retry_in))
    return record


def mask_national_id(national_id: str) -> str:
    """Only the last four digits of a national ID are printed (enough to match a card)."""
    digits = (national_id or "").strip()
    return "*" * max(len(digits) - 4, 0) + digits[-4:] if digits else ""
