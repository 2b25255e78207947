"""The nightly job (chalicelib/usecases/nightly.py) over the fakes: ended terms expire, late
advertisements are fined once a night, reminders and notices go once. No emulator."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from chalicelib.domain import lifecycle
from chalicelib.domain.licences import ACCRUING_SHARDS, ACTIVE, EXPIRED
from chalicelib.usecases import nightly
from tests.fakes.builders import licence
from tests.fakes.scenarios import ADVERT_DETAILS, catalogue, live_world

NIGHT = date(2026, 3, 10)


@pytest.fixture
def world():
    world = live_world()
    # 00:30 in Cairo on the business date (22:30 UTC the evening before, in winter)
    world.clock.now = datetime(2026, 3, 9, 22, 30, tzinfo=timezone.utc)
    return world


def ports(world) -> nightly.NightPorts:
    return nightly.NightPorts(licences=world.licences, work_lists=world.work_lists,
                              once=world.once, notifications=world.notifications,
                              catalogue=catalogue(),
                              clock=world.clock, workers=1)


def run(world, kind: str, part: str, days: int = 0) -> nightly.NightStats:
    stats, continuation = nightly.run_task(nightly.Task(kind, NIGHT.isoformat(), part, days),
                                           ports(world))
    assert continuation is None
    return stats


def test_a_term_that_ended_yesterday_expires_once(world):
    # GIVEN an active licence whose term ended the day before the night, and one ending tonight
    ended = world.licences.create(licence(district="EAST", valid_until=NIGHT - timedelta(days=1)))
    running = world.licences.create(licence(district="EAST", valid_until=NIGHT))
    # WHEN the night's expiry runs for EAST, twice
    first, second = run(world, nightly.EXPIRE, "EAST"), run(world, nightly.EXPIRE, "EAST")
    # THEN the ended one is expired once; the running one stays active
    assert (first.expired, second.expired) == (1, 0)
    assert world.licences.get(ended.number).status == EXPIRED
    assert world.licences.get(running.number).status == ACTIVE


def test_a_late_advertisement_is_fined_for_each_late_night_once_and_told_once(world):
    # GIVEN an advertisement that expired three nights ago and accrues fines
    late = world.licences.create(licence(kind="advertisement", status=EXPIRED,
                                         valid_until=NIGHT - timedelta(days=3),
                                         details=ADVERT_DETAILS))
    rule = catalogue().service("advertisement-first").late_fine
    # WHEN tonight's fines task for its shard runs, and runs again (a redelivered message)
    first = run(world, nightly.FINES, late.accruing_shard)
    again = run(world, nightly.FINES, late.accruing_shard)
    # THEN each late night is fined once at the catalogue's rate, and one notice is sent, at
    # 09:00 Cairo (07:00 UTC in winter), not during the night
    fined = world.licences.get(late.number, consistent=True)
    assert [f.key for f in fined.fines] == [
        lifecycle.fine_key(NIGHT - timedelta(days=n)) for n in (2, 1, 0)]
    assert first.fines_assessed == 3 and again.fines_assessed == 0
    assert first.fines_piasters == 3 * rule.amount_piasters
    world.run_outbox(until=datetime(2026, 3, 10, 6, 59, tzinfo=timezone.utc))
    assert world.notifier.about(late.number) == []
    world.run_outbox(until=datetime(2026, 3, 10, 7, 0, tzinfo=timezone.utc))
    (notice,) = world.notifier.about(late.number)
    assert notice.startswith("غرامة تأخير") and "Late fine" in notice


def test_a_rerun_after_a_crash_writes_the_amount_decided_the_first_time(world):
    # GIVEN a fine whose amount was decided by a run that died before writing the licence
    late = world.licences.create(licence(kind="advertisement", status=EXPIRED,
                                         valid_until=NIGHT - timedelta(days=1),
                                         details=ADVERT_DETAILS))
    world.once.decide(lifecycle.fine_once_key(late.number, NIGHT),
                      {"amount_piasters": 1234, "assessed_on": NIGHT.isoformat()}, world.clock())
    # WHEN the night runs THEN the licence carries the decided amount, not a new one
    run(world, nightly.FINES, late.accruing_shard)
    (fine,) = world.licences.get(late.number, consistent=True).fines
    assert (fine.amount_piasters, fine.assessed_on) == (1234, NIGHT.isoformat())


def test_a_reminder_goes_once_after_the_night_and_a_refused_one_is_retried(world):
    # GIVEN a licence ending in seven days and a provider that refuses once
    ending = world.licences.create(licence(district="EAST", valid_until=NIGHT + timedelta(days=7)))
    world.notifier.refuse = 1
    # WHEN the seven-day reminders run three times (a redelivered task, a rerun night)
    outcomes = [run(world, nightly.REMIND, "EAST", days=7) for _ in range(3)]
    delivered = world.run_outbox(until=datetime(2026, 3, 10, 8, 0, tzinfo=timezone.utc))
    # THEN each run queued it, the first delivery at 09:00 Cairo was refused, its retry a
    # minute later went, and the other two copies of the same occurrence were skipped
    assert [s.reminders_queued for s in outcomes] == [1, 1, 1]
    assert (delivered["retrying"], delivered["sent"], delivered["skipped"]) == (1, 1, 2)
    (text,) = world.notifier.about(ending.number)
    assert text.startswith("رخصتك") and ending.valid_until in text


def test_a_certificate_ending_soon_gets_no_renewal_reminder(world):
    # GIVEN a utility connection approval (not renewable) and a shop licence, both ending in 7 days
    approval = world.licences.create(licence(district="EAST", kind="utility_connection",
                                             service_code="utility-connection-approval",
                                             valid_until=NIGHT + timedelta(days=7)))
    shop = world.licences.create(licence(district="EAST", valid_until=NIGHT + timedelta(days=7)))
    # WHEN the seven-day reminders run and go out
    assert run(world, nightly.REMIND, "EAST", days=7).reminders_queued == 1
    world.run_outbox(until=datetime(2026, 3, 10, 8, 0, tzinfo=timezone.utc))
    # THEN only the shop's holder is told to renew
    assert world.notifier.about(approval.number) == []
    assert len(world.notifier.about(shop.number)) == 1


def test_the_scheduler_fans_the_night_out_as_one_task_per_partition(world):
    sent = nightly.schedule_night(NIGHT, catalogue(), world.nightly_queue)
    kinds = [m["kind"] for m in world.nightly_queue.messages]
    districts = len(catalogue().districts)
    assert sent == len(kinds) == districts * (1 + len(lifecycle.REMINDER_DAYS)) + ACCRUING_SHARDS
    assert kinds.count(nightly.EXPIRE) == districts
    assert nightly.Task.from_message(world.nightly_queue.messages[0]).business_date == NIGHT.isoformat()


def test_a_whole_night_runs_in_order_and_catches_the_just_expired(world):
    # GIVEN an advertisement whose term ended yesterday: tonight it expires and is fined
    ended = world.licences.create(licence(kind="advertisement", details=ADVERT_DETAILS,
                                          valid_until=NIGHT - timedelta(days=1)))
    stats = nightly.run_night(NIGHT, ports(world))
    after = world.licences.get(ended.number, consistent=True)
    assert stats.expired == 1 and after.status == EXPIRED
    assert [f.key for f in after.fines] == [lifecycle.fine_key(NIGHT)]
