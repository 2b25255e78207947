"""Codes from data: the catalogue's kinds and districts carry the seal's codes, checked at load;
licence numbers are written and read by one helper."""
from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from chalicelib.domain.catalogue import DATA_DIR, load_catalogue, parse_catalogue
from chalicelib.domain.licence_numbers import (LicenceNumber, counter_name, district_prefix,
                                               format_number, parse_number)

DOCS = Path(__file__).resolve().parents[2] / "docs"


def documents() -> tuple[dict, dict]:
    services = json.loads((DATA_DIR / "catalogue.json").read_text(encoding="utf-8"))
    districts = json.loads((DATA_DIR / "districts.json").read_text(encoding="utf-8"))
    return copy.deepcopy(services), copy.deepcopy(districts)


def test_the_packaged_catalogue_gives_every_kind_and_district_a_seal_code() -> None:
    """GIVEN the packaged data WHEN loaded THEN the seal codes are the append-only tables."""
    codes = load_catalogue().seal_codes
    assert codes.districts == {"EAST": 0, "CENTRAL": 1, "GOMROK": 2, "MONTAZA1": 3, "BORG": 4,
                               "MONTAZA2": 5, "WEST": 6, "AGAMY": 7, "AMREYA1": 8,
                               "AMREYA2": 9}
    assert codes.kinds == {"shop": 0, "occupancy": 1, "advertisement": 2, "building": 3,
                           "demolition": 4, "restoration": 5, "kiosk": 6, "elevator": 7,
                           "excavation": 8, "site_validity": 9, "utility_connection": 10,
                           "occupancy_certificate": 11, "planning_conditions": 12,
                           "restoration_completion": 13, "licence_statement": 14}
    assert codes.district_named(5) == "MONTAZA2" and codes.kind_named(2) == "advertisement"
    assert codes.district_named(10) is None and codes.kind_named(15) is None


def test_the_seal_document_lists_the_same_codes_as_the_data() -> None:
    """GIVEN docs/seal-token.md's offline verifier THEN its tables are the data's, in code order."""
    doc = (DOCS / "seal-token.md").read_text(encoding="utf-8")
    namespace: dict = {}
    exec(compile(doc.split("```python\n", 1)[1].split("\n```", 1)[0], "seal-token.md", "exec"),
         namespace)  # noqa: S102 - our own doc
    codes = load_catalogue().seal_codes
    assert namespace["DISTRICTS"] == sorted(codes.districts, key=codes.districts.__getitem__)
    assert namespace["KINDS"] == sorted(codes.kinds, key=codes.kinds.__getitem__)


@pytest.mark.parametrize("where", ["district", "kind"])
def test_an_entry_without_a_seal_code_fails_at_load(where: str) -> None:
    """GIVEN a district or kind added without a seal code WHEN loaded THEN a clear error, so it
    is never offered, paid for and then refused at issuance."""
    services, districts = documents()
    entry = districts["districts"][0] if where == "district" else services["kinds"][0]
    del entry["seal_code"]
    with pytest.raises(ValueError, match=f"{where} '{entry['code']}' has no seal_code"):
        parse_catalogue(services, districts)


@pytest.mark.parametrize("where", ["district", "kind"])
def test_a_repeated_seal_code_fails_at_load(where: str) -> None:
    services, districts = documents()
    entries = districts["districts"] if where == "district" else services["kinds"]
    entries[1]["seal_code"] = entries[0]["seal_code"]
    with pytest.raises(ValueError, match=f"repeats the seal_code {entries[0]['seal_code']}"):
        parse_catalogue(services, districts)


def test_a_repeated_district_code_fails_at_load() -> None:
    services, districts = documents()
    districts["districts"].append({**districts["districts"][0], "seal_code": 200})
    with pytest.raises(ValueError, match="repeats the code 'EAST'"):
        parse_catalogue(services, districts)


@pytest.mark.parametrize("seal_code", [-1, 256, "3", True])
def test_a_seal_code_must_fit_one_byte(seal_code: object) -> None:
    services, districts = documents()
    districts["districts"][0]["seal_code"] = seal_code
    with pytest.raises(ValueError, match="seal_code"):
        parse_catalogue(services, districts)


def test_a_district_code_a_licence_number_cannot_carry_fails_at_load() -> None:
    services, districts = documents()
    districts["districts"].append({"code": "west-2", "seal_code": 10, "name_ar": "غرب ٢",
                                   "name_en": "West 2"})
    with pytest.raises(ValueError, match="A-Z and 0-9"):
        parse_catalogue(services, districts)


def test_a_service_of_an_unlisted_kind_fails_at_load() -> None:
    services, districts = documents()
    services["kinds"] = [k for k in services["kinds"] if k["code"] != "restoration"]
    with pytest.raises(ValueError, match="kind 'restoration' is not in the catalogue's kinds"):
        parse_catalogue(services, districts)


def test_kind_names_come_from_the_data() -> None:
    names = load_catalogue().kind_names()
    assert names["advertisement"] == ("إعلان", "Advertisement")
    assert set(names) == set(load_catalogue().seal_codes.kinds)


# --- licence numbers ---------------------------------------------------------------------------

def test_a_number_is_written_and_read_back() -> None:
    """GIVEN a district, year and sequence THEN the canonical number, and back again."""
    assert format_number("EAST", 2026, 1) == "ALX-EAST-2026-000001"
    assert format_number("MONTAZA2", 2026, 4294967295) == "ALX-MONTAZA2-2026-4294967295"
    assert parse_number("ALX-EAST-2026-000123") == LicenceNumber("EAST", 2026, 123)
    assert str(LicenceNumber("BORG", 2030, 1234567)) == "ALX-BORG-2030-1234567"
    assert district_prefix("EAST") == "ALX-EAST-"
    assert counter_name("EAST", 2026) == "ALX-EAST-2026"


@pytest.mark.parametrize("number", [
    "ALX-EAST-2026-0000123",   # a second spelling of 123
    "ALX-EAST-2026-123",       # too short
    "ALX-east-2026-000123",    # lower case district
    "CAI-EAST-2026-000123",    # another governorate
    "ALX-EAST-26-000123",
    "ALX-EAST-2026-4294967296",  # beyond the seal's 32 bits
    " ALX-EAST-2026-000123",
])
def test_anything_but_a_canonical_number_is_refused(number: str) -> None:
    with pytest.raises(ValueError):
        parse_number(number)


@pytest.mark.parametrize("parts", [("east", 2026, 1), ("EAST", 99, 1), ("EAST", 2026, -1),
                                   ("EAST", 2026, 2**32)])
def test_a_number_that_cannot_exist_is_not_written(parts: tuple) -> None:
    with pytest.raises(ValueError):
        format_number(*parts)
