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
                    "district": "S", "fined_district": "S", "status_shard": "S"},
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
        ),
        # No stream: nothing reacts to licence changes (issuance listens to applications).
    ),
    Table(
        logical_name="payments",
        hash_key="payment_id",
        attributes={"payment_id": "S", "application_id": "S", "created_at": "S", "day": "S",
                    "pending_shard": "S"},
        indexes=(
            Index("by-application", "application_id", "created_at"),
            Index("by-day", "day", "created_at"),
            Index("by-pending", "pending_shard", "created_at"),
        ),
        stream="NEW_AND_OLD_IMAGES",
    ),
    Table(logical_name="audit", hash_key="subject", range_key="seq",
          attributes={"subject": "S", "seq": "S"}),
    Table(logical_name="config", hash_key="pk", range_key="sk",
          attributes={"pk": "S", "sk": "S"}),
    Table(logical_name="once", hash_key="key", attributes={"key": "S"},
          ttl_attribute="expires_at"),
)

FILES_BUCKET_LIFECYCLE_DAYS = {"paper-copies/": 30, "uploads/tmp/": 2}
SEAL_KEY_SPEC = "ECC_NIST_P256"
SEAL_KEY_USAGE = "SIGN_VERIFY"
SMS_ATTRIBUTES = {"DefaultSMSType": "Transactional", "MonthlySpendLimit": "100"}
ROLES = ("citizen", "officer", "clerk", "admin")


def table(logical_name: str) -> Table:
    return next(t for t in TABLES if t.logical_name == logical_name)
