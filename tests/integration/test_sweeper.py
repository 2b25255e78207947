"""The sweeper over the emulator: issuance fails for ten minutes, every stream retry is spent and
dead-lettered; once issuance recovers, the sweeper alone brings every paid application to exactly
one licence and one SMS, and a payment whose stream delivery was lost is applied. A second sweep
in the same state does nothing."""
from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from devstack.streams import LambdaContext
from tests.integration.issuance_helpers import (FailingFor, apply_and_pay, emulator_sms,
                                                issued_number, sms_about, sms_pump)
from tests.integration.test_payments import new_application, sandbox_press, start

pytestmark = pytest.mark.integration

SCHEDULED_EVENT = {"version": "0", "id": "sweep-1", "detail-type": "Scheduled Event",
                   "source": "aws.events", "account": "000000000000",
                   "time": "2026-11-30T10:00:00Z", "region": "eu-central-1",
                   "resources": ["arn:aws:events:eu-central-1:000000000000:rule/sweeper"],
                   "detail": {}}


def run_sweeper(stack) -> dict:
    """The scheduled handler, invoked as EventBridge invokes it."""
    return stack.app.sweeper(SCHEDULED_EVENT, LambdaContext())


def at(monkeypatch, moment) -> None:
    from chalicelib import wiring

    monkeypatch.setattr(wiring, "clock", lambda: moment)


def test_issuance_down_for_ten_minutes_then_every_paid_application_gets_one_licence_and_sms(
        stack, emulator, monkeypatch, capsys):
    from chalicelib import wiring

    stack.streams.pump_until_quiet()
    sms_pump(stack).pump_once()
    start_time = wiring.utc_now()
    # GIVEN three applications paid while issuance fails
    ids = [apply_and_pay(stack, stack.token("citizen"), now=start_time) for _ in range(3)]
    real_ports = wiring.issuance_ports
    outage = FailingFor(wiring.application_store(), *ids)
    monkeypatch.setattr(wiring, "issuance_ports",
                        lambda: replace(real_ports(), applications=outage))
    # WHEN the stream delivers them: every retry fails, and the records are dead-lettered
    dead_before = stack.streams.dead_lettered
    stack.streams.pump_until_quiet()
    assert stack.streams.dead_lettered - dead_before == 3
    assert {wiring.application_store().get(i).status for i in ids} == {"licence_paid"}
    # AND the sweeper runs during the outage: 5 minutes in it leaves them (not stalled long
    # enough); 10 minutes in it tries, fails, counts the failures and issues nothing
    at(monkeypatch, start_time + timedelta(minutes=5))
    assert run_sweeper(stack)["failed"]["application"] == 0
    at(monkeypatch, start_time + timedelta(minutes=10, seconds=30))
    during = run_sweeper(stack)
    assert during["failed"]["application"] >= 3 and during["redriven"]["application"] == 0
    # WHEN issuance recovers and the sweeper runs on its next schedule, with no manual step
    outage.failing = False
    at(monkeypatch, start_time + timedelta(minutes=15))
    capsys.readouterr()
    after = run_sweeper(stack)
    # THEN every one of them is issued, and the re-drives are counted (EMF metric lines)
    assert after["redriven"]["application"] >= 3 and after["failed"]["application"] == 0
    numbers = [issued_number(i) for i in ids]
    emitted = capsys.readouterr().out
    assert '"SweeperRedrives"' in emitted and '"kind":"application"' in emitted
    # AND the SMS queue sends exactly one SMS per licence
    sms_pump(stack).pump_once()
    sent = emulator_sms(emulator.endpoint_url)
    assert [len(sms_about(emulator.endpoint_url, n)) for n in numbers] == [1, 1, 1]
    # AND one licence each, whatever the stream redelivers now
    stack.streams.pump_until_quiet()
    from chalicelib.adapters.dynamo_models import LicenceModel
    for application_id, number in zip(ids, numbers):
        owner = wiring.application_store().get(application_id).owner
        assert [m.number for m in LicenceModel.by_holder.query(owner)] == [number]
    # WHEN the sweeper runs again in the same state THEN it re-drives nothing
    assert sum(run_sweeper(stack)["redriven"].values()) == 0
    sms_pump(stack).pump_once()
    assert len(emulator_sms(emulator.endpoint_url)) == len(sent)


def test_a_paid_payment_the_stream_never_applied_is_applied_by_the_sweeper(
        stack, citizen, monkeypatch):
    from chalicelib import wiring

    stack.streams.pump_until_quiet()
    # GIVEN a payment paid at the gateway whose payments-stream delivery keeps failing
    app = new_application(stack, citizen)
    reference = start(stack, citizen, app["id"], "sandbox").json["payment_id"]
    monkeypatch.setattr(wiring, "payment_changes",
                        lambda records: (_ for _ in ()).throw(RuntimeError("stream down")))
    assert sandbox_press(stack, reference, "pay").status_code == 200
    stack.streams.pump_until_quiet()
    monkeypatch.undo()
    assert wiring.application_store().get(app["id"]).status == "submitted"
    assert reference in [p.id for p in wiring.payment_store().list_unapplied("9999", 1000)]
    # WHEN the sweeper runs once it has stalled
    at(monkeypatch, wiring.utc_now() + timedelta(minutes=11))
    swept = run_sweeper(stack)
    # THEN the application moved on, the payment left the unapplied list, and a second run
    # does nothing
    assert swept["redriven"]["payment"] >= 1
    assert wiring.application_store().get(app["id"]).status == "under_review"
    assert reference not in [p.id for p in wiring.payment_store().list_unapplied("9999", 1000)]
    assert run_sweeper(stack)["redriven"]["payment"] == 0


def test_an_sms_left_retrying_past_its_schedule_is_queued_again_and_sent_once(
        stack, emulator, monkeypatch):
    import json

    import boto3

    from chalicelib import wiring
    from chalicelib.domain import issuance as rules
    from chalicelib.usecases.outbox import RETRYING

    # GIVEN an issued licence whose SMS was refused and whose delayed retry message was lost
    application_id = apply_and_pay(stack, stack.token("citizen"))
    stack.streams.pump_until_quiet()
    number = issued_number(application_id)
    sqs = boto3.client("sqs")
    url = sqs.get_queue_url(QueueName=f"{stack.prefix}rukhsa-sms")["QueueUrl"]
    lost = []
    for message in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10,
                                       WaitTimeSeconds=0).get("Messages", []):
        if json.loads(message["Body"]).get("licence") == number:
            lost.append(json.loads(message["Body"]))
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    assert len(lost) == 1
    now = wiring.utc_now()
    licence = wiring.licence_store().get(number, consistent=True)
    wiring.licence_store().save(replace(licence, sms=rules.sms_record(
        RETRYING, lost[0]["template"], 1, now, error="Throttling", retry_in=60,
        key=lost[0]["key"])))
    # WHEN the sweeper runs 12 minutes later
    at(monkeypatch, now + timedelta(minutes=12))
    swept = run_sweeper(stack)
    # THEN the SMS is queued again on the outbox under its key and sent once
    assert swept["redriven"]["sms"] >= 1
    sms_pump(stack).pump_once()
    sms_pump(stack).pump_once()
    assert len(sms_about(emulator.endpoint_url, number)) == 1
    assert wiring.licence_store().get(number, consistent=True).sms["state"] == "sent"
    # AND a second sweep queues nothing more
    assert run_sweeper(stack)["redriven"]["sms"] == 0
