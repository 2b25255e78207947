"""Licence lifecycle rules: when a licence expires, which late fines it owes, which reminders
are due (their texts are templates in domain/notifications.py). Pure: dates come in as arguments, nothing reads a clock.

The seeds' three advertisement cases: a first-time licence; a renewal applied for before the
term ends; and the late case — not renewed before the term ended while the advertisement stays
up — where a fine for not renewing accrues and a new application is treated as first-time.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Iterable, Optional

from chalicelib.domain.calendar import add_months
from chalicelib.domain.catalogue import FineRule
from chalicelib.domain.fees import STAGE_FINE, FeeLine
from chalicelib.domain.licences import ACTIVE, EXPIRED, REVOKED, SUSPENDED, Fine, Licence

REMINDER_DAYS = (30, 7, 1)
LATE_FINE_PREFIX = "late:"

RENEW = "renewal"
LATE = "late"


@dataclass(frozen=True)
class OwedFine:
    """A fine the rule says is owed for one late date, before it is recorded."""

    key: str
    late_date: date
    amount_piasters: int

    def as_fine(self, rule: FineRule, assessed_on: date, amount_piasters: Optional[int] = None) -> Fine:
        amount = self.amount_piasters if amount_piasters is None else amount_piasters
        return Fine(key=self.key, name_ar=rule.name_ar, name_en=rule.name_en,
                    amount_piasters=amount, assessed_on=assessed_on.isoformat())


def expiring_on(business_date: date) -> date:
    """The night of `business_date` expires terms that ended the day before."""
    return business_date - timedelta(days=1)


def should_expire(licence: Licence, business_date: date) -> bool:
    return licence.status == ACTIVE and licence.valid_until_date() < business_date


def first_late_date(licence: Licence) -> date:
    return licence.valid_until_date() + timedelta(days=1)


def fine_key(late_date: date) -> str:
    return f"{LATE_FINE_PREFIX}{late_date.isoformat()}"


def late_fines(licence: Licence) -> list[Fine]:
    """The late fines of this term (a fine keyed before the term ended belongs to another)."""
    start = first_late_date(licence).isoformat()
    return [f for f in licence.fines
            if f.key.startswith(LATE_FINE_PREFIX) and f.key[len(LATE_FINE_PREFIX):] >= start]


def fine_dates(rule: FineRule, first_late: date, business_date: date) -> list[date]:
    """Every date up to `business_date` on which the rule charges: each late day (per_day), or
    the first late day and each monthly anniversary of it (per_month)."""
    if business_date < first_late:
        return []
    if rule.type == "per_day":
        return [first_late + timedelta(days=n) for n in range((business_date - first_late).days + 1)]
    if rule.type == "per_month":
        dates, months = [], 0
        while (charge := add_months(first_late, months)) <= business_date:
            dates.append(charge)
            months += 1
        return dates
    raise ValueError(f"unknown late fine rule {rule.type!r}")


def fines_owed(rule: FineRule, licence: Licence, business_date: date) -> list[OwedFine]:
    """Fines not yet recorded for every charge date up to the business date, within the cap.

    Catching up (a missed night, a licence that re-enters the work list) gives the same fines
    as running every night, because each late date has its own key.
    """
    if licence.status != EXPIRED or licence.superseded_by:
        return []
    recorded = late_fines(licence)
    keys = {f.key for f in recorded}
    charged = sum(f.amount_piasters for f in recorded)
    owed: list[OwedFine] = []
    for late_date in fine_dates(rule, first_late_date(licence), business_date):
        key = fine_key(late_date)
        if key in keys:
            continue
        amount = _within_cap(rule, charged, rule.amount_piasters)
        if amount <= 0:
            break
        owed.append(OwedFine(key=key, late_date=late_date, amount_piasters=amount))
        charged += amount
    return owed


def _within_cap(rule: FineRule, charged: int, amount: int) -> int:
    if rule.cap_piasters is None:
        return amount
    return max(0, min(amount, int(rule.cap_piasters) - charged))


def cap_reached(rule: FineRule, fines: Iterable[Fine]) -> bool:
    if rule.cap_piasters is None:
        return False
    return sum(f.amount_piasters for f in fines) >= int(rule.cap_piasters)


def with_fines(licence: Licence, new_fines: Iterable[Fine]) -> Licence:
    """Append fines whose keys the licence lacks: applying the same fines twice changes nothing."""
    from dataclasses import replace

    keys = {f.key for f in licence.fines}
    added = tuple(f for f in new_fines if f.key not in keys)
    return replace(licence, fines=licence.fines + added) if added else licence


def reminder_days_left(licence: Licence, business_date: date) -> Optional[int]:
    """30, 7 or 1 when an active licence's term ends that many days after the business date."""
    if licence.status != ACTIVE:
        return None
    days = (licence.valid_until_date() - business_date).days
    return days if days in REMINDER_DAYS else None


def reminder_key(licence: Licence, days: int) -> str:
    # The term's end is in the key: after a renewal the next term gets its own reminders.
    return f"remind#{licence.number}#{licence.valid_until}#{days}"


def fine_notice_key(licence: Licence, business_date: date) -> str:
    return f"finesms#{licence.number}#{business_date.isoformat()}"


def fine_once_key(number: str, late_date: date) -> str:
    return f"fine#{number}#{late_date.isoformat()}"


def renewal_key(licence: Licence) -> str:
    """One open renewal (or late re-application) per licence term."""
    return f"renewal#{licence.number}#{licence.valid_until}"


def renewal_case(licence: Licence, today: date) -> str:
    """RENEW before the term ends, LATE after it; suspended or revoked licences are refused."""
    from chalicelib.errors import Conflict

    if licence.status in (SUSPENDED, REVOKED):
        raise Conflict(code="licence_not_renewable",
                       message_en=f"a {licence.status} licence cannot be renewed",
                       message_ar="لا يمكن تجديد رخصة موقوفة أو ملغاة")
    if licence.status == ACTIVE and today <= licence.valid_until_date():
        return RENEW
    return LATE


def fine_fee_lines(fines: Iterable[Fine]) -> tuple[FeeLine, ...]:
    """Outstanding fines carried by a late re-application: due with its first payment."""
    return tuple(FeeLine(code=f.key, name_ar=f.name_ar, name_en=f.name_en, stage=STAGE_FINE,
                         amount_piasters=f.amount_piasters) for f in fines if f.paid_by is None)
