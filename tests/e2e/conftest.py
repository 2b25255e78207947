"""Browser fixtures shared by the end-to-end tests."""
from __future__ import annotations


import pytest

from tests.e2e import browser


@pytest.fixture(scope="module")
def chromium() -> str:
    """Debian's headless Chromium, installed by the test command. Its absence is a failure,
    never a skip, on every machine: the pages must have been seen in a real browser."""
    return browser.ensure_chromium()


@pytest.fixture(scope="session", autouse=True)
def patient_assertions():
    """Web assertions wait up to 20 s, not Playwright's 5: the suite shares two CPUs with the
    local stack, the emulator and the build, and a page that answers in 6 s under that load is
    slow, not broken. Speed is measured by `make bench` (Lighthouse), not here."""
    from playwright.sync_api import expect

    expect.set_options(timeout=20_000)
    yield
    expect.set_options(timeout=5_000)
