"""Locating a point on the map: time per point, and the one-off cost of loading the boundaries.

Run from the repository root:  .venv/bin/python benchmarks/bench_locate.py [ROUNDS]
Points are the landmark set of tests/unit/test_geography.py (inside, on the coast, at sea, far
away), so the figure mixes the bounding-box early exit and full ring walks as real pins would.
Prints `figure:` lines that benchmarks/run_all.py gathers into docs/benchmarks.md.
"""
from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from chalicelib.domain import geography  # noqa: E402
from tests.unit.test_geography import INSIDE, OUTSIDE  # noqa: E402

GOAL_MS = 1.0


def main(rounds: int) -> None:
    started = time.perf_counter()
    the_map = geography.alexandria_map()
    load_ms = (time.perf_counter() - started) * 1000
    points = [(lat, lng) for _, lat, lng in INSIDE + OUTSIDE]
    inside_only = [(lat, lng) for _, lat, lng in INSIDE]
    per_point_us, inside_us = [], []
    for _ in range(rounds):
        begin = time.perf_counter()
        for lat, lng in points:
            the_map.locate(lat, lng)
        per_point_us.append((time.perf_counter() - begin) * 1e6 / len(points))
        begin = time.perf_counter()
        for lat, lng in inside_only:
            the_map.locate(lat, lng)
        inside_us.append((time.perf_counter() - begin) * 1e6 / len(inside_only))
    mixed, inside = statistics.median(per_point_us), statistics.median(inside_us)
    p95 = statistics.quantiles(per_point_us, n=20)[-1]  # rounds hit by other processes show here
    governorate = the_map.governorate
    print(f"boundary: {governorate.vertices} vertices, {len(the_map.districts)} district boundaries; "
          f"first load {load_ms:.1f} ms (catalogue + GeoJSON)")
    print(f"{len(points)} points x {rounds} rounds: median {mixed:.1f} us/point, "
          f"inside-only median {inside:.1f} us/point, 95th percentile round {p95:.1f} us/point")
    print(f"figure: locate one point (median, mixed landmarks) | {mixed / 1000:.4f} ms | <= {GOAL_MS:g} ms"
          f"{'' if mixed / 1000 <= GOAL_MS else ' (NOT met)'}")
    print(f"figure: locate one point inside the governorate (full ring walk, median) | "
          f"{inside / 1000:.4f} ms | <= {GOAL_MS:g} ms")
    print(f"figure: load the boundaries (first locate in a process) | {load_ms:.1f} ms | -")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000)
