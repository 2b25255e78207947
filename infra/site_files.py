"""What the public front serves and routes: the API's paths, the app's files, their caching.

Plain data and functions only (no CDK), like infra/resources.py and infra/web_headers.py, so
the tests and the local tools can import them without aws-cdk-lib: infra/site.py builds the
CloudFront distribution from them.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

EDGE_HEADER = "X-Rukhsa-Edge"
API_PATHS = ("/v1/*", "/v/*", "/V/*", "/s/*", "/openapi.json")
# API paths that take writes; the rest answer GET and HEAD only.
API_WRITE_PATHS = ("/v1/*",)
WEB_PUBLIC = Path(__file__).resolve().parent.parent / "web" / "public"
RUNTIME_CONFIG = "config.json"
ASSETS_CACHE = "public, max-age=31536000, immutable"
PAGES_CACHE = "no-cache"


def app_files(web_dist: Optional[Path]) -> list[str]:
    """The web app's files at the root of the site (not under /assets/), as URI paths: the
    CloudFront function serves these as they are and routes every other path to index.html."""
    names = {"index.html", RUNTIME_CONFIG}
    for folder in (WEB_PUBLIC, web_dist):
        if folder is not None and folder.is_dir():
            names |= {p.name for p in folder.iterdir() if p.is_file()}
    return sorted(f"/{name}" for name in names)


def spa_function_code(files: list[str]) -> str:
    """cloudfront-js-2.0: an app page (any path that is not a file of the app) -> /index.html."""
    table = json.dumps({name: True for name in files}, sort_keys=True)
    return (
        f"var FILES = {table};\n"
        "function handler(event) {\n"
        "  var request = event.request;\n"
        "  if (request.uri.indexOf('/assets/') === 0 || FILES[request.uri]) return request;\n"
        "  request.uri = '/index.html';\n"
        "  return request;\n"
        "}\n")
