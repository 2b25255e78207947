"""`chalice package` builds a python3.12 deployment with Lambda-compatible (manylinux) wheels."""
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def package(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("package")
    chalice = Path(sys.executable).parent / "chalice"
    env = {**os.environ, "AWS_DEFAULT_REGION": "eu-central-1"}
    result = subprocess.run([str(chalice), "package", "--stage", "prod", str(out)], cwd=ROOT,
                            env=env, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr[-2000:]
    return out


def test_every_function_runs_python312(package):
    template = json.loads((package / "sam.json").read_text())
    functions = [r for r in template["Resources"].values() if r["Type"] == "AWS::Serverless::Function"]
    assert functions
    assert {f["Properties"]["Runtime"] for f in functions} == {"python3.12"}


def test_compiled_wheels_are_manylinux_x86_64_for_cp312(package):
    with zipfile.ZipFile(package / "deployment.zip") as archive:
        names = archive.namelist()
        extensions = [n for n in names if n.endswith(".so")]
        wheel_tags = [archive.read(n).decode() for n in names if n.endswith(".dist-info/WHEEL")]
    assert extensions, "expected compiled extensions (pydantic-core, cryptography, pillow)"
    for extension in extensions:
        assert "cpython-311" not in extension and "darwin" not in extension, extension
    compiled = [w for w in wheel_tags if "Root-Is-Purelib: false" in w]
    assert compiled
    for tags in compiled:
        assert "manylinux" in tags and "x86_64" in tags, tags
    assert any(n.startswith("PIL/") for n in names) and any(n.startswith("chalicelib/") for n in names)
