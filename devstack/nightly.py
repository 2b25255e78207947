"""Run one night of the nightly job by hand, e.g. to catch up after an outage:

    python -m devstack.nightly --date 2026-11-24 --local [--workers 8]
    python -m devstack.nightly --date 2026-11-24 --stage prod
    python -m devstack.nightly --date 2026-11-24 --endpoint http://127.0.0.1:4566

It never guesses where to run: `--local` is the local stack (its emulator and settings, from
.chalice/config.json); `--stage NAME` is AWS, with that stage's settings (TABLE_PREFIX etc.)
exported in the environment, which must say STAGE=NAME and name no endpoint; `--endpoint URL`
is another AWS-compatible endpoint, with the settings in the environment. Nights are
independent and idempotent: run each missed date in order; rerunning a night assesses nothing
twice. Reminders and fine notices are queued on the notification outbox (`rukhsa-sms`), whose
worker sends each once, outside quiet hours (docs/notifications.md).
"""
from __future__ import annotations

import argparse
import os
import sys
from dataclasses import replace
from datetime import date, datetime, timezone

from devstack.config import ROOT
from devstack.targets import TargetError, add_target_arguments, enter_target, target_environment

__all__ = ["TargetError", "main", "parse_args", "target_environment"]


def progress_bar(done: int, total: int, stats, width: int = 30) -> None:
    filled = width * done // total
    line = (f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} tasks  "
            f"read {stats.items_read}  expired {stats.expired}  fines {stats.fines_assessed}  "
            f"sms queued {stats.reminders_queued + stats.notices_queued}")
    print(line, end="" if done < total else "\n", file=sys.stderr, flush=True)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--date", required=True, type=date.fromisoformat,
                        help="the Cairo business date of the night to run (YYYY-MM-DD)")
    add_target_arguments(parser)
    parser.add_argument("--workers", type=int, default=8)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if enter_target(args) is None:
        return 2
    sys.path.insert(0, str(ROOT))
    from chalicelib import wiring
    from chalicelib.usecases.nightly import run_night

    ports = wiring.nightly_ports()
    # Timestamps written by the run are the real time; the night is the date given.
    ports = replace(ports, workers=args.workers, clock=lambda: datetime.now(timezone.utc))
    print(f"night {args.date} against {os.environ.get('AWS_ENDPOINT_URL') or 'AWS'} "
          f"(stage {os.environ.get('STAGE')})", file=sys.stderr)
    stats = run_night(args.date, ports, progress=progress_bar)
    for name, value in stats.as_dict().items():
        print(f"{name:16} {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
