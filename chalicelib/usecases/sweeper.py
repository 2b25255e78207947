"""The sweeper: work that stalled between two events is driven on again (docs/sweeper.md).

Every few minutes it looks, by index queries only, for
- payments paid but not applied to their application (the payments stream failed or its batch
  was dead-lettered): the same `advance_for_payment` the stream runs;
- applications `licence_paid` with no licence yet: the same `issue_if_paid` the applications
  stream runs;
- licence SMS left `retrying` past their next attempt (the delayed retry message was lost or
  dead-lettered): the same message queued again on the outbox under its exactly-once key.
Only what has been stalled for `after_minutes` is touched, so the streams and queues keep their
head start. Every re-drive is idempotent (the same use cases, the same once-keys), and each
leaves its list (applied, issued, due later), so a second run in the same state does nothing.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Callable, Optional

from chalicelib.conflicts import retry_on_conflict
from chalicelib.domain.applications import LICENCE_PAID, Application, iso
from chalicelib.domain.catalogue import Catalogue
from chalicelib.domain import issuance as licence_rules
from chalicelib.domain import notifications as notices
from chalicelib.domain.licences import Licence
from chalicelib.errors import ConcurrentUpdate
from chalicelib.observability import logger
from chalicelib.ports import (ApplicationStore, LicenceStore, Notifications, PaymentStore,
                              WorkLists)
from chalicelib.usecases.issuance import IssuancePorts, issue_if_paid
from chalicelib.usecases.outbox import LEASE_SECONDS
from chalicelib.usecases.payments import advance_for_payment

PAYMENT, APPLICATION, SMS = "payment", "application", "sms"
KINDS = (PAYMENT, APPLICATION, SMS)
PAGE = 100


@dataclass(frozen=True)
class SweepPorts:
    applications: ApplicationStore
    payments: PaymentStore
    licences: LicenceStore
    work_lists: WorkLists
    notifications: Notifications
    catalogue: Catalogue
    issuance: Callable[[], IssuancePorts]
    """Built only when an application is to be issued (it loads the signer, QR, files)."""
    clock: Callable[[], datetime]
    short_link_host: str


@dataclass
class SweepStats:
    redriven: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    failed: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))

    @property
    def total(self) -> int:
        return sum(self.redriven.values())

    def as_dict(self) -> dict:
        return {"redriven": dict(self.redriven), "failed": dict(self.failed)}


def sweep(ports: SweepPorts, after_minutes: int, limit: int = PAGE) -> SweepStats:
    now = ports.clock()
    stalled_since = iso(now - timedelta(minutes=after_minutes))
    stats = SweepStats()
    for payment in ports.payments.list_unapplied(stalled_since, limit):
        _redrive(stats, PAYMENT, payment.id, lambda p=payment: advance_for_payment(
            p, ports.applications, ports.payments, ports.catalogue, ports.clock()))
    for app in _stalled_licence_paid(ports, stalled_since, limit):
        _redrive(stats, APPLICATION, app.id,
                 lambda a=app: issue_if_paid(a.id, ports.issuance()) is not None)
    for licence in ports.work_lists.sms_retrying(stalled_since, limit):
        _redrive(stats, SMS, licence.number, lambda lic=licence: requeue_sms(lic, ports, now))
    return stats


def _stalled_licence_paid(ports: SweepPorts, stalled_since: str,
                          limit: int) -> list[Application]:
    """Per district, the `licence_paid` queue (by-queue index), oldest first, last changed
    before `stalled_since`."""
    stalled: list[Application] = []
    for district in ports.catalogue.districts:
        cursor: Optional[str] = None
        while len(stalled) < limit:
            page = ports.applications.list_queue(district.code, LICENCE_PAID, PAGE, cursor)
            stalled += [app for app in page.items if app.updated_at < stalled_since]
            cursor = page.next_cursor
            if cursor is None:
                break
    return stalled[:limit]


def _redrive(stats: SweepStats, kind: str, subject: str, action: Callable[[], object]) -> None:
    """One re-drive: logged and counted; a failure is counted too and left for the next run."""
    try:
        outcome = action()
    except Exception as error:  # one stalled item must not stop the sweep of the others
        stats.failed[kind] += 1
        logger.warning("sweeper re-drive failed", extra={"kind": kind, "subject": subject,
                                                         "error": repr(error)})
        return
    if outcome is False:  # nothing left to do (another worker finished it meanwhile)
        return
    stats.redriven[kind] += 1
    logger.info("sweeper re-drove stalled work", extra={"kind": kind, "subject": subject,
                                                        "outcome": str(outcome)})


def requeue_sms(licence: Licence, ports: SweepPorts, now: datetime) -> bool:
    """Queue a stuck licence SMS again on the outbox under its exactly-once key (the outbox's
    `notify#<key>` claim sends it at most once, whoever queued it how often). Its next attempt
    moves a lease ahead first, so the next sweep skips it; a concurrent sweep loses the
    versioned write and queues nothing. The message is the licence's own SMS (its template, its
    short link), rebuilt from the licence as issuance builds it."""
    sms = dict(licence.sms)
    key, template = str(sms.get("key") or ""), str(sms.get("event") or "")
    if not key or template not in notices.TEMPLATES or not licence.seal_token:
        return False  # recorded before retries kept their key: the resend route remains
    lease_until = iso(now + timedelta(seconds=LEASE_SECONDS))

    def attempt() -> bool:
        current = ports.licences.get(licence.number, consistent=True)
        if current.sms_retry_due != licence.sms_retry_due:
            return False  # sent, given up, or re-driven meanwhile
        ports.licences.save(replace(current, sms={**current.sms, "next_attempt_at": lease_until,
                                                  "redriven_at": iso(now)}))
        return True

    try:
        claimed = retry_on_conflict(attempt)
    except ConcurrentUpdate:
        return False
    if claimed:
        link = notices.short_link(ports.short_link_host,
                                  licence_rules.short_code(licence.seal_token))
        ports.notifications.notify(key, notices.SMS, licence.holder_mobile, template,
                                   {"link": link}, licence=licence.number)
    return claimed
