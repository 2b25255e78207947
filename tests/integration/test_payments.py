"""Payments through the HTTP API against the emulator: checkout, signed webhooks recorded exactly
once, the application moved on by the payments stream, receipts, the finance report, the sandbox
checkout pages, and reconciliation against a fake gateway API on loopback."""
import copy
import json
import threading
import urllib.request
import uuid
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest

from tests.integration.test_applications_api import VALID
from tests.unit.gateway_fakes import FakeGatewayServer
from tests.unit.test_gateways_fawry import expected_signature as fawry_signature
from tests.unit.test_gateways_paymob import DOCUMENTED_FIELDS, expected_hmac, processed_callback

pytestmark = pytest.mark.integration

EVENTS_DIR = __import__("pathlib").Path(__file__).resolve().parent.parent / "events"


# ------------------------------------------------------------------------------ fixtures

@pytest.fixture(scope="module")
def gateway_api():
    """Paymob's and Fawry's APIs, faked on loopback (checkout and status inquiry)."""
    fake = FakeGatewayServer().start()
    orders = iter(range(900_000_001, 999_999_999))
    fake.routes[("POST", "/api/auth/tokens")] = (201, {"token": "auth-token"})
    fake.routes[("POST", "/api/ecommerce/orders")] = lambda request: (201, {"id": next(orders)})
    fake.routes[("POST", "/api/acceptance/payment_keys")] = (201, {"token": "payment-key"})
    fake.routes[("POST", "/fawrypay-api/api/payments/init")] = (
        200, "https://atfawry.fawrystaging.com/atfawry/plugin/checkout/sample")
    yield fake
    fake.stop()


@pytest.fixture
def gateways(stack, gateway_api, monkeypatch):
    """The real gateway adapters (via gateway_for), pointed at the fake APIs by settings."""
    from chalicelib import wiring

    real = wiring.bound_settings()
    configured = replace(real, extra={
        "paymob_api_key": "api-key", "paymob_integration_id": "4097558", "paymob_iframe_id": "9",
        "paymob_owner_id": "302852",
        "paymob_base_url": gateway_api.base_url, "fawry_base_url": gateway_api.base_url})
    monkeypatch.setattr(wiring, "bound_settings", lambda: configured)
    return configured


def new_application(stack, citizen, service_code="advertisement-first"):
    body = {**VALID, "service_code": service_code}
    created = stack.call("POST", "/v1/applications", citizen, body)
    assert created.status_code == 201, created.body
    return created.json


def start(stack, citizen, app_id, gateway):
    return stack.call("POST", f"/v1/applications/{app_id}/payments", citizen, {"gateway": gateway})


def paymob_callback(started, secret, txn, amount=None, **changes):
    """A processed callback from the real fixture, re-pointed at our payment and signed with
    Paymob's documented algorithm (computed independently of the adapter)."""
    document = processed_callback()
    obj = document["obj"]
    obj["id"] = txn
    obj["amount_cents"] = started["amount_piasters"] if amount is None else amount
    obj["order"]["id"] = int(started["gateway_reference"])
    obj["order"]["merchant_order_id"] = started["payment_id"]
    obj.update(changes)
    return expected_hmac(obj, secret), document


def post_paymob(stack, hmac_hex, document, gateway="paymob"):
    return stack.call("POST", f"/v1/webhooks/{gateway}?hmac={hmac_hex}",
                      raw=json.dumps(document).encode())


def paid_setup(stack, citizen, gateways, gateway="paymob"):
    app = new_application(stack, citizen)
    started = start(stack, citizen, app["id"], gateway)
    assert started.status_code == 201, started.body
    from chalicelib.wiring import payment_store
    payment = payment_store().get(started.json["payment_id"])
    return app, {**started.json, "gateway_reference": payment.gateway_reference}


def application(app_id):
    from chalicelib.wiring import application_store
    return application_store().get(app_id)


def payment(payment_id):
    from chalicelib.wiring import payment_store
    return payment_store().get(payment_id)


def txn_id():
    return int(uuid.uuid4().int % 10 ** 11)


# --------------------------------------------------------------------------------- Paymob

def test_valid_paymob_callback_pays_and_the_stream_moves_the_application_to_review(stack, citizen, gateways):
    # GIVEN a submitted application and a Paymob checkout for exactly what is due
    app, started = paid_setup(stack, citizen, gateways)
    assert started["amount_piasters"] == 550 and "/api/acceptance/iframes/9" in started["checkout_url"]
    # WHEN Paymob's signed transaction processed callback arrives
    hmac_hex, document = paymob_callback(started, gateways.paymob_hmac_secret, txn_id())
    response = post_paymob(stack, hmac_hex, document)
    # THEN it is accepted, the payment is paid and has a receipt with the fee lines
    assert response.status_code == 200, response.body
    assert response.json["result"] == "accepted" and response.json["payment_status"] == "paid"
    read = stack.call("GET", f"/v1/payments/{started['payment_id']}", citizen).json
    assert read["status"] == "paid"
    assert [(l["code"], l["amount_piasters"]) for l in read["receipt"]["lines"]] == [
        ("inspection", 50), ("sms", 500)]
    assert read["receipt"]["total_piasters"] == 550
    # AND the application does not move inside the request, but through the payments stream
    assert application(app["id"]).status == "submitted"
    stack.streams.pump_until_quiet()
    moved = application(app["id"])
    assert moved.status == "under_review"
    assert all(line.paid_by == started["payment_id"] for line in moved.fees)
    # AND paying again is refused: nothing is due now
    again = start(stack, citizen, app["id"], "paymob")
    assert again.status_code == 409 and again.json["error"]["code"] == "nothing_due"


def test_changing_any_signed_field_or_the_hmac_is_refused(stack, citizen, gateways):
    app, started = paid_setup(stack, citizen, gateways)
    hmac_hex, genuine = paymob_callback(started, gateways.paymob_hmac_secret, txn_id())
    for path in DOCUMENTED_FIELDS:
        # GIVEN the genuine callback with one signed field changed
        tampered = copy.deepcopy(genuine)
        node, *rest = path.split(".")
        holder = tampered["obj"] if not rest else tampered["obj"][node]
        name = rest[0] if rest else node
        value = holder.get(name)
        holder[name] = (not value) if isinstance(value, bool) else f"{value}9"
        # WHEN it is delivered with the original HMAC THEN 401
        response = post_paymob(stack, hmac_hex, tampered)
        assert response.status_code == 401, (path, response.body)
        assert response.json["error"]["code"] == "bad_signature"
    # AND a changed HMAC (one hex digit) is refused too
    flipped = hmac_hex[:-1] + ("0" if hmac_hex[-1] != "0" else "1")
    assert post_paymob(stack, flipped, genuine).status_code == 401
    assert payment(started["payment_id"]).status == "pending"


def test_100_concurrent_deliveries_record_one_payment_and_one_advance(stack, citizen, gateways,
                                                                      api_server):
    # GIVEN one genuine callback
    app, started = paid_setup(stack, citizen, gateways)
    hmac_hex, document = paymob_callback(started, gateways.paymob_hmac_secret, txn_id())
    body = json.dumps(document).encode()
    results, barrier = [], threading.Barrier(20)

    def deliver():
        barrier.wait()
        request = urllib.request.Request(f"{api_server}/v1/webhooks/paymob?hmac={hmac_hex}",
                                         data=body, method="POST",
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=60) as response:
            results.append((response.status, json.loads(response.read()).get("result")))

    # WHEN it is delivered 100 times at once, over real HTTP
    threads = [threading.Thread(target=deliver) for _ in range(100)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # THEN every delivery answers 200, exactly one was recorded, the rest were duplicates
    assert [status for status, _ in results] == [200] * 100
    assert sorted(r for _, r in results).count("accepted") == 1
    recorded = payment(started["payment_id"])
    assert recorded.status == "paid" and len(recorded.events) == 1
    # AND the stream advances the application exactly once
    stack.streams.pump_until_quiet()
    stack.streams.pump_until_quiet()
    moved = application(app["id"])
    assert [t.action for t in moved.timeline].count("pay") == 1
    assert moved.status == "under_review"


def test_failure_after_success_keeps_it_paid(stack, citizen, gateways):
    app, started = paid_setup(stack, citizen, gateways)
    secret, txn = gateways.paymob_hmac_secret, txn_id()
    assert post_paymob(stack, *paymob_callback(started, secret, txn)).json["effect"] == "paid"
    # WHEN a failed transaction, then a void of the paid one, arrive late
    failed = post_paymob(stack, *paymob_callback(started, secret, txn_id(), success=False))
    voided = post_paymob(stack, *paymob_callback(started, secret, txn, is_voided=True))
    # THEN both are recorded (200) and the payment stays paid
    assert failed.status_code == voided.status_code == 200
    assert failed.json["effect"] == voided.json["effect"] == "recorded"
    recorded = payment(started["payment_id"])
    assert recorded.status == "paid" and recorded.transaction_id == str(txn)
    assert len(recorded.events) == 3
    stack.streams.pump_until_quiet()
    assert application(app["id"]).status == "under_review"


def test_wrong_amount_is_flagged_and_never_advances(stack, citizen, gateways):
    app, started = paid_setup(stack, citizen, gateways)
    # WHEN a genuine success arrives for 1 piaster less than was asked
    response = post_paymob(stack, *paymob_callback(started, gateways.paymob_hmac_secret, txn_id(),
                                                   amount=549))
    # THEN it is recorded and flagged for reconciliation
    assert response.status_code == 200 and response.json["effect"] == "flagged"
    flagged = payment(started["payment_id"])
    assert flagged.status == "flagged" and flagged.flag_reason == "amount_or_currency_mismatch"
    # AND even a later correct success does not move a flagged payment
    post_paymob(stack, *paymob_callback(started, gateways.paymob_hmac_secret, txn_id()))
    assert payment(started["payment_id"]).status == "flagged"
    stack.streams.pump_until_quiet()
    assert application(app["id"]).status == "submitted"


def test_a_callback_repointed_at_another_payment_is_refused(stack, citizen, gateways):
    # GIVEN two payments of the same amount and a genuine callback for the first
    _, first = paid_setup(stack, citizen, gateways)
    _, second = paid_setup(stack, citizen, gateways)
    hmac_hex, document = paymob_callback(first, gateways.paymob_hmac_secret, txn_id())
    # WHEN its unsigned merchant_order_id is rewritten to the second payment
    document["obj"]["order"]["merchant_order_id"] = second["payment_id"]
    response = post_paymob(stack, hmac_hex, document)
    # THEN the signature verifies but the signed order id does not match: refused, nothing paid
    assert response.status_code == 409 and response.json["error"]["code"] == "payment_mismatch"
    assert payment(second["payment_id"]).status == "pending"


def test_a_re_cut_callback_is_refused_and_a_second_settlement_needs_paymobs_word(
        stack, citizen, gateways, gateway_api):
    # GIVEN a payment paid by a genuine Paymob callback
    _, started = paid_setup(stack, citizen, gateways)
    secret, reference = gateways.paymob_hmac_secret, started["payment_id"]
    txn = 10 ** 10 + txn_id() % 10 ** 10  # 11 digits, no leading zero
    txn += txn % 10 == 0  # its last digit leads integration_id below: never a zero
    hmac_hex, genuine = paymob_callback(started, secret, txn)
    assert post_paymob(stack, hmac_hex, genuine).json["payment_status"] == "paid"
    # WHEN the same callback is re-cut: a digit moved from id to integration_id, or from
    # created_at to amount_cents (the HMAC, over a separator-less string, still verifies)
    from_id = copy.deepcopy(genuine)
    from_id["obj"]["id"] = int(str(txn)[:-1])
    from_id["obj"]["integration_id"] = int(str(txn)[-1] + str(genuine["obj"]["integration_id"]))
    from_time = copy.deepcopy(genuine)
    from_time["obj"]["amount_cents"] = int(f"{genuine['obj']['amount_cents']}{genuine['obj']['created_at'][0]}")
    from_time["obj"]["created_at"] = genuine["obj"]["created_at"][1:]
    for recut, field_name in ((from_id, "integration_id"), (from_time, "created_at")):
        assert expected_hmac(recut["obj"], secret) == hmac_hex
        response = post_paymob(stack, hmac_hex, recut)
        # THEN it is refused naming the field, and the payment carries no flag
        assert response.status_code == 400, response.body
        assert field_name in response.json["error"]["fields"]
        assert payment(reference).flag_reason == "" and payment(reference).status == "paid"
    # WHEN a second, validly signed settlement arrives that Paymob's inquiry API does not know
    second_txn = txn + 1
    response = post_paymob(stack, *paymob_callback(started, secret, second_txn))
    # THEN it is refused without flagging the payment
    assert response.status_code == 409 and response.json["error"]["code"] == "settlement_unconfirmed"
    assert payment(reference).flag_reason == ""
    # WHEN Paymob confirms that transaction, settled for this payment and amount
    gateway_api.routes[("GET", f"/api/acceptance/transactions/{second_txn}")] = (200, {
        "id": second_txn, "success": True, "pending": False,
        "amount_cents": started["amount_piasters"],
        "order": {"id": int(started["gateway_reference"]), "merchant_order_id": reference}})
    confirmed = post_paymob(stack, *paymob_callback(started, secret, second_txn))
    # THEN the citizen really paid twice: finance sees it
    assert confirmed.status_code == 200, confirmed.body
    assert payment(reference).flag_reason == "paid_twice"


@pytest.mark.parametrize("path,body,status", [
    ("/v1/webhooks/paymob", b"not json", 401),
    ("/v1/webhooks/paymob?hmac=abc", b"{}", 401),
    ("/v1/webhooks/paymob", b"", 401),
    ("/v1/webhooks/fawry", b"[1, 2]", 401),
    ("/v1/webhooks/fawry", b"\xff\xfe", 401),
    ("/v1/webhooks/stripe", b"{}", 404),
    ("/v1/webhooks/paymob", b"{" * 70000, 413),
])
def test_garbage_webhooks_are_4xx_never_500(stack, path, body, status):
    response = stack.call("POST", path, raw=body)
    assert response.status_code == status, response.body
    assert set(response.json["error"]) >= {"code", "message_ar", "message_en"}


# ---------------------------------------------------------------------------------- Fawry

def fawry_notification(started, key, status="PAID", amount=None):
    notification = json.loads((EVENTS_DIR / "fawry_notification_v2.json").read_text())
    egp = (started["amount_piasters"] if amount is None else amount) / 100
    notification.update(merchantRefNumber=started["payment_id"], orderAmount=egp,
                        paymentAmount=egp + 2.5, orderStatus=status,
                        fawryRefNumber=str(txn_id()))
    notification["messageSignature"] = fawry_signature(notification, key)
    return notification


def test_fawry_notification_pays_duplicates_refusals_and_flags(stack, citizen, gateways):
    key = gateways.fawry_security_key
    app, started = paid_setup(stack, citizen, gateways, "fawry")
    assert started["checkout_url"].startswith("https://atfawry.fawrystaging.com/")
    genuine = fawry_notification(started, key)
    # GIVEN a tampered copy WHEN delivered THEN 401 and nothing changes
    tampered = {**genuine, "orderAmount": 0.5}
    assert stack.call("POST", "/v1/webhooks/fawry", body=tampered).status_code == 401
    assert stack.call("POST", "/v1/webhooks/fawry",
                      body={**genuine, "messageSignature": "0" * 64}).status_code == 401
    # WHEN the genuine notification arrives twice THEN paid once, then a duplicate
    first = stack.call("POST", "/v1/webhooks/fawry", body=genuine)
    second = stack.call("POST", "/v1/webhooks/fawry", body=genuine)
    assert (first.status_code, first.json["result"]) == (200, "accepted")
    assert (second.status_code, second.json["result"]) == (200, "duplicate")
    # AND an EXPIRED notice afterwards never un-pays it
    expired = stack.call("POST", "/v1/webhooks/fawry",
                         body=fawry_notification(started, key, status="EXPIRED"))
    assert expired.status_code == 200 and payment(started["payment_id"]).status == "paid"
    stack.streams.pump_until_quiet()
    assert application(app["id"]).status == "under_review"
    # AND a Fawry payment for a wrong amount is flagged and does not advance
    other_app, other = paid_setup(stack, citizen, gateways, "fawry")
    wrong = stack.call("POST", "/v1/webhooks/fawry",
                       body=fawry_notification(other, key, amount=5000))
    assert wrong.status_code == 200 and wrong.json["effect"] == "flagged"
    stack.streams.pump_until_quiet()
    assert application(other_app["id"]).status == "submitted"


# -------------------------------------------------------------------------------- sandbox

def sandbox_press(stack, reference, outcome):
    return stack.call("POST", f"/sandbox/checkout/{reference}/complete", raw=f"outcome={outcome}".encode(),
                      headers={"Content-Type": "application/x-www-form-urlencoded"})


def test_sandbox_checkout_flow_from_application_fees_to_licence_paid(stack, citizen):
    # GIVEN a submitted application paid through the sandbox gateway
    app = new_application(stack, citizen)
    started = start(stack, citizen, app["id"], "sandbox")
    assert started.status_code == 201, started.body
    reference = started.json["payment_id"]
    assert started.json["checkout_url"].startswith(f"http://127.0.0.1:8000/sandbox/checkout/{reference}")
    # WHEN the person opens the checkout page
    page = stack.call("GET", f"/sandbox/checkout/{reference}")
    # THEN it is an Arabic-first page with the amount and Pay / Fail forms
    html = page.body.decode()
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    assert 'lang="ar" dir="rtl"' in html and "5.50" in html
    assert 'value="pay"' in html and 'value="fail"' in html
    assert f'action="/sandbox/checkout/{reference}/complete"' in html
    # WHEN they press Fail, then Pay
    failed = sandbox_press(stack, reference, "fail")
    assert failed.status_code == 200 and 'data-outcome="fail"' in failed.body.decode()
    assert payment(reference).status == "failed"
    paid = sandbox_press(stack, reference, "pay")
    assert paid.status_code == 200 and "Payment completed" in paid.body.decode()
    assert payment(reference).status == "paid"
    stack.streams.pump_until_quiet()
    assert application(app["id"]).status == "under_review"
    # GIVEN the officer's approval put the licence fee due
    from chalicelib.domain.applications import SYSTEM, approve, transition
    from chalicelib.domain.catalogue import load_catalogue
    from chalicelib.domain.fees import STAGE_APPROVAL, fee_lines
    from chalicelib.wiring import application_store
    current = application(app["id"])
    service = load_catalogue().service(current.service_code)
    approved = approve(transition(current, "approve", SYSTEM, datetime.now(timezone.utc)),
                       fee_lines(service, current.details, STAGE_APPROVAL), datetime.now(timezone.utc))
    application_store().save(approved, [])
    stack.streams.pump_until_quiet()
    # WHEN the licence fee is paid through the sandbox
    licence = start(stack, citizen, app["id"], "sandbox").json
    assert licence["amount_piasters"] == approved.amount_due_piasters > 0
    assert sandbox_press(stack, licence["payment_id"], "pay").status_code == 200
    stack.streams.pump_until_quiet()
    # THEN the application passes licence_paid, and the applications stream issues the licence
    done = application(app["id"])
    assert done.status == "issued" and done.licence_number.startswith(f"ALX-{done.district}-")
    assert [e.status for e in done.timeline][-2:] == ["licence_paid", "issued"]


def test_renewal_without_review_is_issued_once_paid(stack, citizen):
    from chalicelib.domain.applications import SUBMITTED
    from chalicelib.domain.catalogue import load_catalogue
    from chalicelib.usecases.applications import new_application as build
    from chalicelib.auth import Principal
    from chalicelib.wiring import application_store
    # GIVEN a renewal application (licence fee due at submission, no review)
    owner = Principal(sub=f"holder-{uuid.uuid4().hex[:8]}", role="citizen")
    service = load_catalogue().service("advertisement-renewal")
    app = build(service, "EAST", owner, {"name": "x", "national_id": "1", "mobile": "+201012345678"},
                {"lat": 31.2, "lng": 29.9, "address": "x"}, dict(VALID["details"]),
                datetime.now(timezone.utc))
    application_store().create(app, audit=[])
    token = stack.token("citizen", sub=owner.sub)
    # WHEN its owner starts paying before handing in the documents THEN 409: nobody would
    # review them after the payment approves it; no payment is recorded
    early = start(stack, token, app.id, "sandbox")
    assert early.status_code == 409 and early.json["error"]["code"] == "documents_missing"
    assert "صورة بطاقة الرقم القومي" in early.json["error"]["message_ar"]
    assert "National ID card copy" in early.json["error"]["message_en"]
    from chalicelib.wiring import payment_store
    assert payment_store().list_by_application(app.id) == []
    # WHEN the documents are in and it is paid through the sandbox
    stack.hand_in_documents(token, app.id)
    started = start(stack, token, app.id, "sandbox").json
    assert sandbox_press(stack, started["payment_id"], "pay").status_code == 200
    stack.streams.pump_until_quiet()
    # THEN it is auto-approved with nothing more due (licence_paid), and then issued
    moved = application(app.id)
    assert moved.amount_due_piasters == 0
    assert [t.action for t in moved.timeline] == ["submit", "pay", "auto_approve", "pay", "issue"]
    assert [t.status for t in moved.timeline][-2:] == ["licence_paid", "issued"]
    assert app.status == SUBMITTED


def test_sandbox_pages_are_404_when_the_sandbox_is_disabled(stack, citizen, monkeypatch):
    app = new_application(stack, citizen)
    reference = start(stack, citizen, app["id"], "sandbox").json["payment_id"]
    from chalicelib import wiring
    prod_like = replace(wiring.bound_settings(), sandbox_enabled=False)
    monkeypatch.setattr(wiring, "bound_settings", lambda: prod_like)
    assert stack.call("GET", f"/sandbox/checkout/{reference}").status_code == 404
    assert sandbox_press(stack, reference, "pay").status_code == 404
    refused = start(stack, citizen, app["id"], "sandbox")
    assert refused.status_code == 400 and "gateway" in refused.json["error"]["fields"]
    assert payment(reference).status == "pending"


def test_already_paid_before_the_stream_moves_it_is_409(stack, citizen):
    app = new_application(stack, citizen)
    reference = start(stack, citizen, app["id"], "sandbox").json["payment_id"]
    sandbox_press(stack, reference, "pay")
    # WHEN the citizen tries again before the stream has moved the application
    again = start(stack, citizen, app["id"], "sandbox")
    assert again.status_code == 409 and again.json["error"]["code"] == "already_paid"
    stack.streams.pump_until_quiet()


def test_a_second_paid_attempt_is_marked_paid_but_not_due(stack, citizen):
    # GIVEN two attempts opened before either was paid
    app = new_application(stack, citizen)
    first = start(stack, citizen, app["id"], "sandbox").json["payment_id"]
    second = start(stack, citizen, app["id"], "sandbox").json["payment_id"]
    # WHEN both are paid
    sandbox_press(stack, first, "pay")
    sandbox_press(stack, second, "pay")
    stack.streams.pump_until_quiet()
    # THEN the application advanced once, with the first; the second is kept paid and marked
    moved = application(app["id"])
    assert [t.action for t in moved.timeline].count("pay") == 1
    assert {line.paid_by for line in moved.fees if line.stage == "submission"} == {first}
    assert payment(second).status == "paid" and payment(second).flag_reason == "paid_but_not_due"


# ------------------------------------------------------------------------ reading, report

def test_payment_is_read_by_its_owner_and_admins_only(stack, citizen):
    app = new_application(stack, citizen)
    reference = start(stack, citizen, app["id"], "sandbox").json["payment_id"]
    assert stack.call("GET", f"/v1/payments/{reference}", citizen).json["receipt"] is None
    assert stack.call("GET", f"/v1/payments/{reference}", stack.token("admin")).status_code == 200
    assert stack.call("GET", f"/v1/payments/{reference}", stack.token("citizen")).status_code == 404
    officer = stack.token("officer", district="EAST")
    assert stack.call("GET", f"/v1/payments/{reference}", officer).status_code == 403
    assert stack.call("GET", "/v1/payments/PAY-NOPE", citizen).status_code == 404
    assert stack.call("GET", f"/v1/payments/{reference}").status_code == 401
    other = stack.call("POST", f"/v1/applications/{app['id']}/payments", stack.token("citizen"),
                       {"gateway": "sandbox"})
    assert other.status_code == 404
    bad = start(stack, citizen, app["id"], "bitcoin")
    assert bad.status_code == 400 and "gateway" in bad.json["error"]["fields"]


def test_finance_report_by_cairo_day_gateway_status_and_fee(stack, monkeypatch):
    from chalicelib import wiring
    # GIVEN payments on a Cairo day of their own: EAST paid + pending, CENTRAL paid
    day = datetime(2031, 3, 1, 21, 30, tzinfo=timezone.utc) + timedelta(days=uuid.uuid4().int % 3000)
    monkeypatch.setattr(wiring, "clock", lambda: day)
    east, central = stack.token("citizen"), stack.token("citizen")
    paid_east = start(stack, east, new_application(stack, east)["id"], "sandbox").json["payment_id"]
    start(stack, east, new_application(stack, east)["id"], "sandbox")
    central_app = stack.call("POST", "/v1/applications", central, {**VALID, "district": "CENTRAL"}).json
    paid_central = start(stack, central, central_app["id"], "sandbox").json["payment_id"]
    sandbox_press(stack, paid_east, "pay")
    sandbox_press(stack, paid_central, "pay")
    cairo_day = payment(paid_east).day
    # WHEN an admin asks for that day
    report = stack.call("GET", f"/v1/reports/finance?from={cairo_day}&to={cairo_day}",
                        stack.token("admin"))
    # THEN rows by day, gateway and status carry counts, amounts and fee types, with totals
    assert report.status_code == 200, report.body
    rows = {(r["day"], r["gateway"], r["status"]): r for r in report.json["rows"]}
    assert rows[(cairo_day, "sandbox", "paid")]["count"] == 2
    assert rows[(cairo_day, "sandbox", "paid")]["fees"] == {"inspection": 100, "sms": 1000}
    assert rows[(cairo_day, "sandbox", "pending")]["amount_piasters"] == 550
    totals = report.json["totals"]
    assert totals["paid_piasters"] == 1100 and totals["count"] == 3
    assert totals["paid_by_fee"] == {"inspection": 100, "sms": 1000}
    # AND an officer sees their own district only, and may not ask for another
    officer = stack.token("officer", district="CENTRAL")
    own = stack.call("GET", f"/v1/reports/finance?from={cairo_day}&to={cairo_day}", officer).json
    assert own["district"] == "CENTRAL" and own["totals"]["count"] == 1
    other = stack.call("GET", f"/v1/reports/finance?from={cairo_day}&district=EAST", officer)
    assert other.status_code == 403
    assert stack.call("GET", "/v1/reports/finance", east).status_code == 403
    bad = stack.call("GET", "/v1/reports/finance?from=2031-01-01&to=2031-06-01", stack.token("admin"))
    assert bad.status_code == 400
    assert stack.call("GET", "/v1/reports/finance?from=yesterday",
                      stack.token("admin")).status_code == 400
    stack.streams.pump_until_quiet()


# ------------------------------------------------------------------------ reconciliation

def test_reconciliation_asks_paymob_about_stale_pending_payments(stack, citizen, gateways,
                                                                 gateway_api, monkeypatch):
    from chalicelib import wiring
    from chalicelib.events.reconcile import on_schedule
    # GIVEN a Paymob payment started an hour ago whose callback never arrived
    started_at = datetime.now(timezone.utc) - timedelta(hours=1)
    monkeypatch.setattr(wiring, "clock", lambda: started_at)
    app, started = paid_setup(stack, citizen, gateways)
    monkeypatch.setattr(wiring, "clock", lambda: started_at + timedelta(hours=1))
    _, fresh = paid_setup(stack, citizen, gateways)  # pending, but only just started
    # AND Paymob's transaction inquiry that answers it was paid
    inquiry = json.loads((EVENTS_DIR / "paymob_transaction_response_query.json").read_text())
    txn = str(txn_id())

    def answer(request):
        asked = request.json()["merchant_order_id"]
        if asked != started["payment_id"]:
            return 404, {"detail": "not found"}
        return 200, {**inquiry, "id": txn, "merchant_order_id": asked, "amount_cents": "550"}

    gateway_api.routes[("POST", "/api/ecommerce/orders/transaction_inquiry")] = answer
    # WHEN the scheduled job runs
    stats = on_schedule({})
    # THEN the payment is paid through the exactly-once path and the application moves on
    assert stats["settled"] >= 1
    assert payment(started["payment_id"]).status == "paid"
    assert payment(fresh["payment_id"]).status == "pending"
    stack.streams.pump_until_quiet()
    assert application(app["id"]).status == "under_review"
    # AND the late webhook for the same transaction is a duplicate
    obj_hmac, document = paymob_callback(started, gateways.paymob_hmac_secret, int(txn))
    late = post_paymob(stack, obj_hmac, document)
    assert late.status_code == 200 and late.json["result"] == "duplicate"
    # AND a second run finds nothing new to settle for it
    assert on_schedule({})["settled"] == 0


def test_a_checkout_nobody_paid_for_a_day_is_closed_and_a_late_payment_still_counts(
        stack, citizen, gateways, gateway_api, monkeypatch):
    from chalicelib import wiring
    from chalicelib.events.reconcile import on_schedule
    # GIVEN a Paymob checkout opened 25 hours ago and one opened 2 hours ago, neither paid
    now = datetime.now(timezone.utc)
    monkeypatch.setattr(wiring, "clock", lambda: now - timedelta(hours=25))
    app, stale = paid_setup(stack, citizen, gateways)
    monkeypatch.setattr(wiring, "clock", lambda: now - timedelta(hours=2))
    _, recent = paid_setup(stack, citizen, gateways)
    # AND Paymob knows no transaction for either (its inquiry answers 404)
    gateway_api.routes[("POST", "/api/ecommerce/orders/transaction_inquiry")] = (
        404, {"detail": "not found"})
    monkeypatch.setattr(wiring, "clock", lambda: now)
    # WHEN the scheduled job runs
    stats = on_schedule({})
    # THEN the day-old attempt is closed as failed, with the reason in its history, and the
    # recent one is still pending, asked about again next time
    assert stats["abandoned"] >= 1 and stats["still_pending"] >= 1
    closed = payment(stale["payment_id"])
    assert closed.status == "failed"
    assert [(e["source"], e["outcome"]) for e in closed.events] == [("abandoned", "failed")]
    assert payment(recent["payment_id"]).status == "pending"
    # AND a second run closes nothing twice
    assert payment(stale["payment_id"]) == closed and on_schedule({})["abandoned"] == 0
    # AND if the citizen did pay after all, Paymob's late callback still pays and moves it on
    hmac_hex, document = paymob_callback(stale, gateways.paymob_hmac_secret, txn_id())
    late = post_paymob(stack, hmac_hex, document)
    assert late.status_code == 200 and late.json["payment_status"] == "paid"
    stack.streams.pump_until_quiet()
    assert application(app["id"]).status == "under_review"


# ------------------------------------------------------------------------ refunds by finance

def test_finance_sees_a_flagged_payment_and_records_its_refund_once(stack, citizen, gateways):
    # GIVEN a Paymob payment flagged for a wrong amount
    app, started = paid_setup(stack, citizen, gateways)
    post_paymob(stack, *paymob_callback(started, gateways.paymob_hmac_secret, txn_id(), amount=549))
    reference = started["payment_id"]
    admin = stack.token("admin")
    day = payment(reference).day
    # WHEN finance opens the report for its day THEN the payment is on the work list
    report = stack.call("GET", f"/v1/reports/finance?from={day}&to={day}", admin).json
    listed = [p for p in report["needs_attention"] if p["payment_id"] == reference]
    assert listed == [{"payment_id": reference, "application_id": app["id"], "district": "EAST",
                       "gateway": "paymob", "status": "flagged",
                       "flag_reason": "amount_or_currency_mismatch", "amount_piasters": 550,
                       "transaction_id": payment(reference).transaction_id, "day": day}]
    # AND only an admin may record a refund, with a reference and a note
    body = {"refund_reference": "RF-2026-0001", "note": "549 returned via the Paymob dashboard"}
    path = f"/v1/payments/{reference}/refund"
    assert stack.call("POST", path, body=body).status_code == 401
    assert stack.call("POST", path, citizen, body).status_code == 403
    assert stack.call("POST", path, stack.token("officer", district="EAST"), body).status_code == 403
    for bad, field in (({"refund_reference": "RF 1", "note": "returned"}, "refund_reference"),
                       ({"refund_reference": "RF-1", "note": "   "}, "note"),
                       ({"refund_reference": "RF-1"}, "note"),
                       ({**body, "amount": 1}, "amount")):
        refused = stack.call("POST", path, admin, bad)
        assert refused.status_code == 400 and field in refused.json["error"]["fields"], bad
    assert stack.call("POST", "/v1/payments/PAY-NOPE/refund", admin, body).status_code == 404
    assert payment(reference).status == "flagged"  # nothing written by a refused request
    # WHEN an admin records it
    recorded = stack.call("POST", path, admin, body)
    # THEN the payment is refunded, its flag cleared, and the application's audit trail says so
    assert recorded.status_code == 200, recorded.body
    assert recorded.json["status"] == "refunded" and recorded.json["flag_reason"] is None
    assert payment(reference).status == "refunded"
    trail = stack.call("GET", f"/v1/applications/{app['id']}/audit", admin).json["records"]
    refund = [r for r in trail if r["action"] == "payment_refunded"]
    assert len(refund) == 1 and refund[0]["reason"] == body["note"]
    assert refund[0]["from_status"] == "flagged" and refund[0]["to_status"] == "refunded"
    assert refund[0]["data"]["refund_reference"] == "RF-2026-0001"
    # AND a second recording is refused, and the work list no longer holds it
    again = stack.call("POST", path, admin, body)
    assert again.status_code == 409 and again.json["error"]["code"] == "nothing_to_refund"
    report = stack.call("GET", f"/v1/reports/finance?from={day}&to={day}", admin).json
    assert reference not in {p["payment_id"] for p in report["needs_attention"]}
    # AND a correct success arriving after the refund never pays: it flags the payment again
    post_paymob(stack, *paymob_callback(started, gateways.paymob_hmac_secret, txn_id()))
    late = payment(reference)
    assert late.status == "refunded" and late.flag_reason == "paid_after_refund"
    stack.streams.pump_until_quiet()
    assert application(app["id"]).status == "submitted"
