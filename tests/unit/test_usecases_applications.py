"""Citizens' applications (chalicelib/usecases/applications.py) over the fakes: no emulator."""
from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from chalicelib.domain.applications import CANCELLED, ISSUED, SUBMITTED, UNDER_REVIEW
from chalicelib.errors import Conflict, Forbidden, NotFound, ValidationFailed
from chalicelib.usecases import applications as usecase
from tests.fakes.scenarios import apply, citizen, live_world, new_application, officer


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

