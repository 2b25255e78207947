"""Test doubles for the nightly job: a licence store that dies, and the outbox delivering at
once into a recording notifier (tests/fakes' one)."""
from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta, timezone
from typing import Optional

from chalicelib.domain.catalogue import load_catalogue
from chalicelib.domain.licences import ACTIVE, Licence
from chalicelib.ports import Notifications
from tests.fakes.edges import RecordingDelayQueue, RecordingNotifier


class DeliveredAtOnce(Notifications):
    """The real outbox (its claims in the emulator's once table) with quiet hours off, whose
    queue is handed to the worker at once: the nightly tests count messages, not hours
    (tests/unit/test_outbox.py and tests/integration/test_notifications.py keep the time)."""

    def __init__(self, notifier: RecordingNotifier, clock) -> None:
        from chalicelib.domain.notifications import QuietHours
        from chalicelib.usecases.outbox import Outbox, OutboxPorts
        from chalicelib.wiring import licence_store, once_store

        self.queue = RecordingDelayQueue()
        self._outbox = Outbox(self.queue, clock, QuietHours.parse("off"))
        self._ports = OutboxPorts(queue=self.queue, once=once_store(), notifier=notifier,
                                  licences=licence_store(), clock=clock,
                                  quiet=QuietHours.parse("off"))

    def notify(self, key, channel, recipient, template, values, licence="") -> bool:
        from chalicelib.domain.notifications import Notification
        from chalicelib.usecases.outbox import deliver

        queued = self._outbox.notify(key, channel, recipient, template, values, licence)
        for message in self.queue.take():
            deliver(Notification.from_message(message), self._ports)
        return queued

ADVERT_DETAILS = {"sign_type": "wall", "sign_width_m": 3, "sign_height_m": 1.5, "faces": 1}


class CrashBeforeLicenceWrite:
    """Wraps the licence store: the first write that adds fines to `numbers` dies, as a killed
    Lambda would, after the once-markers and before the licence write."""

    def __init__(self, store, numbers: set[str]) -> None:
        self._store, self._numbers, self.crashed = store, numbers, False

    def get(self, number: str, consistent: bool = False) -> Licence:
        return self._store.get(number, consistent)

    def save(self, licence: Licence) -> Licence:
        if not self.crashed and licence.number in self._numbers and licence.fines:
            self.crashed = True
            raise RuntimeError("killed half-way")
        return self._store.save(licence)


def unique_night() -> date:
    """A business date no other test uses: the session shares one set of tables."""
    return date(2060, 1, 1) + timedelta(days=uuid.uuid4().int % 20000)


def make_licence(holder: str, valid_until: date, status: str = ACTIVE, kind: str = "advertisement",
                 district: str = "EAST", number: Optional[str] = None, **kw) -> Licence:
    # Nine digits with no leading zero: the canonical form `licence_number` writes.
    number = number or f"ALX-{district}-{valid_until.year}-{10**8 + uuid.uuid4().int % (9 * 10**8)}"
    details = ADVERT_DETAILS if kind == "advertisement" else kw.pop("details", {})
    return Licence(number=number, application_id=f"app-{uuid.uuid4().hex[:8]}",
                   service_code=f"{kind}-first", kind=kind, district=district, holder=holder,
                   holder_name="محمد أحمد علي", holder_mobile="+201012345678",
                   holder_national_id="29001010201234",
                   site={"lat": 31.2089, "lng": 29.9092, "address": "12 شارع فؤاد، الإسكندرية"},
                   details=details, status=status,
                   valid_from=(valid_until - timedelta(days=364)).isoformat(),
                   valid_until=valid_until.isoformat(), issued_at="2026-01-01T10:00:00.000Z",
                   accrues_late_fines=accrues_late_fines(kind), **kw)


def accrues_late_fines(kind: str) -> bool:
    """What issuance records on a licence of this kind (the packaged catalogue's rule)."""
    return load_catalogue().late_fine(f"{kind}-first", kind) is not None


def at_night(business_date: date) -> datetime:
    """00:30 in Cairo in winter: 22:30 UTC the evening before."""
    return datetime(business_date.year, business_date.month, business_date.day, 22, 30,
                    tzinfo=timezone.utc) - timedelta(days=1)
