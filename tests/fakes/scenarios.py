"""Steps the use-case tests share, each one real use case over a `World` of fakes: apply, pay
through the gateway's own callback, let the payments stream's step move the application on."""
from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any, Optional

from chalicelib.auth import Principal
from chalicelib.domain.catalogue import Catalogue, load_catalogue
from chalicelib.domain.commands import ApplicantInput, NewApplication, SiteInput
from chalicelib.usecases import applications, issuance, payments
from tests.fakes import VERIFY_BASE_URL, World

SHOP_DETAILS = {"activity": "بقالة", "area_m2": 40, "commercial_register_no": "12345"}
ADVERT_DETAILS = {"sign_type": "wall", "sign_width_m": 3, "sign_height_m": 1.5, "faces": 1}


def citizen(sub: Optional[str] = None) -> Principal:
    return Principal(sub=sub or f"citizen-{uuid.uuid4().hex[:8]}", role="citizen")


def officer(district: str = "EAST") -> Principal:
    return Principal(sub=f"officer-{uuid.uuid4().hex[:8]}", role="officer", district=district)


def admin() -> Principal:
    return Principal(sub="admin-1", role="admin")


def catalogue() -> Catalogue:
    return load_catalogue()


def live_world() -> World:
    """A world whose services are live where the catalogue says (as the local stack is seeded)."""
    world = World()
    world.rollout.seed({s.code: s.default_districts for s in catalogue().services},
                       "2026-01-01T00:00:00.000Z")
    return world


def new_application(service_code: str = "shop-first", district: str = "EAST",
                    details: Optional[dict[str, Any]] = None, **applicant: str) -> NewApplication:
    return NewApplication(
        service_code=service_code, district=district,
        applicant=ApplicantInput(name=applicant.get("name", "محمد أحمد علي"),
                                 national_id=applicant.get("national_id", "29001010201234"),
                                 mobile=applicant.get("mobile", "01012345678")),
        site=SiteInput(lat=31.2089, lng=29.9092, address="12 شارع فؤاد، الإسكندرية"),
        details=SHOP_DETAILS if details is None else details)


def apply(world: World, caller: Principal, command: Optional[NewApplication] = None):
    return applications.create_application(command or new_application(), caller, catalogue(),
                                           world.rollout.all(), world.applications,
                                           world.bounds(), world.clock(), world.licences)


def pay_what_is_due(world: World, caller: Principal, application_id: str, success: bool = True,
                    amount: Optional[int] = None):
    """Checkout, the gateway's callback through the webhook, then the payments stream's step.
    Returns (the payment as the webhook left it, the advance's result)."""
    started = payments.start_payment(application_id, world.gateway.name, caller,
                                     world.applications, world.payments, world.gateways(),
                                     world.bounds(), catalogue(), world.files, world.clock())
    query, body = world.gateway.simulated_callback(
        started.merchant_reference, started.amount_piasters if amount is None else amount,
        success, f"tx-{uuid.uuid4().hex[:12]}")
    outcome = payments.receive_webhook(world.gateway.name, {}, query, body, world.gateways(),
                                       world.payments, world.clock())
    advanced = payments.advance_for_payment(outcome.payment, world.applications, world.payments,
                                            catalogue(), world.clock())
    # What follows happens a moment later, as it would: the trail orders records of one instant
    # by their place in one write, not across writes.
    world.clock.now += timedelta(milliseconds=1)
    return outcome.payment, advanced


def issuance_ports(world: World) -> issuance.IssuancePorts:
    return issuance.IssuancePorts(applications=world.applications, licences=world.licences,
                                  pointers=world.pointers, signer=world.signer, files=world.files,
                                  notifications=world.notifications, catalogue=catalogue(),
                                  render_qr=world.qr, clock=world.clock,
                                  verify_base_url=VERIFY_BASE_URL)


def hand_in_documents(world: World, holder: Principal, application_id: str) -> None:
    """The owner uploads every document the service requires (each slot's first accepted type):
    the upload form is signed, then the file is put where the browser would post it. An officer
    approves nothing without them."""
    from chalicelib.domain.commands import DocumentUpload
    from chalicelib.usecases import backoffice

    services = catalogue()
    app = world.applications.get(application_id)
    for slot in services.service(app.service_code).required_documents:
        upload = DocumentUpload(slot=slot,
                                content_type=services.document_slots[slot].accepted_types[0])
        _, form = backoffice.request_document_upload(application_id, upload, holder,
                                                     world.applications, world.files,
                                                     world.clock(), services)
        world.files.put(form["fields"]["key"], b"scanned", upload.content_type)


def approved_and_paid(world: World, holder: Principal, command: Optional[NewApplication] = None):
    """An application through payment, review and approval to `licence_paid`."""
    from chalicelib.domain.commands import Decision
    from chalicelib.usecases import backoffice

    app = apply(world, holder, command)
    hand_in_documents(world, holder, app.id)
    pay_what_is_due(world, holder, app.id)
    backoffice.decide(app.id, Decision("approve"), officer(app.district), catalogue(),
                      world.applications, world.files, world.clock())
    pay_what_is_due(world, holder, app.id)
    return world.applications.get(app.id)
