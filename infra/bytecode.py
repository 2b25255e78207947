"""Bytecode in the deployment package: Lambda never compiles our Python at a cold start.

`chalice package` zips sources only (it unpacks wheels without compiling them), and /var/task
is read-only, so without this every cold start compiles app.py, chalicelib, chalice/app.py and
every dependency it imports from source, and throws the result away. Measured by
`make bench` (benchmarks/bench_cold_start.py): the verification cold start is about a quarter
slower from sources than from bytecode.

The bytecode is compiled by the interpreter that packages, which must be the runtime's minor
version (`.pyc` files are per minor version: 3.12.x all share one magic number). It is written
as *unchecked-hash* pycs (PEP 552): a deployed package never changes, so the loader need not
compare them with the sources; tracebacks still name the source files.

    python -m infra.bytecode build/package/deployment.zip
"""
from __future__ import annotations

import argparse
import importlib.util
import py_compile
import shutil
import sys
import tempfile
import zipfile
from pathlib import Path, PurePosixPath

LAMBDA_PYTHON = (3, 12)  # the functions' runtime (python3.12, tests/packaging checks it)
# Left as sources: fontTools is imported only when a PDF is drawn (paper copy, receipts), never
# on an API or verification cold start, and its bytecode alone (2.2 MB zipped) would take the
# package past its 30 MB budget (docs/benchmarks.md).
SOURCE_ONLY = ("fontTools/",)


class WrongInterpreter(RuntimeError):
    """The packaging interpreter's bytecode would not load in the Lambda runtime."""


def _pyc_name(source: str) -> str:
    """`pkg/mod.py` -> `pkg/__pycache__/mod.cpython-312.pyc`, as the runtime looks it up."""
    path = PurePosixPath(source)
    return str(path.parent / "__pycache__" / f"{path.stem}.{sys.implementation.cache_tag}.pyc")


def add_bytecode(archive_path: Path) -> int:
    """Rewrite the zip at `archive_path` with a pyc beside every `.py` it holds that compiles
    (a source that does not compile, such as a test template, is left as it is). Returns the
    number of pycs added. Entries already there are kept byte for byte."""
    if sys.version_info[:2] != LAMBDA_PYTHON:
        raise WrongInterpreter(
            f"bytecode for python{'.'.join(map(str, LAMBDA_PYTHON))} needs that interpreter; "
            f"this is {sys.version.split()[0]}")
    added = 0
    with tempfile.TemporaryDirectory() as scratch:
        rebuilt = Path(scratch) / "deployment.zip"
        with zipfile.ZipFile(archive_path) as source, \
                zipfile.ZipFile(rebuilt, "w", zipfile.ZIP_DEFLATED) as target:
            present = set(source.namelist())
            for info in source.infolist():
                target.writestr(info, source.read(info))
            for name in sorted(present):
                if (not name.endswith(".py") or name.startswith(SOURCE_ONLY)
                        or _pyc_name(name) in present):
                    continue
                staged = Path(scratch) / "src" / name
                staged.parent.mkdir(parents=True, exist_ok=True)
                staged.write_bytes(source.read(name))
                compiled = Path(scratch) / "pyc" / _pyc_name(name)
                try:
                    py_compile.compile(str(staged), cfile=str(compiled), dfile=name, doraise=True,
                                       invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)
                except py_compile.PyCompileError:
                    continue
                target.write(compiled, _pyc_name(name))
                added += 1
        shutil.move(str(rebuilt), archive_path)
    return added


def compile_tree(root: Path, paths: tuple[str, ...]) -> int:
    """Compile the given files and packages under `root` in place (timestamp pycs, which the
    loader checks against the sources, so an edited source is never shadowed). The benchmark
    uses this so the app it measures imports bytecode, as it does from the package."""
    count = 0
    for relative in paths:
        target = root / relative
        sources = [target] if target.is_file() else sorted(target.rglob("*.py"))
        for source in sources:
            py_compile.compile(str(source), cfile=importlib.util.cache_from_source(str(source)),
                               doraise=True)
            count += 1
    return count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("archive", type=Path, help="the deployment.zip `chalice package` wrote")
    args = parser.parse_args(argv)
    before = args.archive.stat().st_size
    added = add_bytecode(args.archive)
    print(f"{args.archive}: {added} pycs added, {before / 1e6:.2f} MB -> "
          f"{args.archive.stat().st_size / 1e6:.2f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
