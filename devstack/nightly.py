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
from typing import Mapping

from devstack.config import ROOT, local_environment


class TargetError(ValueError):
    """The command line and the environment do not name one place to run the night."""


def progress_bar(done: int, total: int, stats, width: int = 30) -> None:
    filled = width * done // total
    line = (f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} tasks  "
            f"read {stats.items_read}  expired {stats.expired}  fines {stats.fines_assessed}  "
            f"sms queued {stats.reminders_queued + stats.notices_queued}")
    print(line, end="" if done < total else "\n", file=sys.stderr, flush=True)


def target_environment(args: argparse.Namespace, environ: Mapping[str, str]) -> dict[str, str]:
    """The settings to run with, from exactly one explicit target; TargetError otherwise."""
    if args.local:
        return {**environ, **local_environment()}
    if args.endpoint:
        return {**environ, "AWS_ENDPOINT_URL": args.endpoint}
    if environ.get("AWS_ENDPOINT_URL"):
        raise TargetError(f"--stage {args.stage} runs against AWS, but AWS_ENDPOINT_URL is set "
                          f"({environ['AWS_ENDPOINT_URL']}): unset it, or pass --endpoint")
    if environ.get("STAGE") != args.stage:
        raise TargetError(f"--stage {args.stage}: export that stage's settings first "
                          f"(the environment says STAGE={environ.get('STAGE') or 'nothing'})")
    return dict(environ)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--date", required=True, type=date.fromisoformat,
                        help="the Cairo business date of the night to run (YYYY-MM-DD)")
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--local", action="store_true",
                        help="the local stack's emulator and settings (.chalice/config.json)")
    target.add_argument("--stage", help="an AWS stage; its settings exported in the environment")
    target.add_argument("--endpoint", help="an AWS-compatible endpoint URL; settings from the "
                                           "environment")
    parser.add_argument("--workers", type=int, default=8)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        environment = target_environment(args, os.environ)
    except TargetError as refused:
        print(f"refused: {refused}", file=sys.stderr)
        return 2
    os.environ.update(environment)
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
