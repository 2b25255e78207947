"""Where a point lies: Alexandria governorate and those of its districts whose boundary we hold.

Boundaries come only from open datasets, extracted by a documented script into packaged GeoJSON
(docs/map.md): the governorate from geoBoundaries' Egypt ADM1, a district from
``data/districts/<CODE>.geojson`` once an open dataset for it can be had. No polygon here is
hand-drawn, and a district file without its source and licence is refused at load.

Pure rules on packaged data: no AWS, no environment. Loading is lazy (first call), so the
verification Lambda, which never locates a point, never reads or parses a boundary.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Optional, Sequence

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
GOVERNORATE_FILE = "alexandria_governorate.geojson"
DISTRICTS_DIR = "districts"
# A district file must say where its polygon came from: never a polygon without provenance.
REQUIRED_PROVENANCE = ("source", "licence", "attribution")

Ring = tuple[tuple[float, float], ...]  # (lng, lat) pairs, first == last


def point_in_ring(lng: float, lat: float, ring: Sequence[tuple[float, float]]) -> bool:
    """Even-odd ray casting: cast a ray east from the point and count edge crossings.
    Fine on plain lng/lat for an area this small and far from the poles and the antimeridian."""
    inside = False
    previous_lng, previous_lat = ring[-1]
    for vertex_lng, vertex_lat in ring:
        if (vertex_lat > lat) != (previous_lat > lat):
            crossing_lng = vertex_lng + (lat - vertex_lat) * (previous_lng - vertex_lng) / (
                previous_lat - vertex_lat)
            if lng < crossing_lng:
                inside = not inside
        previous_lng, previous_lat = vertex_lng, vertex_lat
    return inside


@dataclass(frozen=True)
class Area:
    """A named area and its boundary: polygons, each an outer ring followed by its holes."""

    code: str
    name_ar: str
    name_en: str
    polygons: tuple[tuple[Ring, ...], ...]
    bbox: tuple[float, float, float, float]  # min lng, min lat, max lng, max lat

    @property
    def vertices(self) -> int:
        return sum(len(ring) - 1 for polygon in self.polygons for ring in polygon)

    def contains(self, lat: float, lng: float) -> bool:
        min_lng, min_lat, max_lng, max_lat = self.bbox
        if not (min_lng <= lng <= max_lng and min_lat <= lat <= max_lat):
            return False  # the cheap test turns away most of the world
        return any(point_in_ring(lng, lat, outer)
                   and not any(point_in_ring(lng, lat, hole) for hole in holes)
                   for outer, *holes in self.polygons)

    def names(self) -> dict[str, str]:
        return {"code": self.code, "name_ar": self.name_ar, "name_en": self.name_en}


def _ring(points: object, where: str) -> Ring:
    if not isinstance(points, list) or len(points) < 4:
        raise ValueError(f"{where}: a ring needs at least 4 positions")
    ring = []
    for point in points:
        lng, lat = float(point[0]), float(point[1])
        if not (math.isfinite(lng) and math.isfinite(lat) and -180 <= lng <= 180
                and -90 <= lat <= 90):
            raise ValueError(f"{where}: position {point!r} is not a WGS 84 [lng, lat]")
        ring.append((lng, lat))
    if ring[0] != ring[-1]:
        raise ValueError(f"{where}: ring is not closed")
    return tuple(ring)


def area_from_feature(feature: dict, code: str, name_ar: str, name_en: str) -> Area:
    """An Area from a GeoJSON Feature whose geometry is a Polygon or a MultiPolygon."""
    geometry = feature.get("geometry") or {}
    if geometry.get("type") == "Polygon":
        raw_polygons = [geometry["coordinates"]]
    elif geometry.get("type") == "MultiPolygon":
        raw_polygons = geometry["coordinates"]
    else:
        raise ValueError(f"{code}: geometry must be a Polygon or a MultiPolygon")
    polygons = tuple(tuple(_ring(ring, code) for ring in polygon) for polygon in raw_polygons)
    if not polygons or any(not polygon for polygon in polygons):
        raise ValueError(f"{code}: empty geometry")
    points = [point for polygon in polygons for point in polygon[0]]
    bbox = (min(p[0] for p in points), min(p[1] for p in points),
            max(p[0] for p in points), max(p[1] for p in points))
    return Area(code=code, name_ar=name_ar, name_en=name_en, polygons=polygons, bbox=bbox)


@dataclass(frozen=True)
class Location:
    governorate: Area
    district: Optional[Area]  # None: no district boundary we hold covers the point


@dataclass(frozen=True)
class AlexandriaMap:
    """The governorate and the districts that have a boundary (the others are absent)."""

    governorate: Area
    districts: tuple[Area, ...]

    def locate(self, lat: float, lng: float) -> Optional[Location]:
        """The district of a point, the governorate alone if no district boundary covers it,
        or None outside the governorate."""
        if not self.governorate.contains(lat, lng):
            return None
        district = next((d for d in self.districts if d.contains(lat, lng)), None)
        return Location(governorate=self.governorate, district=district)

    def has_boundary(self, district_code: str) -> bool:
        return any(d.code == district_code for d in self.districts)


class SiteOutsideDistrict(ValueError):
    """The site's point and the district chosen for it disagree; the message names where it lies."""

    def __init__(self, message_en: str, message_ar: str) -> None:
        super().__init__(message_en)
        self.message_en = message_en
        self.message_ar = message_ar


def check_site_in_district(the_map: AlexandriaMap, lat: float, lng: float, district_code: str,
                           district_name_ar: str, district_name_en: str) -> None:
    """A site must lie in the district it is filed with, judged only by boundaries we hold:
    - the chosen district has a boundary and the point is outside it, or
    - the point lies inside another district's boundary (districts do not overlap),
    and the check stays off for a district without a boundary when no boundary covers the point.
    The point is already known to be inside the governorate (validation.validate_site)."""
    location = the_map.locate(lat, lng)
    found = location.district if location else None
    if found is not None and found.code != district_code:
        raise SiteOutsideDistrict(
            f"the site lies in {found.name_en} district, not in {district_name_en}: "
            f"apply to {found.name_en} or correct the map pin",
            f"الموقع يقع في {found.name_ar} وليس في {district_name_ar}: "
            f"قدّم الطلب إلى {found.name_ar} أو صحّح موضع الدبوس على الخريطة")
    if found is None and the_map.has_boundary(district_code):
        raise SiteOutsideDistrict(
            f"the site lies outside {district_name_en} district, in a part of Alexandria "
            f"governorate whose district boundary we do not hold: correct the map pin",
            f"الموقع يقع خارج حدود {district_name_ar}، في جزء من محافظة الإسكندرية لا نملك "
            f"حدود حيّه: صحّح موضع الدبوس على الخريطة")


def _read_feature(path: Path) -> dict:
    feature = json.loads(path.read_text(encoding="utf-8"))
    if feature.get("type") != "Feature":
        raise ValueError(f"{path.name}: expected a GeoJSON Feature")
    return feature


def load_map(data_dir: Path, districts: Iterable[tuple[str, str, str]]) -> AlexandriaMap:
    """Read the governorate and every ``districts/<CODE>.geojson`` for the known districts
    (code, name_ar, name_en). A file for an unknown code, or without its provenance, is a
    packaging error and fails the load rather than silently switching a check off."""
    governorate_feature = _read_feature(data_dir / GOVERNORATE_FILE)
    props = governorate_feature.get("properties") or {}
    governorate = area_from_feature(governorate_feature, props.get("code", "ALX"),
                                    props.get("name_ar", "محافظة الإسكندرية"),
                                    props.get("name_en", "Alexandria Governorate"))
    names = {code: (name_ar, name_en) for code, name_ar, name_en in districts}
    found: list[Area] = []
    for path in sorted((data_dir / DISTRICTS_DIR).glob("*.geojson")):
        code = path.stem
        if code not in names:
            raise ValueError(f"{path.name}: no district {code} in districts.json")
        feature = _read_feature(path)
        missing = [key for key in REQUIRED_PROVENANCE if not (feature.get("properties") or {}).get(key)]
        if missing:
            raise ValueError(f"{path.name}: properties lack {', '.join(missing)}")
        found.append(area_from_feature(feature, code, *names[code]))
    return AlexandriaMap(governorate=governorate, districts=tuple(found))


@lru_cache(maxsize=1)
def alexandria_map() -> AlexandriaMap:
    """The packaged map, read once per process on first use."""
    from chalicelib.domain.catalogue import load_catalogue

    districts = [(d.code, d.name_ar, d.name_en) for d in load_catalogue().districts]
    return load_map(DATA_DIR, districts)
