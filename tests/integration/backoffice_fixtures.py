"""Back-office fixtures: applications already under review, and licences, in the emulator.

Payments are another area's work: an application reaches review here the way the payment
path moves it (the domain's own transitions), written with its audit records."""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone
from typing import Optional

from chalicelib.auth import Principal
from chalicelib.domain import backoffice
from chalicelib.domain.applications import SYSTEM, Application, advance_after_payment, after_paid
from chalicelib.domain.catalogue import load_catalogue
from chalicelib.usecases.applications import audit_record, new_application
from chalicelib.usecases.backoffice import trail
from tests.integration.lifecycle_fakes import make_licence, unique_night

APPLICANT = {"name": "محمد أحمد علي", "national_id": "29001010201234", "mobile": "+201012345678"}
SITE = {"lat": 31.2089, "lng": 29.9092, "address": "12 شارع فؤاد، الإسكندرية"}
ADVERT = {"sign_type": "wall", "sign_width_m": 3, "sign_height_m": 1.5, "faces": 1}


def now() -> datetime:
    return datetime.now(timezone.utc)


def submitted(owner: str, district: str = "EAST", service_code: str = "advertisement-first",
              details: Optional[dict] = None, documents: bool = False) -> Application:
    """A new application; `documents`: with every document its service requires recorded, as
    the API records one when it signs its upload, and its file in the store, as the browser's
    upload leaves it (an officer approves nothing without them)."""
    from chalicelib.wiring import application_store, file_store

    catalogue = load_catalogue()
    service = catalogue.service(service_code)
    app = new_application(service, district, Principal(owner, "citizen"), dict(APPLICANT),
                          dict(SITE), dict(details or ADVERT), now())
    for slot in service.required_documents if documents else ():
        document_id = uuid.uuid4().hex
        content_type = catalogue.document_slots[slot].accepted_types[0]
        key = f"documents/{app.id}/{document_id}"
        app, _ = backoffice.add_document(app, document_id, slot, content_type, key, owner, now(),
                                         catalogue.document_slots)
        file_store().put(key, b"scanned", content_type)
    return application_store().create(app, audit=[audit_record(app, None, Principal(owner, "citizen"))])


def reviewing(owner: str, district: str = "EAST", service_code: str = "advertisement-first",
              details: Optional[dict] = None, documents: bool = False) -> Application:
    """Submitted, paid (as the payment path would record it) and under review."""
    from chalicelib.wiring import application_store

    app = submitted(owner, district, service_code, details, documents)
    paid = advance_after_payment(app, f"pay-{uuid.uuid4().hex[:8]}", now())
    review = after_paid(paid, [], now())
    return application_store().save(review, trail(app, review, SYSTEM))


def with_inspection(app: Application, by: str = "officer-x") -> tuple[Application, str]:
    from chalicelib.wiring import application_store

    changed, inspection = backoffice.schedule_inspection(
        app, uuid.uuid4().hex, now() + timedelta(days=2), "Eng. Samir Fahmy", by, now())
    return application_store().save(changed, trail(app, changed, SYSTEM,
                                                   action="schedule_inspection")), inspection["id"]


def licence(holder: str, district: str = "EAST", **kw):
    from chalicelib.wiring import licence_store

    return licence_store().create(make_licence(holder, unique_night(), district=district, **kw))


def violation(district: str = "EAST") -> str:
    """A violation report an inspector of the district sent, by its id."""
    from chalicelib.auth import Principal
    from chalicelib.domain.violations import ReportInput
    from chalicelib.usecases.violations import report
    from chalicelib.wiring import file_store, licence_store, violation_store

    body = ReportInput(kind="no_licence", lat=31.2156, lng=29.9553, note="",
                       observed_at=now().isoformat(), idempotency_key=uuid.uuid4().hex)
    inspector = Principal(sub=f"inspector-{uuid.uuid4().hex[:6]}", role="officer", district=district)
    view, _ = report(body, inspector, violation_store(), licence_store(), file_store(), now())
    return view["id"]


def payment(app: Application):
    """A pending sandbox payment of the application, as its owner's checkout would start it."""
    from chalicelib.domain.payments import new_payment
    from chalicelib.wiring import payment_store

    started = new_payment(f"PAY-{uuid.uuid4().hex[:20].upper()}", app.id, app.owner, app.district,
                          app.status, app.fees_due, "sandbox", now())
    payment_store().create(started)
    return started


def counter_payment(owner: str, district: str = "EAST", clerk_sub: str = "") -> str:
    """A paid counter payment with a numbered receipt, taken by a clerk of `district` (the one
    named, else a new one), for a fresh submitted application of `owner`; its id."""
    from chalicelib.usecases.counter import record_payment
    from chalicelib.wiring import (application_store, catalogue, counter_store, file_store,
                                   payment_store)

    app = submitted(owner, district)
    clerk = Principal(clerk_sub or f"clerk-{uuid.uuid4().hex[:8]}", "clerk", district,
                      name="Clerk")
    payment, _ = record_payment(app.id, "cash", clerk, application_store(), payment_store(),
                                counter_store(), catalogue(), file_store(), now())
    return payment.id
