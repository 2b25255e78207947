"""The technology centre's counter: walk-in applications, counter payments, receipts, the
clerk's cash drawer (docs/counter.md)."""
from chalice import Blueprint

from chalicelib import wiring
from chalicelib.api.http import caller_of, json_response, parse_body, query_param
from chalicelib.api.routes import route

counter_api = Blueprint(__name__)


@route(counter_api, "createWalkInApplication")
def create_walk_in():
    from chalicelib.api import commands
    from chalicelib.api.responses import Application, body
    from chalicelib.api.schemas import ApplicationIn
    from chalicelib.usecases import counter as usecase

    request = counter_api.current_request
    caller = caller_of(request)
    parsed = parse_body(request, ApplicationIn)
    app = usecase.create_walk_in(commands.new_application(parsed), caller, wiring.catalogue(),
                                 wiring.rollout_store().all(), wiring.application_store(),
                                 wiring.clock(), wiring.licence_store())
    return json_response(body(Application.of(app, wiring.catalogue())), status=201,
                         headers={"Location": f"/v1/applications/{app.id}"})


@route(counter_api, "recordCounterPayment")
def record_counter_payment(application_id: str):
    from chalicelib.api.responses import CounterPayment, Payment, body
    from chalicelib.api.schemas import CounterPaymentIn
    from chalicelib.usecases import counter as usecase

    request = counter_api.current_request
    caller = caller_of(request)
    parsed = parse_body(request, CounterPaymentIn)
    payment, created = usecase.record_payment(application_id, parsed.method, caller,
                                              wiring.application_store(), wiring.payment_store(),
                                              wiring.counter_store(), wiring.catalogue(),
                                              wiring.file_store(), wiring.clock())
    answer = CounterPayment(**Payment.of(payment).model_dump(), recorded_now=created)
    return json_response(body(answer), status=201 if created else 200,
                         headers={"Location": f"/v1/payments/{payment.id}"})


@route(counter_api, "getCounterReceipt")
def receipt(payment_id: str):
    from chalicelib.api.responses import CounterReceipt, body
    from chalicelib.usecases import counter as usecase

    request = counter_api.current_request
    caller = caller_of(request)
    printed = usecase.receipt_pdf(
        payment_id, query_param(request, "format") or "a4", caller, wiring.payment_store(),
        wiring.application_store(), wiring.catalogue(), wiring.file_store(),
        wiring.receipt_renderer())
    return json_response(body(CounterReceipt(**printed)))


@route(counter_api, "getDrawer")
def drawer():
    from chalicelib.api.responses import Drawer, body
    from chalicelib.usecases import counter as usecase

    caller = caller_of(counter_api.current_request)
    summary = usecase.drawer_summary(caller, wiring.counter_store(), wiring.payment_store(),
                                     wiring.clock())
    return json_response(body(Drawer(**summary)))


@route(counter_api, "getDrawerReport")
def drawer_report():
    from chalicelib.api.responses import DrawerReport, body
    from chalicelib.usecases import counter as usecase

    request = counter_api.current_request
    caller = caller_of(request)
    printed = usecase.drawer_report_pdf(
        query_param(request, "day"), query_param(request, "clerk"),
        query_param(request, "district"), caller, wiring.counter_store(),
        wiring.payment_store(), wiring.catalogue(), wiring.file_store(),
        wiring.drawer_renderer(), wiring.clock())
    return json_response(body(DrawerReport(**printed)))


@route(counter_api, "closeDrawer")
def close_drawer():
    from chalicelib.api.responses import Drawer, body
    from chalicelib.api.schemas import DrawerCloseIn
    from chalicelib.usecases import counter as usecase

    request = counter_api.current_request
    caller = caller_of(request)
    parsed = parse_body(request, DrawerCloseIn)
    summary = usecase.close_drawer(parsed.counted_piasters, caller, wiring.counter_store(),
                                   wiring.payment_store(), wiring.clock())
    return json_response(body(Drawer(**summary)))
