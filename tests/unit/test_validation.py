"""Unit tests of the citizen-input validation rules (pure, no I/O beyond the bundled boundary).
Where a point lies (landmarks, districts) is tested in test_geography.py."""
from __future__ import annotations

import math
from datetime import date

import pytest

from chalicelib.domain.validation import (
    GOVERNORATES,
    DetailsInvalid,
    FieldInvalid,
    FieldSpec,
    NationalId,
    Site,
    clean_text,
    free_text,
    normalise_digits,
    normalise_mobile,
    parse_national_id,
    refuse_unprintable,
    site_in_alexandria,
    validate_details,
    validate_person_name,
    validate_site,
)

TODAY = date(2024, 6, 15)
ARABIC_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


def national_id(century: str = "2", yymmdd: str = "900115", gov: str = "02",
                sequence: str = "0123", check: str = "4") -> str:
    """Build a 14-digit ID from its parts; the 4th sequence digit is the sex digit."""
    return century + yymmdd + gov + sequence + check


# ---------------------------------------------------------------------------------- digits


@pytest.mark.parametrize("typed, expected", [
    ("٠١٢٣٤٥٦٧٨٩", "0123456789"),      # Arabic-Indic
    ("۰۱۲۳۴۵۶۷۸۹", "0123456789"),      # Eastern Arabic-Indic / Persian
    ("  12٣۴ \n", "1234"),               # mixed, with surrounding whitespace
    ("شارع ٤٥", "شارع 45"),             # letters untouched
    ("", ""),
])
def test_normalise_digits_converts_arabic_and_persian_digits(typed: str, expected: str) -> None:
    # GIVEN text typed on an Arabic or Persian keyboard WHEN normalised THEN digits are ASCII
    assert normalise_digits(typed) == expected


def test_normalise_digits_rejects_non_text() -> None:
    # GIVEN a number instead of text WHEN normalised THEN it is a field error, not a crash
    with pytest.raises(FieldInvalid):
        normalise_digits(123)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------- national ID


@pytest.mark.parametrize("value, birth, gov, male", [
    (national_id("2", "900115", "02", "0123"), date(1990, 1, 15), "02", True),
    (national_id("2", "900115", "01", "0122"), date(1990, 1, 15), "01", False),
    (national_id("3", "010203", "88", "0019"), date(2001, 2, 3), "88", True),
    (national_id("3", "000229", "21", "0010"), date(2000, 2, 29), "21", False),   # 2000 is leap
    (national_id("2", "960229", "35", "0001"), date(1996, 2, 29), "35", True),    # 1996 is leap
    (national_id("2", "001231", "18", "0001"), date(1900, 12, 31), "18", True),   # 1900 century
    (national_id("3", "240615", "02", "0001"), TODAY, "02", True),               # born today
])
def test_parse_national_id_reads_birth_date_governorate_and_sex(
        value: str, birth: date, gov: str, male: bool) -> None:
    # GIVEN a well-formed ID WHEN parsed THEN the encoded facts come out
    parsed = parse_national_id(value, today=TODAY)
    assert parsed == NationalId(value=value, birth_date=birth, governorate_code=gov, is_male=male)


@pytest.mark.parametrize("digits", [ARABIC_DIGITS, PERSIAN_DIGITS])
def test_parse_national_id_accepts_arabic_digits_spaces_and_dashes(digits: dict) -> None:
    # GIVEN an ID typed in Arabic or Persian digits, grouped with spaces and dashes
    typed = " 2900115-02 01234 ".translate(digits)
    assert not any(c in "0123456789" for c in typed)
    # WHEN parsed THEN it is stored as 14 ASCII digits
    parsed = parse_national_id(typed, today=TODAY)
    assert parsed.value == "29001150201234"
    assert parsed.birth_date == date(1990, 1, 15)


@pytest.mark.parametrize("value, message_fragment", [
    ("2900115020123", "14 digits"),                       # 13 digits
    ("290011502012345", "14 digits"),                     # 15 digits
    ("2900115020123x", "14 digits"),                      # a letter
    ("", "14 digits"),
    ("२९००११५०२०१२३४", "14 digits"),                      # Devanagari digits are not ours
    (national_id(century="1"), "start with 2"),           # 1800s: no living citizen
    (national_id(century="4"), "start with 2"),           # 2100s
    (national_id(century="0"), "start with 2"),
    (national_id(yymmdd="010229"), "impossible birth date"),   # 2001 not leap (century 2 -> 1901)
    (national_id(century="3", yymmdd="230229"), "impossible birth date"),  # 2023 not leap
    (national_id(century="2", yymmdd="000229"), "impossible birth date"),  # 1900 not leap
    (national_id(yymmdd="901301"), "impossible birth date"),   # month 13
    (national_id(yymmdd="900001"), "impossible birth date"),   # month 0
    (national_id(yymmdd="900100"), "impossible birth date"),   # day 0
    (national_id(yymmdd="900431"), "impossible birth date"),   # 31 April
    (national_id(century="3", yymmdd="240616"), "future"),     # tomorrow
    (national_id(century="3", yymmdd="991231"), "future"),
    (national_id(gov="99"), "governorate code 99"),
    (national_id(gov="05"), "governorate code 05"),
    (national_id(gov="20"), "governorate code 20"),
    (national_id(gov="00"), "governorate code 00"),
])
def test_parse_national_id_rejects(value: str, message_fragment: str) -> None:
    # GIVEN a malformed ID WHEN parsed THEN a specific bilingual error says why
    with pytest.raises(FieldInvalid) as caught:
        parse_national_id(value, today=TODAY)
    assert message_fragment in caught.value.message_en
    assert caught.value.message_ar  # Arabic always present
    assert "الرقم القومي" in caught.value.message_ar


@pytest.mark.parametrize("value", [None, 29001150201234, ["29001150201234"]])
def test_parse_national_id_rejects_non_text(value: object) -> None:
    # GIVEN JSON that sent the ID as a number or a list WHEN parsed THEN a 14-digit message
    with pytest.raises(FieldInvalid, match="14 digits"):
        parse_national_id(value, today=TODAY)  # type: ignore[arg-type]


def test_parse_national_id_does_not_check_the_unpublished_check_digit() -> None:
    # GIVEN the same ID with every possible last digit WHEN parsed THEN all are accepted,
    # because the check-digit algorithm is not published and must not be guessed
    for check in "0123456789":
        assert parse_national_id(national_id(check=check), today=TODAY).value.endswith(check)


def test_governorate_list_matches_the_official_codes() -> None:
    # GIVEN the official code list WHEN compared THEN there are 27 governorates plus 88 abroad
    assert sorted(GOVERNORATES) == [
        "01", "02", "03", "04", "11", "12", "13", "14", "15", "16", "17", "18", "19",
        "21", "22", "23", "24", "25", "26", "27", "28", "29", "31", "32", "33", "34", "35", "88"]
    assert GOVERNORATES["02"] == ("Alexandria", "الإسكندرية")


# ---------------------------------------------------------------------------------- mobile


@pytest.mark.parametrize("typed, expected", [
    ("01012345678", "+201012345678"),           # Vodafone
    ("01112345678", "+201112345678"),           # e&
    ("01212345678", "+201212345678"),           # Orange
    ("01512345678", "+201512345678"),           # WE
    ("201012345678", "+201012345678"),
    ("+201012345678", "+201012345678"),
    ("00201012345678", "+201012345678"),
    ("010 1234 5678", "+201012345678"),
    ("010-1234-5678", "+201012345678"),
    ("+20 10 1234-5678", "+201012345678"),
    ("٠١٠١٢٣٤٥٦٧٨", "+201012345678"),           # Arabic-Indic digits
    ("۰۱۲۱۲۳۴۵۶۷۸", "+201212345678"),           # Persian digits
    ("  ٠١٥ ١٢٣ ٤٥٦٧٨ ", "+201512345678"),
])
def test_normalise_mobile_to_e164(typed: str, expected: str) -> None:
    # GIVEN a mobile number as citizens type it WHEN normalised THEN it is E.164
    assert normalise_mobile(typed) == expected


@pytest.mark.parametrize("typed, message_fragment", [
    ("01312345678", "010, 011, 012 or 015"),    # no operator 013
    ("01412345678", "010, 011, 012 or 015"),
    ("01912345678", "010, 011, 012 or 015"),
    ("+201612345678", "010, 011, 012 or 015"),
    ("0101234567", "11 digits"),                # 10 digits
    ("010123456789", "11 digits"),              # 12 digits
    ("0223456789", "11 digits"),                # Cairo landline
    ("+2021234567", "11 digits"),
    ("+96650123456", "11 digits"),              # Saudi number
    ("1012345678", "11 digits"),                # no trunk 0
    ("+2001012345678", "11 digits"),            # trunk 0 kept after the country code
    ("0101234567a", "11 digits"),
    ("", "11 digits"),
    ("+", "11 digits"),
])
def test_normalise_mobile_rejects(typed: str, message_fragment: str) -> None:
    # GIVEN a number that is not an Egyptian mobile WHEN normalised THEN a specific error
    with pytest.raises(FieldInvalid) as caught:
        normalise_mobile(typed)
    assert message_fragment in caught.value.message_en
    assert "رقم المحمول" in caught.value.message_ar


def test_normalise_mobile_rejects_a_json_number() -> None:
    # GIVEN the number sent as a JSON integer (leading 0 lost) WHEN normalised THEN rejected
    with pytest.raises(FieldInvalid):
        normalise_mobile(1012345678)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------- site


@pytest.mark.parametrize("lat, lng", [
    (math.nan, 29.9), (31.2, math.nan), (math.inf, 29.9), (31.2, -math.inf),
    (True, 29.9), (31.2, False), ("31.2", 29.9), (None, 29.9), (10 ** 400, 29.9),
])
def test_site_in_alexandria_is_false_for_non_numbers(lat: object, lng: object) -> None:
    # GIVEN something that is not a finite coordinate WHEN checked THEN False, never a crash
    assert site_in_alexandria(lat, lng) is False  # type: ignore[arg-type]


def test_site_in_alexandria_uses_the_open_data_boundary() -> None:
    # GIVEN the two points the hand-drawn ring got wrong (issue 14) WHEN checked
    # THEN Agamy's beachfront is inside and the open sea west of Agamy is outside
    assert site_in_alexandria(31.12, 29.78)
    assert not site_in_alexandria(30.98, 29.47)


def test_validate_site_returns_cleaned_site() -> None:
    # GIVEN a real Alexandria site with an untidy address WHEN validated THEN a clean Site
    site = validate_site(31.2089, 29.9092, "  مكتبة الإسكندرية،   الشاطبي \n ")
    assert site == Site(lat=31.2089, lng=29.9092, address="مكتبة الإسكندرية، الشاطبي")


def test_validate_site_treats_integer_coordinates_as_numbers() -> None:
    # GIVEN integral coordinates (no whole-degree point lies inside Alexandria)
    # WHEN validated THEN they pass the type check and fail only the boundary check
    with pytest.raises(FieldInvalid) as caught:
        validate_site(31, 30, "an address")
    assert caught.value.field is None
    assert "inside Alexandria" in caught.value.message_en


@pytest.mark.parametrize("lat, lng, address, field, fragment", [
    (True, 29.9, "Raml station", "lat", "lat must be a number"),
    (31.2, False, "Raml station", "lng", "lng must be a number"),
    ("31.2", 29.9, "Raml station", "lat", "lat must be a number"),
    (31.2, None, "Raml station", "lng", "lng must be a number"),
    (math.nan, 29.9, "Raml station", "lat", "lat must be a number"),
    (31.2, math.inf, "Raml station", "lng", "lng must be a number"),
    (91.0, 29.9, "Raml station", "lat", "between -90 and 90"),
    (31.2, 181.0, "Raml station", "lng", "between -180 and 180"),
    (10 ** 400, 29.9, "Raml station", "lat", "between -90 and 90"),
    (30.0444, 31.2357, "Tahrir Square", None, "inside Alexandria"),
    (31.5, 29.9, "in the sea", None, "inside Alexandria"),
    (31.2089, 29.9092, "   ", "address", "empty"),
    (31.2089, 29.9092, "abcd", "address", "at least 5"),
    (31.2089, 29.9092, "x" * 301, "address", "at most 300"),
    (31.2089, 29.9092, None, "address", "must be text"),
    (31.2089, 29.9092, "Raml\x00station", "address", "control characters"),
])
def test_validate_site_rejects(lat: object, lng: object, address: object,
                               field: str | None, fragment: str) -> None:
    # GIVEN a bad site WHEN validated THEN the error names the sub-field and says why
    with pytest.raises(FieldInvalid) as caught:
        validate_site(lat, lng, address)
    assert caught.value.field == field
    assert fragment in caught.value.message_en
    assert caught.value.message_ar


def test_validate_site_address_length_boundaries() -> None:
    # GIVEN addresses of exactly 5 and 300 characters WHEN validated THEN both are accepted
    assert validate_site(31.2089, 29.9092, "abcde").address == "abcde"
    assert len(validate_site(31.2089, 29.9092, "y" * 300).address) == 300


# ---------------------------------------------------------------------------------- text, names


@pytest.mark.parametrize("typed, expected", [
    ("  Shop   on\tthe\ncorner ", "Shop on the corner"),
    ("محل   بقالة", "محل بقالة"),
    ("Cafe\u0301", "Café"),                     # NFC: e + combining acute -> é
    ("ok", "ok"),
])
def test_clean_text_trims_and_collapses(typed: str, expected: str) -> None:
    # GIVEN untidy text WHEN cleaned THEN single-spaced, trimmed, NFC
    assert clean_text(typed, 100) == expected


@pytest.mark.parametrize("value, field_max, fragment", [
    ("bad\x00byte", 100, "control characters"),
    ("bell\x07", 100, "control characters"),
    ("del\x7f", 100, "control characters"),
    ("c1\x9bcontrol", 100, "control characters"),      # C1 CSI (NEL \x85 is whitespace)
    ("flip\u202eeman", 100, "control characters"),     # right-to-left override
    ("iso\u2067late", 100, "control characters"),
    ("lone\ud800surrogate", 100, "control characters"),
    ("", 100, "empty"),
    (" \t\n ", 100, "empty"),
    ("abcdef", 5, "at most 5"),
    (42, 100, "text"),
    (None, 100, "text"),
])
def test_clean_text_rejects(value: object, field_max: int, fragment: str) -> None:
    # GIVEN text with hidden characters, nothing, or too much WHEN cleaned THEN rejected
    with pytest.raises(FieldInvalid) as caught:
        clean_text(value, field_max)
    assert fragment in caught.value.message_en


@pytest.mark.parametrize("hidden", [
    "\u200b",  # zero-width space
    "\u200c", "\u200d",  # zero-width non-joiner / joiner: two identical-looking names differ
    "\u200e", "\u200f", "\u061c",  # left-to-right, right-to-left and Arabic letter marks
    "\u2066", "\u202b",  # bidi isolate and embedding
    "\ufeff",  # byte order mark (zero-width no-break space)
    "\u2060", "\u00ad",  # word joiner, soft hyphen
    "\U000e0041", "\U000e007f",  # tag characters (hidden text, "ASCII smuggling")
    "\ue000", "\U000f0000",  # private use
    "\u0378",  # unassigned
])
def test_clean_text_refuses_what_nobody_sees(hidden: str) -> None:
    # GIVEN an address with one invisible character inside it WHEN cleaned THEN refused
    with pytest.raises(FieldInvalid) as caught:
        clean_text(f"شارع فؤاد{hidden} 12", 100)
    assert f"U+{ord(hidden):04X}" in caught.value.message_en
    assert "invisible or control characters" in caught.value.message_en
    assert "رموز خفية" in caught.value.message_ar


def test_clean_text_normalises_to_nfc_and_bounds_stacked_marks() -> None:
    # GIVEN a decomposed é and Arabic letters with a shadda and a vowel
    assert clean_text("Cafe\u0301 مُحَمَّد", 50) == "Café مُحَمَّد"
    # AND three marks on one letter are allowed, four are not, sixty are not
    assert clean_text("ب\u064e\u0651\u0670 علي", 50) == "ب\u064e\u0651\u0670 علي"
    for marks in (4, 60):
        with pytest.raises(FieldInvalid) as caught:
            clean_text("ب" + "\u0651" * marks + " علي", 200)
        assert "marks on one letter" in caught.value.message_en


def test_a_name_with_stacked_diacritics_is_refused() -> None:
    with pytest.raises(FieldInvalid):
        validate_person_name("محمد" + "\u064b" * 60 + " علي")


def test_free_text_may_be_empty_but_hides_nothing() -> None:
    assert free_text("  ", 10) == ""
    assert free_text(" the   lease\n is missing ", 100) == "the lease is missing"
    with pytest.raises(FieldInvalid):
        free_text("ok\u202e", 100)


def test_unprintable_characters_are_named() -> None:
    printable = {ord(c) for c in "abc "}
    refuse_unprintable("abc cab", printable)
    with pytest.raises(FieldInvalid) as caught:
        refuse_unprintable("ab😀c", printable, field="address")
    assert caught.value.field == "address" and "U+1F600" in caught.value.message_en


@pytest.mark.parametrize("typed, expected", [
    ("محمد أحمد", "محمد أحمد"),
    ("  محمد   أحمد  علي ", "محمد أحمد علي"),
    ("عبد الرحمن محمود", "عبد الرحمن محمود"),
    ("مُحَمَّد عَلِي", "مُحَمَّد عَلِي"),                 # with diacritics (tashkeel)
    ("Mohamed Ahmed", "Mohamed Ahmed"),
    ("Abdel-Rahman O'Neil", "Abdel-Rahman O'Neil"),
    ("Ahmed O\u2019Brien", "Ahmed O\u2019Brien"),
    ("Hélène Chérif", "Hélène Chérif"),
    ("Mohamed محمد", "Mohamed محمد"),
    ("Al Al", "Al Al"),
])
def test_validate_person_name_accepts(typed: str, expected: str) -> None:
    # GIVEN a real-looking full name WHEN validated THEN it is returned cleaned
    assert validate_person_name(typed) == expected


@pytest.mark.parametrize("typed, fragment", [
    ("محمد", "two words"),
    ("Mohamed", "two words"),
    ("A", "at least 2"),
    ("Mohamed Ahmed 3", "letters"),
    ("محمد ٣", "letters"),                      # Arabic-Indic digit
    ("Mohamed_Ahmed Ali", "letters"),
    ("Mohamed -Ali", "letters"),               # hyphen not joining letters
    ("Mohamed Ali-", "letters"),
    ("Mohamed Ali--Hassan", "letters"),
    ("Mohamed 'Ali", "letters"),
    ("محمد، أحمد", "letters"),                  # Arabic comma
    ("Иван Петров", "letters"),                 # Cyrillic
    ("Mohamed Ali 😀", "letters"),
    ("\u064eمحمد علي", "letters"),             # starts with a diacritic
    ("Mohamed <script>", "letters"),
    ("a" * 50 + " " + "b" * 50, "at most 100"),
    (None, "text"),
])
def test_validate_person_name_rejects(typed: object, fragment: str) -> None:
    # GIVEN something that is not a person's full name WHEN validated THEN rejected
    with pytest.raises(FieldInvalid) as caught:
        validate_person_name(typed)
    assert fragment in caught.value.message_en
    assert caught.value.message_ar


def test_validate_person_name_length_boundary() -> None:
    # GIVEN a name of exactly 100 characters WHEN validated THEN accepted
    name = "a" * 49 + " " + "b" * 50
    assert validate_person_name(name) == name


# ---------------------------------------------------------------------------------- details

SHOP_FIELDS = [
    FieldSpec("area_m2", "number", "مساحة المحل", "Shop area (m²)", min=1, max=10000),
    FieldSpec("floors", "integer", "عدد الأدوار", "Floors", min=1, max=3),
    FieldSpec("activity", "string", "النشاط", "Activity", max_length=20),
    FieldSpec("category", "enum", "الفئة", "Category", choices=("grocery", "cafe")),
    FieldSpec("has_sign", "boolean", "يوجد لافتة", "Has a sign"),
    FieldSpec("notes", "string", "ملاحظات", "Notes", required=False, max_length=50),
    FieldSpec("height_m", "number", "الارتفاع", "Height (m)", required=False, min=0.5),
]
GOOD = {"area_m2": 42.5, "floors": 2, "activity": "  بقالة  ", "category": "grocery",
        "has_sign": False}


def test_validate_details_returns_cleaned_values() -> None:
    # GIVEN valid details with untidy text WHEN validated THEN cleaned, optional fields omitted
    assert validate_details(SHOP_FIELDS, GOOD) == {
        "area_m2": 42.5, "floors": 2, "activity": "بقالة", "category": "grocery",
        "has_sign": False}


def test_validate_details_keeps_optional_fields_when_given() -> None:
    # GIVEN optional fields present (and one null) WHEN validated THEN the present one is kept
    cleaned = validate_details(SHOP_FIELDS, {**GOOD, "notes": " corner ", "height_m": None})
    assert cleaned["notes"] == "corner"
    assert "height_m" not in cleaned


@pytest.mark.parametrize("name, value, expected", [
    ("area_m2", 1, 1),                 # integer is a number; min inclusive
    ("area_m2", 10000.0, 10000.0),     # max inclusive
    ("floors", 3.0, 3),                # whole float -> int
    ("floors", 1, 1),
    ("category", " cafe ", "cafe"),
    ("has_sign", True, True),
    ("activity", "x" * 20, "x" * 20),  # exactly max_length
])
def test_validate_details_boundaries_accepted(name: str, value: object, expected: object) -> None:
    # GIVEN a value on the edge of its rule WHEN validated THEN accepted and normalised
    cleaned = validate_details(SHOP_FIELDS, {**GOOD, name: value})
    assert cleaned[name] == expected
    assert type(cleaned[name]) is type(expected)


@pytest.mark.parametrize("name, value, fragment", [
    ("area_m2", "5", "must be a number"),
    ("area_m2", True, "must be a number"),
    ("area_m2", [5], "must be a number"),
    ("area_m2", math.nan, "finite"),
    ("area_m2", math.inf, "finite"),
    ("area_m2", -math.inf, "finite"),
    ("area_m2", 10 ** 400, "finite"),
    ("area_m2", 0.99, "at least 1"),
    ("area_m2", 10000.01, "at most 10000"),
    ("floors", 2.5, "whole number"),
    ("floors", "2", "must be a number"),
    ("floors", False, "must be a number"),
    ("floors", 0, "at least 1"),
    ("floors", 4, "at most 3"),
    ("activity", "x" * 21, "at most 20"),
    ("activity", 7, "text"),
    ("activity", "   ", "required"),
    ("activity", "a\x1bb", "control characters"),
    ("category", "bakery", "one of: grocery, cafe"),
    ("category", "Grocery", "one of"),
    ("category", 1, "one of"),
    ("has_sign", "true", "true or false"),
    ("has_sign", 1, "true or false"),
    ("has_sign", None, "required"),
    ("notes", "n" * 51, "at most 50"),
    ("height_m", 0.4, "at least 0.5"),
])
def test_validate_details_rejects_one_bad_field(name: str, value: object, fragment: str) -> None:
    # GIVEN one bad field WHEN validated THEN exactly that field is reported, with its labels
    with pytest.raises(DetailsInvalid) as caught:
        validate_details(SHOP_FIELDS, {**GOOD, name: value})
    assert list(caught.value.errors) == [name]
    message_en, message_ar = caught.value.errors[name]
    assert fragment in message_en
    spec = next(s for s in SHOP_FIELDS if s.name == name)
    assert message_en.startswith(spec.label_en) and message_ar.startswith(spec.label_ar)


def test_validate_details_reports_every_bad_field_at_once() -> None:
    # GIVEN details with an unknown field, a missing one, a wrong type and a bad choice
    details = {"area_m2": "big", "floors": 9, "activity": "ok", "category": "zoo",
               "colour": "red", "extra": 1}
    # WHEN validated
    with pytest.raises(DetailsInvalid) as caught:
        validate_details(SHOP_FIELDS, details)
    # THEN all six problems are listed together
    errors = caught.value.errors
    assert set(errors) == {"area_m2", "floors", "category", "has_sign", "colour", "extra"}
    assert errors["colour"] == ("unknown field", "حقل غير معروف")
    assert errors["has_sign"][0].endswith("required")
    assert "at most 3" in errors["floors"][0]


def test_validate_details_rejects_a_non_object() -> None:
    # GIVEN a list where an object is expected WHEN validated THEN one whole-object error
    with pytest.raises(DetailsInvalid) as caught:
        validate_details(SHOP_FIELDS, ["area_m2", 5])  # type: ignore[arg-type]
    assert list(caught.value.errors) == [""]


def test_validate_details_with_no_fields_accepts_only_empty() -> None:
    # GIVEN a service with no details WHEN given none THEN {}; WHEN given some THEN unknown
    assert validate_details([], {}) == {}
    with pytest.raises(DetailsInvalid) as caught:
        validate_details([], {"x": 1})
    assert caught.value.errors == {"x": ("unknown field", "حقل غير معروف")}


@pytest.mark.parametrize("kwargs", [
    {"type": "date"},
    {"type": "enum"},                            # enum with no choices
    {"type": "number", "min": 5, "max": 1},
])
def test_field_spec_rejects_a_broken_catalogue_entry(kwargs: dict) -> None:
    # GIVEN a catalogue entry that cannot work WHEN built THEN it fails loudly at load time
    with pytest.raises(ValueError):
        FieldSpec(name="f", label_ar="ح", label_en="F", **kwargs)


def test_range_messages_print_whole_numbers_plainly() -> None:
    # GIVEN a large maximum WHEN exceeded THEN the message says 1000000, not 1e+06
    spec = FieldSpec("budget", "number", "الميزانية", "Budget", max=1_000_000)
    with pytest.raises(DetailsInvalid) as caught:
        validate_details([spec], {"budget": 2_000_000})
    assert "at most 1000000" in caught.value.errors["budget"][0]
    assert "1000000" in caught.value.errors["budget"][1]
