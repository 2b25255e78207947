"""The map over HTTP: GET /v1/districts/locate, and an application's site against its district.

The packaged data holds no district polygon (docs/map.md), so the district tests stand in a
TEST-ONLY square for Borg El Arab's boundary (around Borg El Arab airport), switched on the way
a real `districts/BORG.geojson` would be: through the map the app loads.
"""
import copy

import pytest

from chalicelib.domain import geography

from tests.integration.test_applications_api import VALID

pytestmark = pytest.mark.integration

HBE_AIRPORT = {"lat": 30.9178, "lng": 29.6964}
LIBRARY = {"lat": 31.2089, "lng": 29.9092}


@pytest.fixture
def borg_has_a_test_boundary(monkeypatch):
    square = [[29.6, 30.8], [29.75, 30.8], [29.75, 30.95], [29.6, 30.95], [29.6, 30.8]]
    borg = geography.area_from_feature(
        {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [square]}},
        "BORG", "حي برج العرب", "Borg El Arab")
    test_map = geography.AlexandriaMap(governorate=geography.alexandria_map().governorate,
                                       districts=(borg,))
    monkeypatch.setattr(geography, "alexandria_map", lambda: test_map)
    return test_map


def locate(stack, query: str):
    return stack.call("GET", f"/v1/districts/locate?{query}")


def test_locate_answers_the_governorate_where_no_district_boundary_covers_the_point(stack):
    # GIVEN Montaza palace WHEN located THEN Alexandria governorate, no district, cacheable
    response = locate(stack, "lat=31.2886&lng=30.0158")
    assert response.status_code == 200, response.body
    assert response.json["governorate"] == {"code": "ALX", "name_ar": "محافظة الإسكندرية",
                                            "name_en": "Alexandria Governorate"}
    assert response.json["district"] is None
    assert response.json["districts_with_boundary"] == []
    assert response.headers["Cache-Control"].startswith("public")


def test_locate_reads_arabic_indic_digits(stack):
    # GIVEN the Library's coordinates typed with Arabic-Indic digits and the Arabic decimal point
    response = locate(stack, "lat=%D9%A3%D9%A1%D9%AB%D9%A2%D9%A0%D9%A8%D9%A9"  # ٣١٫٢٠٨٩
                             "&lng=%D9%A2%D9%A9%D9%AB%D9%A9%D9%A0%D9%A9%D9%A2")  # ٢٩٫٩٠٩٢
    # THEN they are read as 31.2089, 29.9092
    assert response.status_code == 200, response.body
    assert (response.json["lat"], response.json["lng"]) == (31.2089, 29.9092)


@pytest.mark.parametrize("query", ["lat=30.98&lng=29.47", "lat=30.0444&lng=31.2357",
                                   "lat=31.45&lng=29.95"])
def test_locate_outside_the_governorate_is_a_bilingual_404(stack, query):
    # GIVEN open sea west of Agamy, Cairo, open sea north WHEN located THEN 404, both languages
    response = locate(stack, query)
    assert response.status_code == 404, response.body
    error = response.json["error"]
    assert error["code"] == "outside_governorate"
    assert error["message_ar"] == "هذه النقطة خارج محافظة الإسكندرية"
    assert "outside Alexandria" in error["message_en"]


@pytest.mark.parametrize("query, field, fragment", [
    ("lng=29.9", "lat", "is required"),
    ("lat=31.2", "lng", "is required"),
    ("lat=abc&lng=29.9", "lat", "decimal number"),
    ("lat=nan&lng=29.9", "lat", "decimal number"),
    ("lat=31.2&lng=1e400", "lng", "decimal number"),
    ("lat=95&lng=29.9", "lat", "between -90 and 90"),
    ("lat=31.2&lng=-181", "lng", "between -180 and 180"),
])
def test_locate_with_a_malformed_coordinate_is_a_400_naming_the_field(stack, query, field, fragment):
    # GIVEN a missing, non-numeric or out-of-range coordinate WHEN located THEN 400 on that field
    response = locate(stack, query)
    assert response.status_code == 400, response.body
    message = response.json["error"]["fields"][field]
    assert fragment in message and ("خط العرض" in message or "خط الطول" in message)


def test_locate_answers_a_district_that_has_a_boundary(stack, borg_has_a_test_boundary):
    # GIVEN Borg El Arab with a boundary WHEN its airport is located THEN the district answers
    response = locate(stack, "lat=30.9178&lng=29.6964")
    assert response.status_code == 200, response.body
    assert response.json["district"] == {"code": "BORG", "name_ar": "حي برج العرب",
                                         "name_en": "Borg El Arab"}
    assert response.json["districts_with_boundary"] == ["BORG"]
    # AND a city point still answers the governorate alone
    assert locate(stack, "lat=31.2089&lng=29.9092").json["district"] is None


def _application(district: str, point: dict) -> dict:
    body = copy.deepcopy(VALID)
    body["district"] = district
    body["site"].update(point)
    return body


def test_a_site_in_borg_el_arab_filed_with_east_is_refused_naming_borg(stack, citizen,
                                                                       borg_has_a_test_boundary):
    # GIVEN a site at Borg El Arab airport WHEN a citizen applies to East district
    response = stack.call("POST", "/v1/applications", citizen, _application("EAST", HBE_AIRPORT))
    # THEN 400 on `site`, naming the district the point lies in, Arabic first
    assert response.status_code == 400, response.body
    message = response.json["error"]["fields"]["site"]
    assert message.startswith("الموقع يقع في حي برج العرب وليس في حي شرق")
    assert "the site lies in Borg El Arab district, not in East (Sharq)" in message


def test_a_city_site_filed_with_borg_el_arab_is_refused(stack, citizen, borg_has_a_test_boundary):
    # GIVEN a site at the Library WHEN filed with Borg El Arab (which has a boundary) THEN 400
    response = stack.call("POST", "/v1/applications", citizen, _application("BORG", LIBRARY))
    assert response.status_code == 400, response.body
    assert "outside Borg El Arab district" in response.json["error"]["fields"]["site"]


def test_a_site_inside_its_district_is_accepted(stack, citizen, borg_has_a_test_boundary):
    # GIVEN a site at Borg El Arab airport WHEN filed with Borg El Arab THEN it is created
    created = stack.call("POST", "/v1/applications", citizen, _application("BORG", HBE_AIRPORT))
    assert created.status_code == 201, created.body
    # AND a district without a boundary still takes a city site (checked at governorate level)
    east = stack.call("POST", "/v1/applications", citizen, _application("EAST", LIBRARY))
    assert east.status_code == 201, east.body


def test_a_resubmitted_site_is_checked_against_the_district_too(stack, borg_has_a_test_boundary):
    from tests.integration import backoffice_fixtures as fx

    # GIVEN an East application returned to its citizen for corrections
    app = fx.reviewing("c-map-return")
    citizen = stack.token("citizen", sub=app.owner)
    url = f"/v1/applications/{app.id}"
    returned = stack.call("POST", f"{url}/return", stack.token("officer", district="EAST"),
                          {"reason": "the map pin is wrong"})
    assert returned.status_code == 200, returned.body
    # WHEN the citizen moves the pin into Borg El Arab's boundary
    moved = stack.call("POST", f"{url}/resubmit", citizen,
                       {"site": {**HBE_AIRPORT, "address": "مطار برج العرب"}})
    # THEN 400 on `site` naming Borg El Arab, and the application stays returned
    assert moved.status_code == 400, moved.body
    assert "الموقع يقع في حي برج العرب" in moved.json["error"]["fields"]["site"]
    assert stack.call("GET", url, citizen).json["status"] == "returned"
