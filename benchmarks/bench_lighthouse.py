"""The portal's budgets on a phone (issue 15): Lighthouse's performance audit of the directory and
the apply pages, and the first-load JavaScript of every citizen page.

Run from the repository root:  .venv/bin/python benchmarks/bench_lighthouse.py
It needs the built app (`make web`) and web/node_modules (`cd web && npm ci`). It starts the local
stack as `make run` serves it (web app and API on one origin through devstack/front.py, the
emulator behind), then runs Lighthouse from npm (web/scripts/lighthouse.mjs, `lighthouse` pinned
in web/package.json) in Debian's Chromium (CHROME_PATH, default /usr/bin/chromium) with
Lighthouse's mobile defaults: a phone-sized screen, simulated slow 4G, a 4x slower CPU, a first
visit (a fresh browser profile per page). The apply pages are behind sign-in: the run signs a
citizen in through the local stack's token endpoint and hands the session to the page.

Prints `figure:` lines that benchmarks/run_all.py gathers into docs/benchmarks.md.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

WEB = ROOT / "web"
SERVICE = "advertisement-first"  # the journey the browser tests walk
PAGES = (
    ("directory", "/", False),
    ("apply, first step (district)", f"/services/{SERVICE}/apply/district", True),
    ("apply, site step (map)", f"/services/{SERVICE}/apply/site", True),
)
SCORE_GOAL = 95
LCP_GOAL_MS = 2000
CLS_GOAL = 0.05
FIRST_LOAD_GOAL_BYTES = 100 * 1024
NODE_TIMEOUT_SECONDS = 1800
RUNS = 5  # per page; the median run is reported (web/scripts/lighthouse.mjs)
REPORTS = ROOT / "artifacts" / "lighthouse"  # every run's full result, gitignored


def _node(args: list[str], timeout: int = NODE_TIMEOUT_SECONDS) -> str:
    env = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")}
    result = subprocess.run(["node", *args], cwd=WEB, env=env, capture_output=True, text=True,
                            timeout=timeout)
    if result.returncode != 0:
        raise RuntimeError(f"node {' '.join(args)} failed:\n{result.stdout[-2000:]}{result.stderr[-3000:]}")
    return result.stdout


def citizen_session(base_url: str) -> str:
    """A citizen's session as the app keeps it in sessionStorage (lib/session.ts)."""
    from tests.e2e.portal import api

    minted = api(base_url, "POST", "/v1/dev/tokens", {"role": "citizen", "sub": "lighthouse-citizen"})
    return json.dumps({"token": minted["token"], "role": "citizen", "sub": minted["sub"],
                       "district": minted.get("district")})


def lighthouse(base_url: str) -> dict:
    session = citizen_session(base_url)
    public = [path for _, path, signed_in in PAGES if not signed_in]
    private = [path for _, path, signed_in in PAGES if signed_in]
    runs = ["--runs", str(RUNS), "--reports", str(REPORTS)]
    first = json.loads(_node(["scripts/lighthouse.mjs", "--base", base_url, *runs, *public])
                       .strip().splitlines()[-1])
    second = json.loads(_node(["scripts/lighthouse.mjs", "--base", base_url, *runs, "--session",
                               session, *private]).strip().splitlines()[-1])
    return {**first, "pages": first["pages"] + second["pages"]}


def first_load() -> dict:
    return json.loads(_node(["scripts/budget.mjs", "--json"], timeout=60).strip().splitlines()[-1])


@contextmanager
def stack_output_silenced() -> Iterator[None]:
    """The local stack's processes (chalice local, boto's notes) write to this process's stdout,
    which run_all.py reads for the figures: their lines go to /dev/null meanwhile."""
    sys.stdout.flush()
    saved = os.dup(1)
    with open(os.devnull, "w") as devnull:
        os.dup2(devnull.fileno(), 1)
        try:
            yield
        finally:
            sys.stdout.flush()
            os.dup2(saved, 1)
            os.close(saved)


def main() -> None:
    from tests.e2e.portal import WEB_DIST, portal_stack

    if not (WEB_DIST / "index.html").is_file():
        raise SystemExit("web/dist is not built: run `make web` first")
    with stack_output_silenced(), portal_stack() as stack:
        measured = lighthouse(stack.public_url)
    budget = first_load()
    names = {path: name for name, path, _ in PAGES}
    print(f"Lighthouse {measured['lighthouse']} in Chromium {measured['chromium']}, "
          f"{measured['pages'][0]['form_factor']} emulation, {measured['pages'][0]['throttling']} "
          f"throttling (slow 4G, 4x CPU), a fresh profile per run, {RUNS} runs per page (the median "
          "run shown), against the local stack")
    print(f"full reports: {REPORTS.relative_to(ROOT)}/ (one JSON per run)")
    print(f"{'page':32} {'score':>5} {'LCP ms':>7} {'CLS':>7} {'FCP ms':>7} {'TBT ms':>7} {'bytes':>8}  scores of the runs")
    for page in measured["pages"]:
        print(f"{names[page['path']]:32} {page['score']:5d} {page['lcp_ms']:7d} {page['cls']:7.4f} "
              f"{page['fcp_ms']:7d} {page['tbt_ms']:7d} {page['transfer_bytes']:8d}  {page['runs']}")
        print(f"{'':32} LCP element: {page['lcp_element']}")
    print("first-load JS (gzip) by citizen page:")
    for row in budget["routes"]:
        print(f"  {row['gzip_bytes'] / 1024:6.1f} KB  {row['route']}")
    for page in measured["pages"]:
        name = names[page["path"]]
        print(f"figure: Lighthouse performance, {name} (mobile) | {page['score']} | >= {SCORE_GOAL}"
              f"{'' if page['score'] >= SCORE_GOAL else ' (NOT met)'}")
        print(f"figure: LCP, {name} (mobile, slow 4G) | {page['lcp_ms'] / 1000:.2f} s | "
              f"<= {LCP_GOAL_MS / 1000:.1f} s{'' if page['lcp_ms'] <= LCP_GOAL_MS else ' (NOT met)'}")
        print(f"figure: CLS, {name} | {page['cls']:.3f} | <= {CLS_GOAL}"
              f"{'' if page['cls'] <= CLS_GOAL else ' (NOT met)'}")
    largest = budget["largest_gzip_bytes"]
    heaviest = max(budget["routes"], key=lambda row: row["gzip_bytes"])["route"]
    print(f"figure: first-load JS, largest citizen page ({heaviest}), gzip | {largest / 1024:.1f} KB | "
          f"<= {FIRST_LOAD_GOAL_BYTES // 1024} KB{'' if largest <= FIRST_LOAD_GOAL_BYTES else ' (NOT met)'}")
    print(f"figure: first-load JS, shell (entry chunk and its imports), gzip | "
          f"{budget['entry_gzip_bytes'] / 1024:.1f} KB | -")


if __name__ == "__main__":
    main()
