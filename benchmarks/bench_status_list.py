"""Status list benchmark: size and build time for a generated population (docs/status-list.md).

    python benchmarks/bench_status_list.py [--total 1000000] [--not-active-percent 5]

The population: `total` licences spread evenly over the shipped districts and three years,
sequences dense from 1 in each (district, year), as the number counter hands them out; each
is not active with the given probability (expired 60 %, suspended 20 %, revoked 15 %,
superseded 5 %). The build is the production use case (shards read, encode, ES256 sign) with
the index rows served from memory and an in-memory key: in AWS add the index Queries (~50
pages of 1 000 rows for 50 000 entries) and one KMS Sign call.
"""
from __future__ import annotations

import argparse
import gzip
import random
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from chalicelib.domain.catalogue import load_catalogue  # noqa: E402
from chalicelib.domain.licence_numbers import format_number, parse_number  # noqa: E402
from chalicelib.domain.licences import STATUS_SHARDS  # noqa: E402
from chalicelib.domain.status_list import verify_status_list  # noqa: E402
from chalicelib.ports import ListedLicences  # noqa: E402
from chalicelib.usecases.status_list import StatusListPorts, build_status_list  # noqa: E402
from tests.fakes.edges import MemoryFileStore  # noqa: E402
from tests.unit.seal_fakes import LocalSealSigner  # noqa: E402

SIZE_GOAL_BYTES = 200 * 1024
STATUSES = (("expired", 0.60), ("suspended", 0.20), ("revoked", 0.15), ("superseded", 0.05))


class MemoryIndex(ListedLicences):
    def __init__(self, rows: list[tuple[str, str, str]]) -> None:
        self.shards: dict[str, list[tuple[str, str, str]]] = {}
        for row in rows:
            shard = f"LISTED#{parse_number(row[0]).sequence % STATUS_SHARDS:02d}"
            self.shards.setdefault(shard, []).append(row)

    def listed(self, shard: str):
        return iter(self.shards.get(shard, []))


def population(total: int, percent: float, districts: list[str]) -> list[tuple[str, str, str]]:
    rng = random.Random(20261201)
    groups = [(d, y) for d in districts for y in (2024, 2025, 2026)]
    per_group = total // len(groups)
    names, weights = zip(*STATUSES)
    rows = []
    for district, year in groups:
        for sequence in range(1, per_group + 1):
            if rng.random() < percent / 100:
                status = rng.choices(names, weights)[0]
                rows.append((format_number(district, year, sequence),
                             "expired" if status == "superseded" else status,
                             "app-next" if status == "superseded" else ""))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--total", type=int, default=1_000_000)
    parser.add_argument("--not-active-percent", type=float, default=5.0)
    args = parser.parse_args()
    catalogue = load_catalogue()
    rows = population(args.total, args.not_active_percent, [d.code for d in catalogue.districts])
    signer = LocalSealSigner()
    ports = StatusListPorts(listed=MemoryIndex(rows), signer=signer, files=MemoryFileStore(),
                            codes=catalogue.seal_codes,
                            clock=lambda: datetime.now(timezone.utc))
    builds = []
    for _ in range(3):
        started = time.perf_counter()
        text, entries = build_status_list(ports)
        builds.append(time.perf_counter() - started)
    started = time.perf_counter()
    verified = verify_status_list(text, signer.public_keys(), catalogue.seal_codes)
    verify_seconds = time.perf_counter() - started
    assert len(verified.statuses) == entries == len(rows)
    size = len(text.encode("ascii"))
    gzipped = len(gzip.compress(text.encode("ascii")))
    print(f"population: {args.total} licences, {entries} listed ({args.not_active_percent:g} %)")
    print(f"jws: {size} bytes ({size / entries:.2f} per listed licence), gzip {gzipped} bytes")
    print(f"build (read shards, encode, sign), best of 3: {min(builds) * 1000:.0f} ms")
    print(f"verify + decode in Python: {verify_seconds * 1000:.0f} ms")
    print(f"figure: status list size, {args.total:,} licences, {args.not_active_percent:g} % not "
          f"active | {size / 1024:.1f} KB ({size} B; gzip {gzipped / 1024:.1f} KB) | <= 200 KB")
    print(f"figure: status list build (encode + sign, index rows in memory) | "
          f"{min(builds) * 1000:.0f} ms | -")


if __name__ == "__main__":
    main()
