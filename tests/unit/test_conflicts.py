"""retry_on_conflict: the one loop around a read-decide-conditional-write."""
from __future__ import annotations

import pytest

from chalicelib.conflicts import retry_on_conflict
from chalicelib.errors import ConcurrentUpdate, NotFound


def losing(times: int):
    """An attempt that loses the race `times` times, then wins; it counts its calls."""
    calls = []

    def attempt() -> str:
        calls.append(1)
        if len(calls) <= times:
            raise ConcurrentUpdate()
        return f"won on try {len(calls)}"
    return attempt, calls


def test_a_lost_race_is_run_again_until_it_wins() -> None:
    # GIVEN a write that loses twice WHEN retried THEN the third try's result comes back
    attempt, calls = losing(2)
    rereads = []
    assert retry_on_conflict(attempt, on_conflict=lambda: rereads.append(1)) == "won on try 3"
    assert len(calls) == 3 and len(rereads) == 2


def test_after_the_last_attempt_the_conflict_is_raised() -> None:
    attempt, calls = losing(10)
    with pytest.raises(ConcurrentUpdate):
        retry_on_conflict(attempt, attempts=4)
    assert len(calls) == 4


def test_the_caller_can_say_why_it_gave_up() -> None:
    attempt, _ = losing(10)
    with pytest.raises(ConcurrentUpdate) as raised:
        retry_on_conflict(attempt, attempts=2,
                          gave_up=lambda: ConcurrentUpdate(message_en="no number left"))
    assert raised.value.message_en == "no number left"


def test_other_errors_are_not_retried() -> None:
    calls = []

    def attempt() -> None:
        calls.append(1)
        raise NotFound()
    with pytest.raises(NotFound):
        retry_on_conflict(attempt)
    assert len(calls) == 1
