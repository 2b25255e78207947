"""Renewals (chalicelib/usecases/renewals.py, late_settlement.py) over the fakes: one open
renewal per term; a renewal keeps the number; a late advertisement re-applies with its fines."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from chalicelib.domain import lifecycle
from chalicelib.domain.applications import CANCELLED, LICENCE_PAID
from chalicelib.domain.fees import STAGE_FINE
from chalicelib.domain.licences import EXPIRED, Fine
from chalicelib.errors import Conflict
from chalicelib.usecases import applications, issuance, late_settlement
from chalicelib.usecases.renewals import request_renewal
from tests.fakes.builders import licence
from tests.fakes.scenarios import (ADVERT_DETAILS, SHOP_DETAILS, catalogue, citizen,
                                   hand_in_documents, issuance_ports, live_world, pay_what_is_due)


@pytest.fixture
def world():
    return live_world()


def renew(world, number, caller):
    return request_renewal(number, caller, catalogue(), world.rollout.all(), world.licences,
                           world.applications, world.pointers, world.clock())


def test_a_renewal_before_the_term_ends_keeps_the_number_and_runs_on(world):
    # GIVEN an active shop licence ending in three weeks
    holder = citizen()
    ends = date(2026, 3, 21)
    current = world.licences.create(licence(holder=holder.sub, valid_until=ends,
                                            details=SHOP_DETAILS))
    # WHEN its holder asks to renew
    app = renew(world, current.number, holder)
    assert (app.service_code, app.renewal_of) == ("shop-renewal", current.number)
    # THEN nothing can be paid before the documents are in: no officer reviews a renewal, its
    # payment approves it
    with pytest.raises(Conflict) as early:
        pay_what_is_due(world, holder, app.id)
    assert early.value.code == "documents_missing"
    assert "National ID card copy, Copy of the current licence" in early.value.message_en
    assert world.gateway.checkouts == [] and world.payments.list_by_application(app.id) == []
    # WHEN the holder hands them in and pays everything due
    hand_in_documents(world, holder, app.id)
    while world.applications.get(app.id).amount_due_piasters:
        pay_what_is_due(world, holder, app.id)
    assert world.applications.get(app.id).status == LICENCE_PAID
    renewed = issuance.issue_if_paid(app.id, issuance_ports(world))
    # THEN the same number runs on from the day after the old term, with a new seal
    assert renewed.number == current.number
    assert renewed.valid_from == (ends + timedelta(days=1)).isoformat()
    assert renewed.seal_token and renewed.seal_token != current.seal_token
    assert list(world.tables.licences) == [current.number]


def test_one_open_renewal_per_term_until_it_is_cancelled(world):
    holder = citizen()
    current = world.licences.create(licence(holder=holder.sub, valid_until=date(2026, 3, 21),
                                            details=SHOP_DETAILS))
    first = renew(world, current.number, holder)
    with pytest.raises(Conflict) as refused:
        renew(world, current.number, holder)
    assert refused.value.code == "renewal_open" and first.id in refused.value.message_en
    applications.cancel_application(first.id, holder, world.applications, world.clock())
    again = renew(world, current.number, holder)
    assert again.id != first.id
    assert world.pointers.ref(lifecycle.renewal_key(current)) == again.id


def test_a_late_advertisement_re_applies_with_its_fines_and_stops_accruing(world):
    # GIVEN an advertisement licence that ended a month ago with two unpaid nightly fines
    holder = citizen()
    fines = tuple(Fine(key=f"late:2026-02-0{n}", name_ar="غرامة", name_en="Late fine",
                       amount_piasters=2000, assessed_on=f"2026-02-0{n}") for n in (2, 3))
    late = world.licences.create(licence(holder=holder.sub, kind="advertisement", status=EXPIRED,
                                         valid_until=date(2026, 2, 1), details=ADVERT_DETAILS,
                                         fines=fines))
    assert late.accruing_shard is not None
    # WHEN the holder asks to renew
    app = renew(world, late.number, holder)
    # THEN it is a first-time application carrying the fines, due before review
    assert app.service_code == "advertisement-first"
    assert [(f.code, f.amount_piasters) for f in app.fees if f.stage == STAGE_FINE] == [
        (f.key, f.amount_piasters) for f in fines]
    # AND the old licence no longer accrues
    superseded = world.licences.get(late.number, consistent=True)
    assert superseded.superseded_by == app.id and superseded.accruing_shard is None
    # WHEN the fees are paid THEN the fines are settled on the old licence by that payment
    payment, _ = pay_what_is_due(world, holder, app.id)
    late_settlement.settle_late_application(world.applications.get(app.id), world.licences)
    settled = world.licences.get(late.number, consistent=True)
    assert [f.paid_by for f in settled.fines] == [payment.id, payment.id]


def test_a_cancelled_late_application_lets_the_old_licence_accrue_again(world):
    holder = citizen()
    late = world.licences.create(licence(holder=holder.sub, kind="advertisement", status=EXPIRED,
                                         valid_until=date(2026, 2, 1), details=ADVERT_DETAILS))
    app = renew(world, late.number, holder)
    cancelled = applications.cancel_application(app.id, holder, world.applications,
                                                world.clock())
    assert cancelled.status == CANCELLED
    late_settlement.settle_late_application(cancelled, world.licences)
    assert world.licences.get(late.number, consistent=True).accruing_shard is not None


def test_a_certificate_is_not_renewed_but_applied_for_again(world):
    # GIVEN a site-validity statement (a certificate kind, not renewable)
    holder = citizen()
    statement = world.licences.create(licence(holder=holder.sub, kind="site_validity",
                                              service_code="site-validity-certificate",
                                              valid_until=date(2026, 3, 21)))
    # WHEN its holder asks to renew it THEN a 409 says to apply for a new one
    with pytest.raises(Conflict) as refused:
        renew(world, statement.number, holder)
    assert refused.value.code == "not_renewable" and "قدم طلبًا جديدًا" in refused.value.message_ar


def test_a_licence_issued_by_a_transfer_renews_on_the_renewal_service_fields(world):
    # GIVEN a shop licence issued by a transfer: its details name the licence it replaced
    holder = citizen()
    transferred = world.licences.create(licence(
        holder=holder.sub, service_code="shop-transfer", valid_until=date(2026, 3, 21),
        details={**SHOP_DETAILS, "licence_number": "ALX-EAST-2025-000001"}))
    # WHEN its holder renews it THEN the renewal takes the renewal service's fields only
    app = renew(world, transferred.number, holder)
    assert app.service_code == "shop-renewal" and app.details == SHOP_DETAILS
