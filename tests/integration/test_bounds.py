"""Per-caller bounds on expensive actions over HTTP against the emulator: new applications,
payment attempts, paper copies and SMS resends answer 429 with Retry-After and a bilingual
message once their sliding window is full, and pass again as it slides."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest

from tests.integration.issuance_helpers import apply_and_pay, issued_number
from tests.integration.test_applications_api import VALID

pytestmark = pytest.mark.integration


class Clock:
    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def narrow(stack, monkeypatch):
    """Limits of two per hour, and a clock the test moves (the API modules' own reference)."""
    from chalicelib import wiring
    import chalicelib.api.applications as applications_api
    import chalicelib.api.licences as licences_api

    settings = replace(wiring.bound_settings(), applications_per_hour=2,
                       payment_attempts_per_hour=2, paper_copies_per_hour=2)
    monkeypatch.setattr(wiring, "bound_settings", lambda: settings)
    clock = Clock(datetime.now(timezone.utc))
    for module in (applications_api, licences_api):
        monkeypatch.setattr(module, "clock", clock)
    monkeypatch.setattr(wiring, "clock", clock)
    return clock


def assert_limited(response, retry_after: int) -> None:
    assert response.status_code == 429, response.body
    assert abs(int(response.headers["Retry-After"]) - retry_after) <= 1
    error = response.json["error"]
    assert error["code"] == "rate_limited"
    assert "حاول مرة أخرى" in error["message_ar"] and "try again in" in error["message_en"]


def test_new_applications_are_bounded_per_citizen_per_sliding_hour(stack, narrow):
    citizen, other = stack.token("citizen"), stack.token("citizen")
    # GIVEN an invalid application (not counted) and two valid ones, ten minutes apart
    assert stack.call("POST", "/v1/applications", citizen, {**VALID, "district": "NOPE"}).status_code == 400
    assert stack.call("POST", "/v1/applications", citizen, VALID).status_code == 201
    narrow.now += timedelta(minutes=10)
    assert stack.call("POST", "/v1/applications", citizen, VALID).status_code == 201
    # WHEN a third arrives five minutes later THEN 429, until the first leaves the hour
    narrow.now += timedelta(minutes=5)
    assert_limited(stack.call("POST", "/v1/applications", citizen, VALID), 45 * 60)
    # AND another citizen is not affected
    assert stack.call("POST", "/v1/applications", other, VALID).status_code == 201
    # WHEN the hour since the first has passed THEN one more is allowed, and only one
    narrow.now += timedelta(minutes=45, seconds=1)
    assert stack.call("POST", "/v1/applications", citizen, VALID).status_code == 201
    assert_limited(stack.call("POST", "/v1/applications", citizen, VALID), 10 * 60)


def test_payment_attempts_are_bounded_per_citizen(stack, narrow):
    citizen = stack.token("citizen")
    app = stack.call("POST", "/v1/applications", citizen, VALID).json
    path = f"/v1/applications/{app['id']}/payments"
    # GIVEN two checkouts opened (each is an order at the gateway)
    for _ in range(2):
        assert stack.call("POST", path, citizen, {"gateway": "sandbox"}).status_code == 201
    # WHEN a third is asked for THEN 429 with Retry-After, and no payment was created
    from chalicelib.wiring import payment_store
    before = len(payment_store().list_by_application(app["id"]))
    assert_limited(stack.call("POST", path, citizen, {"gateway": "sandbox"}), 3600)
    assert len(payment_store().list_by_application(app["id"])) == before == 2


def test_paper_copies_are_bounded_per_caller(stack, narrow):
    holder = stack.token("citizen")
    application_id = apply_and_pay(stack, holder)
    stack.streams.pump_until_quiet()
    number = issued_number(application_id)
    path = f"/v1/licences/{number}/paper-copy"
    assert [stack.call("POST", path, holder).status_code for _ in range(2)] == [201, 201]
    assert_limited(stack.call("POST", path, holder), 3600)
    # AND the district's officer is bounded separately
    assert stack.call("POST", path, stack.token("officer", district="EAST")).status_code == 201


def test_sms_resend_is_one_per_licence_in_any_ten_minutes(stack, narrow):
    holder = stack.token("citizen")
    application_id = apply_and_pay(stack, holder)
    stack.streams.pump_until_quiet()
    number = issued_number(application_id)
    path = f"/v1/licences/{number}/sms"
    officer = stack.token("officer", district="EAST")
    # GIVEN a resend at 10:09
    narrow.now = datetime(2061, 5, 5, 10, 9, tzinfo=timezone.utc)
    assert stack.call("POST", path, holder).status_code == 202
    # WHEN another is asked at 10:18, by anyone (a fixed ten-minute window would allow it)
    narrow.now = datetime(2061, 5, 5, 10, 18, tzinfo=timezone.utc)
    # THEN 429, retry in a minute; at 10:19 and a second it is queued
    assert_limited(stack.call("POST", path, officer), 60)
    narrow.now = datetime(2061, 5, 5, 10, 19, 1, tzinfo=timezone.utc)
    assert stack.call("POST", path, officer).status_code == 202


def test_concurrent_requests_cannot_both_take_the_last_use(stack):
    """GIVEN a limit of 3 and 12 requests racing (threads, one emulator over HTTP)
    WHEN each takes a use THEN exactly 3 are counted; the others are told when to retry."""
    from concurrent.futures import ThreadPoolExecutor

    from chalicelib.domain.rate_limits import Limit
    from chalicelib.errors import ConcurrentUpdate
    from chalicelib.wiring import rate_limiter

    limiter, now = rate_limiter(), datetime.now(timezone.utc)
    key = f"rate#test#{now.timestamp()}"

    def one(_):
        try:
            return limiter.take(key, Limit(3, 3600), now)
        except ConcurrentUpdate:
            return "lost"  # five lost races in a row: answered 409, never counted

    with ThreadPoolExecutor(max_workers=12) as pool:
        results = list(pool.map(one, range(12)))
    assert results.count(0) == 3
    assert all(r == "lost" or r >= 3599 for r in results if r != 0)
