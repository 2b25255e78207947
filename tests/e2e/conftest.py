"""Browser fixtures shared by the end-to-end tests."""
from __future__ import annotations


import pytest

from tests.e2e import browser


@pytest.fixture(scope="module")
def chromium() -> str:
    """Debian's headless Chromium, installed by the test command. Its absence is a failure,
    never a skip, on every machine: the pages must have been seen in a real browser."""
    return browser.ensure_chromium()
