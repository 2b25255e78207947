"""Where a runbook command runs: exactly one explicit target, never a guess.

`--local` is the local stack (its emulator and settings, from .chalice/config.json); `--stage
NAME` is AWS, with that stage's settings (TABLE_PREFIX etc.) exported in the environment, which
must say STAGE=NAME and name no endpoint; `--endpoint URL` is another AWS-compatible endpoint,
with the settings in the environment. Shared by devstack/nightly.py and devstack/deadletters.py.
"""
from __future__ import annotations

import argparse
import os
import sys
from typing import Mapping, Optional

from devstack.config import local_environment


class TargetError(ValueError):
    """The command line and the environment do not name one place to run."""


def add_target_arguments(parser: argparse.ArgumentParser) -> None:
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--local", action="store_true",
                        help="the local stack's emulator and settings (.chalice/config.json)")
    target.add_argument("--stage", help="an AWS stage; its settings exported in the environment")
    target.add_argument("--endpoint", help="an AWS-compatible endpoint URL; settings from the "
                                           "environment")


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


def enter_target(args: argparse.Namespace) -> Optional[dict[str, str]]:
    """Export the one explicit target's settings into this process and return them; None, after
    saying why on stderr, when the target is refused (the command then exits 2)."""
    try:
        environment = target_environment(args, os.environ)
    except TargetError as refused:
        print(f"refused: {refused}", file=sys.stderr)
        return None
    os.environ.update(environment)
    return environment
