"""Outside JSON is parsed with its nesting bounded: deep bodies are a 400 on `body`, never a 500."""
import time

import pytest

from chalicelib.errors import ValidationFailed
from chalicelib.json_input import MAX_JSON_DEPTH, loads_bounded, nesting_depth


@pytest.mark.parametrize("text, depth", [
    ("1", 0), ("[]", 1), ('{"a": [1, {"b": 2}]}', 3),
    ('["[[[[", "{{{"]', 1),            # brackets inside strings do not count
    (r'["\"[[[", [[]]]', 3),            # nor after an escaped quote
    (r'["\\", [[]]]', 3),               # an escaped backslash ends before the quote
    ("[" * 2000 + "]" * 2000, 2000),
])
def test_depth_counts_containers_outside_strings(text, depth):
    assert nesting_depth(text) == depth


def test_a_body_as_deep_as_the_bound_parses():
    text = "[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH
    assert loads_bounded(text.encode()) is not None


@pytest.mark.parametrize("raw", [b"[" * 2000 + b"]" * 2000, b'{"a":' * 33 + b"1" + b"}" * 33,
                                 b"[" * 100000])
def test_deeper_bodies_are_refused_naming_body_in_both_languages(raw):
    # GIVEN the 4 KB of 2,000 nested arrays that made Python's parser recurse to a 500
    with pytest.raises(ValidationFailed) as refused:
        loads_bounded(raw)
    # THEN a 400 naming `body`, Arabic first
    assert refused.value.status == 400
    message = refused.value.fields["body"]
    assert message.index("المصفوفات") < message.index("nest deeper")


def test_not_json_stays_a_value_error_for_the_caller_to_word():
    with pytest.raises(ValueError):
        loads_bounded(b"\xff\xfe")
    with pytest.raises(ValueError):
        loads_bounded(b"{")


def test_the_scan_stays_linear_on_hostile_escapes():
    # GIVEN 64 KB of escaped quotes (quadratic for a regex that rescans from every quote)
    hostile = '"' + '\\"' * 32_000
    started = time.perf_counter()
    nesting_depth(hostile)
    assert time.perf_counter() - started < 1.0
