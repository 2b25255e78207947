"""Business dates are Africa/Cairo calendar dates; stored times are UTC."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

CAIRO = ZoneInfo("Africa/Cairo")


def cairo_date(moment: datetime) -> date:
    return moment.astimezone(CAIRO).date()


def add_months(start: date, months: int) -> date:
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(start.day, _days_in(year, month)))


def _days_in(year: int, month: int) -> int:
    # (not the stdlib calendar module: it would be one more import on every cold start)
    following = date(year + month // 12, month % 12 + 1, 1)
    return (following - timedelta(days=1)).day


def validity(start: date, months: int) -> tuple[date, date]:
    """A licence valid for `months` from `start` ends the day before the same date."""
    return start, add_months(start, months) - timedelta(days=1)


# Egypt's weekend is Friday and Saturday (date.weekday(): Monday 0 … Friday 4, Saturday 5).
WEEKEND = frozenset({4, 5})


def waited_since_cutoff(now: datetime, working_days: int) -> datetime:
    """The instant before which something must have started to have waited at least
    `working_days` Cairo working days (Sunday to Thursday) by `now`: the start of the Cairo day
    after the latest day D whose following working days up to today number `working_days`.

    It counts as the officer's queue counts (web/src/staff/officer/sla.ts): a start on day D has
    waited the working days after D up to and including today. Public holidays are not known to
    the catalogue and count as working days. At least 1 (everything has waited 0)."""
    if working_days < 1:
        raise ValueError("an age in working days is at least 1")
    day, counted = cairo_date(now), 0
    while counted < working_days:
        if day.weekday() not in WEEKEND:
            counted += 1
        day -= timedelta(days=1)
    following = day + timedelta(days=1)
    return datetime(following.year, following.month, following.day, tzinfo=CAIRO)
