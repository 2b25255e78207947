"""Small ports the domain and services depend on; adapters implement them."""
from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import datetime
from typing import Mapping, Optional

from cryptography.hazmat.primitives.asymmetric.ec import EllipticCurvePublicKey


class SealSigner(ABC):
    """Signs licence seals with an ECDSA P-256 key whose private half never leaves the signer."""

    @property
    @abstractmethod
    def key_id(self) -> str:
        """The compact key id (kid) of the key that signs new seals."""

    @abstractmethod
    def sign(self, message: bytes) -> bytes:
        """Return the raw 64-byte r||s ECDSA-SHA256 signature over `message`."""

    @abstractmethod
    def public_keys(self) -> Mapping[str, EllipticCurvePublicKey]:
        """Every key that may verify a seal, by kid (old keys stay valid after rotation)."""


class FileStore(ABC):
    """Private object storage; clients only ever get short-lived presigned URLs."""

    @abstractmethod
    def put(self, key: str, body: bytes, content_type: str) -> None: ...

    @abstractmethod
    def get(self, key: str) -> bytes: ...

    @abstractmethod
    def presigned_get_url(self, key: str, expires_in_seconds: int = 900) -> str: ...

    @abstractmethod
    def presigned_post(self, key: str, content_types: tuple[str, ...], max_bytes: int,
                       expires_in_seconds: int = 900) -> dict: ...


class SmsNotifier(ABC):
    """Sends transactional SMS. Raises SmsDeliveryFailed when the provider refuses."""

    @abstractmethod
    def send(self, phone_e164: str, text: str) -> str:
        """Send and return the provider's message id."""


class SmsDeliveryFailed(Exception):
    pass


@dataclass(frozen=True)
class Checkout:
    checkout_url: str
    gateway_reference: str = ""


@dataclass(frozen=True)
class GatewayEvent:
    """A payment gateway's callback, verified and normalised."""

    gateway: str
    transaction_id: str
    merchant_reference: str
    amount_piasters: int
    currency: str
    success: bool
    pending: bool
    occurred_at: Optional[datetime] = None
    raw: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class GatewayStatus:
    merchant_reference: str
    state: str  # "paid" | "failed" | "pending" | "unknown"
    transaction_id: str = ""
    amount_piasters: int = 0


class BadSignature(Exception):
    """A webhook whose signature does not verify."""


class PaymentGateway(ABC):
    name: str

    @abstractmethod
    def create_checkout(self, merchant_reference: str, amount_piasters: int,
                        description: str, customer_mobile: str) -> Checkout: ...

    @abstractmethod
    def parse_webhook(self, headers: Mapping[str, str], query: Mapping[str, str],
                      body: bytes) -> GatewayEvent:
        """Verify the gateway's signature and normalise; raise BadSignature if it fails."""

    @abstractmethod
    def query_status(self, merchant_reference: str) -> GatewayStatus: ...


@dataclass(frozen=True)
class Page:
    items: list
    next_cursor: Optional[str] = None


class ApplicationStore(ABC):
    """Applications and their append-only audit records, written together."""

    @abstractmethod
    def get(self, application_id: str) -> "object":
        """Return the Application or raise NotFound."""

    @abstractmethod
    def create(self, application: "object") -> None: ...

    @abstractmethod
    def save(self, application: "object", audit: "list[dict]") -> "object":
        """Write a changed application if nobody changed it since it was read (else
        ConcurrentUpdate), together with its audit records; return it with its new version."""

    @abstractmethod
    def list_by_owner(self, owner: str, status: Optional[str], limit: int,
                      cursor: Optional[str]) -> Page: ...

    @abstractmethod
    def list_queue(self, district: str, status: str, limit: int, cursor: Optional[str]) -> Page: ...


class OnceStore(ABC):
    """Keys of things that must happen exactly once, by conditional writes.

    Two kinds: a *decision* (a fine's amount: the first writer's value wins and every rerun
    reads it back), and a *leased claim* (an SMS: claimed, then completed; a claim whose
    lease lapsed without completion — the sender died — may be claimed again)."""

    @abstractmethod
    def decide(self, key: str, value: Mapping[str, object], now: datetime) -> Mapping[str, object]:
        """Record `value` under `key` unless a value is there; return the recorded value."""

    @abstractmethod
    def claim(self, key: str, now: datetime, lease_seconds: int) -> bool:
        """True if this caller now holds `key` (new, or an uncompleted claim whose lease lapsed)."""

    @abstractmethod
    def complete(self, key: str, data: Mapping[str, object]) -> None:
        """Mark a held claim done for good."""

    @abstractmethod
    def release(self, key: str) -> None:
        """Give a held claim back at once (the work failed cleanly and may be retried)."""

    @abstractmethod
    def point(self, key: str, ref: str, now: datetime, replacing: Optional[str] = None) -> bool:
        """Make `key` point at `ref` if it points at nothing (or at `replacing`); True on success."""

    @abstractmethod
    def ref(self, key: str) -> Optional[str]:
        """What `key` points at, if anything."""


class TaskQueue(ABC):
    """A work queue (SQS in AWS) carrying small JSON tasks to workers."""

    @abstractmethod
    def send_all(self, tasks: "list[Mapping[str, object]]") -> int:
        """Enqueue every task; return how many were sent."""


class DelayQueue(ABC):
    """A queue whose messages may wait before they are delivered (SQS DelaySeconds): retries
    with backoff ride on it."""

    @abstractmethod
    def send(self, task: Mapping[str, object], delay_seconds: int = 0) -> None:
        """Enqueue one task, delivered no sooner than `delay_seconds` from now (≤ 900)."""


class PaymentStore(ABC):
    """Payments (chalicelib/domain/payments.py). Gateway events are recorded exactly once."""

    @abstractmethod
    def create(self, payment: "object") -> "object":
        """Store a new payment (its id must be new)."""

    @abstractmethod
    def get(self, payment_id: str) -> "object":
        """Return the Payment (strongly consistent) or raise NotFound."""

    @abstractmethod
    def record_event(self, payment: "object", event_key: str) -> bool:
        """Write `payment` (changed by one gateway event) together with the event's key, in one
        transaction: False (nothing written) if the key was recorded before; ConcurrentUpdate if
        the payment changed since it was read."""

    @abstractmethod
    def record_refund(self, payment: "object", audit: dict) -> None:
        """Write `payment` (a refund recorded on it) and the application's audit record in one
        transaction; ConcurrentUpdate if the payment changed since it was read."""

    @abstractmethod
    def mark(self, payment_id: str, flag_reason: str, at: str) -> None:
        """Set a paid payment's flag reason (paid for something no longer due) without
        changing its status."""

    @abstractmethod
    def list_by_application(self, application_id: str) -> "list":
        """The application's payments, newest first."""

    @abstractmethod
    def list_by_day(self, day: str, district: Optional[str] = None) -> "list":
        """Payments counted on a Cairo day (optionally of one district)."""

    @abstractmethod
    def list_pending(self, created_before: str, limit: int) -> "list":
        """Payments still pending that were created before the ISO time, oldest first."""
