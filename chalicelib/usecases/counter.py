"""The district technology centre's counter: a clerk enters a walk-in citizen's application,
takes the fees in cash or by card, prints a numbered receipt, and closes the cash drawer at the
end of the day (docs/counter.md)."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Mapping

from chalicelib.authorization import Resource, authorize, district_in_scope
from chalicelib.conflicts import retry_on_conflict
from chalicelib.domain import counter as domain
from chalicelib.domain import payments as payment_rules
from chalicelib.domain.applications import Application
from chalicelib.domain.calendar import cairo_date
from chalicelib.domain.catalogue import Catalogue
from chalicelib.domain.commands import NewApplication
from chalicelib.domain.fees import total
from chalicelib.errors import Conflict, Forbidden, NotFound, ValidationFailed
from chalicelib.domain.printing import PrintableDrawer, PrintableReceipt
from chalicelib.ports import (ApplicationStore, CounterStore, DrawerClosed, DrawerReportRenderer,
                              FileStore, LicenceReader, PaymentStore, ReceiptRenderer)
from chalicelib.usecases.applications import (_service, audit_record, check_live,
                                              check_replacement, get_application, new_application,
                                              validate_applicant_and_site, validate_details)
from chalicelib.usecases import documents
from chalicelib.usecases.payments import apply_incoming

if TYPE_CHECKING:  # types only: this module pulls PyJWT into every worker
    from chalicelib.auth import Principal

RECEIPT_URL_SECONDS = 900
RECEIPT_FORMATS = ("a4", "thermal")


# ------------------------------------------------------------------------ walk-in application

def create_walk_in(body: NewApplication, caller: Principal, catalogue: Catalogue,
                   rollout: Mapping[str, tuple[str, ...]], store: ApplicationStore,
                   now: datetime, licences: LicenceReader) -> Application:
    """An application entered by a clerk for a citizen at the counter. It belongs to the
    citizen's mobile (E.164), the identity they sign in with; the audit trail keeps the clerk's
    role and display name, the timeline only the role."""
    authorize(caller, "counter.create_application", Resource(district=body.district,
                                                             kind="district"))
    service = _service(catalogue, body.service_code)
    if service.case == "renewal":
        raise ValidationFailed(fields={"service_code": "التجديد يطلب من صفحة الرخصة / renewals are requested from the licence"})
    check_live(rollout, service, body.district, catalogue)
    applicant, site = validate_applicant_and_site(body.applicant, body.site, body.district,
                                                  cairo_date(now), catalogue)
    details = check_replacement(service, body.district, validate_details(service, body.details),
                                applicant["mobile"], licences)
    app = replace(new_application(service, body.district, caller, applicant, site, details, now),
                  owner=applicant["mobile"])
    record = replace(audit_record(app, None, caller, action="submit_at_counter"),
                     data={"channel": domain.GATEWAY, "entered_by": caller.name or None,
                           "entered_by_role": caller.role, "centre": caller.district})
    return store.create(app, audit=[record])


# ---------------------------------------------------------------------------- counter payment

def record_payment(application_id: str, method: str, caller: Principal, apps: ApplicationStore,
                   payments: PaymentStore, counter: CounterStore, catalogue: Catalogue,
                   files: FileStore, now: datetime) -> tuple[payment_rules.Payment, bool]:
    """Take exactly the fees due now, at the counter; (payment, created now).

    The payment id names these fees of this application at this status, so a replay or a
    second clerk's simultaneous request finds the same payment and records nothing new. The
    payment is settled through the gateways' exactly-once path; the payments stream then moves
    the application on. 409 if nothing is due, the fees are paid already, the clerk's drawer
    for today is closed, or the payment would approve the application (no review) before the
    documents it requires were scanned in."""
    if method not in domain.METHODS:
        raise ValidationFailed(fields={"method": "نقدًا أو بالبطاقة / cash or card"})
    app = get_application(application_id, caller, apps, "counter.pay")
    due = app.fees_due
    if not due or app.amount_due_piasters <= 0:
        raise Conflict(code="nothing_due", message_en="nothing is due on this application now",
                       message_ar="لا توجد رسوم مستحقة على هذا الطلب الآن")
    payment_id = domain.counter_payment_id(app.id, app.status, due)
    earlier = payments.list_by_application(app.id)
    mine = next((p for p in earlier if p.id == payment_id), None)
    if mine is None and any(p.status == payment_rules.PAID and p.application_status == app.status
                            and payment_rules.settles(p, due) for p in earlier):
        raise Conflict(code="already_paid",
                       message_en="these fees are already paid; the application moves on shortly",
                       message_ar="تم دفع هذه الرسوم بالفعل، وستتحدث حالة الطلب خلال لحظات")
    if mine is None:
        documents.check_before_payment(app, catalogue, files)
    day = cairo_date(now)
    if mine is None and counter.drawer(day.isoformat(), caller.district, caller.sub):
        raise _drawer_closed()
    draft = replace(payment_rules.new_payment(payment_id, app.id, app.owner, app.district,
                                              app.status, due, domain.GATEWAY, now),
                    counter=domain.counter_details(method, caller.sub, caller.name,
                                                   day.isoformat()))
    try:
        stored = mine or retry_on_conflict(
            lambda: counter.create_numbered(draft, app.district, day.year), attempts=10)
    except DrawerClosed:
        raise _drawer_closed() from None
    outcome = apply_incoming(stored.id, domain.settlement(stored), payments, now)
    return outcome.payment, mine is None and outcome.result == "accepted"


def _drawer_closed() -> Conflict:
    return Conflict(code="drawer_closed",
                    message_en="your cash drawer for today is closed: no more counter payments today",
                    message_ar="تم إغلاق درج النقدية الخاص بك لهذا اليوم، فلا تقبل مدفوعات أخرى اليوم")


# -------------------------------------------------------------------------------- the receipt

def receipt_pdf(payment_id: str, paper: str, caller: Principal, payments: PaymentStore,
                apps: ApplicationStore, catalogue: Catalogue, files: FileStore,
                render: ReceiptRenderer) -> dict:
    """Render a paid counter payment's receipt (A4 or 80 mm thermal), store it, link to it."""
    if paper not in RECEIPT_FORMATS:
        raise ValidationFailed(fields={"format": "a4 أو thermal / a4 or thermal"})
    authorize(caller, "counter.receipt")
    payment = payments.get(payment_id)
    authorize(caller, "counter.receipt", Resource(district=payment.district, kind="payment"))
    if payment.gateway != domain.GATEWAY or payment.status != payment_rules.PAID or not payment.counter:
        raise NotFound(code="receipt_not_found", message_en="no counter receipt for this payment",
                       message_ar="لا يوجد إيصال شباك لهذه العملية")
    app = apps.get(payment.application_id)
    pdf = render.render(printable(payment, app, catalogue), paper)
    key = f"receipts/{payment.id}/{paper}.pdf"
    files.put(key, pdf, "application/pdf")
    return {"receipt_number": payment.counter["receipt_number"], "format": paper,
            "url": files.presigned_get_url(key, RECEIPT_URL_SECONDS)}


def printable(payment: payment_rules.Payment, app: Application,
              catalogue: Catalogue) -> PrintableReceipt:
    service = catalogue.service(app.service_code)
    district_ar, district_en = catalogue.district_names().get(
        payment.district, (payment.district, payment.district))
    counter = payment.counter or {}
    return PrintableReceipt(
        number=str(counter.get("receipt_number", "")), application_id=app.id,
        service_ar=service.name_ar if service else app.service_code,
        service_en=service.name_en if service else app.service_code,
        district_ar=district_ar, district_en=district_en,
        citizen_name=str(app.applicant.get("name", "")),
        lines=tuple((line.name_ar, line.name_en, line.amount_piasters) for line in payment.lines),
        total_piasters=total(payment.lines), method=str(counter.get("method", "")),
        clerk_name=str(counter.get("clerk_name", "")), paid_at=payment.paid_at,
        payment_id=payment.id)


# ---------------------------------------------------------------------------------- the drawer

def close_drawer(counted_piasters: int, caller: Principal, counter: CounterStore,
                 payments: PaymentStore, now: datetime) -> dict:
    """Close the clerk's drawer for today (Cairo) with the cash counted; once per day (409)."""
    authorize(caller, "counter.drawer")
    day = cairo_date(now).isoformat()
    try:
        closing = domain.closing(day, caller.district, caller.sub, caller.name, counted_piasters, now)
    except ValueError:
        raise ValidationFailed(fields={"counted_piasters": "مبلغ غير صالح / a non-negative amount in piasters"}) from None
    if not counter.close_drawer(closing):
        raise Conflict(code="drawer_already_closed",
                       message_en="your cash drawer for today is already closed",
                       message_ar="درج النقدية الخاص بك لهذا اليوم مغلق بالفعل")
    return drawer_summary(caller, counter, payments, now)


def drawer_summary(caller: Principal, counter: CounterStore, payments: PaymentStore,
                   now: datetime) -> dict:
    """Today's drawer of the calling clerk: what they took, what it should hold, and whether
    it is closed (with the count and the difference)."""
    authorize(caller, "counter.drawer")
    day = cairo_date(now).isoformat()
    mine = [p for p in payments.list_by_day(day, caller.district)
            if p.gateway == domain.GATEWAY and (p.counter or {}).get("clerk") == caller.sub]
    closing = counter.drawer(day, caller.district, caller.sub)
    rows = domain.drawer_report(mine, [closing] if closing else [], {caller.sub: caller.name})
    row = rows[0] if rows else {"day": day, "district": caller.district, "clerk": caller.sub,
                                "clerk_name": caller.name, "expected_cash_piasters": 0,
                                "counted_cash_piasters": None, "difference_piasters": None,
                                "closed": False, "closed_at": None, "flagged": False}
    return {**row, "payments": [{"payment_id": p.id, "application_id": p.application_id,
                                 "receipt_number": (p.counter or {}).get("receipt_number"),
                                 "method": (p.counter or {}).get("method"),
                                 "status": p.status, "amount_piasters": p.amount_piasters}
                                for p in sorted(mine, key=lambda p: p.created_at)]}


# ---------------------------------------------------------------------------- drawer report

DRAWER_REPORT_URL_SECONDS = 900


def drawer_report_pdf(day: str | None, clerk: str | None, district: str | None,
                      caller: Principal, counter: CounterStore, payments: PaymentStore,
                      catalogue: Catalogue, files: FileStore, render: DrawerReportRenderer,
                      now: datetime) -> dict:
    """A clerk's drawer for a Cairo day (open or closed) as a bilingual PDF: every counter
    payment they took, the cash expected and counted, the difference. A clerk prints their own;
    an officer any clerk of their district; an admin any, naming the district."""
    scope = district_in_scope(caller, "counter.drawer_report", district)
    day = day or cairo_date(now).isoformat()
    if not _is_day(day):
        raise ValidationFailed(fields={"day": "تاريخ بصيغة YYYY-MM-DD / a day as YYYY-MM-DD"})
    if caller.role == "clerk":
        if clerk and clerk != caller.sub:
            raise Forbidden(message_en="clerks print their own drawer only",
                            message_ar="يطبع الموظف تقرير درجه فقط", code="other_clerk")
        clerk = caller.sub
    if not clerk:
        raise ValidationFailed(fields={"clerk": "اذكر الموظف / name the clerk (drawers[].clerk)"})
    if not scope:
        raise ValidationFailed(fields={"district": "اذكر الحي / name the district"})
    taken = sorted((p for p in payments.list_by_day(day, scope)
                    if p.gateway == domain.GATEWAY and (p.counter or {}).get("clerk") == clerk),
                   key=lambda p: p.created_at)
    closing = counter.drawer(day, scope, clerk)
    rows = domain.drawer_report(taken, [closing] if closing else [])
    if not taken and not closing:
        raise NotFound(code="drawer_not_found",
                       message_en="this clerk took no counter payment that day",
                       message_ar="لم يتلق هذا الموظف أي مدفوعات بالشباك في هذا اليوم")
    row = rows[0] if rows else {"clerk_name": "", "expected_cash_piasters": 0,
                                "counted_cash_piasters": None, "difference_piasters": None,
                                "closed_at": None, "flagged": False}
    district_ar, district_en = catalogue.district_names().get(scope, (scope, scope))
    printable_drawer = PrintableDrawer(
        day=day, district_ar=district_ar, district_en=district_en,
        clerk_name=row["clerk_name"] or (closing.clerk_name if closing else ""),
        payments=tuple((str((p.counter or {}).get("receipt_number", "")), p.application_id,
                        str((p.counter or {}).get("method", "")), p.status, p.amount_piasters)
                       for p in taken),
        expected_cash_piasters=row["expected_cash_piasters"],
        counted_cash_piasters=row["counted_cash_piasters"],
        difference_piasters=row["difference_piasters"], closed_at=row["closed_at"],
        flagged=bool(row["flagged"]))
    key = f"drawers/{day}/{scope}/{clerk}.pdf"
    files.put(key, render.render(printable_drawer), "application/pdf")
    return {"day": day, "district": scope, "clerk_name": printable_drawer.clerk_name,
            "closed": closing is not None,
            "url": files.presigned_get_url(key, DRAWER_REPORT_URL_SECONDS)}


def _is_day(text: str) -> bool:
    from datetime import date

    try:
        return date.fromisoformat(text).isoformat() == text
    except ValueError:
        return False
