"""DynamoDB stream records as domain changes: each image is decoded once, here.

A stream handler gets Chalice's records (raw DynamoDB JSON images); every step that reacts to a
change (issuance, late settlement, report counters, the payment's advance, a licence's status
notice) takes the decoded `Change` instead of decoding the images again.
"""
from __future__ import annotations

from typing import Any, Callable, Iterable, Iterator, TypeVar

from chalicelib.adapters.licence_record import AccruesByRule
from chalicelib.domain.applications import Application
from chalicelib.domain.changes import Change
from chalicelib.domain.licences import Licence
from chalicelib.domain.payments import Payment

T = TypeVar("T")


def application_changes(records: Iterable[Any]) -> Iterator[Change[Application]]:
    from chalicelib.adapters.application_store import from_image

    return _changes(records, from_image)


def payment_changes(records: Iterable[Any]) -> Iterator[Change[Payment]]:
    from chalicelib.adapters.payment_store import from_image

    return _changes(records, from_image)


def licence_changes(records: Iterable[Any],
                    accrues_by_rule: AccruesByRule) -> Iterator[Change[Licence]]:
    """Through the one mapping every licence reader uses (adapters/licence_record.py)."""
    from chalicelib.adapters.dynamo_models import LicenceModel
    from chalicelib.adapters.licence_record import licence_from_values

    return _changes(records, lambda image: licence_from_values(
        LicenceModel.from_raw_data(image).attribute_values, accrues_by_rule))


def _changes(records: Iterable[Any], decode: Callable[[dict], T]) -> Iterator[Change[T]]:
    for record in records:
        old_image = getattr(record, "old_image", None)
        new_image = getattr(record, "new_image", None)
        yield Change(event_name=record.event_name,
                     old=decode(old_image) if old_image else None,
                     new=decode(new_image) if new_image else None)
