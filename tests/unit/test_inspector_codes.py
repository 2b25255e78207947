"""The inspector app's seal code tables (web/src/inspect/sealCodes.ts) agree with the data."""
from __future__ import annotations

import re
from pathlib import Path

from chalicelib.domain.catalogue import load_catalogue

TABLES = Path(__file__).resolve().parents[2] / "web" / "src" / "inspect" / "sealCodes.ts"


def table(name: str) -> list[str]:
    body = re.search(rf"{name}: readonly string\[\] = \[(.*?)\];", TABLES.read_text(), re.S)
    assert body, f"{name} not found in {TABLES}"
    return re.findall(r'"([^"]+)"', body[1])


def test_the_inspectors_code_tables_are_the_catalogues_seal_codes():
    codes = load_catalogue().seal_codes
    assert table("DISTRICT_CODES") == [codes.district_named(n) for n in range(len(codes.districts))]
    assert table("KIND_CODES") == [codes.kind_named(n) for n in range(len(codes.kinds))]
