"""Issuance rules: terms, renewals, SMS text within two UCS-2 parts, backoff, short codes."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from chalicelib.domain import issuance as rules
from chalicelib.domain.applications import Application
from chalicelib.domain.licences import ACTIVE, EXPIRED, SUSPENDED, Licence

NOW = datetime(2026, 3, 1, 10, 0, tzinfo=timezone.utc)


def licence(**kw) -> Licence:
    base = dict(number="ALX-EAST-2026-000123", application_id="a1", service_code="shop-first",
                kind="shop", district="EAST", holder="sub-1", holder_name="محمد أحمد علي",
                holder_mobile="+201012345678", holder_national_id="29001010201234",
                site={"lat": 31.2089, "lng": 29.9092, "address": "x"}, details={}, status=ACTIVE,
                valid_from="2025-03-01", valid_until="2026-02-28", issued_at="2025-03-01T10:00:00.000Z",
                seal_token="A" * 144)
    base.update(kw)
    return Licence(**base)


def application(**kw) -> Application:
    base = dict(id="app-2", service_code="shop-renewal", kind="shop", case="renewal", district="EAST",
                owner="sub-1", applicant={"name": "n", "national_id": "1", "mobile": "+20"},
                site={"lat": 1, "lng": 2}, details={}, status="licence_paid", fees=(), timeline=(),
                created_at="x", updated_at="x", renewal_of="ALX-EAST-2026-000123")
    base.update(kw)
    return Application(**base)


def test_first_term_is_the_services_months_from_the_issue_date():
    assert rules.first_term(date(2026, 3, 1), 12) == (date(2026, 3, 1), date(2027, 2, 28))


def test_renewal_term_starts_the_day_after_the_old_term_ends():
    assert rules.renewal_term(licence(), 12) == (date(2026, 3, 1), date(2027, 2, 28))


def test_renewal_reactivates_an_expired_licence_but_not_a_suspended_one():
    term = rules.renewal_term(licence(), 12)
    renewed = rules.renew(licence(status=EXPIRED), application(), term, NOW)
    assert renewed.status == ACTIVE and renewed.valid_from == "2026-03-01"
    assert rules.renewed_by(renewed, "app-2") and not rules.renewed_by(renewed, "app-3")
    assert renewed.renewals[0]["previous_valid_until"] == "2026-02-28"
    assert rules.renew(licence(status=SUSPENDED), application(), term, NOW).status == SUSPENDED


def test_only_a_renewal_case_keeps_the_number():
    assert rules.is_renewal(application())
    assert not rules.is_renewal(application(case="first"))  # the late re-application


def test_short_code_is_stable_case_insensitive_and_per_seal():
    token = "A" * 144
    assert rules.short_code(token) == rules.short_code(token.lower())
    assert len(rules.short_code(token)) == rules.SHORT_CODE_CHARS
    assert rules.short_code(token) != rules.short_code("B" * 144)


def test_sms_keys_are_one_per_term_and_one_per_resend():
    assert rules.sms_key("issued", licence()) != rules.sms_key("issued", licence(valid_until="2027-02-28"))
    assert rules.sms_key("resend", licence(), "r1") != rules.sms_key("resend", licence(), "r2")


def test_sms_record_never_holds_the_phone_number():
    record = rules.sms_record("retrying", "issued", 1, NOW, error="x" * 500, retry_in=60)
    assert record["next_attempt_at"] == "2026-03-01T10:01:00.000Z" and len(record["last_error"]) == 200
    assert "+20" not in str(record)


def test_national_id_is_masked_to_its_last_four_digits():
    assert rules.mask_national_id("29001010201234") == "**********1234"
    assert rules.mask_national_id("") == ""


def test_seal_claims_carry_the_licence():
    claims = rules.seal_claims(licence(), "0a0b0c0d")
    assert (claims.number, claims.lat, claims.valid_until) == ("ALX-EAST-2026-000123", 31.2089, date(2026, 2, 28))
