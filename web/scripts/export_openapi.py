"""Write the app's OpenAPI document to web/src/api/openapi.json, with no server running.

The npm build runs this, then openapi-typescript turns the document into src/api/schema.d.ts:
the web client's types come from the API itself, so a changed response breaks the build.
"""
from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

WEB = Path(__file__).resolve().parents[1]
ROOT = WEB.parent
TARGET = WEB / "src" / "api" / "openapi.json"


def main() -> None:
    sys.path.insert(0, str(ROOT))
    from chalice.test import Client

    from app import app

    # A project directory without .chalice/config.json: the test client must not load a
    # stage's environment (nothing here talks to AWS).
    with tempfile.TemporaryDirectory() as empty, Client(app, project_dir=empty) as client:
        response = client.http.get("/openapi.json")
    if response.status_code != 200:
        raise SystemExit(f"GET /openapi.json answered {response.status_code}")
    document = json.loads(response.body)
    TARGET.write_text(json.dumps(document, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"openapi: {len(document['paths'])} paths -> {TARGET.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
