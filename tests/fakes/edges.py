"""In-memory fakes of the edge ports: files, QR and paper rendering, SMS, queues, a gateway.

Each keeps its adapter's contract (tests/integration/contracts/): a missing file is NotFound, a
presigned POST pins exactly one type, an oversize QR is QrTooLarge, the paper copy wants a PNG,
a malformed number is refused as SmsDeliveryFailed, a tampered callback is BadSignature.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import re
import urllib.parse
from datetime import datetime, timedelta
from typing import Callable, Mapping, Optional

from chalicelib.errors import NotFound, ServiceUnavailable
from chalicelib.domain.gateway_messages import Checkout, GatewayEvent, GatewayStatus
from chalicelib.domain.printing import PaperLicence, QrImage
from chalicelib.ports import (BadSignature, DelayQueue, FileStore, PaperCopyRenderer, QrRenderer,
                              QrTooLarge, SimulatedGateway, SmsDeliveryFailed, SmsNotifier,
                              TaskQueue)
from tests.unit.seal_fakes import LocalSealSigner

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
E164 = re.compile(r"^\+[1-9]\d{7,14}$")

__all__ = ["LocalSealSigner", "MemoryFileStore", "FakeQrRenderer", "FakePaperRenderer",
           "RecordingNotifier", "RecordingTaskQueue", "RecordingDelayQueue", "FakeGateway"]


class MemoryFileStore(FileStore):
    def __init__(self) -> None:
        self.objects: dict[str, tuple[bytes, str]] = {}

    def put(self, key: str, body: bytes, content_type: str) -> None:
        self.objects[key] = (bytes(body), content_type)

    def get(self, key: str) -> bytes:
        if key not in self.objects:
            raise NotFound(message_en="file not found", message_ar="الملف غير موجود",
                           code="file_not_found")
        return self.objects[key][0]

    def exists(self, key: str) -> bool:
        return key in self.objects

    def presigned_get_url(self, key: str, expires_in_seconds: int = 900) -> str:
        return f"memory://files/{urllib.parse.quote(key)}?expires={expires_in_seconds}"

    def presigned_post(self, key: str, content_types: tuple[str, ...], max_bytes: int,
                       expires_in_seconds: int = 900) -> dict:
        if len(content_types) != 1:
            raise ValueError("a presigned POST pins exactly one content type")
        return {"url": "memory://files", "fields": {"key": key, "Content-Type": content_types[0],
                                                    "max_bytes": str(max_bytes)}}


class FakeQrRenderer(QrRenderer):
    """Not a scannable code: the PNG signature followed by the URL, so tests can read it."""

    MAX_URL_CHARS = 300  # about where a version 10 code at level M runs out

    def __init__(self) -> None:
        self.drawn: list[str] = []

    def render(self, url: str) -> QrImage:
        if len(url) > self.MAX_URL_CHARS:
            raise QrTooLarge(f"url of {len(url)} characters")
        self.drawn.append(url)
        return QrImage(png=PNG_SIGNATURE + url.encode("utf-8"), version=1)


class FakePaperRenderer(PaperCopyRenderer):
    """A 'PDF' that names the licence: enough to see what was rendered, from what."""

    def __init__(self) -> None:
        self.rendered: list[PaperLicence] = []

    def render(self, licence: PaperLicence, qr_png: bytes) -> bytes:
        if not qr_png.startswith(PNG_SIGNATURE):
            raise ValueError("qr_png must be a PNG image")
        self.rendered.append(licence)
        return b"%PDF-1.4 fake " + licence.number.encode("utf-8")


class RecordingNotifier(SmsNotifier):
    """Records what it sends; refuses the first `refuse` sends, and any malformed number."""

    def __init__(self, refuse: int = 0) -> None:
        self.sent: list[tuple[str, str]] = []
        self.refuse = refuse

    def send(self, phone_e164: str, text: str) -> str:
        if not E164.match(phone_e164 or ""):
            raise SmsDeliveryFailed("invalid phone number")
        if self.refuse:
            self.refuse -= 1
            raise SmsDeliveryFailed("provider said no")
        self.sent.append((phone_e164, text))
        return f"msg-{len(self.sent)}"

    def about(self, number: str) -> list[str]:
        return [text for _, text in self.sent if number in text]


class RecordingTaskQueue(TaskQueue):
    def __init__(self) -> None:
        self.messages: list[dict] = []

    def send_all(self, tasks: list[Mapping[str, object]]) -> int:
        # As SQS carries them: JSON text, so a task that is not JSON fails here too.
        self.messages.extend(json.loads(json.dumps(task, sort_keys=True)) for task in tasks)
        return len(tasks)


class RecordingDelayQueue(DelayQueue):
    """Keeps what is sent with its delay; with a `clock`, also when each message becomes
    visible, so `visible()` hands out what SQS would deliver at the clock's time."""

    MAX_DELAY_SECONDS = 900

    def __init__(self, clock: Optional[Callable[[], datetime]] = None) -> None:
        self.messages: list[tuple[dict, int]] = []
        self.clock = clock
        self._visible_at: list[Optional[datetime]] = []
        self.refusing = False  # True: SQS throttles or is down (adapters/sqs_queue.py)

    def send(self, task: Mapping[str, object], delay_seconds: int = 0) -> None:
        if self.refusing:
            raise ServiceUnavailable()
        delay = max(0, min(int(delay_seconds), self.MAX_DELAY_SECONDS))
        self.messages.append((json.loads(json.dumps(task, sort_keys=True)), delay))
        self._visible_at.append(self.clock() + timedelta(seconds=delay) if self.clock else None)

    def take(self) -> list[dict]:
        """Every queued task, as a worker would receive them; the queue is then empty."""
        taken, self.messages, self._visible_at = [task for task, _ in self.messages], [], []
        return taken

    def visible(self) -> list[dict]:
        """The tasks whose delay has passed on the clock (taken off the queue); the rest stay."""
        now = self.clock()
        ready = [i for i, at in enumerate(self._visible_at) if at is None or at <= now]
        taken = [self.messages[i][0] for i in ready]
        keep = [i for i in range(len(self.messages)) if i not in ready]
        self.messages = [self.messages[i] for i in keep]
        self._visible_at = [self._visible_at[i] for i in keep]
        return taken


class FakeGateway(SimulatedGateway):
    """A gateway in memory: callbacks are JSON signed with HMAC-SHA256 over the body."""

    def __init__(self, secret: str = "fake-secret", name: str = "sandbox") -> None:
        self.name = name
        self._secret = secret.encode("utf-8")
        self.checkouts: list[tuple[str, int]] = []
        self.statuses: dict[str, GatewayStatus] = {}
        self.down = False  # True: the gateway cannot be reached, as the real adapters say (502)

    def create_checkout(self, merchant_reference: str, amount_piasters: int,
                        description: str, customer_mobile: str) -> Checkout:
        if self.down:
            from chalicelib.adapters.gateways._http import GatewayUnavailable

            raise GatewayUnavailable("the fake gateway is down")
        self.checkouts.append((merchant_reference, amount_piasters))
        return Checkout(checkout_url=f"https://pay.example/{merchant_reference}",
                        gateway_reference=f"order-{merchant_reference}")

    def parse_webhook(self, headers: Mapping[str, str], query: Mapping[str, str],
                      body: bytes) -> GatewayEvent:
        expected = hmac.new(self._secret, body, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(str(query.get("signature", "")), expected):
            raise BadSignature("signature does not verify")
        data = json.loads(body)
        return GatewayEvent(gateway=self.name, transaction_id=data["transaction_id"],
                            merchant_reference=data["reference"],
                            amount_piasters=data["amount_piasters"], currency=data["currency"],
                            success=data["success"], pending=False,
                            raw={"gateway_order_reference": f"order-{data['reference']}"})

    def query_status(self, merchant_reference: str) -> GatewayStatus:
        return self.statuses.get(merchant_reference,
                                 GatewayStatus(merchant_reference=merchant_reference,
                                               state="unknown"))

    def simulated_callback(self, merchant_reference: str, amount_piasters: int, success: bool,
                           transaction_id: str) -> tuple[dict[str, str], bytes]:
        body = json.dumps({"reference": merchant_reference, "amount_piasters": amount_piasters,
                           "currency": "EGP", "success": success,
                           "transaction_id": transaction_id}).encode("utf-8")
        return {"signature": hmac.new(self._secret, body, hashlib.sha256).hexdigest()}, body

    def checkout_page(self, merchant_reference: str, amount_piasters: int,
                      description: str) -> str:
        return f"<form data-reference='{merchant_reference}'>{amount_piasters}</form>"

    def result_page(self, merchant_reference: str, outcome: str, payment_status: str) -> str:
        return f"<main data-outcome='{outcome}'>{payment_status}</main>"


class OutageNotifier(SmsNotifier):
    """Fault injection: refuses every message while the clock is in [down_from, down_until),
    as a provider outage would; otherwise hands the message to `inner` (the real adapter in the
    emulator tests). Counts what it refused and records who was sent what when."""

    def __init__(self, inner: SmsNotifier, clock: Callable[[], datetime], down_from: datetime,
                 down_until: datetime) -> None:
        self.inner, self.clock = inner, clock
        self.down_from, self.down_until = down_from, down_until
        self.refused = 0
        self.delivered: list[tuple[str, datetime]] = []

    def send(self, phone_e164: str, text: str) -> str:
        if self.down_from <= self.clock() < self.down_until:
            self.refused += 1
            raise SmsDeliveryFailed("provider unavailable (injected outage)")
        message_id = self.inner.send(phone_e164, text)
        self.delivered.append((phone_e164, self.clock()))
        return message_id
