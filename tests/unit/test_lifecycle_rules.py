"""Pure lifecycle rules: expiry, late fines (per day / per month, cap), reminders, SMS texts."""
from dataclasses import replace
from datetime import date

import pytest

from chalicelib.domain import lifecycle
from chalicelib.domain.catalogue import FineRule, load_catalogue
from chalicelib.domain.licences import ACTIVE, EXPIRED, REVOKED, SUSPENDED, Fine, Licence
from chalicelib.errors import Conflict

PER_DAY = FineRule(type="per_day", amount_piasters=2000, cap_piasters=5000, name_ar="غرامة",
                   name_en="Fine", source="test")
PER_MONTH = FineRule(type="per_month", amount_piasters=10000, cap_piasters=None, name_ar="غرامة",
                     name_en="Fine", source="test")


def licence(status=EXPIRED, valid_until="2026-03-31", number="ALX-EAST-2026-000001", **kw) -> Licence:
    return Licence(number=number, application_id="a", service_code="advertisement-first",
                   kind="advertisement", district="EAST", holder="h", holder_name="محمد أحمد",
                   holder_mobile="+201012345678", holder_national_id="29001010201234",
                   site={"lat": 31.2, "lng": 29.9, "address": "x"}, details={}, status=status,
                   valid_from="2025-04-01", valid_until=valid_until, issued_at="t",
                   accrues_late_fines=True, **kw)


def test_the_night_after_the_term_expires_it():
    # GIVEN a term ending 31 March WHEN the night of 1 April runs THEN it expires, not before
    assert lifecycle.expiring_on(date(2026, 4, 1)) == date(2026, 3, 31)
    assert lifecycle.should_expire(licence(ACTIVE), date(2026, 4, 1))
    assert not lifecycle.should_expire(licence(ACTIVE), date(2026, 3, 31))
    assert not lifecycle.should_expire(licence(SUSPENDED), date(2026, 4, 1))


def test_per_day_fine_is_owed_for_each_late_day_from_the_day_after_the_term():
    owed = lifecycle.fines_owed(PER_DAY, licence(), date(2026, 4, 2))
    assert [(o.key, o.amount_piasters) for o in owed] == [("late:2026-04-01", 2000),
                                                          ("late:2026-04-02", 2000)]
    assert lifecycle.fines_owed(PER_DAY, licence(), date(2026, 3, 31)) == []


def test_recorded_fines_are_not_owed_again_and_the_cap_clips_the_last_one():
    # GIVEN two nights already fined (4000 of a 5000 cap)
    fined = licence(fines=tuple(Fine(f"late:2026-04-0{d}", "غ", "f", 2000, f"2026-04-0{d}")
                                for d in (1, 2)))
    # WHEN three more nights are due THEN only 1000 more is owed, then nothing
    owed = lifecycle.fines_owed(PER_DAY, fined, date(2026, 4, 5))
    assert [(o.key, o.amount_piasters) for o in owed] == [("late:2026-04-03", 1000)]
    capped = lifecycle.with_fines(fined, [owed[0].as_fine(PER_DAY, date(2026, 4, 3))])
    assert lifecycle.cap_reached(PER_DAY, lifecycle.late_fines(capped))
    assert lifecycle.fines_owed(PER_DAY, capped, date(2026, 4, 9)) == []


def test_only_a_licence_whose_rule_fines_late_days_enters_the_accruing_index():
    # GIVEN the packaged catalogue: advertisements carry a late fine, shops do not
    catalogue = load_catalogue()
    assert catalogue.late_fine("advertisement-first", "advertisement") is not None
    assert catalogue.late_fine("shop-first", "shop") is None
    # THEN only an expired licence that accrues late fines has an accruing shard
    assert licence().accruing_shard == "ACCRUING#01"
    assert replace(licence(), accrues_late_fines=False).accruing_shard is None
    assert licence(ACTIVE).accruing_shard is None


def test_a_capped_licence_leaves_the_accruing_index():
    assert licence().accruing_shard is not None
    assert replace(licence(), fines_capped=True).accruing_shard is None


def test_per_month_fine_is_owed_on_the_first_late_day_and_each_monthly_anniversary():
    owed = lifecycle.fines_owed(PER_MONTH, licence(valid_until="2026-01-30"), date(2026, 3, 31))
    assert [o.key for o in owed] == ["late:2026-01-31", "late:2026-02-28", "late:2026-03-31"]


def test_superseded_or_active_licences_owe_nothing():
    assert lifecycle.fines_owed(PER_DAY, licence(superseded_by="app"), date(2026, 4, 9)) == []
    assert lifecycle.fines_owed(PER_DAY, licence(ACTIVE), date(2026, 4, 9)) == []


def test_applying_the_same_fines_twice_changes_nothing():
    fine = Fine("late:2026-04-01", "غ", "f", 2000, "2026-04-01")
    once = lifecycle.with_fines(licence(), [fine])
    assert lifecycle.with_fines(once, [fine]) is once
    assert len(once.fines) == 1


def test_the_catalogue_fine_rule_is_data():
    rule = load_catalogue().service("advertisement-first").late_fine
    assert rule.type == "per_day" and rule.amount_piasters > 0 and rule.cap_piasters


@pytest.mark.parametrize("days_before, expected", [(30, 30), (7, 7), (1, 1), (29, None),
                                                   (8, None), (0, None), (31, None)])
def test_reminders_exactly_30_7_and_1_days_before(days_before, expected):
    business_date = date.fromordinal(date(2026, 3, 31).toordinal() - days_before)
    assert lifecycle.reminder_days_left(licence(ACTIVE), business_date) == expected


def test_no_reminder_for_a_suspended_licence():
    assert lifecycle.reminder_days_left(licence(SUSPENDED), date(2026, 3, 30)) is None


def test_renewal_case_before_on_and_after_the_last_day():
    assert lifecycle.renewal_case(licence(ACTIVE), date(2026, 3, 31)) == lifecycle.RENEW
    assert lifecycle.renewal_case(licence(ACTIVE), date(2026, 4, 1)) == lifecycle.LATE
    assert lifecycle.renewal_case(licence(EXPIRED), date(2026, 4, 5)) == lifecycle.LATE
    for status in (SUSPENDED, REVOKED):
        with pytest.raises(Conflict):
            lifecycle.renewal_case(licence(status), date(2026, 3, 1))


def test_fine_fee_lines_carry_only_unpaid_fines_at_the_fine_stage():
    fines = (Fine("late:2026-04-01", "غ", "f", 2000, "2026-04-01", paid_by="p1"),
             Fine("late:2026-04-02", "غ", "f", 2000, "2026-04-02"))
    lines = lifecycle.fine_fee_lines(fines)
    assert [(l.code, l.stage, l.amount_piasters) for l in lines] == [("late:2026-04-02", "fine", 2000)]
