"""Domain values for tests: unique ids, so tests that share the emulator's tables never meet."""
from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta, timezone
from typing import Optional

from chalicelib.domain.applications import SUBMITTED, Application, TimelineEntry, iso
from chalicelib.domain.fees import STAGE_SUBMISSION, FeeLine
from chalicelib.domain.licences import ACTIVE, Licence
from chalicelib.domain.payments import new_payment

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def fee(code: str = "shop-review", amount: int = 15_000, stage: str = STAGE_SUBMISSION) -> FeeLine:
    return FeeLine(code=code, name_ar="رسوم", name_en="Fee", stage=stage, amount_piasters=amount)


def application(owner: Optional[str] = None, status: str = SUBMITTED, district: str = "EAST",
                created: datetime = T0, **changes) -> Application:
    at = iso(created)
    values = dict(
        id=uuid.uuid4().hex, service_code="shop-first", kind="shop", case="first",
        district=district, owner=owner or unique("owner"),
        applicant={"name": "محمد أحمد علي", "national_id": "29001010201234",
                   "mobile": "+201012345678"},
        site={"lat": 31.2089, "lng": 29.9092, "address": "12 شارع فؤاد"},
        details={"activity": "بقالة", "area_m2": 40, "commercial_register_no": "12345"},
        status=status, fees=(fee(),),
        timeline=(TimelineEntry(status=status, at=at, by_role="citizen", by="x",
                                action="submit"),),
        created_at=at, updated_at=at)
    values.update(changes)
    return Application(**values)


def licence(number: Optional[str] = None, holder: Optional[str] = None, district: str = "EAST",
            valid_until: date = date(2027, 2, 28), status: str = ACTIVE,
            kind: str = "shop", **changes) -> Licence:
    number = number or f"ALX-{district}-{valid_until.year}-{10**8 + uuid.uuid4().int % (9 * 10**8)}"
    values = dict(
        number=number, application_id=uuid.uuid4().hex, service_code=f"{kind}-first", kind=kind,
        district=district, holder=holder or unique("holder"), holder_name="محمد أحمد علي",
        holder_mobile="+201012345678", holder_national_id="29001010201234",
        site={"lat": 31.2089, "lng": 29.9092, "address": "12 شارع فؤاد"}, details={},
        status=status, valid_from=(valid_until - timedelta(days=364)).isoformat(),
        valid_until=valid_until.isoformat(), issued_at="2026-03-01T09:00:00.000Z",
        # as issuance sets it from the catalogue: advertisements accrue late fines
        accrues_late_fines=kind == "advertisement")
    values.update(changes)
    return Licence(**values)


def payment(application_id: Optional[str] = None, district: str = "EAST", created: datetime = T0,
            gateway: str = "sandbox", amount: int = 15_000):
    return new_payment(f"PAY-{uuid.uuid4().hex[:20].upper()}", application_id or uuid.uuid4().hex,
                       unique("owner"), district, SUBMITTED, [fee(amount=amount)], gateway,
                       created)
