"""The notification outbox: every message to a citizen goes through the `rukhsa-sms` queue.

Queueing (`Outbox.notify`, the Notifications port): the producer has recorded its change; the
message is rendered once to check it, stamped with its creation time and, when it is created
in quiet hours, held until they end. Nothing is sent here.

Delivery (`deliver`, the queue's worker), one policy for every message:
- not due yet (a retry's backoff, or quiet hours): put back on the queue with a delay of at most
  15 minutes (SQS's cap) towards its due time: *repeated re-delay*. Each hop is a new message,
  so its receive count never grows and the dead-letter queue never takes a held message;
- claim `notify#<key>` in the once table (a leased conditional write: at most one message per
  event occurrence, whoever queued it how often), send, complete the claim;
- the provider refuses: release the claim and queue the next attempt after the backoff
  (domain/notifications.RETRY_MINUTES, 24 hours in all); after the last attempt the
  worker raises, and the queue's redrive policy moves the message to its dead-letter queue.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Callable, Mapping

from chalicelib.conflicts import retry_on_conflict
from chalicelib.domain import issuance as licence_rules
from chalicelib.domain.applications import iso
from chalicelib.domain.notifications import (SMS, Notification, QuietHours, render,
                                             retry_delay)
from chalicelib.errors import NotFound
from chalicelib.observability import logger, mask_phone
from chalicelib.ports import (DelayQueue, LicenceStore, Notifications, OnceStore,
                              SmsDeliveryFailed, SmsNotifier)

LEASE_SECONDS = 15 * 60  # a Lambda's longest life: a lapsed claim's sender is dead
MAX_HOP_SECONDS = 900  # SQS DelaySeconds

SENT, HELD, SKIPPED, RETRYING = "sent", "held", "skipped", "retrying"
FAILED = "failed"


class NotificationUndeliverable(RuntimeError):
    """The last attempt failed: the worker lets the queue move the message to its DLQ."""


def claim_key(key: str) -> str:
    return f"notify#{key}"


class Outbox(Notifications):
    """The Notifications port: queue a message, held past quiet hours."""

    def __init__(self, queue: DelayQueue, clock: Callable[[], datetime], quiet: QuietHours) -> None:
        self._queue, self._clock, self._quiet = queue, clock, quiet

    def notify(self, key: str, channel: str, recipient: str, template: str,
               values: Mapping[str, str], licence: str = "") -> bool:
        if not recipient:
            logger.warning("notification without recipient", extra={"key": key,
                                                                     "template": template})
            return False
        if channel != SMS:
            raise ValueError(f"unknown notification channel {channel!r}")
        render(template, values)  # a missing value fails the producer, not the worker at 09:00
        now = self._clock()
        message = Notification(key=key, channel=channel, recipient=recipient, template=template,
                               values={k: str(v) for k, v in values.items()},
                               created_at=iso(now), licence=licence)
        opening = self._quiet.release(now)
        if opening > now:
            message = message.held_until(opening)
            _metric("notifications_delayed", template)
        self._queue.send(message.as_message(), hop_seconds(message, now))
        logger.info("notification queued", extra={"key": key, "template": template,
                                                   "not_before": message.not_before or None})
        return True


def hop_seconds(message: Notification, now: datetime) -> int:
    """The delay of the next queue hop towards the message's due time (0 when due)."""
    due = message.due_at()
    if due is None or due <= now:
        return 0
    return min(MAX_HOP_SECONDS, math.ceil((due - now).total_seconds()))


@dataclass(frozen=True)
class OutboxPorts:
    queue: DelayQueue
    once: OnceStore
    notifier: SmsNotifier
    licences: LicenceStore
    clock: Callable[[], datetime]
    quiet: QuietHours


def deliver(message: Notification, ports: OutboxPorts) -> str:
    """'sent', 'held' (not due: back on the queue), 'skipped' (sent already, or another worker
    holds the claim) or 'retrying'; NotificationUndeliverable after the last attempt."""
    now = ports.clock()
    due = message.due_at()
    if due is not None and due > now:
        return _hold(message, now, ports)
    opening = ports.quiet.release(now)
    if opening > now:
        return _hold(message.held_until(opening), now, ports)
    if not ports.once.claim(claim_key(message.key), now, LEASE_SECONDS):
        return SKIPPED
    try:
        message_id = ports.notifier.send(message.recipient, render(message.template,
                                                                   message.values))
    except SmsDeliveryFailed as error:
        ports.once.release(claim_key(message.key))
        return _refused(message, str(error), now, ports)
    ports.once.complete(claim_key(message.key), {"message_id": message_id,
                                                 "template": message.template,
                                                 "attempts": message.attempt, "sent_at": iso(now)})
    _record(message, licence_rules.sms_record(SENT, message.template, message.attempt, now,
                                              message_id=message_id), ports)
    _metric("notifications_sent", message.template)
    logger.info("notification sent", extra={"key": message.key, "template": message.template,
                                            "attempt": message.attempt,
                                            "to": mask_phone(message.recipient)})
    return SENT


def _hold(message: Notification, now: datetime, ports: OutboxPorts) -> str:
    ports.queue.send(message.as_message(), hop_seconds(message, now))
    return HELD


def _refused(message: Notification, error: str, now: datetime, ports: OutboxPorts) -> str:
    delay = retry_delay(message.attempt)
    state = RETRYING if delay is not None else FAILED
    _record(message, licence_rules.sms_record(
        state, message.template, message.attempt, now, error=error,
        retry_in=int(delay.total_seconds()) if delay is not None else None, key=message.key),
        ports)
    _metric("notifications_failed", message.template)
    logger.warning("notification refused", extra={"key": message.key, "attempt": message.attempt,
                                                  "state": state, "error": error[:200],
                                                  "to": mask_phone(message.recipient)})
    if delay is None:
        raise NotificationUndeliverable(f"{message.key}: {message.attempt} attempts refused")
    retry = message.next_attempt(now + delay)
    ports.queue.send(retry.as_message(), hop_seconds(retry, now))
    return RETRYING


def _record(message: Notification, record: Mapping[str, object], ports: OutboxPorts) -> None:
    """The licence's own SMS reports its state on the licence (versioned; a concurrent change,
    the night or an officer, re-reads)."""
    if not message.licence:
        return

    def attempt() -> None:
        try:
            licence = ports.licences.get(message.licence, consistent=True)
        except NotFound:
            return
        ports.licences.save(replace(licence, sms=dict(record)))

    retry_on_conflict(attempt)


def _metric(name: str, template: str) -> None:
    """The outbox's one metrics call site (notifications sent / failed / delayed): EMF by
    chalicelib/metrics.py, by channel (every message is an SMS today)."""
    from chalicelib import metrics

    metrics.notification(name.removeprefix("notifications_"), SMS)
    logger.debug("notification metric", extra={"metric": name, "template": template})
