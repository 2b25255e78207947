"""`chalice package` builds a python3.12 deployment with Lambda-compatible (manylinux) wheels,
and infra/bytecode.py gives it bytecode, as infra/ and `make package` deploy it."""
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from infra.bytecode import SOURCE_ONLY, add_bytecode

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def package(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("package")
    chalice = Path(sys.executable).parent / "chalice"
    env = {**os.environ, "AWS_DEFAULT_REGION": "eu-central-1"}
    result = subprocess.run([str(chalice), "package", "--stage", "prod", str(out)], cwd=ROOT,
                            env=env, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr[-2000:]
    add_bytecode(out / "deployment.zip")
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


RUNTIME_PROVIDED = ("boto3/", "botocore/", "s3transfer/")
ZIP_GOAL_BYTES = 30 * 1000 * 1000


def test_nothing_the_lambda_runtime_provides_is_packaged(package):
    """GIVEN the prod package
    THEN the AWS SDK (provided by the python3.12 runtime) is not in it, and pynamodb, which pip
    would bring it in with, is there from vendor/."""
    with zipfile.ZipFile(package / "deployment.zip") as archive:
        names = archive.namelist()
    assert not [n for n in names if n.startswith(RUNTIME_PROVIDED)]
    assert "pynamodb/models.py" in names


def test_the_vendored_pynamodb_is_the_pinned_one():
    """GIVEN pynamodb pinned in requirements-dev.txt (local stack, tests) and vendored for Lambda
    THEN both are the same version, so tests exercise what is deployed."""
    pins = dict(line.strip().split("==") for line in (ROOT / "requirements-dev.txt").read_text().splitlines()
                if "==" in line and not line.startswith("#"))
    vendored = [p.name for p in (ROOT / "vendor").glob("pynamodb-*.dist-info")]
    assert vendored == [f"pynamodb-{pins['pynamodb']}.dist-info"]
    assert f"__version__ = '{pins['pynamodb']}'" in (ROOT / "vendor" / "pynamodb" / "__init__.py").read_text()
    listed = [line for line in (ROOT / "requirements.txt").read_text().splitlines()
              if line.lower().startswith("pynamodb")]
    assert not listed, "listing pynamodb in requirements.txt packages botocore again"


def test_the_cold_paths_are_compiled(package):
    """THEN the app, chalicelib, Chalice's runtime and the libraries every cold start imports
    carry bytecode for the python3.12 runtime; only the PDF-only fontTools is left as source."""
    with zipfile.ZipFile(package / "deployment.zip") as archive:
        names = set(archive.namelist())
    tag = sys.implementation.cache_tag
    sources = [n for n in names if n.endswith(".py") and n.startswith(("app.py", "chalicelib/", "chalice/",
                                                                       "aws_lambda_powertools/", "jwt/"))]
    assert len(sources) > 100
    missing = [n for n in sources
               if str(Path(n).parent / "__pycache__" / f"{Path(n).stem}.{tag}.pyc") not in names]
    assert missing == []
    assert not [n for n in names if n.startswith(SOURCE_ONLY) and n.endswith(".pyc")]


def test_the_deployment_zip_is_within_the_goal(package):
    """THEN every zip `chalice package` writes (function code and any layer), with its bytecode,
    adds up to <= 30 MB."""
    total = sum(p.stat().st_size for p in package.glob("*.zip"))
    assert total <= ZIP_GOAL_BYTES, f"{total / 1e6:.1f} MB"
