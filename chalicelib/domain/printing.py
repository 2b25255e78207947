"""What the printed documents show: the QR image, the licence's paper copy, the counter's
receipt and a clerk's drawer report. Values only, display-ready; the renderers are ports in
`chalicelib.ports`."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Optional


@dataclass(frozen=True)
class QrImage:
    png: bytes
    version: int


@dataclass(frozen=True)
class PaperLicence:
    """What the paper copy shows. Every value is already display-ready (the ID already masked)."""

    number: str
    kind_ar: str
    kind_en: str
    district_ar: str
    district_en: str
    holder_name: str
    holder_national_id_masked: str
    site_address: str
    lat: float
    lng: float
    valid_from: date
    valid_until: date
    status: str
    issued_at: datetime
    verify_url: str


@dataclass(frozen=True)
class PrintableReceipt:
    """What a counter receipt shows (chalicelib/usecases/counter.py)."""

    number: str
    application_id: str
    service_ar: str
    service_en: str
    district_ar: str
    district_en: str
    citizen_name: str
    lines: tuple[tuple[str, str, int], ...]  # (Arabic name, English name, piasters)
    total_piasters: int
    method: str  # cash | card
    clerk_name: str
    paid_at: str  # UTC ISO 8601
    payment_id: str


@dataclass(frozen=True)
class PrintableDrawer:
    """What a clerk's drawer report shows for one Cairo day (chalicelib/usecases/counter.py)."""

    day: str
    district_ar: str
    district_en: str
    clerk_name: str
    # (receipt number, application id, method, status, piasters), in the order taken
    payments: tuple[tuple[str, str, str, str, int], ...]
    expected_cash_piasters: int
    counted_cash_piasters: Optional[int]  # None while the drawer is open
    difference_piasters: Optional[int]
    closed_at: Optional[str]  # UTC ISO 8601
    flagged: bool
