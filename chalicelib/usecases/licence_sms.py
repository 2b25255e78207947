"""The holder's licence SMS: sent by the SMS worker from the `rukhsa-sms` queue, retried with
backoff, recorded on the licence; a resend may be asked for by the owner or an officer.

Exactly once per key: a leased claim in the once table (as the nightly reminders do), completed
after SNS accepts the message. A refusal releases the claim, records the attempt on the licence
and re-queues the task with a delay; after the last attempt the licence says `failed`.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Callable, Mapping

from chalicelib.domain import issuance as rules
from chalicelib.domain.licences import Licence
from chalicelib.conflicts import retry_on_conflict
from chalicelib.errors import Conflict, ValidationFailed
from chalicelib.observability import logger, mask_phone
from chalicelib.ports import DelayQueue, LicenceStore, OnceStore, SmsDeliveryFailed, SmsNotifier
from chalicelib.usecases.bounds import SMS_RESEND, Bounds
from chalicelib.usecases.issuance import short_link, sms_task

SMS_LEASE_SECONDS = 15 * 60

SENT, RETRYING, FAILED, SKIPPED = "sent", "retrying", "failed", "skipped"


@dataclass(frozen=True)
class SmsPorts:
    licences: LicenceStore
    once: OnceStore
    notifier: SmsNotifier
    queue: DelayQueue
    clock: Callable[[], datetime]
    verify_base_url: str


@dataclass(frozen=True)
class SmsTask:
    number: str
    event: str
    key: str
    attempt: int = 1

    @classmethod
    def from_message(cls, raw: Mapping[str, Any]) -> "SmsTask":
        if raw.get("event") not in rules.SMS_EVENTS:
            raise ValueError(f"unknown licence sms event {raw.get('event')!r}")
        return cls(number=str(raw["number"]), event=str(raw["event"]), key=str(raw["key"]),
                   attempt=max(1, int(raw.get("attempt", 1))))

    def as_message(self) -> dict:
        return {"number": self.number, "event": self.event, "key": self.key,
                "attempt": self.attempt}


def deliver(task: SmsTask, ports: SmsPorts) -> str:
    """'sent', 'skipped' (already sent, or held by another worker), 'retrying' or 'failed'."""
    licence = ports.licences.get(task.number, consistent=True)
    now = ports.clock()
    if not ports.once.claim(task.key, now, SMS_LEASE_SECONDS):
        return SKIPPED
    text = rules.sms_text(licence, short_link(ports.verify_base_url, licence.seal_token),
                          task.event)
    try:
        message_id = ports.notifier.send(licence.holder_mobile, text)
    except SmsDeliveryFailed as error:
        ports.once.release(task.key)
        return _refused(task, licence, str(error), ports, now)
    ports.once.complete(task.key, {"message_id": message_id})
    _record(task.number, rules.sms_record(SENT, task.event, task.attempt, now,
                                          message_id=message_id), ports)
    logger.info("licence sms sent", extra={"number": task.number, "event": task.event,
                                           "attempt": task.attempt,
                                           "to": mask_phone(licence.holder_mobile)})
    return SENT


def _refused(task: SmsTask, licence: Licence, error: str, ports: SmsPorts, now: datetime) -> str:
    delay = rules.sms_retry_delay(task.attempt)
    state = RETRYING if delay is not None else FAILED
    _record(task.number, rules.sms_record(state, task.event, task.attempt, now, error=error,
                                          retry_in=delay), ports)
    if delay is not None:
        ports.queue.send(replace(task, attempt=task.attempt + 1).as_message(), delay)
    logger.warning("licence sms refused", extra={"number": task.number, "attempt": task.attempt,
                                                 "state": state, "retry_in": delay,
                                                 "to": mask_phone(licence.holder_mobile)})
    return state


def _record(number: str, record: Mapping[str, object], ports: SmsPorts) -> Licence:
    """Versioned write of the SMS state; a concurrent change (the night, an officer) re-reads."""
    def attempt() -> Licence:
        licence = ports.licences.get(number, consistent=True)
        return ports.licences.save(replace(licence, sms=dict(record)))

    return retry_on_conflict(attempt)


def request_resend(licence: Licence, bounds: Bounds, queue: DelayQueue, now: datetime) -> dict:
    """Queue the licence SMS again (owner or officer; the caller already checked access): one
    resend per licence in any sliding window of the configured length, else 429 + Retry-After."""
    if not licence.seal_token:
        raise Conflict(code="licence_not_sealed", message_en="this licence has no e-seal yet",
                       message_ar="لم يصدر ختم إلكتروني لهذه الرخصة بعد")
    if not licence.holder_mobile:
        raise ValidationFailed(fields={"holder.mobile": "لا يوجد رقم محمول على الرخصة / no mobile number on the licence"})
    bounds.take(SMS_RESEND, licence.number, now)  # SMS costs money, whoever asks
    task = sms_task(licence, rules.RESEND_EVENT, request_id=uuid.uuid4().hex)
    queue.send(task)
    return {"queued": True, "number": licence.number}
