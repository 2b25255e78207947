"""The catalogue of local services and districts: versioned data in chalicelib/data."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping, Optional

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
KINDS = ("shop", "occupancy", "advertisement", "building", "demolition", "restoration")
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

    def public(self) -> dict:
        fee: dict[str, Any] = {"code": self.code, "name_ar": self.name_ar, "name_en": self.name_en,
                               "due": self.due, "source": self.source}
        if self.amount_piasters is not None:
            fee["amount_piasters"] = self.amount_piasters
        if self.rule is not None:
            fee["rule"] = dict(self.rule)
        return fee


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

    def public(self, districts: tuple[str, ...]) -> dict:
        body = {
            "code": self.code, "kind": self.kind, "case": self.case,
            "name_ar": self.name_ar, "name_en": self.name_en,
            "fees": [f.public() for f in self.fees],
            "validity_months": self.validity_months,
            "review_required": self.review_required,
            "required_fields": [dict(f) for f in self.required_fields],
            "districts": list(districts),
        }
        if self.late_fine:
            body["late_fine"] = {"type": self.late_fine.type,
                                 "amount_piasters": self.late_fine.amount_piasters,
                                 "cap_piasters": self.late_fine.cap_piasters,
                                 "name_ar": self.late_fine.name_ar,
                                 "name_en": self.late_fine.name_en}
        return body


@dataclass(frozen=True)
class District:
    code: str
    name_ar: str
    name_en: str


@dataclass(frozen=True)
class Catalogue:
    version: str
    services: tuple[Service, ...]
    districts: tuple[District, ...]
    _by_code: Mapping[str, Service] = field(default_factory=dict, repr=False)

    def service(self, code: str) -> Optional[Service]:
        return self._by_code.get(code)

    def service_for(self, kind: str, case: str) -> Service:
        return self._by_code[f"{kind}-{case}"]

    def district(self, code: str) -> Optional[District]:
        return next((d for d in self.districts if d.code == code), None)

    def kind_names(self) -> dict[str, tuple[str, str]]:
        first = [s for s in self.services if s.case == "first"]
        names = {"shop": ("محل", "Shop"), "occupancy": ("إشغال طريق", "Public-space occupancy"),
                 "advertisement": ("إعلان", "Advertisement"), "building": ("بناء", "Building"),
                 "demolition": ("هدم", "Demolition"), "restoration": ("ترميم", "Restoration")}
        return {s.kind: names.get(s.kind, (s.kind, s.kind)) for s in first}

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
    services = tuple(_service(s) for s in services_doc["services"])
    districts = tuple(District(**d) for d in districts_doc["districts"])
    _check(services, districts)
    return Catalogue(version=services_doc["version"], services=services, districts=districts,
                     _by_code={s.code: s for s in services})


def _check(services: tuple[Service, ...], districts: tuple[District, ...]) -> None:
    """A broken catalogue must fail at load, not when a citizen applies."""
    codes = {d.code for d in districts}
    for s in services:
        if s.kind not in KINDS or s.case not in CASES:
            raise ValueError(f"service {s.code}: unknown kind or case")
        if not set(s.default_districts) <= codes:
            raise ValueError(f"service {s.code}: unknown district")
        for fee in s.fees:
            if fee.due not in FEE_STAGES or (fee.amount_piasters is None) == (fee.rule is None):
                raise ValueError(f"service {s.code}: fee {fee.code} needs a stage and one amount or rule")
    for kind in {s.kind for s in services}:
        for case in CASES:
            if not any(s.kind == kind and s.case == case for s in services):
                raise ValueError(f"kind {kind} lacks its {case} service")


@lru_cache(maxsize=1)
def load_catalogue() -> Catalogue:
    services_doc = json.loads((DATA_DIR / "catalogue.json").read_text(encoding="utf-8"))
    districts_doc = json.loads((DATA_DIR / "districts.json").read_text(encoding="utf-8"))
    return parse_catalogue(services_doc, districts_doc)
