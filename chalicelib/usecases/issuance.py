"""Issue the e-licence when an application reaches `licence_paid` (everything due is paid).

Triggered by the applications stream; a redelivered record issues nothing twice:
- first-time: the once item `issue#<application id>` points at the licence number before the
  licence is written (conditional writes), so a rerun finds and finishes the same licence;
- renewal: the licence's `renewals` list names the application that extended it.
Then the seal is signed (KMS), the QR PNG stored (S3), the holder's SMS queued on the outbox
(chalicelib/usecases/outbox.py: SNS never blocks issuance) and the application moved to `issued`.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Callable, Optional

from chalicelib import metrics
from chalicelib.domain import issuance as rules
from chalicelib.domain import notifications as notices
from chalicelib.domain import replacement
from chalicelib.domain.applications import ISSUED, LICENCE_PAID, SYSTEM, Application, transition
from chalicelib.domain.audit import AuditRecord
from chalicelib.domain.calendar import cairo_date
from chalicelib.domain.catalogue import Catalogue
from chalicelib.domain.licences import Licence
from chalicelib.domain.seal import sign_seal, verify_url
from chalicelib.conflicts import retry_on_conflict
from chalicelib.errors import ConcurrentUpdate, NotFound
from chalicelib.observability import logger
from chalicelib.ports import (ApplicationStore, FileStore, LicenceStore, Notifications,
                              PointerStore, QrRenderer, SealSigner)
from chalicelib.usecases.applications import audit_record


@dataclass(frozen=True)
class IssuancePorts:
    applications: ApplicationStore
    licences: LicenceStore
    pointers: PointerStore  # issue#<application id> -> number; short link code -> seal
    signer: SealSigner
    files: FileStore
    notifications: Notifications
    catalogue: Catalogue
    render_qr: QrRenderer
    clock: Callable[[], datetime]
    verify_base_url: str
    short_link_host: str = ""


class _ClaimedElsewhere(Exception):
    """Another delivery already chose this application's licence number."""


def issue_if_paid(application_id: str, ports: IssuancePorts) -> Optional[Licence]:
    """Issue (or renew) the licence of a `licence_paid` application; None if there is nothing
    to do (not paid yet, or already issued)."""
    app = ports.applications.get(application_id)  # consistent: the stream image may be stale
    if app.status != LICENCE_PAID:
        return None
    now = ports.clock()
    renewal = rules.is_renewal(app)
    licence = _renew(app, ports, now) if renewal else _first(app, ports, now)
    if replacement.replaces(app.case):
        _supersede_replaced(app, licence, ports)
    link = publish_short_link(licence, ports.pointers, ports.verify_base_url, now)
    event = rules.RENEWED_EVENT if renewal else rules.ISSUED_EVENT
    # Queued before the application moves on: a crash in between re-queues on redelivery and the
    # outbox's once-claim on the key still sends one message.
    notify_licence(licence, event, ports.notifications,
                   ports.short_link_host or ports.verify_base_url)
    _mark_issued(app, licence, event, ports, now)
    metrics.count(metrics.LICENCES_ISSUED, 1, ("event", event))
    logger.info("licence issued", extra={"application_id": app.id, "number": licence.number,
                                         "event": event, "valid_until": licence.valid_until,
                                         "short_link": bool(link)})
    return licence


LICENCE_TEMPLATES = {rules.ISSUED_EVENT: notices.LICENCE_ISSUED,
                     rules.RENEWED_EVENT: notices.LICENCE_RENEWED,
                     rules.RESEND_EVENT: notices.LICENCE_RESENT}


def notify_licence(licence: Licence, event: str, notifications: Notifications,
                   short_link_host: str, request_id: str = "") -> bool:
    """Queue the holder's licence SMS (its short link), reported on the licence's `sms` record;
    one per term for issue and renewal, one per request for a resend."""
    link = notices.short_link(short_link_host, rules.short_code(licence.seal_token))
    return notifications.notify(rules.sms_key(event, licence, request_id), notices.SMS,
                                licence.holder_mobile, LICENCE_TEMPLATES[event], {"link": link},
                                licence=licence.number)


def _first(app: Application, ports: IssuancePorts, now: datetime) -> Licence:
    service = ports.catalogue.service(app.service_code)
    if service is None:
        raise ValueError(f"application {app.id} names an unknown service {app.service_code}")
    term = rules.first_term(cairo_date(now), service.validity_months)
    claim_key = f"issue#{app.id}"
    claimed = ports.pointers.ref(claim_key)
    if claimed:
        return _finish(claimed, app, term, ports, now)
    pointed: list[str] = []

    def build(number: str) -> Licence:
        # Point the application at this number before writing the licence; a number the
        # counter hands out twice (the create fails) is replaced by the next one.
        if not ports.pointers.point(claim_key, number, now,
                                    replacing=pointed[-1] if pointed else None):
            raise _ClaimedElsewhere()
        pointed.append(number)
        return sealed(_new_licence(app, number, term, now, ports), ports)

    try:
        return ports.licences.create_numbered(build, app.district, term[0].year)
    except _ClaimedElsewhere:
        return _finish(ports.pointers.ref(claim_key) or "", app, term, ports, now)


def _supersede_replaced(app: Application, licence: Licence, ports: IssuancePorts) -> None:
    """The licence an amendment, transfer or duplicate replaces now points at the new one (its
    seal verifies as superseded). Idempotent: a redelivered record finds it done."""
    number = app.details.get("licence_number", "")

    def attempt() -> None:
        old = ports.licences.get(number, consistent=True)
        if old.superseded_by == licence.number:
            return
        changed = replacement.superseded(old, licence.number)
        ports.licences.save(changed, [AuditRecord(
            subject=f"LIC#{old.number}", at=licence.issued_at, actor=SYSTEM.sub, role=SYSTEM.role,
            district=old.district, action="supersede", to_status=old.status,
            data={"superseded_by": licence.number, "application_id": app.id, "case": app.case})])

    retry_on_conflict(attempt)


def _finish(number: str, app: Application, term, ports: IssuancePorts, now: datetime) -> Licence:
    """The number is chosen; the licence may or may not be written yet (a crash in between)."""
    try:
        return ports.licences.get(number, consistent=True)
    except NotFound:
        pass
    try:
        return ports.licences.create(sealed(_new_licence(app, number, term, now, ports), ports))
    except ConcurrentUpdate:
        return ports.licences.get(number, consistent=True)


def _renew(app: Application, ports: IssuancePorts, now: datetime) -> Licence:
    service = ports.catalogue.service(app.service_code)
    if service is None:
        raise ValueError(f"application {app.id} names an unknown service {app.service_code}")

    def attempt() -> Licence:
        licence = ports.licences.get(app.renewal_of, consistent=True)
        if rules.renewed_by(licence, app.id):
            return licence
        term = rules.renewal_term(licence, service.validity_months)
        renewed = replace(rules.renew(licence, app, term, now),
                          accrues_late_fines=_accrues_late_fines(app, ports))
        return ports.licences.save(sealed(renewed, ports))

    return retry_on_conflict(attempt)


def _new_licence(app: Application, number: str, term, now: datetime,
                 ports: IssuancePorts) -> Licence:
    return rules.new_licence(app, number, term, now, _accrues_late_fines(app, ports))


def _accrues_late_fines(app: Application, ports: IssuancePorts) -> bool:
    return ports.catalogue.accrues_late_fines(app.service_code, app.kind)


def sealed(licence: Licence, ports: IssuancePorts) -> Licence:
    """Sign the licence's seal, draw its QR and store the PNG; the licence records both."""
    token = sign_seal(rules.seal_claims(licence, ports.signer.key_id), ports.signer,
                      ports.catalogue.seal_codes)
    image = ports.render_qr.render(verify_url(ports.verify_base_url, token))
    key = rules.qr_key(licence.number, token)
    ports.files.put(key, image.png, "image/png")
    return replace(licence, seal_token=token, qr_key=key)


def publish_short_link(licence: Licence, pointers: PointerStore, verify_base_url: str,
                       now: datetime) -> str:
    """`<verify base>/s/<code>` redirects to the seal's verify URL (the SMS link). The code is
    derived from the seal, so publishing twice is harmless."""
    if not licence.seal_token:
        return ""
    code = rules.short_code(licence.seal_token)
    pointers.point(rules.short_link_key(code), licence.seal_token, now)
    return short_link(verify_base_url, licence.seal_token)


def short_link(verify_base_url: str, token: str) -> str:
    return f"{verify_base_url.rstrip('/')}/s/{rules.short_code(token)}"


def _mark_issued(app: Application, licence: Licence, event: str, ports: IssuancePorts,
                 now: datetime) -> Application:
    latest = [app]

    def attempt() -> Application:
        app = latest[0]
        if app.status == ISSUED:
            return app
        changed = replace(transition(app, "issue", SYSTEM, now), licence_number=licence.number)
        audit = [audit_record(changed, app.status, SYSTEM, action="issue"),
                 AuditRecord(subject=f"LIC#{licence.number}", at=changed.updated_at,
                             actor=SYSTEM.sub, role=SYSTEM.role, district=licence.district,
                             action=event, to_status=licence.status,
                             data={"application_id": app.id, "valid_from": licence.valid_from,
                                   "valid_until": licence.valid_until,
                                   "qr_key": licence.qr_key})]
        return ports.applications.save(changed, audit)

    def reread() -> None:
        latest[0] = ports.applications.get(latest[0].id)

    return retry_on_conflict(attempt, on_conflict=reread)
