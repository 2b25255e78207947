"""Headless Chromium from the command line: find or install it, dump a page's DOM, screenshot it.

No webdriver and no Python browser package: the Chromium CLI already renders a page
(`--dump-dom`) and photographs it (`--screenshot`), which is all the e2e tests need.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
ARTIFACTS_DIR = Path(__file__).resolve().parents[2] / "artifacts" / "e2e"
BROWSER_TIMEOUT_SECONDS = 90
# apt may be busy with another installer on the same machine; wait for its lock, don't fail.
APT_LOCK_TIMEOUT = ("-o", "DPkg::Lock::Timeout=600")

# Required on this machine: no sandbox (we run as root in a container), no GPU, and no
# background traffic (QUIC, component updates, sync) that would hang or slow a headless run.
_BASE_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
)


class BrowserUnavailable(RuntimeError):
    """Chromium is not installed and could not be installed."""


def _installed_chromium() -> str | None:
    for candidate in CHROMIUM_CANDIDATES:
        if os.access(candidate, os.X_OK):
            return candidate
    return shutil.which("chromium")


def _apt_get(*args: str) -> None:
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(["apt-get", *APT_LOCK_TIMEOUT, *args], check=True, env=env,
                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=1800)


def ensure_chromium() -> str:
    """Return the path of a Chromium binary, installing Debian's `chromium` package if missing."""
    found = _installed_chromium()
    if found:
        return found  # already installed: skip `apt-get update`, it is slow and needs the network
    try:
        _apt_get("update")
        _apt_get("install", "-y", "chromium")
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, FileNotFoundError) as exc:
        raise BrowserUnavailable(f"could not install chromium: {exc}") from exc
    found = _installed_chromium()
    if not found:
        raise BrowserUnavailable("apt-get installed chromium but no binary was found")
    return found


def _run_chromium(extra_flags: list[str], url: str) -> subprocess.CompletedProcess[str]:
    binary = ensure_chromium()
    # A fresh profile per run: no state leaks between tests, and parallel runs don't fight
    # over one profile's lock file.
    with tempfile.TemporaryDirectory(prefix="rukhsa-chromium-") as profile:
        command = [binary, *_BASE_FLAGS, f"--user-data-dir={profile}", *extra_flags, url]
        return subprocess.run(command, check=True, capture_output=True, text=True,
                              timeout=BROWSER_TIMEOUT_SECONDS)


def dump_dom(url: str) -> str:
    """Load `url` in headless Chromium and return the serialised DOM after parsing."""
    return _run_chromium(["--dump-dom"], url).stdout


def screenshot(url: str, path: str | os.PathLike[str], width: int = 390, height: int = 844) -> Path:
    """Save a PNG of `url` at a phone-sized window (default: a 390x844 phone) and return its path.

    A relative `path` is placed under `artifacts/e2e/` (gitignored).
    """
    target = Path(path)
    if not target.is_absolute():
        target = ARTIFACTS_DIR / target
    target.parent.mkdir(parents=True, exist_ok=True)
    _run_chromium([f"--screenshot={target}", f"--window-size={width},{height}"], url)
    if not target.exists():
        raise BrowserUnavailable(f"chromium did not write the screenshot {target}")
    return target
