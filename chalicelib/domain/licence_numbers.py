"""Licence numbers: `ALX-<district>-<year>-<sequence>`, e.g. ALX-EAST-2026-000123.

The one place that writes or reads the format. The number is printed on paper, stored as the
licences table's key, rebuilt from a seal's payload (docs/seal-token.md) and used as a key
prefix by the nightly job's per-district work lists, so every one of those goes through here.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

PREFIX = "ALX"  # Alexandria governorate
MAX_SEQUENCE = 0xFFFFFFFF  # the seal stores the sequence as an unsigned 32-bit integer
DISTRICT_CODE = re.compile(r"[A-Z0-9]+")
_NUMBER = re.compile(rf"{PREFIX}-({DISTRICT_CODE.pattern})-([0-9]{{4}})-([0-9]{{6,10}})")


@dataclass(frozen=True)
class LicenceNumber:
    district: str
    year: int
    sequence: int

    def __str__(self) -> str:
        return format_number(self.district, self.year, self.sequence)


def format_number(district: str, year: int, sequence: int) -> str:
    """The canonical spelling: the sequence zero-padded to at least 6 digits."""
    if not DISTRICT_CODE.fullmatch(district):
        raise ValueError(f"not a district code: {district!r}")
    if not 1000 <= year <= 9999 or not 0 <= sequence <= MAX_SEQUENCE:
        raise ValueError(f"year or sequence out of range: {year}, {sequence}")
    return f"{district_prefix(district)}{year:04d}-{sequence:06d}"


def parse_number(number: str) -> LicenceNumber:
    """The parts of a canonical licence number; ValueError for anything else (a non-canonical
    spelling such as extra leading zeros would give one licence two numbers)."""
    match = _NUMBER.fullmatch(number)
    if not match:
        raise ValueError(f"not a licence number: {number!r}")
    parsed = LicenceNumber(match.group(1), int(match.group(2)), int(match.group(3)))
    if parsed.sequence > MAX_SEQUENCE or str(parsed) != number:
        raise ValueError(f"licence number is not canonical: {number!r}")
    return parsed


def district_prefix(district: str) -> str:
    """What every number of a district starts with (a key prefix for per-district queries)."""
    return f"{PREFIX}-{district}-"


def counter_name(district: str, year: int) -> str:
    """The name of the per-district, per-year sequence counter."""
    return f"{PREFIX}-{district}-{year:04d}"
