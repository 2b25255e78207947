"""A client generated from the served OpenAPI document drives the README walkthrough.

The generator is openapi-python-client (requirements-dev.txt); the client is generated into a
temporary directory at test time from `GET /openapi.json`, imported, and pointed at the app
served over HTTP on loopback. Every answer is parsed into its generated model: a document that
drops a model, confuses two operations or describes a field wrongly fails here.
"""
from __future__ import annotations

import importlib
import json
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.integration.test_applications_api import VALID

pytestmark = pytest.mark.integration
PACKAGE = "rukhsa_generated_client"


@pytest.fixture(scope="module")
def generated(stack, tmp_path_factory):
    """GIVEN a Python client generated from the served document."""
    workdir = tmp_path_factory.mktemp("client")
    document = workdir / "openapi.json"
    document.write_text(json.dumps(stack.call("GET", "/openapi.json").json), encoding="utf-8")
    config = workdir / "config.json"
    config.write_text(json.dumps({"post_hooks": []}), encoding="utf-8")
    generator = Path(sys.executable).parent / "openapi-python-client"
    result = subprocess.run([str(generator), "generate", "--path", str(document), "--meta", "none",
                             "--config", str(config), "--output-path", str(workdir / PACKAGE)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    sys.path.insert(0, str(workdir))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(workdir))
        for name in [m for m in sys.modules if m == PACKAGE or m.startswith(f"{PACKAGE}.")]:
            del sys.modules[name]


def _api(client, area: str, operation: str):
    return importlib.import_module(f"{PACKAGE}.api.{area}.{operation}")


def _token(client, api_server: str, role: str, district: str | None = None) -> str:
    from rukhsa_generated_client.models import DevToken, DevTokenIn

    body = DevTokenIn.from_dict({"role": role, **({"district": district} if district else {})})
    minted = _api(client, "dev", "mint_dev_token").sync(
        client=client.Client(base_url=api_server, raise_on_unexpected_status=True), body=body)
    assert isinstance(minted, DevToken) and minted.role.value == role
    return minted.token


def _pay_in_sandbox(client, citizen, application_id: str, stack) -> str:
    """Start a sandbox payment of what is due, press Pay on its checkout page, pump the streams."""
    from rukhsa_generated_client.models import (CompleteSandboxCheckoutBody, PaymentIn,
                                                PaymentStarted)

    started = _api(client, "payments", "start_payment").sync(
        application_id, client=citizen, body=PaymentIn.from_dict({"gateway": "sandbox"}))
    assert isinstance(started, PaymentStarted), started
    assert started.status == "pending" and started.amount_piasters > 0
    assert urlparse(started.checkout_url).path == f"/sandbox/checkout/{started.merchant_reference}"
    pressed = _api(client, "sandbox", "complete_sandbox_checkout").sync_detailed(
        started.merchant_reference, client=citizen,
        body=CompleteSandboxCheckoutBody.from_dict({"outcome": "pay"}))
    assert pressed.status_code == 200
    stack.streams.pump_until_quiet()
    return started.payment_id


def test_the_readme_walkthrough_through_a_generated_client(stack, api_server, generated):
    client = generated
    from rukhsa_generated_client.models import (Application, ApplicationIn, DecisionIn, Licence,
                                                Payment, Verification)

    anonymous = client.Client(base_url=api_server, raise_on_unexpected_status=True)
    citizen_token = _token(client, api_server, "citizen")
    citizen = client.AuthenticatedClient(base_url=api_server, raise_on_unexpected_status=True,
                                         token=citizen_token)
    officer = client.AuthenticatedClient(base_url=api_server, raise_on_unexpected_status=True,
                                         token=_token(client, api_server, "officer", "EAST"))

    # WHEN a citizen applies for an advertisement licence
    applied = _api(client, "applications", "create_application").sync(
        client=citizen, body=ApplicationIn.from_dict(VALID))
    # THEN the answer parses as an Application, submitted, with the submission fees due
    assert isinstance(applied, Application), applied
    assert applied.status.value == "submitted" and applied.district == "EAST"
    assert applied.applicant.name == VALID["applicant"]["name"]
    assert applied.details.additional_properties["faces"] == 1
    assert applied.amount_due_piasters == sum(f.amount_piasters for f in applied.fees_due) > 0

    # WHEN they pay it in the sandbox THEN it waits for an officer
    first_payment = _pay_in_sandbox(client, citizen, applied.id, stack)
    paid = _api(client, "payments", "get_payment").sync(first_payment, client=citizen)
    assert isinstance(paid, Payment) and paid.status.value == "paid"
    assert paid.receipt.total_piasters == applied.amount_due_piasters
    read = _api(client, "applications", "get_application").sync(applied.id, client=citizen)
    assert isinstance(read, Application) and read.status.value == "under_review"

    # WHEN the officer of its district approves (its documents in) THEN the licence fee is due
    stack.hand_in_documents(citizen_token, applied.id)
    approved = _api(client, "back_office", "decide_application").sync(
        applied.id, client=officer, body=DecisionIn.from_dict({"decision": "approve"}))
    assert isinstance(approved, Application), approved
    assert approved.status.value == "approved" and approved.amount_due_piasters > 0

    # WHEN the citizen pays the licence fee THEN the licence is issued
    _pay_in_sandbox(client, citizen, applied.id, stack)
    issued = _api(client, "applications", "get_application").sync(applied.id, client=citizen)
    assert isinstance(issued, Application) and issued.status.value == "issued"
    assert issued.licence_number.startswith("ALX-EAST-")

    # WHEN the holder reads the licence THEN it is active, theirs, and sealed
    licence = _api(client, "licences", "get_licence").sync(issued.licence_number, client=citizen)
    assert isinstance(licence, Licence), licence
    assert licence.number == issued.licence_number and licence.status.value == "active"
    assert licence.holder.name == VALID["applicant"]["name"] and licence.application_id == applied.id
    assert licence.site.lat == VALID["site"]["lat"] and licence.verify_url

    # WHEN anyone verifies the seal as JSON (the QR's URL) THEN it is genuine and valid
    token = urlparse(licence.verify_url).path.rstrip("/").rsplit("/", 1)[-1]
    verified = _api(client, "verification", "verify_seal").sync(
        token, client=anonymous.with_headers({"Accept": "application/json"}))
    assert isinstance(verified, Verification), verified
    assert verified.genuine is True and verified.verdict.value == "genuine_valid"
    assert verified.number == licence.number and verified.status.value == "active"
