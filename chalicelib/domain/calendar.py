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
