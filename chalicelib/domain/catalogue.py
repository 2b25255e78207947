"""The catalogue of local services, licence kinds and districts: versioned data in chalicelib/data.

Every code a licence carries comes from here: its kind and district, and the one-byte seal
codes the seal stores for them (docs/seal-token.md). Loading checks them all once, so a kind or
district the seal cannot encode fails at start-up, never after a citizen has paid.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any, Mapping, Optional

from chalicelib.domain.licence_numbers import DISTRICT_CODE

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
SEAL_CODE_MAX = 0xFF  # one byte of the seal's payload
CASES = ("first", "renewal")
FEE_STAGES = ("submission", "approval")


@dataclass(frozen=True)
class FeeSpec:
    code: str
    name_ar: str
    name_en: str
    due: str
    source: str
    amount_piasters: Optional[int] = None
    rule: Optional[Mapping[str, Any]] = None


@dataclass(frozen=True)
class FineRule:
    """How a late (not renewed) licence accrues its fine: catalogue data, never code."""

    type: str  # per_day | per_month
    amount_piasters: int
    cap_piasters: Optional[int]
    name_ar: str
    name_en: str
    source: str


@dataclass(frozen=True)
class Service:
    code: str
    kind: str
    case: str
    name_ar: str
    name_en: str
    validity_months: int
    review_required: bool
    fees: tuple[FeeSpec, ...]
    required_fields: tuple[Mapping[str, Any], ...]
    default_districts: tuple[str, ...]
    late_fine: Optional[FineRule] = None


@dataclass(frozen=True)
class Kind:
    """A kind of licence (shop, advertisement, ...), with the code its seals store."""

    code: str
    seal_code: int
    name_ar: str
    name_en: str


@dataclass(frozen=True)
class District:
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


@dataclass(frozen=True)
class Catalogue:
    version: str
    services: tuple[Service, ...]
    districts: tuple[District, ...]
    kinds: tuple[Kind, ...] = ()
    _by_code: Mapping[str, Service] = field(default_factory=dict, repr=False)

    @cached_property
    def seal_codes(self) -> SealCodes:
        return SealCodes(districts={d.code: d.seal_code for d in self.districts},
                         kinds={k.code: k.seal_code for k in self.kinds})

    def service(self, code: str) -> Optional[Service]:
        return self._by_code.get(code)

    def service_for(self, kind: str, case: str) -> Service:
        return self._by_code[f"{kind}-{case}"]

    def district(self, code: str) -> Optional[District]:
        return next((d for d in self.districts if d.code == code), None)

    def late_fine(self, service_code: str, kind: str) -> Optional[FineRule]:
        """The fine a late (not renewed) licence of this service accrues, if any: the
        service's own rule, else its kind's first-time service's rule."""
        service = self.service(service_code)
        if service is not None and service.late_fine is not None:
            return service.late_fine
        return self.service_for(kind, "first").late_fine

    def accrues_late_fines(self, service_code: str, kind: str) -> bool:
        """Whether a licence of this service is fined once late (issuance stores the answer)."""
        return self.late_fine(service_code, kind) is not None

    def kind_names(self) -> dict[str, tuple[str, str]]:
        return {k.code: (k.name_ar, k.name_en) for k in self.kinds}

    def district_names(self) -> dict[str, tuple[str, str]]:
        return {d.code: (d.name_ar, d.name_en) for d in self.districts}


def _service(raw: Mapping[str, Any]) -> Service:
    fine = raw.get("late_fine")
    return Service(
        code=raw["code"], kind=raw["kind"], case=raw["case"],
        name_ar=raw["name_ar"], name_en=raw["name_en"],
        validity_months=int(raw["validity_months"]),
        review_required=bool(raw["review_required"]),
        fees=tuple(FeeSpec(**f) for f in raw["fees"]),
        required_fields=tuple(raw["required_fields"]),
        default_districts=tuple(raw["default_districts"]),
        late_fine=FineRule(type=fine["type"], amount_piasters=int(fine["amount_piasters"]),
                           cap_piasters=fine.get("cap_piasters"), name_ar=fine["name_ar"],
                           name_en=fine["name_en"], source=fine["source"]) if fine else None,
    )


def parse_catalogue(services_doc: Mapping[str, Any], districts_doc: Mapping[str, Any]) -> Catalogue:
    kinds = tuple(_coded(Kind, "kind", k) for k in services_doc.get("kinds", ()))
    districts = tuple(_coded(District, "district", d) for d in districts_doc["districts"])
    services = tuple(_service(s) for s in services_doc["services"])
    _check_codes("kind", kinds)
    _check_codes("district", districts)
    for district in districts:
        if not DISTRICT_CODE.fullmatch(district.code):
            raise ValueError(f"district {district.code!r}: a licence number needs A-Z and 0-9 only")
    _check(services, districts, kinds)
    return Catalogue(version=services_doc["version"], services=services, districts=districts,
                     kinds=kinds, _by_code={s.code: s for s in services})


def _coded(cls: type, what: str, raw: Mapping[str, Any]) -> Any:
    code = raw.get("code")
    seal_code = raw.get("seal_code")
    if not isinstance(seal_code, int) or isinstance(seal_code, bool):
        raise ValueError(f"{what} {code!r} has no seal_code: every {what} needs one "
                         f"(an integer 0-{SEAL_CODE_MAX}, see docs/seal-token.md)")
    return cls(code=code, seal_code=seal_code, name_ar=raw["name_ar"], name_en=raw["name_en"])


def _check_codes(what: str, entries: tuple[Any, ...]) -> None:
    """Each code and each seal code once; a seal code fits its byte."""
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


def _check(services: tuple[Service, ...], districts: tuple[District, ...],
           kinds: tuple[Kind, ...]) -> None:
    """A broken catalogue must fail at load, not when a citizen applies."""
    codes = {d.code for d in districts}
    kind_codes = {k.code for k in kinds}
    for s in services:
        if s.kind not in kind_codes:
            raise ValueError(f"service {s.code}: kind {s.kind!r} is not in the catalogue's kinds")
        if s.case not in CASES:
            raise ValueError(f"service {s.code}: unknown case {s.case!r}")
        if not set(s.default_districts) <= codes:
            raise ValueError(f"service {s.code}: unknown district")
        for fee in s.fees:
            if fee.due not in FEE_STAGES or (fee.amount_piasters is None) == (fee.rule is None):
                raise ValueError(f"service {s.code}: fee {fee.code} needs a stage and one amount or rule")
    for kind in kind_codes:
        for case in CASES:
            if not any(s.kind == kind and s.case == case for s in services):
                raise ValueError(f"kind {kind} lacks its {case} service")


@lru_cache(maxsize=4)
def load_catalogue(data_dir: Optional[str] = None) -> Catalogue:
    """catalogue.json and districts.json from `data_dir`, by default the packaged data.

    Another directory is for tests and the local stack only (settings.catalogue_dir); the
    running app takes its catalogue from `chalicelib.wiring.catalogue()`."""
    directory = Path(data_dir) if data_dir else DATA_DIR
    services_doc = json.loads((directory / "catalogue.json").read_text(encoding="utf-8"))
    districts_doc = json.loads((directory / "districts.json").read_text(encoding="utf-8"))
    return parse_catalogue(services_doc, districts_doc)
