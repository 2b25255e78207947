"""Per-caller bounds on expensive actions: at most `count` uses in any `window_seconds`
(a sliding window over the times of the last uses). Pure Python; the adapter keeps the times
and writes them back only if nobody wrote in between."""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterable


@dataclass(frozen=True)
class Limit:
    count: int
    window_seconds: int


@dataclass(frozen=True)
class Taken:
    allowed: bool
    uses: tuple[float, ...]  # the uses still inside the window (with this one, if allowed)
    retry_after_seconds: int = 0  # refused: when the oldest use that blocks leaves the window


def take(uses: Iterable[float], limit: Limit, now: float) -> Taken:
    """One more use at `now` (epoch seconds), if fewer than `limit.count` uses happened in the
    `limit.window_seconds` before it; else refused, with the whole seconds until one is allowed."""
    recent = sorted(u for u in uses if now - limit.window_seconds < u <= now)
    if len(recent) < limit.count:
        return Taken(True, tuple(recent) + (now,))
    blocking = recent[len(recent) - limit.count]
    return Taken(False, tuple(recent),
                 max(1, math.ceil(blocking + limit.window_seconds - now)))


def give_back(uses: Iterable[float], used_at: float) -> tuple[float, ...]:
    """The uses without the one counted at `used_at` (one only: two requests in the same
    microsecond each counted one); unchanged if it is not there (already given back, or gone)."""
    kept = list(uses)
    if used_at in kept:
        kept.remove(used_at)
    return tuple(kept)
