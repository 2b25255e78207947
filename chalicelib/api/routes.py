"""Every route, declared once: from these entries come the Chalice routes (`route`), the
authorisation table (`chalicelib.authorization.ROUTES`) and the OpenAPI document
(`chalicelib.api.openapi`).

Models are named as "module:Class" strings and imported only when the document is built or a
handler parses a body: importing this module (every Lambda does, through app.py) loads no
pydantic, and the verification cold start stays lean (tests/unit/test_cold_start.py).
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Optional

PUBLIC = None
PRIVATE_CACHE_CONTROL = "private, no-store"
SCHEMAS = "chalicelib.api.schemas"
BACKOFFICE_SCHEMAS = "chalicelib.api.backoffice_schemas"
RESPONSES = "chalicelib.api.responses"
HTML = "text/html"  # a response body that is an HTML page, not a model
REDIRECT = "redirect"  # a response with a Location header and no body
JOSE = "application/jose"  # a response body that is a JWS in compact serialisation (RFC 7515)


@dataclass(frozen=True)
class Query:
    name: str
    description: str
    pattern: Optional[str] = None
    required: bool = False
    type: str = "string"


@dataclass(frozen=True)
class Operation:
    """One method on one path, and everything a client or the gate needs to know about it."""

    operation_id: str
    method: str
    path: str
    action: Optional[str]  # the authorisation matrix's action; PUBLIC: no credentials
    summary: str
    tag: str
    responses: Mapping[int, Optional[str]]  # status -> "Model" of responses.py, HTML, REDIRECT
    errors: tuple[int, ...] = ()  # error statuses besides those the gate and body imply
    request: Optional[str] = None  # "module:Class" of the JSON body
    request_required: bool = True
    content_types: tuple[str, ...] = ("application/json",)
    query: tuple[Query, ...] = ()
    location: bool = False  # the success answer names the created resource in `Location`
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def authenticated(self) -> bool:
        return self.action is not PUBLIC

    @property
    def methods(self) -> list[str]:
        """GET routes answer HEAD too (link previewers and monitors probe with it)."""
        return [self.method, "HEAD"] if self.method == "GET" else [self.method]

    @property
    def error_statuses(self) -> tuple[int, ...]:
        # Chalice checks every request's Content-Type against the route's, GET included.
        statuses = set(self.errors) | {415}
        if self.authenticated:
            statuses |= {401, 403}
        if "{" in self.path:
            statuses.add(404)
        if self.request:
            statuses |= {400, 413}
        if self.query:
            statuses.add(400)
        return tuple(sorted(statuses))


APP = "/v1/applications/{application_id}"
LICENCE = "/v1/licences/{number}"
PAGE = (Query("limit", "Page size, 1 to 100", r"^[0-9]+$"),
        Query("cursor", "The `next_cursor` of the previous page"))
STORE = 503  # DynamoDB throttled: answered 503 with Retry-After

OPERATIONS: tuple[Operation, ...] = (
    # Documentation and catalogue
    Operation("getOpenApiDocument", "GET", "/openapi.json", PUBLIC,
              "هذا المستند / This OpenAPI document", "docs", {200: "OpenApiDocument"}),
    Operation("listServices", "GET", "/v1/services", PUBLIC,
              "دليل الخدمات / The directory of local services: what each needs, costs and takes",
              "catalogue", {200: "ServiceList"}, (STORE,),
              query=(Query("kind", "Only services of this licence or certificate kind"),
                     Query("district", "Only services live in this district"),
                     Query("q", "Words of the name, Arabic or English; diacritics, tatweel and "
                                "hamza/alef/ya/ta-marbuta forms are ignored"))),
    Operation("getService", "GET", "/v1/services/{code}", PUBLIC,
              "خدمة / One service of the directory", "catalogue", {200: "Service"}, (STORE,)),
    Operation("listDistricts", "GET", "/v1/districts", PUBLIC,
              "الأحياء / Alexandria's districts and whether they are live", "catalogue",
              {200: "DistrictList"}, (STORE,)),
    Operation("locatePoint", "GET", "/v1/districts/locate", PUBLIC,
              "أين تقع النقطة / Which district a point lies in (the map pin), or the governorate "
              "alone where no district boundary we hold covers it; 404 outside Alexandria",
              "catalogue", {200: "LocatedPoint"}, (404,),
              query=(Query("lat", "Latitude, decimal degrees (WGS 84), -90 to 90",
                           required=True, type="number"),
                     Query("lng", "Longitude, decimal degrees (WGS 84), -180 to 180",
                           required=True, type="number"))),
    Operation("mintDevToken", "POST", "/v1/dev/tokens", PUBLIC,
              "رمز للتجربة المحلية / Local stack only: a token for a role (404 in AWS)", "dev",
              {201: "DevToken"}, (404,), request=f"{SCHEMAS}:DevTokenIn"),
    # Applications
    Operation("createApplication", "POST", "/v1/applications", "application.create",
              "تقديم طلب ترخيص / Apply for a licence (citizen)", "applications",
              {201: "Application"}, (409, 429, STORE), request=f"{SCHEMAS}:ApplicationIn",
              location=True),
    Operation("listApplications", "GET", "/v1/applications", "application.list",
              "الطلبات / The caller's own applications (citizen) or the district queue, oldest "
              "first (officer; admin names ?district=), narrowed by the store, not the page "
              "loaded: a narrowed page may hold fewer than `limit` applications, even none, and "
              "still carry next_cursor. 400: an unknown status or service, a bad "
              "min_age_days, limit or cursor, or a queue filter asked by a citizen",
              "applications", {200: "ApplicationList"}, (STORE,),
              query=(Query("status", "Only applications in this status"), *PAGE,
                     Query("district", "Officers: their own; admins: any"),
                     Query("service", "District queue only: one service's applications (a "
                           "catalogue service code, e.g. shop-first)"),
                     Query("min_age_days", "District queue only: applications that have waited "
                           "at least this many Cairo working days (Sunday to Thursday) since "
                           "submission, 0 to 365", r"^[0-9]+$"))),
    Operation("getApplication", "GET", APP, "application.read",
              "طلب واحد / One application with its timeline", "applications",
              {200: "Application"}, (STORE,)),
    Operation("cancelApplication", "POST", f"{APP}/cancel", "application.cancel",
              "إلغاء الطلب / Cancel before payment (owner)", "applications",
              {200: "Application"}, (409, STORE), request=f"{SCHEMAS}:OptionalReasonIn",
              request_required=False),
    Operation("decideApplication", "POST", f"{APP}/decision", "application.decide",
              "قرار الموظف / Approve (the licence fee becomes due) or reject with a reason "
              "(officer of its district). 409 invalid_transition: not under review; 409 "
              "documents_missing: an approval while a document the service requires is not "
              "uploaded, or its file never reached the store (the message names each one; the "
              "application's documents_missing lists those not uploaded)", "back office", {200: "Application"}, (409, STORE),
              request=f"{SCHEMAS}:DecisionIn"),
    Operation("returnApplication", "POST", f"{APP}/return", "application.return",
              "إعادة الطلب للمواطن / Send back for corrections, with a reason (officer of its "
              "district)", "back office", {200: "Application"}, (409, STORE),
              request=f"{SCHEMAS}:OptionalReasonIn"),
    Operation("resubmitApplication", "POST", f"{APP}/resubmit", "application.resubmit",
              "إعادة تقديم الطلب / Amend a returned application and resubmit it (owner)",
              "back office", {200: "Application"}, (409, STORE),
              request=f"{BACKOFFICE_SCHEMAS}:ResubmitIn", request_required=False),
    Operation("requestDocumentUpload", "POST", f"{APP}/documents", "application.upload_document",
              "رفع مستند / A presigned S3 POST for one document (owner)", "documents",
              {201: "DocumentUpload"}, (409, STORE), request=f"{BACKOFFICE_SCHEMAS}:DocumentIn"),
    Operation("listDocuments", "GET", f"{APP}/documents", "application.read_documents",
              "مستندات الطلب / The application's documents with short-lived download URLs",
              "documents", {200: "DocumentList"}, (STORE,)),
    Operation("scheduleInspection", "POST", f"{APP}/inspections", "application.inspect",
              "جدولة معاينة / Schedule a site inspection during review (officer of its "
              "district)", "inspections", {201: "Inspection"}, (409, STORE),
              request=f"{BACKOFFICE_SCHEMAS}:InspectionIn"),
    Operation("listInspections", "GET", f"{APP}/inspections", "application.read_inspections",
              "معاينات الطلب / The application's inspections", "inspections",
              {200: "InspectionList"}, (STORE,)),
    Operation("recordInspectionResult", "POST", f"{APP}/inspections/{{inspection_id}}/result",
              "application.inspect",
              "نتيجة المعاينة / Record an inspection's result (officer of its district)",
              "inspections", {200: "Inspection"}, (409, STORE),
              request=f"{BACKOFFICE_SCHEMAS}:InspectionResultIn"),
    Operation("requestInspectionPhotoUpload", "POST",
              f"{APP}/inspections/{{inspection_id}}/photos", "application.inspect",
              "صورة المعاينة / A presigned S3 POST for one inspection photo, JPEG or PNG",
              "inspections", {201: "PhotoUpload"}, (409, STORE),
              request=f"{BACKOFFICE_SCHEMAS}:PhotoIn"),
    Operation("listApplicationAudit", "GET", f"{APP}/audit", "application.read_audit",
              "سجل الطلب / The application's append-only audit trail, oldest first", "audit",
              {200: "AuditPage"}, (STORE,), query=PAGE),
    # Payments
    Operation("startPayment", "POST", f"{APP}/payments", "application.pay",
              "الدفع / Start paying what the application owes now (owner); 409 "
              "documents_missing when the service has no review (its payment approves it) and a "
              "required document is not in yet", "payments",
              {201: "PaymentStarted"}, (409, 429, 502, STORE), request=f"{SCHEMAS}:PaymentIn",
              location=True),
    Operation("receiveGatewayWebhook", "POST", "/v1/webhooks/{gateway}", PUBLIC,
              "إشعار بوابة الدفع / Gateway callback (Paymob, Fawry, sandbox), signed by the "
              "gateway", "payments", {200: "WebhookResult"}, (400, 401, 409, 413, 415, STORE),
              content_types=("application/json", "text/plain",
                             "application/x-www-form-urlencoded"),
              query=(Query("hmac", "Paymob's signature of the callback"),),
              extra={"raw_body": True}),
    Operation("getPayment", "GET", "/v1/payments/{payment_id}", "payment.read",
              "عملية دفع / A payment with its receipt line items (owner, admin)", "payments",
              {200: "Payment"}, (STORE,)),
    Operation("recordRefund", "POST", "/v1/payments/{payment_id}/refund", "payment.refund",
              "تسجيل الاسترداد / Record that finance refunded a flagged payment (admin)",
              "payments", {200: "Payment"}, (409, STORE), request=f"{SCHEMAS}:RefundIn"),
    Operation("getFinanceReport", "GET", "/v1/reports/finance", "reports.read",
              "تقرير المالية / Payments by Cairo day, gateway, status and fee type (admin; "
              "officer: own district)", "reports", {200: "FinanceReport"}, (STORE,),
              query=(Query("from", "First Cairo day, YYYY-MM-DD"),
                     Query("to", "Last Cairo day, YYYY-MM-DD"),
                     Query("district", "Officers: their own; admins: any"))),
    Operation("showSandboxCheckout", "GET", "/sandbox/checkout/{merchant_reference}", PUBLIC,
              "صفحة دفع تجريبية / Sandbox gateway checkout page (local stack only)", "sandbox",
              {200: HTML}, (STORE,)),
    Operation("completeSandboxCheckout", "POST",
              "/sandbox/checkout/{merchant_reference}/complete", PUBLIC,
              "إتمام الدفع التجريبي / Sandbox Pay/Fail: sends our webhook a signed callback "
              "(local stack only)", "sandbox", {200: HTML}, (400, 415, STORE),
              content_types=("application/x-www-form-urlencoded",),
              extra={"form": {"outcome": ["pay", "fail"]}}),
    # The technology centre's counter (clerks; docs/counter.md)
    Operation("createWalkInApplication", "POST", "/v1/counter/applications",
              "counter.create_application",
              "طلب من الشباك / Enter a walk-in citizen's application; it belongs to the citizen's "
              "mobile (clerk of the district)", "counter", {201: "Application"}, (409, STORE),
              request=f"{SCHEMAS}:ApplicationIn", location=True),
    Operation("recordCounterPayment", "POST", f"{APP}/counter-payments", "counter.pay",
              "دفع بالشباك / Record cash or card taken at the counter for exactly the fees due; "
              "a replay records nothing new (200); 409 when the clerk's drawer is closed, or "
              "documents_missing when the service has no review and a required document is not "
              "scanned in yet",
              "counter", {201: "CounterPayment", 200: "CounterPayment"}, (409, STORE),
              request=f"{SCHEMAS}:CounterPaymentIn", location=True),
    Operation("getCounterReceipt", "GET", "/v1/payments/{payment_id}/receipt", "counter.receipt",
              "إيصال الشباك / The counter receipt as a PDF, A4 or 80 mm thermal (clerk, admin)",
              "counter", {200: "CounterReceipt"}, (STORE,),
              query=(Query("format", "a4 (default) or thermal", r"^(a4|thermal)$"),)),
    Operation("getDrawer", "GET", "/v1/counter/drawer", "counter.drawer",
              "درج النقدية / The calling clerk's drawer today", "counter", {200: "Drawer"},
              (STORE,)),
    Operation("getDrawerReport", "GET", "/v1/counter/drawer-report", "counter.drawer_report",
              "تقرير الدرج / A clerk's drawer for a Cairo day as a bilingual A4 PDF: payments, "
              "cash expected and counted, the difference (the clerk's own; an officer's "
              "district; an admin names ?district=); 404 if the clerk took nothing that day",
              "counter", {200: "DrawerReport"}, (400, 404, STORE),
              query=(Query("day", "Cairo day, YYYY-MM-DD (default today)",
                           r"^\d{4}-\d{2}-\d{2}$"),
                     Query("clerk", "The clerk's subject id (finance report `drawers[].clerk`); "
                                    "clerks: their own, the default"),
                     Query("district", "Officers and clerks: their own; admins: required"))),
    Operation("closeDrawer", "POST", "/v1/counter/drawer/close", "counter.drawer",
              "إغلاق الدرج / Close today's drawer with the cash counted (once a day)", "counter",
              {200: "Drawer"}, (409, STORE), request=f"{SCHEMAS}:DrawerCloseIn"),
    # Licences
    Operation("listLicences", "GET", "/v1/licences", "licence.list",
              "الرخص / A citizen's own licences; an officer's district; an admin names "
              "?district=", "licences", {200: "LicenceList"}, (STORE,),
              query=(*PAGE, Query("district", "Officers: their own; admins: any"))),
    Operation("getLicence", "GET", LICENCE, "licence.read",
              "رخصة / One licence (its holder, an officer or a clerk of its district, an admin)",
              "licences", {200: "Licence"}, (STORE,)),
    Operation("renewLicence", "POST", f"{LICENCE}/renewals", "licence.renew",
              "تجديد الرخصة / Renew a licence (holder)", "licences", {201: "Application"},
              (409, STORE), location=True),
    Operation("requestPaperCopy", "POST", f"{LICENCE}/paper-copy", "licence.paper_copy",
              "نسخة ورقية / A printable A4 PDF copy (holder or officer of its district)",
              "licences", {201: "PaperCopy"}, (409, 429, STORE)),
    Operation("resendLicenceSms", "POST", f"{LICENCE}/sms", "licence.resend_sms",
              "إعادة إرسال الرسالة / Send the licence SMS again", "licences",
              {202: "SmsQueued"}, (409, 429, STORE)),
    Operation("suspendLicence", "POST", f"{LICENCE}/suspend", "licence.change_status",
              "إيقاف الرخصة / Suspend a licence with a reason (officer of its district, admin)",
              "licences", {200: "LicenceStatusChange"}, (409, STORE),
              request=f"{SCHEMAS}:OptionalReasonIn"),
    Operation("revokeLicence", "POST", f"{LICENCE}/revoke", "licence.change_status",
              "إلغاء الرخصة / Revoke a licence with a reason (officer of its district, admin)",
              "licences", {200: "LicenceStatusChange"}, (409, STORE),
              request=f"{SCHEMAS}:OptionalReasonIn"),
    Operation("reinstateLicence", "POST", f"{LICENCE}/reinstate", "licence.change_status",
              "إعادة تفعيل الرخصة / Reinstate a licence with a reason (officer of its district, "
              "admin)", "licences", {200: "LicenceStatusChange"}, (409, STORE),
              request=f"{SCHEMAS}:OptionalReasonIn"),
    Operation("listLicenceAudit", "GET", f"{LICENCE}/audit", "licence.read_audit",
              "سجل الرخصة / The licence's append-only audit trail, oldest first", "audit",
              {200: "AuditPage"}, (STORE,), query=PAGE),
    # Violation reports from the field (issue 17; docs/status-list.md)
    Operation("reportViolation", "POST", "/v1/violations", "violation.report",
              "الإبلاغ عن مخالفة / An inspector's violation report (officer of the district): "
              "kind, position in Alexandria, note, licence number when one is displayed, and a "
              "presigned S3 POST per photo. The device's idempotency_key makes a replay answer "
              "200 with the same report (and fresh upload URLs); another report under a used "
              "key is a 409", "violations", {201: "ViolationReported", 200: "ViolationReported"},
              (409, STORE), request=f"{SCHEMAS}:ViolationIn", location=True),
    Operation("listViolations", "GET", "/v1/violations", "violation.list",
              "المخالفات / The district's violation reports, the last received first "
              "(officer: own district; admin names ?district=)", "violations",
              {200: "ViolationList"}, (STORE,),
              query=(*PAGE, Query("district", "Officers: their own; admins: required"))),
    Operation("getViolation", "GET", "/v1/violations/{violation_id}", "violation.read",
              "بلاغ مخالفة / One violation report with its photos' download URLs (officer of "
              "its district, admin)", "violations", {200: "Violation"}, (STORE,)),
    # Administration and reports
    Operation("listRollout", "GET", "/v1/admin/rollout", "rollout.read",
              "التفعيل / Which districts each service is live in (admin)", "rollout",
              {200: "RolloutList"}, (STORE,)),
    Operation("listRolloutAudit", "GET", "/v1/admin/rollout/audit", "rollout.read",
              "سجل التفعيل / Every rollout change (service, district, on or off, who, when), "
              "newest first (admin)", "rollout", {200: "AuditPage"}, (STORE,), query=PAGE),
    Operation("setRollout", "PUT", "/v1/admin/rollout/{service_code}/{district}",
              "rollout.manage",
              "تفعيل خدمة في حي / Turn a service on or off in a district (admin)", "rollout",
              {200: "RolloutChange"}, (409, STORE), request=f"{BACKOFFICE_SCHEMAS}:RolloutIn"),
    Operation("getApplicationsReport", "GET", "/v1/reports/applications", "reports.read",
              "تقرير الطلبات / Applications by status and kind, days to issue, fines (admin; "
              "officer: own district)", "reports", {200: "ApplicationsReport"}, (STORE,),
              query=(Query("district", "Officers: their own; admins: any"),)),
    # Public verification
    Operation("verifySeal", "GET", "/v/{token}", PUBLIC,
              "التحقق من الرخصة / Verify a licence seal: the URL inside every QR code (HTML, or "
              "JSON with Accept: application/json)", "verification",
              {200: "Verification"}, (STORE,), extra={"html_too": True}),
    Operation("verifySealUpperCaseAlias", "GET", "/V/{token}", PUBLIC,
              "التحقق (رابط بأحرف كبيرة) / The same as /v/{token}, for upper-cased or "
              "hand-typed URLs", "verification", {200: "Verification"}, (STORE,),
              extra={"html_too": True}),
    Operation("followShortLink", "GET", "/s/{code}", PUBLIC,
              "الرابط المختصر / The SMS's short link: redirects to the seal's /v/{token} page",
              "verification", {302: REDIRECT}, (STORE,)),
    Operation("getSealKeys", "GET", "/v1/keys", PUBLIC,
              "مفاتيح التحقق / The public seal verification keys as a JWK Set (RFC 7517)",
              "verification", {200: "JwkSet"}),
    Operation("getStatusList", "GET", "/v1/status-list", PUBLIC,
              "قائمة حالة التراخيص الموقعة / The signed status list: every licence that is not "
              "simply active, for offline verifiers (docs/status-list.md); ETag and "
              "If-None-Match answer 304", "verification", {200: JOSE, 304: None}, (404, STORE),
              extra={"etag": True}),
)

OPERATION_BY_ID: Mapping[str, Operation] = {op.operation_id: op for op in OPERATIONS}


def route_actions() -> dict[tuple[str, str], Optional[str]]:
    """(method, path) -> authorisation action, HEAD included (it is gated like its GET)."""
    return {(method, op.path): op.action for op in OPERATIONS for method in op.methods}


def route(blueprint: Any, operation_id: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register a handler for its declared operation on `blueprint`.

    The registered view answers errors as the contract's envelope, and answers HEAD as its GET
    without the body.
    """
    operation = OPERATION_BY_ID[operation_id]

    def register(view: Callable[..., Any]) -> Callable[..., Any]:
        from chalicelib.api.http import _refusing_cleanly

        guarded = _refusing_cleanly(view)

        @functools.wraps(view)
        def answer(*args: Any, **kwargs: Any) -> Any:
            response = guarded(*args, **kwargs)
            if blueprint.current_request.method == "HEAD":
                response.body = ""
            return response

        options: dict[str, Any] = {"methods": operation.methods}
        if operation.content_types != ("application/json",):
            options["content_types"] = list(operation.content_types)
        blueprint.route(operation.path, **options)(answer)
        return view

    return register


def install_private_caching(app: Any) -> None:
    """Every answer of an authenticated route is `private, no-store`: the views' answers and
    the refusals Chalice makes before a view runs (an unsupported Content-Type) alike."""
    private = {route for route, action in route_actions().items() if action is not PUBLIC}

    @app.middleware("http")
    def never_stored(event: Any, get_response: Callable[[Any], Any]) -> Any:
        response = get_response(event)
        if (event.method, (event.context or {}).get("resourcePath")) in private:
            response.headers = {**response.headers, "Cache-Control": PRIVATE_CACHE_CONTROL}
        return response
