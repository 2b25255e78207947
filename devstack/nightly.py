"""Run one night of the nightly job by hand, e.g. to catch up after an outage:

    python -m devstack.nightly --date 2026-11-24 [--sms print|sns] [--workers 8]

Uses the configured endpoint (the local stack's emulator by default, from .chalice/config.json;
AWS if the environment says so). Nights are independent and idempotent: run each missed date
in order; rerunning a night assesses and sends nothing twice.
"""
from __future__ import annotations

import argparse
import os
import sys
from dataclasses import replace
from datetime import date, datetime, timezone

from devstack.config import ROOT, local_environment


class PrintingNotifier:
    """`--sms print`: show the messages instead of sending them (local stack)."""

    def send(self, phone_e164: str, text: str) -> str:
        print(f"\nSMS {phone_e164[:4]}…{phone_e164[-3:]}: {text}", flush=True)
        return "printed"


def progress_bar(done: int, total: int, stats, width: int = 30) -> None:
    filled = width * done // total
    line = (f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} tasks  "
            f"read {stats.items_read}  expired {stats.expired}  fines {stats.fines_assessed}  "
            f"sms {stats.reminders_sent + stats.notices_sent}")
    print(line, end="" if done < total else "\n", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--date", required=True, type=date.fromisoformat,
                        help="the Cairo business date of the night to run (YYYY-MM-DD)")
    parser.add_argument("--sms", choices=("print", "sns"), default="print")
    parser.add_argument("--workers", type=int, default=8)
    args = parser.parse_args(argv)
    for name, value in local_environment().items():
        os.environ.setdefault(name, value)
    sys.path.insert(0, str(ROOT))
    from chalicelib import wiring
    from chalicelib.usecases.nightly import run_night

    ports = wiring.nightly_ports() if args.sms == "sns" else _printing_ports(wiring)
    # Timestamps written by the run are the real time; the night is the date given.
    ports = replace(ports, workers=args.workers, clock=lambda: datetime.now(timezone.utc))
    print(f"night {args.date} against {os.environ.get('AWS_ENDPOINT_URL', 'AWS')}", file=sys.stderr)
    stats = run_night(args.date, ports, progress=progress_bar)
    for name, value in stats.as_dict().items():
        print(f"{name:16} {value}")
    return 0


def _printing_ports(wiring):
    from chalicelib.usecases.nightly import NightPorts

    return NightPorts(licences=wiring.licence_store(), work_lists=wiring.work_lists(),
                      once=wiring.once_store(), notifier=PrintingNotifier(),
                      catalogue=wiring.catalogue(), clock=wiring.clock)


if __name__ == "__main__":
    raise SystemExit(main())
