"""Load and fault tests on loopback (issue 8): citizens applying and paying concurrently over real
HTTP while every gateway callback is delivered several times at once; S3, SQS, SNS and DynamoDB
faults injected at botocore around the emulator. Nothing is lost and nothing is counted twice.

Faults are injected by `BotoFaults`, which wraps botocore's `BaseClient._make_api_call` (every
client, every thread, PynamoDB's included): a matching call raises the service's own ClientError
instead of reaching the emulator, as a call would whose SDK retries were exhausted."""
from __future__ import annotations

import json
import random
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, Optional

import pytest
from botocore.client import BaseClient
from botocore.exceptions import ClientError

from tests.integration.uploads import post_to_store
from tests.integration.issuance_helpers import (RecordingQueue, apply_and_pay, decode_qr,
                                                emulator_sms, sms_pump)
from tests.integration.test_applications_api import VALID
from tests.integration.test_payments import (gateway_api, gateways,  # noqa: F401
                                             paid_setup, paymob_callback, payment, post_paymob,
                                             txn_id)

pytestmark = pytest.mark.integration

CITIZENS = 10
DUPLICATES = 3  # copies of each successful callback, delivered at once
WORKERS = 8


# ------------------------------------------------------------------------- fault injection

@dataclass
class Rule:
    service: str
    operation: str
    code: str
    times: int
    when: Callable[[dict], bool] = lambda params: True
    status: int = 400
    reasons: Optional[list] = None
    injected: int = 0


@dataclass
class BotoFaults:
    rules: list[Rule] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def fail(self, service: str, operation: str, code: str, times: int = 1,
             when: Callable[[dict], bool] = lambda params: True, status: int = 400,
             reasons: Optional[list] = None) -> Rule:
        rule = Rule(service, operation, code, times, when, status, reasons)
        self.rules.append(rule)
        return rule

    def install(self, monkeypatch) -> "BotoFaults":
        original = BaseClient._make_api_call
        faults = self

        def faulty(client, operation_name, params):
            error = faults._take(client.meta.service_model.service_name, operation_name, params)
            if error is not None:
                raise error
            return original(client, operation_name, params)

        monkeypatch.setattr(BaseClient, "_make_api_call", faulty)
        return self

    def _take(self, service: str, operation: str, params: dict) -> Optional[ClientError]:
        with self.lock:
            for rule in self.rules:
                if (rule.service, rule.operation) != (service, operation) or \
                        rule.injected >= rule.times or not rule.when(params):
                    continue
                rule.injected += 1
                response: dict[str, Any] = {
                    "Error": {"Code": rule.code, "Message": f"injected {rule.code}"},
                    "ResponseMetadata": {"HTTPStatusCode": rule.status, "HTTPHeaders": {}}}
                if rule.reasons is not None:
                    response["CancellationReasons"] = rule.reasons
                return ClientError(response, operation)
        return None


def mentions(*needles: str) -> Callable[[dict], bool]:
    return lambda params: all(n in json.dumps(params, default=str) for n in needles)


# ------------------------------------------------------------------------------ HTTP client

@dataclass
class Loopback:
    base: str
    requests: int = 0
    statuses: Counter = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def call(self, method: str, path: str, token: Optional[str] = None, body: Any = None,
             raw: Optional[bytes] = None) -> tuple[int, Any]:
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        request = urllib.request.Request(self.base + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                status, text = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, text = error.code, error.read()
        with self.lock:
            self.requests += 1
            self.statuses[status] += 1
        return status, json.loads(text) if text else None


class BackgroundPump:
    """The streams delivered while requests are in flight, as Lambda would; a failing batch is
    retried on the next round (the pump keeps its checkpoint)."""

    def __init__(self, pump) -> None:
        self._pump, self._stop, self.errors = pump, threading.Event(), []
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self._pump.pump_once()
            except Exception as error:  # retried next round, as Lambda retries the batch
                self.errors.append(error)
            self._stop.wait(0.25)

    def __enter__(self) -> "BackgroundPump":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def pump_through_faults(stack) -> int:
    """Deliver the streams until quiet; a handler that raises is redelivered (Lambda's retry,
    bounded as infra/resources.py EVENT_SOURCES says). Returns how many deliveries failed;
    none may have been retried into the dead-letter queue."""
    failures, dead = stack.streams.failures, stack.streams.dead_lettered
    stack.streams.pump_until_quiet()
    assert stack.streams.dead_lettered == dead, "a faulty record was dead-lettered"
    return stack.streams.failures - failures


def unique_day() -> datetime:
    """A Cairo business day no other test pays on (so the finance report is ours alone)."""
    return datetime(2041, 5, 1, 9, 0, tzinfo=timezone.utc) + timedelta(days=uuid.uuid4().int % 4000)


# ------------------------------------------------------------------------------------ 1. load

def test_concurrent_citizens_pay_twice_each_with_duplicated_callbacks_nothing_lost_or_doubled(
        stack, gateways, api_server, monkeypatch):
    """GIVEN 10 citizens on loopback HTTP, paying by Paymob on a day of their own
    WHEN they apply and pay concurrently, each callback is delivered 3 times at once alongside a
    failed attempt, a void arrives after success, the officer approves, and the licence fee is
    paid the same way, with the streams pumped during the bursts
    THEN every application advanced once per stage and was issued once, every payment recorded
    exactly one paid event, and the finance report's totals are exactly what was due."""
    from chalicelib import wiring

    day = unique_day()
    monkeypatch.setattr(wiring, "clock", lambda: day)
    http = Loopback(api_server)
    secret = gateways.paymob_hmac_secret
    citizens = [stack.token("citizen", sub=f"load-{uuid.uuid4().hex[:8]}") for _ in range(CITIZENS)]
    officer = stack.token("officer", district="EAST")
    started_at = time.perf_counter()

    _, service = http.call("GET", f"/v1/services/{VALID['service_code']}")

    def apply(token: str) -> str:
        status, body = http.call("POST", "/v1/applications", token, VALID)
        assert status == 201, body
        for slot in service["required_documents"]:  # an officer approves nothing without them
            asked, answer = http.call("POST", f"/v1/applications/{body['id']}/documents", token,
                                      {"slot": slot["code"], "content_type": slot["accepted_types"][0]})
            assert asked == 201, answer
            post_to_store(answer["upload"], slot["accepted_types"][0])
        return body["id"]

    def checkout(token: str, app_id: str) -> dict:
        status, body = http.call("POST", f"/v1/applications/{app_id}/payments", token,
                                 {"gateway": "paymob"})
        assert status == 201, body
        return {**body, "gateway_reference": payment(body["payment_id"]).gateway_reference,
                "txn": txn_id()}

    def deliveries(started: dict) -> list[bytes]:
        success = paymob_callback(started, secret, started["txn"])
        failure = paymob_callback(started, secret, txn_id(), success=False)
        return [success] * DUPLICATES + [failure]

    def deliver(signed) -> tuple[int, Any]:
        hmac_hex, document = signed
        return http.call("POST", f"/v1/webhooks/paymob?hmac={hmac_hex}",
                         raw=json.dumps(document).encode())

    def pay_stage(pool, app_ids: list[str]) -> list[dict]:
        payments = list(pool.map(checkout, citizens, app_ids))
        burst = [signed for started in payments for signed in deliveries(started)]
        random.shuffle(burst)
        with BackgroundPump(stack.streams):
            answers = list(pool.map(deliver, burst))
        assert {status for status, _ in answers} == {200}, Counter(s for s, _ in answers)
        results = Counter(body["result"] for _, body in answers)
        # each success accepted once (the rest duplicates); each distinct failure accepted once
        assert results == {"accepted": 2 * CITIZENS, "duplicate": (DUPLICATES - 1) * CITIZENS}
        late_voids = [paymob_callback(p, secret, p["txn"], is_voided=True) for p in payments]
        assert {status for status, _ in pool.map(deliver, late_voids)} == {200}
        stack.streams.pump_until_quiet()
        return payments

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        app_ids = list(pool.map(apply, citizens))
        print(f"\n[load] applied {time.perf_counter() - started_at:.1f}")
        first = pay_stage(pool, app_ids)
        print(f"[load] first stage paid {time.perf_counter() - started_at:.1f}")
        decisions = list(pool.map(lambda a: http.call("POST", f"/v1/applications/{a}/decision",
                                                      officer, {"decision": "approve", "reason": ""}),
                                  app_ids))
        assert {status for status, _ in decisions} == {200}, decisions
        stack.streams.pump_until_quiet()
        print(f"[load] approved {time.perf_counter() - started_at:.1f}")
        second = pay_stage(pool, app_ids)
        stack.streams.pump_until_quiet()
        print(f"[load] licence fee paid, issued {time.perf_counter() - started_at:.1f}")
        report_day = payment(first[0]["payment_id"]).day
        status, report = http.call("GET", f"/v1/reports/finance?from={report_day}&to={report_day}",
                                   stack.token("admin"))
    elapsed = time.perf_counter() - started_at

    # THEN nothing lost: every application and every payment is there, each paid exactly once
    all_payments = first + second
    assert len({p["payment_id"] for p in all_payments}) == 2 * CITIZENS
    for started in all_payments:
        recorded = payment(started["payment_id"])
        assert recorded.status == "paid" and recorded.transaction_id == str(started["txn"])
        outcomes = Counter(event["outcome"] for event in recorded.events)
        assert outcomes["paid"] == 1 and len(recorded.events) == 3, recorded.events
        assert not recorded.flag_reason
    from chalicelib.wiring import application_store
    numbers = []
    for app_id in app_ids:
        app = application_store().get(app_id)
        actions = [entry.action for entry in app.timeline]
        assert actions.count("pay") == 2 and actions.count("issue") == 1, actions
        assert [entry.status for entry in app.timeline] == [
            "submitted", "paid", "under_review", "approved", "licence_paid", "issued"]
        assert all(line.paid_by for line in app.fees) and app.amount_due_piasters == 0
        numbers.append(app.licence_number)
    assert len(set(numbers)) == CITIZENS
    # AND the finance report counts each payment once: totals are exactly what was due
    assert status == 200, report
    due = sum(p["amount_piasters"] for p in all_payments)
    totals = report["totals"]
    assert totals["count"] == 2 * CITIZENS and totals["paid_piasters"] == due
    assert set(totals["by_status"]) == {"paid"}
    assert sum(totals["paid_by_fee"].values()) == due
    print(f"\nload: {CITIZENS} citizens, {http.requests} HTTP requests in {elapsed:.1f} s "
          f"({http.requests / elapsed:.1f} req/s), statuses {dict(http.statuses)}, "
          f"{2 * CITIZENS} payments, {due} piasters paid")


# ----------------------------------------------------------------------- 2. issuance faults

def test_s3_sqs_dynamo_and_sns_faults_during_issuance_lose_and_duplicate_nothing(
        stack, emulator, monkeypatch):
    """GIVEN five applications reaching licence_paid while S3 refuses three QR uploads, SQS one
    SMS task and DynamoDB the write that marks one application issued
    WHEN the applications stream is delivered, each failing batch redelivered
    THEN every application is issued once, with its own consecutive number, one licence per
    holder, and every licence's QR in S3
    AND WHEN SNS refuses the first SMS of three licences THEN the refusals are recorded on the
    licences and retried, and every holder receives exactly one SMS."""
    from chalicelib import wiring
    from chalicelib.adapters.dynamo_models import LicenceModel
    from chalicelib.domain.issuance import short_code
    from chalicelib.domain.notifications import Notification
    from chalicelib.usecases.outbox import deliver

    stack.streams.pump_until_quiet()  # only our records are in flight from here
    queue = RecordingQueue(wiring.sms_queue())
    monkeypatch.setattr(wiring, "sms_queue", lambda: queue)
    holders = [f"fault-{uuid.uuid4().hex[:8]}" for _ in range(5)]
    faults = BotoFaults()
    s3 = faults.fail("s3", "PutObject", "SlowDown", times=3, status=503)
    sqs = faults.fail("sqs", "SendMessage", "ServiceUnavailable", times=1, status=503)
    issued_write = faults.fail("dynamodb", "TransactWriteItems",
                               "ProvisionedThroughputExceededException", times=1,
                               when=mentions("LIC#", '"issued"'))
    app_ids = [apply_and_pay(stack, stack.token("citizen", sub=holder)) for holder in holders]
    faults.install(monkeypatch)

    # WHEN the stream is delivered through the faults
    failures = pump_through_faults(stack)

    # THEN every fault was hit and made a delivery fail (and be redelivered)
    assert (s3.injected, sqs.injected, issued_write.injected) == (3, 1, 1)
    assert failures == 5
    from chalicelib.wiring import application_store, file_store, licence_store
    numbers = []
    for app_id, holder in zip(app_ids, holders):
        app = application_store().get(app_id)
        assert app.status == "issued"
        assert [entry.action for entry in app.timeline].count("issue") == 1
        held = [model.number for model in LicenceModel.by_holder.query(holder)]
        assert held == [app.licence_number]
        licence = licence_store().get(app.licence_number, consistent=True)
        text, _ = decode_qr(file_store().get(licence.qr_key))
        assert text.endswith(f"/v/{licence.seal_token}")
        numbers.append(app.licence_number)
    sequences = sorted(int(number.rsplit("-", 1)[1]) for number in numbers)
    assert sequences == list(range(sequences[0], sequences[0] + len(numbers))), numbers
    # AND every licence has its SMS task queued (the redelivered one possibly twice)
    queued = Counter(task["licence"] for task, _ in queue.sent if task["attempt"] == 1)
    assert set(queued) == set(numbers)
    links = {number: f"/s/{short_code(licence_store().get(number, consistent=True).seal_token)}"
             for number in numbers}

    # WHEN SNS refuses the first message of three licences queued once
    refused = [number for number in numbers if queued[number] == 1][:3]
    already: set[str] = set()

    def first_time(params: dict) -> bool:
        hit = next((n for n in refused if links[n] in params.get("Message", "")), None)
        if hit is None or hit in already:
            return False
        already.add(hit)
        return True

    sns = faults.fail("sns", "Publish", "Throttling", times=len(refused), when=first_time)
    sms_pump(stack).pump_once()
    # THEN the refusals are recorded on the licences, and a retry is queued for each
    assert sns.injected == len(refused) == 3
    for number in refused:
        sms = licence_store().get(number, consistent=True).sms
        assert sms["state"] == "retrying" and "Throttling" in sms["last_error"], sms
    retries = [task for task, delay in queue.sent if task["attempt"] == 2 and delay == 60]
    assert sorted(task["licence"] for task in retries) == sorted(refused)
    # WHEN the retries are delivered a minute later THEN every licence says sent, and each
    # holder got ONE SMS
    later = wiring.clock() + timedelta(seconds=61)
    monkeypatch.setattr(wiring, "clock", lambda: later)
    for task in retries:
        assert deliver(Notification.from_message(task), wiring.outbox_ports()) == "sent"
    sent = Counter(number for message in emulator_sms(emulator.endpoint_url)
                   for number in numbers if links[number] in message["message"])
    assert sent == {number: 1 for number in numbers}
    for number in numbers:
        sms = licence_store().get(number, consistent=True).sms
        assert sms["state"] == "sent" and sms["attempts"] == (2 if number in refused else 1), sms
    print(f"\nissuance faults: {failures} failed deliveries redelivered, "
          f"{len(numbers)} licences {numbers[0]}..{numbers[-1]}, {len(refused)} SMS retried")


# ----------------------------------------------------------------------- 3. DynamoDB faults

@pytest.mark.parametrize("operation,code,reasons,recovered", [
    # absorbed inside the request: the exactly-once write is retried on a fresh read
    ("TransactWriteItems", "ProvisionedThroughputExceededException", None, True),
    ("TransactWriteItems", "TransactionCanceledException",
     [{"Code": "None"}, {"Code": "ConditionalCheckFailed"}], True),
    # the payment cannot even be read: the gateway is told to come back, nothing is recorded
    ("GetItem", "ProvisionedThroughputExceededException", None, False),
])
def test_a_dynamodb_fault_in_the_webhook_is_retryable_and_the_redelivery_counts_once(
        stack, citizen, gateways, monkeypatch, operation, code, reasons, recovered):
    """GIVEN a pending Paymob payment and DynamoDB refusing one call of the webhook's path
    WHEN the genuine callback is delivered, then delivered again
    THEN the first answer is 200 (recovered) or a retryable 503 (never a 500 and never a false
    'duplicate'), and in the end the payment is paid with exactly one event."""
    from chalicelib.adapters.dynamo_models import PaymentModel

    _, started = paid_setup(stack, citizen, gateways)
    signed = paymob_callback(started, gateways.paymob_hmac_secret, txn_id())
    faults = BotoFaults().install(monkeypatch)
    table = PaymentModel.Meta.table_name
    rule = faults.fail("dynamodb", operation, code, times=1, reasons=reasons,
                       when=mentions(table, started["payment_id"]))
    first = post_paymob(stack, *signed)
    assert rule.injected == 1
    if recovered:
        assert first.status_code == 200 and first.json["result"] == "accepted", first.body
    else:
        assert first.status_code == 503, first.body
        assert first.json["error"]["code"] == "temporarily_unavailable"
        assert first.headers.get("Retry-After")
        assert payment(started["payment_id"]).status == "pending"
    again = post_paymob(stack, *signed)
    assert again.status_code == 200
    assert again.json["result"] == ("duplicate" if recovered else "accepted")
    recorded = payment(started["payment_id"])
    assert recorded.status == "paid" and len(recorded.events) == 1
    stack.streams.pump_until_quiet()
