"""Nightly job benchmark on the local emulator (moto server over HTTP).

    python benchmarks/bench_nightly.py --total 10000 --due-percent 1 [--workers 8]

Creates `total` licences in fresh tables, `due-percent` of them due tonight (spread over: term
ended yesterday -> expire; 30/7/1 days left -> reminders; late advertisements -> fines), the
rest ending on other dates. Runs the night, then reruns it, and prints items read versus items
due and the throughput. What is measured and what is extrapolated are printed apart.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

NIGHT = date(2030, 6, 15)
LAMBDA_SECONDS = 15 * 60


class CountingNotifications:
    """Counts the messages the night queues on the outbox (whose worker sends each key once)."""

    def __init__(self) -> None:
        self.sent = 0

    def notify(self, key, channel, recipient, template, values, licence="") -> bool:
        self.sent += 1
        return True


def licence_for(n: int, due_kind: str | None, districts: list[str]):
    from chalicelib.domain.licences import ACTIVE, EXPIRED, Fine, Licence

    district = districts[n % len(districts)]
    if due_kind == "expire":
        ends, status = NIGHT - timedelta(days=1), ACTIVE
    elif due_kind in ("30", "7", "1"):
        ends, status = NIGHT + timedelta(days=int(due_kind)), ACTIVE
    elif due_kind == "fine":  # late since yesterday and already fined for it: steady state
        ends, status = NIGHT - timedelta(days=2), EXPIRED
    else:  # not due tonight: a term ending on some other day, well away from the due dates
        ends, status = NIGHT + timedelta(days=40 + n % 300), ACTIVE
    fines = (Fine(key=f"late:{NIGHT - timedelta(days=1)}", name_ar="غرامة", name_en="Late fine",
                  amount_piasters=2000, assessed_on=(NIGHT - timedelta(days=1)).isoformat()),
             ) if due_kind == "fine" else ()
    return Licence(
        fines=fines, number=f"ALX-{district}-2030-{n:06d}", application_id=f"bench-{n}",
        service_code="advertisement-first", kind="advertisement", district=district,
        holder=f"bench-{n % 5000}", holder_name="محمد أحمد علي", holder_mobile="+201012345678",
        holder_national_id="29001010201234", site={"lat": 31.2, "lng": 29.9, "address": "x"},
        details={"sign_type": "wall", "sign_width_m": 2, "sign_height_m": 1, "faces": 1},
        status=status, valid_from=(ends - timedelta(days=364)).isoformat(),
        valid_until=ends.isoformat(), issued_at="2029-06-15T10:00:00.000Z",
        accrues_late_fines=True)  # the catalogue's advertisement rule fines late days


def populate(total: int, due: int, districts: list[str]) -> float:
    from chalicelib.adapters.dynamo_models import LicenceModel
    from chalicelib.adapters.licence_store import to_model

    kinds = ["expire", "30", "7", "1", "fine"]
    started = time.perf_counter()
    with LicenceModel.batch_write() as batch:
        for n in range(total):
            due_kind = kinds[n % len(kinds)] if n < due else None
            batch.save(to_model(licence_for(n, due_kind, districts)))
            if n % 2000 == 0:
                print(f"\rcreating licences {n}/{total}", end="", file=sys.stderr, flush=True)
    print(f"\rcreated {total} licences" + " " * 20, file=sys.stderr)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--total", type=int, default=10_000)
    parser.add_argument("--due-percent", type=float, default=1.0)
    parser.add_argument("--workers", type=int, default=8)
    args = parser.parse_args()
    from devstack.config import local_environment
    from devstack.emulator import Emulator

    emulator = Emulator.start()
    try:
        os.environ.update(local_environment())
        os.environ["LOG_LEVEL"] = "WARNING"
        emulator.export_to(os.environ)
        prefix = f"bench{uuid.uuid4().hex[:6]}-"
        os.environ.update(TABLE_PREFIX=prefix, FILES_BUCKET=f"{prefix}files",
                          SEAL_KEY_IDS=f"alias/{prefix}seal")
        from devstack.provision import provision
        provision(prefix, f"{prefix}files", f"alias/{prefix}seal")
        return bench(args)
    finally:
        emulator.stop()


def bench(args) -> int:
    from dataclasses import replace

    from chalicelib import wiring
    from chalicelib.domain.catalogue import load_catalogue
    from chalicelib.usecases.nightly import NightPorts, run_night

    wiring.reset()
    wiring.bound_settings()  # point the models at the fresh tables
    catalogue = load_catalogue()
    districts = [d.code for d in catalogue.districts]
    due = int(args.total * args.due_percent / 100)
    create_seconds = populate(args.total, due, districts)
    notifier = CountingNotifications()
    ports = NightPorts(licences=wiring.licence_store(), work_lists=wiring.work_lists(),
                       once=wiring.once_store(), notifications=notifier, catalogue=catalogue,
                       clock=wiring.clock, workers=args.workers)
    rows = []
    # "empty": a night with nothing due, same 56 tasks: moto answers an index Query by walking
    # the whole table, so its fixed cost grows with the total (DynamoDB's does not).
    # The empty night is the one before: the late licences were already fined for it.
    for label, night in (("empty", NIGHT - timedelta(days=1)), ("night", NIGHT), ("rerun", NIGHT)):
        started = time.perf_counter()
        stats = run_night(night, replace(ports))
        seconds = time.perf_counter() - started
        rows.append((label, stats, seconds))
    print_table(args, due, create_seconds, rows, notifier.sent)
    return 0


def print_table(args, due: int, create_seconds: float, rows, sms_sent: int) -> None:
    print(f"\nMEASURED on moto server (HTTP, one process, {args.workers} threads)")
    print(f"licences total {args.total}, due tonight {due} ({args.due_percent:g} %), "
          f"created in {create_seconds:.1f} s")
    print(f"{'run':6} {'items read':>10} {'items due':>9} {'read/due':>8} {'expired':>7} "
          f"{'fines':>6} {'sms':>5} {'seconds':>8} {'due items/s':>11}")
    for label, stats, seconds in rows:
        ratio = stats.items_read / stats.items_due if stats.items_due else float("nan")
        print(f"{label:6} {stats.items_read:>10} {stats.items_due:>9} {ratio:>8.3f} "
              f"{stats.expired:>7} {stats.fines_assessed:>6} "
              f"{stats.reminders_queued + stats.notices_queued:>5} {seconds:>8.2f} "
              f"{stats.items_due / seconds:>11.1f}")
    empty, night = rows[0], rows[1]
    work_seconds = night[2] - empty[2]
    rate = night[1].items_due / night[2]  # conservative: moto's query overhead included
    if work_seconds > 0.5:
        print(f"per due item, the empty night's query overhead removed: "
              f"{(night[1].items_due - empty[1].items_due) / work_seconds:.1f} items/s")
    print(f"SMS queued over both runs: {sms_sent} (a rerun queues the same keys again; the "
          f"outbox sends each key once)")
    print("\nEXTRAPOLATED (not measured)")
    print(f"items read stay ~= items due at any total: reads come only from index Queries on the "
          f"night's keys; at 100,000 licences with 1 % due, ~{1000 * night[1].items_read // max(night[1].items_due, 1)} "
          f"items are read for 1,000 due.")
    print(f"100,000 licences DUE in one night at the measured {rate:.0f} items/s: "
          f"{100_000 / rate:.0f} s in ONE process (limit {LAMBDA_SECONDS} s). The scheduler fans out "
          f"56 tasks over SQS (10 districts x expire / 3 reminders, 16 fine shards) and each task "
          f"re-enqueues its continuation before the limit, so no invocation exceeds it; with the "
          f"due items spread over 10 parallel tasks: ~{100_000 / rate / 10:.0f} s wall time. "
          f"moto serialises requests and is slower than DynamoDB; re-measure in AWS.")


if __name__ == "__main__":
    raise SystemExit(main())
