"""The seal's code tables: the one-byte codes a seal stores for its district and kind, and the
names the public verification page shows for them.

They come from the catalogue's data (districts.json and catalogue.json's `kinds`) and are
checked once at load. This module reads only those two lists, so the verification route,
which needs nothing else of the catalogue, does not pay for parsing and checking 42 services
on its cold start; chalicelib/domain/catalogue.py builds the whole catalogue with the same
entry reader and the same checks.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Mapping, NamedTuple, Optional

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
SEAL_CODE_MAX = 0xFF  # one byte of the seal's payload
Names = dict[str, tuple[str, str]]  # code -> (Arabic, English)


class CodedEntry(NamedTuple):
    """A district or kind as the data gives it: its code, seal code and names."""

    code: str
    seal_code: int
    name_ar: str
    name_en: str


@dataclass(frozen=True)
class SealCodes:
    """The one-byte codes a seal stores for districts and kinds, both ways. Append-only data:
    a code, once on a seal, must keep its meaning for as long as the seal may be shown."""

    districts: Mapping[str, int]
    kinds: Mapping[str, int]

    def district_code(self, district: str) -> int:
        return _code_of(self.districts, district, "district")

    def kind_code(self, kind: str) -> int:
        return _code_of(self.kinds, kind, "kind")

    def district_named(self, code: int) -> Optional[str]:
        return next((name for name, c in self.districts.items() if c == code), None)

    def kind_named(self, code: int) -> Optional[str]:
        return next((name for name, c in self.kinds.items() if c == code), None)


def _code_of(table: Mapping[str, int], name: str, what: str) -> int:
    if name not in table:
        raise ValueError(f"no seal code for {what} {name!r}")
    return table[name]


def coded_entry(what: str, raw: Mapping[str, Any]) -> CodedEntry:
    code = raw.get("code")
    seal_code = raw.get("seal_code")
    if not isinstance(seal_code, int) or isinstance(seal_code, bool):
        raise ValueError(f"{what} {code!r} has no seal_code: every {what} needs one "
                         f"(an integer 0-{SEAL_CODE_MAX}, see docs/seal-token.md)")
    return CodedEntry(code=code, seal_code=seal_code, name_ar=raw["name_ar"],
                      name_en=raw["name_en"])


def check_codes(what: str, entries: Iterable[Any]) -> None:
    """Each code and each seal code once; a seal code fits its byte."""
    entries = tuple(entries)
    for attribute in ("code", "seal_code"):
        seen: dict[Any, str] = {}
        for entry in entries:
            value = getattr(entry, attribute)
            if value in seen:
                raise ValueError(f"{what} {entry.code!r} repeats the {attribute} {value!r} "
                                 f"of {what} {seen[value]!r}")
            seen[value] = entry.code
    for entry in entries:
        if not 0 <= entry.seal_code <= SEAL_CODE_MAX:
            raise ValueError(f"{what} {entry.code!r}: seal_code {entry.seal_code} is not 0-{SEAL_CODE_MAX}")


@dataclass(frozen=True)
class SealTables:
    """What verifying a seal needs of the catalogue: its codes and the names to show."""

    codes: SealCodes
    kind_names: Names
    district_names: Names


def parse_seal_tables(services_doc: Mapping[str, Any],
                      districts_doc: Mapping[str, Any]) -> SealTables:
    kinds = [coded_entry("kind", raw) for raw in services_doc.get("kinds", ())]
    districts = [coded_entry("district", raw) for raw in districts_doc["districts"]]
    check_codes("kind", kinds)
    check_codes("district", districts)
    return SealTables(
        codes=SealCodes(districts={d.code: d.seal_code for d in districts},
                        kinds={k.code: k.seal_code for k in kinds}),
        kind_names={k.code: (k.name_ar, k.name_en) for k in kinds},
        district_names={d.code: (d.name_ar, d.name_en) for d in districts})


@lru_cache(maxsize=4)
def load_seal_tables(data_dir: Optional[str] = None) -> SealTables:
    """From `data_dir` (tests, the local stack) or the packaged data, like load_catalogue."""
    directory = Path(data_dir) if data_dir else DATA_DIR
    services_doc = json.loads((directory / "catalogue.json").read_text(encoding="utf-8"))
    districts_doc = json.loads((directory / "districts.json").read_text(encoding="utf-8"))
    return parse_seal_tables(services_doc, districts_doc)
