"""Which district a point on the map lies in (the portal's map pin): GET /v1/districts/locate."""
from __future__ import annotations

import re
from typing import Optional

from chalicelib.domain.geography import AlexandriaMap
from chalicelib.errors import NotFound, ValidationFailed

# Plain decimal degrees as a map widget writes them; no exponents, no "nan" or "inf".
_DECIMAL = re.compile(r"[+-]?[0-9]{1,3}(?:\.[0-9]{1,15})?")
_DIGITS_TO_ASCII = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_LIMITS = {"lat": (90.0, "خط العرض"), "lng": (180.0, "خط الطول")}


def parse_coordinate(name: str, raw: Optional[str]) -> float:
    """A query-string coordinate in decimal degrees; ValidationFailed names the field."""
    limit, label_ar = _LIMITS[name]
    if raw is None or not raw.strip():
        raise ValidationFailed(fields={name: f"{label_ar} مطلوب / {name} is required"})
    text = raw.strip().translate(_DIGITS_TO_ASCII).replace("٫", ".")
    if not _DECIMAL.fullmatch(text):
        raise ValidationFailed(fields={
            name: f"{label_ar} يجب أن يكون رقمًا عشريًا مثل 31.2 / {name} must be a decimal number such as 31.2"})
    value = float(text)
    if not -limit <= value <= limit:
        raise ValidationFailed(fields={
            name: f"{label_ar} يجب أن يكون بين {-limit:g} و{limit:g} / {name} must be between {-limit:g} and {limit:g}"})
    return value


def locate(raw_lat: Optional[str], raw_lng: Optional[str], the_map: AlexandriaMap) -> dict:
    """The district of a point, or the governorate alone where no district boundary we hold
    covers it; NotFound outside the governorate."""
    errors: dict[str, str] = {}
    coordinates: dict[str, float] = {}
    for name, raw in (("lat", raw_lat), ("lng", raw_lng)):
        try:
            coordinates[name] = parse_coordinate(name, raw)
        except ValidationFailed as error:
            errors.update(error.fields)
    if errors:
        raise ValidationFailed(fields=errors)
    lat, lng = coordinates["lat"], coordinates["lng"]
    location = the_map.locate(lat, lng)
    if location is None:
        raise NotFound(code="outside_governorate",
                       message_en="This point is outside Alexandria governorate",
                       message_ar="هذه النقطة خارج محافظة الإسكندرية")
    return {
        "lat": lat, "lng": lng,
        "governorate": location.governorate.names(),
        "district": location.district.names() if location.district else None,
        "districts_with_boundary": [d.code for d in the_map.districts],
    }
