"""JSON that comes from outside (request bodies, gateway callbacks), parsed with its nesting bounded.

Python's parser recurses once per nesting level: a few kilobytes of `[[[[...` raise RecursionError
deep inside it. Nothing we accept nests deeper than a handful of levels, so depth is checked on
the raw text first (brackets outside strings) and a deeper body is a 400 naming `body`.
"""
from __future__ import annotations

import json
import re
from typing import Any, Callable, Optional

from chalicelib.errors import ValidationFailed

MAX_JSON_DEPTH = 32
# The only characters that open/close strings or containers (a regex over strings would rescan
# the rest of the text from every quote of `"\"\"\"...`: quadratic).
_SIGNIFICANT = re.compile(r'["\\\[\]{}]')


def nesting_depth(text: str) -> int:
    """The deepest nesting of arrays and objects in `text`, brackets inside strings not counted.
    One pass over the significant characters only."""
    depth = deepest = 0
    in_string = False
    escaped_at = -1
    for match in _SIGNIFICANT.finditer(text):
        at, char = match.start(), match.group()
        if at == escaped_at:
            continue
        if in_string:
            if char == "\\":
                escaped_at = at + 1
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def too_deep_error(max_depth: int = MAX_JSON_DEPTH) -> ValidationFailed:
    return ValidationFailed(
        fields={"body": f"تداخل المصفوفات والكائنات أعمق من {max_depth} مستوى / "
                        f"arrays and objects nest deeper than {max_depth} levels"},
        message_ar="جسم الطلب متداخل أكثر من المسموح",
        message_en="The request body nests too deeply")


def loads_bounded(raw: str | bytes, max_depth: int = MAX_JSON_DEPTH,
                  parse_float: Optional[Callable[[str], Any]] = None) -> Any:
    """json.loads of UTF-8 text, refusing (ValidationFailed on `body`) a document nested deeper
    than max_depth. Other errors (not UTF-8, not JSON) are ValueError, for the caller to word."""
    text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
    if nesting_depth(text) > max_depth:
        raise too_deep_error(max_depth)
    return json.loads(text, parse_float=parse_float)
