"""Where a point lies: the governorate boundary from open data, landmarks, districts, the site check.

Landmark coordinates: New Borg El Arab, Borg El Arab airport and El Alamein from their Wikipedia
infoboxes; Agamy beachfront and the sea west of Agamy are issue 14's measured points; the others
are well-known positions rounded to 100 m - 1 km. docs/map.md lists each with its distance to
the boundary, so the effect of the rounding can be judged. District polygons
used below are TEST-ONLY squares built in this file: the product holds no district polygon
until an open dataset provides one (docs/map.md).
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from chalicelib.domain.geography import (DATA_DIR, GOVERNORATE_FILE, AlexandriaMap, Area,
                                         SiteOutsideDistrict, alexandria_map, area_from_feature,
                                         check_site_in_district, load_map, point_in_ring)
from scripts.extract_alexandria_boundary import check_simple_ring, render

INSIDE = [
    ("Montaza palace", 31.2886, 30.0158),             # the palace on its plateau over the bay
    ("Abu Qir", 31.31, 30.065),                       # the town
    ("Agamy beachfront", 31.12, 29.78),               # issue 14's measured point
    ("Amreya", 31.0, 29.8),                           # town centre, 12 km from any edge
    ("New Borg El Arab", 30.8489, 29.6117),           # 30°50′56″N 29°36′42″E
    ("Borg El Arab airport (HBE)", 30.9178, 29.6964),  # 30°55′04″N 29°41′47″E
    ("El Nouzha airport (ALY)", 31.1839, 29.9489),     # the runway, 4 km from any edge
    ("Bibliotheca Alexandrina", 31.2089, 29.9092),
]
OUTSIDE = [
    ("Rashid (Rosetta), Beheira", 31.4044, 30.4164),
    ("Kafr El Dawwar, Beheira", 31.1339, 30.1297),
    ("El Alamein, Matrouh", 30.8333, 28.95),           # 30°50′N 28°57′E
    ("Sidi Abdel Rahman, Matrouh", 30.97, 28.74),
    ("open sea north of the city", 31.45, 29.95),
    ("open sea west of Agamy", 30.98, 29.47),          # issue 14's measured point
    ("Eastern Harbour mouth, open sea", 31.23, 29.89),
    ("Cairo, Tahrir Square", 30.0444, 31.2357),
    ("swapped coordinates of the Library", 29.9092, 31.2089),
]


@pytest.mark.parametrize("place, lat, lng", INSIDE)
def test_landmarks_of_alexandria_are_inside(place: str, lat: float, lng: float) -> None:
    # GIVEN a landmark of Alexandria governorate WHEN located THEN the governorate answers
    location = alexandria_map().locate(lat, lng)
    assert location is not None, place
    assert location.governorate.code == "ALX"


@pytest.mark.parametrize("place, lat, lng", OUTSIDE)
def test_places_outside_the_governorate_are_outside(place: str, lat: float, lng: float) -> None:
    # GIVEN a place in another governorate or at sea WHEN located THEN nothing answers
    assert alexandria_map().locate(lat, lng) is None, place


def test_the_packaged_boundary_is_open_data_with_its_provenance() -> None:
    # GIVEN the packaged governorate file WHEN read
    text = (DATA_DIR / GOVERNORATE_FILE).read_text(encoding="utf-8")
    feature = json.loads(text)
    props = feature["properties"]
    # THEN it names its dataset, source package, licence and attribution
    assert "geoBoundaries" in props["dataset"] and "egygeo 1.3.1" in props["source"]
    assert "ODbL" in props["licence"] and "OpenStreetMap contributors" in props["attribution"]
    # AND it is exactly what the extraction script writes: one simple closed ring, unedited
    ring = feature["geometry"]["coordinates"][0]
    check_simple_ring(ring)
    assert props["vertices"] == len(ring) - 1 == alexandria_map().governorate.vertices
    assert render(feature) == text


def test_point_in_ring_on_a_concave_shape() -> None:
    # GIVEN a U-shaped ring (lng, lat) WHEN a point sits in the notch THEN it is outside
    u_shape = [(0, 0), (3, 0), (3, 3), (2, 3), (2, 1), (1, 1), (1, 3), (0, 3), (0, 0)]
    assert point_in_ring(0.5, 2.0, u_shape)
    assert point_in_ring(2.5, 2.0, u_shape)
    assert not point_in_ring(1.5, 2.0, u_shape)   # in the notch
    assert not point_in_ring(4.0, 1.0, u_shape)


def _square(west: float, south: float, east: float, north: float) -> list[list[float]]:
    return [[west, south], [east, south], [east, north], [west, north], [west, south]]


def test_an_area_honours_holes_and_multipolygons() -> None:
    # GIVEN a MultiPolygon: a square with a hole, and a second square
    feature = {"type": "Feature", "properties": {}, "geometry": {
        "type": "MultiPolygon",
        "coordinates": [[_square(0, 0, 4, 4), _square(1, 1, 2, 2)], [_square(10, 10, 11, 11)]]}}
    area = area_from_feature(feature, "T", "ت", "T")
    # WHEN points are tested THEN the hole is outside and both parts are inside
    assert area.contains(3.0, 3.0) and area.contains(10.5, 10.5)
    assert not area.contains(1.5, 1.5)
    assert not area.contains(7.0, 7.0)
    assert area.vertices == 12


@pytest.mark.parametrize("geometry, message", [
    ({"type": "Point", "coordinates": [29.9, 31.2]}, "Polygon"),
    ({"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [0, 0]]]}, "at least 4"),
    ({"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1]]]}, "not closed"),
    ({"type": "Polygon", "coordinates": [[[0, 0], [200, 0], [1, 1], [0, 0]]]}, "WGS 84"),
])
def test_a_broken_geometry_fails_at_load(geometry: dict, message: str) -> None:
    # GIVEN a malformed geometry WHEN loaded THEN a ValueError says what is wrong
    with pytest.raises(ValueError, match=message):
        area_from_feature({"type": "Feature", "geometry": geometry}, "T", "ت", "T")


def _data_dir(tmp_path: Path, districts: dict[str, dict]) -> Path:
    shutil.copy(DATA_DIR / GOVERNORATE_FILE, tmp_path / GOVERNORATE_FILE)
    (tmp_path / "districts").mkdir()
    for code, properties in districts.items():
        feature = {"type": "Feature", "properties": properties,
                   "geometry": {"type": "Polygon", "coordinates": [_square(29.6, 30.8, 29.75, 30.95)]}}
        (tmp_path / "districts" / f"{code}.geojson").write_text(json.dumps(feature))
    return tmp_path


KNOWN = [("BORG", "حي برج العرب", "Borg El Arab"), ("EAST", "حي شرق", "East (Sharq)")]
PROVENANCE = {"source": "test", "licence": "test", "attribution": "test"}


def test_a_district_file_is_switched_on_by_its_presence(tmp_path: Path) -> None:
    # GIVEN a data directory with one district file carrying its provenance
    the_map = load_map(_data_dir(tmp_path, {"BORG": PROVENANCE}), KNOWN)
    # WHEN loaded THEN only that district has a boundary, named from districts.json
    assert [d.code for d in the_map.districts] == ["BORG"]
    assert the_map.has_boundary("BORG") and not the_map.has_boundary("EAST")
    assert the_map.districts[0].name_ar == "حي برج العرب"
    located = the_map.locate(30.9178, 29.6964)
    assert located is not None and located.district is not None and located.district.code == "BORG"


@pytest.mark.parametrize("districts, message", [
    ({"NOWHERE": PROVENANCE}, "no district NOWHERE"),
    ({"BORG": {"source": "test", "licence": "test"}}, "lack attribution"),
])
def test_a_district_file_without_provenance_or_district_fails(tmp_path: Path, districts: dict,
                                                              message: str) -> None:
    # GIVEN a district file for an unknown code, or one that does not say where it came from
    # WHEN loaded THEN the load fails rather than switching a check on or off silently
    with pytest.raises(ValueError, match=message):
        load_map(_data_dir(tmp_path, districts), KNOWN)


def _test_map() -> AlexandriaMap:
    """The real governorate with a TEST-ONLY square standing in for a district boundary."""
    square = area_from_feature({"type": "Feature", "geometry": {
        "type": "Polygon", "coordinates": [_square(29.6, 30.8, 29.75, 30.95)]}},
        "BORG", "حي برج العرب", "Borg El Arab")
    return AlexandriaMap(governorate=alexandria_map().governorate, districts=(square,))


def test_a_site_in_its_own_district_passes() -> None:
    # GIVEN a site inside BORG's boundary WHEN filed with BORG THEN no error
    check_site_in_district(_test_map(), 30.9178, 29.6964, "BORG", "حي برج العرب", "Borg El Arab")


def test_a_site_in_another_districts_boundary_is_refused_naming_it() -> None:
    # GIVEN a site inside BORG's boundary WHEN filed with EAST (which has no boundary)
    with pytest.raises(SiteOutsideDistrict) as caught:
        check_site_in_district(_test_map(), 30.9178, 29.6964, "EAST", "حي شرق", "East (Sharq)")
    # THEN the bilingual message names the district the point lies in
    assert "lies in Borg El Arab district, not in East (Sharq)" in caught.value.message_en
    assert "يقع في حي برج العرب وليس في حي شرق" in caught.value.message_ar


def test_a_site_outside_its_districts_boundary_is_refused() -> None:
    # GIVEN a site in the city (no boundary we hold covers it) WHEN filed with BORG
    with pytest.raises(SiteOutsideDistrict) as caught:
        check_site_in_district(_test_map(), 31.2089, 29.9092, "BORG", "حي برج العرب", "Borg El Arab")
    # THEN it is refused: outside BORG, in a part of the governorate with no district boundary
    assert "outside Borg El Arab district" in caught.value.message_en
    assert "خارج حدود حي برج العرب" in caught.value.message_ar


def test_the_check_stays_off_for_a_district_without_a_boundary() -> None:
    # GIVEN a city site no boundary covers WHEN filed with EAST (no boundary) THEN no error
    check_site_in_district(_test_map(), 31.2089, 29.9092, "EAST", "حي شرق", "East (Sharq)")


def test_the_packaged_map_has_no_district_polygon_yet() -> None:
    # GIVEN the packaged data (no open dataset of Alexandria's districts could be had, docs/map.md)
    # WHEN a point in the city is located THEN only the governorate answers
    location = alexandria_map().locate(31.2089, 29.9092)
    assert location is not None and location.district is None
    assert all(isinstance(d, Area) for d in alexandria_map().districts)
    assert sorted(p.stem for p in (DATA_DIR / "districts").glob("*.geojson")) == \
        [d.code for d in alexandria_map().districts]
