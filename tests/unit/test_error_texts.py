"""Error texts are ours, in both languages, Arabic first: pydantic's and PyJWT's English never
reaches a client, and every field message the code writes reads "Arabic / English"."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import jwt
import pytest
from pydantic import ValidationError

from chalicelib.api.field_messages import field_messages, message_for
from chalicelib.api.http import pydantic_fields
from chalicelib.api.schemas import ApplicationIn, DecisionIn, DevTokenIn, PaymentIn, RefundIn
from chalicelib.auth import authenticate, issue_local_token
from chalicelib.errors import Unauthenticated
from chalicelib.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
ARABIC = re.compile(r"[\u0600-\u06FF]")
LATIN = re.compile(r"[A-Za-z]")
PYDANTIC_WORDS = ("Field required", "Input should", "String should", "Extra inputs",
                  "valid dictionary", "valid integer", "valid number", "valid string")


def is_arabic_then_english(message: str) -> bool:
    arabic, separator, english = message.partition(" / ")
    return bool(separator and ARABIC.search(arabic) and LATIN.search(english)
                and not ARABIC.search(english))


def errors_of(model, data) -> dict[str, str]:
    with pytest.raises(ValidationError) as caught:
        model.model_validate(data)
    return pydantic_fields(caught.value)


VALID_APPLICATION = {
    "service_code": "advertisement-first", "district": "EAST",
    "applicant": {"name": "محمد أحمد علي", "national_id": "29001010201234", "mobile": "01012345678"},
    "site": {"lat": 31.2089, "lng": 29.9092, "address": "12 شارع فؤاد"},
    "details": {},
}


@pytest.mark.parametrize("model, data, field, expected", [
    (ApplicationIn, {k: v for k, v in VALID_APPLICATION.items() if k != "district"}, "district",
     "حقل مطلوب / required"),
    (ApplicationIn, {**VALID_APPLICATION, "surprise": 1}, "surprise", "حقل غير معروف / unknown field"),
    (ApplicationIn, {**VALID_APPLICATION, "service_code": 7}, "service_code",
     "يجب أن يكون نصًا / must be text"),
    (ApplicationIn, {**VALID_APPLICATION, "details": []}, "details",
     "يجب أن يكون كائن JSON / must be a JSON object"),
    (ApplicationIn, {**VALID_APPLICATION, "district": "X" * 40}, "district",
     "لا يزيد على 32 حرف / at most 32 characters"),
    # a union (number or whole number) is reported once, on the field the client sent
    (ApplicationIn, {**VALID_APPLICATION, "site": {**VALID_APPLICATION["site"], "lat": "31.2"}},
     "site.lat", "يجب أن يكون رقمًا / must be a number"),
    (DecisionIn, {"decision": "maybe"}, "decision", "واحدة من: approve، reject / one of: approve, reject"),
    (PaymentIn, {"gateway": "cash"}, "gateway",
     "واحدة من: paymob، fawry، sandbox / one of: paymob, fawry, sandbox"),
    (RefundIn, {"refund_reference": "-x", "note": "refunded at the gateway"}, "refund_reference",
     "الصيغة غير مقبولة / not in the accepted format"),
    (DevTokenIn, {"role": "citizen", "sub": ""}, "sub", "لا يقل عن 1 حرف / at least 1 characters"),
])
def test_each_pydantic_error_type_has_our_own_bilingual_words(model, data, field, expected):
    # GIVEN a body that breaks one rule of its schema WHEN it is validated
    fields = errors_of(model, data)
    # THEN the field names its path and says what is wrong, Arabic first, in our words
    assert fields[field] == expected, fields
    assert not any(word in message for message in fields.values() for word in PYDANTIC_WORDS)


@pytest.mark.parametrize("issue, expected", [
    ({"type": "greater_than", "loc": ("n",), "ctx": {"gt": 0}}, "يجب أن يكون أكبر من 0 / must be greater than 0"),
    ({"type": "greater_than_equal", "loc": ("n",), "ctx": {"ge": 1}}, "يجب ألا يقل عن 1 / must be at least 1"),
    ({"type": "less_than", "loc": ("n",), "ctx": {"lt": 9}}, "يجب أن يكون أقل من 9 / must be less than 9"),
    ({"type": "less_than_equal", "loc": ("n",), "ctx": {"le": 8}}, "يجب ألا يزيد على 8 / must be at most 8"),
    ({"type": "int_type", "loc": ("n",)}, "يجب أن يكون عددًا صحيحًا / must be a whole number"),
    ({"type": "bool_type", "loc": ("n",)}, "يجب أن يكون true أو false / must be true or false"),
    ({"type": "too_long", "loc": ("n",), "ctx": {"max_length": 3}}, "لا يزيد على 3 عنصر / at most 3 items"),
    ({"type": "enum", "loc": ("n",), "ctx": {"expected": "1 or 2"}}, "واحدة من: 1، 2 / one of: 1, 2"),
    ({"type": "a_code_pydantic_adds_later", "loc": ("n",), "msg": "Some English"}, "قيمة غير صالحة / invalid value"),
    ({"type": "string_too_long", "loc": ("n",), "ctx": {}}, "قيمة غير صالحة / invalid value"),
])
def test_every_code_and_the_unknown_ones_read_arabic_then_english(issue, expected):
    assert message_for(issue) == expected
    assert is_arabic_then_english(message_for(issue))


def test_an_error_on_the_whole_body_names_body():
    assert field_messages([{"type": "model_type", "loc": ()}]) == {
        "body": "يجب أن يكون كائن JSON / must be a JSON object"}


@pytest.mark.parametrize("token", ["garbage", "a.b.c", "eyJhbGciOiJub25lIn0.e30.", "expired"])
def test_a_refused_bearer_token_says_invalid_or_expired_and_nothing_of_the_library(token):
    # GIVEN the local issuer's settings and a token that is garbage, unsigned or expired
    settings = Settings(stage="local", region="eu-central-1", table_prefix="t-", files_bucket="b",
                        seal_key_ids=("alias/seal",), verify_base_url="http://v",
                        public_base_url="http://p", auth_mode="local", local_jwt_secret="x" * 40)
    if token == "expired":
        token = issue_local_token(settings, "citizen", "someone", ttl_seconds=-60)
    # WHEN it authenticates
    with pytest.raises(Unauthenticated) as refused:
        authenticate({"Authorization": f"Bearer {token}"}, settings)
    # THEN 401 with our bilingual words only
    body = refused.value.body()["error"]
    assert refused.value.status == 401
    assert body["message_en"] == "invalid or expired token"
    assert body["message_ar"] == "رمز الدخول غير صالح أو منتهي الصلاحية"
    assert jwt.__name__ not in str(body).lower() and "segments" not in str(body).lower()


def literal_field_messages() -> list[tuple[str, int, str]]:
    """Every field message written as a literal in `fields={...: "..."}` in chalicelib."""
    found = []
    for path in sorted((ROOT / "chalicelib").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.keyword) or node.arg != "fields" or not isinstance(node.value, ast.Dict):
                continue
            for value in node.value.values:
                text = _template(value)
                if text is not None:
                    found.append((str(path.relative_to(ROOT)), value.lineno, text))
    return found


def _template(node: ast.AST):
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(part.value if isinstance(part, ast.Constant) else "{}" for part in node.values)
    return None


def test_every_field_message_in_the_code_is_arabic_then_english():
    # GIVEN every field message the code writes as a literal
    messages = literal_field_messages()
    assert len(messages) > 20  # the walk finds them (a broken walk must not pass)
    # THEN each reads "Arabic / English", in that order
    wrong = [f"{path}:{line}: {text}" for path, line, text in messages if not is_arabic_then_english(text)]
    assert wrong == []
