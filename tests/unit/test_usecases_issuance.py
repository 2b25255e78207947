"""Issuance (chalicelib/usecases/issuance.py) and the licence SMS through the outbox
(usecases/outbox.py) over the fakes: a licence only after everything due is paid, once however often the record comes."""
from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from chalicelib.domain.applications import APPROVED, ISSUED, LICENCE_PAID
from chalicelib.domain.calendar import cairo_date
from chalicelib.domain.commands import Decision
from chalicelib.domain.verification import Verdict
from chalicelib.domain.notifications import Notification
from chalicelib.usecases import backoffice, issuance, outbox
from chalicelib.usecases.verification import verify_token
from tests.fakes import MemoryFileStore
from tests.fakes.scenarios import (apply, approved_and_paid, catalogue, citizen, issuance_ports,
                                   hand_in_documents, live_world, officer, pay_what_is_due)


@pytest.fixture
def world():
    return live_world()


def test_a_licence_is_issued_once_everything_due_is_paid(world):
    # GIVEN an application approved and with its licence fee paid
    holder = citizen()
    paid = approved_and_paid(world, holder)
    assert paid.status == LICENCE_PAID
    # WHEN the applications stream hands it to issuance
    issued = issuance.issue_if_paid(paid.id, issuance_ports(world))
    # THEN the holder has an active, sealed licence, its QR stored, and its SMS queued
    assert issued is not None and issued.holder == holder.sub and issued.status == "active"
    assert world.licences.get(issued.number, consistent=True) == issued
    assert world.files.get(issued.qr_key).startswith(b"\x89PNG")
    (queued,) = [Notification.from_message(m) for m in world.sms_queue.take()]
    assert (queued.template, queued.recipient, queued.licence) == (
        "licence_issued", issued.holder_mobile, issued.number)
    assert queued.key == f"licsms#{issued.number}#{issued.valid_until}#issued"
    # AND the application is issued with the licence's number, on both trails
    app = world.applications.get(paid.id)
    assert (app.status, app.licence_number) == (ISSUED, issued.number)
    assert world.audit.list(f"LIC#{issued.number}", 10, None).items[0]["action"] == "issued"
    # AND its seal verifies as genuine on the public page
    view = verify_token(issued.seal_token, world.signer.public_keys(), catalogue().seal_codes,
                        world.licences, cairo_date(world.clock()))
    assert view.verdict == Verdict.GENUINE_VALID and view.number == issued.number


@pytest.mark.parametrize("stop_at", ["submitted", "under_review", "approved"])
def test_no_licence_before_everything_due_is_paid(world, stop_at):
    # GIVEN an application stopped before its last payment
    holder = citizen()
    app = apply(world, holder)
    if stop_at != "submitted":
        pay_what_is_due(world, holder, app.id)
    if stop_at == "approved":
        hand_in_documents(world, holder, app.id)
        backoffice.decide(app.id, Decision("approve"), officer(), catalogue(),
                          world.applications, world.files, world.clock())
        assert world.applications.get(app.id).status == APPROVED
    # WHEN issuance sees it THEN nothing is issued, signed, stored or sent
    assert issuance.issue_if_paid(app.id, issuance_ports(world)) is None
    assert world.tables.licences == {}
    assert all(key.startswith("documents/") for key in world.files.objects)  # no QR, no copy
    assert world.sms_queue.messages == [] and world.qr.drawn == []


def test_a_redelivered_record_issues_nothing_twice(world):
    paid = approved_and_paid(world, citizen())
    first = issuance.issue_if_paid(paid.id, issuance_ports(world))
    world.clock.now += timedelta(minutes=5)
    assert issuance.issue_if_paid(paid.id, issuance_ports(world)) is None
    assert list(world.tables.licences) == [first.number]
    assert len(world.sms_queue.messages) == 1


def test_a_crash_after_the_number_was_chosen_finishes_with_that_number(world):
    # GIVEN a first delivery that dies after pointing the application at its number
    paid = approved_and_paid(world, citizen())
    failing = replace(issuance_ports(world), files=Exploding())
    with pytest.raises(RuntimeError):
        issuance.issue_if_paid(paid.id, failing)
    chosen = world.pointers.ref(f"issue#{paid.id}")
    # WHEN the record is delivered again THEN the licence gets the number chosen first
    issued = issuance.issue_if_paid(paid.id, issuance_ports(world))
    assert issued.number == chosen and list(world.tables.licences) == [chosen]


class Exploding(MemoryFileStore):
    """A file store that dies on the first write, as a killed Lambda would."""

    def put(self, key: str, body: bytes, content_type: str) -> None:
        raise RuntimeError("killed before the QR was stored")


def test_the_licence_sms_is_sent_once_and_a_refusal_retries_later(world):
    # GIVEN an issued licence whose SMS the provider refuses once
    issued = issuance.issue_if_paid(approved_and_paid(world, citizen()).id,
                                    issuance_ports(world))
    world.notifier.refuse = 1
    ports = world.outbox_ports()
    (task,) = world.sms_queue.take()
    # WHEN the worker delivers the task, then its retry (due a minute later), then again
    assert outbox.deliver(Notification.from_message(task), ports) == "retrying"
    (retry,) = world.sms_queue.take()
    world.clock.now += timedelta(minutes=1)
    assert outbox.deliver(Notification.from_message(retry), ports) == "sent"
    assert outbox.deliver(Notification.from_message(retry), ports) == "skipped"
    # THEN one message reached the holder, with the short link, and the licence says sent
    assert [phone for phone, _ in world.notifier.sent] == [issued.holder_mobile]
    assert "verify.example.eg/s/" in world.notifier.sent[0][1]
    assert world.licences.get(issued.number, consistent=True).sms["state"] == "sent"
