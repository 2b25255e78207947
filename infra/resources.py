"""The resource definitions shared by the CDK stack and the local stack's provisioner.

Plain data only (no boto3, no CDK): `infra/stack.py` turns it into CloudFormation and
`devstack/provision.py` creates the same things in the emulator.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Index:
    name: str
    hash_key: str
    range_key: str | None = None
    projection: str = "ALL"
    include: tuple[str, ...] = ()  # the non-key attributes of an INCLUDE projection


@dataclass(frozen=True)
class Table:
    logical_name: str
    hash_key: str
    range_key: str | None = None
    attributes: dict[str, str] = field(default_factory=dict)  # key attribute -> S | N
    indexes: tuple[Index, ...] = ()
    stream: str | None = None  # NEW_AND_OLD_IMAGES etc.
    ttl_attribute: str | None = None


TABLES: tuple[Table, ...] = (
    Table(
        logical_name="applications",
        hash_key="id",
        attributes={"id": "S", "owner": "S", "created_at": "S", "queue_key": "S"},
        indexes=(
            Index("by-owner", "owner", "created_at"),
            Index("by-queue", "queue_key", "created_at"),
        ),
        stream="NEW_AND_OLD_IMAGES",
    ),
    Table(
        logical_name="licences",
        hash_key="number",
        attributes={"number": "S", "holder": "S", "valid_until": "S", "accruing_shard": "S",
                    "district": "S", "fined_district": "S", "status_shard": "S",
                    "sms_retry": "S", "sms_next_attempt_at": "S"},
        indexes=(
            Index("by-holder", "holder", "number"),
            Index("by-expiry", "valid_until", "number"),
            Index("by-accruing", "accruing_shard", "number"),
            Index("by-district", "district", "number"),
            # Sparse: only licences that carry a fine (the applications report's fine totals).
            Index("by-fined-district", "fined_district", "number"),
            # Sparse: only licences not simply active (the signed status list, docs/status-list.md).
            Index("by-status", "status_shard", "number", projection="INCLUDE",
                  include=("status", "superseded_by")),
            # Sparse: only licences whose SMS is `retrying` (the sweeper's stuck-SMS list).
            Index("by-sms-retry", "sms_retry", "sms_next_attempt_at"),
        ),
        # The stream tells the holder of a status change (suspended, revoked, reinstated) once
        # it is saved: chalicelib/events/licences_stream.py, docs/notifications.md.
        stream="NEW_AND_OLD_IMAGES",
    ),
    Table(
        logical_name="payments",
        hash_key="payment_id",
        attributes={"payment_id": "S", "application_id": "S", "created_at": "S", "day": "S",
                    "pending_shard": "S", "unapplied_shard": "S", "paid_at": "S"},
        indexes=(
            Index("by-application", "application_id", "created_at"),
            Index("by-day", "day", "created_at"),
            Index("by-pending", "pending_shard", "created_at"),
            # Sparse: paid payments not yet applied to their application (the sweeper's list).
            Index("by-unapplied", "unapplied_shard", "paid_at"),
        ),
        stream="NEW_AND_OLD_IMAGES",
    ),
    Table(logical_name="audit", hash_key="subject", range_key="seq",
          attributes={"subject": "S", "seq": "S"}),
    Table(logical_name="config", hash_key="pk", range_key="sk",
          attributes={"pk": "S", "sk": "S"}),
    Table(logical_name="once", hash_key="key", attributes={"key": "S"},
          ttl_attribute="expires_at"),
    # Inspectors' violation reports (docs/access-patterns.md, V rows): id = the reporter's
    # idempotency key hashed, so an offline phone's replay lands on the same item.
    Table(logical_name="violations", hash_key="id",
          attributes={"id": "S", "district": "S", "received_key": "S"},
          indexes=(Index("by-district", "district", "received_key"),)),
)

FILES_BUCKET_LIFECYCLE_DAYS = {"paper-copies/": 30, "uploads/tmp/": 2}
# What the web app's origin may do on the files bucket with presigned URLs: read (GET), and
# upload documents and inspection photos (the presigned POST form; PUT for presigned PUTs).
FILES_BUCKET_CORS_METHODS = ("GET", "PUT", "POST")
SEAL_KEY_SPEC = "ECC_NIST_P256"
SEAL_KEY_USAGE = "SIGN_VERIFY"
SMS_ATTRIBUTES = {"DefaultSMSType": "Transactional", "MonthlySpendLimit": "100"}
ROLES = ("citizen", "officer", "clerk", "admin")
# Cognito groups of the staff's user pool; everyone in the citizens' pool is a citizen.
STAFF_ROLES = ("officer", "clerk", "admin")


@dataclass(frozen=True)
class EventSource:
    """A stream or queue that triggers a function, and where what keeps failing ends up.

    The stack sets these numbers on the Lambda event source mappings (streams) and the queues'
    redrive policies; the local stack's pumps (devstack/streams.py, devstack/queues.py) apply
    the same numbers, so a test sees a poison record land where it would in AWS.
    """

    name: str
    """The runbook's SOURCE argument (`python -m devstack.deadletters ... show NAME`)."""
    table: str | None = None
    """A table whose DynamoDB stream is the source (logical name)."""
    queue: str | None = None
    """An SQS queue that is the source (its name without a stage prefix)."""
    max_retries: int = 0
    """Streams: retries of a failing batch (MaximumRetryAttempts). Queues: receives before the
    message is moved to the dead-letter queue (the redrive policy's maxReceiveCount)."""
    max_record_age_seconds: int = 0
    """Streams only: a record older than this is not retried (MaximumRecordAgeInSeconds)."""
    bisect_on_error: bool = False
    """Streams only: a failing batch is split in two and each half retried, so one poison
    record ends up alone in the dead-letter queue and the rest of its batch is processed."""

    @property
    def dead_letter_queue(self) -> str:
        return f"rukhsa-{self.name}-dlq"


# A failing stream record blocks its shard while it is retried: five retries after bisecting down
# to the one record is enough for anything transient (each AWS call inside an attempt is already
# retried by botocore, version conflicts by retry_on_conflict), and an hour's age bounds the
# block. The dead-letter message only points into the stream (24 h retention): the hour leaves
# 23 hours to redrive, and the sweeper catches a stalled paid application within minutes anyway.
STREAM_RETRIES = 5
STREAM_MAX_RECORD_AGE_SECONDS = 3600

EVENT_SOURCES: tuple[EventSource, ...] = (
    EventSource("applications", table="applications", max_retries=STREAM_RETRIES,
                max_record_age_seconds=STREAM_MAX_RECORD_AGE_SECONDS, bisect_on_error=True),
    EventSource("payments", table="payments", max_retries=STREAM_RETRIES,
                max_record_age_seconds=STREAM_MAX_RECORD_AGE_SECONDS, bisect_on_error=True),
    EventSource("licences", table="licences", max_retries=STREAM_RETRIES,
                max_record_age_seconds=STREAM_MAX_RECORD_AGE_SECONDS, bisect_on_error=True),
    # A night task is idempotent and re-run by hand with the nightly runbook command: three
    # receives (each up to the worker's 5-minute timeout) and it is a dead letter before dawn.
    EventSource("nightly", queue="rukhsa-nightly", max_retries=3),
    # The notification outbox re-queues held and refused messages itself (new messages with a
    # delay), so a receive that fails is an unexpected error: six receives, then the DLQ.
    EventSource("sms", queue="rukhsa-sms", max_retries=6),
    # A status-list rebuild is idempotent (the whole list, signed again): three receives.
    EventSource("status-list", queue="rukhsa-status-list", max_retries=3),
)


def event_source(name: str) -> EventSource:
    """The source named `name` (a runbook argument); KeyError when there is none."""
    for source in EVENT_SOURCES:
        if source.name == name:
            return source
    raise KeyError(name)


def table(logical_name: str) -> Table:
    return next(t for t in TABLES if t.logical_name == logical_name)
