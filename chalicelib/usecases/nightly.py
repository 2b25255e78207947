"""The nightly job: expire ended terms, assess late fines, send reminders and fine notices.

A night is a list of tasks — (expire, district), (remind N days, district), (fines, shard) —
each reading one index partition page by page. In AWS the scheduler enqueues the tasks and
SQS workers run them in parallel; by hand (CLI, tests) `run_night` runs them in order.

Exactly once: a fine's amount is first *decided* in the once table (`fine#<number>#<date>`,
attribute_not_exists), then appended to the licence with a versioned write that skips keys
already there, so a crash between the two is repaired by the rerun with the decided amount.
Reminders and fine notices are queued on the notification outbox (chalicelib/usecases/outbox.py)
under one key per occurrence; it sends each once, after quiet hours (the night is in them).
"""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, fields, replace
from datetime import date, datetime, timedelta
from typing import Callable, Iterable, Optional

from chalicelib.domain import lifecycle
from chalicelib.domain import notifications as notices
from chalicelib.domain.catalogue import Catalogue, FineRule
from chalicelib.domain.licence_numbers import district_prefix
from chalicelib.domain.licences import ACCRUING_SHARDS, Fine, Licence, change_status
from chalicelib.conflicts import retry_on_conflict
from chalicelib.observability import logger
from chalicelib.ports import LicenceStore, Notifications, OnceStore, Page, TaskQueue, WorkLists

EXPIRE, REMIND, FINES = "expire", "remind", "fines"
PAGE_SIZE = 100


@dataclass(frozen=True)
class Task:
    kind: str
    business_date: str
    part: str  # a district code (expire, remind) or an accruing shard (fines)
    days: int = 0
    cursor: Optional[str] = None

    def as_message(self) -> dict:
        message = {"kind": self.kind, "business_date": self.business_date, "part": self.part}
        if self.days:
            message["days"] = self.days
        if self.cursor:
            message["cursor"] = self.cursor
        return message

    @classmethod
    def from_message(cls, raw: dict) -> "Task":
        if raw.get("kind") not in (EXPIRE, REMIND, FINES):
            raise ValueError(f"unknown nightly task {raw.get('kind')!r}")
        date.fromisoformat(raw["business_date"])
        return cls(kind=raw["kind"], business_date=raw["business_date"], part=str(raw["part"]),
                   days=int(raw.get("days", 0)), cursor=raw.get("cursor"))


@dataclass
class NightStats:
    items_read: int = 0
    items_due: int = 0
    expired: int = 0
    fines_assessed: int = 0
    fines_piasters: int = 0
    reminders_queued: int = 0
    notices_queued: int = 0

    def add(self, other: "NightStats") -> "NightStats":
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))
        return self

    def as_dict(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(frozen=True)
class NightPorts:
    licences: LicenceStore
    work_lists: WorkLists
    once: OnceStore
    notifications: Notifications
    catalogue: Catalogue
    clock: Callable[[], datetime]
    workers: int = 8


def plan_night(business_date: date, catalogue: Catalogue) -> list[Task]:
    """Every task of one night; expiry first so a sequential run fines the just-expired too."""
    night = business_date.isoformat()
    districts = [d.code for d in catalogue.districts]
    tasks = [Task(EXPIRE, night, d) for d in districts]
    tasks += [Task(REMIND, night, d, days=n) for n in lifecycle.REMINDER_DAYS for d in districts]
    tasks += [Task(FINES, night, f"ACCRUING#{s:02d}") for s in range(ACCRUING_SHARDS)]
    return tasks


def schedule_night(business_date: date, catalogue: Catalogue, queue: TaskQueue) -> int:
    """The scheduled handler's whole job: fan the night out, one message per task."""
    return queue.send_all([t.as_message() for t in plan_night(business_date, catalogue)])


def run_night(business_date: date, ports: NightPorts,
              progress: Optional[Callable[[int, int, NightStats], None]] = None) -> NightStats:
    """Run a whole night in this process (CLI, tests, catch-up after an outage)."""
    tasks = plan_night(business_date, ports.catalogue)
    total = NightStats()
    for done, task in enumerate(tasks, start=1):
        while task is not None:
            stats, task = run_task(task, ports)
            total.add(stats)
        if progress:
            progress(done, len(tasks), total)
    return total


def run_task(task: Task, ports: NightPorts,
             should_stop: Callable[[], bool] = lambda: False) -> tuple[NightStats, Optional[Task]]:
    """Work through one task's partition; if told to stop, return the task to continue with."""
    business_date = date.fromisoformat(task.business_date)
    stats, cursor = NightStats(), task.cursor
    while True:
        page = _page(task, business_date, ports, cursor)
        stats.items_read += len(page.items)
        for item_stats in _each(ports, page.items, lambda l: _handle(task, l, business_date, ports)):
            stats.add(item_stats)
        cursor = page.next_cursor
        if not cursor:
            return stats, None
        if should_stop():
            return stats, replace(task, cursor=cursor)


def _page(task: Task, business_date: date, ports: NightPorts, cursor: Optional[str]) -> Page:
    if task.kind == FINES:
        return ports.work_lists.accruing(task.part, PAGE_SIZE, cursor)
    ends = (lifecycle.expiring_on(business_date) if task.kind == EXPIRE
            else business_date + timedelta(days=task.days))
    return ports.work_lists.ending_on(ends.isoformat(), district_prefix(task.part), PAGE_SIZE,
                                      cursor)


def _each(ports: NightPorts, items: list, handle: Callable[[Licence], NightStats]) -> Iterable[NightStats]:
    if ports.workers <= 1 or len(items) <= 1:
        return [handle(item) for item in items]
    with ThreadPoolExecutor(max_workers=ports.workers) as pool:
        return list(pool.map(handle, items))


def _handle(task: Task, licence: Licence, business_date: date, ports: NightPorts) -> NightStats:
    if task.kind == EXPIRE:
        return expire(licence, business_date, ports)
    if task.kind == REMIND:
        return remind(licence, business_date, task.days, ports)
    return assess_fines(licence, business_date, ports)


def expire(licence: Licence, business_date: date, ports: NightPorts) -> NightStats:
    stats = NightStats()
    if not lifecycle.should_expire(licence, business_date):
        return stats
    stats.items_due = 1

    def change(current: Licence) -> Optional[Licence]:
        if not lifecycle.should_expire(current, business_date):
            return None  # someone renewed, suspended or expired it meanwhile
        return change_status(current, "expire", "انتهت مدة الرخصة / term ended")

    if _save_changed(licence, change, ports, stats)[1]:
        stats.expired = 1
        logger.info("licence expired", extra={"number": licence.number,
                                              "valid_until": licence.valid_until})
    return stats


def remind(licence: Licence, business_date: date, days: int, ports: NightPorts) -> NightStats:
    stats = NightStats()
    # Certificates and one-off licences are not renewed: nothing to remind their holders of.
    if lifecycle.reminder_days_left(licence, business_date) != days or \
            not ports.catalogue.renews(licence.kind):
        return stats
    stats.items_due = 1
    stats.reminders_queued = int(ports.notifications.notify(
        lifecycle.reminder_key(licence, days), notices.SMS, licence.holder_mobile,
        notices.RENEWAL_REMINDER, {"number": licence.number, "valid_until": licence.valid_until}))
    return stats


def fine_rule(catalogue: Catalogue, licence: Licence) -> Optional[FineRule]:
    return catalogue.late_fine(licence.service_code, licence.kind)


def assess_fines(licence: Licence, business_date: date, ports: NightPorts) -> NightStats:
    """Decide, record and announce the fines a late licence owes up to the business date."""
    stats = NightStats()
    rule = fine_rule(ports.catalogue, licence)
    if rule is None:
        return stats
    stats.items_due = 1
    owed = lifecycle.fines_owed(rule, licence, business_date)
    if owed:
        decided = [_decide(licence.number, o, rule, business_date, ports) for o in owed]
        added: list[Fine] = []

        def change(current: Licence) -> Optional[Licence]:
            present = {f.key for f in current.fines}
            added[:] = [f for f in decided if f.key not in present]
            return _fined(current, decided, rule)

        licence, saved = _save_changed(licence, change, ports, stats)
        if saved:
            stats.fines_assessed = len(added)
            stats.fines_piasters = sum(f.amount_piasters for f in added)
    _notify_fines(licence, business_date, ports, stats)
    return stats


def _decide(number: str, owed: lifecycle.OwedFine, rule: FineRule, business_date: date,
            ports: NightPorts) -> Fine:
    """The first run's amount and night win: a rerun rebuilds exactly the same fine."""
    recorded = ports.once.decide(lifecycle.fine_once_key(number, owed.late_date),
                                 {"amount_piasters": owed.amount_piasters,
                                  "assessed_on": business_date.isoformat()}, ports.clock())
    return owed.as_fine(rule, date.fromisoformat(str(recorded["assessed_on"])),
                        int(recorded["amount_piasters"]))


def _fined(licence: Licence, decided: list[Fine], rule: FineRule) -> Optional[Licence]:
    changed = lifecycle.with_fines(licence, decided)
    if lifecycle.cap_reached(rule, lifecycle.late_fines(changed)) and not changed.fines_capped:
        changed = replace(changed, fines_capped=True)  # leaves the sparse index: reads stay ~due
    return None if changed == licence else changed


def _notify_fines(licence: Licence, business_date: date, ports: NightPorts,
                  stats: NightStats) -> None:
    tonight = [f for f in lifecycle.late_fines(licence) if f.assessed_on == business_date.isoformat()]
    if not tonight:
        return
    amount = notices.egp(sum(f.amount_piasters for f in tonight))
    stats.notices_queued = int(ports.notifications.notify(
        lifecycle.fine_notice_key(licence, business_date), notices.SMS, licence.holder_mobile,
        notices.FINE_NOTICE, {"amount": amount, "number": licence.number}))


def _save_changed(licence: Licence, change: Callable[[Licence], Optional[Licence]],
                  ports: NightPorts, stats: NightStats) -> tuple[Licence, bool]:
    """Versioned write of `change(licence)`; on a lost race re-read and re-apply the change.
    Returns the latest licence and whether this call wrote it."""
    latest = [licence]

    def attempt() -> tuple[Licence, bool]:
        changed = change(latest[0])
        if changed is None:
            return latest[0], False
        return ports.licences.save(changed), True

    def reread() -> None:
        latest[0] = ports.licences.get(licence.number, consistent=True)
        stats.items_read += 1

    return retry_on_conflict(attempt, on_conflict=reread)

