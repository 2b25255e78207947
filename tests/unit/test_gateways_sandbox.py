"""Sandbox gateway: its callbacks are Paymob callbacks, its page posts the outcome, and the factory
only hands it out where the sandbox is enabled."""
from __future__ import annotations

import dataclasses
import json
import re
from datetime import datetime, timezone

import pytest

from chalicelib.adapters.gateways import gateway_for
from chalicelib.adapters.gateways.fawry import FawryGateway
from chalicelib.adapters.gateways.paymob import PaymobGateway
from chalicelib.adapters.gateways.sandbox import (SandboxGateway, build_sandbox_callback,
                                                  render_checkout_page)
from chalicelib.errors import NotFound
from chalicelib.ports import BadSignature
from chalicelib.settings import Settings
from tests.unit.test_gateways_paymob import DOCUMENTED_FIELDS, expected_hmac

SECRET = "local-stage-paymob-hmac-secret"
BASE = "http://localhost:8000"


def sandbox() -> SandboxGateway:
    return SandboxGateway(secret=SECRET, public_base_url=BASE + "/")


def test_create_checkout_points_at_the_sandbox_page():
    """GIVEN a merchant reference WHEN a sandbox checkout is created
    THEN the URL is <public_base_url>/sandbox/checkout/<ref>?amount=<piasters>."""
    checkout = sandbox().create_checkout("PAY-01J/9", 15050, "fee", "+201000000000")
    assert checkout.checkout_url == f"{BASE}/sandbox/checkout/PAY-01J%2F9?amount=15050"
    assert checkout.gateway_reference.isdigit()


def test_the_sandbox_callback_is_signed_exactly_as_paymob_signs():
    """GIVEN a sandbox callback WHEN its HMAC is recomputed from Paymob's documented field list
    with the same secret THEN they agree, and the Paymob adapter itself accepts it."""
    query, body = build_sandbox_callback("PAY-1", 15050, True, "700001", SECRET)
    document = json.loads(body)
    assert document["type"] == "TRANSACTION"
    assert query == {"hmac": expected_hmac(document["obj"], SECRET)}
    event = PaymobGateway(hmac_secret=SECRET, integration_id="1",
                          owner_id="1").parse_webhook({}, query, body)
    assert (event.merchant_reference, event.amount_piasters, event.success) == ("PAY-1", 15050,
                                                                                True)


def test_sandbox_webhooks_verify_and_normalise_like_paymobs():
    """GIVEN a paid and a failed sandbox callback WHEN parsed by the sandbox gateway
    THEN both verify, with success following the outcome and the signed order id matching the
    checkout's gateway reference."""
    gateway = sandbox()
    checkout = gateway.create_checkout("PAY-2", 999, "fee", "")
    for success in (True, False):
        query, body = build_sandbox_callback("PAY-2", 999, success, f"70000{int(success)}", SECRET)
        event = gateway.parse_webhook({}, query, body)
        assert event.gateway == "sandbox"
        assert (event.transaction_id, event.success, event.pending) == (f"70000{int(success)}", success,
                                                                        False)
        assert event.raw["gateway_order_reference"] == checkout.gateway_reference


def test_the_callback_time_is_paymobs_zone_less_cairo_time():
    """GIVEN a callback built at a known Cairo local time WHEN parsed THEN occurred_at is that
    instant in UTC (Cairo is UTC+2 in January)."""
    query, body = build_sandbox_callback("PAY-3", 100, True, "700003", SECRET,
                                         created_at=datetime(2026, 1, 5, 12, 0, 0))
    assert json.loads(body)["obj"]["created_at"] == "2026-01-05T12:00:00"
    assert sandbox().parse_webhook({}, query, body).occurred_at == datetime(
        2026, 1, 5, 10, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize("path", DOCUMENTED_FIELDS)
def test_tampering_with_any_signed_field_of_a_sandbox_callback_is_refused(path):
    """GIVEN a sandbox callback WHEN any one signed field is changed THEN BadSignature."""
    query, body = build_sandbox_callback("PAY-4", 100, True, "700004", SECRET)
    document = json.loads(body)
    parent = document["obj"]
    *parents, leaf = path.split(".")
    for part in parents:
        parent = parent[part]
    value = parent[leaf]
    parent[leaf] = (not value) if isinstance(value, bool) else f"{value}1"
    with pytest.raises(BadSignature):
        sandbox().parse_webhook({}, query, json.dumps(document).encode())


def test_a_callback_signed_with_another_secret_is_refused():
    """GIVEN a callback signed with a different secret WHEN parsed THEN BadSignature."""
    query, body = build_sandbox_callback("PAY-5", 100, True, "700005", "not-the-secret")
    with pytest.raises(BadSignature):
        sandbox().parse_webhook({}, query, body)


def test_query_status_admits_the_sandbox_keeps_no_ledger():
    """GIVEN any reference WHEN the sandbox is asked THEN it answers unknown for that reference."""
    status = sandbox().query_status("PAY-6")
    assert (status.merchant_reference, status.state) == ("PAY-6", "unknown")


def test_the_checkout_page_is_arabic_first_and_posts_the_outcome():
    """GIVEN a reference, amount and description WHEN the page is rendered
    THEN it is an RTL Arabic page whose two buttons POST outcome=pay|fail to the complete path."""
    page = render_checkout_page("PAY-7", 15005, "رسوم ترخيص محل / Shop licence fee")
    assert '<html lang="ar" dir="rtl">' in page
    assert re.search(r'<form method="post" action="/sandbox/checkout/PAY-7/complete">', page)
    assert 'name="outcome" value="pay">ادفع / Pay</button>' in page
    assert 'name="outcome" value="fail">فشل الدفع / Fail</button>' in page
    assert "150.05" in page and "رسوم ترخيص محل" in page
    assert "<script" not in page
    assert page.index("ادفع") < page.index("فشل الدفع")


def test_the_checkout_page_escapes_what_it_shows():
    """GIVEN a hostile description and reference WHEN rendered THEN they appear escaped and the
    reference is percent-encoded in the form action."""
    page = render_checkout_page('R"<x>', 100, "<script>alert(1)</script>", base_url="/api/")
    assert "<script>" not in page
    assert "&lt;script&gt;" in page
    assert 'action="/api/sandbox/checkout/R%22%3Cx%3E/complete"' in page


# ------------------------------------------------------------------ the factory

def settings(**overrides: object) -> Settings:
    base = Settings(stage="local", region="eu-central-1", table_prefix="rukhsa-local-",
                    files_bucket="files", seal_key_ids=("k1",), verify_base_url="http://v",
                    public_base_url=BASE, auth_mode="local", paymob_hmac_secret=SECRET,
                    fawry_security_key="fawry-key", fawry_merchant_code="fawry-merchant",
                    sandbox_enabled=True)
    return dataclasses.replace(base, **overrides)


def test_the_factory_builds_each_named_gateway():
    """GIVEN configured settings WHEN each gateway is asked for by name
    THEN the right adapter, named as in the webhook path, comes back."""
    built = {name: gateway_for(name, settings()) for name in ("paymob", "fawry", "sandbox")}
    assert isinstance(built["paymob"], PaymobGateway)
    assert isinstance(built["fawry"], FawryGateway)
    assert isinstance(built["sandbox"], SandboxGateway)
    assert {name: gateway.name for name, gateway in built.items()} == {
        "paymob": "paymob", "fawry": "fawry", "sandbox": "sandbox"}


def test_the_factorys_sandbox_verifies_with_the_stages_paymob_secret():
    """GIVEN the local stage's settings WHEN the sandbox verifies a callback signed with
    paymob_hmac_secret THEN it accepts it."""
    query, body = build_sandbox_callback("PAY-8", 100, True, "700008", SECRET)
    assert gateway_for("sandbox", settings()).parse_webhook({}, query, body).success is True


@pytest.mark.parametrize("name, overrides", [
    ("stripe", {}), ("", {}), ("PAYMOB", {}),
    ("sandbox", {"sandbox_enabled": False}),
    ("paymob", {"paymob_hmac_secret": ""}),
    ("fawry", {"fawry_security_key": ""}),
])
def test_unknown_disabled_or_unconfigured_gateways_are_not_found(name, overrides):
    """GIVEN an unknown name, a disabled sandbox or a gateway without its secret
    WHEN asked for THEN NotFound (a 404), never a gateway that would accept forged callbacks."""
    with pytest.raises(NotFound):
        gateway_for(name, settings(**overrides))


@pytest.mark.parametrize("gateway", [
    sandbox(),
    FawryGateway(merchant_code="M", security_key="K", return_url=BASE + "/payments/return",
                 base_url="http://127.0.0.1:9"),
], ids=["sandbox", "fawry"])
def test_every_gateway_answers_a_transaction_inquiry(gateway, monkeypatch):
    """GIVEN a gateway with no lookup by transaction id (the sandbox, Fawry) WHEN a second
    settlement makes the payments use case ask about one transaction THEN it answers with its
    word on the payment (the port's default), rather than failing with AttributeError (a 500
    on the sandbox's second Pay, before the method sat on the gateway port)."""
    from chalicelib.domain.gateway_messages import GatewayStatus

    asked = []
    monkeypatch.setattr(type(gateway), "query_status", lambda self, reference: (
        asked.append(reference) or GatewayStatus(merchant_reference=reference, state="unknown")))
    status = gateway.transaction_status("PAY-1", "txn-2")
    assert (status.merchant_reference, status.state, asked) == ("PAY-1", "unknown", ["PAY-1"])
