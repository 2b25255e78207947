"""Validation rules for what citizens type into an application.

Pure rules: no AWS, no environment, no clock. Each rule either returns a cleaned value or raises
`FieldInvalid` with a bilingual message; the caller knows which field it was checking and attaches
the field path (e.g. ``applicant.national_id``) when it turns the error into `ValidationFailed`.
`validate_details` checks a whole object and raises `DetailsInvalid` listing every bad field, so a
citizen fixes the form in one round trip rather than one field at a time.
"""
from __future__ import annotations

import json
import math
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any, Container, Mapping, Optional, Sequence

from chalicelib.domain.geography import alexandria_map

# --------------------------------------------------------------------------------------------
# Errors


class FieldInvalid(ValueError):
    """One value broke one rule. `field` is set only by rules that check several sub-fields
    (e.g. `validate_site` says whether it was ``lat``, ``lng`` or ``address``)."""

    def __init__(self, message_en: str, message_ar: str, field: Optional[str] = None) -> None:
        super().__init__(message_en)
        self.message_en = message_en
        self.message_ar = message_ar
        self.field = field

    def bilingual(self) -> str:
        """The field message a client reads: Arabic, then English."""
        return f"{self.message_ar} / {self.message_en}"


class DetailsInvalid(ValueError):
    """Several fields of a `details` object are bad. `errors` maps field name -> (en, ar).
    The key "" stands for the details object itself (e.g. it was not an object at all)."""

    def __init__(self, errors: Mapping[str, tuple[str, str]]) -> None:
        super().__init__("; ".join(f"{name}: {en}" for name, (en, _ar) in errors.items()))
        self.errors: dict[str, tuple[str, str]] = dict(errors)


# --------------------------------------------------------------------------------------------
# Digits

# Arabic-Indic (U+0660..U+0669) and Eastern Arabic-Indic / Persian (U+06F0..U+06F9) digits:
# Arabic keyboards on phones type either, depending on the locale.
_DIGITS_TO_ASCII = str.maketrans(
    "٠١٢٣٤٥٦٧٨٩" "۰۱۲۳۴۵۶۷۸۹",
    "0123456789" "0123456789",
)


def normalise_digits(text: str) -> str:
    """Arabic-Indic and Persian digits -> ASCII digits; surrounding whitespace stripped."""
    if not isinstance(text, str):
        raise FieldInvalid("must be text", "يجب أن تكون القيمة نصًا")
    return text.translate(_DIGITS_TO_ASCII).strip()


def _digits_only(value: object, message_en: str, message_ar: str) -> str:
    """Normalise digits and drop the separators people type (spaces, dashes)."""
    if not isinstance(value, str):
        raise FieldInvalid(message_en, message_ar)
    return re.sub(r"[\s\-]", "", normalise_digits(value))


# --------------------------------------------------------------------------------------------
# Egyptian national ID

# Birth-governorate codes of the national ID (Civil Status Organization numbering; 88 = born
# abroad). Gaps (05-10, 20, 30) are not used.
GOVERNORATES: dict[str, tuple[str, str]] = {
    "01": ("Cairo", "القاهرة"),
    "02": ("Alexandria", "الإسكندرية"),
    "03": ("Port Said", "بورسعيد"),
    "04": ("Suez", "السويس"),
    "11": ("Damietta", "دمياط"),
    "12": ("Dakahlia", "الدقهلية"),
    "13": ("Sharqia", "الشرقية"),
    "14": ("Qalyubia", "القليوبية"),
    "15": ("Kafr El Sheikh", "كفر الشيخ"),
    "16": ("Gharbia", "الغربية"),
    "17": ("Monufia", "المنوفية"),
    "18": ("Beheira", "البحيرة"),
    "19": ("Ismailia", "الإسماعيلية"),
    "21": ("Giza", "الجيزة"),
    "22": ("Beni Suef", "بني سويف"),
    "23": ("Fayoum", "الفيوم"),
    "24": ("Minya", "المنيا"),
    "25": ("Assiut", "أسيوط"),
    "26": ("Sohag", "سوهاج"),
    "27": ("Qena", "قنا"),
    "28": ("Aswan", "أسوان"),
    "29": ("Luxor", "الأقصر"),
    "31": ("Red Sea", "البحر الأحمر"),
    "32": ("New Valley", "الوادي الجديد"),
    "33": ("Matrouh", "مطروح"),
    "34": ("North Sinai", "شمال سيناء"),
    "35": ("South Sinai", "جنوب سيناء"),
    "88": ("Born abroad", "مواليد الخارج"),
}

_CENTURY_START = {"2": 1900, "3": 2000}
_NATIONAL_ID = re.compile(r"[0-9]{14}")


@dataclass(frozen=True)
class NationalId:
    value: str  # the 14 ASCII digits
    birth_date: date
    governorate_code: str
    is_male: bool


def parse_national_id(value: str, today: date) -> NationalId:
    """Check an Egyptian national ID (C YYMMDD GG SSSS X) and read what it encodes.

    `today` is the Africa/Cairo business date, passed in so the rule never reads a clock.
    The 14th digit X is a check digit, but the Ministry of Interior has never published its
    algorithm; the formulas found online are guesses, so it is deliberately NOT verified here
    (a wrong guess would reject real citizens).
    """
    digits = _digits_only(value, "national ID must be 14 digits", "الرقم القومي يجب أن يكون 14 رقمًا")
    if not _NATIONAL_ID.fullmatch(digits):
        raise FieldInvalid("national ID must be 14 digits", "الرقم القومي يجب أن يكون 14 رقمًا")
    birth_date = _national_id_birth_date(digits)
    if birth_date > today:
        raise FieldInvalid(
            "national ID birth date is in the future",
            "تاريخ الميلاد في الرقم القومي في المستقبل",
        )
    governorate_code = digits[7:9]
    if governorate_code not in GOVERNORATES:
        raise FieldInvalid(
            f"national ID has an unknown governorate code {governorate_code}",
            f"كود المحافظة في الرقم القومي ({governorate_code}) غير معروف",
        )
    # The 13th digit is the last of the sequence number: odd for men, even for women.
    is_male = int(digits[12]) % 2 == 1
    return NationalId(value=digits, birth_date=birth_date,
                      governorate_code=governorate_code, is_male=is_male)


def _national_id_birth_date(digits: str) -> date:
    century_start = _CENTURY_START.get(digits[0])
    if century_start is None:
        raise FieldInvalid(
            "national ID must start with 2 (born 1900-1999) or 3 (born 2000-2099)",
            "الرقم القومي يجب أن يبدأ بـ 2 (مواليد 1900-1999) أو 3 (مواليد 2000-2099)",
        )
    year = century_start + int(digits[1:3])
    try:
        return date(year, int(digits[3:5]), int(digits[5:7]))
    except ValueError:
        raise FieldInvalid(
            "national ID contains an impossible birth date",
            "تاريخ الميلاد في الرقم القومي غير صحيح",
        ) from None


# --------------------------------------------------------------------------------------------
# Mobile numbers

# Operators' mobile prefixes after the trunk 0: Vodafone 010, e& (Etisalat) 011, Orange 012, WE 015.
MOBILE_OPERATOR_PREFIXES: dict[str, str] = {"10": "Vodafone", "11": "e&", "12": "Orange", "15": "WE"}
# National (0...), international with +20, 0020, or a bare 20; the subscriber part is 1 + 9 digits.
_MOBILE = re.compile(r"(?:\+20|0020|20|0)(1[0-9]{9})")


def normalise_mobile(value: str) -> str:
    """An Egyptian mobile number, as typed, -> E.164 ``+201XXXXXXXXX``."""
    shape_en = "mobile must be an Egyptian mobile number of 11 digits starting with 01, e.g. 01012345678"
    shape_ar = "رقم المحمول يجب أن يكون رقمًا مصريًا من 11 رقمًا يبدأ بـ 01، مثل 01012345678"
    digits = _digits_only(value, shape_en, shape_ar)
    match = _MOBILE.fullmatch(digits)
    if match is None:
        raise FieldInvalid(shape_en, shape_ar)
    subscriber = match.group(1)
    if subscriber[:2] not in MOBILE_OPERATOR_PREFIXES:
        raise FieldInvalid(
            "mobile must start with 010, 011, 012 or 015",
            "رقم المحمول يجب أن يبدأ بـ 010 أو 011 أو 012 أو 015",
        )
    return "+20" + subscriber


# --------------------------------------------------------------------------------------------
# Free text and names

# Characters nobody sees: controls (Cc), format characters (Cf: zero-width spaces and joiners,
# bidi embeddings/overrides/isolates and marks, the BOM, tag characters), lone surrogates (Cs),
# private-use (Co) and unassigned (Cn) code points. They let a name or an address printed on a
# licence read differently from what was stored ("Trojan Source"), or hide text in plain sight.
_INVISIBLE_CATEGORIES = frozenset(("Cc", "Cf", "Cs", "Co", "Cn"))
# Arabic stacks at most a shadda and a vowel (and rarely a superscript alef) on one letter;
# more than this is "Zalgo" text that overflows the lines around it.
MAX_COMBINING_RUN = 3


def refuse_hidden_characters(text: str) -> None:
    """FieldInvalid if `text` holds an invisible or control character, or more than
    MAX_COMBINING_RUN combining marks in a row."""
    run = 0
    for char in text:
        category = unicodedata.category(char)
        if category in _INVISIBLE_CATEGORIES:
            raise FieldInvalid(
                f"must not contain invisible or control characters (U+{ord(char):04X})",
                f"يجب ألا يحتوي النص على رموز خفية أو رموز تحكم (U+{ord(char):04X})")
        run = run + 1 if category[0] == "M" else 0
        if run > MAX_COMBINING_RUN:
            raise FieldInvalid(
                f"must not stack more than {MAX_COMBINING_RUN} marks on one letter",
                f"يجب ألا يحمل الحرف الواحد أكثر من {MAX_COMBINING_RUN} علامات تشكيل")


def free_text(value: object, field_max: int) -> str:
    """Optional free text (a reason, a note): NFC, whitespace collapsed, nothing hidden; may be
    empty."""
    if not isinstance(value, str):
        raise FieldInvalid("must be text", "يجب أن تكون القيمة نصًا")
    text = " ".join(unicodedata.normalize("NFC", value).split())
    refuse_hidden_characters(text)
    if len(text) > field_max:
        raise FieldInvalid(f"must be at most {field_max} characters",
                           f"يجب ألا يزيد عن {field_max} حرفًا")
    return text


def clean_text(value: object, field_max: int, field_min: int = 1) -> str:
    """Trim, collapse runs of whitespace to one space, NFC-normalise and check the length.

    Refuses what nobody sees (`refuse_hidden_characters`). Newlines and tabs are whitespace,
    so they collapse into a space.
    """
    text = free_text(value, field_max=field_max)
    if not text:
        raise FieldInvalid("must not be empty", "يجب ألا يكون فارغًا")
    if len(text) < field_min:
        raise FieldInvalid(f"must be at least {field_min} characters",
                           f"يجب ألا يقل عن {field_min} حروف")
    return text


_PRINTABLE_FILE = Path(__file__).resolve().parent.parent / "data" / "fonts" / "printable.json"


@lru_cache(maxsize=1)
def printable_code_points() -> frozenset[int]:
    """The code points the paper copy's fonts can draw, as inclusive ranges in packaged data
    (chalicelib/data/fonts/printable.json, read from the fonts' cmaps; a test keeps it equal)."""
    ranges = json.loads(_PRINTABLE_FILE.read_text(encoding="utf-8"))["ranges"]
    return frozenset(c for low, high in ranges for c in range(low, high + 1))


def refuse_unprintable(text: str, printable: Container[int], field: Optional[str] = None) -> None:
    """FieldInvalid naming the characters of `text` outside `printable` (the code points the
    paper copy's fonts have glyphs for): refused now rather than silently dropped on paper."""
    missing = sorted({char for char in text if not char.isspace() and ord(char) not in printable})
    if missing:
        shown = " ".join(f"U+{ord(char):04X}" for char in missing[:5])
        raise FieldInvalid(f"contains characters the printed licence cannot show: {shown}",
                           f"يحتوي على رموز لا يمكن طباعتها على الرخصة: {shown}", field=field)


# Letters (and the combining marks of Arabic diacritics) of the Arabic and Latin scripts.
_NAME_SCRIPT_RANGES = (
    (0x0041, 0x005A), (0x0061, 0x007A),  # basic Latin
    (0x00C0, 0x024F),  # Latin-1 supplement letters, Latin Extended-A/B (é, ç, ö...)
    (0x0600, 0x06FF), (0x0750, 0x077F),  # Arabic, Arabic Supplement
    (0xFB50, 0xFDFF), (0xFE70, 0xFEFF),  # Arabic presentation forms
)
_NAME_JOINERS = re.compile(r"[-'\u2019]")  # hyphen, apostrophe, right single quote (O’Brien)


def _is_name_letter(char: str) -> bool:
    in_script = any(low <= ord(char) <= high for low, high in _NAME_SCRIPT_RANGES)
    # The ranges also hold digits (٣), punctuation (، ؟) and ×/÷: only letters and marks count.
    return in_script and unicodedata.category(char)[0] in ("L", "M")


def validate_person_name(value: object) -> str:
    """A person's full name: 2..100 characters, at least two words, Arabic or Latin letters;
    inside a word, single hyphens and apostrophes join letters (Abdel-Rahman, O'Neil)."""
    text = clean_text(value, field_max=100, field_min=2)
    words = text.split(" ")
    bad_en = "name may contain only Arabic or Latin letters, spaces, hyphens and apostrophes"
    bad_ar = "الاسم يجب أن يحتوي على حروف عربية أو لاتينية ومسافات وشرطة وفاصلة عليا فقط"
    for word in words:
        parts = _NAME_JOINERS.split(word)
        if not all(part and all(_is_name_letter(c) for c in part) for part in parts):
            raise FieldInvalid(bad_en, bad_ar)
        if unicodedata.category(parts[0][0])[0] != "L":  # a word cannot start with a diacritic
            raise FieldInvalid(bad_en, bad_ar)
    if len(words) < 2:
        raise FieldInvalid("name must have at least two words (first name and father's name)",
                           "الاسم يجب أن يتكون من كلمتين على الأقل (الاسم واسم الأب)")
    return text


# --------------------------------------------------------------------------------------------
# Site: coordinates inside Alexandria governorate, and an address

ADDRESS_MIN, ADDRESS_MAX = 5, 300


@dataclass(frozen=True)
class Site:
    lat: float
    lng: float
    address: str


def _is_real_number(value: object) -> bool:
    # bool is an int subclass: `True` must not pass as the coordinate 1.0.
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _is_finite(value: int | float) -> bool:
    # math.isfinite(10**400) raises OverflowError; an int is always finite.
    return isinstance(value, int) or math.isfinite(value)


def _format_number(value: float) -> str:
    """1000000.0 -> "1000000", 2.5 -> "2.5" (":g" would print 1e+06 to a citizen)."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def site_in_alexandria(lat: float, lng: float) -> bool:
    """True when the point is inside Alexandria governorate's boundary (geoBoundaries' Egypt
    ADM1, see chalicelib/domain/geography.py and docs/map.md)."""
    if not (_is_real_number(lat) and _is_real_number(lng)):
        return False
    if not (-90 <= lat <= 90 and -180 <= lng <= 180):  # also rules out NaN and inf
        return False
    return alexandria_map().governorate.contains(float(lat), float(lng))


def coordinate(value: object, name: str, low: float, high: float) -> float:
    """A latitude or longitude: a finite JSON number within [low, high]; FieldInvalid names it."""
    label_ar = "خط العرض" if name == "lat" else "خط الطول"
    if not _is_real_number(value) or not _is_finite(value):  # type: ignore[arg-type]
        raise FieldInvalid(f"{name} must be a number", f"{label_ar} يجب أن يكون رقمًا", field=name)
    if not low <= value <= high:  # type: ignore[operator]
        raise FieldInvalid(f"{name} must be between {low:g} and {high:g}",
                           f"{label_ar} يجب أن يكون بين {low:g} و{high:g}", field=name)
    return float(value)  # type: ignore[arg-type]


def validate_site(lat: object, lng: object, address: object) -> Site:
    """A licence site: real coordinates inside Alexandria governorate, and a postal address.
    The FieldInvalid's `field` names the culprit: "lat", "lng", "address", or None when the
    point as a whole is outside the governorate."""
    lat_value = coordinate(lat, "lat", -90.0, 90.0)
    lng_value = coordinate(lng, "lng", -180.0, 180.0)
    if not site_in_alexandria(lat_value, lng_value):
        raise FieldInvalid("site must be inside Alexandria governorate",
                           "يجب أن يكون الموقع داخل محافظة الإسكندرية", field=None)
    try:
        clean_address = clean_text(address, field_max=ADDRESS_MAX, field_min=ADDRESS_MIN)
    except FieldInvalid as error:
        raise FieldInvalid(f"address {error.message_en}", f"العنوان: {error.message_ar}",
                           field="address") from None
    return Site(lat=lat_value, lng=lng_value, address=clean_address)


# --------------------------------------------------------------------------------------------
# Service-specific details

FIELD_TYPES = ("number", "integer", "string", "enum", "boolean")
# DynamoDB numbers and JavaScript clients both lose precision past 2**53; no licence detail
# (an area, a count, a height) comes near it, so anything larger is a typo or an attack.
MAX_ABS_NUMBER = 2 ** 53


@dataclass(frozen=True)
class FieldSpec:
    name: str
    type: str  # one of FIELD_TYPES
    label_ar: str
    label_en: str
    required: bool = True
    min: Optional[float] = None
    max: Optional[float] = None
    choices: tuple[str, ...] = field(default=())
    max_length: int = 200

    def __post_init__(self) -> None:
        # A bad spec is a bug in the catalogue, not bad citizen input: fail loudly at load time.
        if self.type not in FIELD_TYPES:
            raise ValueError(f"field {self.name!r}: unknown type {self.type!r}")
        if self.type == "enum" and not self.choices:
            raise ValueError(f"field {self.name!r}: an enum needs choices")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"field {self.name!r}: min > max")


def validate_details(kind_fields: Sequence[FieldSpec], details: Mapping[str, Any]) -> dict:
    """Check `details` against the service's field specs; return the cleaned values.

    Raises DetailsInvalid naming EVERY bad field: unknown, missing, wrong type, out of range,
    too long, not one of the choices. Absent (or null) optional fields are left out.
    """
    if not isinstance(details, Mapping):
        raise DetailsInvalid({"": ("details must be an object", "التفاصيل يجب أن تكون كائنًا")})
    specs = {spec.name: spec for spec in kind_fields}
    errors: dict[str, tuple[str, str]] = {}
    for key in details:
        if key not in specs:
            errors[str(key)] = ("unknown field", "حقل غير معروف")
    cleaned: dict[str, Any] = {}
    for spec in kind_fields:
        try:
            value = _clean_detail(spec, details.get(spec.name))
        except FieldInvalid as error:
            errors[spec.name] = (f"{spec.label_en}: {error.message_en}",
                                 f"{spec.label_ar}: {error.message_ar}")
            continue
        if value is not None:
            cleaned[spec.name] = value
    if errors:
        raise DetailsInvalid(errors)
    return cleaned


def _clean_detail(spec: FieldSpec, raw: Any) -> Any:
    """The cleaned value, or None when an optional field is absent."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if spec.required:
            raise FieldInvalid("required", "مطلوب")
        return None
    if spec.type == "boolean":
        if not isinstance(raw, bool):
            raise FieldInvalid("must be true or false", "يجب أن تكون القيمة نعم أو لا")
        return raw
    if spec.type == "string":
        return clean_text(raw, field_max=spec.max_length)
    if spec.type == "enum":
        return _clean_choice(spec, raw)
    return _clean_number(spec, raw)


def _clean_choice(spec: FieldSpec, raw: Any) -> str:
    if not isinstance(raw, str) or raw.strip() not in spec.choices:
        allowed = ", ".join(spec.choices)
        raise FieldInvalid(f"must be one of: {allowed}", f"يجب أن تكون إحدى القيم: {allowed}")
    return raw.strip()


def _clean_number(spec: FieldSpec, raw: Any) -> float | int:
    # Strings such as "5" are refused on purpose: the client sends JSON numbers, and accepting
    # text here would hide client bugs and make "5" and 5 two different stored values.
    if not _is_real_number(raw):
        raise FieldInvalid("must be a number", "يجب أن تكون القيمة رقمًا")
    if not _is_finite(raw) or abs(raw) > MAX_ABS_NUMBER:
        raise FieldInvalid("must be a finite number of sensible size", "يجب أن تكون القيمة رقمًا محدودًا معقولًا")
    value: float | int = raw
    if spec.type == "integer":
        if isinstance(raw, float) and not raw.is_integer():
            raise FieldInvalid("must be a whole number", "يجب أن تكون القيمة عددًا صحيحًا")
        value = int(raw)  # 5.0 -> 5: some JSON encoders write whole numbers with ".0"
    if spec.min is not None and value < spec.min:
        low = _format_number(spec.min)
        raise FieldInvalid(f"must be at least {low}", f"يجب ألا تقل القيمة عن {low}")
    if spec.max is not None and value > spec.max:
        high = _format_number(spec.max)
        raise FieldInvalid(f"must be at most {high}", f"يجب ألا تزيد القيمة عن {high}")
    return value
