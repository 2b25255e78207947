"""Quiet hours: the Cairo wall-clock hours in which no message is delivered.

Its own module because settings check QUIET_HOURS at every cold start: parsing them must not load
the message templates and the segment counter (domain/notifications.py) into every Lambda.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from chalicelib.domain.calendar import CAIRO


@dataclass(frozen=True)
class QuietHours:
    """Cairo wall-clock hours in which nothing is delivered; `start` after `end` spans midnight."""

    start: time = time(21, 0)
    end: time = time(9, 0)

    @classmethod
    def parse(cls, text: str) -> "QuietHours":
        """'21:00-09:00'; '' or 'off' means no quiet hours. ValueError otherwise."""
        text = text.strip()
        if text.lower() in ("", "off"):
            return cls(time(0, 0), time(0, 0))
        start, end = (time.fromisoformat(part.strip()) for part in text.split("-", 1))
        return cls(start, end)

    def contains(self, moment: datetime) -> bool:
        local = moment.astimezone(CAIRO).time()
        if self.start == self.end:
            return False
        if self.start < self.end:
            return self.start <= local < self.end
        return local >= self.start or local < self.end

    def release(self, moment: datetime) -> datetime:
        """`moment` if delivery is allowed then, else the next end of quiet hours (UTC)."""
        if not self.contains(moment):
            return moment
        local = moment.astimezone(CAIRO)
        opening = local.replace(hour=self.end.hour, minute=self.end.minute, second=0,
                                microsecond=0)
        if opening <= local:
            opening = (local + timedelta(days=1)).replace(hour=self.end.hour,
                                                          minute=self.end.minute, second=0,
                                                          microsecond=0)
        # Rebuild with the zone: across a DST change the wall clock time keeps its meaning.
        opening = datetime(opening.year, opening.month, opening.day, opening.hour,
                           opening.minute, tzinfo=CAIRO)
        return opening.astimezone(moment.tzinfo)
