"""Applications report: counters kept per district from the applications stream, and the
summary built from them. Pure Python.

Counters (one item each, per district):
- ``COUNT#<kind>#<status>``: applications of that kind now in that status;
- ``ISSUED_COUNT`` and ``ISSUED_SECONDS``: issued applications, and the sum of their seconds
  from submission to issuance (the average is their quotient);
- ``DECIDED_COUNT`` and ``DECIDED_SECONDS``: officers' decisions (approve or reject), and the
  sum of their seconds from submission to the decision.
"""
from __future__ import annotations

from typing import Iterable, Mapping, Optional

from chalicelib.domain.applications import (APPROVED, ISSUED, REJECTED, STATUSES, UNDER_REVIEW,
                                            Application, parse_iso)
from chalicelib.domain.licences import Fine

ISSUED_COUNT = "ISSUED_COUNT"
ISSUED_SECONDS = "ISSUED_SECONDS"
DECIDED_COUNT = "DECIDED_COUNT"
DECIDED_SECONDS = "DECIDED_SECONDS"
DECISIONS = (APPROVED, REJECTED)
SECONDS_PER_DAY = 86400


def count_key(kind: str, status: str) -> str:
    return f"COUNT#{kind}#{status}"


def changes(old: Optional[Application], new: Optional[Application]) -> dict[tuple[str, str], int]:
    """The counter increments one stream record implies: (district, counter) -> delta."""
    deltas: dict[tuple[str, str], int] = {}

    def add(district: str, key: str, amount: int) -> None:
        deltas[(district, key)] = deltas.get((district, key), 0) + amount

    old_slot = (old.district, count_key(old.kind, old.status)) if old else None
    new_slot = (new.district, count_key(new.kind, new.status)) if new else None
    if old_slot != new_slot:
        if old_slot:
            add(*old_slot, -1)
        if new_slot:
            add(*new_slot, 1)
    if new and new.status == ISSUED and (old is None or old.status != ISSUED):
        add(new.district, ISSUED_COUNT, 1)
        add(new.district, ISSUED_SECONDS, seconds_to_issue(new))
    decided = decided_at(old, new)
    if decided is not None and new is not None:
        add(new.district, DECIDED_COUNT, 1)
        add(new.district, DECIDED_SECONDS, seconds_between(new.created_at, decided))
    return {key: amount for key, amount in deltas.items() if amount}


def decided_at(old: Optional[Application], new: Optional[Application]) -> Optional[str]:
    """When the officer decided, if this change is the decision: the application leaves review
    with an approval or a rejection among the timeline entries the change added. (An approval
    with nothing due goes on to licence_paid in the same write; a return for changes or a
    cancellation is not a decision.)"""
    if old is None or new is None or old.status != UNDER_REVIEW or new.status == UNDER_REVIEW:
        return None
    added = new.timeline[len(old.timeline):]
    return next((entry.at for entry in added if entry.status in DECISIONS), None)


def seconds_between(start: str, end: str) -> int:
    return max(0, int((parse_iso(end) - parse_iso(start)).total_seconds()))


def seconds_to_issue(app: Application) -> int:
    issued_at = next((t.at for t in reversed(app.timeline) if t.status == ISSUED), app.updated_at)
    return max(0, int((parse_iso(issued_at) - parse_iso(app.created_at)).total_seconds()))


def fine_totals(fines: Iterable[Fine]) -> tuple[int, int]:
    """(assessed, collected) piasters."""
    assessed = collected = 0
    for fine in fines:
        assessed += fine.amount_piasters
        if fine.paid_by:
            collected += fine.amount_piasters
    return assessed, collected


def summarise(counters: Mapping[str, Mapping[str, int]], fines: Mapping[str, tuple[int, int]],
              kinds: Iterable[str]) -> dict:
    """One report over the districts in `counters` (district -> counter -> value)."""
    kinds = list(kinds)
    by_kind = {kind: {status: 0 for status in STATUSES} for kind in kinds}
    issued = seconds = decided = decided_seconds = 0
    for values in counters.values():
        for key, value in values.items():
            if key.startswith("COUNT#"):
                _, kind, status = key.split("#", 2)
                row = by_kind.setdefault(kind, {s: 0 for s in STATUSES})
                row[status] = row.get(status, 0) + int(value)
            elif key == ISSUED_COUNT:
                issued += int(value)
            elif key == ISSUED_SECONDS:
                seconds += int(value)
            elif key == DECIDED_COUNT:
                decided += int(value)
            elif key == DECIDED_SECONDS:
                decided_seconds += int(value)
    by_status = {status: sum(statuses.get(status, 0) for statuses in by_kind.values())
                 for status in STATUSES}
    assessed = sum(a for a, _ in fines.values())
    collected = sum(c for _, c in fines.values())
    return {
        "total": sum(by_status.values()),
        "by_status": by_status,
        "by_kind": by_kind,
        "issued_count": issued,
        "average_days_to_issue": round(seconds / issued / SECONDS_PER_DAY, 2) if issued else None,
        "decided_count": decided,
        "average_days_to_decision": (round(decided_seconds / decided / SECONDS_PER_DAY, 2)
                                     if decided else None),
        "fines": {"assessed_piasters": assessed, "collected_piasters": collected,
                  "outstanding_piasters": assessed - collected},
    }


def district_summary(counters: Mapping[str, int], fines: tuple[int, int]) -> dict:
    """One district's line of the report: by status, issued, days to issue, fines."""
    summary = summarise({"": counters}, {"": fines}, ())
    return {key: summary[key] for key in ("total", "by_status", "issued_count",
                                          "average_days_to_issue", "decided_count",
                                          "average_days_to_decision", "fines")}
