"""The ports: small ABCs over domain types that use cases depend on; adapters implement them.

Every adapter in chalicelib/adapters/ implements one of these, and only chalicelib/wiring.py
picks which. Each port's docstrings state its contract, including what it raises:
- `NotFound` (chalicelib/errors.py) when a thing asked for by its key does not exist;
- `ConcurrentUpdate` when a conditional write loses (the thing changed since it was read, or
  its key is taken);
- `ServiceUnavailable` when the store still refuses after the SDK's retries (throttling).
tests/fakes/ holds an in-memory fake of each; tests/integration/contracts/ runs one contract test
per port against the fake and against the adapter on the emulator. The values the ports carry
are domain types (chalicelib/domain/), imported here for annotations only: importing the ports,
which every Lambda does on its cold start, builds none of them.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Callable, Iterable, Mapping, Optional, Sequence

if TYPE_CHECKING:  # types only: importing the ports (every Lambda's cold start) builds no
    # domain type and loads no cryptography
    from cryptography.hazmat.primitives.asymmetric.ec import EllipticCurvePublicKey

    from chalicelib.domain.applications import Application
    from chalicelib.domain.audit import AuditRecord
    from chalicelib.domain.licences import Fine, Licence
    from chalicelib.domain.counter import DrawerClosing
    from chalicelib.domain.gateway_messages import Checkout, GatewayEvent, GatewayStatus
    from chalicelib.domain.payments import Payment
    from chalicelib.domain.printing import (PaperLicence, PrintableDrawer, PrintableReceipt,
                                            QrImage)
    from chalicelib.domain.rate_limits import Limit
    from chalicelib.domain.violations import Violation


@dataclass(frozen=True)
class Page:
    """One page of a listing; `next_cursor` is opaque and None on the last page."""

    items: list
    next_cursor: Optional[str] = None


# ------------------------------------------------------------------------------ applications

class ApplicationStore(ABC):
    """Applications, each change written together with its append-only audit records."""

    @abstractmethod
    def get(self, application_id: str, consistent: bool = True) -> Application:
        """The application; NotFound (code application_not_found) if there is none."""

    @abstractmethod
    def create(self, application: Application,
               audit: Sequence[AuditRecord] = ()) -> Application:
        """Store a new application with its audit records (`APP#<id>`); return it with its
        version. ConcurrentUpdate if its id is taken."""

    @abstractmethod
    def save(self, application: Application, audit: Sequence[AuditRecord]) -> Application:
        """Write a changed application if nobody changed it since it was read (its version),
        together with its audit records; return it with its new version. ConcurrentUpdate if
        it changed meanwhile."""

    @abstractmethod
    def list_by_owner(self, owner: str, status: Optional[str], limit: int,
                      cursor: Optional[str]) -> Page:
        """An owner's applications, newest first, optionally of one status."""

    @abstractmethod
    def list_queue(self, district: str, status: str, limit: int, cursor: Optional[str],
                   service: Optional[str] = None, created_before: Optional[str] = None) -> Page:
        """A district's applications in one status, oldest first (an officer's queue);
        optionally only one service's (`service`, a catalogue code) and only those created
        before an instant (`created_before`, UTC ISO as stored). A narrowed page may hold
        fewer than `limit` applications, even none, and still carry a cursor: the listing ends
        only when `next_cursor` is None."""


# ---------------------------------------------------------------------------------- licences

class LicenceReader(ABC):
    """Reads one licence by its number (the public verification page's only read)."""

    @abstractmethod
    def get(self, number: str) -> Licence:
        """The licence, possibly a moment stale; NotFound (code licence_not_found) if there is
        none; ServiceUnavailable if the store is throttling."""


class LicenceStore(LicenceReader):
    """Licences and their numbering; versioned writes."""

    @abstractmethod
    def get(self, number: str, consistent: bool = False) -> Licence:
        """The licence (strongly consistent if asked); NotFound (licence_not_found)."""

    @abstractmethod
    def create(self, licence: Licence) -> Licence:
        """Store a new licence; ConcurrentUpdate if its number is taken."""

    @abstractmethod
    def save(self, licence: Licence, audit: Sequence[AuditRecord] = ()) -> Licence:
        """Versioned write with its audit records (`LIC#<number>`) in the same transaction;
        return the licence with its new version. ConcurrentUpdate if it changed since read."""

    @abstractmethod
    def create_numbered(self, build: Callable[[str], Licence], district: str, year: int,
                        attempts: int = 5) -> Licence:
        """Allocate the district's next number for `year`, `build` the licence with it and
        create it. Numbers are unique, gaps are tolerated: a number already taken is skipped.
        ConcurrentUpdate after `attempts` taken numbers; whatever `build` raises propagates."""

    @abstractmethod
    def list_by_holder(self, holder: str, limit: int, cursor: Optional[str]) -> Page:
        """A holder's licences, by number."""

    @abstractmethod
    def list_by_district(self, district: str, limit: int, cursor: Optional[str]) -> Page:
        """A district's licences, by number."""


class WorkLists(ABC):
    """The nightly job's work lists, page by page."""

    @abstractmethod
    def ending_on(self, valid_until: str, number_prefix: str, limit: int,
                  cursor: Optional[str]) -> Page:
        """Licences whose term ends on a Cairo date (ISO), whose numbers start with the prefix."""

    @abstractmethod
    def accruing(self, shard: str, limit: int, cursor: Optional[str]) -> Page:
        """Late licences still accruing fines, in one shard (`Licence.accruing_shard`)."""

    @abstractmethod
    def sms_retrying(self, due_before: str, limit: int) -> list[Licence]:
        """Licences whose SMS is `retrying` and was due before the given time, oldest first."""


class ListedLicences(ABC):
    """The licences that are not simply active, shard by shard (the status list's source)."""

    @abstractmethod
    def listed(self, shard: str) -> Iterable[tuple[str, str, str]]:
        """Every (number, status, superseded_by) of one shard of the sparse by-status index."""


# ------------------------------------------------------------------------------ exactly once

class RateLimiter(ABC):
    """Sliding-window bounds per caller and action (chalicelib/domain/rate_limits.py), kept by
    conditional writes so that concurrent requests cannot both take the last use."""

    @abstractmethod
    def take(self, key: str, limit: "Limit", now: datetime) -> int:
        """Count one use of `key` if `limit` allows it and return 0; otherwise count nothing
        and return the seconds until one more use is allowed."""

    @abstractmethod
    def give_back(self, key: str, used_at: datetime) -> None:
        """Uncount the use of `key` taken at `used_at`: what it allowed did not happen."""


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
        """True if this caller now holds `key` (new, or an uncompleted claim whose lease lapsed);
        False if it is completed or another caller's lease still runs."""

    @abstractmethod
    def complete(self, key: str, data: Mapping[str, object]) -> None:
        """Mark a held claim done for good: it is never claimed again."""

    @abstractmethod
    def release(self, key: str) -> None:
        """Give a held, uncompleted claim back at once (the work failed cleanly and may be
        retried); a completed claim stays completed."""


class PointerStore(ABC):
    """Keys that point at one value, set by conditional writes: which licence number an
    application was given, which application holds a licence term's renewal, what a short
    link leads to. A pointer changes only from the value the writer expects."""

    @abstractmethod
    def point(self, key: str, ref: str, now: datetime, replacing: Optional[str] = None) -> bool:
        """Make `key` point at `ref` if it points at nothing (or at `replacing`); True on
        success, False if it points elsewhere."""

    @abstractmethod
    def ref(self, key: str) -> Optional[str]:
        """What `key` points at (strongly consistent); None if nothing."""


# ---------------------------------------------------------------------------------- payments

class PaymentStore(ABC):
    """Payments (chalicelib/domain/payments.py). Gateway events are recorded exactly once."""

    @abstractmethod
    def create(self, payment: Payment) -> Payment:
        """Store a new payment; ConcurrentUpdate if its id is taken."""

    @abstractmethod
    def get(self, payment_id: str) -> Payment:
        """The payment (strongly consistent); NotFound (code payment_not_found) if there is
        none; ServiceUnavailable if the store is throttling."""

    @abstractmethod
    def record_event(self, payment: Payment, event_key: str) -> bool:
        """Write `payment` (changed by one gateway event) together with the event's key, in one
        transaction: False (nothing written) if the key was recorded before; ConcurrentUpdate if
        the payment changed since it was read."""

    @abstractmethod
    def record_refund(self, payment: Payment, audit: AuditRecord) -> None:
        """Write `payment` (a refund recorded on it) and the application's audit record in one
        transaction; ConcurrentUpdate if the payment changed since it was read."""

    @abstractmethod
    def mark(self, payment_id: str, flag_reason: str, at: str) -> None:
        """Set a payment's flag reason (paid for something no longer due) without changing
        its status; setting the same reason again changes nothing."""

    @abstractmethod
    def list_by_application(self, application_id: str) -> list[Payment]:
        """The application's payments, newest first."""

    @abstractmethod
    def list_by_day(self, day: str, district: Optional[str] = None) -> list[Payment]:
        """Payments counted on a Cairo day (optionally of one district)."""

    @abstractmethod
    def mark_applied(self, payment_id: str, at: str) -> None:
        """The payment is settled on its application (it leaves the unapplied list)."""

    @abstractmethod
    def list_unapplied(self, paid_before: str, limit: int) -> list[Payment]:
        """Paid, unflagged payments not applied yet, paid before the given time, oldest first."""

    @abstractmethod
    def list_pending(self, created_before: str, limit: int) -> list[Payment]:
        """Payments still pending that were created before the ISO time, oldest first."""


class DrawerClosed(Exception):
    """The clerk's drawer for that day is closed: it takes no more counter payments."""


class CounterStore(ABC):
    """The counter's numbered receipts and cash drawers (chalicelib/domain/counter.py)."""

    @abstractmethod
    def create_numbered(self, payment: Payment, district: str, year: int) -> Payment:
        """Create a counter payment with the centre's next receipt number for `year`, in one
        transaction that also checks the clerk's drawer for the payment's day is open; numbers
        have no gaps. If the payment id exists already, nothing is written and the stored
        payment is returned. DrawerClosed if the drawer is closed; ConcurrentUpdate if another
        receipt took the number first (retry)."""

    @abstractmethod
    def close_drawer(self, closing: DrawerClosing) -> bool:
        """Record the drawer's closing once: False (nothing written) if it was closed before."""

    @abstractmethod
    def drawer(self, day: str, district: str, clerk: str) -> Optional[DrawerClosing]:
        """The drawer's closing for that day, or None while it is open."""

    @abstractmethod
    def closings(self, day: str, district: Optional[str] = None) -> list[DrawerClosing]:
        """Every drawer closed on a Cairo day (optionally of one district)."""


class BadSignature(Exception):
    """A webhook whose signature does not verify."""


class PaymentGateway(ABC):
    """One payment gateway (Paymob, Fawry, the sandbox). Transport failures and the gateway's
    refusals raise a RukhsaError answered as 502 (the caller may try again later)."""

    name: str

    @abstractmethod
    def create_checkout(self, merchant_reference: str, amount_piasters: int,
                        description: str, customer_mobile: str) -> Checkout:
        """Open a checkout for the amount; the citizen pays at `checkout_url`."""

    @abstractmethod
    def parse_webhook(self, headers: Mapping[str, str], query: Mapping[str, str],
                      body: bytes) -> GatewayEvent:
        """Verify the gateway's signature and normalise; BadSignature if it does not verify."""

    @abstractmethod
    def query_status(self, merchant_reference: str) -> GatewayStatus:
        """Ask the gateway what became of a reference (state "unknown" if it cannot say)."""

    def transaction_status(self, merchant_reference: str, transaction_id: str) -> GatewayStatus:
        """The gateway's own word (its inquiry API) on one transaction of this payment: asked
        before a second settlement is believed. By default the payment's status, which names
        its transaction; gateways that can look a transaction up by id override this."""
        return self.query_status(merchant_reference)


class SimulatedGateway(PaymentGateway):
    """A gateway that exists only on stacks where settings enable it: it shows its own checkout
    page and produces the signed callback a real gateway would send."""

    @abstractmethod
    def simulated_callback(self, merchant_reference: str, amount_piasters: int, success: bool,
                           transaction_id: str) -> tuple[dict[str, str], bytes]:
        """The (query, body) of the signed callback that `parse_webhook` accepts."""

    @abstractmethod
    def checkout_page(self, merchant_reference: str, amount_piasters: int,
                      description: str) -> str:
        """The HTML page whose buttons pay or fail the checkout."""

    @abstractmethod
    def result_page(self, merchant_reference: str, outcome: str, payment_status: str) -> str:
        """The HTML page shown after pressing pay or fail."""


# ---------------------------------------------------------------------- violation reports

class ViolationStore(ABC):
    """Inspectors' violation reports (chalicelib/domain/violations.py), each written once with
    its audit record and never changed by the API."""

    @abstractmethod
    def create(self, violation: Violation, audit: AuditRecord) -> tuple[Violation, bool]:
        """Store a new report with its audit record (subject VIO#id) in one write, and answer
        (report, True); when the id is taken (a replay), write nothing and answer the stored
        report and False."""

    @abstractmethod
    def get(self, violation_id: str) -> Violation:
        """One report; NotFound (code violation_not_found) when there is none."""

    @abstractmethod
    def list_by_district(self, district: str, limit: int, cursor: Optional[str]) -> Page:
        """A district's reports, the last received first, as Violations."""


# --------------------------------------------------------------- the back office and reports

class AuditTrail(ABC):
    """Reads the append-only audit trail. Records are written by the store of what they
    describe, in the same transaction; nothing here writes."""

    @abstractmethod
    def list(self, subject: str, limit: int, cursor: Optional[str],
             newest_first: bool = False) -> Page:
        """One subject's records (APP#id, LIC#number, ROLLOUT), oldest first unless
        `newest_first`, as dicts (at, actor, role, district, action, from_status, to_status,
        reason, data)."""


class RolloutStore(ABC):
    """Which services are live in which districts (admin-editable, no deploy needed)."""

    @abstractmethod
    def all(self) -> dict[str, tuple[str, ...]]:
        """Every service's live districts, strongly consistent (a toggle applies at once)."""

    @abstractmethod
    def seed(self, defaults: Mapping[str, Iterable[str]], at: str) -> None:
        """Write defaults only where nothing is set yet, so a re-seed never undoes an admin."""


class RolloutAdmin(ABC):
    """Admins turn a service on or off per district, each change with its audit record."""

    @abstractmethod
    def entries(self) -> list[dict]:
        """Every stored service's rollout: service_code, districts, updated_at, updated_by."""

    @abstractmethod
    def set_live(self, service_code: str, district: str, live: bool, by: str, at: str,
                 audit: AuditRecord, attempts: int = 5) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """Turn one district on or off, with an audit record (subject `ROLLOUT`) built from
        `audit`, in one write conditional on the districts read; a concurrent toggle makes it
        re-read and retry. Returns (districts before, districts after); ConcurrentUpdate after
        `attempts` lost races."""


class ReportStore(ABC):
    """The applications report's counters, kept from the applications stream exactly once."""

    @abstractmethod
    def apply_once(self, key: str, increments: Mapping[tuple[str, str], int],
                   now: datetime) -> bool:
        """Add every (district, counter) increment unless `key` was applied before; True
        when applied now, False (nothing changed) for a repeat."""

    @abstractmethod
    def counters(self, district: str) -> dict[str, int]:
        """Every counter of one district."""

    @abstractmethod
    def licence_fines(self, district: str) -> Iterable[Fine]:
        """The fines on the district's licences."""


# ----------------------------------------------------------------------------- seals, files

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
    def put(self, key: str, body: bytes, content_type: str) -> None:
        """Store (or replace) the object."""

    @abstractmethod
    def get(self, key: str) -> bytes:
        """The object's bytes; NotFound if there is no such object."""

    @abstractmethod
    def exists(self, key: str) -> bool:
        """Whether the object is stored (a signed upload form may never have been used)."""

    @abstractmethod
    def presigned_get_url(self, key: str, expires_in_seconds: int = 900) -> str:
        """A URL that reads the object until it expires."""

    @abstractmethod
    def presigned_post(self, key: str, content_types: tuple[str, ...], max_bytes: int,
                       expires_in_seconds: int = 900) -> dict:
        """A browser upload form ({"url", "fields"}) whose policy pins the one content type
        and bounds the size; ValueError unless exactly one content type is given."""


class QrTooLarge(ValueError):
    """The URL needs a bigger QR than a printed licence or an SMS preview can carry."""


class QrRenderer(ABC):
    """Draws a verification URL as a QR code."""

    @abstractmethod
    def render(self, url: str) -> QrImage:
        """A PNG of the QR; QrTooLarge if the URL needs too big a code to scan on paper."""


class PaperCopyRenderer(ABC):
    """Lays out a licence's printable copy."""

    @abstractmethod
    def render(self, licence: PaperLicence, qr_png: bytes) -> bytes:
        """A one-page A4 PDF; ValueError if `qr_png` is not a PNG."""


# ------------------------------------------------------------------------- messages, queues


class DrawerReportRenderer(ABC):
    """Draws a clerk's drawer report as an A4 PDF."""

    @abstractmethod
    def render(self, report: PrintableDrawer) -> bytes:
        """The report's PDF bytes."""


class ReceiptRenderer(ABC):
    """Draws a counter receipt as a PDF."""

    @abstractmethod
    def render(self, receipt: PrintableReceipt, paper: str) -> bytes:
        """`paper`: "a4" or "thermal" (80 mm roll)."""


class SmsDeliveryFailed(Exception):
    pass


class SmsNotifier(ABC):
    """Sends transactional SMS."""

    @abstractmethod
    def send(self, phone_e164: str, text: str) -> str:
        """Send and return the provider's message id; SmsDeliveryFailed if the provider refuses."""


class Notifications(ABC):
    """Tells a citizen something that happened: one message per event occurrence.

    The caller has durably recorded the change the message is about; the message is queued,
    not sent (chalicelib/usecases/outbox.py sends it, retries it and keeps it out of quiet
    hours), so a slow or failing provider never fails the caller."""

    @abstractmethod
    def notify(self, key: str, channel: str, recipient: str, template: str,
               values: Mapping[str, str], licence: str = "") -> bool:
        """Queue `template` (chalicelib/domain/notifications.py) rendered with `values` for
        `recipient` on `channel`. `key` names the event occurrence: however often it is
        queued, at most one message is delivered for it. `licence`: the licence whose `sms`
        record reports this message's state. False (nothing queued) if there is no recipient;
        KeyError if a value the template needs is missing, UnknownTemplate for a bad name."""


class TaskQueue(ABC):
    """A work queue (SQS in AWS) carrying small JSON tasks to workers."""

    @abstractmethod
    def send_all(self, tasks: list[Mapping[str, object]]) -> int:
        """Enqueue every task; return how many were sent. RuntimeError if any is refused."""


class DelayQueue(ABC):
    """A queue whose messages may wait before they are delivered (SQS DelaySeconds): retries
    with backoff ride on it."""

    @abstractmethod
    def send(self, task: Mapping[str, object], delay_seconds: int = 0) -> None:
        """Enqueue one task, delivered no sooner than `delay_seconds` from now (≤ 900)."""
