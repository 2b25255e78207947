"""In-memory fakes of every port in chalicelib/ports.py, and one `World` that wires them.

Use cases run against these in milliseconds (tests/unit/test_usecases_*.py); the contract tests
(tests/integration/contracts/) run the same assertions against each fake and its adapter.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Callable

from chalicelib.domain.rate_limits import Limit
from chalicelib.usecases.bounds import APPLICATION, PAPER_COPY, PAYMENT_ATTEMPT, SMS_RESEND, Bounds
from tests.fakes.edges import (FakeGateway, FakePaperRenderer, FakeQrRenderer, LocalSealSigner,
                               MemoryFileStore, RecordingDelayQueue, RecordingNotifier,
                               RecordingTaskQueue)
from tests.fakes.stores import (FakeApplicationStore, FakeAuditTrail, FakeLicenceStore,
                                FakeOnceStore, FakePaymentStore, FakePointerStore,
                                FakeRateLimiter, FakeReportStore, FakeRolloutAdmin, FakeRolloutStore,
                                FakeViolationStore, FakeWorkLists, Tables)

VERIFY_BASE_URL = "https://verify.example.eg"


class Clock:
    """A clock tests move by hand."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@dataclass
class World:
    """Every port's fake, the stores sharing one set of tables as the adapters share DynamoDB."""

    clock: Clock = field(default_factory=lambda: Clock(datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)))
    tables: Tables = field(default_factory=Tables)
    files: MemoryFileStore = field(default_factory=MemoryFileStore)
    signer: LocalSealSigner = field(default_factory=LocalSealSigner)
    qr: FakeQrRenderer = field(default_factory=FakeQrRenderer)
    paper: FakePaperRenderer = field(default_factory=FakePaperRenderer)
    notifier: RecordingNotifier = field(default_factory=RecordingNotifier)
    sms_queue: RecordingDelayQueue = field(default_factory=RecordingDelayQueue)
    nightly_queue: RecordingTaskQueue = field(default_factory=RecordingTaskQueue)
    gateway: FakeGateway = field(default_factory=FakeGateway)

    def __post_init__(self) -> None:
        self.applications = FakeApplicationStore(self.tables)
        self.licences = FakeLicenceStore(self.tables)
        self.payments = FakePaymentStore(self.tables)
        self.once = FakeOnceStore(self.tables)
        self.pointers = FakePointerStore(self.tables)
        self.rate_limiter = FakeRateLimiter(self.tables)
        self.audit = FakeAuditTrail(self.tables)
        self.rollout = FakeRolloutStore(self.tables)
        self.rollout_admin = FakeRolloutAdmin(self.tables)
        self.reports = FakeReportStore(self.tables)
        self.work_lists = FakeWorkLists(self.tables)
        self.violations = FakeViolationStore(self.tables)
        self.sms_queue.clock = self.clock
        self.notifications = self.outbox()

    def outbox(self, quiet_hours: str = "21:00-09:00"):
        """The Notifications port as wiring builds it, queueing on `sms_queue`."""
        from chalicelib.domain.notifications import QuietHours
        from chalicelib.usecases.outbox import Outbox

        return Outbox(self.sms_queue, self.clock, QuietHours.parse(quiet_hours))

    def outbox_ports(self, quiet_hours: str = "21:00-09:00"):
        from chalicelib.domain.notifications import QuietHours
        from chalicelib.usecases.outbox import OutboxPorts

        return OutboxPorts(queue=self.sms_queue, once=self.once, notifier=self.notifier,
                           licences=self.licences, clock=self.clock,
                           quiet=QuietHours.parse(quiet_hours))

    def run_outbox(self, until: datetime, step: timedelta = timedelta(minutes=1),
                   quiet_hours: str = "21:00-09:00") -> dict[str, int]:
        """The outbox's worker on this world's clock: every `step` until `until`, deliver each
        message SQS would hand out then (its delay passed). Returns the outcomes counted."""
        from chalicelib.domain.notifications import Notification
        from chalicelib.usecases.outbox import deliver

        outcomes: dict[str, int] = {}
        ports = self.outbox_ports(quiet_hours)
        while True:
            for message in self.sms_queue.visible():
                outcome = deliver(Notification.from_message(message), ports)
                outcomes[outcome] = outcomes.get(outcome, 0) + 1
            if self.clock.now >= until:
                return outcomes
            self.clock.now = min(until, self.clock.now + step)

    def bounds(self, per_hour: int = 10, resend_seconds: int = 600) -> Bounds:
        """Per-caller bounds over this world's rate limiter (the settings' defaults)."""
        hour = 3600
        return Bounds(self.rate_limiter, {
            APPLICATION: Limit(per_hour, hour), PAYMENT_ATTEMPT: Limit(per_hour, hour),
            PAPER_COPY: Limit(per_hour, hour), SMS_RESEND: Limit(1, resend_seconds)})

    def gateways(self) -> Callable[[str], FakeGateway]:
        """The factory the payment use cases take: only this world's gateway is configured."""
        from chalicelib.errors import NotFound

        def pick(name: str) -> FakeGateway:
            if name != self.gateway.name:
                raise NotFound(code="gateway_not_found", message_en="no such gateway",
                               message_ar="بوابة الدفع هذه غير متاحة")
            return self.gateway
        return pick


__all__ = ["Clock", "World", "Tables", "VERIFY_BASE_URL", "FakeApplicationStore",
           "FakeAuditTrail", "FakeLicenceStore", "FakeOnceStore", "FakePaymentStore",
           "FakePointerStore", "FakeRateLimiter", "FakeReportStore", "FakeRolloutAdmin", "FakeRolloutStore",
           "FakeWorkLists", "FakeGateway", "FakePaperRenderer", "FakeQrRenderer",
           "LocalSealSigner", "MemoryFileStore", "RecordingDelayQueue", "RecordingNotifier",
           "RecordingTaskQueue"]
