"""What each Lambda function of the Chalice app may touch: the least-privilege table.

Plain data, like `resources.py`. `stack.py` turns every row into one IAM role. A handler
that appears in the packaged app but not here fails the synth on purpose: a new function
must say what it needs before it can be deployed.
"""
from __future__ import annotations

from dataclasses import dataclass

from infra.resources import EVENT_SOURCES

# Queue keys name the SQS queues the app declares with `@app.on_sqs_message(queue=...)`.
NIGHTLY_QUEUE = "rukhsa-nightly"
SMS_QUEUE = "rukhsa-sms"
STATUS_LIST_QUEUE = "rukhsa-status-list"


@dataclass(frozen=True)
class FunctionAccess:
    """The grants of one function. Table names are `resources.TABLES` logical names."""

    reads: tuple[str, ...] = ()
    """Tables read only (GetItem, Query, Scan, BatchGetItem, ConditionCheckItem)."""
    writes: tuple[str, ...] = ()
    """Tables read and written (adds PutItem, UpdateItem, DeleteItem, BatchWriteItem)."""
    appends: tuple[str, ...] = ()
    """Tables written with PutItem only (the audit trail is never rewritten)."""
    stream: str | None = None
    """The table whose DynamoDB stream triggers the function."""
    consumes: str | None = None
    """The SQS queue that triggers the function."""
    sends_to: tuple[str, ...] = ()
    """SQS queues the function sends messages to."""
    signs_seals: bool = False
    """kms:Sign on the seal key: only the functions that issue licences."""
    reads_public_key: bool = False
    """kms:GetPublicKey on the seal key (JWK Set, verification)."""
    files: str = ""
    """Files bucket access: "" none, "read", "readwrite"."""
    gateway_secrets: bool = False
    """Gets the payment gateways' secrets (Secrets Manager references) in its environment."""
    sends_sms: bool = False
    """sns:Publish to phone numbers (never to topics)."""
    memory_mb: int = 256
    timeout_seconds: int = 30


FUNCTIONS: dict[str, FunctionAccess] = {
    # REST API: citizen, officer, admin, webhooks, verification, catalogue.
    "api_handler": FunctionAccess(
        reads=(),
        # config: admins set the rollout (back office); reports read its counters.
        # violations: inspectors' reports, each written once (docs/access-patterns.md V rows).
        writes=("applications", "licences", "payments", "once", "config", "violations"),
        appends=("audit",),
        sends_to=(SMS_QUEUE,),
        reads_public_key=True,
        files="readwrite",
        gateway_secrets=True,
        memory_mb=1024,
        timeout_seconds=29,  # API Gateway's own integration limit
    ),
    # An application changed state: notify, and issue the licence when everything is paid.
    "on_application_change": FunctionAccess(
        reads=("payments",),
        # config: the applications report's counters (chalicelib/events/report_stream.py).
        writes=("applications", "licences", "once", "config"),
        appends=("audit",),
        stream="applications",
        sends_to=(SMS_QUEUE,),
        signs_seals=True,
        files="readwrite",
        memory_mb=512,
        timeout_seconds=60,
    ),
    # A payment became paid: settle the application's fee lines and move it on (review, auto-
    # approval, licence_paid), and queue the payer's receipt SMS on the outbox. Issuance listens
    # on the applications stream, not here. It marks a payment that paid for something no longer
    # due (UpdateItem on payments).
    "on_payment_change": FunctionAccess(
        writes=("applications", "payments"),
        appends=("audit",),
        stream="payments",
        sends_to=(SMS_QUEUE,),
        memory_mb=512,
        timeout_seconds=60,
    ),
    # A licence's status changed (suspended, revoked, reinstated): queue the holder's notice on
    # the outbox; a change to what the status list says asks for its rebuild (debounced by a
    # claim in `once`). Everything else it needs is in the stream's images.
    "on_licence_change": FunctionAccess(
        writes=("once",),
        stream="licences",
        sends_to=(SMS_QUEUE, STATUS_LIST_QUEUE),
        timeout_seconds=60,
    ),
    # After midnight Cairo: find licences to expire or fine, fan them out in batches.
    "nightly": FunctionAccess(
        reads=("config", "licences"),
        sends_to=(NIGHTLY_QUEUE,),
        timeout_seconds=300,
    ),
    # One task (a district's expiries or reminders, a shard's fines) page by page; it puts a
    # continuation back on the queue when its time runs low, and queues reminders and fine
    # notices on the notification outbox (it never sends SMS itself).
    "nightly_worker": FunctionAccess(
        reads=("config",),
        writes=("licences", "once"),
        appends=("audit",),
        consumes=NIGHTLY_QUEUE,
        sends_to=(NIGHTLY_QUEUE, SMS_QUEUE),
        timeout_seconds=300,
    ),
    # Every 15 minutes: ask the gateways about payments still pending (Query by-pending), and
    # record answers like webhooks do (TransactWrite: payment + event key in `once`).
    "reconcile_payments": FunctionAccess(
        writes=("payments", "once"),
        gateway_secrets=True,
        timeout_seconds=300,
    ),
    # Every 5 minutes: re-drive stalled work by index queries (payments by-unapplied, the
    # licence_paid queues by-queue, licences by-sms-retry) through the same use cases as the
    # streams: it applies payments, issues licences (signs seals, stores QR PNGs, numbers them
    # in config) and queues stuck licence SMS again on the outbox.
    "sweeper": FunctionAccess(
        writes=("applications", "licences", "payments", "once", "config"),
        appends=("audit",),
        sends_to=(SMS_QUEUE,),
        signs_seals=True,
        files="readwrite",
        memory_mb=512,
        timeout_seconds=300,
    ),
    # The notification outbox's worker: sends every SMS (outside quiet hours), records a licence
    # SMS's outcome on the licence, re-queues held and refused messages with a delay.
    "sms_sender": FunctionAccess(
        reads=("config",),
        writes=("once", "licences"),
        appends=("audit",),
        consumes=SMS_QUEUE,
        sends_to=(SMS_QUEUE,),
        sends_sms=True,
        timeout_seconds=30,
    ),
    # Every 15 minutes: build the signed status list from the sparse by-status index (Query),
    # sign it with the seal key (kms:Sign) and put it in the files bucket.
    "status_list": FunctionAccess(
        reads=("licences",),
        signs_seals=True,
        files="readwrite",
        memory_mb=512,
        timeout_seconds=120,
    ),
    # The debounced rebuild after a status change: frees the claim in `once`, then builds.
    "status_list_worker": FunctionAccess(
        reads=("licences",),
        writes=("once",),
        consumes=STATUS_LIST_QUEUE,
        signs_seals=True,
        files="readwrite",
        memory_mb=512,
        timeout_seconds=120,
    ),
}

_RECEIVES = {source.queue: source.max_retries for source in EVENT_SOURCES if source.queue}

# Queue name -> (visibility timeout seconds, receives before the dead-letter queue; the receives
# are infra/resources.py EVENT_SOURCES', shared with the local stack).
QUEUES: dict[str, tuple[int, int]] = {
    # AWS asks for a visibility timeout of at least six times the consumer's timeout.
    NIGHTLY_QUEUE: (6 * FUNCTIONS["nightly_worker"].timeout_seconds, _RECEIVES[NIGHTLY_QUEUE]),
    # The outbox re-queues held and refused messages as new messages (DelaySeconds ≤ 900), so
    # only a message whose last attempt failed (or a crashing worker) reaches the DLQ.
    SMS_QUEUE: (6 * FUNCTIONS["sms_sender"].timeout_seconds, _RECEIVES[SMS_QUEUE]),
    STATUS_LIST_QUEUE: (6 * FUNCTIONS["status_list_worker"].timeout_seconds,
                        _RECEIVES[STATUS_LIST_QUEUE]),
}


def function_name_of_handler(handler: str) -> str:
    """`app.nightly_worker` -> `nightly_worker`; Chalice's REST handler `app.app` -> `api_handler`."""
    name = handler.split(".", 1)[1]
    return "api_handler" if name == "app" else name
