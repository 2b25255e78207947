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


@dataclass(frozen=True)
class Refund:
    """Money paid for a fee that the amended details no longer owe; finance refunds it."""

    code: str
    amount_piasters: int
    payment_id: Optional[str]  # the payment that paid the fee last

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Repricing:
    """What an amendment changes in the fees of one stage: new lines for what it adds, and
    refunds of what it takes away (nothing is ever issued for details that were not paid for)."""

    difference: tuple[FeeLine, ...]
    refunds: tuple[Refund, ...]

    @property
    def difference_piasters(self) -> int:
        return total(self.difference)

    @property
    def refund_piasters(self) -> int:
        return sum(r.amount_piasters for r in self.refunds)


def reprice(charged: Iterable[FeeLine], refunded: Mapping[str, int],
            recomputed: Iterable[FeeLine]) -> Repricing:
    """Compare, fee by fee, what a stage already charged (less what was refunded) with what the
    amended details owe at that stage."""
    charged = list(charged)
    owed = {line.code: line for line in recomputed}
    difference: list[FeeLine] = []
    refunds: list[Refund] = []
    for code in sorted(set(owed) | {line.code for line in charged}):
        mine = [line for line in charged if line.code == code]
        asked = sum(line.amount_piasters for line in mine) - int(refunded.get(code, 0))
        now_owed = owed[code].amount_piasters if code in owed else 0
        if now_owed > asked:
            model = owed[code]
            difference.append(FeeLine(
                code=code, name_ar=f"{model.name_ar} (فرق بعد تعديل الطلب)",
                name_en=f"{model.name_en} (difference after the amendment)",
                stage=model.stage, amount_piasters=now_owed - asked))
        elif now_owed < asked:
            payers = [line.paid_by for line in mine if line.paid_by]
            refunds.append(Refund(code, asked - now_owed, payers[-1] if payers else None))
    return Repricing(tuple(difference), tuple(refunds))
