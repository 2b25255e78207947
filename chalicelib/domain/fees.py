"""Fee rules in integer piasters: what an application owes, and when."""
from __future__ import annotations

from dataclasses import asdict, dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Iterable, Mapping, Optional

from chalicelib.domain.catalogue import FeeSpec, Service

STAGE_SUBMISSION = "submission"
STAGE_APPROVAL = "approval"
STAGE_FINE = "fine"


@dataclass(frozen=True)
class FeeLine:
    code: str
    name_ar: str
    name_en: str
    stage: str
    amount_piasters: int
    paid_by: Optional[str] = None  # payment id that settled it

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> "FeeLine":
        return cls(code=raw["code"], name_ar=raw["name_ar"], name_en=raw["name_en"],
                   stage=raw["stage"], amount_piasters=int(raw["amount_piasters"]),
                   paid_by=raw.get("paid_by"))


def amount_for(fee: FeeSpec, details: Mapping[str, Any], months: int) -> int:
    """Evaluate a fee: a fixed amount, or rate x product of detail fields (x months)."""
    if fee.amount_piasters is not None:
        return int(fee.amount_piasters)
    rule = fee.rule or {}
    if rule.get("type") != "per_unit":
        raise ValueError(f"unknown fee rule {rule.get('type')!r}")
    units = Decimal(1)
    for name in rule["unit_fields"]:
        units *= Decimal(str(details[name]))
    total = Decimal(int(rule["rate_piasters"])) * units
    if rule.get("per_month"):
        total *= months
    piasters = int(total.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return max(piasters, int(rule.get("minimum_piasters", 0)))


def fee_lines(service: Service, details: Mapping[str, Any], stage: str) -> list[FeeLine]:
    return [FeeLine(code=f.code, name_ar=f.name_ar, name_en=f.name_en, stage=stage,
                    amount_piasters=amount_for(f, details, service.validity_months))
            for f in service.fees if f.due == stage]


def outstanding(lines: Iterable[FeeLine], stages: Iterable[str]) -> list[FeeLine]:
    wanted = set(stages)
    return [line for line in lines if line.stage in wanted and line.paid_by is None]


def total(lines: Iterable[FeeLine]) -> int:
    return sum(line.amount_piasters for line in lines)
