"""The deployment package's bytecode (infra/bytecode.py): Lambda imports it without compiling.

GIVEN a zip as `chalice package` writes it, WHEN bytecode is added, THEN every compilable
source has its pyc where the runtime looks, the zip's entries are unchanged, and an import
from the unpacked zip runs the pyc (the source is not even read: unchecked-hash pycs).
"""
from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from infra.bytecode import SOURCE_ONLY, add_bytecode

TAG = sys.implementation.cache_tag


def _package(path: Path) -> Path:
    archive = path / "deployment.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        out.writestr("app.py", "ANSWER = 'from the package'\n")
        out.writestr("pkg/__init__.py", "")
        out.writestr("pkg/rules.py", "def fee():\n    return 4200\n")
        out.writestr("pkg/template.py", "def broken(:\n")  # not Python: left alone
        out.writestr(f"{SOURCE_ONLY[0]}big.py", "X = 1\n")
        out.writestr("pkg/data.json", '{"a": 1}')
    return archive


def test_every_compilable_source_gets_its_pyc_and_nothing_else_changes(tmp_path):
    archive = _package(tmp_path)
    with zipfile.ZipFile(archive) as before:
        original = {name: before.read(name) for name in before.namelist()}

    assert add_bytecode(archive) == 3

    with zipfile.ZipFile(archive) as after:
        names = set(after.namelist())
        assert {name: after.read(name) for name in original} == original
    assert names - set(original) == {f"__pycache__/app.{TAG}.pyc", f"pkg/__pycache__/__init__.{TAG}.pyc",
                                     f"pkg/__pycache__/rules.{TAG}.pyc"}


def test_the_unpacked_package_imports_its_bytecode_not_its_sources(tmp_path):
    archive = _package(tmp_path)
    add_bytecode(archive)
    unpacked = tmp_path / "task"
    with zipfile.ZipFile(archive) as package:
        package.extractall(unpacked)
    # Were the source read, this would be the answer: the pyc must win, as in /var/task.
    (unpacked / "app.py").write_text("ANSWER = 'compiled from source at the cold start'\n")
    result = subprocess.run(
        [sys.executable, "-B", "-c", "import app, pkg.rules; print(app.ANSWER, pkg.rules.fee())"],
        cwd=unpacked, capture_output=True, text=True, timeout=60, env={"PATH": "/usr/bin"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "from the package 4200"
