"""Schemathesis against the live local stack: no 5xx, and every response matches the document.

The stack is `make run`'s (devstack/run.py in a subprocess, on free ports): moto server,
provisioning, seed, stream pump and `chalice local`. Everything is driven from the served
`GET /openapi.json`, so routes other areas add are fuzzed as soon as they are documented.
Operations that declare `security` are called once per role (a token from `POST /v1/dev/tokens`,
roles taken from that operation's documented enum) and once with no credentials; the others are
called without credentials.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterator, Optional

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (content_type_conformance,
                                               response_schema_conformance,
                                               status_code_conformance)

from tests.conftest import ROOT, free_port

pytestmark = pytest.mark.integration

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]
MAX_EXAMPLES = {GenerationMode.POSITIVE: 6, GenerationMode.NEGATIVE: 4}
HEAD_EXAMPLES = 2  # HEAD shares its GET's parameters and statuses; the GET is fuzzed in full
SEED_SETTINGS = settings(derandomize=True, deadline=None, database=None, print_blob=False,
                         phases=[Phase.explicit, Phase.generate, Phase.shrink],
                         suppress_health_check=list(HealthCheck))


@pytest.fixture(scope="module")
def live_api(tmp_path_factory) -> Iterator[str]:
    """GIVEN the local stack exactly as `make run` starts it, on free ports."""
    api_port, emulator_port = free_port(), free_port()
    log_path = tmp_path_factory.mktemp("stack") / "stack.log"
    env = {**os.environ, "RUKHSA_API_PORT": str(api_port),
           "RUKHSA_EMULATOR_PORT": str(emulator_port)}
    with open(log_path, "wb") as log:
        process = subprocess.Popen([sys.executable, "-m", "devstack.run"], cwd=ROOT, env=env,
                                   stdout=log, stderr=subprocess.STDOUT)
    base_url = f"http://127.0.0.1:{api_port}"
    try:
        _wait_for(f"{base_url}/openapi.json", process, log_path)
        yield base_url
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def _wait_for(url: str, process: subprocess.Popen, log_path: Path, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"local stack exited: {log_path.read_text()[-3000:]}")
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    pytest.fail(f"local stack not ready in {timeout}s: {log_path.read_text()[-3000:]}")


def _roles(document: dict) -> list[str]:
    body = document["paths"]["/v1/dev/tokens"]["post"]["requestBody"]["content"]["application/json"]
    name = body["schema"]["$ref"].rsplit("/", 1)[-1]
    return list(document["components"]["schemas"][name]["properties"]["role"]["enum"])


def _token(base_url: str, role: str) -> str:
    from chalicelib.domain.catalogue import load_catalogue

    body = {"role": role}
    if role in ("officer", "clerk"):  # both are bound to one district
        body["district"] = load_catalogue().districts[0].code
    response = requests.post(f"{base_url}/v1/dev/tokens", json=body, timeout=10)
    assert response.status_code == 201, response.text
    return response.json()["token"]


def _fuzz(operation, base_url: str, headers: Optional[dict], mode: GenerationMode,
          session: requests.Session, calls: list,
          max_examples: Optional[int] = None) -> Optional[str]:
    @settings(SEED_SETTINGS, max_examples=max_examples or MAX_EXAMPLES[mode])
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case) -> None:
        calls.append(operation.label)
        case.call_and_validate(base_url=base_url, session=session, headers=headers,
                               checks=CHECKS, timeout=30)

    try:
        run()
    except Unsatisfiable:  # nothing to make invalid: no parameters and no body
        if mode is GenerationMode.POSITIVE:
            return f"{operation.label}: no valid request can be generated from its schema"
    except (Exception, BaseExceptionGroup) as failure:  # one report per operation, so every failing route is listed
        return f"{operation.label} [{mode.value}]:\n{_describe(failure)}"[:6000]
    return None


def _describe(failure: BaseException) -> str:
    parts = [str(failure)]
    for inner in getattr(failure, "exceptions", ()):
        parts.append(f"- {type(inner).__name__}: {inner}")
    return "\n".join(parts)


def test_every_documented_operation_holds_its_contract(live_api):
    """WHEN schemathesis generates valid and invalid requests for every documented operation,
    anonymously and as each role
    THEN no response is a 5xx, and each status code, content type and body is the documented one."""
    document = requests.get(f"{live_api}/openapi.json", timeout=10).json()
    schema = schemathesis.openapi.from_dict(document)
    tokens = {role: _token(live_api, role) for role in _roles(document)}
    session = requests.Session()
    started = time.monotonic()
    failures, exercised, calls = [], 0, []
    for result in schema.get_all_operations():
        operation = result.ok()
        secured = bool(operation.definition.raw.get("security", document.get("security")))
        callers: dict[str, Optional[dict]] = {"anonymous": None}
        if secured:
            callers.update({role: {"Authorization": f"Bearer {token}"}
                            for role, token in tokens.items()})
        # HEAD: a few valid requests check its statuses and empty body (its GET is fuzzed in full).
        head = operation.method.upper() == "HEAD"
        modes = [GenerationMode.POSITIVE] if head else MAX_EXAMPLES
        for headers in callers.values():
            for mode in modes:
                failure = _fuzz(operation, live_api, headers, mode, session, calls,
                                HEAD_EXAMPLES if head else None)
                if failure:
                    failures.append(failure)
        exercised += 1
    elapsed = time.monotonic() - started
    print(f"schemathesis: {exercised} operations, {len(calls)} requests in {elapsed:.1f}s")
    assert exercised == len([m for ops in document["paths"].values() for m in ops])
    assert not failures, "\n\n".join(failures)


def test_the_harness_reports_a_response_the_document_does_not_describe(live_api):
    """GIVEN the served document, altered so that GET /v1/services must return a field it never does
    WHEN the same checks run against the live response
    THEN they report the mismatch (the contract test above can fail)."""
    document = requests.get(f"{live_api}/openapi.json", timeout=10).json()
    ok = document["paths"]["/v1/services"]["get"]["responses"]["200"]["content"]["application/json"]
    ok["schema"] = {"type": "object", "required": ["field_the_api_never_returns"]}
    operation = schemathesis.openapi.from_dict(document)["/v1/services"]["GET"]
    failure = _fuzz(operation, live_api, None, GenerationMode.POSITIVE, requests.Session(), [])
    assert failure is not None and "field_the_api_never_returns" in failure
