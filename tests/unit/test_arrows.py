"""The arrows point one way: api/ and events/ -> usecases -> domain; adapters sit behind the ports
and only chalicelib/wiring.py picks them. Read from the source with `ast`, so an import inside
a function or under TYPE_CHECKING counts as much as one at the top."""
from __future__ import annotations

import ast
import importlib
import inspect
import typing
from pathlib import Path

import pytest

from chalicelib import ports

ROOT = Path(__file__).resolve().parents[2]
CHALICELIB = ROOT / "chalicelib"
# Helpers the adapters share, and the streams' wire format (stream_changes: DynamoDB images as
# domain changes, which event handlers get through wiring and no use case depends on). They
# implement no port.
ADAPTER_HELPERS = {"__init__", "dynamo_errors", "dynamo_models", "licence_record", "pagination",
                   "_http", "stream_changes", "bidi_pdf"}
INFRASTRUCTURE = ("boto3", "botocore", "pynamodb")


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports, anywhere in it, as absolute dotted names."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def files_of(*layers: str) -> list[Path]:
    return sorted(p for layer in layers for p in (CHALICELIB / layer).rglob("*.py"))


def offending(paths: list[Path], forbidden: tuple[str, ...]) -> dict[str, list[str]]:
    """The files among `paths` that import a module under one of the `forbidden` prefixes."""
    found = {}
    for path in paths:
        bad = sorted(m for m in imported_modules(path)
                     if any(m == f or m.startswith(f + ".") for f in forbidden))
        if bad:
            found[str(path.relative_to(ROOT))] = bad
    return found


def test_use_cases_and_the_domain_import_nothing_from_the_api_or_the_adapters():
    # GIVEN every module of usecases/ and domain/ WHEN their imports are read
    found = offending(files_of("usecases", "domain"), ("chalicelib.api", "chalicelib.adapters",
                                                       "chalicelib.events", "chalicelib.wiring"))
    # THEN none reaches outwards: the edges depend on them, never the other way
    assert found == {}


def test_the_api_and_the_events_reach_adapters_only_through_wiring():
    # GIVEN the HTTP handlers, the event handlers and app.py WHEN their imports are read
    paths = files_of("api", "events") + [ROOT / "app.py"]
    # THEN not one names an adapter module: chalicelib/wiring.py picks them all
    assert offending(paths, ("chalicelib.adapters",)) == {}


def test_the_domain_imports_no_aws_library():
    # GIVEN the domain's rules WHEN their imports are read THEN no AWS SDK or ORM is among them
    assert offending(files_of("domain"), INFRASTRUCTURE) == {}
    assert offending([CHALICELIB / "ports.py"], INFRASTRUCTURE + ("chalicelib.adapters",)) == {}


def test_the_arrows_test_sees_an_import_hidden_in_a_function(tmp_path):
    # GIVEN a module that imports a schema under TYPE_CHECKING and an adapter inside a function
    sneaky = tmp_path / "sneaky.py"
    sneaky.write_text("from typing import TYPE_CHECKING\n"
                      "if TYPE_CHECKING:\n    from chalicelib.api.schemas import ApplicationIn\n"
                      "def f():\n    import chalicelib.adapters.qr_png\n")
    # WHEN its imports are read THEN both are found
    assert sorted(m for m in imported_modules(sneaky) if m.startswith("chalicelib")) == [
        "chalicelib.adapters.qr_png", "chalicelib.api.schemas",
        "chalicelib.api.schemas.ApplicationIn"]


def adapter_modules() -> list[str]:
    return sorted("chalicelib." + ".".join(p.relative_to(CHALICELIB).with_suffix("").parts)
                  for p in (CHALICELIB / "adapters").rglob("*.py") if p.stem not in ADAPTER_HELPERS)


PORTS = [cls for _, cls in inspect.getmembers(ports, inspect.isclass)
         if inspect.isabstract(cls) and cls.__module__ == ports.__name__]


@pytest.mark.parametrize("module_name", adapter_modules())
def test_every_adapter_implements_a_port(module_name):
    # GIVEN an adapter module WHEN its classes are listed
    module = importlib.import_module(module_name)
    implementations = [cls for _, cls in inspect.getmembers(module, inspect.isclass)
                       if cls.__module__ == module_name
                       and any(issubclass(cls, port) for port in PORTS)]
    # THEN at least one of them is a concrete implementation of a port
    assert implementations, f"{module_name} implements no port of chalicelib/ports.py"
    assert all(not inspect.isabstract(cls) for cls in implementations)


USE_CASE_MODULES = sorted(f"chalicelib.usecases.{p.stem}"
                          for p in (CHALICELIB / "usecases").glob("*.py") if p.stem != "__init__")
# Annotations are read as written (the modules use postponed evaluation, and their types-only
# imports are not there at run time).
UNTYPED = (inspect.Parameter.empty, "Any", "object", typing.Any, object)


@pytest.mark.parametrize("module_name", USE_CASE_MODULES)
def test_use_cases_type_their_dependencies(module_name):
    # GIVEN a use case module's public functions and its ports bundles
    module = importlib.import_module(module_name)
    untyped = []
    for name, member in inspect.getmembers(module):
        if name.startswith("_") or getattr(member, "__module__", "") != module_name:
            continue
        if inspect.isfunction(member):
            untyped += [f"{name}({p.name})" for p in inspect.signature(member).parameters.values()
                        if p.annotation in UNTYPED]
        elif inspect.isclass(member) and name.endswith("Ports"):
            untyped += [f"{name}.{f}" for f, hint in member.__annotations__.items()
                        if hint in UNTYPED]
    # THEN every parameter and every port has a type, and none of them is Any or object
    assert untyped == []
