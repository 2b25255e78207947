"""Verification page rules: verdicts, name masking, the JSON form, and the rendered HTML."""
from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from html.parser import HTMLParser

import pytest

from chalicelib.domain.verification import (
    Verdict,
    VerificationView,
    mask_name,
    to_json,
    verdict_for,
)
from chalicelib.errors import ValidationFailed
from chalicelib.presentation.verify_page import (
    CACHE_CONTROL_HEADER,
    format_egp,
    osm_link,
    render_verification_page,
)

KINDS = {"shop": ("محل تجاري", "Shop")}
DISTRICTS = {"gomrok": ("حي الجمرك", "Gomrok")}
TODAY = date(2025, 6, 1)


def genuine_view(**changes: object) -> VerificationView:
    view = VerificationView(
        verdict=Verdict.GENUINE_VALID, number="ALX-GMK-2025-000042", kind="shop", district="gomrok",
        valid_from=date(2025, 1, 1), valid_until=date(2025, 12, 31), lat=31.2001234, lng=29.8765432,
        holder_masked="محمد أ. ع.", outstanding_fines_piasters=0, fines=[], status="active")
    return replace(view, **changes)


def render(view: VerificationView) -> str:
    return render_verification_page(view, KINDS, DISTRICTS)


# --- verdicts ---------------------------------------------------------------------------------

@pytest.mark.parametrize("status, expected", [
    ("active", Verdict.GENUINE_VALID),
    ("expired", Verdict.EXPIRED),
    ("suspended", Verdict.SUSPENDED),
    ("revoked", Verdict.REVOKED),
])
def test_verdict_follows_status_within_term(status: str, expected: Verdict) -> None:
    """GIVEN a licence still within its term WHEN judged THEN its status decides the verdict."""
    assert verdict_for(status, valid_until=date(2025, 12, 31), today=TODAY) is expected


def test_active_licence_is_valid_on_its_last_day() -> None:
    """GIVEN valid_until is today WHEN judged THEN it is still valid (the last day is inclusive)."""
    assert verdict_for("active", valid_until=TODAY, today=TODAY) is Verdict.GENUINE_VALID


def test_active_licence_past_its_term_is_expired() -> None:
    """GIVEN an 'active' licence whose term ended yesterday WHEN judged THEN it is EXPIRED."""
    assert verdict_for("active", valid_until=date(2025, 5, 31), today=TODAY) is Verdict.EXPIRED


@pytest.mark.parametrize("status, expected", [("revoked", Verdict.REVOKED),
                                              ("suspended", Verdict.SUSPENDED)])
def test_revoked_or_suspended_never_downgrades_to_expired(status: str, expected: Verdict) -> None:
    """GIVEN a revoked/suspended licence past its term WHEN judged THEN the status still wins."""
    assert verdict_for(status, valid_until=date(2024, 1, 1), today=TODAY) is expected


def test_unknown_status_is_a_validation_error() -> None:
    """GIVEN a status outside the four known ones WHEN judged THEN ValidationFailed names it."""
    with pytest.raises(ValidationFailed) as caught:
        verdict_for("pending", valid_until=date(2025, 12, 31), today=TODAY)
    assert "status" in caught.value.fields


# --- masking ----------------------------------------------------------------------------------

@pytest.mark.parametrize("full_name, masked", [
    ("محمد أحمد علي", "محمد أ. ع."),
    ("Mohamed Ahmed Ali", "Mohamed A. A."),
    ("  محمد   أحمد\tعلي  ", "محمد أ. ع."),
    ("mohamed ahmed ali", "mohamed A. A."),
    ("فاطمة", "فاطمة"),
    ("Fatma", "Fatma"),
    ("", ""),
    ("   ", ""),
    ("عبد الرحمن محمد", "عبد الرحمن م."),
    ("محمد عبد الله", "محمد ع."),
    ("Abdel Rahman Mostafa", "Abdel Rahman M."),
    ("Sara O'Neil-Smith", "Sara O."),
])
def test_mask_name_keeps_first_name_and_initials(full_name: str, masked: str) -> None:
    """GIVEN a holder's full name WHEN masked THEN only the first name stays whole."""
    assert mask_name(full_name) == masked


def test_mask_name_hides_the_rest_of_every_later_part() -> None:
    """GIVEN a long name WHEN masked THEN no later part appears beyond its first letter."""
    masked = mask_name("Mohamed Ahmed Ali Hassan")
    assert "Ahmed" not in masked and "Ali" not in masked and "Hassan" not in masked
    assert masked == "Mohamed A. A. H."


# --- JSON form --------------------------------------------------------------------------------

def test_json_form_of_a_genuine_licence_matches_the_api_contract() -> None:
    """GIVEN a genuine view with a fine WHEN turned into JSON THEN the contract's keys plus extras."""
    view = genuine_view(outstanding_fines_piasters=5000,
                        fines=[{"name": "غرامة إشغال", "amount": 5000}])
    body = to_json(view)
    assert body == {
        "genuine": True, "status": "active", "number": "ALX-GMK-2025-000042", "kind": "shop",
        "district": "gomrok", "valid_from": "2025-01-01", "valid_until": "2025-12-31",
        "site": {"lat": 31.2001234, "lng": 29.8765432}, "holder_masked": "محمد أ. ع.",
        "verdict": "genuine_valid", "fines": [{"name": "غرامة إشغال", "amount": 5000}],
    }


def test_json_form_of_a_revoked_licence_is_still_genuine() -> None:
    """GIVEN a revoked licence WHEN turned into JSON THEN genuine stays true, verdict says revoked."""
    body = to_json(genuine_view(verdict=Verdict.REVOKED, status="revoked"))
    assert body["genuine"] is True and body["verdict"] == "revoked" and body["status"] == "revoked"


def test_json_form_of_not_genuine_carries_nothing() -> None:
    """GIVEN a forged token WHEN turned into JSON THEN genuine is false and every field is null."""
    body = to_json(VerificationView.not_genuine())
    assert body["genuine"] is False
    assert body["verdict"] == "not_genuine"
    other_keys = set(body) - {"genuine", "verdict"}
    assert other_keys == {"status", "number", "kind", "district", "valid_from", "valid_until",
                          "site", "holder_masked", "fines"}
    assert all(body[key] is None for key in other_keys)


# --- HTML page --------------------------------------------------------------------------------

class _TagCollector(HTMLParser):
    """Collects every start tag with its attributes, to check what the page would load."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def parsed_tags(page: str) -> list[tuple[str, dict[str, str | None]]]:
    collector = _TagCollector()
    collector.feed(page)
    return collector.tags


ALL_VIEWS = [genuine_view(verdict=verdict, status=status) for verdict, status in [
    (Verdict.GENUINE_VALID, "active"), (Verdict.EXPIRED, "expired"),
    (Verdict.SUSPENDED, "suspended"), (Verdict.REVOKED, "revoked")]] + [VerificationView.not_genuine()]


@pytest.mark.parametrize("view", ALL_VIEWS, ids=lambda v: v.verdict.value)
def test_page_is_self_contained_with_no_script_and_no_external_assets(view: VerificationView) -> None:
    """GIVEN any verdict WHEN rendered THEN no script, no external asset, only inline CSS."""
    page = render(view)
    tags = parsed_tags(page)
    names = [tag for tag, _ in tags]
    assert "script" not in names and "iframe" not in names and "img" not in names
    assert not any(tag == "link" for tag in names), "no stylesheet, font or icon links"
    assert not any(key.startswith("on") for _, attrs in tags for key in attrs), "no event handlers"
    assert not any("src" in attrs for _, attrs in tags)
    style = page[page.index("<style>"):page.index("</style>")]
    assert "@import" not in style and "url(" not in style and "@font-face" not in style
    assert "javascript:" not in page.lower()


@pytest.mark.parametrize("view", ALL_VIEWS, ids=lambda v: v.verdict.value)
def test_page_is_an_arabic_rtl_mobile_document(view: VerificationView) -> None:
    """GIVEN any verdict WHEN rendered THEN an HTML5 RTL Arabic page with a phone viewport."""
    page = render(view)
    assert page.startswith("<!DOCTYPE html>")
    html_attrs = next(attrs for tag, attrs in parsed_tags(page) if tag == "html")
    assert html_attrs == {"lang": "ar", "dir": "rtl"}
    viewport = next(attrs for tag, attrs in parsed_tags(page)
                    if tag == "meta" and attrs.get("name") == "viewport")
    assert "width=device-width" in (viewport["content"] or "")


@pytest.mark.parametrize("view, arabic, english", [
    (genuine_view(), "رخصة سليمة وسارية", "Genuine and valid"),
    (genuine_view(verdict=Verdict.EXPIRED, status="expired"), "منتهية", "Licence expired"),
    (genuine_view(verdict=Verdict.SUSPENDED, status="suspended"), "موقوفة", "Licence suspended"),
    (genuine_view(verdict=Verdict.REVOKED, status="revoked"), "ملغاة", "Licence revoked"),
    (VerificationView.not_genuine(), "غير أصلية", "NOT GENUINE"),
], ids=["genuine", "expired", "suspended", "revoked", "not_genuine"])
def test_banner_says_the_verdict_in_arabic_then_english(view: VerificationView, arabic: str,
                                                        english: str) -> None:
    """GIVEN a verdict WHEN rendered THEN the banner's Arabic comes before its English."""
    page = render(view)
    banner = page[page.index("<header"):page.index("</header>")]
    assert arabic in banner and english in banner
    assert banner.index(arabic) < banner.index(english)


def test_genuine_page_shows_the_licence_details() -> None:
    """GIVEN a genuine view WHEN rendered THEN number, names, dates, holder and map link show."""
    page = render(genuine_view())
    for expected in ("ALX-GMK-2025-000042", "محل تجاري", "Shop", "حي الجمرك", "Gomrok",
                     "2025-01-01", "2025-12-31", "محمد أ. ع.", "31.20012, 29.87654"):
        assert expected in page
    assert ('href="https://www.openstreetmap.org/?mlat=31.20012&amp;mlon=29.87654'
            '#map=18/31.20012/29.87654"') in page
    assert "الطوابع والأختام" in page and "stamps and seals" in page


def test_unknown_catalogue_code_is_shown_as_itself() -> None:
    """GIVEN a kind code missing from the names WHEN rendered THEN the code is shown, once."""
    page = render(genuine_view(kind="kiosk"))
    assert page.count("kiosk") == 1


def test_not_genuine_page_shows_no_licence_details_and_advises_reporting() -> None:
    """GIVEN a forged token WHEN rendered THEN no detail rows, and advice to report it."""
    page = render(VerificationView.not_genuine())
    assert "<dl>" not in page and "openstreetmap" not in page
    assert "أبلغ" in page and "report it" in page


def test_fines_appear_in_pounds_only_when_outstanding() -> None:
    """GIVEN 1,250.50 EGP of fines WHEN rendered THEN the total shows; with none, no fines row."""
    with_fines = render(genuine_view(outstanding_fines_piasters=125050,
                                     fines=[{"name": "غرامة إعلان", "amount": 125050}]))
    assert "1,250.50" in with_fines and "غرامة إعلان" in with_fines
    assert "Outstanding fines" in with_fines
    assert "Outstanding fines" not in render(genuine_view())


@pytest.mark.parametrize("piasters, text", [(0, "0.00"), (5, "0.05"), (50, "0.50"),
                                            (500, "5.00"), (125050, "1,250.50"), (-150, "-1.50")])
def test_format_egp_has_two_decimals(piasters: int, text: str) -> None:
    """GIVEN piasters WHEN formatted THEN pounds with exactly two decimals."""
    assert format_egp(piasters) == text


def test_osm_link_rounds_to_five_decimals() -> None:
    """GIVEN precise coordinates WHEN linked THEN five decimals (about a metre) in the link."""
    assert osm_link(31.123456789, 29.987654321) == (
        "https://www.openstreetmap.org/?mlat=31.12346&mlon=29.98765#map=18/31.12346/29.98765")


HOSTILE = '<script>alert("x")</script>'


def test_every_dynamic_value_is_html_escaped() -> None:
    """GIVEN hostile text in every free-text field WHEN rendered THEN none of it stays markup."""
    view = genuine_view(holder_masked=HOSTILE, number='"><img src=x onerror=alert(1)>',
                        kind="<b>k</b>", district="<i>d</i>", outstanding_fines_piasters=100,
                        fines=[{"name": HOSTILE, "amount": 100}])
    page = render(view)
    names = [tag for tag, _ in parsed_tags(page)]
    assert "<script>" not in page and "script" not in names
    assert "img" not in names and "b" not in names and "i" not in names
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page


def test_hostile_catalogue_names_are_escaped_too() -> None:
    """GIVEN catalogue names containing markup WHEN rendered THEN they are escaped."""
    page = render_verification_page(genuine_view(), {"shop": (HOSTILE, HOSTILE)},
                                    {"gomrok": (HOSTILE, HOSTILE)})
    assert "<script>" not in page


# --- caching ----------------------------------------------------------------------------------

def test_cache_header_lets_a_revocation_show_within_a_minute() -> None:
    """GIVEN the page's Cache-Control WHEN read THEN every max-age is at most 60 seconds."""
    ages = [int(age) for age in re.findall(r"(?:s-)?max-age=(\d+)", CACHE_CONTROL_HEADER)]
    assert ages, "the header must bound caching explicitly"
    assert max(ages) <= 60
    assert "immutable" not in CACHE_CONTROL_HEADER and "stale-" not in CACHE_CONTROL_HEADER
