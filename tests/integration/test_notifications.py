"""The notification outbox over the emulator (SQS `rukhsa-sms`, SNS, the tables' streams):
every event tells the right citizen exactly once; quiet hours hold a message created at 23:30
Cairo to 09:00; an SMS provider down for two simulated hours delays every message and doubles
none. Time is simulated: the app's clock is moved by the test, and SQS's DelaySeconds is kept
on that clock (SimulatedDelays) instead of the wall clock.

Each test has an SMS queue of its own (`own_sms_queue`): the session's `rukhsa-sms` carries what
earlier tests left behind (licence SMS queued, held or retrying in test_issuance.py and
test_load_and_faults.py), and those would be refused, retried and counted here."""
from __future__ import annotations

import json
import random
import uuid
from collections import Counter
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest

from chalicelib.domain.calendar import CAIRO
from chalicelib.ports import DelayQueue
from infra.resources import event_source
from tests.fakes import Clock
from tests.fakes.edges import OutageNotifier
from tests.integration.issuance_helpers import emulator_sms
from tests.integration.test_applications_api import VALID

pytestmark = pytest.mark.integration
UTC = timezone.utc

# How each template's text ends (its English part): which event a message in the emulator is.
ENDINGS = {"payment_received": "Paid", "application_approved": "Approved: pay online",
           "application_rejected": "Rejected", "application_returned": "Returned: fix",
           "licence_issued": "Licence issued", "licence_suspended": "Suspended",
           "licence_reinstated": "Reinstated", "licence_revoked": "Revoked",
           "paper_copy_ready": "Paper copy ready", "renewal_reminder": "Renew",
           "fine_notice": "Late fine"}


def template_of(text: str) -> str:
    (name,) = [name for name, ending in ENDINGS.items() if text.rstrip(".").endswith(ending)]
    return name


def new_mobile() -> tuple[str, str]:
    """(as typed, E.164): a number no other test uses, so its messages are this test's."""
    digits = f"{random.randrange(10**8):08d}"
    return f"010{digits}", f"+2010{digits}"


def told(endpoint_url: str, phone: str) -> Counter:
    return Counter(template_of(m["message"]) for m in emulator_sms(endpoint_url)
                   if m["phone_number"] == phone)


class SimulatedDelays(DelayQueue):
    """The real SMS queue, with SQS's per-message delay kept on the simulated clock: a delayed
    message waits here until the clock passes its delay, then goes to SQS undelayed."""

    def __init__(self, queue: DelayQueue, clock: Clock) -> None:
        self.queue, self.clock, self.waiting = queue, clock, []

    def send(self, task, delay_seconds: int = 0) -> None:
        assert 0 <= delay_seconds <= 900, delay_seconds  # what SQS would accept
        if delay_seconds <= 0:
            self.queue.send(task, 0)
        else:
            self.waiting.append((self.clock() + timedelta(seconds=delay_seconds), dict(task)))

    def release_due(self) -> None:
        due = [task for at, task in self.waiting if at <= self.clock()]
        self.waiting = [(at, task) for at, task in self.waiting if at > self.clock()]
        for task in due:
            self.queue.send(task, 0)


class OwnSmsQueue:
    """An outbox queue for one test, provisioned as `rukhsa-sms` is (a dead-letter queue of its
    own after the same number of receives), with the `sms_sender` worker pumping it."""

    def __init__(self, stack) -> None:
        import boto3

        from devstack.queues import QueuePump

        self.sqs = boto3.client("sqs")
        name = f"rukhsa-sms-{uuid.uuid4().hex[:8]}"
        self.dlq_url = self.sqs.create_queue(QueueName=f"{stack.prefix}{name}-dlq")["QueueUrl"]
        dlq_arn = self.sqs.get_queue_attributes(QueueUrl=self.dlq_url, AttributeNames=[
            "QueueArn"])["Attributes"]["QueueArn"]
        self.url = self.sqs.create_queue(QueueName=f"{stack.prefix}{name}", Attributes={
            "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": str(
                event_source("sms").max_retries)})})["QueueUrl"]
        self.pump = QueuePump({name: stack.app.sms_sender}, stack.prefix)

    def queue(self) -> DelayQueue:
        from chalicelib.adapters.sqs_queue import SqsDelayQueue

        return SqsDelayQueue(self.sqs, self.url)

    def left(self, url: str) -> int:
        """Messages still on the queue at `url`: visible, in flight or delayed."""
        counts = self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=[
            "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible",
            "ApproximateNumberOfMessagesDelayed"])["Attributes"]
        return sum(int(n) for n in counts.values())

    def delete(self) -> None:
        for url in (self.url, self.dlq_url):
            self.sqs.delete_queue(QueueUrl=url)


@pytest.fixture
def own_sms_queue(stack, monkeypatch):
    """The app's outbox (producers, and the worker's re-queues) on this test's own queue."""
    from chalicelib import wiring

    own = OwnSmsQueue(stack)
    queue = own.queue()
    monkeypatch.setattr(wiring, "sms_queue", lambda: queue)
    yield own
    own.delete()


@pytest.fixture
def simulated(own_sms_queue, monkeypatch):
    """The app on a clock the test moves, quiet hours 21:00-09:00 on, the SMS queue (the test's
    own) with its delays on that clock; returns (clock, queue, pump)."""
    from chalicelib import wiring
    from chalicelib.domain.notifications import QuietHours

    clock = Clock(datetime(2026, 1, 14, 12, 0, tzinfo=UTC))
    queue = SimulatedDelays(own_sms_queue.queue(), clock)
    monkeypatch.setattr(wiring, "clock", clock)
    monkeypatch.setattr(wiring, "sms_queue", lambda: queue)
    monkeypatch.setattr(wiring, "quiet_hours", lambda: QuietHours.parse("21:00-09:00"))
    return clock, queue, own_sms_queue.pump


def run_until(until: datetime, clock: Clock, queue: SimulatedDelays, pump,
              step: timedelta = timedelta(minutes=1)) -> None:
    """Minute by minute: due delayed messages reach SQS, the worker takes what is visible."""
    while True:
        queue.release_due()
        pump.pump_once()
        if clock.now >= until:
            return
        clock.now = min(until, clock.now + step)


def queue_notice(phone: str, key: str) -> None:
    from chalicelib import wiring

    assert wiring.notifications().notify(key, "sms", phone, "fine_notice",
                                         {"amount": "20.00", "number": "ALX-EAST-2026-000001"})


def test_a_message_created_at_23_30_cairo_is_delivered_at_09_00_not_before(
        stack, emulator, simulated, own_sms_queue, monkeypatch):
    from chalicelib import wiring

    clock, queue, pump = simulated
    _, phone = new_mobile()
    sends = OutageNotifier(wiring.sms_notifier(), clock, clock(), clock())  # never down: records
    monkeypatch.setattr(wiring, "sms_notifier", lambda: sends)
    # GIVEN a notice created at 23:30 Cairo (21:30 UTC in January)
    clock.now = datetime(2026, 1, 14, 23, 30, tzinfo=CAIRO).astimezone(UTC)
    queue_notice(phone, f"quiet#{uuid.uuid4().hex}")
    # WHEN the worker runs minute by minute until 08:59 Cairo
    run_until(datetime(2026, 1, 15, 8, 59, tzinfo=CAIRO).astimezone(UTC), clock, queue, pump)
    # THEN SNS has sent nothing to the citizen
    assert told(emulator.endpoint_url, phone) == Counter()
    # WHEN 09:00 comes, and the worker runs on till noon
    run_until(datetime(2026, 1, 15, 9, 0, tzinfo=CAIRO).astimezone(UTC), clock, queue, pump)
    delivered_at = [at for to, at in sends.delivered if to == phone]
    run_until(datetime(2026, 1, 15, 12, 0, tzinfo=CAIRO).astimezone(UTC), clock, queue, pump)
    # THEN it was delivered at 09:00, once
    assert delivered_at == [datetime(2026, 1, 15, 9, 0, tzinfo=CAIRO).astimezone(UTC)]
    assert told(emulator.endpoint_url, phone) == Counter({"fine_notice": 1})
    # AND nothing of it is left on the queue, on its way to it, or dead-lettered
    assert queue.waiting == [] and pump.failures == 0
    assert own_sms_queue.left(own_sms_queue.url) == 0 == own_sms_queue.left(own_sms_queue.dlq_url)


def test_sms_provider_down_for_two_hours_every_message_delivered_after_none_twice(
        stack, emulator, simulated, own_sms_queue, monkeypatch):
    from chalicelib import wiring

    clock, queue, pump = simulated
    # GIVEN 30 citizens' notices created at 10:00 Cairo, ten of them queued twice (a rerun
    # producer), and the SMS provider down from 10:00 to 12:00
    clock.now = datetime(2026, 1, 15, 10, 0, tzinfo=CAIRO).astimezone(UTC)
    down_until = clock.now + timedelta(hours=2)
    outage = OutageNotifier(wiring.sms_notifier(), clock, clock.now, down_until)
    monkeypatch.setattr(wiring, "sms_notifier", lambda: outage)
    phones = [new_mobile()[1] for _ in range(30)]
    run = uuid.uuid4().hex
    for n, phone in enumerate(phones):
        for _ in range(2 if n < 10 else 1):
            queue_notice(phone, f"outage#{run}#{n}")
    # WHEN the worker runs through the outage and until 15:00
    run_until(datetime(2026, 1, 15, 15, 0, tzinfo=CAIRO).astimezone(UTC), clock, queue, pump)
    # THEN the provider refused during the outage, and afterwards every citizen got exactly one
    # message, none of them before the provider came back
    assert outage.refused >= 30
    for phone in phones:
        assert told(emulator.endpoint_url, phone) == Counter({"fine_notice": 1}), phone
    delivered = [at for to, at in outage.delivered if to in phones]
    assert len(delivered) == 30 and min(delivered) >= down_until
    # AND nothing is left on the queue, on its way to it (a retry), or dead-lettered
    assert queue.waiting == [] and pump.failures == 0
    assert own_sms_queue.left(own_sms_queue.url) == 0 == own_sms_queue.left(own_sms_queue.dlq_url)


def test_every_event_tells_the_right_citizen_exactly_once(stack, emulator, own_sms_queue):
    """Applications, payments, issuance, the back office, paper copies and the night, each
    through its real path (API, tables' streams, nightly tasks), the outbox's worker pumping
    SQS into the emulator's SNS (quiet hours are off in the integration stack)."""
    from chalicelib import wiring
    from chalicelib.usecases import nightly
    from tests.integration.lifecycle_fakes import at_night, make_licence, unique_night
    from tests.integration.test_payments import sandbox_press, start

    pump = own_sms_queue.pump
    officer = stack.token("officer", district="EAST")

    def settle() -> None:
        for _ in range(5):
            stack.streams.pump_until_quiet()
            if not pump.pump_once():
                return

    def applied(mobile: str) -> tuple[str, str]:
        citizen = stack.token("citizen")
        body = {**VALID, "applicant": {**VALID["applicant"], "mobile": mobile}}
        created = stack.call("POST", "/v1/applications", citizen, body)
        assert created.status_code == 201, created.body
        return citizen, created.json["id"]

    def pay(citizen: str, app_id: str) -> None:
        started = start(stack, citizen, app_id, "sandbox")
        assert started.status_code == 201, started.body
        assert sandbox_press(stack, started.json["payment_id"], "pay").status_code == 200
        settle()

    # GIVEN citizen A: pays, is approved, pays the licence fee, is issued, prints the paper
    # copy twice, and the licence is suspended, reinstated and revoked
    typed_a, phone_a = new_mobile()
    citizen_a, app_a = applied(typed_a)
    pay(citizen_a, app_a)
    stack.hand_in_documents(citizen_a, app_a)
    decided = stack.call("POST", f"/v1/applications/{app_a}/decision", officer,
                         {"decision": "approve"})
    assert decided.status_code == 200, decided.body
    settle()
    pay(citizen_a, app_a)
    number = wiring.application_store().get(app_a).licence_number
    assert number
    for _ in range(2):
        assert stack.call("POST", f"/v1/licences/{number}/paper-copy",
                          citizen_a).status_code == 201
    for action in ("suspend", "reinstate", "revoke"):
        changed = stack.call("POST", f"/v1/licences/{number}/{action}", officer,
                             {"reason": "فحص الموقع / site inspection"})
        assert changed.status_code == 200, changed.body
    # AND citizen B is returned for changes, citizen C rejected
    typed_b, phone_b = new_mobile()
    citizen_b, app_b = applied(typed_b)
    pay(citizen_b, app_b)
    returned = stack.call("POST", f"/v1/applications/{app_b}/return", officer,
                          {"reason": "صورة البطاقة غير واضحة"})
    assert returned.status_code == 200, returned.body
    typed_c, phone_c = new_mobile()
    citizen_c, app_c = applied(typed_c)
    pay(citizen_c, app_c)
    rejected = stack.call("POST", f"/v1/applications/{app_c}/decision", officer,
                          {"decision": "reject", "reason": "الموقع خارج الحي"})
    assert rejected.status_code == 200, rejected.body
    # AND licences ending in 30, 7 and 1 days and a late advertisement, through the night's
    # tasks, each task run twice (a redelivered message)
    night = unique_night()
    phones_by_days = {}
    for days in (30, 7, 1):
        phones_by_days[days] = new_mobile()[1]
        wiring.licence_store().create(replace(
            make_licence("holder-n", night + timedelta(days=days), district="EAST"),
            holder_mobile=phones_by_days[days]))
    phone_late = new_mobile()[1]
    late = wiring.licence_store().create(replace(
        make_licence("holder-n", night - timedelta(days=2), status="expired"),
        holder_mobile=phone_late))
    ports = replace(wiring.nightly_ports(), clock=lambda: at_night(night), workers=1)
    tasks = [nightly.Task(nightly.REMIND, night.isoformat(), "EAST", days=d) for d in (30, 7, 1)]
    tasks.append(nightly.Task(nightly.FINES, night.isoformat(), late.accruing_shard))
    for task in tasks + tasks:
        nightly.run_task(task, ports)
    # WHEN the streams and the outbox's worker settle
    settle()
    settle()
    # THEN each citizen was told of each event exactly once
    assert told(emulator.endpoint_url, phone_a) == Counter({
        "payment_received": 2, "application_approved": 1, "licence_issued": 1,
        "paper_copy_ready": 1, "licence_suspended": 1, "licence_reinstated": 1,
        "licence_revoked": 1})
    assert told(emulator.endpoint_url, phone_b) == Counter({"payment_received": 1,
                                                            "application_returned": 1})
    assert told(emulator.endpoint_url, phone_c) == Counter({"payment_received": 1,
                                                            "application_rejected": 1})
    for days, phone in phones_by_days.items():
        assert told(emulator.endpoint_url, phone) == Counter({"renewal_reminder": 1}), days
    assert told(emulator.endpoint_url, phone_late) == Counter({"fine_notice": 1})
    # AND the outbox is drained: nothing left on its queue, nothing dead-lettered
    assert pump.failures == 0
    assert own_sms_queue.left(own_sms_queue.url) == 0 == own_sms_queue.left(own_sms_queue.dlq_url)
    # AND what they were told carries what they need to act on
    texts = {template_of(m["message"]): m["message"] for m in emulator_sms(emulator.endpoint_url)
             if m["phone_number"] in (phone_b, phone_c)}
    assert "صورة البطاقة غير واضحة" in texts["application_returned"]
    assert "الموقع خارج الحي" in texts["application_rejected"]


# ----------------------------------------------- a licence's status notice and a failing queue


def issued_licence(stack, pump) -> tuple[str, str]:
    """(licence number, holder's E.164 mobile) of a licence issued to a mobile of its own, its
    licence SMS sent and every stream drained, so what follows is the test's alone."""
    from tests.integration.issuance_helpers import apply_and_pay, issued_number

    typed, phone = new_mobile()
    body = {**VALID, "applicant": {**VALID["applicant"], "mobile": typed}}
    app_id = apply_and_pay(stack, stack.token("citizen"), body)
    for _ in range(3):
        stack.streams.pump_until_quiet()
        pump.pump_once()
    return issued_number(app_id), phone


def suspend(stack, number: str) -> None:
    officer = stack.token("officer", district="EAST")
    changed = stack.call("POST", f"/v1/licences/{number}/suspend", officer,
                         {"reason": "فحص الموقع / site inspection"})
    # The officer's request saves the change and never queues the notice, so it cannot fail over it
    assert changed.status_code == 200, changed.body
    assert changed.json["status"] == "suspended"


def test_a_status_notice_the_queue_refuses_after_the_save_is_sent_once_when_it_recovers(
        stack, emulator, own_sms_queue, monkeypatch):
    from tests.integration.test_load_and_faults import BotoFaults, mentions

    pump = own_sms_queue.pump
    number, phone = issued_licence(stack, pump)
    # GIVEN SQS refuses the suspension notice three times in a row (throttled)
    faults = BotoFaults().install(monkeypatch)
    refused = faults.fail("sqs", "SendMessage", "ThrottlingException", times=3,
                          when=mentions(f"licstatus#{number}#"))
    failures, dead = stack.streams.failures, stack.streams.dead_lettered
    # WHEN the officer suspends the licence, and the licences stream is delivered
    suspend(stack, number)
    assert refused.injected == 0  # the request itself queued no notice
    stack.streams.pump_until_quiet()
    # THEN each refusal failed the stream batch, which was retried, and nothing was dead-lettered
    assert refused.injected == 3
    assert stack.streams.failures - failures == 3 and stack.streams.dead_lettered == dead
    # AND once the outbox's worker runs, the holder is told exactly once
    for _ in range(3):
        pump.pump_once()
        stack.streams.pump_until_quiet()
    assert told(emulator.endpoint_url, phone) == Counter({"licence_issued": 1,
                                                          "licence_suspended": 1})
    assert pump.failures == 0
    assert own_sms_queue.left(own_sms_queue.url) == 0 == own_sms_queue.left(own_sms_queue.dlq_url)


def test_a_status_notice_refused_past_the_streams_retries_is_dead_lettered_then_redriven_once(
        stack, emulator, own_sms_queue, monkeypatch):
    import boto3

    from devstack.deadletters import redrive_stream
    from devstack.run import stream_handlers
    from tests.integration.test_dead_letters import _emptied
    from tests.integration.test_load_and_faults import BotoFaults, mentions

    source = event_source("licences")
    queues = _emptied(stack, "licences")
    pump = own_sms_queue.pump
    number, phone = issued_licence(stack, pump)
    # GIVEN SQS unavailable for the suspension notice for longer than the stream retries
    faults = BotoFaults().install(monkeypatch)
    outage = faults.fail("sqs", "SendMessage", "ServiceUnavailable", times=10**6, status=503,
                         when=mentions(f"licstatus#{number}#"))
    dead = stack.streams.dead_lettered
    # WHEN the officer suspends the licence and the stream is delivered
    suspend(stack, number)
    stack.streams.pump_until_quiet()
    # THEN its record is in the licences stream's dead-letter queue, after 1 + 5 invocations
    assert stack.streams.dead_lettered - dead == 1 and queues.depth(source) == 1
    assert outage.injected == 1 + source.max_retries
    pump.pump_once()
    assert told(emulator.endpoint_url, phone) == Counter({"licence_issued": 1})
    # WHEN SQS is back and the runbook redrives the licences stream's dead letters
    outage.times = outage.injected
    handler = stream_handlers(stack.app)["licences"]
    result = redrive_stream(queues, source, boto3.client("dynamodbstreams"), handler)
    assert (result.redriven, result.failed, result.trimmed) == (1, 0, 0)
    # AND a second redrive, the stream's own records and the worker run again
    assert redrive_stream(queues, source, boto3.client("dynamodbstreams"), handler).redriven == 0
    for _ in range(3):
        pump.pump_once()
        stack.streams.pump_until_quiet()
    # THEN the holder is told of the suspension exactly once, and nothing is left behind
    assert told(emulator.endpoint_url, phone) == Counter({"licence_issued": 1,
                                                          "licence_suspended": 1})
    assert queues.depth(source) == 0 and pump.failures == 0
    assert own_sms_queue.left(own_sms_queue.url) == 0 == own_sms_queue.left(own_sms_queue.dlq_url)
