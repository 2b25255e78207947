"""Cached factories that pick the adapters for this stage. The only place that knows them all."""
from __future__ import annotations

import threading
from datetime import datetime, timezone
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator

from chalicelib.settings import Settings, get_settings

if TYPE_CHECKING:  # the ports load cryptography: `import app` must not (tests/unit/test_cold_start.py)
    from chalicelib.domain.applications import Application
    from chalicelib.domain.changes import Change
    from chalicelib.domain.licences import Licence
    from chalicelib.domain.payments import Payment
    from chalicelib.usecases.bounds import Bounds
    from chalicelib.ports import (ApplicationStore, AuditTrail, CounterStore, DelayQueue,
                                  DrawerReportRenderer, FileStore, LicenceReader, LicenceStore,
                                  Notifications, OnceStore, PaperCopyRenderer, ReceiptRenderer,
                                  PaymentGateway, PaymentStore, PointerStore, QrRenderer,
                                  RateLimiter, ReportStore, RolloutAdmin, RolloutStore, SealSigner,
                                  SmsNotifier, TaskQueue, ViolationStore, WorkLists)


@lru_cache(maxsize=1)
def bound_settings() -> Settings:
    """Settings, with the PynamoDB models pointed at this stage's tables (once per cold start)."""
    from chalicelib.adapters.dynamo_models import bind_models

    settings = get_settings()
    bind_models(settings)
    return settings


@lru_cache(maxsize=1)
def application_store() -> ApplicationStore:
    from chalicelib.adapters.application_store import DynamoApplicationStore

    bound_settings()
    return DynamoApplicationStore()


@lru_cache(maxsize=1)
def rollout_store() -> RolloutStore:
    from chalicelib.adapters.rollout_store import DynamoRolloutStore

    bound_settings()
    return DynamoRolloutStore()


@lru_cache(maxsize=1)
def licence_store() -> LicenceStore:
    from chalicelib.adapters.licence_store import DynamoLicenceStore

    bound_settings()
    return DynamoLicenceStore(accrues_late_fines_by_rule)


@lru_cache(maxsize=1)
def licence_reader() -> LicenceReader:
    """The verification page's lean read (no PynamoDB on the public route's cold start)."""
    from chalicelib.adapters.licence_reader import DynamoLicenceReader

    settings = get_settings()
    return DynamoLicenceReader(aws_client("dynamodb", region_name=settings.region),
                               settings.table_name("licences"), accrues_late_fines_by_rule)


@lru_cache(maxsize=1)
def rate_limiter() -> RateLimiter:
    from chalicelib.adapters.rate_limiter import DynamoRateLimiter

    bound_settings()
    return DynamoRateLimiter()


def action_bounds() -> Bounds:
    """Per-caller bounds with this stage's limits (read each time: tests narrow them)."""
    from chalicelib.domain.rate_limits import Limit
    from chalicelib.usecases import bounds

    settings = bound_settings()
    hour = 3600
    return bounds.Bounds(rate_limiter(), {
        bounds.APPLICATION: Limit(settings.applications_per_hour, hour),
        bounds.PAYMENT_ATTEMPT: Limit(settings.payment_attempts_per_hour, hour),
        bounds.PAPER_COPY: Limit(settings.paper_copies_per_hour, hour),
        bounds.SMS_RESEND: Limit(1, settings.sms_resend_interval_seconds),
    })


@lru_cache(maxsize=1)
def once_store() -> OnceStore:
    from chalicelib.adapters.once_store import DynamoOnceStore

    bound_settings()
    return DynamoOnceStore()


@lru_cache(maxsize=1)
def pointer_store() -> PointerStore:
    """Pointers share the `once` table with the exactly-once keys."""
    from chalicelib.adapters.once_store import DynamoPointerStore

    bound_settings()
    return DynamoPointerStore()


@lru_cache(maxsize=1)
def work_lists() -> WorkLists:
    from chalicelib.adapters.work_lists import DynamoWorkLists

    bound_settings()
    return DynamoWorkLists(accrues_late_fines_by_rule)


@lru_cache(maxsize=1)
def sms_notifier() -> SmsNotifier:
    """SNS transactional SMS (the adapter is chalicelib/adapters/sns_sms.py)."""
    from chalicelib.adapters.sns_sms import SnsSmsNotifier

    settings = bound_settings()
    return SnsSmsNotifier(aws_client("sns", region_name=settings.region), settings.sms_sender_id)


@lru_cache(maxsize=1)
def file_store() -> FileStore:
    """The private files bucket (chalicelib/adapters/s3_files.py)."""
    from chalicelib.adapters.s3_files import S3FileStore

    settings = bound_settings()
    return S3FileStore(aws_client("s3", region_name=settings.region), settings.files_bucket)


@lru_cache(maxsize=1)
def seal_signer() -> SealSigner:
    """KMS in AWS and in the local stack's emulator alike; the first key signs, all verify."""
    from chalicelib.adapters.kms_signer import KmsSealSigner

    settings = bound_settings()
    return KmsSealSigner(aws_client("kms", region_name=settings.region), settings.seal_key_ids)


@lru_cache(maxsize=1)
def seal_public_keys():
    """The keys that verify seals, by kid: from the deployed settings when infra/ wrote them
    (no KMS client, no KMS call on a verification cold start), else from KMS."""
    settings = get_settings()
    if not settings.seal_public_keys:
        return seal_signer().public_keys()
    import base64

    from chalicelib.domain.seal import key_id_of_spki, load_seal_public_key

    spkis = [base64.b64decode(der, validate=True) for der in settings.seal_public_keys]
    return {key_id_of_spki(spki): load_seal_public_key(spki) for spki in spkis}


@lru_cache(maxsize=1)
def nightly_queue() -> TaskQueue:
    from chalicelib.adapters.sqs_queue import SqsTaskQueue

    settings = bound_settings()
    sqs = aws_client("sqs", region_name=settings.region)
    url = sqs.get_queue_url(QueueName=f"{settings.table_prefix}{NIGHTLY_QUEUE}")["QueueUrl"]
    return SqsTaskQueue(sqs, url)


NIGHTLY_QUEUE = "rukhsa-nightly"


def seal_tables():
    """The seal's codes and the names the verification page shows, read apart from the rest of
    the catalogue (domain/seal_codes.py): the public route's cold start parses no services."""
    from chalicelib.domain.seal_codes import load_seal_tables

    return load_seal_tables(get_settings().catalogue_dir or None)


def catalogue():
    """The catalogue this stage serves: the packaged data, or settings.catalogue_dir's (tests
    and the local stack). Parsed and checked once per directory (load_catalogue caches it)."""
    from chalicelib.domain.catalogue import load_catalogue

    return load_catalogue(get_settings().catalogue_dir or None)


def accrues_late_fines_by_rule(service_code: str, kind: str) -> bool:
    """For licences stored without `accrues_late_fines`: the catalogue's rule decides, loaded
    only when such a licence is read (never on a verification of a newer one)."""
    return catalogue().accrues_late_fines(service_code, kind)


def nightly_ports():
    from chalicelib.usecases.nightly import NightPorts

    return NightPorts(licences=licence_store(), work_lists=work_lists(), once=once_store(),
                      notifications=notifications(), catalogue=catalogue(), clock=clock)


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


clock: Callable[[], datetime] = utc_now


def reset() -> None:
    """Forget cached adapters (tests switch stages and endpoints)."""
    for factory in (bound_settings, application_store, rollout_store, licence_store,
                    licence_reader, once_store, rate_limiter, pointer_store, work_lists,
                    sms_notifier, file_store, seal_signer, seal_public_keys, nightly_queue,
                    sms_queue, status_list_queue, payment_store, _botocore_session):
        factory.cache_clear()
    get_settings.cache_clear()


SMS_QUEUE = "rukhsa-sms"
STATUS_LIST_QUEUE = "rukhsa-status-list"


@lru_cache(maxsize=1)
def status_list_queue() -> DelayQueue:
    """The status list's debounced rebuild requests (the `status_list_worker`)."""
    from chalicelib.adapters.sqs_queue import SqsDelayQueue

    settings = bound_settings()
    sqs = aws_client("sqs", region_name=settings.region)
    url = settings.status_list_queue_url or \
        sqs.get_queue_url(QueueName=f"{settings.table_prefix}{STATUS_LIST_QUEUE}")["QueueUrl"]
    return SqsDelayQueue(sqs, url)


def status_list_ports():
    from chalicelib.adapters.listed_licences import DynamoListedLicences
    from chalicelib.usecases.status_list import StatusListPorts

    bound_settings()
    return StatusListPorts(listed=DynamoListedLicences(), signer=seal_signer(),
                           files=file_store(), codes=catalogue().seal_codes, clock=clock)


def status_changed() -> Callable[[], bool]:
    """What a licence's status change calls: a debounced request to rebuild the status list."""
    from chalicelib.usecases.status_list import request_rebuild

    return lambda: request_rebuild(once_store(), status_list_queue(), clock())


@lru_cache(maxsize=1)
def sms_queue() -> DelayQueue:
    """The notification outbox's queue (sent by the `sms_sender` worker, retried with backoff)."""
    from chalicelib.adapters.sqs_queue import SqsDelayQueue

    settings = bound_settings()
    sqs = aws_client("sqs", region_name=settings.region)
    url = settings.sms_queue_url or \
        sqs.get_queue_url(QueueName=f"{settings.table_prefix}{SMS_QUEUE}")["QueueUrl"]
    return SqsDelayQueue(sqs, url)


def issuance_ports():
    from chalicelib.usecases.issuance import IssuancePorts

    settings = bound_settings()
    return IssuancePorts(applications=application_store(), licences=licence_store(),
                         pointers=pointer_store(), signer=seal_signer(), files=file_store(),
                         notifications=notifications(), catalogue=catalogue(),
                         render_qr=qr_renderer(), clock=clock,
                         verify_base_url=settings.verify_base_url,
                         short_link_host=settings.short_link_host)


def sweep_ports():
    from chalicelib.usecases.sweeper import SweepPorts

    return SweepPorts(applications=application_store(), payments=payment_store(),
                      licences=licence_store(), work_lists=work_lists(),
                      notifications=notifications(), catalogue=catalogue(),
                      issuance=issuance_ports, clock=clock,
                      short_link_host=bound_settings().short_link_host)


def quiet_hours():
    from chalicelib.domain.notifications import QuietHours

    return QuietHours.parse(bound_settings().quiet_hours)


def notifications() -> Notifications:
    """Every message to a citizen: queued on the outbox (chalicelib/usecases/outbox.py). Built
    per call: tests replace the clock and the queue."""
    from chalicelib.usecases.outbox import Outbox

    return Outbox(sms_queue(), clock, quiet_hours())


def outbox_ports():
    from chalicelib.usecases.outbox import OutboxPorts

    return OutboxPorts(queue=sms_queue(), once=once_store(), notifier=sms_notifier(),
                       licences=licence_store(), clock=clock, quiet=quiet_hours())


@lru_cache(maxsize=1)
def payment_store() -> PaymentStore:
    from chalicelib.adapters.payment_store import DynamoPaymentStore

    bound_settings()
    return DynamoPaymentStore()


def payment_gateway(name: str) -> PaymentGateway:
    """The gateway adapter by name (chalicelib/adapters/gateways); NotFound if unavailable."""
    from chalicelib.adapters.gateways import gateway_for

    return gateway_for(name, bound_settings())


def qr_renderer() -> QrRenderer:
    from chalicelib.adapters.qr_png import PngQrRenderer

    return PngQrRenderer()


@lru_cache(maxsize=1)
def counter_store() -> CounterStore:
    from chalicelib.adapters.counter_store import DynamoCounterStore

    bound_settings()
    return DynamoCounterStore()


def receipt_renderer() -> ReceiptRenderer:
    from chalicelib.adapters.receipt_pdf import FpdfReceiptRenderer

    return FpdfReceiptRenderer()


def drawer_renderer() -> DrawerReportRenderer:
    from chalicelib.adapters.drawer_pdf import FpdfDrawerReportRenderer

    return FpdfDrawerReportRenderer()


def paper_renderer() -> PaperCopyRenderer:
    from chalicelib.adapters.paper_pdf import FpdfPaperCopyRenderer

    return FpdfPaperCopyRenderer()


def application_changes(records: Iterable[Any]) -> Iterator[Change[Application]]:
    """The applications table's stream records as changes, each image decoded once."""
    from chalicelib.adapters.stream_changes import application_changes as decoded

    return decoded(records)


def payment_changes(records: Iterable[Any]) -> Iterator[Change[Payment]]:
    """The payments table's stream records as changes, each image decoded once."""
    from chalicelib.adapters.stream_changes import payment_changes as decoded

    return decoded(records)


def licence_changes(records: Iterable[Any]) -> Iterator[Change[Licence]]:
    """The licences table's stream records as changes, each image decoded once."""
    from chalicelib.adapters.stream_changes import licence_changes as decoded

    return decoded(records, accrues_late_fines_by_rule)


# Back office (issue 7): stateless adapters, built per call (nothing to cache or reset).
def audit_trail() -> AuditTrail:
    from chalicelib.adapters.audit_store import DynamoAuditTrail

    bound_settings()
    return DynamoAuditTrail()


def violation_store() -> ViolationStore:
    from chalicelib.adapters.violation_store import DynamoViolationStore

    bound_settings()
    return DynamoViolationStore()


def rollout_admin() -> RolloutAdmin:
    from chalicelib.adapters.rollout_admin import DynamoRolloutAdmin

    bound_settings()
    return DynamoRolloutAdmin()


def report_store() -> ReportStore:
    from chalicelib.adapters.report_store import DynamoReportStore

    bound_settings()
    return DynamoReportStore()


def aws_client(service: str, region_name: str):
    """A botocore client, as `boto3.client` would give, without importing boto3 (and s3transfer):
    that import alone costs a verification Lambda ~150 ms of its cold start (issue 8)."""
    with _CLIENT_LOCK:  # a botocore session is not safe to build clients from concurrently
        return _botocore_session().create_client(service, region_name=region_name)


@lru_cache(maxsize=1)
def _botocore_session():
    """One session per process, as boto3's default one: each new session loads the endpoint
    and retry data again (~170 ms per client)."""
    import botocore.session

    return botocore.session.get_session()


_CLIENT_LOCK = threading.Lock()
