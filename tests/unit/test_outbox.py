"""The notification outbox (chalicelib/usecases/outbox.py) over the fakes, on a clock the tests
move: quiet hours hold messages to 09:00 Cairo, an outage delays but never drops or doubles,
each event occurrence is one message. No emulator (tests/integration/test_notifications.py
runs the same policy over SQS and SNS)."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime, time, timedelta, timezone

import pytest

from chalicelib.domain import notifications as notices
from chalicelib.domain.calendar import CAIRO
from chalicelib.domain.notifications import Notification, QuietHours
from chalicelib.usecases import outbox
from tests.fakes import RecordingNotifier, World
from tests.fakes.builders import licence
from tests.fakes.edges import OutageNotifier

UTC = timezone.utc


def cairo(year, month, day, hour, minute=0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=CAIRO).astimezone(UTC)


@pytest.fixture
def world() -> World:
    return World()


def queue_reminder(world: World, key: str = "remind#ALX-EAST-2026-000001#2026-02-01#7",
                   phone: str = "+201001234567") -> None:
    world.notifications.notify(key, notices.SMS, phone, notices.RENEWAL_REMINDER,
                               {"number": "ALX-EAST-2026-000001", "valid_until": "2026-02-01"})


def test_a_message_created_at_23_30_cairo_is_delivered_at_09_00_not_before(world):
    # GIVEN a reminder queued at 23:30 Cairo time (winter: 21:30 UTC)
    world.clock.now = cairo(2026, 1, 14, 23, 30)
    queue_reminder(world)
    # WHEN the worker takes every message SQS hands it, minute by minute, until 08:59
    held = world.run_outbox(until=cairo(2026, 1, 15, 8, 59))
    # THEN nothing went: the message hopped back on the queue, 15 minutes at most each time
    assert world.notifier.sent == [] and held == {"held": 37}
    assert all(0 < delay <= 900 for _, delay in world.sms_queue.messages)
    # WHEN 09:00 comes THEN it is delivered then, once
    assert world.run_outbox(until=cairo(2026, 1, 15, 9, 0)) == {"sent": 1}
    assert len(world.notifier.sent) == 1
    assert world.run_outbox(until=cairo(2026, 1, 15, 12, 0)) == {}


def test_quiet_hours_follow_cairo_wall_clock_across_summer_time():
    quiet = QuietHours.parse("21:00-09:00")
    # Cairo keeps summer time (UTC+3) from the last Friday of April to the last Thursday of
    # October: 09:00 there is 06:00 UTC in July, 07:00 UTC in January
    assert quiet.release(cairo(2026, 7, 1, 23, 30)) == datetime(2026, 7, 2, 6, 0, tzinfo=UTC)
    assert quiet.release(cairo(2026, 1, 1, 2, 0)) == datetime(2026, 1, 1, 7, 0, tzinfo=UTC)
    assert quiet.release(cairo(2026, 1, 1, 20, 59)) == cairo(2026, 1, 1, 20, 59)
    assert quiet.contains(cairo(2026, 1, 1, 21, 0)) and not quiet.contains(cairo(2026, 1, 1, 9, 0))


def test_quiet_hours_are_configurable_and_may_be_off():
    assert QuietHours.parse("22:30-07:15") == QuietHours(time(22, 30), time(7, 15))
    assert not QuietHours.parse("off").contains(cairo(2026, 1, 1, 3, 0))
    with pytest.raises(ValueError):
        QuietHours.parse("nine to five")


def test_a_provider_down_for_two_hours_delays_every_message_and_doubles_none(world):
    # GIVEN 40 citizens' reminders queued at 10:00 Cairo, each queued twice (a rerun), and a
    # provider down from 10:00 to 12:00
    start = cairo(2026, 1, 15, 10, 0)
    world.clock.now = start
    phones = [f"+2010012345{n:02d}" for n in range(40)]
    outage = OutageNotifier(world.notifier, world.clock, start, start + timedelta(hours=2))
    world.notifier = outage  # the ports take the world's notifier
    for n, phone in enumerate(phones):
        queue_reminder(world, key=f"remind#{n}", phone=phone)
        queue_reminder(world, key=f"remind#{n}", phone=phone)
    # WHEN the worker runs through the outage and an hour and a half beyond it
    outcomes = world.run_outbox(until=start + timedelta(hours=3, minutes=30))
    # THEN every citizen got exactly one message, all after the outage ended
    sent = outage.inner.sent
    assert sorted(phone for phone, _ in sent) == sorted(phones)
    assert outage.refused > 0 and outcomes["sent"] == 40
    assert world.sms_queue.messages == []  # nothing left waiting
    claims = [k for k in world.tables.once if k.startswith("notify#remind#")]
    assert len(claims) == 40


def test_the_last_refusal_raises_for_the_dead_letter_queue_and_the_licence_says_failed(world):
    # GIVEN a licence's own SMS on its last attempt, refused
    issued = world.licences.create(licence(district="EAST"))
    world.notifier = RecordingNotifier(refuse=1)
    message = Notification(key="licsms#x", channel=notices.SMS, recipient="+201001234567",
                           template=notices.LICENCE_RESENT, values={"link": "h.eg/s/A"},
                           created_at="2026-03-01T09:00:00.000Z",
                           attempt=notices.MAX_ATTEMPTS, licence=issued.number)
    # WHEN it is delivered THEN the worker raises (SQS moves it to its DLQ after redrives)
    with pytest.raises(outbox.NotificationUndeliverable):
        outbox.deliver(message, world.outbox_ports())
    sms = world.licences.get(issued.number, consistent=True).sms
    assert (sms["state"], sms["attempts"]) == ("failed", notices.MAX_ATTEMPTS)
    assert world.sms_queue.messages == []
    # AND the claim was given back: a redrive from the DLQ may still send it, once
    assert outbox.deliver(message, world.outbox_ports()) == "sent"
    assert outbox.deliver(message, world.outbox_ports()) == "skipped"


def test_backoff_doubles_to_an_hour_and_lasts_a_day():
    delays = [notices.retry_delay(n) for n in range(1, notices.MAX_ATTEMPTS + 1)]
    assert delays[-1] is None
    waits = [d.total_seconds() for d in delays[:-1]]
    assert waits == sorted(waits) and waits[0] == 60 and max(waits) == 3600
    assert sum(waits) >= 24 * 3600


def test_a_message_without_a_recipient_is_not_queued_and_a_bad_one_fails_its_producer(world):
    assert world.notifications.notify("k", notices.SMS, "", notices.LICENCE_REVOKED,
                                      {"number": "N"}) is False
    with pytest.raises(KeyError):
        world.notifications.notify("k", notices.SMS, "+201001234567", notices.LICENCE_REVOKED,
                                   {})
    assert world.sms_queue.messages == []


def test_a_message_survives_the_queue_as_json():
    message = Notification(key="k", channel="sms", recipient="+20100", template="fine_notice",
                           values={"amount": "1.00", "number": "N"}, created_at="t",
                           not_before="2026-01-01T07:00:00.000Z", attempt=3, licence="L")
    assert Notification.from_message(message.as_message()) == message
    with pytest.raises(ValueError):
        Notification.from_message({**message.as_message(), "channel": "pigeon"})


def test_application_decisions_are_told_once_per_occurrence(world):
    from chalicelib.domain.applications import APPROVED, REJECTED, RETURNED, UNDER_REVIEW
    from chalicelib.usecases.notices import notify_application_change
    from tests.fakes.builders import application

    # GIVEN an application returned, resubmitted and returned again, then approved
    review = application(status=UNDER_REVIEW, version=3)
    returned = application(id=review.id, status=RETURNED, version=4, decision_reason="صورة البطاقة")
    again = application(id=review.id, status=RETURNED, version=6, decision_reason="العقد")
    approved = application(id=review.id, status=APPROVED, version=8)
    # WHEN the stream hands each change (one of them twice, one not a status change)
    told = [notify_application_change(review, returned, world.notifications),
            notify_application_change(review, returned, world.notifications),
            notify_application_change(returned, returned, world.notifications),
            notify_application_change(review, again, world.notifications),
            notify_application_change(review, approved, world.notifications),
            notify_application_change(review, application(status=REJECTED, version=2),
                                      world.notifications)]
    # THEN each status entered is queued under its own key; the repeat under the same key
    assert told == [True, True, False, True, True, True]
    keys = [m["key"] for m in world.sms_queue.take()]
    assert len(keys) == 5 and len(set(keys)) == 4
    approved_text = notices.render(notices.APPLICATION_APPROVED,
                                   {"amount": notices.egp(approved.amount_due_piasters)})
    assert "ادفع" in approved_text and "pay online" in approved_text


def test_licence_status_changes_are_told_once_per_occurrence(world):
    from chalicelib.domain.licences import ACTIVE, EXPIRED, REVOKED, SUSPENDED
    from chalicelib.usecases.notices import notify_licence_status_change

    # GIVEN a licence suspended, reinstated, suspended again and revoked, as its stream hands
    # them (each image the saved version)
    active = licence(status=ACTIVE, version=3)
    suspended = replace(active, status=SUSPENDED, version=4)
    reinstated = replace(active, status=ACTIVE, version=5)
    again = replace(active, status=SUSPENDED, version=6)
    revoked = replace(active, status=REVOKED, version=7)
    # WHEN each change comes (one twice: a redelivered record), with writes that are not a
    # status change (an SMS's state, the night's expiry, a renewal, an insert, a removal)
    told = [notify_licence_status_change(active, suspended, world.notifications),
            notify_licence_status_change(active, suspended, world.notifications),
            notify_licence_status_change(suspended, reinstated, world.notifications),
            notify_licence_status_change(reinstated, again, world.notifications),
            notify_licence_status_change(again, revoked, world.notifications),
            notify_licence_status_change(revoked, replace(revoked, sms={"state": "sent"},
                                                          version=8), world.notifications),
            notify_licence_status_change(active, replace(active, status=EXPIRED, version=4),
                                         world.notifications),
            notify_licence_status_change(replace(active, status=EXPIRED), active,
                                         world.notifications),
            notify_licence_status_change(None, suspended, world.notifications),
            notify_licence_status_change(suspended, None, world.notifications)]
    # THEN each status entered is queued under the version that entered it, the repeat under
    # the same key (the outbox sends it once), and nothing else
    assert told == [True, True, True, True, True, False, False, False, False, False]
    queued = [(m["key"], m["template"], m["recipient"]) for m, _ in world.sms_queue.messages]
    number, mobile = active.number, active.holder_mobile
    assert queued == [(f"licstatus#{number}#4", notices.LICENCE_SUSPENDED, mobile),
                      (f"licstatus#{number}#4", notices.LICENCE_SUSPENDED, mobile),
                      (f"licstatus#{number}#5", notices.LICENCE_REINSTATED, mobile),
                      (f"licstatus#{number}#6", notices.LICENCE_SUSPENDED, mobile),
                      (f"licstatus#{number}#7", notices.LICENCE_REVOKED, mobile)]
    # AND delivered, the holder hears of each occurrence once
    assert world.run_outbox(until=world.clock() + timedelta(minutes=5)) == {"sent": 4,
                                                                            "skipped": 1}
