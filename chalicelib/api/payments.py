"""Payments: checkout, gateway webhooks, receipts, the finance report, and (local stack only)
the sandbox gateway's checkout page."""
import urllib.parse

from chalice import Blueprint, Response

from chalicelib import wiring
from chalicelib.api.http import MAX_BODY_BYTES, caller_of, json_response, parse_body, query_param
from chalicelib.api.routes import route
from chalicelib.errors import NotFound, PayloadTooLarge, ValidationFailed

payments_api = Blueprint(__name__)
HTML_HEADERS = {"Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store"}


@route(payments_api, "startPayment")
def start_payment(application_id: str):
    from chalicelib.api.responses import PaymentStarted, body
    from chalicelib.api.schemas import PaymentIn
    from chalicelib.usecases import payments as usecase

    request = payments_api.current_request
    caller = caller_of(request)
    parsed = parse_body(request, PaymentIn)
    payment = usecase.start_payment(application_id, parsed.gateway, caller,
                                    wiring.application_store(), wiring.payment_store(),
                                    wiring.payment_gateway, wiring.action_bounds(),
                                    wiring.catalogue(), wiring.file_store(), wiring.clock())
    answer = PaymentStarted(payment_id=payment.id, amount_piasters=payment.amount_piasters,
                            checkout_url=payment.checkout_url,
                            merchant_reference=payment.merchant_reference, status=payment.status)
    return json_response(body(answer), status=201,
                         headers={"Location": f"/v1/payments/{payment.id}"})


@route(payments_api, "receiveGatewayWebhook")
def gateway_webhook(gateway: str):
    from chalicelib.api.responses import WebhookResult, body
    from chalicelib.usecases import payments as usecase

    request = payments_api.current_request
    raw = request.raw_body or b""
    if len(raw) > MAX_BODY_BYTES:
        raise PayloadTooLarge()
    outcome = usecase.receive_webhook(gateway, dict(request.headers or {}),
                                      dict(request.query_params or {}), raw,
                                      wiring.payment_gateway, wiring.payment_store(),
                                      wiring.clock())
    return json_response(body(WebhookResult.model_validate(outcome.body())))


@route(payments_api, "getPayment")
def get_payment(payment_id: str):
    from chalicelib.api.responses import Payment, body
    from chalicelib.usecases import payments as usecase

    caller = caller_of(payments_api.current_request)
    payment = usecase.get_payment(payment_id, caller, wiring.payment_store())
    return json_response(body(Payment.of(payment)))


@route(payments_api, "recordRefund")
def record_refund(payment_id: str):
    from chalicelib.api.responses import Payment, body
    from chalicelib.api.schemas import RefundIn
    from chalicelib.usecases import payments as usecase

    request = payments_api.current_request
    caller = caller_of(request)
    parsed = parse_body(request, RefundIn)
    payment = usecase.record_refund(payment_id, parsed.refund_reference, parsed.note.strip(),
                                    caller, wiring.payment_store(), wiring.clock())
    return json_response(body(Payment.of(payment)))


@route(payments_api, "getFinanceReport")
def finance_report():
    from chalicelib.api.responses import FinanceReport, body
    from chalicelib.usecases import payments as usecase

    request = payments_api.current_request
    caller = caller_of(request)
    report = usecase.finance(caller, query_param(request, "from"), query_param(request, "to"),
                             query_param(request, "district"), wiring.payment_store(),
                             wiring.clock(), wiring.counter_store())
    return json_response(body(FinanceReport.model_validate(report)))


# ------------------------------------------------------------------ sandbox (local stack only)

def _sandbox_settings():
    settings = wiring.bound_settings()
    if not settings.sandbox_enabled:
        raise NotFound()
    return settings


def _sandbox_gateway():
    from chalicelib.ports import SimulatedGateway

    gateway = wiring.payment_gateway("sandbox")
    if not isinstance(gateway, SimulatedGateway):
        raise NotFound()
    return gateway


def _sandbox_payment(merchant_reference: str):
    payment = wiring.payment_store().get(merchant_reference)
    if payment.gateway != "sandbox":
        raise NotFound(message_en="payment not found", message_ar="عملية الدفع غير موجودة",
                       code="payment_not_found")
    return payment


@route(payments_api, "showSandboxCheckout")
def sandbox_checkout(merchant_reference: str):
    _sandbox_settings()
    payment = _sandbox_payment(merchant_reference)
    description = " + ".join(f"{line.name_ar} / {line.name_en}" for line in payment.lines)
    page = _sandbox_gateway().checkout_page(payment.merchant_reference, payment.amount_piasters,
                                            description)
    return Response(body=page, status_code=200, headers=HTML_HEADERS)


@route(payments_api, "completeSandboxCheckout")
def sandbox_complete(merchant_reference: str):
    from chalicelib.usecases import payments as usecase

    _sandbox_settings()
    form = urllib.parse.parse_qs((payments_api.current_request.raw_body or b"").decode(
        "utf-8", errors="replace"))
    outcome = (form.get("outcome") or [""])[0]
    if outcome not in ("pay", "fail"):
        raise ValidationFailed(fields={"outcome": "ادفع أو فشل / pay or fail"})
    payment = _sandbox_payment(merchant_reference)
    result = usecase.sandbox_callback(payment, outcome == "pay", wiring.payment_gateway,
                                      wiring.payment_store(), wiring.clock())
    page = _sandbox_gateway().result_page(payment.merchant_reference, outcome,
                                          result.payment.status)
    return Response(body=page, status_code=200, headers=HTML_HEADERS)
