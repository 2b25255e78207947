"""The web app's own checks, run by `make test` after `make web` built it: the type check of
the whole app against the types generated from the API's OpenAPI document, the unit tests
(vitest), and the first-load JavaScript budget of citizen pages (≤ 100 KB gzipped)."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

WEB = Path(__file__).resolve().parents[2] / "web"
BUDGET_BYTES = 100 * 1024


def _npx(*args: str) -> subprocess.CompletedProcess[str]:
    npx = shutil.which("npx")
    assert npx, "Node.js (npx) is required: Debian's nodejs and npm packages"
    assert (WEB / "node_modules").is_dir(), "web/node_modules missing: `make test` runs npm ci"
    return subprocess.run([npx, "--no-install", *args], cwd=WEB, capture_output=True, text=True,
                          timeout=300, env={**os.environ, "CI": "1", "NO_COLOR": "1"})


@pytest.fixture(scope="module")
def built() -> Path:
    manifest = WEB / "dist" / ".vite" / "manifest.json"
    assert manifest.is_file(), "web/dist is not built: `make test` builds it (make web)"
    assert (WEB / "src" / "api" / "schema.d.ts").is_file()
    return manifest


def test_the_app_type_checks_against_the_generated_api_types(built):
    # GIVEN schema.d.ts generated from the app's own /openapi.json by the build
    # WHEN the whole app is type-checked THEN tsc finds nothing
    result = _npx("tsc", "--noEmit")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_generated_types_describe_the_routes_the_portal_calls(built):
    schema = (WEB / "src" / "api" / "schema.d.ts").read_text()
    for path in ("/v1/services", "/v1/districts", "/v1/dev/tokens", "/v1/applications/{application_id}",
                 "/v1/applications/{application_id}/payments", "/v1/payments/{payment_id}",
                 "/v1/licences/{number}", "/v1/licences/{number}/paper-copy",
                 "/v1/licences/{number}/renewals"):
        assert f'"{path}": {{' in schema, path


def test_web_unit_tests_pass(built, tmp_path):
    output = tmp_path / "vitest.json"
    result = _npx("vitest", "run", "--reporter=json", f"--outputFile={output}")
    assert output.is_file(), result.stdout[-3000:] + result.stderr[-3000:]
    report = json.loads(output.read_text())
    assert result.returncode == 0 and report["success"], result.stdout[-3000:] + result.stderr[-3000:]
    assert report["numPassedTests"] >= 10, report["numPassedTests"]


def test_first_load_javascript_of_citizen_pages_is_within_budget(built):
    # WHEN the built assets are measured (entry, its imports and each page's chunk, gzipped)
    result = subprocess.run(["node", "scripts/budget.mjs", "--json"], cwd=WEB, capture_output=True,
                            text=True, timeout=60)
    report = json.loads(result.stdout)
    routes = {row["route"]: row["gzip_bytes"] for row in report["routes"]}
    # THEN every citizen page, the map step included, is within 100 KB
    assert {"Directory.tsx", "ServicePage.tsx", "apply/Apply.tsx", "ApplicationPage.tsx",
            "LicencePage.tsx"} <= set(routes)
    assert report["largest_gzip_bytes"] <= BUDGET_BYTES, routes
    assert result.returncode == 0
    # and the map (Leaflet) is not in the shell: only the site step loads it
    assert routes["apply/Apply.tsx + SiteMap (site step)"] - routes["apply/Apply.tsx"] > 30 * 1024
