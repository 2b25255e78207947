"""The verification page as a phone's browser shows it: real headless Chromium over loopback HTTP.

Screenshots land in artifacts/e2e/ (gitignored) for a human to look at.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Iterator

import pytest

from chalicelib.domain.verification import Verdict
from tests.e2e import browser
from tests.e2e.pages import render, sample_view, serve_pages

pytestmark = pytest.mark.e2e

# verdict -> (Arabic headline, English headline, banner colour as CSS paints it)
EXPECTED = {
    Verdict.GENUINE_VALID: ("رخصة سليمة وسارية", "Genuine and valid", (0x06, 0x76, 0x47)),
    Verdict.EXPIRED: ("رخصة منتهية الصلاحية", "Licence expired", (0xFA, 0xCC, 0x15)),
    Verdict.SUSPENDED: ("رخصة موقوفة", "Licence suspended", (0xF9, 0x73, 0x16)),
    Verdict.REVOKED: ("رخصة ملغاة", "Licence revoked", (0xB4, 0x23, 0x18)),
    Verdict.SUPERSEDED: ("حلت محلها رخصة أحدث", "Replaced by a newer licence", (0x3E, 0x47, 0x84)),
    Verdict.NOT_GENUINE: ("غير أصلية", "NOT GENUINE", (0x7A, 0x0C, 0x0C)),
}
HOSTILE_HOLDER = '<script>document.title="pwned"</script>'


@pytest.fixture(scope="module")
def site(chromium: str) -> Iterator[str]:
    """A loopback server with one page per verdict, plus one with a hostile holder name."""
    pages = {f"/v/{verdict.value}": render(sample_view(verdict)) for verdict in Verdict}
    hostile = replace(sample_view(Verdict.GENUINE_VALID), holder_masked=HOSTILE_HOLDER)
    pages["/v/hostile"] = render(hostile)
    with serve_pages(pages) as base_url:
        yield base_url


@pytest.mark.parametrize("verdict", list(Verdict), ids=lambda v: v.value)
def test_browser_shows_the_verdict(site: str, verdict: Verdict) -> None:
    """GIVEN a served page for a verdict WHEN Chromium loads it THEN the DOM has both headlines."""
    arabic, english, _ = EXPECTED[verdict]
    dom = browser.dump_dom(f"{site}/v/{verdict.value}")
    assert arabic in dom and english in dom
    assert "<script" not in dom


def test_browser_shows_licence_details_on_a_genuine_page(site: str) -> None:
    """GIVEN a genuine licence page WHEN Chromium loads it THEN number and map link are there."""
    dom = browser.dump_dom(f"{site}/v/{Verdict.GENUINE_VALID.value}")
    assert "ALX-MNT1-2025-000123" in dom
    assert "https://www.openstreetmap.org/?mlat=31.28009&amp;mlon=30.01699" in dom


def test_hostile_holder_name_stays_text_in_the_browser(site: str) -> None:
    """GIVEN a holder name holding a script WHEN Chromium loads the page THEN it is inert text."""
    dom = browser.dump_dom(f"{site}/v/hostile")
    assert "<script" not in dom and "pwned</title>" not in dom
    assert "&lt;script&gt;" in dom


@pytest.mark.parametrize("verdict", list(Verdict), ids=lambda v: v.value)
@pytest.mark.parametrize("width, height", [(390, 844), (360, 740)], ids=["390", "360"])
def test_phone_screenshot_shows_the_verdict_colour(site: str, verdict: Verdict, width: int,
                                                   height: int) -> None:
    """GIVEN a phone-sized window WHEN the page is photographed THEN the top is the verdict colour.

    The colour check proves the inline CSS was applied and the banner spans the screen's width.
    """
    from PIL import Image  # the e2e extra; not needed by the unit tests

    path = browser.screenshot(f"{site}/v/{verdict.value}", f"verify_{verdict.value}_{width}.png",
                              width=width, height=height)
    with Image.open(path) as image:
        assert image.size == (width, height)
        rgb = image.convert("RGB")
        expected = EXPECTED[verdict][2]
        for x in (2, width // 2, width - 3):
            pixel = rgb.getpixel((x, 4))
            assert all(abs(a - b) <= 3 for a, b in zip(pixel, expected)), (x, pixel, expected)
