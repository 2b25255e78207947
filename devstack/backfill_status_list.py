"""Give licences saved before the by-status index existed their place in it (runbook).

    python -m devstack.backfill_status_list --local | --stage NAME | --endpoint URL

The signed status list is built from a sparse index that only licences which are not simply
active carry (docs/status-list.md, "Source"). A licence saved before that index existed is
missing from it until its next save: run this once on a stage that already holds licences,
then let the list rebuild (every 15 minutes). Safe to rerun and beside live traffic: it reads
district by district (Query) and re-saves with versioned conditional writes. It never guesses
where to run (devstack/targets.py).
"""
from __future__ import annotations

import argparse
import os
import sys

from devstack.config import ROOT
from devstack.targets import add_target_arguments, enter_target


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_target_arguments(parser)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if enter_target(args) is None:
        return 2
    sys.path.insert(0, str(ROOT))
    from chalicelib import wiring
    from chalicelib.usecases.status_list import backfill_listing

    districts = [district.code for district in wiring.catalogue().districts]
    print(f"backfill against {os.environ.get('AWS_ENDPOINT_URL') or 'AWS'} "
          f"(stage {os.environ.get('STAGE')}), {len(districts)} districts", file=sys.stderr)
    done = backfill_listing(districts, wiring.licence_store(), progress=lambda district, so_far:
                            print(f"{district:10} read {so_far.read}  re-saved {so_far.resaved}",
                                  file=sys.stderr))
    print(f"read {done.read}\nresaved {done.resaved}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
