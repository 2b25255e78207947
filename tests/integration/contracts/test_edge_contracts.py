"""Contracts of the edge ports: files, the seal signer, SMS, queues (fake and emulator), and the
QR, paper-copy and simulated-gateway ports (fake and the in-process adapter)."""
from __future__ import annotations

import json
from datetime import date, datetime, timezone

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from chalicelib.errors import NotFound
from chalicelib.domain.printing import PaperLicence
from chalicelib.ports import BadSignature, QrTooLarge, SmsDeliveryFailed
from tests.fakes import (FakeGateway, FakePaperRenderer, FakeQrRenderer, RecordingDelayQueue,
                         RecordingTaskQueue)
from tests.fakes.builders import unique
from tests.integration.contracts.conftest import EMULATOR, FAKE

ADAPTER = "adapter"


class TestFileStore:
    def test_a_stored_object_reads_back_and_a_missing_one_is_not_found(self, ports):
        key = f"contracts/{unique('file')}.png"
        ports.files.put(key, b"\x89PNG-bytes", "image/png")
        assert ports.files.get(key) == b"\x89PNG-bytes"
        assert key.split("/")[-1] in ports.files.presigned_get_url(key, 60)
        with pytest.raises(NotFound):
            ports.files.get(f"contracts/{unique('missing')}")

    def test_a_signed_upload_form_stores_nothing_until_a_file_is_put(self, ports):
        key = f"contracts/{unique('upload')}.pdf"
        ports.files.presigned_post(key, ("application/pdf",), 1024)
        assert ports.files.exists(key) is False  # the form alone: nothing received
        ports.files.put(key, b"%PDF-1.7", "application/pdf")
        assert ports.files.exists(key) is True

    def test_an_upload_form_pins_exactly_one_type(self, ports):
        form = ports.files.presigned_post("contracts/doc.pdf", ("application/pdf",), 1024)
        assert form["fields"]["Content-Type"] == "application/pdf" and form["url"]
        with pytest.raises(ValueError):
            ports.files.presigned_post("contracts/doc.pdf", ("application/pdf", "image/png"), 1024)


class TestSealSigner:
    def test_a_signature_verifies_with_the_signing_key_it_lists(self, ports):
        message = b"ALX-EAST-2026-000123|2027-02-28"
        raw = ports.signer.sign(message)
        public = ports.signer.public_keys()[ports.signer.key_id]
        assert len(raw) == 64
        der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
        public.verify(der, message, ec.ECDSA(hashes.SHA256()))  # raises if it does not verify


class TestSmsNotifier:
    def test_a_message_gets_an_id_and_a_malformed_number_is_refused(self, ports):
        assert ports.notifier.send("+201001234567", "رخصتك جاهزة / Your licence is ready")
        with pytest.raises(SmsDeliveryFailed):
            ports.notifier.send("not-a-number", "x")


@pytest.fixture(params=[FAKE, EMULATOR])
def queues(request):
    """(task queue, delay queue, read_back) on one side; the emulator side gets queues of its
    own, so the SMS worker and the nightly job never see these tasks."""
    if request.param == FAKE:
        task_queue, delay_queue = RecordingTaskQueue(), RecordingDelayQueue()

        def drain():
            taken, task_queue.messages = task_queue.messages, []
            return taken + delay_queue.take()

        return task_queue, delay_queue, drain
    request.getfixturevalue("stack")
    import boto3

    from chalicelib.adapters.sqs_queue import SqsDelayQueue, SqsTaskQueue

    sqs = boto3.client("sqs", region_name="eu-central-1")
    url = sqs.create_queue(QueueName=unique("contracts"))["QueueUrl"]

    def read_back():
        got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1)
        return [json.loads(m["Body"]) for m in got.get("Messages", [])]

    return SqsTaskQueue(sqs, url), SqsDelayQueue(sqs, url), read_back


class TestQueues:
    def test_tasks_arrive_as_the_json_they_were_sent_as(self, queues):
        task_queue, delay_queue, read_back = queues
        tasks = [{"kind": "expire", "part": f"D{n}", "business_date": "2026-03-01"} for n in range(12)]
        assert task_queue.send_all(tasks) == 12
        delay_queue.send({"number": "ALX-EAST-2026-000001", "attempt": 2}, delay_seconds=0)
        received = []
        for _ in range(10):
            received += read_back()
            if len(received) >= 13:
                break
        as_text = lambda items: sorted(json.dumps(item, sort_keys=True) for item in items)  # noqa: E731
        assert as_text(received) == as_text([*tasks, {"number": "ALX-EAST-2026-000001",
                                                      "attempt": 2}])


@pytest.fixture(params=[FAKE, ADAPTER])
def qr(request):
    from chalicelib.adapters.qr_png import PngQrRenderer

    return FakeQrRenderer() if request.param == FAKE else PngQrRenderer()


class TestQrRenderer:
    def test_a_verify_url_becomes_a_png_and_an_oversize_one_is_refused(self, qr):
        image = qr.render("https://verify.example.eg/v/" + "A" * 90)
        assert image.png.startswith(b"\x89PNG\r\n\x1a\n") and image.version >= 1
        with pytest.raises(QrTooLarge):
            qr.render("https://verify.example.eg/" + "x" * 400)


@pytest.fixture(params=[FAKE, ADAPTER])
def paper(request):
    from chalicelib.adapters.paper_pdf import FpdfPaperCopyRenderer

    return FakePaperRenderer() if request.param == FAKE else FpdfPaperCopyRenderer()


PAPER = PaperLicence(number="ALX-EAST-2026-000123", kind_ar="محل", kind_en="Shop",
                     district_ar="شرق", district_en="East", holder_name="محمد أحمد علي",
                     holder_national_id_masked="2900********34", site_address="12 شارع فؤاد",
                     lat=31.2089, lng=29.9092, valid_from=date(2026, 3, 1),
                     valid_until=date(2027, 2, 28), status="active",
                     issued_at=datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc),
                     verify_url="https://verify.example.eg/v/TOKEN")


class TestPaperCopyRenderer:
    def test_a_licence_and_its_qr_become_a_pdf_and_anything_but_a_png_is_refused(self, paper):
        from chalicelib.adapters.qr_png import render_qr_png

        pdf = paper.render(PAPER, render_qr_png(PAPER.verify_url).png)
        assert pdf.startswith(b"%PDF")
        with pytest.raises(ValueError):
            paper.render(PAPER, b"GIF89a")


@pytest.fixture(params=[FAKE, ADAPTER])
def gateway(request):
    from chalicelib.adapters.gateways.sandbox import SandboxGateway

    if request.param == FAKE:
        return FakeGateway(secret="contract-secret")
    return SandboxGateway(secret="contract-secret", public_base_url="https://api.example.eg")


class TestSimulatedGateway:
    def test_its_own_callback_verifies_and_names_the_checkout(self, gateway):
        # GIVEN a checkout WHEN the gateway produces the callback of a successful payment
        checkout = gateway.create_checkout("PAY-CONTRACT1", 15_050, "fees", "+201012345678")
        # (a Paymob-shaped transaction id: a canonical integer, as the adapter requires)
        query, body = gateway.simulated_callback("PAY-CONTRACT1", 15_050, True, "700001")
        event = gateway.parse_webhook({"Content-Type": "application/json"}, query, body)
        # THEN the webhook reads it back as that payment's event, tied to the checkout's order
        assert (event.gateway, event.merchant_reference, event.amount_piasters, event.currency,
                event.success, event.transaction_id) == (gateway.name, "PAY-CONTRACT1", 15_050,
                                                         "EGP", True, "700001")
        assert str(event.raw["gateway_order_reference"]) == checkout.gateway_reference
        assert checkout.checkout_url.startswith("https://")

    def test_a_tampered_callback_is_refused(self, gateway):
        query, body = gateway.simulated_callback("PAY-CONTRACT2", 100, False, "700002")
        with pytest.raises(BadSignature):
            gateway.parse_webhook({}, query, body.replace(b"100", b"999"))

    def test_it_cannot_say_what_became_of_a_payment_it_keeps_no_ledger_of(self, gateway):
        status = gateway.query_status("PAY-CONTRACT3")
        assert (status.merchant_reference, status.state) == ("PAY-CONTRACT3", "unknown")

    def test_its_pages_name_the_reference_and_the_outcome(self, gateway):
        assert "PAY-CONTRACT4" in gateway.checkout_page("PAY-CONTRACT4", 100, "fees")
        assert 'data-outcome="pay"' in gateway.result_page("PAY-CONTRACT4", "pay", "paid") \
            .replace("'", '"')
