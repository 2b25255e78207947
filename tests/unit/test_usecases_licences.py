"""Licences as holders and officers see them, the paper copy and an SMS resend
(chalicelib/usecases/licences.py, request_resend through the outbox) over the fakes."""
from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from chalicelib.errors import Conflict, Forbidden, NotFound, ServiceUnavailable, TooManyRequests
from chalicelib.usecases import issuance
from chalicelib.usecases import licences as usecase
from tests.fakes import VERIFY_BASE_URL
from tests.fakes.builders import licence
from tests.fakes.scenarios import (approved_and_paid, catalogue, citizen, issuance_ports,
                                   live_world, officer)


@pytest.fixture
def world():
    return live_world()


@pytest.fixture
def holder():
    return citizen()


@pytest.fixture
def issued(world, holder):
    return issuance.issue_if_paid(approved_and_paid(world, holder).id, issuance_ports(world))


def test_the_holder_and_the_districts_officer_read_a_licence_and_nobody_else(world, holder, issued):
    assert usecase.readable_licence(issued.number, holder, world.licences) == issued
    assert usecase.readable_licence(issued.number, officer("EAST"), world.licences) == issued
    with pytest.raises(NotFound) as stranger:
        usecase.readable_licence(issued.number, citizen(), world.licences)
    assert stranger.value.code == "licence_not_found"
    with pytest.raises(Forbidden):
        usecase.readable_licence(issued.number, officer("WEST"), world.licences)


def test_the_licence_links_are_the_seal_and_a_short_lived_qr(world, issued):
    sealed, qr_png = usecase.licence_links(issued, world.files, VERIFY_BASE_URL)
    assert sealed.startswith(f"{VERIFY_BASE_URL}/v/")
    assert qr_png == world.files.presigned_get_url(issued.qr_key, usecase.QR_URL_SECONDS)


def test_the_licence_body_names_its_holder_and_links(world, issued):
    from chalicelib.api.responses import Licence, body

    answer = body(Licence.of(issued, *usecase.licence_links(issued, world.files, VERIFY_BASE_URL)))
    assert answer["holder"]["national_id"] == issued.holder_national_id
    assert answer["number"] == issued.number and answer["verify_url"].startswith(VERIFY_BASE_URL)


def test_a_replaced_licence_names_its_replacement_in_its_body_and_its_list_row(world, issued):
    from dataclasses import replace

    from chalicelib.api.responses import Licence, LicenceSummary, body

    # GIVEN a licence an amendment replaced, and one whose late re-application is pending
    replaced = replace(issued, superseded_by="ALX-EAST-2026-000777")
    pending = replace(issued, superseded_by="app-0123456789")
    links = usecase.licence_links(issued, world.files, VERIFY_BASE_URL)
    # THEN the holder's page and list row name the new licence; the bookkeeping id is not shown
    assert body(Licence.of(replaced, *links))["replaced_by"] == "ALX-EAST-2026-000777"
    assert body(LicenceSummary.of(replaced))["replaced_by"] == "ALX-EAST-2026-000777"
    assert "replaced_by" not in body(Licence.of(pending, *links))
    assert "replaced_by" not in body(LicenceSummary.of(pending))


def test_a_holder_lists_their_own_licences_and_an_officer_their_district(world, holder):
    mine = sorted(world.licences.create(licence(holder=holder.sub, district="GOMROK")).number
                  for _ in range(3))
    world.licences.create(licence(district="GOMROK"))
    first = usecase.list_licences(holder, 2, None, world.licences)
    rest = usecase.list_licences(holder, 2, first.next_cursor, world.licences)
    assert [lic.number for lic in first.items + rest.items] == mine
    district = usecase.list_licences(officer("GOMROK"), 10, None, world.licences)
    assert len(district.items) == 4


def holder_of(licence):
    return citizen(licence.holder)


def test_a_paper_copy_is_rendered_from_the_licence_and_its_stored_qr(world, issued):
    # WHEN the holder asks for the paper copy
    world.sms_queue.take()
    url = usecase.paper_copy(issued, catalogue(), world.files, VERIFY_BASE_URL, world.paper,
                             holder_of(issued), world.bounds(), world.clock(), world.notifications)
    # THEN the page shows the licence in both languages with the ID masked, and it is stored
    (paper,) = world.paper.rendered
    assert (paper.number, paper.kind_ar, paper.kind_en) == (issued.number,
                                                            *catalogue().kind_names()["shop"])
    assert (paper.district_ar, paper.district_en) == catalogue().district_names()["EAST"]
    assert paper.holder_national_id_masked != issued.holder_national_id
    assert paper.holder_national_id_masked[-2:] == issued.holder_national_id[-2:]
    stored = [key for key in world.files.objects if key.startswith(f"paper-copies/{issued.number}/")]
    assert len(stored) == 1 and world.files.get(stored[0]).startswith(b"%PDF")
    assert url == world.files.presigned_get_url(stored[0], usecase.PDF_URL_SECONDS)
    # AND the holder is told once for this licence, however often it is printed
    usecase.paper_copy(issued, catalogue(), world.files, VERIFY_BASE_URL, world.paper,
                       holder_of(issued), world.bounds(), world.clock(), world.notifications)
    keys = {(m["key"], m["template"], m["recipient"]) for m in world.sms_queue.take()}
    assert keys == {(f"paper#{issued.number}#{issued.version}", "paper_copy_ready",
                     issued.holder_mobile)}


def test_no_paper_copy_of_a_revoked_or_unsealed_licence(world, issued):
    with pytest.raises(Conflict) as revoked:
        usecase.paper_copy(replace(issued, status="revoked"), catalogue(), world.files,
                           VERIFY_BASE_URL, world.paper, holder_of(issued), world.bounds(),
                           world.clock(), world.notifications)
    with pytest.raises(Conflict) as unsealed:
        usecase.paper_copy(replace(issued, seal_token="", qr_key=""), catalogue(), world.files,
                           VERIFY_BASE_URL, world.paper, holder_of(issued), world.bounds(),
                           world.clock(), world.notifications)
    assert (revoked.value.code, unsealed.value.code) == ("licence_revoked", "licence_not_sealed")
    assert world.paper.rendered == []


def test_a_replaced_licence_gets_no_paper_copy_and_no_sms(world, issued):
    # GIVEN a licence an amendment replaced
    replaced = replace(issued, superseded_by="ALX-EAST-2026-000777")
    world.sms_queue.take()
    # WHEN its holder asks for a paper copy or the SMS again THEN both are refused, naming the
    # new licence: neither may put a licence that no longer holds in someone's hand
    with pytest.raises(Conflict) as printed:
        usecase.paper_copy(replaced, catalogue(), world.files, VERIFY_BASE_URL, world.paper,
                           holder_of(issued), world.bounds(), world.clock(), world.notifications)
    with pytest.raises(Conflict) as resent:
        usecase.request_resend(replaced, world.bounds(), world.notifications, "rukhsa.example.eg",
                               world.clock())
    for refused in (printed.value, resent.value):
        assert refused.code == "licence_replaced"
        assert "ALX-EAST-2026-000777" in refused.message_ar
        assert "ALX-EAST-2026-000777" in refused.message_en
    assert world.paper.rendered == [] and world.sms_queue.take() == []


def test_an_sms_resend_is_queued_once_in_any_ten_minutes(world, holder, issued):
    world.sms_queue.take()
    host = "rukhsa.example.eg"
    bounds = world.bounds(resend_seconds=600)
    assert usecase.request_resend(issued, bounds, world.notifications, host,
                                  world.clock())["queued"] is True
    # GIVEN a resend nine minutes ago WHEN another is asked for THEN 429, retry in a minute
    with pytest.raises(TooManyRequests) as refused:
        usecase.request_resend(issued, bounds, world.notifications, host,
                               world.clock() + timedelta(minutes=9))
    assert refused.value.retry_after_seconds == 60
    later = world.clock() + timedelta(minutes=10, seconds=1)
    usecase.request_resend(issued, bounds, world.notifications, host, later)
    queued = world.sms_queue.take()
    assert [task["template"] for task in queued] == ["licence_resent", "licence_resent"]
    assert len({task["key"] for task in queued}) == 2  # two requests, two occurrences
    assert all(task["values"]["link"].startswith(f"{host}/s/") for task in queued)


def test_a_resend_the_queue_refused_does_not_count(world, issued):
    world.sms_queue.take()
    host, bounds = "rukhsa.example.eg", world.bounds(resend_seconds=600)
    # GIVEN the SMS queue refusing WHEN the holder asks for the SMS again THEN 503, nothing queued
    world.sms_queue.refusing = True
    with pytest.raises(ServiceUnavailable):
        usecase.request_resend(issued, bounds, world.notifications, host, world.clock())
    # AND once the queue is back a minute later, the resend is queued rather than refused for
    # the nine minutes left of a window the failed request would have used
    world.sms_queue.refusing = False
    a_minute_later = world.clock() + timedelta(minutes=1)
    assert usecase.request_resend(issued, bounds, world.notifications, host,
                                  a_minute_later)["queued"] is True
    assert [task["template"] for task in world.sms_queue.take()] == ["licence_resent"]
    # AND that one counts as usual
    with pytest.raises(TooManyRequests):
        usecase.request_resend(issued, bounds, world.notifications, host,
                               a_minute_later + timedelta(minutes=1))
