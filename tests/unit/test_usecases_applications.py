"""Citizens' applications (chalicelib/usecases/applications.py) over the fakes: no emulator."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest

from chalicelib.domain.applications import CANCELLED, ISSUED, SUBMITTED, UNDER_REVIEW
from chalicelib.errors import Conflict, Forbidden, NotFound, ValidationFailed
from chalicelib.usecases import applications as usecase
from chalicelib.domain.calendar import cairo_date, waited_since_cutoff
from tests.fakes import builders
from tests.fakes.builders import T0
from tests.fakes.scenarios import (apply, catalogue, citizen, live_world, new_application,
                                   officer)
from tests.integration.contracts.conftest import all_pages


@pytest.fixture
def world():
    return live_world()


def test_a_valid_application_is_stored_submitted_with_its_fees_and_an_audit_record(world):
    # GIVEN a citizen and a shop licence that is live in EAST
    holder = citizen()
    # WHEN they apply
    app = apply(world, holder, new_application(mobile="01012345678"))
    # THEN it is stored as submitted, theirs, the mobile normalised, the submission fees due
    stored = world.applications.get(app.id)
    assert (stored.status, stored.owner, stored.version) == (SUBMITTED, holder.sub, 1)
    assert stored.applicant["mobile"] == "+201012345678"
    assert stored.amount_due_piasters > 0 and all(f.paid_by is None for f in stored.fees_due)
    # AND the trail says who submitted it
    trail = world.audit.list(f"APP#{app.id}", 10, None).items
    assert [(r["actor"], r["action"], r["to_status"]) for r in trail] == [
        (holder.sub, "submit", SUBMITTED)]


def test_every_wrong_field_is_named_at_once_in_both_languages(world):
    # GIVEN an application with a bad national id, a bad mobile and a site outside Alexandria
    command = replace(new_application(national_id="123", mobile="999"),
                      site=replace(new_application().site, lat=0.0, lng=0.0))
    # WHEN submitted THEN it is refused naming each field, and nothing is stored
    with pytest.raises(ValidationFailed) as refused:
        apply(world, citizen(), command)
    assert {"applicant.national_id", "applicant.mobile"} <= set(refused.value.fields)
    assert any(key.startswith("site") for key in refused.value.fields)
    assert world.tables.applications == {}


def test_a_service_not_live_in_the_district_is_a_conflict(world):
    # GIVEN shop licences switched off everywhere
    world.tables.rollout["shop-first"]["districts"] = []
    # WHEN a citizen applies THEN 409 service_not_live, and nothing is stored
    with pytest.raises(Conflict) as refused:
        apply(world, citizen())
    assert refused.value.code == "service_not_live" and world.tables.applications == {}


def test_a_renewal_cannot_be_applied_for_as_a_new_application(world):
    with pytest.raises(ValidationFailed) as refused:
        apply(world, citizen(), new_application(service_code="shop-renewal"))
    assert "service_code" in refused.value.fields


def test_a_citizen_lists_only_their_own_newest_first_page_by_page(world):
    # GIVEN three applications of one citizen, a minute apart, and one of someone else
    holder = citizen()
    made = []
    for _ in range(3):
        made.append(apply(world, holder))
        world.clock.now += timedelta(minutes=1)
    apply(world, citizen())
    # WHEN they list two at a time
    first = usecase.list_applications(holder, None, 2, None, world.applications)
    second = usecase.list_applications(holder, None, 2, first.next_cursor, world.applications)
    # THEN they see exactly their three, newest first, and the last page ends the listing
    assert [a.id for a in first.items + second.items] == [a.id for a in reversed(made)]
    assert second.next_cursor is None


def test_an_officer_lists_their_districts_queue_and_an_unknown_status_is_refused(world):
    # GIVEN an application under review in EAST and one in GOMROK
    east = apply(world, citizen())
    west = apply(world, citizen(), new_application(district="GOMROK"))
    for app in (east, west):
        world.applications.save(replace(world.applications.get(app.id), status=UNDER_REVIEW), [])
    # WHEN EAST's officer lists the queue THEN only EAST's application is on it
    page = usecase.list_applications(officer("EAST"), None, 10, None, world.applications)
    assert [a.id for a in page.items] == [east.id]
    with pytest.raises(ValidationFailed):
        usecase.list_applications(officer("EAST"), "lost", 10, None, world.applications)


def test_another_citizens_application_reads_as_missing_and_another_districts_is_forbidden(world):
    # GIVEN an application in EAST
    holder = citizen()
    app = apply(world, holder)
    # WHEN its owner, another citizen, EAST's and WEST's officers read it
    assert usecase.get_application(app.id, holder, world.applications).id == app.id
    assert usecase.get_application(app.id, officer("EAST"), world.applications).id == app.id
    with pytest.raises(NotFound) as missing:
        usecase.get_application(app.id, citizen(), world.applications)
    with pytest.raises(Forbidden):
        usecase.get_application(app.id, officer("WEST"), world.applications)
    # THEN the stranger cannot tell it from a missing one
    assert missing.value.code == "application_not_found"


def test_the_owner_cancels_a_submitted_application_with_a_reason_on_record(world):
    holder = citizen()
    app = apply(world, holder)
    cancelled = usecase.cancel_application(app.id, holder, world.applications, world.clock(),
                                           "changed my mind")
    assert cancelled.status == CANCELLED and world.applications.get(app.id).version == 2
    last = world.audit.list(f"APP#{app.id}", 10, None).items[-1]
    assert (last["from_status"], last["to_status"], last["reason"]) == (
        SUBMITTED, CANCELLED, "changed my mind")


def test_an_issued_application_cannot_be_cancelled(world):
    holder = citizen()
    app = apply(world, holder)
    world.applications.save(replace(world.applications.get(app.id), status=ISSUED), [])
    with pytest.raises(Conflict):
        usecase.cancel_application(app.id, holder, world.applications, world.clock())
    assert world.applications.get(app.id).status == ISSUED



# ------------------------------------------------------------------ the officer's narrowed queue

def queued(world, **values):
    """An application under review in EAST's queue, stored as the store would hold it."""
    return world.applications.create(builders.application(status=UNDER_REVIEW, **values))


def narrowed(world, caller, limit=100, **asked):
    return all_pages(lambda size, cursor: usecase.list_applications(
        caller, None, size, cursor, world.applications, narrow=usecase.QueueFilter(**asked),
        catalogue=catalogue(), now=world.clock()), limit)


def test_a_service_filter_finds_an_application_past_the_first_page_of_the_queue(world):
    # GIVEN EAST's queue: 12 shop applications waiting longest, then one kiosk application
    shops = [queued(world, created=T0 - timedelta(days=20, minutes=n)) for n in range(12)]
    kiosk = queued(world, service_code="kiosk-first", kind="kiosk", created=T0 - timedelta(days=1))
    # WHEN the officer asks for kiosk applications five at a time
    page = usecase.list_applications(officer("EAST"), None, 5, None, world.applications,
                                     narrow=usecase.QueueFilter(service="kiosk-first"),
                                     catalogue=catalogue(), now=world.clock())
    # THEN the first page holds the kiosk application, and only it
    assert [a.id for a in page.items] == [kiosk.id]
    # AND without the filter it is not on the first page of five
    first = usecase.list_applications(officer("EAST"), None, 5, None, world.applications)
    assert kiosk.id not in [a.id for a in first.items] and len(shops) == 12


def test_an_age_filter_counts_cairo_working_days_since_submission(world):
    # GIVEN now is Sunday 1 March 2026, 11:00 in Cairo, and applications submitted on Thursday
    # 26 February and Wednesday 25 February (Friday and Saturday are Egypt's weekend)
    world.clock.now = T0
    thursday = queued(world, created=datetime(2026, 2, 26, 8, tzinfo=timezone.utc))
    wednesday = queued(world, created=datetime(2026, 2, 25, 21, 59, tzinfo=timezone.utc))
    late_wednesday = queued(world, created=datetime(2026, 2, 25, 22, 30, tzinfo=timezone.utc))
    # WHEN the officer asks for those waiting at least 1 and at least 2 working days
    one = narrowed(world, officer("EAST"), min_age_days="1")
    two = narrowed(world, officer("EAST"), min_age_days="2")
    # THEN Thursday's has waited one (Sunday), Wednesday's two (Thursday, Sunday); 22:30 UTC
    # on Wednesday is already Thursday 00:30 in Cairo
    assert {a.id for a in one} == {thursday.id, wednesday.id, late_wednesday.id}
    assert [a.id for a in two] == [wednesday.id]
    assert {a.id for a in narrowed(world, officer("EAST"), min_age_days="0")} == {a.id for a in one}


def test_service_and_age_filters_combine(world):
    old_kiosk = queued(world, service_code="kiosk-first", kind="kiosk", created=T0 - timedelta(days=30))
    queued(world, service_code="kiosk-first", kind="kiosk", created=T0)
    queued(world, created=T0 - timedelta(days=30))
    found = narrowed(world, officer("EAST"), 2, service="kiosk-first", min_age_days="10")
    assert [a.id for a in found] == [old_kiosk.id]


@pytest.mark.parametrize("asked,field", [
    ({"service": "no-such-service"}, "service"),
    ({"min_age_days": "-1"}, "min_age_days"),
    ({"min_age_days": "three"}, "min_age_days"),
    ({"min_age_days": "٣"}, "min_age_days"),
    ({"min_age_days": "366"}, "min_age_days"),
])
def test_a_bad_queue_filter_is_refused_naming_its_field_in_both_languages(world, asked, field):
    with pytest.raises(ValidationFailed) as refused:
        narrowed(world, officer("EAST"), **asked)
    message = refused.value.fields[field]
    assert " / " in message and any("\u0600" <= c <= "\u06ff" for c in message)


def test_both_bad_filters_are_named_at_once(world):
    with pytest.raises(ValidationFailed) as refused:
        narrowed(world, officer("EAST"), service="nope", min_age_days="x")
    assert set(refused.value.fields) == {"service", "min_age_days"}


def test_a_citizen_cannot_narrow_their_own_list_with_the_queues_filters(world):
    with pytest.raises(ValidationFailed) as refused:
        narrowed(world, citizen(), service="shop-first")
    assert set(refused.value.fields) == {"service"}


def test_the_age_cutoff_matches_counting_working_days_one_by_one():
    # GIVEN every start time, hour by hour over three weeks, and every age from 1 to 12 working days
    now = datetime(2026, 3, 5, 7, 30, tzinfo=timezone.utc)  # Thursday, 09:30 in Cairo
    starts = [now - timedelta(hours=h) for h in range(0, 21 * 24)]
    for days in range(1, 13):
        cutoff = waited_since_cutoff(now, days)
        for start in starts:
            # THEN a start is before the cutoff exactly when the working days after its Cairo
            # date, up to today, number at least `days`
            waited = sum(1 for n in range(1, 40)
                         if cairo_date(start) + timedelta(days=n) <= cairo_date(now)
                         and (cairo_date(start) + timedelta(days=n)).weekday() not in (4, 5))
            assert (start < cutoff) == (waited >= days), (days, start)
