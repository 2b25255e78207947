"""The sliding window of per-caller bounds (chalicelib/domain/rate_limits.py)."""
from chalicelib.domain.rate_limits import Limit, give_back, take

HOUR = Limit(count=3, window_seconds=3600)


def test_uses_under_the_limit_are_allowed_and_kept():
    taken = take([], HOUR, 1000.0)
    assert taken.allowed and taken.uses == (1000.0,)
    taken = take([1000.0, 1500.0], HOUR, 2000.0)
    assert taken.allowed and taken.uses == (1000.0, 1500.0, 2000.0)


def test_a_full_window_refuses_until_its_oldest_blocking_use_leaves():
    # GIVEN three uses at 0, 600 and 1200 s WHEN a fourth comes at 1800 s
    taken = take([600.0, 0.0, 1200.0], HOUR, 1800.0)
    # THEN refused, retry when the use at 0 s is an hour old; nothing is added
    assert not taken.allowed and taken.retry_after_seconds == 1800
    assert taken.uses == (0.0, 600.0, 1200.0)
    # AND one second after that hour it is allowed, and the old use is dropped
    later = take(taken.uses, HOUR, 3600.5)
    assert later.allowed and later.uses == (600.0, 1200.0, 3600.5)


def test_the_window_slides_rather_than_resetting_on_a_boundary():
    # One per ten minutes: a use at 10:09 blocks 10:18 (a fixed 10:10 boundary would not)
    ten_minutes = Limit(1, 600)
    refused = take([609.0], ten_minutes, 1080.0)
    assert not refused.allowed and refused.retry_after_seconds == 129


def test_retry_after_is_at_least_one_second_and_uses_from_the_future_are_ignored():
    assert take([999.9, 999.9, 999.9], HOUR, 1000.0).retry_after_seconds == 3600
    assert take([0.0, 0.0, 0.0], Limit(3, 10), 9.9999).retry_after_seconds == 1
    assert take([5000.0] * 3, HOUR, 1000.0).allowed


def test_a_use_given_back_leaves_the_window_and_only_that_one():
    # Two requests in the same microsecond each counted a use: giving one back keeps the other
    assert give_back([600.0, 1200.0, 1200.0], 1200.0) == (600.0, 1200.0)
    assert give_back([600.0], 1200.0) == (600.0,)  # not there (given back already): unchanged
    # AND the window it freed is taken again at once
    assert take(give_back([0.0, 600.0, 1200.0], 1200.0), HOUR, 1300.0).allowed
