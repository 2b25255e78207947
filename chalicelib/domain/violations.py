"""Violation reports: what a district inspector saw where a licence should hang.

An inspector's phone often has no signal, so its app queues reports and sends them later, maybe
twice (a reply lost on a weak signal). Each report carries a key the phone made when the
inspector saved it; the report's id is derived from the reporter and that key, so a replay
lands on the same id and creates nothing new. Pure rules: no AWS, no environment.
"""
from __future__ import annotations

import hashlib
import json
import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Optional

from chalicelib.domain import validation

NO_LICENCE = "no_licence"
EXPIRED_DISPLAYED = "expired_displayed"
OTHER_SITE = "other_site"
OTHER = "other"
KINDS = (NO_LICENCE, EXPIRED_DISPLAYED, OTHER_SITE, OTHER)

PHOTO_TYPES = ("image/jpeg", "image/png", "image/webp")
MAX_PHOTOS = 4
MAX_PHOTO_BYTES = 8 * 1024 * 1024
UPLOAD_URL_SECONDS = 900
NOTE_MAX = 2000
# A phone's clock may run a little ahead; a report from further in the future is a wrong clock.
CLOCK_SKEW = timedelta(minutes=10)
# Older than this, a queued report is no longer evidence anyone can act on.
MAX_REPORT_AGE = timedelta(days=30)
IDEMPOTENCY_KEY = re.compile(r"[A-Za-z0-9_-]{16,64}")
LICENCE_NUMBER = re.compile(r"ALX-[A-Z0-9]+-[0-9]{4}-[0-9]{6,10}")
# Only the kinds about a displayed licence need its number.
NEEDS_LICENCE = (EXPIRED_DISPLAYED, OTHER_SITE)
_ID_NAMESPACE = uuid.UUID("7b1f3c2e-9a4d-4e55-8c1b-2f0d7a6e9c31")


class ReportInvalid(ValueError):
    """A field of a report is wrong: `fields` maps each to its "Arabic / English" message."""

    def __init__(self, fields: dict[str, str]) -> None:
        super().__init__(", ".join(fields))
        self.fields = fields


@dataclass(frozen=True)
class Photo:
    id: str
    content_type: str
    key: str  # the files bucket's object key (never shown)


@dataclass(frozen=True)
class Violation:
    id: str
    district: str  # the reporting officer's district: its officers see the report
    reporter: str  # the officer's sub
    reporter_name: str
    kind: str
    lat: float
    lng: float
    note: str
    observed_at: str  # UTC ISO 8601, when the inspector saw it (the phone's clock)
    reported_at: str  # UTC ISO 8601, when the API received it
    idempotency_key: str
    fingerprint: str  # what was reported, hashed: a replay must say the same thing
    licence_number: str = ""
    # The licence as it stood when reported, when the number names one we issued.
    licence_found: bool = False
    licence_status: str = ""
    licence_district: str = ""
    accuracy_m: Optional[float] = None
    photos: tuple[Photo, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class ReportInput:
    """A report as the phone sent it, before any check."""

    kind: str
    lat: object
    lng: object
    note: str
    observed_at: str
    idempotency_key: str
    licence_number: Optional[str] = None
    accuracy_m: Optional[float] = None
    photo_types: tuple[str, ...] = ()


def report_id(reporter: str, idempotency_key: str) -> str:
    """The same reporter and key always name the same report (a replay finds it)."""
    return uuid.uuid5(_ID_NAMESPACE, f"{reporter}\n{idempotency_key}").hex


def fingerprint(report: ReportInput) -> str:
    body = {"kind": report.kind, "lat": report.lat, "lng": report.lng, "note": report.note,
            "observed_at": report.observed_at, "licence_number": report.licence_number or "",
            "accuracy_m": report.accuracy_m, "photos": list(report.photo_types)}
    return hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _bilingual(ar: str, en: str) -> str:
    return f"{ar} / {en}"


def check_report(report: ReportInput, now: datetime) -> dict:
    """The report's fields cleaned, or ReportInvalid naming every field at fault."""
    fields: dict[str, str] = {}
    clean: dict = {}
    if report.kind not in KINDS:
        fields["kind"] = _bilingual("نوع المخالفة غير معروف", f"kind must be one of {', '.join(KINDS)}")
    if not IDEMPOTENCY_KEY.fullmatch(report.idempotency_key or ""):
        fields["idempotency_key"] = _bilingual(
            "مفتاح الإرسال من 16 إلى 64 حرفًا لاتينيًا أو رقمًا",
            "16 to 64 letters, digits, - or _ made by the device once per report")
    _check_position(report, fields, clean)
    _check_observed(report.observed_at, now, fields, clean)
    _check_licence(report, fields, clean)
    try:
        clean["note"] = validation.free_text(report.note or "", NOTE_MAX)
    except validation.FieldInvalid as error:
        fields["note"] = error.bilingual()
    _check_photos(report.photo_types, fields)
    if fields:
        raise ReportInvalid(fields)
    return clean


def _check_position(report: ReportInput, fields: dict, clean: dict) -> None:
    """A real point inside Alexandria governorate (domain/geography), where the phone was."""
    try:
        lat = validation.coordinate(report.lat, "lat", -90.0, 90.0)
        lng = validation.coordinate(report.lng, "lng", -180.0, 180.0)
    except validation.FieldInvalid as error:
        fields[f"position.{error.field}"] = error.bilingual()
        return
    if not validation.site_in_alexandria(lat, lng):
        fields["position"] = _bilingual("الموقع خارج محافظة الإسكندرية",
                                        "the position is outside Alexandria governorate")
        return
    clean["lat"], clean["lng"] = lat, lng
    accuracy = report.accuracy_m
    if accuracy is not None and (isinstance(accuracy, bool) or not isinstance(accuracy, (int, float))
                                 or not 0 <= accuracy <= 100_000):
        fields["position.accuracy_m"] = _bilingual("دقة الموقع بالمتر بين 0 و100000",
                                                   "accuracy_m is metres, 0 to 100000")
        return
    clean["accuracy_m"] = float(accuracy) if accuracy is not None else None


def _check_observed(text: str, now: datetime, fields: dict, clean: dict) -> None:
    try:
        moment = datetime.fromisoformat((text or "").replace("Z", "+00:00"))
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        fields["observed_at"] = _bilingual("تاريخ ووقت بصيغة ISO 8601 مع المنطقة الزمنية",
                                           "an ISO 8601 date-time with a zone, e.g. 2026-05-01T09:00:00Z")
        return
    if moment > now + CLOCK_SKEW:
        fields["observed_at"] = _bilingual("وقت المشاهدة في المستقبل؛ راجع ساعة الهاتف",
                                           "observed_at is in the future: check the phone's clock")
    elif moment < now - MAX_REPORT_AGE:
        fields["observed_at"] = _bilingual("البلاغ أقدم من 30 يومًا",
                                           "observed_at is more than 30 days ago")
    clean["observed_at"] = moment.astimezone(now.tzinfo).isoformat(timespec="milliseconds") \
        .replace("+00:00", "Z")


def _check_licence(report: ReportInput, fields: dict, clean: dict) -> None:
    number = validation.normalise_digits((report.licence_number or "").strip()).upper()
    if number and not LICENCE_NUMBER.fullmatch(number):
        fields["licence_number"] = _bilingual("رقم الرخصة بالصيغة ALX-الحي-السنة-الرقم",
                                              "a licence number like ALX-EAST-2026-000123")
    elif not number and report.kind in NEEDS_LICENCE:
        fields["licence_number"] = _bilingual("اذكر رقم الرخصة المعلقة",
                                              "name the licence that is displayed")
    clean["licence_number"] = number


def _check_photos(types: tuple[str, ...], fields: dict) -> None:
    if len(types) > MAX_PHOTOS:
        fields["photos"] = _bilingual(f"{MAX_PHOTOS} صور على الأكثر", f"at most {MAX_PHOTOS} photos")
    for index, content_type in enumerate(types):
        if content_type not in PHOTO_TYPES:
            fields[f"photos.{index}.content_type"] = _bilingual(
                "الصورة JPEG أو PNG أو WebP", f"one of {', '.join(PHOTO_TYPES)}")


def photo_key(violation_id: str, index: int) -> str:
    """Each photo's place in the files bucket: a replay hands out the same keys again."""
    return f"violations/{violation_id}/{index}"


def new_violation(report: ReportInput, clean: dict, reporter: str, reporter_name: str,
                  district: str, now: datetime, licence: Optional[object]) -> Violation:
    """The report as stored; `licence` is the Licence the number names, or None."""
    violation_id = report_id(reporter, report.idempotency_key)
    photos = tuple(Photo(id=f"{violation_id[:8]}-{i}", content_type=t, key=photo_key(violation_id, i))
                   for i, t in enumerate(report.photo_types))
    return Violation(
        id=violation_id, district=district, reporter=reporter, reporter_name=reporter_name,
        kind=report.kind, lat=clean["lat"], lng=clean["lng"], note=clean["note"],
        observed_at=clean["observed_at"],
        reported_at=now.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        idempotency_key=report.idempotency_key, fingerprint=fingerprint(report),
        licence_number=clean["licence_number"], licence_found=licence is not None,
        licence_status=getattr(licence, "status", "") or "",
        licence_district=getattr(licence, "district", "") or "",
        accuracy_m=clean["accuracy_m"], photos=photos)
