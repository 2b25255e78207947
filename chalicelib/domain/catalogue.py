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
# SealCodes is re-exported: the catalogue is where most callers look for its codes.
from chalicelib.domain.seal_codes import (DATA_DIR, SealCodes, check_codes,  # noqa: F401
                                          coded_entry)

# first: a new licence; renewal: a new term of a licence (asked for from the licence);
# amendment, transfer, duplicate: a licence re-issued on new data, holder or paper;
# certificate: a statement or approval the district certifies (a certificate kind).
CASES = ("first", "renewal", "amendment", "transfer", "duplicate", "certificate")
FEE_STAGES = ("submission", "approval")
CATEGORIES = ("licence", "certificate")
# Where a fee's amount comes from: the seed articles (docs/rules.md), a public page the service
# cites, or the governorate's configuration. Nothing else may stand behind an amount.
SOURCE_SEED, SOURCE_PAGE, SOURCE_CONFIGURATION = "seed", "page", "configuration"
# The facts of an entry a cited page may stand behind (a Source's `covers`); a fee names its page
# in its own `source`.
CITABLE_FACTS = ("eligibility", "required_documents", "steps", "expected_days")


def source_type(source: str) -> Optional[str]:
    if source == SOURCE_CONFIGURATION:
        return SOURCE_CONFIGURATION
    if source.startswith("seed "):
        return SOURCE_SEED
    if source.startswith("https://"):
        return SOURCE_PAGE
    return None


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
class DocumentSlot:
    """A typed upload slot: what a citizen uploads into it and which content types it takes."""

    code: str
    name_ar: str
    name_en: str
    accepted_types: tuple[str, ...]


@dataclass(frozen=True)
class Step:
    """A step of a service's procedure. A review step (inspection, committee, the head of the
    district's approval) puts the application in the district's review queue."""

    code: str
    review: bool
    name_ar: str
    name_en: str


@dataclass(frozen=True)
class Rule:
    """An eligibility rule, as the citizen reads it."""

    ar: str
    en: str


@dataclass(frozen=True)
class Source:
    """A public page a service's facts were taken from, and which of its facts it covers."""

    url: str
    title_ar: str
    title_en: str
    covers: tuple[str, ...]


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
    eligibility: tuple[Rule, ...] = ()
    required_documents: tuple[str, ...] = ()
    steps: tuple[str, ...] = ()
    expected_days: int = 0
    sources: tuple[Source, ...] = ()


@dataclass(frozen=True)
class Kind:
    """A kind of licence (shop, advertisement, ...), with the code its seals store."""

    code: str
    seal_code: int
    name_ar: str
    name_en: str
    category: str = "licence"  # licence | certificate
    renewable: bool = True


@dataclass(frozen=True)
class District:
    code: str
    seal_code: int
    name_ar: str
    name_en: str


@dataclass(frozen=True)
class Catalogue:
    version: str
    services: tuple[Service, ...]
    districts: tuple[District, ...]
    kinds: tuple[Kind, ...] = ()
    document_slots: Mapping[str, DocumentSlot] = field(default_factory=dict)
    steps: tuple[Step, ...] = ()
    _by_code: Mapping[str, Service] = field(default_factory=dict, repr=False)

    def kind(self, code: str) -> Optional[Kind]:
        return next((k for k in self.kinds if k.code == code), None)

    @cached_property
    def seal_codes(self) -> SealCodes:
        return SealCodes(districts={d.code: d.seal_code for d in self.districts},
                         kinds={k.code: k.seal_code for k in self.kinds})

    def service(self, code: str) -> Optional[Service]:
        return self._by_code.get(code)

    def service_for(self, kind: str, case: str) -> Service:
        return self._by_code[f"{kind}-{case}"]

    def renews(self, kind: str) -> bool:
        """Whether a licence of this kind can be renewed (a certificate, an excavation cannot)."""
        found = self.kind(kind)
        return bool(found and found.renewable)

    def district(self, code: str) -> Optional[District]:
        return next((d for d in self.districts if d.code == code), None)

    def late_fine(self, service_code: str, kind: str) -> Optional[FineRule]:
        """The fine a late (not renewed) licence of this service accrues, if any: the
        service's own rule, else its kind's first-time service's rule."""
        service = self.service(service_code)
        if service is not None and service.late_fine is not None:
            return service.late_fine
        first = self.service(f"{kind}-first")
        return first.late_fine if first is not None else None

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
        eligibility=tuple(Rule(ar=r["ar"], en=r["en"]) for r in raw.get("eligibility", ())),
        required_documents=tuple(raw.get("required_documents", ())),
        steps=tuple(raw.get("steps", ())),
        expected_days=int(raw.get("expected_days", 0)),
        sources=tuple(Source(url=x["url"], title_ar=x["title_ar"], title_en=x["title_en"],
                             covers=tuple(x["covers"])) for x in raw.get("sources", ())),
    )


def parse_catalogue(services_doc: Mapping[str, Any], districts_doc: Mapping[str, Any]) -> Catalogue:
    kinds = tuple(_kind(k) for k in services_doc.get("kinds", ()))
    districts = tuple(_coded(District, "district", d) for d in districts_doc["districts"])
    services = tuple(_service(s) for s in services_doc["services"])
    slots = {raw["code"]: DocumentSlot(code=raw["code"], name_ar=raw["name_ar"],
                                       name_en=raw["name_en"],
                                       accepted_types=tuple(raw["accepted_types"]))
             for raw in services_doc.get("document_slots", ())}
    steps = tuple(Step(code=raw["code"], review=bool(raw["review"]), name_ar=raw["name_ar"],
                       name_en=raw["name_en"]) for raw in services_doc.get("procedure_steps", ()))
    check_codes("kind", kinds)
    check_codes("district", districts)
    for district in districts:
        if not DISTRICT_CODE.fullmatch(district.code):
            raise ValueError(f"district {district.code!r}: a licence number needs A-Z and 0-9 only")
    _check(services, districts, kinds)
    for service in services:
        check_directory_entry(service, slots, steps)
    return Catalogue(version=services_doc["version"], services=services, districts=districts,
                     kinds=kinds, document_slots=slots, steps=steps,
                     _by_code={s.code: s for s in services})


def _kind(raw: Mapping[str, Any]) -> Kind:
    base = _coded(Kind, "kind", raw)
    category = raw.get("category", "licence")
    if category not in CATEGORIES:
        raise ValueError(f"kind {base.code!r}: category {category!r} is not one of {CATEGORIES}")
    renewable = bool(raw.get("renewable", category == "licence"))
    if category == "certificate" and renewable:
        raise ValueError(f"kind {base.code!r}: a certificate is not renewed")
    return Kind(code=base.code, seal_code=base.seal_code, name_ar=base.name_ar,
                name_en=base.name_en, category=category, renewable=renewable)


def _coded(cls: type, what: str, raw: Mapping[str, Any]) -> Any:
    return cls(*coded_entry(what, raw))


def _check_kind_services(kind: Kind, services: tuple[Service, ...]) -> None:
    """A licence kind's first-time and (if renewable) renewal services are what renewals and
    late licences fall back on; a certificate kind needs a certificate service."""
    own = [s for s in services if s.kind == kind.code]
    certificate = kind.category == "certificate"
    if certificate and not any(s.case == "certificate" for s in own):
        raise ValueError(f"kind {kind.code} lacks its certificate service")
    needed = () if certificate else ("first", "renewal") if kind.renewable else ("first",)
    for case in needed:
        if not any(s.code == f"{kind.code}-{case}" and s.case == case for s in own):
            raise ValueError(f"kind {kind.code} lacks its {case} service ({kind.code}-{case})")
    for s in own:
        if (s.case == "certificate") != certificate:
            raise ValueError(f"service {s.code}: only a certificate kind issues certificates")
        if s.case == "renewal" and not kind.renewable:
            raise ValueError(f"service {s.code}: kind {kind.code} is not renewable")


def check_directory_entry(service: Service, slots: Mapping[str, DocumentSlot],
                          steps: tuple[Step, ...]) -> None:
    """What the directory promises a citizen holds together: every document is a known upload
    slot, every step a known step, the review the steps imply is the review the workflow runs,
    every fee names a source that may stand behind an amount, and a fee computed from details
    reads numbers the citizen must give."""
    where = f"service {service.code}"
    unknown = [code for code in service.required_documents if code not in slots]
    if unknown:
        raise ValueError(f"{where}: unknown document slot(s) {unknown}")
    if len(set(service.required_documents)) != len(service.required_documents):
        raise ValueError(f"{where}: a document slot is listed twice")
    known_steps = {s.code: s for s in steps}
    if any(code not in known_steps for code in service.steps):
        raise ValueError(f"{where}: unknown procedure step in {list(service.steps)}")
    if service.steps and any(known_steps[c].review for c in service.steps) != service.review_required:
        raise ValueError(f"{where}: review_required must be true exactly when a step is a review step")
    if service.expected_days < 0:
        raise ValueError(f"{where}: expected_days cannot be negative")
    _check_sources(service)
    cited = {source.url for source in service.sources}
    for fee in service.fees:
        kind = source_type(fee.source)
        if kind is None:
            raise ValueError(f"{where}: fee {fee.code} source {fee.source!r} is neither "
                             f"'configuration', 'seed NNN: ...' nor a cited https:// page")
        if kind == SOURCE_PAGE and fee.source not in cited:
            raise ValueError(f"{where}: fee {fee.code} cites {fee.source} but the service's "
                             f"sources do not list it")
        _check_rule_fields(service, fee)


def _check_sources(service: Service) -> None:
    """A cited page is an https:// address, listed once, and says which facts it stands behind."""
    urls = [source.url for source in service.sources]
    if len(set(urls)) != len(urls):
        raise ValueError(f"service {service.code}: a page is cited twice")
    for source in service.sources:
        if source_type(source.url) != SOURCE_PAGE:
            raise ValueError(f"service {service.code}: cited page {source.url!r} is not https://")
        unknown = [fact for fact in source.covers if fact not in CITABLE_FACTS]
        if not source.covers or unknown:
            raise ValueError(f"service {service.code}: page {source.url} covers {list(source.covers)}; "
                             f"a page covers some of {CITABLE_FACTS}")


def _check_rule_fields(service: Service, fee: FeeSpec) -> None:
    if fee.rule is None:
        return
    fields = {f["name"]: f for f in service.required_fields}
    for name in fee.rule.get("unit_fields", ()):
        spec = fields.get(name)
        if spec is None or spec.get("type") not in ("number", "integer") or \
                not spec.get("required", True):
            raise ValueError(f"service {service.code}: fee {fee.code} multiplies {name!r}, "
                             f"which is not a required number field of the service")


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
    for kind in kinds:
        _check_kind_services(kind, services)


@lru_cache(maxsize=4)
def load_catalogue(data_dir: Optional[str] = None) -> Catalogue:
    """catalogue.json and districts.json from `data_dir`, by default the packaged data.

    Another directory is for tests and the local stack only (settings.catalogue_dir); the
    running app takes its catalogue from `chalicelib.wiring.catalogue()`."""
    directory = Path(data_dir) if data_dir else DATA_DIR
    services_doc = json.loads((directory / "catalogue.json").read_text(encoding="utf-8"))
    districts_doc = json.loads((directory / "districts.json").read_text(encoding="utf-8"))
    return parse_catalogue(services_doc, districts_doc)
