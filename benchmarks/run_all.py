"""Every benchmark in one command (`make bench`): a table of figure / value / goal.

    python benchmarks/run_all.py [--quick] [--only NAME]

Prints the table and writes it, with each benchmark's own output, to docs/benchmarks.md.
`--only NAME` runs the benchmarks whose title contains NAME (e.g. `--only lighthouse`) and
merges them into the existing docs/benchmarks.md: their rows and section replace the previous
ones, every other figure is kept as the last full run wrote it.
Each benchmark script is run as it is (a subprocess, its printed table parsed here), so the
scripts stay runnable on their own. Any further `benchmarks/bench_*.py` (issuance, verification
cost, ...) is run too; lines it prints as `figure: <name> | <value> | <goal>` join the table.
"""
from __future__ import annotations

import argparse
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Optional

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "benchmarks"
OUTPUT = ROOT / "docs" / "benchmarks.md"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

ZIP_GOAL_MB = 30.0
COLD_START_GOAL = 1.2  # issue 12
KNOWN = {"bench_cold_start.py", "bench_qr.py", "bench_nightly.py", "bench_lighthouse.py",
         "run_all.py"}


@dataclass
class Row:
    figure: str
    value: str
    goal: str
    met: Optional[bool] = None

    @property
    def verdict(self) -> str:
        return {True: "met", False: "NOT met", None: "-"}[self.met]


@dataclass
class Section:
    title: str
    rows: list[Row]
    output: str
    seconds: float


def _run(args: list[str], timeout: int = 1800) -> str:
    env = {**os.environ, "AWS_DEFAULT_REGION": os.environ.get("AWS_DEFAULT_REGION", "eu-central-1")}
    result = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=timeout)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed:\n{result.stdout[-2000:]}{result.stderr[-3000:]}")
    return result.stdout


def cold_start(quick: bool) -> tuple[list[Row], str]:
    from benchmarks.bench_cold_start import measure

    result = measure(3 if quick else 61)
    app, bare = result["median"]["app"], result["median"]["bare"]
    low, high = result["ratio_quartiles"]
    cpu_low, cpu_high = result["cpu_ratio_quartiles"]
    output = (f"request: {result['request']}, median of {result['runs']} fresh processes each\n"
              f"ratio app/bare: median of the {result['runs']} paired samples (each app sample "
              f"over the bare one just before it) {result['ratio']:.2f}, quartiles "
              f"{low:.2f}-{high:.2f}; ratio of the medians {result['ratio_of_medians']:.2f}\n"
              f"bare Chalice+boto3: import {bare['import_ms']:.1f} ms + first request "
              f"{bare['request_ms']:.1f} ms = {bare['total_ms']:.1f} ms\n"
              f"Rukhsa app.py:      import {app['import_ms']:.1f} ms + first request "
              f"{app['request_ms']:.1f} ms = {app['total_ms']:.1f} ms\n"
              f"CPU time (user + system, same span): bare {bare['cpu_ms']:.1f} ms, app "
              f"{app['cpu_ms']:.1f} ms; median of paired ratios {result['cpu_ratio']:.2f}, "
              f"quartiles {cpu_low:.2f}-{cpu_high:.2f}\n")
    return [Row(f"cold start, import + first `{result['request']}`, app / bare Chalice+boto3 "
                "(median of paired samples)",
                f"{result['ratio']:.2f}x ({app['total_ms']:.0f} ms / {bare['total_ms']:.0f} ms)",
                f"<= {COLD_START_GOAL}x", result["ratio"] <= COLD_START_GOAL),
            Row("cold start, CPU time of the same span, app / bare (median of paired samples)",
                f"{result['cpu_ratio']:.2f}x ({app['cpu_ms']:.0f} ms / {bare['cpu_ms']:.0f} ms)",
                "-", None)], output


def deployment_zip(quick: bool) -> tuple[list[Row], str]:
    with tempfile.TemporaryDirectory() as out:
        chalice = str(Path(sys.executable).parent / "chalice")
        log = _run([chalice, "package", "--stage", "prod", out])
        # As infra/ deploys it: with bytecode beside the sources (infra/bytecode.py).
        log += _run([sys.executable, "-m", "infra.bytecode", str(Path(out) / "deployment.zip")])
        archives = sorted(Path(out).glob("*.zip"))
        sizes = {p.name: p.stat().st_size for p in archives}
        with zipfile.ZipFile(Path(out) / "deployment.zip") as archive:
            by_top: dict[str, int] = {}
            for info in archive.infolist():
                top = info.filename.split("/")[0]
                by_top[top] = by_top.get(top, 0) + info.compress_size
    total = sum(sizes.values())
    largest = sorted(by_top.items(), key=lambda kv: -kv[1])[:8]
    output = log + "".join(f"{name}: {size / 1e6:.2f} MB\n" for name, size in sizes.items())
    output += "largest entries in deployment.zip (compressed):\n" + "".join(
        f"  {name}: {size / 1e6:.2f} MB\n" for name, size in largest)
    rows = [Row("deployment package, zipped (`chalice package --stage prod` + bytecode, all zips)",
                f"{total / 1e6:.1f} MB", f"<= {ZIP_GOAL_MB:g} MB", total / 1e6 <= ZIP_GOAL_MB)]
    return rows, output


def qr(quick: bool) -> tuple[list[Row], str]:
    output = _run([sys.executable, str(BENCH / "bench_qr.py"), "50" if quick else "200"])
    token = re.search(r"token: (\d+) chars; sign\+encode ([\d.]+) ms, verify ([\d.]+) ms", output)
    lines = re.findall(r"^(/v/ mixed|ALL UPPER)\s+(\S+)\s+(\d+)\s+(\d+)\s+(\d+)\s+([\d.]+)$",
                       output, re.MULTILINE)
    if not token or not lines:
        raise RuntimeError(f"unexpected bench_qr output:\n{output}")
    versions = [int(v) for *_, v, _, _ in lines]
    pngs = [int(b) for *_, b, _ in lines]
    renders = [float(ms) for *_, ms in lines]
    return [
        Row("seal token length (worst case)", f"{token[1]} chars", "-"),
        Row("seal sign + encode / verify (local P-256 key, median)",
            f"{token[2]} ms / {token[3]} ms", "-"),
        Row("QR version, worst case over hosts and URL forms", str(max(versions)), "<= 10",
            max(versions) <= 10),
        Row("QR PNG size, worst case", f"{max(pngs)} B", "<= 2048 B", max(pngs) <= 2048),
        Row("QR render time, slowest host (median)", f"{max(renders):.1f} ms", "-"),
    ], output


def nightly(quick: bool) -> tuple[list[Row], str]:
    # The figure is 100,000 licences with 1 % due (about 7 minutes on moto).
    total = "2000" if quick else "100000"
    output = _run([sys.executable, str(BENCH / "bench_nightly.py"), "--total", total,
                   "--due-percent", "1"], timeout=3600)
    rows = {m[0]: m[1:] for m in re.findall(
        r"^(empty|night|rerun)\s+(\d+)\s+(\d+)\s+([\d.na]+)\s+(\d+)\s+(\d+)\s+(\d+)\s+([\d.]+)\s+([\d.]+)$",
        output, re.MULTILINE)}
    if "night" not in rows:
        raise RuntimeError(f"unexpected bench_nightly output:\n{output}")
    read, due, ratio, *_, seconds, rate = rows["night"]
    result = [
        Row(f"nightly items read / items due ({total} licences, 1 % due)",
            f"{float(ratio):.2f} ({read} / {due})", "~= 1.0", float(ratio) <= 1.05),
        Row("nightly throughput on moto (one process, 8 threads)",
            f"{float(rate):.0f} due items/s ({seconds} s)", "-"),
    ]
    if "rerun" in rows:
        expired, fines, sms = (int(n) for n in rows["rerun"][3:6])
        result.append(Row("nightly rerun of the same date: licences expired + fines again",
                          str(expired + fines), "0", expired + fines == 0))
        # A rerun queues its SMS tasks again under the same occurrence keys; the outbox's
        # claim on each key is what sends it once (tests/integration/test_notifications.py).
        result.append(Row("nightly rerun: SMS tasks queued again (sent once per key by the outbox)",
                          str(sms), "-"))
    return result, output


def figure_rows(output: str) -> list[Row]:
    """`figure: name | value | goal` lines; a goal marked "(NOT met)" by the script is judged so,
    one the script states without that mark is met; "-" is no goal."""
    rows = []
    for line in re.findall(r"^figure:\s*(.+\|.+\|.+)$", output, re.MULTILINE):
        figure, value, goal = [part.strip() for part in line.split("|")][:3]
        missed = goal.endswith("(NOT met)")
        goal = goal.removesuffix("(NOT met)").strip()
        rows.append(Row(figure, value, goal, None if goal == "-" else not missed))
    return rows


def further(script: Path) -> Callable[[bool], tuple[list[Row], str]]:
    def run(quick: bool) -> tuple[list[Row], str]:
        output = _run([sys.executable, str(script)])
        rows = [Row(*[part.strip() for part in m.split("|")][:3])
                for m in re.findall(r"^figure:\s*(.+\|.+\|.+)$", output, re.MULTILINE)]
        return rows, output
    return run


def portal(quick: bool) -> tuple[list[Row], str]:
    """Issue 15's budgets: Lighthouse (npm, web/) in Debian's Chromium against the local stack,
    and the first-load JavaScript of the citizen pages (benchmarks/bench_lighthouse.py)."""
    output = _run([sys.executable, str(BENCH / "bench_lighthouse.py")], timeout=3600)
    rows = figure_rows(output)
    if not rows:
        raise RuntimeError(f"unexpected bench_lighthouse output:\n{output}")
    return rows, output


def benchmarks() -> list[tuple[str, Callable[[bool], tuple[list[Row], str]]]]:
    found = [("Cold start", cold_start), ("Deployment package", deployment_zip),
             ("Seal and QR", qr), ("Nightly job", nightly),
             ("Portal on a phone (Lighthouse)", portal)]
    for script in sorted(BENCH.glob("bench_*.py")):
        if script.name not in KNOWN:
            found.append((script.stem.removeprefix("bench_").replace("_", " ").capitalize(),
                          further(script)))
    return found


def table(sections: list[Section]) -> str:
    lines = ["| figure | value | goal | |", "| --- | --- | --- | --- |"]
    for section in sections:
        for row in section.rows:
            lines.append(f"| {row.figure} | {row.value} | {row.goal} | {row.verdict} |")
    return "\n".join(lines)


def document(sections: list[Section], quick: bool) -> str:
    when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    parts = [
        "# Benchmarks",
        "",
        f"Written by `make bench` (`benchmarks/run_all.py{' --quick' if quick else ''}`) on {when}, "
        f"{platform.python_implementation()} {platform.python_version()}, {platform.machine()}, "
        f"{os.cpu_count()} CPUs. Figures from one honest run on a shared, noisy machine: compare "
        "the ratios measured within the run, not absolute times across runs. DynamoDB is the moto "
        "server over HTTP on loopback (slower than DynamoDB, one request at a time).",
        "",
        table(sections),
        "",
    ]
    for section in sections:
        parts += [f"## {section.title} ({section.seconds:.0f} s)", "", "```",
                  section.output.rstrip(), "```", ""]
    return "\n".join(parts)


SECTION_HEADING = re.compile(r"^## (?P<title>.+?) \(\d+ s\)$", re.MULTILINE)
ROW_LINE = re.compile(r"^\| (?P<figure>.+?) \| .* \|$")


def merged(existing: str, sections: list[Section], quick: bool) -> str:
    """`existing` (a docs/benchmarks.md) with these sections' rows and outputs put in place of
    the ones it has (same figure names, same section title), or added at the end."""
    if not existing.strip():
        return document(sections, quick)
    when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    new_rows = [row for section in sections for row in section.rows]
    new_lines = table(sections).splitlines()[2:]
    names = {row.figure for row in new_rows}
    lines, placed, out = existing.splitlines(), False, []
    for line in lines:
        match = ROW_LINE.match(line)
        if match and match["figure"] in names:
            if not placed:
                out.extend(new_lines)
                placed = True
            continue
        out.append(line)
    if not placed:  # after the table's last row
        last = max(i for i, line in enumerate(out) if ROW_LINE.match(line))
        out[last + 1:last + 1] = new_lines
    text = "\n".join(out) + "\n"
    for section in sections:
        note = (f"The {section.title} section was rerun alone (`benchmarks/run_all.py --only`) "
                f"on {when}.")
        # The note and the blank line after it go together: each rerun leaves one note.
        text = re.sub(rf"^The {re.escape(section.title)} section was rerun alone.*$\n(\n)?", "",
                      text, flags=re.MULTILINE)
        first_table_line = text.index("| figure |")
        text = text[:first_table_line] + note + "\n\n" + text[first_table_line:]
        block = (f"## {section.title} ({section.seconds:.0f} s)\n\n```\n{section.output.rstrip()}\n```\n")
        headings = list(SECTION_HEADING.finditer(text))
        mine = [h for h in headings if h["title"] == section.title]
        if not mine:
            text = text.rstrip("\n") + "\n\n" + block
            continue
        start = mine[0].start()
        later = [h.start() for h in headings if h.start() > start]
        rest = text[later[0]:] if later else ""
        text = text[:start] + block + ("\n" + rest if rest else "")
    return text


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="fewer runs and licences")
    parser.add_argument("--no-write", action="store_true", help=f"do not write {OUTPUT.name}")
    parser.add_argument("--only", metavar="NAME",
                        help="run only the benchmarks whose title contains NAME (any case) and "
                             f"merge them into {OUTPUT.name}")
    args = parser.parse_args()
    chosen = [(title, bench) for title, bench in benchmarks()
              if not args.only or args.only.lower() in title.lower()]
    if not chosen:
        parser.error(f"no benchmark title contains {args.only!r}: "
                     f"{', '.join(title for title, _ in benchmarks())}")
    sections = []
    for title, bench in chosen:
        print(f"running: {title} ...", file=sys.stderr, flush=True)
        started = time.perf_counter()
        rows, output = bench(args.quick)
        sections.append(Section(title, rows, output, time.perf_counter() - started))
    print(table(sections))
    if not args.no_write:
        if args.only:
            existing = OUTPUT.read_text(encoding="utf-8") if OUTPUT.is_file() else ""
            OUTPUT.write_text(merged(existing, sections, args.quick), encoding="utf-8")
        else:
            OUTPUT.write_text(document(sections, args.quick), encoding="utf-8")
        print(f"\nwritten: {OUTPUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
