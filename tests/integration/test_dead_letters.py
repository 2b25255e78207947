"""Dead letters over the emulator: the local pumps bisect, retry as often as the stack's event
sources do (infra/resources.py EVENT_SOURCES), then dead-letter; the runbook's redrive hands the
batch back and the licence is issued exactly once."""
from __future__ import annotations

import json
from dataclasses import replace

import boto3
import pytest

from devstack.deadletters import DeadLetterQueues, describe, redrive_queue, redrive_stream
from infra.resources import STREAM_RETRIES, event_source
from tests.integration.issuance_helpers import FailingFor, apply_and_pay, issued_number

pytestmark = pytest.mark.integration


def _emptied(stack, name: str) -> DeadLetterQueues:
    """The stage's dead-letter queues, with `name`'s emptied of what other tests left."""
    queues = DeadLetterQueues(boto3.client("sqs"), stack.prefix)
    for message in list(queues.receive(event_source(name), hide_seconds=60)):
        queues.delete(event_source(name), message)
    return queues


def _licences_of(application_id: str) -> list[str]:
    from chalicelib import wiring

    app = wiring.application_store().get(application_id)
    from chalicelib.adapters.dynamo_models import LicenceModel

    return [m.number for m in LicenceModel.by_holder.query(app.owner)]


def test_a_poison_record_is_dead_lettered_and_its_batch_processed_then_redriven_once(
        stack, monkeypatch):
    from chalicelib import wiring
    from devstack.run import stream_handlers

    source = event_source("applications")
    queues = _emptied(stack, "applications")
    stack.streams.pump_until_quiet()
    # GIVEN three paid applications in one stream batch, the middle one's issuance failing
    first, poison, last = (apply_and_pay(stack, stack.token("citizen")) for _ in range(3))
    real_ports = wiring.issuance_ports
    faulty = FailingFor(wiring.application_store(), poison)
    monkeypatch.setattr(wiring, "issuance_ports",
                        lambda: replace(real_ports(), applications=faulty))
    dead_before = stack.streams.dead_lettered
    # WHEN the stream is delivered
    stack.streams.pump_until_quiet()
    # THEN the other two are issued
    assert issued_number(first) and issued_number(last)
    # AND the poison record alone is in the dead-letter queue, after 1 + 5 retried invocations
    assert stack.streams.dead_lettered - dead_before == 1
    assert queues.depth(source) == 1
    message = next(queues.receive(source, hide_seconds=0))
    shown = describe(source, message)
    assert shown["condition"] == "RetryAttemptsExhausted" and shown["records"] == 1
    assert shown["invocations"] == 1 + STREAM_RETRIES == 6
    assert wiring.application_store().get(poison).status == "licence_paid"
    # WHEN the fault is fixed and the dead letters are redriven by the runbook's function
    faulty.failing = False
    handler = stream_handlers(stack.app)["applications"]
    result = redrive_stream(queues, source, boto3.client("dynamodbstreams"), handler)
    # THEN the licence is issued, once, and the dead-letter queue is empty
    assert (result.redriven, result.failed, result.trimmed) == (1, 0, 0)
    number = issued_number(poison)
    assert _licences_of(poison) == [number]
    assert queues.depth(source) == 0
    # AND a second redrive and the stream's own records issue nothing more
    assert redrive_stream(queues, source, boto3.client("dynamodbstreams"), handler).redriven == 0
    stack.streams.pump_until_quiet()
    assert _licences_of(poison) == [number]


def test_a_poison_queue_message_is_dead_lettered_after_the_redrive_policy_receives(stack):
    from tests.integration.issuance_helpers import sms_pump

    source = event_source("sms")
    queues = _emptied(stack, "sms")
    pump = sms_pump(stack)
    pump.pump_once()
    failures_before = pump.failures
    # GIVEN an SMS task the worker cannot read
    sqs = boto3.client("sqs")
    sqs.send_message(QueueUrl=queues.source_queue_url(source),
                     MessageBody=json.dumps({"number": "ALX-X-2026-000001", "event": "bogus"}))
    # WHEN the queue is pumped
    pump.pump_once()
    # THEN it was received as often as the redrive policy allows, then moved to the DLQ
    assert pump.failures - failures_before == source.max_retries == 6
    assert queues.depth(source) == 1
    # WHEN it is redriven THEN it is back on its queue, and the DLQ is empty
    assert redrive_queue(queues, source, sqs).redriven == 1
    assert queues.depth(source) == 0
    back = sqs.receive_message(QueueUrl=queues.source_queue_url(source), WaitTimeSeconds=0)
    assert json.loads(back["Messages"][0]["Body"])["event"] == "bogus"
    sqs.delete_message(QueueUrl=queues.source_queue_url(source),
                       ReceiptHandle=back["Messages"][0]["ReceiptHandle"])
