"""Extract Alexandria governorate's boundary from geoBoundaries' Egypt ADM1, as PyPI's egygeo ships it.

    python scripts/extract_alexandria_boundary.py           # write chalicelib/data/alexandria_governorate.geojson
    python scripts/extract_alexandria_boundary.py --check   # exit 1 if the committed file differs

Re-runnable and deterministic: `pip download` fetches the pinned wheel (no install, no other
package), its SHA-256 is checked, the Alexandria feature is read from the JSON inside the wheel
and written with its provenance in `properties`. The coordinates are copied exactly as the
dataset has them: no simplification, no buffer, no hand edits (docs/map.md says why).
The ring is checked to be closed and simple (no edge crosses another), since the even-odd
point-in-polygon test of chalicelib/domain/geography.py is only meaningful on a simple ring.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "chalicelib" / "data" / "alexandria_governorate.geojson"

PACKAGE = "egygeo"
VERSION = "1.3.1"
WHEEL = f"{PACKAGE}-{VERSION}-py3-none-any.whl"
WHEEL_SHA256 = "8b32ed2ed15e2a2172c3cbc1879534529c7c3312c3914c1a7d2608e18d1c6851"
MEMBER = "egygeo/data/Governorate_boundaries.json"
FEATURE_NAME = "Alexandria"

PROVENANCE = {
    "code": "ALX",
    "name_ar": "محافظة الإسكندرية",
    "name_en": "Alexandria Governorate",
    "dataset": "geoBoundaries, Egypt ADM1 (gbOpen), feature 'Alexandria'",
    "source": (f"PyPI package {PACKAGE} {VERSION} ({WHEEL}, sha256 {WHEEL_SHA256}), file {MEMBER}; "
               "egygeo states its polygons are from geoBoundaries (www.geoboundaries.org)"),
    "source_version": (f"{PACKAGE} {VERSION}; egygeo does not name the geoBoundaries build. "
                       "geoBoundaries' gbOpen EGY ADM1 metadata (build of 8 Jul 2021) gives "
                       "boundary year 2017, sources OpenStreetMap and Wambacher's OSM boundaries"),
    "licence": "Open Data Commons Open Database License 1.0 (ODbL-1.0)",
    "licence_note": ("the licence geoBoundaries gives for gbOpen EGY ADM1 (OpenStreetMap-derived); "
                     "egygeo itself says 'CC BY 4.0 / ODbL'. This file is a derived database "
                     "published under the same licence"),
    "attribution": ("Boundary © OpenStreetMap contributors (ODbL 1.0), via geoBoundaries: Runfola D. "
                    "et al. (2020) geoBoundaries: A global database of political administrative "
                    "boundaries. PLoS ONE 15(4): e0231866; redistributed in the egygeo package "
                    "(MIT, Sara Habib)"),
    "processing": ("extracted unchanged by scripts/extract_alexandria_boundary.py: no "
                   "simplification (tolerance 0), no buffer"),
    "coordinate_order": "GeoJSON [longitude, latitude], WGS 84",
}


def download_wheel(into: Path) -> Path:
    subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                    "--only-binary", ":all:", "--dest", str(into), f"{PACKAGE}=={VERSION}"],
                   check=True)
    wheel = into / WHEEL
    digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
    if digest != WHEEL_SHA256:
        raise SystemExit(f"{WHEEL}: sha256 {digest}, expected {WHEEL_SHA256}")
    return wheel


def alexandria_feature(wheel: Path) -> dict:
    with zipfile.ZipFile(wheel) as archive:
        collection = json.loads(archive.read(MEMBER).decode("utf-8"))
    matches = [f for f in collection["features"]
               if f["properties"].get("Subdivision_en") == FEATURE_NAME]
    if len(matches) != 1:
        raise SystemExit(f"expected one feature named {FEATURE_NAME}, found {len(matches)}")
    return matches[0]


def _segments_cross(a, b, c, d) -> bool:
    def orientation(p, q, r) -> float:
        return (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0])

    d1, d2 = orientation(c, d, a), orientation(c, d, b)
    d3, d4 = orientation(a, b, c), orientation(a, b, d)
    return ((d1 > 0) != (d2 > 0)) and ((d3 > 0) != (d4 > 0)) and 0 not in (d1, d2, d3, d4)


def check_simple_ring(ring: list[list[float]]) -> None:
    if ring[0] != ring[-1]:
        raise SystemExit("the ring is not closed")
    edges = list(zip(ring, ring[1:]))
    for i, (a, b) in enumerate(edges):
        for j in range(i + 2, len(edges)):
            if i == 0 and j == len(edges) - 1:
                continue  # the first and last edges share the closing vertex
            c, d = edges[j]
            if _segments_cross(a, b, c, d):
                raise SystemExit(f"edges {i} and {j} cross: the ring is not simple")


def boundary_document(feature: dict) -> dict:
    geometry = feature["geometry"]
    if geometry["type"] != "Polygon":
        raise SystemExit(f"expected a Polygon, got {geometry['type']}")
    for ring in geometry["coordinates"]:
        check_simple_ring(ring)
    vertices = sum(len(ring) - 1 for ring in geometry["coordinates"])
    properties = {**PROVENANCE, "vertices": vertices}
    return {"type": "Feature", "properties": properties, "geometry": geometry}


def render(document: dict) -> str:
    """The document as JSON with one vertex per line, so a regeneration's diff stays readable."""
    properties = json.dumps(document["properties"], ensure_ascii=False, indent=2)
    rings = ",\n".join(
        "      [\n" + ",\n".join(f"        [{json.dumps(lng)}, {json.dumps(lat)}]" for lng, lat in ring)
        + "\n      ]" for ring in document["geometry"]["coordinates"])
    return ('{\n  "type": "Feature",\n  "properties": ' + properties.replace("\n", "\n  ")
            + ',\n  "geometry": {\n    "type": "Polygon",\n    "coordinates": [\n' + rings
            + "\n    ]\n  }\n}\n")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with the committed file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        text = render(boundary_document(alexandria_feature(download_wheel(Path(scratch)))))
    if json.loads(text)["geometry"] != boundary_document(json.loads(text))["geometry"]:
        raise SystemExit("rendering changed the geometry")
    if args.check:
        same = OUTPUT.exists() and OUTPUT.read_text(encoding="utf-8") == text
        print(f"{OUTPUT.relative_to(ROOT)}: {'up to date' if same else 'DIFFERS'}")
        return 0 if same else 1
    OUTPUT.write_text(text, encoding="utf-8")
    print(f"written: {OUTPUT.relative_to(ROOT)} ({len(text.encode())} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
