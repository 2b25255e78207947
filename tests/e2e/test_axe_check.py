"""The accessibility check the browser tests rely on finds what it must: a page with a button
that has no name and an image with no text alternative fails it; the same page fixed passes."""
from __future__ import annotations

from playwright.sync_api import sync_playwright

from tests.e2e.portal import axe_violations, launch

BROKEN = """<!doctype html><html lang="ar" dir="rtl"><head><title>فحص</title></head><body><main>
<h1>فحص</h1><button></button><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
</main></body></html>"""
FIXED = BROKEN.replace("<button></button>", "<button>ادفع</button>").replace("<img ", '<img alt="ختم" ')


def test_axe_reports_serious_violations_and_passes_a_fixed_page(chromium):
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            page = browser.new_page()
            page.set_content(BROKEN)
            found = {violation["id"] for violation in axe_violations(page)}
            page.set_content(FIXED)
            assert axe_violations(page) == []
        finally:
            browser.close()
    assert {"button-name", "image-alt"} <= found
