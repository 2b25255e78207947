"""Amendments, transfers and duplicates replace the licence they name (domain/replacement.py):
the application must name a licence it may replace, and once the new licence is issued the old
one's seal verifies as superseded, pointing at the new number, and the status list lists it."""
from __future__ import annotations

import random
from dataclasses import replace

import pytest

from chalicelib.domain.calendar import cairo_date
from chalicelib.domain.licences import EXPIRED, REVOKED, SUSPENDED
from chalicelib.domain.status_list import listed_status
from chalicelib.domain.verification import Verdict, verdict_for
from chalicelib.errors import ValidationFailed
from chalicelib.usecases import issuance
from chalicelib.usecases.verification import verify_token
from tests.fakes.builders import licence
from tests.fakes.scenarios import (SHOP_DETAILS, approved_and_paid, catalogue, citizen,
                                   issuance_ports, live_world, new_application)

FIELD = "details.licence_number"


@pytest.fixture
def world():
    return live_world()


def held_licence(world, holder, **changes):
    """An issued, sealed shop licence in East held by `holder`, with a canonical number."""
    number = f"ALX-EAST-2026-{random.randrange(1, 999_999):06d}"
    first = licence(number=number, holder=holder.owner_key, details=SHOP_DETAILS, **changes)
    return world.licences.create(issuance.sealed(first, issuance_ports(world)))


def replacing(service_code: str, number: str):
    return new_application(service_code, details={**SHOP_DETAILS, "licence_number": number})


def amended(world, holder):
    """A licence of `holder` and the one an amendment, paid and issued, replaced it with."""
    old = held_licence(world, holder)
    new = issuance.issue_if_paid(
        approved_and_paid(world, holder, replacing("shop-amendment", old.number)).id,
        issuance_ports(world))
    return old, new


def refusal(world, caller, command) -> str:
    from tests.fakes.scenarios import apply

    with pytest.raises(ValidationFailed) as refused:
        apply(world, caller, command)
    return refused.value.fields[FIELD]


def verdict_of(world, token):
    return verify_token(token, world.signer.public_keys(), catalogue().seal_codes, world.licences,
                        cairo_date(world.clock()))


def test_an_issued_amendment_supersedes_the_licence_it_names(world):
    # GIVEN a holder's active shop licence
    holder = citizen()
    old = held_licence(world, holder)
    assert verdict_of(world, old.seal_token).verdict == Verdict.GENUINE_VALID
    # WHEN they apply for an amendment naming it (typed in lower case), and it is paid and issued
    paid = approved_and_paid(world, holder, replacing("shop-amendment", old.number.lower()))
    assert paid.details["licence_number"] == old.number  # kept in canonical form
    new = issuance.issue_if_paid(paid.id, issuance_ports(world))
    # THEN the old licence points at the new one, and its seal verifies as superseded
    stored = world.licences.get(old.number, consistent=True)
    assert stored.superseded_by == new.number and stored.status == "active"
    view = verdict_of(world, old.seal_token)
    assert (view.verdict, view.replaced_by) == (Verdict.SUPERSEDED, new.number)
    # AND the new licence verifies as genuine and valid; the status list lists the old one
    assert verdict_of(world, new.seal_token).verdict == Verdict.GENUINE_VALID
    assert listed_status(stored.status, stored.superseded_by) == "superseded"
    assert stored.status_shard is not None
    # AND the old licence's audit trail says what replaced it; a redelivery changes nothing
    (entry, *_) = world.audit.list(f"LIC#{old.number}", 10, None).items
    assert entry["action"] == "supersede" and entry["data"]["superseded_by"] == new.number
    issuance.issue_if_paid(paid.id, issuance_ports(world))
    assert world.licences.get(old.number, consistent=True).version == stored.version


def test_a_transfer_is_asked_for_by_the_new_holder(world):
    # GIVEN a licence held by one citizen
    old = held_licence(world, citizen())
    # WHEN another citizen, taking the shop over, applies for its transfer THEN it is accepted
    newcomer = citizen()
    paid = approved_and_paid(world, newcomer, replacing("shop-transfer", old.number))
    new = issuance.issue_if_paid(paid.id, issuance_ports(world))
    assert new.holder == newcomer.owner_key
    assert world.licences.get(old.number, consistent=True).superseded_by == new.number


def test_an_amendment_of_someone_elses_licence_is_refused_as_unknown(world):
    old = held_licence(world, citizen())
    message = refusal(world, citizen(), replacing("shop-amendment", old.number))
    assert message == "لا توجد رخصة بهذا الرقم / no licence has this number"


@pytest.mark.parametrize("number, expected", [
    ("ALX-EAST-2026-999999", "no licence has this number"),
    ("shop 12", "not a licence number"),
    ("", "Current licence number: required"),
])
def test_an_unknown_or_malformed_number_is_refused_on_its_field(world, number, expected):
    assert expected in refusal(world, citizen(), replacing("shop-duplicate", number))


@pytest.mark.parametrize("status", [EXPIRED, SUSPENDED, REVOKED])
def test_only_an_active_licence_can_be_replaced(world, status):
    holder = citizen()
    old = held_licence(world, holder, status=status)
    assert "only an active licence" in refusal(world, holder, replacing("shop-amendment",
                                                                         old.number))


def test_a_licence_of_another_kind_or_already_replaced_is_refused(world):
    holder = citizen()
    advert = held_licence(world, holder, kind="advertisement")
    assert "another kind" in refusal(world, holder, replacing("shop-amendment", advert.number))
    replaced = held_licence(world, holder)
    world.licences.save(replace(replaced, superseded_by="ALX-EAST-2026-000001"))
    assert "already replaced" in refusal(world, holder, replacing("shop-duplicate",
                                                                  replaced.number))


def test_a_suspension_or_revocation_still_reads_first_on_a_superseded_licence():
    from datetime import date

    today, until = date(2026, 6, 1), date(2027, 1, 1)
    assert verdict_for("active", until, today, "ALX-EAST-2026-000002") == Verdict.SUPERSEDED
    assert verdict_for("expired", until, today, "ALX-EAST-2026-000002") == Verdict.SUPERSEDED
    assert verdict_for("revoked", until, today, "ALX-EAST-2026-000002") == Verdict.REVOKED
    assert verdict_for("suspended", until, today, "ALX-EAST-2026-000002") == Verdict.SUSPENDED


def test_the_public_page_of_a_superseded_licence_names_its_replacement(world):
    from chalicelib.presentation.verify_page import render_verification_page

    holder = citizen()
    old, new = amended(world, holder)
    page = render_verification_page(verdict_of(world, old.seal_token), catalogue().kind_names(),
                                    catalogue().district_names())
    assert "حلت محلها رخصة أحدث" in page and "Replaced by a newer licence" in page
    assert page.index("حلت محلها الرخصة") < page.index(new.number)


def test_a_number_typed_with_arabic_indic_digits_names_the_licence(world):
    # GIVEN a holder's licence WHEN its amendment names it in Arabic-Indic digits, lower case
    holder = citizen()
    old = held_licence(world, holder)
    typed = old.number.lower().translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    paid = approved_and_paid(world, holder, replacing("shop-amendment", f" {typed} "))
    # THEN the application keeps the canonical number
    assert paid.details["licence_number"] == old.number


def test_a_replaced_licence_is_renewed_no_more(world):
    from chalicelib.errors import Conflict
    from tests.unit.test_usecases_renewals import renew

    # GIVEN a licence an amendment replaced
    holder = citizen()
    old, new = amended(world, holder)
    # WHEN its holder asks to renew it THEN it is refused, pointing at the new licence (a renewal
    # keeps the number and would give the replaced licence a fresh seal)
    with pytest.raises(Conflict) as refused:
        renew(world, old.number, holder)
    assert refused.value.code == "licence_replaced"
    assert new.number in refused.value.message_ar and new.number in refused.value.message_en
    # AND the new licence renews as any other
    assert renew(world, new.number, holder).renewal_of == new.number
