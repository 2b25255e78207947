"""In-memory fakes of the storage ports (chalicelib/ports.py), over one shared `Tables`.

They keep the adapters' semantics, which tests/integration/contracts/ proves against DynamoDB:
versioned writes lose with ConcurrentUpdate, creates lose on a taken key, a missing key is
NotFound with the adapter's code, conditional puts answer False, and the audit trail, work lists
and report read what the stores wrote (as the indexes do). Listing pages end on an opaque
cursor; a cursor this API did not hand out is a ValidationFailed, as in the adapters.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Callable, Iterable, Mapping, Optional, Sequence

from chalicelib.domain.applications import Application
from chalicelib.domain.audit import ROLLOUT_AUDIT, AuditRecord
from chalicelib.domain.licences import Fine, Licence
from chalicelib.domain.payments import PAID, PENDING, Payment
from chalicelib.domain.licence_numbers import format_number
from chalicelib.errors import ConcurrentUpdate, NotFound, ValidationFailed
from chalicelib.domain.rate_limits import Limit
from chalicelib.domain.rate_limits import give_back as give_back_use, take as take_use
from chalicelib.domain.violations import Violation
from chalicelib.ports import (ApplicationStore, AuditTrail, LicenceStore, OnceStore,
                              Page, PaymentStore, PointerStore, RateLimiter, ReportStore,
                              RolloutAdmin, RolloutStore, ViolationStore, WorkLists)

SENT, CLAIMED = "sent", "claimed"


@dataclass
class Tables:
    """What the DynamoDB tables hold, as plain dicts (one lock: fakes may be used by threads)."""

    applications: dict[str, Application] = field(default_factory=dict)
    licences: dict[str, Licence] = field(default_factory=dict)
    payments: dict[str, Payment] = field(default_factory=dict)
    audit: dict[str, list[tuple[tuple, dict]]] = field(default_factory=dict)
    once: dict[str, dict] = field(default_factory=dict)
    rollout: dict[str, dict] = field(default_factory=dict)
    counters: dict[tuple[str, str], int] = field(default_factory=dict)
    sequences: dict[tuple[str, int], int] = field(default_factory=dict)
    violations: dict[str, Violation] = field(default_factory=dict)
    lock: threading.RLock = field(default_factory=threading.RLock)

    def append_audit(self, subject: str, record: AuditRecord) -> None:
        """The record under its own subject if it names one, else under `subject`."""
        trail = self.audit.setdefault(record.subject or subject, [])
        # The adapter's sort key: the instant, then `n` (records written together).
        trail.append(((record.at, record.n, len(trail)), record.public()))
        trail.sort(key=lambda item: item[0])


def page_of(items: Sequence, limit: int, cursor: Optional[str]) -> Page:
    """One page of `items`; the cursor is the offset of the next item, opaque to callers."""
    start = _offset(cursor)
    chunk = list(items[start:start + limit])
    more = start + limit < len(items)
    return Page(items=chunk, next_cursor=f"fake:{start + limit}" if more else None)


def _offset(cursor: Optional[str]) -> int:
    if not cursor:
        return 0
    prefix, _, number = cursor.partition(":")
    if prefix != "fake" or not number.isdigit():
        raise ValidationFailed(fields={"cursor": "not a cursor returned by this API"},
                               message_en="Invalid cursor", message_ar="مؤشر الصفحة غير صالح")
    return int(number)


def _versioned(stored: Optional[object], given_version: int) -> int:
    """The new version of a versioned write, or ConcurrentUpdate as the condition would."""
    stored_version = getattr(stored, "version", None)
    if stored is None and given_version == 0:
        return 1
    if stored is None or stored_version != given_version:
        raise ConcurrentUpdate()
    return given_version + 1


class FakeApplicationStore(ApplicationStore):
    def __init__(self, tables: Tables) -> None:
        self.tables = tables

    def get(self, application_id: str, consistent: bool = True) -> Application:
        found = self.tables.applications.get(application_id)
        if found is None:
            raise NotFound(message_en="application not found", message_ar="الطلب غير موجود",
                           code="application_not_found")
        return found

    def create(self, application: Application,
               audit: Sequence[AuditRecord] = ()) -> Application:
        with self.tables.lock:
            if application.id in self.tables.applications:
                raise ConcurrentUpdate()
            stored = replace(application, version=1)
            self.tables.applications[application.id] = stored
            for record in audit:
                self.tables.append_audit(f"APP#{application.id}", record)
        return stored

    def save(self, application: Application, audit: Sequence[AuditRecord]) -> Application:
        with self.tables.lock:
            version = _versioned(self.tables.applications.get(application.id),
                                 application.version)
            stored = replace(application, version=version)
            self.tables.applications[application.id] = stored
            for record in audit:
                self.tables.append_audit(f"APP#{application.id}", record)
        return stored

    def list_by_owner(self, owner: str, status: Optional[str], limit: int,
                      cursor: Optional[str]) -> Page:
        # As a Query with a filter: the limit counts the items read, the filter drops some.
        mine = sorted((a for a in self.tables.applications.values() if a.owner == owner),
                      key=lambda a: a.created_at, reverse=True)
        page = page_of(mine, limit, cursor)
        return replace(page, items=[a for a in page.items if status is None or a.status == status])

    def list_queue(self, district: str, status: str, limit: int, cursor: Optional[str],
                   service: Optional[str] = None, created_before: Optional[str] = None) -> Page:
        queue = sorted((a for a in self.tables.applications.values()
                        if a.queue_key == f"{district}#{status}"
                        and (service is None or a.service_code == service)
                        and (created_before is None or a.created_at < created_before)),
                       key=lambda a: a.created_at)
        return page_of(queue, limit, cursor)


class FakeLicenceStore(LicenceStore):
    def __init__(self, tables: Tables) -> None:
        self.tables = tables

    def get(self, number: str, consistent: bool = False) -> Licence:
        found = self.tables.licences.get(number)
        if found is None:
            raise NotFound(message_en="licence not found", message_ar="الرخصة غير موجودة",
                           code="licence_not_found")
        return found

    def create(self, licence: Licence) -> Licence:
        with self.tables.lock:
            if licence.number in self.tables.licences:
                raise ConcurrentUpdate()
            stored = replace(licence, version=1)
            self.tables.licences[licence.number] = stored
        return stored

    def save(self, licence: Licence, audit: Sequence[AuditRecord] = ()) -> Licence:
        with self.tables.lock:
            version = _versioned(self.tables.licences.get(licence.number), licence.version)
            stored = replace(licence, version=version)
            self.tables.licences[licence.number] = stored
            for record in audit:
                self.tables.append_audit(f"LIC#{licence.number}", record)
        return stored

    def create_numbered(self, build: Callable[[str], Licence], district: str, year: int,
                        attempts: int = 5) -> Licence:
        for _ in range(attempts):
            with self.tables.lock:
                sequence = self.tables.sequences.get((district, year), 0) + 1
                self.tables.sequences[(district, year)] = sequence
            try:
                return self.create(build(format_number(district, year, sequence)))
            except ConcurrentUpdate:
                continue
        raise ConcurrentUpdate(message_en="could not allocate a licence number",
                               message_ar="تعذر تخصيص رقم للرخصة")

    def list_by_holder(self, holder: str, limit: int, cursor: Optional[str]) -> Page:
        return page_of(self._sorted(lambda lic: lic.holder == holder), limit, cursor)

    def list_by_district(self, district: str, limit: int, cursor: Optional[str]) -> Page:
        return page_of(self._sorted(lambda lic: lic.district == district), limit, cursor)

    def _sorted(self, keep: Callable[[Licence], bool]) -> list[Licence]:
        return sorted((lic for lic in self.tables.licences.values() if keep(lic)),
                      key=lambda lic: lic.number)


class FakeWorkLists(WorkLists):
    """The by-expiry and the sparse by-accruing indexes, over the licences table."""

    def __init__(self, tables: Tables) -> None:
        self.tables = tables

    def ending_on(self, valid_until: str, number_prefix: str, limit: int,
                  cursor: Optional[str]) -> Page:
        return page_of(self._sorted(lambda lic: lic.valid_until == valid_until
                                    and lic.number.startswith(number_prefix)), limit, cursor)

    def sms_retrying(self, due_before: str, limit: int) -> list[Licence]:
        due = [lic for lic in list(self.tables.licences.values())
               if lic.sms_retry_due and lic.sms_retry_due < due_before]
        return sorted(due, key=lambda lic: lic.sms_retry_due)[:limit]

    def accruing(self, shard: str, limit: int, cursor: Optional[str]) -> Page:
        return page_of(self._sorted(lambda lic: lic.accruing_shard == shard), limit, cursor)

    def _sorted(self, keep: Callable[[Licence], bool]) -> list[Licence]:
        return sorted((lic for lic in list(self.tables.licences.values()) if keep(lic)),
                      key=lambda lic: lic.number)


class FakeOnceStore(OnceStore):
    def __init__(self, tables: Tables) -> None:
        self.tables = tables

    def decide(self, key: str, value: Mapping[str, object], now: datetime) -> Mapping[str, object]:
        with self.tables.lock:
            item = self.tables.once.setdefault(key, {"data": dict(value)})
            return dict(item.get("data") or {})

    def claim(self, key: str, now: datetime, lease_seconds: int) -> bool:
        stamp = int(now.timestamp())
        with self.tables.lock:
            item = self.tables.once.get(key)
            lapsed = item is not None and item.get("state") != SENT \
                and item.get("lease_until") is not None and item["lease_until"] < stamp
            if item is not None and not lapsed:
                return False
            self.tables.once[key] = {"state": CLAIMED, "lease_until": stamp + lease_seconds}
            return True

    def complete(self, key: str, data: Mapping[str, object]) -> None:
        with self.tables.lock:
            self.tables.once.setdefault(key, {}).update(state=SENT, data=dict(data))

    def release(self, key: str) -> None:
        with self.tables.lock:
            item = self.tables.once.get(key)
            if item is not None and item.get("state") != SENT:
                item["lease_until"] = 0


class FakePointerStore(PointerStore):
    def __init__(self, tables: Tables) -> None:
        self.tables = tables

    def point(self, key: str, ref: str, now: datetime, replacing: Optional[str] = None) -> bool:
        with self.tables.lock:
            item = self.tables.once.get(key)
            if item is not None and not (replacing and item.get("ref") == replacing):
                return False
            self.tables.once[key] = {"ref": ref}
            return True

    def ref(self, key: str) -> Optional[str]:
        return (self.tables.once.get(key) or {}).get("ref")


class FakeRateLimiter(RateLimiter):
    """The once table's rate# items as a dict: the same sliding-window rule, under the lock."""

    def __init__(self, tables: Tables) -> None:
        self.tables = tables

    def take(self, key: str, limit: Limit, now: datetime) -> int:
        with self.tables.lock:
            taken = take_use(self.tables.once.get(key, {}).get("uses", []), limit,
                             now.timestamp())
            if taken.allowed:
                self.tables.once[key] = {"uses": list(taken.uses)}
            return taken.retry_after_seconds

    def give_back(self, key: str, used_at: datetime) -> None:
        with self.tables.lock:
            if key in self.tables.once:
                uses = self.tables.once[key].get("uses", [])
                self.tables.once[key] = {"uses": list(give_back_use(uses, used_at.timestamp()))}


def _payment_not_found() -> NotFound:
    return NotFound(message_en="payment not found", message_ar="عملية الدفع غير موجودة",
                    code="payment_not_found")


class FakePaymentStore(PaymentStore):
    def __init__(self, tables: Tables) -> None:
        self.tables = tables

    def create(self, payment: Payment) -> Payment:
        with self.tables.lock:
            if payment.id in self.tables.payments:
                raise ConcurrentUpdate()
            stored = replace(payment, version=1)
            self.tables.payments[payment.id] = stored
        return stored

    def get(self, payment_id: str) -> Payment:
        found = self.tables.payments.get(payment_id) if payment_id else None
        if found is None:
            raise _payment_not_found()
        return found

    def record_event(self, payment: Payment, event_key: str) -> bool:
        with self.tables.lock:
            if event_key in self.tables.once:
                return False
            version = _versioned(self.tables.payments.get(payment.id), payment.version)
            self.tables.payments[payment.id] = replace(payment, version=version)
            self.tables.once[event_key] = {"ref": payment.id}
        return True

    def record_refund(self, payment: Payment, audit: AuditRecord) -> None:
        with self.tables.lock:
            version = _versioned(self.tables.payments.get(payment.id), payment.version)
            self.tables.payments[payment.id] = replace(payment, version=version)
            self.tables.append_audit(f"APP#{payment.application_id}", audit)

    def mark(self, payment_id: str, flag_reason: str, at: str) -> None:
        with self.tables.lock:
            payment = self.get(payment_id)
            if payment.flag_reason != flag_reason:
                self.tables.payments[payment_id] = replace(
                    payment, flag_reason=flag_reason, updated_at=at, version=payment.version + 1)

    def list_by_application(self, application_id: str) -> list[Payment]:
        return sorted((p for p in self.tables.payments.values()
                       if p.application_id == application_id),
                      key=lambda p: p.created_at, reverse=True)

    def list_by_day(self, day: str, district: Optional[str] = None) -> list[Payment]:
        return sorted((p for p in self.tables.payments.values()
                       if p.day == day and (district is None or p.district == district)),
                      key=lambda p: p.created_at)

    def mark_applied(self, payment_id: str, at: str) -> None:
        with self.tables.lock:
            payment = self.tables.payments[payment_id]
            if not payment.applied_at:
                self.tables.payments[payment_id] = replace(payment, applied_at=at,
                                                           version=payment.version + 1)

    def list_unapplied(self, paid_before: str, limit: int) -> list[Payment]:
        return sorted((p for p in self.tables.payments.values()
                       if p.status == PAID and not p.applied_at and not p.flag_reason
                       and p.paid_at < paid_before), key=lambda p: p.paid_at)[:limit]

    def list_pending(self, created_before: str, limit: int) -> list[Payment]:
        return sorted((p for p in self.tables.payments.values()
                       if p.status == PENDING and p.created_at < created_before),
                      key=lambda p: p.created_at)[:limit]


class FakeAuditTrail(AuditTrail):
    def __init__(self, tables: Tables) -> None:
        self.tables = tables

    def list(self, subject: str, limit: int, cursor: Optional[str],
             newest_first: bool = False) -> Page:
        records = [record for _, record in self.tables.audit.get(subject, [])]
        return page_of(records[::-1] if newest_first else records, limit, cursor)


class FakeRolloutStore(RolloutStore):
    def __init__(self, tables: Tables) -> None:
        self.tables = tables

    def all(self) -> dict[str, tuple[str, ...]]:
        return {code: tuple(row["districts"]) for code, row in sorted(self.tables.rollout.items())}

    def seed(self, defaults: Mapping[str, Iterable[str]], at: str) -> None:
        with self.tables.lock:
            for code, districts in defaults.items():
                self.tables.rollout.setdefault(code, {"districts": sorted(set(districts)),
                                                      "updated_at": at, "updated_by": "seed"})


class FakeRolloutAdmin(RolloutAdmin):
    def __init__(self, tables: Tables) -> None:
        self.tables = tables

    def entries(self) -> list[dict]:
        return [{"service_code": code, "districts": list(row["districts"]),
                 "updated_at": row["updated_at"], "updated_by": row["updated_by"]}
                for code, row in sorted(self.tables.rollout.items())]

    def set_live(self, service_code: str, district: str, live: bool, by: str, at: str,
                 audit: AuditRecord, attempts: int = 5) -> tuple[tuple[str, ...], tuple[str, ...]]:
        with self.tables.lock:
            row = self.tables.rollout.get(service_code)
            before = tuple(row["districts"]) if row else ()
            after = tuple(sorted(set(before) | {district} if live else set(before) - {district}))
            self.tables.rollout[service_code] = {"districts": list(after), "updated_at": at,
                                                 "updated_by": by}
            self.tables.append_audit(ROLLOUT_AUDIT, replace(
                audit, from_status="live" if district in before else "not_live",
                to_status="live" if live else "not_live",
                data={"service_code": service_code, "district": district,
                      "districts_before": list(before), "districts_after": list(after)}))
        return before, after


class FakeReportStore(ReportStore):
    def __init__(self, tables: Tables) -> None:
        self.tables = tables

    def apply_once(self, key: str, increments: Mapping[tuple[str, str], int],
                   now: datetime) -> bool:
        with self.tables.lock:
            if key in self.tables.once:
                return False
            self.tables.once[key] = {"at": now.isoformat()}
            for counter, amount in increments.items():
                self.tables.counters[counter] = self.tables.counters.get(counter, 0) + amount
        return True

    def counters(self, district: str) -> dict[str, int]:
        return {name: value for (d, name), value in sorted(self.tables.counters.items())
                if d == district}

    def licence_fines(self, district: str) -> Iterable[Fine]:
        for licence in list(self.tables.licences.values()):
            if licence.district == district:
                yield from licence.fines


class FakeViolationStore(ViolationStore):
    def __init__(self, tables: Tables) -> None:
        self.tables = tables

    def create(self, violation: Violation, audit: AuditRecord) -> tuple[Violation, bool]:
        with self.tables.lock:
            stored = self.tables.violations.get(violation.id)
            if stored is not None:
                return stored, False
            self.tables.violations[violation.id] = violation
            self.tables.append_audit(f"VIO#{violation.id}", audit)
            return violation, True

    def get(self, violation_id: str) -> Violation:
        with self.tables.lock:
            if violation_id not in self.tables.violations:
                raise NotFound(message_en="violation report not found",
                               message_ar="البلاغ غير موجود", code="violation_not_found")
            return self.tables.violations[violation_id]

    def list_by_district(self, district: str, limit: int, cursor: Optional[str]) -> Page:
        with self.tables.lock:
            mine = [v for v in self.tables.violations.values() if v.district == district]
        mine.sort(key=lambda v: (v.reported_at, v.id), reverse=True)
        return page_of(mine, limit, cursor)
