"""The sweeper (chalicelib/usecases/sweeper.py) over the fakes: only what stalled longer than the
setting is re-driven, through the streams' own use cases; a second run does nothing."""
from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from chalicelib.domain import issuance as rules
from chalicelib.domain.applications import ISSUED, LICENCE_PAID, SUBMITTED, UNDER_REVIEW
from chalicelib.usecases import issuance, outbox, payments
from chalicelib.domain.notifications import Notification
from chalicelib.usecases.outbox import RETRYING
from chalicelib.usecases.sweeper import SweepPorts, sweep
from tests.fakes import VERIFY_BASE_URL
from tests.fakes.scenarios import (apply, approved_and_paid, catalogue, citizen, issuance_ports,
                                   live_world)

AFTER = 10


def ports(world) -> SweepPorts:
    return SweepPorts(applications=world.applications, payments=world.payments,
                      licences=world.licences, work_lists=world.work_lists,
                      notifications=world.notifications, catalogue=catalogue(),
                      issuance=lambda: issuance_ports(world), clock=world.clock,
                      short_link_host=VERIFY_BASE_URL)  # as issuance falls back to it


def paid_not_applied(world):
    """A submitted application whose fee is paid at the gateway; the payments stream never ran."""
    holder = citizen()
    app = apply(world, holder)
    started = payments.start_payment(app.id, world.gateway.name, holder, world.applications,
                                     world.payments, world.gateways(), world.bounds(),
                                     catalogue(), world.files, world.clock())
    query, body = world.gateway.simulated_callback(started.merchant_reference,
                                                   started.amount_piasters, True, "tx-sweep")
    payments.receive_webhook(world.gateway.name, {}, query, body, world.gateways(),
                             world.payments, world.clock())
    return app, started


def test_only_stalled_work_is_redriven_and_a_second_run_does_nothing():
    world = live_world()
    # GIVEN a paid payment not applied, and a licence_paid application with no licence
    app, payment = paid_not_applied(world)
    waiting = approved_and_paid(world, citizen())
    assert world.applications.get(app.id).status == SUBMITTED
    assert waiting.status == LICENCE_PAID
    # WHEN the sweeper runs before they have stalled for AFTER minutes THEN it leaves them
    world.clock.now += timedelta(minutes=AFTER - 1)
    assert sweep(ports(world), AFTER).total == 0
    # WHEN it runs once they have
    world.clock.now += timedelta(minutes=2)
    stats = sweep(ports(world), AFTER)
    # THEN the payment is applied (and leaves the list) and the licence is issued, once each
    assert stats.redriven == {"payment": 1, "application": 1, "sms": 0}
    assert world.applications.get(app.id).status == UNDER_REVIEW
    assert world.payments.get(payment.id).applied_at
    assert world.applications.get(waiting.id).status == ISSUED
    assert len(world.sms_queue.take()) == 1
    # AND a second run in the same state does nothing
    assert sweep(ports(world), AFTER).as_dict() == {
        "redriven": {"payment": 0, "application": 0, "sms": 0},
        "failed": {"payment": 0, "application": 0, "sms": 0}}
    assert world.sms_queue.take() == []


def test_a_failing_redrive_is_counted_and_the_others_go_on():
    world = live_world()
    first, second = approved_and_paid(world, citizen()), approved_and_paid(world, citizen())
    world.clock.now += timedelta(minutes=AFTER + 1)
    broken = replace(ports(world), issuance=lambda: replace(
        issuance_ports(world), render_qr=None))  # every issuance fails drawing its QR
    stats = sweep(broken, AFTER)
    assert stats.failed["application"] == 2 and stats.redriven["application"] == 0
    stats = sweep(ports(world), AFTER)
    assert stats.redriven["application"] == 2
    assert {world.applications.get(a.id).status for a in (first, second)} == {ISSUED}


def test_a_stuck_sms_retry_is_queued_again_under_its_key_once():
    world = live_world()
    paid = approved_and_paid(world, citizen())
    licence = issuance.issue_if_paid(paid.id, issuance_ports(world))
    [task] = [Notification.from_message(m) for m in world.sms_queue.take()]
    # GIVEN its SMS was refused and the delayed retry never came
    world.licences.save(replace(licence, sms=rules.sms_record(
        RETRYING, task.template, 1, world.clock(), error="Throttling", retry_in=60,
        key=task.key)))
    world.clock.now += timedelta(minutes=AFTER + 2)
    # WHEN the sweeper runs twice
    first, second = sweep(ports(world), AFTER), sweep(ports(world), AFTER)
    # THEN the same message (key, template, recipient, link) is queued once on the outbox
    assert (first.redriven["sms"], second.redriven["sms"]) == (1, 0)
    [again] = [Notification.from_message(m) for m in world.sms_queue.take()]
    assert (again.key, again.template, again.recipient, again.values, again.licence) == (
        task.key, task.template, task.recipient, task.values, task.licence)
    # AND the outbox sends it once, however often it is queued
    assert outbox.deliver(again, world.outbox_ports()) == "sent"
    assert outbox.deliver(again, world.outbox_ports()) == "skipped"
    assert len(world.notifier.sent) == 1
