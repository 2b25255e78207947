"""Browser fixtures shared by the end-to-end tests."""
from __future__ import annotations

import os

import pytest

from tests.e2e import browser


@pytest.fixture(scope="module")
def chromium() -> str:
    """Debian's headless Chromium, installed by the test command. Under CI its absence is a
    failure, not a skip: the verification page must have been seen in a real browser."""
    try:
        return browser.ensure_chromium()
    except browser.BrowserUnavailable as exc:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"no headless Chromium on this machine: {exc}")
