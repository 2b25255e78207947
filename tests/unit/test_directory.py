"""The service directory: an Arabic search that forgives diacritics and hamza forms, filters by
kind and district, and the catalogue checks that keep each entry's promises consistent."""
from __future__ import annotations

import copy
import json

import pytest

from chalicelib.domain.arabic_search import matches, normalise
from chalicelib.domain.catalogue import DATA_DIR, load_catalogue, parse_catalogue
from chalicelib.errors import NotFound, ValidationFailed
from chalicelib.usecases.directory import list_services, service_detail

CATALOGUE = load_catalogue()
EVERYWHERE = {s.code: tuple(s.default_districts) for s in CATALOGUE.services}


def documents() -> tuple[dict, dict]:
    services = json.loads((DATA_DIR / "catalogue.json").read_text(encoding="utf-8"))
    districts = json.loads((DATA_DIR / "districts.json").read_text(encoding="utf-8"))
    return copy.deepcopy(services), copy.deepcopy(districts)


def found(q: str) -> list[str]:
    return [s.code for s, _ in list_services(CATALOGUE, EVERYWHERE, q=q)]


@pytest.mark.parametrize("plain, typed", [
    ("ترخيص", "تَرْخِيصٌ"),          # tashkeel
    ("ترخيص", "تـرخـيـص"),           # tatweel
    ("اعلان", "إعلان"),              # hamza under the alef
    ("اشغال", "إشغال"),
    ("امتداد", "آمتداد"),            # madda
    ("مبني", "مبنى"),                # alef maqsura / ya
    ("رخصه", "رخصة"),                # ta marbuta / ha
])
def test_the_normaliser_folds_what_people_type_differently(plain: str, typed: str) -> None:
    assert normalise(plain) == normalise(typed)


def test_the_normaliser_keeps_letters_that_differ() -> None:
    assert normalise("هدم") != normalise("هرم") and normalise("Kiosk") == "kiosk"


@pytest.mark.parametrize("query", ["بيان صلاحية الموقع", "بَيَانُ صَلَاحِيَّةِ المَوْقِع",
                                   "بيان صلاحيه الموقع", "بـيـان صلاحية الموقع"])
def test_a_service_is_found_typed_with_or_without_diacritics(query: str) -> None:
    assert found(query) == ["site-validity-certificate"]


@pytest.mark.parametrize("query", ["إعلان", "اعلان", "أعلان", "إِعْلَان"])
def test_hamza_variants_find_the_same_services(query: str) -> None:
    hits = found(query)
    assert "advertisement-first" in hits and "advertisement-temporary" in hits
    assert all(CATALOGUE.service(code).kind == "advertisement" for code in hits)


def test_a_query_finds_by_word_beginnings_and_english_names() -> None:
    assert set(found("آيل للسقوط")) == {"demolition-at-risk"}
    assert "utility-connection-approval" in found("utility connection")
    assert found("لا شيء يطابق هذا") == []
    assert matches("رخص", ["رخصة محل"]) and not matches("خصة", ["رخصة محل"])


def test_filters_by_kind_and_district_combine() -> None:
    rollout = {**EVERYWHERE, "kiosk-first": ("EAST",)}
    kiosks = list_services(CATALOGUE, rollout, kind="kiosk", district="CENTRAL")
    assert {s.code for s, _ in kiosks} == {"kiosk-renewal", "kiosk-transfer", "kiosk-duplicate"}
    assert list_services(CATALOGUE, rollout, kind="kiosk", district="WEST") == []


def test_unknown_filters_are_a_400_naming_the_field() -> None:
    with pytest.raises(ValidationFailed) as bad:
        list_services(CATALOGUE, EVERYWHERE, kind="castle", district="NOWHERE", q="x" * 101)
    assert set(bad.value.fields) == {"kind", "district", "q"}
    with pytest.raises(NotFound):
        service_detail("no-such-service", CATALOGUE, EVERYWHERE)


def test_the_directory_holds_42_services_each_with_what_a_citizen_needs() -> None:
    from chalicelib.api.responses import Service, body

    assert len(CATALOGUE.services) == 42
    for service in CATALOGUE.services:
        entry = body(Service.of(*service_detail(service.code, CATALOGUE, EVERYWHERE), CATALOGUE))
        assert entry["name_ar"] and entry["name_en"] and entry["eligibility"], service.code
        assert entry["required_documents"] and entry["steps"] and entry["expected_days"] > 0
        assert all(slot["accepted_types"] for slot in entry["required_documents"])
        assert all(fee["source_type"] in ("seed", "page", "configuration")
                   for fee in entry["fees"]), service.code
        assert entry["yields"] == ("certificate" if service.case == "certificate" else "licence")


def mutate(change) -> None:
    services, districts = documents()
    change(services)
    parse_catalogue(services, districts)


def service(doc: dict, code: str) -> dict:
    return next(s for s in doc["services"] if s["code"] == code)


@pytest.mark.parametrize("change, message", [
    (lambda d: service(d, "shop-first")["required_documents"].append("selfie"), "unknown document slot"),
    (lambda d: service(d, "shop-first")["required_documents"].append("national_id"), "listed twice"),
    (lambda d: service(d, "shop-first")["steps"].append("lottery"), "unknown procedure step"),
    (lambda d: service(d, "shop-renewal").update(review_required=True), "review_required"),
    (lambda d: service(d, "kiosk-first")["fees"][0].update(source="a blog said so"), "neither"),
    (lambda d: service(d, "kiosk-first")["fees"][0].update(source="https://example.com/fees"),
     "sources do not list it"),
    (lambda d: service(d, "kiosk-first")["fees"][2]["rule"].update(unit_fields=["activity"]),
     "not a required number field"),
    (lambda d: service(d, "shop-transfer")["sources"][0].update(covers=["fees"]), "a page covers"),
    (lambda d: service(d, "shop-transfer")["sources"][0].update(covers=[]), "a page covers"),
    (lambda d: service(d, "shop-transfer")["sources"][0].update(url="http://example.com/"),
     "is not https"),
    (lambda d: service(d, "occupancy-first")["sources"].append(
        dict(service(d, "occupancy-first")["sources"][0])), "cited twice"),
    (lambda d: d["kinds"][-1].update(renewable=True), "a certificate is not renewed"),
    (lambda d: d["kinds"][-1].update(category="permit"), "category"),
    (lambda d: service(d, "shop-duplicate").update(case="certificate"),
     "only a certificate kind"),
    (lambda d: service(d, "excavation-first").update(case="renewal", code="excavation-renewal"),
     "lacks its first service"),
    (lambda d: d["services"].remove(service(d, "kiosk-renewal")), "lacks its renewal service"),
])
def test_a_directory_entry_that_breaks_a_promise_fails_at_load(change, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        mutate(change)
