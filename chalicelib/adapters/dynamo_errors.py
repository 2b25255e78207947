"""What a DynamoDB error means, read the same way by every store: throttled, or a condition lost.

Single-item writes report a lost condition as `ConditionalCheckFailedException`; transactions
list one cancellation reason per item (moto also spells it in the message).
"""
from __future__ import annotations

# Still refused after the SDK's own retries: the caller is told to come back (503), not a 500.
THROTTLED = frozenset({"ProvisionedThroughputExceededException", "ThrottlingException",
                       "RequestLimitExceeded", "InternalServerError"})
CONDITION_FAILED = "ConditionalCheckFailed"


def lost_condition(error: Exception) -> bool:
    """A single-item write (PutItem, UpdateItem) whose condition did not hold."""
    return getattr(error, "cause_response_code", "") == f"{CONDITION_FAILED}Exception"


def cancellation_codes(error: Exception) -> list[str]:
    """A cancelled transaction's reason per item, in item order ("" where none)."""
    return [getattr(r, "code", "") or "" if r is not None else ""
            for r in (getattr(error, "cancellation_reasons", None) or [])]


def first_item_condition_failed(error: Exception) -> bool:
    """The transaction's first item (its exactly-once marker) existed already."""
    return cancellation_codes(error)[:1] == [CONDITION_FAILED]


def any_condition_failed(error: Exception) -> bool:
    """Some item's condition (a version, a not-exists) did not hold."""
    return CONDITION_FAILED in cancellation_codes(error) or CONDITION_FAILED in str(error)
