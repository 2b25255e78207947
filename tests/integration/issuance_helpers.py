"""Drive applications to `licence_paid` (as payments will) and pump the issuance machinery."""
from __future__ import annotations

import io
import json
import uuid
from datetime import datetime
from typing import Optional
from urllib.request import urlopen

from chalicelib.domain.applications import (APPROVED, LICENCE_PAID, SYSTEM, UNDER_REVIEW, Actor,
                                            advance_after_payment, after_paid, approve,
                                            transition)
from chalicelib.domain.catalogue import load_catalogue
from chalicelib.domain.fees import STAGE_APPROVAL, fee_lines
from chalicelib.ports import SmsNotifier
from tests.integration.test_applications_api import VALID



def drive_to_licence_paid(application_id: str, now: datetime):
    """Pay, review, approve and pay the licence fee, in one versioned write (what payments and
    the back office do step by step)."""
    from chalicelib.usecases.applications import audit_record
    from chalicelib.wiring import application_store

    store = application_store()
    app = store.get(application_id)
    approval = fee_lines(load_catalogue().service(app.service_code), app.details, STAGE_APPROVAL)
    moved = after_paid(advance_after_payment(app, f"pay-{uuid.uuid4().hex[:8]}", now), approval, now)
    if moved.status == UNDER_REVIEW:
        officer = Actor(sub="officer-it", role="officer", district=app.district)
        moved = approve(transition(moved, "approve", officer, now), approval, now)
    if moved.status == APPROVED:
        moved = advance_after_payment(moved, f"pay-{uuid.uuid4().hex[:8]}", now)
    assert moved.status == LICENCE_PAID, moved.status
    return store.save(moved, [audit_record(moved, app.status, SYSTEM)])


def apply_and_pay(stack, token: str, body: Optional[dict] = None,
                  now: Optional[datetime] = None) -> str:
    from chalicelib import wiring

    created = stack.call("POST", "/v1/applications", token, body or VALID)
    assert created.status_code == 201, created.body
    drive_to_licence_paid(created.json["id"], now or wiring.clock())
    return created.json["id"]


def issued_number(application_id: str) -> str:
    from chalicelib.wiring import application_store

    app = application_store().get(application_id)
    assert app.status == "issued", app.status
    return app.licence_number


def sms_pump(stack):
    from devstack.queues import QueuePump

    return QueuePump({"rukhsa-sms": stack.app.sms_sender}, stack.prefix)


def emulator_sms(endpoint_url: str) -> list[dict]:
    """Every SMS the emulator's SNS accepted: {"phone_number", "message", "message_id"}."""
    return json.loads(urlopen(f"{endpoint_url}/_devstack/sms", timeout=60).read())


def sms_about(endpoint_url: str, number: str) -> list[dict]:
    """The emulator's SMS about one licence: naming its number, or carrying its short link."""
    from chalicelib.domain.issuance import short_code
    from chalicelib.wiring import licence_store

    licence = licence_store().get(number, consistent=True)
    link = f"/s/{short_code(licence.seal_token)}" if licence.seal_token else number
    return [m for m in emulator_sms(endpoint_url) if number in m["message"] or link in m["message"]]


def decode_qr(png: bytes) -> tuple[str, int]:
    """(text, QR version) read by an independent decoder (zxing-cpp)."""
    import zxingcpp
    from PIL import Image

    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)),
                                   formats=zxingcpp.BarcodeFormat.QRCode)
    assert len(found) == 1, found
    return found[0].text, int(found[0].extra["Version"])


def fetch(url: str) -> bytes:
    with urlopen(url, timeout=10) as response:
        return response.read()


class RecordingQueue:
    """Wraps the real SMS queue and remembers what was sent, with its delay."""

    MAX_DELAY_SECONDS = 900

    def __init__(self, queue) -> None:
        self._queue, self.sent = queue, []

    def send(self, task, delay_seconds: int = 0) -> None:
        self.sent.append((dict(task), delay_seconds))
        self._queue.send(task, delay_seconds)


class Crashing:
    """Wraps a store: the first call of `method` dies, as a killed Lambda would."""

    def __init__(self, store, method: str) -> None:
        self._store, self._method, self.crashed = store, method, False

    def __getattr__(self, name: str):
        attribute = getattr(self._store, name)
        if name != self._method or self.crashed:
            return attribute

        def die(*args, **kwargs):
            self.crashed = True
            raise RuntimeError("killed half-way")
        return die


class NeverCalled(SmsNotifier):
    def send(self, phone_e164: str, text: str) -> str:
        raise AssertionError("the stream handler must not send SMS itself")


class FailingFor:
    """Wraps the application store: reading the named applications fails while `failing` is set
    (a fault only some records of a batch meet, as a poison record does)."""

    def __init__(self, store, *application_ids: str) -> None:
        self._store, self._ids, self.failing, self.calls = store, set(application_ids), True, 0

    def __getattr__(self, name: str):
        return getattr(self._store, name)

    def get(self, application_id: str, *args, **kwargs):
        if application_id in self._ids:
            self.calls += 1
            if self.failing:
                raise RuntimeError(f"poison: {application_id}")
        return self._store.get(application_id, *args, **kwargs)
