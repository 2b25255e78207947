"""PynamoDB models of the tables in infra/resources.py. Table names are bound at wiring."""
from __future__ import annotations

from functools import lru_cache

from pynamodb.attributes import (BooleanAttribute, JSONAttribute, NumberAttribute,
                                 UnicodeAttribute, VersionAttribute)
from pynamodb.connection import Connection
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex, IncludeProjection
from pynamodb.models import Model

from chalicelib.settings import Settings


class _Index(GlobalSecondaryIndex):
    class Meta:
        projection = AllProjection()


class ApplicationsByOwner(_Index):
    class Meta:
        index_name = "by-owner"
        projection = AllProjection()

    owner = UnicodeAttribute(hash_key=True)
    created_at = UnicodeAttribute(range_key=True)


class ApplicationsByQueue(_Index):
    class Meta:
        index_name = "by-queue"
        projection = AllProjection()

    queue_key = UnicodeAttribute(hash_key=True)
    created_at = UnicodeAttribute(range_key=True)


class ApplicationModel(Model):
    class Meta:
        table_name = "applications"

    id = UnicodeAttribute(hash_key=True)
    owner = UnicodeAttribute()
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    queue_key = UnicodeAttribute()
    service_code = UnicodeAttribute()
    kind = UnicodeAttribute()
    case = UnicodeAttribute()
    district = UnicodeAttribute()
    status = UnicodeAttribute()
    applicant = JSONAttribute()
    site = JSONAttribute()
    details = JSONAttribute()
    fees = JSONAttribute()
    timeline = JSONAttribute()
    renewal_of = UnicodeAttribute(null=True)
    licence_number = UnicodeAttribute(null=True)
    decision_reason = UnicodeAttribute(null=True)
    review_required = BooleanAttribute(default=True)
    extra = JSONAttribute(null=True)
    version = VersionAttribute()
    by_owner = ApplicationsByOwner()
    by_queue = ApplicationsByQueue()


class AuditModel(Model):
    """Append-only: written with attribute_not_exists, never updated or deleted by the API."""

    class Meta:
        table_name = "audit"

    subject = UnicodeAttribute(hash_key=True)
    seq = UnicodeAttribute(range_key=True)
    at = UnicodeAttribute()
    actor = UnicodeAttribute()
    # The officer's or admin's display name when they acted (shown to citizens instead of `actor`).
    actor_name = UnicodeAttribute(null=True)
    role = UnicodeAttribute()
    district = UnicodeAttribute(null=True)
    action = UnicodeAttribute()
    from_status = UnicodeAttribute(null=True)
    to_status = UnicodeAttribute(null=True)
    reason = UnicodeAttribute(null=True)
    data = JSONAttribute(null=True)


class ConfigModel(Model):
    """Small mutable configuration: rollout per service, counters."""

    class Meta:
        table_name = "config"

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    districts = JSONAttribute(null=True)
    value = NumberAttribute(null=True)
    updated_at = UnicodeAttribute(null=True)
    updated_by = UnicodeAttribute(null=True)
    data = JSONAttribute(null=True)


class OnceModel(Model):
    """Keys of things that must happen exactly once (webhook events, nightly fines, reminders)."""

    class Meta:
        table_name = "once"

    key = UnicodeAttribute(hash_key=True)
    at = UnicodeAttribute()
    expires_at = NumberAttribute(null=True)
    data = JSONAttribute(null=True)
    # Leased claims (an SMS send): claimed -> sent; a lapsed lease may be claimed again.
    state = UnicodeAttribute(null=True)
    lease_until = NumberAttribute(null=True)
    # What a claim points at (the open renewal application of a licence term).
    ref = UnicodeAttribute(null=True)
    # Rate-limit records (rate#ACTION#SUBJECT): the times of the last uses in `data`, rewritten
    # only over the revision that was read.
    revision = NumberAttribute(null=True)


ALL_MODELS: dict[str, type[Model]] = {
    "applications": ApplicationModel,
    "audit": AuditModel,
    "config": ConfigModel,
    "once": OnceModel,
}


def bind_models(settings: Settings) -> None:
    """Point every model at this stage's tables (names carry the stage prefix)."""
    for logical_name, model in ALL_MODELS.items():
        model.Meta.table_name = settings.table_name(logical_name)
        model.Meta.region = settings.region
        model._connection = None  # re-create with the bound name
    transaction_connection.cache_clear()


@lru_cache(maxsize=4)
def transaction_connection(region: str) -> Connection:
    """The connection every TransactWrite of this process uses: a new pynamodb Connection
    builds its own botocore session and client (~100 ms), far too much for one webhook."""
    return Connection(region=region)


class LicencesByHolder(_Index):
    class Meta:
        index_name = "by-holder"
        projection = AllProjection()

    holder = UnicodeAttribute(hash_key=True)
    number = UnicodeAttribute(range_key=True)


class LicencesByExpiry(_Index):
    class Meta:
        index_name = "by-expiry"
        projection = AllProjection()

    valid_until = UnicodeAttribute(hash_key=True)
    number = UnicodeAttribute(range_key=True)


class LicencesAccruing(_Index):
    class Meta:
        index_name = "by-accruing"
        projection = AllProjection()

    accruing_shard = UnicodeAttribute(hash_key=True)
    number = UnicodeAttribute(range_key=True)


class LicencesListed(_Index):
    """Sparse: only licences that are not simply active carry status_shard (the status list).
    It projects the two attributes the list needs, not the whole licence."""

    class Meta:
        index_name = "by-status"
        projection = IncludeProjection(["status", "superseded_by"])

    status_shard = UnicodeAttribute(hash_key=True)
    number = UnicodeAttribute(range_key=True)


class LicencesByDistrict(_Index):
    class Meta:
        index_name = "by-district"
        projection = AllProjection()

    district = UnicodeAttribute(hash_key=True)
    number = UnicodeAttribute(range_key=True)


class LicencesSmsRetrying(_Index):
    """Sparse: only licences whose SMS is `retrying` carry sms_retry (the sweeper)."""

    class Meta:
        index_name = "by-sms-retry"
        projection = AllProjection()

    sms_retry = UnicodeAttribute(hash_key=True)
    sms_next_attempt_at = UnicodeAttribute(range_key=True)


class LicencesFined(_Index):
    """Sparse: only licences that carry a fine have fined_district (the applications report)."""

    class Meta:
        index_name = "by-fined-district"
        projection = AllProjection()

    fined_district = UnicodeAttribute(hash_key=True)
    number = UnicodeAttribute(range_key=True)


class LicenceModel(Model):
    class Meta:
        table_name = "licences"

    number = UnicodeAttribute(hash_key=True)
    application_id = UnicodeAttribute()
    service_code = UnicodeAttribute()
    kind = UnicodeAttribute()
    district = UnicodeAttribute()
    holder = UnicodeAttribute()
    holder_name = UnicodeAttribute()
    holder_mobile = UnicodeAttribute()
    holder_national_id = UnicodeAttribute()
    site = JSONAttribute()
    details = JSONAttribute()
    status = UnicodeAttribute()
    valid_from = UnicodeAttribute()
    valid_until = UnicodeAttribute()
    issued_at = UnicodeAttribute()
    seal_token = UnicodeAttribute(null=True)
    qr_key = UnicodeAttribute(null=True)
    fines = JSONAttribute(null=True)
    sms = JSONAttribute(null=True)
    status_reason = UnicodeAttribute(null=True)
    renewals = JSONAttribute(null=True)
    superseded_by = UnicodeAttribute(null=True)
    accruing_shard = UnicodeAttribute(null=True)
    status_shard = UnicodeAttribute(null=True)
    fined_district = UnicodeAttribute(null=True)
    fines_capped = BooleanAttribute(null=True)
    accrues_late_fines = BooleanAttribute(null=True)
    sms_retry = UnicodeAttribute(null=True)
    sms_next_attempt_at = UnicodeAttribute(null=True)
    version = VersionAttribute()
    by_sms_retry = LicencesSmsRetrying()
    by_holder = LicencesByHolder()
    by_expiry = LicencesByExpiry()
    by_accruing = LicencesAccruing()
    by_status = LicencesListed()
    by_district = LicencesByDistrict()
    by_fined_district = LicencesFined()


ALL_MODELS["licences"] = LicenceModel


class PaymentsUnapplied(_Index):
    """Sparse: only paid payments not yet applied carry unapplied_shard (the sweeper)."""

    class Meta:
        index_name = "by-unapplied"
        projection = AllProjection()

    unapplied_shard = UnicodeAttribute(hash_key=True)
    paid_at = UnicodeAttribute(range_key=True)


class PaymentsByApplication(_Index):
    class Meta:
        index_name = "by-application"
        projection = AllProjection()

    application_id = UnicodeAttribute(hash_key=True)
    created_at = UnicodeAttribute(range_key=True)


class PaymentsByDay(_Index):
    class Meta:
        index_name = "by-day"
        projection = AllProjection()

    day = UnicodeAttribute(hash_key=True)
    created_at = UnicodeAttribute(range_key=True)


class PaymentsPending(_Index):
    """Sparse: only pending payments carry pending_shard (reconciliation)."""

    class Meta:
        index_name = "by-pending"
        projection = AllProjection()

    pending_shard = UnicodeAttribute(hash_key=True)
    created_at = UnicodeAttribute(range_key=True)


class PaymentModel(Model):
    class Meta:
        table_name = "payments"

    payment_id = UnicodeAttribute(hash_key=True)
    application_id = UnicodeAttribute()
    owner = UnicodeAttribute()
    district = UnicodeAttribute()
    gateway = UnicodeAttribute()
    amount_piasters = NumberAttribute()
    currency = UnicodeAttribute()
    lines = JSONAttribute()
    application_status = UnicodeAttribute()
    status = UnicodeAttribute()
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    day = UnicodeAttribute()
    pending_shard = UnicodeAttribute(null=True)
    unapplied_shard = UnicodeAttribute(null=True)
    applied_at = UnicodeAttribute(null=True)
    gateway_reference = UnicodeAttribute(null=True)
    checkout_url = UnicodeAttribute(null=True)
    transaction_id = UnicodeAttribute(null=True)
    paid_at = UnicodeAttribute(null=True)
    flag_reason = UnicodeAttribute(null=True)
    events = JSONAttribute(null=True)
    counter = JSONAttribute(null=True)
    version = VersionAttribute()
    by_application = PaymentsByApplication()
    by_day = PaymentsByDay()
    by_pending = PaymentsPending()
    by_unapplied = PaymentsUnapplied()


ALL_MODELS["payments"] = PaymentModel


class ViolationsByDistrict(_Index):
    class Meta:
        index_name = "by-district"
        projection = AllProjection()

    district = UnicodeAttribute(hash_key=True)
    received_key = UnicodeAttribute(range_key=True)


class ViolationModel(Model):
    """An inspector's violation report: written once (attribute_not_exists), never updated."""

    class Meta:
        table_name = "violations"

    id = UnicodeAttribute(hash_key=True)
    district = UnicodeAttribute()
    # reported_at#id: the district's reports, the last received first, in a stable order.
    received_key = UnicodeAttribute()
    reporter = UnicodeAttribute()
    reporter_name = UnicodeAttribute(null=True)
    kind = UnicodeAttribute()
    lat = NumberAttribute()
    lng = NumberAttribute()
    accuracy_m = NumberAttribute(null=True)
    note = UnicodeAttribute(null=True)
    observed_at = UnicodeAttribute()
    reported_at = UnicodeAttribute()
    idempotency_key = UnicodeAttribute()
    fingerprint = UnicodeAttribute()
    licence = JSONAttribute(null=True)
    photos = JSONAttribute(null=True)
    by_district = ViolationsByDistrict()


ALL_MODELS["violations"] = ViolationModel
