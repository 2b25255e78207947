"""Our own words for a request body's type and shape errors: Arabic / English, per error type.

pydantic reports what is wrong as a type code with its context (`string_too_long`,
{"max_length": 200}); its English sentence never reaches a client. This module reads the codes
only (plain dicts, no pydantic import), so it is cheap to load and to test.
"""
from __future__ import annotations

import re
from typing import Any, Iterable, Mapping

INVALID = "قيمة غير صالحة / invalid value"

# Code -> "Arabic / English"; {name} are filled from the error's context.
MESSAGES: dict[str, str] = {
    "missing": "حقل مطلوب / required",
    "extra_forbidden": "حقل غير معروف / unknown field",
    "string_type": "يجب أن يكون نصًا / must be text",
    "string_unicode": "يجب أن يكون نصًا / must be text",
    "int_type": "يجب أن يكون عددًا صحيحًا / must be a whole number",
    "int_parsing": "يجب أن يكون عددًا صحيحًا / must be a whole number",
    "int_from_float": "يجب أن يكون عددًا صحيحًا / must be a whole number",
    "float_type": "يجب أن يكون رقمًا / must be a number",
    "float_parsing": "يجب أن يكون رقمًا / must be a number",
    "decimal_type": "يجب أن يكون رقمًا / must be a number",
    "finite_number": "يجب أن يكون رقمًا محدودًا / must be a finite number",
    "bool_type": "يجب أن يكون true أو false / must be true or false",
    "bool_parsing": "يجب أن يكون true أو false / must be true or false",
    "dict_type": "يجب أن يكون كائن JSON / must be a JSON object",
    "model_type": "يجب أن يكون كائن JSON / must be a JSON object",
    "model_attributes_type": "يجب أن يكون كائن JSON / must be a JSON object",
    "list_type": "يجب أن يكون قائمة / must be a list",
    "tuple_type": "يجب أن يكون قائمة / must be a list",
    "none_required": "يجب أن يكون null / must be null",
    "string_too_short": "لا يقل عن {min_length} حرف / at least {min_length} characters",
    "string_too_long": "لا يزيد على {max_length} حرف / at most {max_length} characters",
    "too_short": "لا يقل عن {min_length} عنصر / at least {min_length} items",
    "too_long": "لا يزيد على {max_length} عنصر / at most {max_length} items",
    "string_pattern_mismatch": "الصيغة غير مقبولة / not in the accepted format",
    "greater_than": "يجب أن يكون أكبر من {gt} / must be greater than {gt}",
    "greater_than_equal": "يجب ألا يقل عن {ge} / must be at least {ge}",
    "less_than": "يجب أن يكون أقل من {lt} / must be less than {lt}",
    "less_than_equal": "يجب ألا يزيد على {le} / must be at most {le}",
    "multiple_of": "يجب أن يكون من مضاعفات {multiple_of} / must be a multiple of {multiple_of}",
}

# pydantic names the member of a union in the location (`site.lat.float`, `site.lat.int`): the
# client sent `site.lat`, so the member's tag is dropped.
_UNION_MEMBER_TAGS = {"str", "int", "float", "bool", "none", "bytes", "decimal", "list", "dict"}
_QUOTED = re.compile(r"'((?:[^'\\]|\\.)*)'")


def field_messages(issues: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """{field path: "Arabic / English"} for pydantic's `errors()`; the first issue per path wins."""
    fields: dict[str, str] = {}
    for issue in issues:
        fields.setdefault(field_path(issue.get("loc", ())), message_for(issue))
    return fields


def field_path(location: Iterable[Any]) -> str:
    parts = [str(part) for part in location]
    if len(parts) > 1 and parts[-1] in _UNION_MEMBER_TAGS:
        parts.pop()
    return ".".join(parts) or "body"


def message_for(issue: Mapping[str, Any]) -> str:
    code = str(issue.get("type", ""))
    context = issue.get("ctx") or {}
    if code in ("literal_error", "enum"):
        return _one_of(str(context.get("expected", "")))
    template = MESSAGES.get(code)
    if template is None:
        return INVALID
    try:
        return template.format(**context)
    except (KeyError, IndexError, ValueError):
        return INVALID


def _one_of(expected: str) -> str:
    """pydantic words the choices as `'a', 'b' or 'c'`; we list them in both languages."""
    choices = _QUOTED.findall(expected) or [c.strip() for c in re.split(r",| or ", expected) if c.strip()]
    if not choices:
        return INVALID
    return f"واحدة من: {'، '.join(choices)} / one of: {', '.join(choices)}"
