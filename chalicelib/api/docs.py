"""GET /openapi.json: the OpenAPI 3 document, assembled from one fragment per area."""
import json
from functools import lru_cache
from pathlib import Path

from chalice import Blueprint

from chalicelib.api.http import json_response

docs_api = Blueprint(__name__)
FRAGMENTS = Path(__file__).resolve().parent.parent / "data" / "openapi"


@lru_cache(maxsize=1)
def openapi_document() -> dict:
    document = json.loads((FRAGMENTS / "base.json").read_text(encoding="utf-8"))
    for fragment_path in sorted(FRAGMENTS.glob("paths-*.json")):
        fragment = json.loads(fragment_path.read_text(encoding="utf-8"))
        document["paths"].update(fragment.get("paths", {}))
        document["components"]["schemas"].update(fragment.get("schemas", {}))
    return document


@docs_api.route("/openapi.json", methods=["GET"])
def openapi():
    return json_response(openapi_document(), headers={"Cache-Control": "public, max-age=300"})
