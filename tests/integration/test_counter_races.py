"""Races at the counter, over real HTTP with real threads against the emulator (docs/counter.md):
two clerks taking the same fees at once, and a counter payment racing an online payment."""
import json
import threading
import urllib.error
import urllib.request

import pytest

from tests.integration.test_counter import mint, new_mobile, walk_in

pytestmark = pytest.mark.integration


def post(api_server, path, token, body):
    """POST over real HTTP; (status, JSON body). Errors are answers too, never exceptions."""
    request = urllib.request.Request(f"{api_server}{path}", data=json.dumps(body).encode(),
                                     method="POST",
                                     headers={"Content-Type": "application/json",
                                              "Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def all_at_once(*calls):
    """Run the calls on their own threads, released together by a barrier; results in order."""
    barrier, results = threading.Barrier(len(calls)), [None] * len(calls)

    def run(index, call):
        barrier.wait()
        results[index] = call()

    threads = [threading.Thread(target=run, args=(n, call)) for n, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def payments_of(app_id):
    from chalicelib import wiring
    return wiring.payment_store().list_by_application(app_id)


def receipt_sequence(year):
    from chalicelib.adapters.dynamo_models import ConfigModel
    from chalicelib.adapters.licence_store import COUNTER
    from chalicelib.domain.counter import receipt_sequence_name
    return int(ConfigModel.get(COUNTER, receipt_sequence_name("EAST", year),
                               consistent_read=True).value)


def test_two_clerks_taking_the_same_fees_at_once_record_one_payment(stack, api_server):
    # GIVEN a walk-in application with fees due and two clerks of its centre (each with
    # two tills open on it: four requests for the same fees)
    clerks = [mint("clerk", "EAST", name=name) for name in ("سعاد حسن", "كريم سامي")]
    app = walk_in(stack, clerks[0], new_mobile()).json
    path = f"/v1/applications/{app['id']}/counter-payments"
    # WHEN all four record cash at the same moment
    answers = all_at_once(*[lambda token=token: post(api_server, path, token, {"method": "cash"})
                            for token in clerks * 2])
    # THEN exactly one payment exists, paid, for exactly the fees due
    recorded = payments_of(app["id"])
    assert len(recorded) == 1, [p.id for p in recorded]
    payment = recorded[0]
    assert payment.status == "paid" and payment.amount_piasters == app["amount_due_piasters"]
    # AND one request recorded it (201); the others were answered the same payment and receipt
    # as a replay (200, recorded_now false), as docs/counter.md promises
    assert sorted(status for status, _ in answers) == [200, 200, 200, 201], answers
    assert {body["payment_id"] for _, body in answers} == {payment.id}
    assert [body["recorded_now"] for _, body in answers].count(True) == 1
    numbers = {body["receipt"]["receipt_number"] for _, body in answers}
    assert numbers == {payment.counter["receipt_number"]}
    # AND the centre's receipt sequence stands at that receipt: no number was burnt by the losers
    year, sequence = (int(part) for part in next(iter(numbers)).rsplit("-", 2)[1:])
    assert receipt_sequence(year) == sequence
    # AND the stream advances the application once
    stack.streams.pump_until_quiet()
    moved = stack.call("GET", f"/v1/applications/{app['id']}", clerks[0]).json
    assert [t["action"] for t in moved["timeline"]].count("pay") == 1


def sandbox_press(api_server, reference):
    request = urllib.request.Request(f"{api_server}/sandbox/checkout/{reference}/complete",
                                     data=b"outcome=pay", method="POST",
                                     headers={"Content-Type": "application/x-www-form-urlencoded"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.status


@pytest.mark.parametrize("round_", range(4))
def test_a_counter_payment_racing_an_online_payment_applies_one_and_flags_the_other(
        stack, api_server, round_):
    # GIVEN a walk-in application whose citizen has opened an online (sandbox) checkout
    clerk = mint("clerk", "EAST", name="سعاد حسن")
    mobile = new_mobile()
    app = walk_in(stack, clerk, mobile).json
    citizen = mint("citizen", sub="+20" + mobile[1:])
    online = stack.call("POST", f"/v1/applications/{app['id']}/payments", citizen,
                        {"gateway": "sandbox"})
    assert online.status_code == 201, online.body
    online_id = online.json["payment_id"]
    # WHEN the citizen pays online while the clerk takes cash for the same fees
    (counter_status, counter_body), pressed = all_at_once(
        lambda: post(api_server, f"/v1/applications/{app['id']}/counter-payments", clerk,
                     {"method": "cash"}),
        lambda: sandbox_press(api_server, online_id))
    assert pressed == 200
    stack.streams.pump_until_quiet()
    stack.streams.pump_until_quiet()
    # THEN the application was paid once: one payment settles the fees, the timeline pays once
    from chalicelib import wiring
    moved = wiring.application_store().get(app["id"])
    assert [t.action for t in moved.timeline].count("pay") == 1
    settled_by = {line.paid_by for line in moved.fees if line.stage == "submission"}
    assert len(settled_by) == 1
    paid = {p.id: p for p in payments_of(app["id"]) if p.status == "paid"}
    assert online_id in paid
    if counter_status == 409:
        # either the online payment was already paid when the clerk asked: nothing taken
        assert counter_body["error"]["code"] == "already_paid"
        assert set(paid) == {online_id} and settled_by == {online_id}
        return
    # or both were paid: the one not applied is flagged for refund, and finance sees it
    assert counter_status == 201, counter_body
    counter_id = counter_body["payment_id"]
    assert set(paid) == {online_id, counter_id}
    (applied,) = settled_by
    other = paid[counter_id if applied == online_id else online_id]
    assert other.flag_reason == "paid_but_not_due"
    assert not paid[applied].flag_reason
    report = stack.call("GET", f"/v1/reports/finance?from={other.day}&to={other.day}",
                        mint("admin")).json
    listed = [p for p in report["needs_attention"] if p["payment_id"] == other.id]
    assert listed and listed[0]["flag_reason"] == "paid_but_not_due"
    assert listed[0]["amount_piasters"] == other.amount_piasters


def test_a_payment_racing_the_clerks_drawer_closing_is_counted_or_refused(stack, api_server):
    # GIVEN a clerk with one application's fees due
    clerk = mint("clerk", "EAST", name="منى عادل")
    app = walk_in(stack, clerk, new_mobile()).json
    # WHEN the clerk closes the drawer (counting nothing) while a till records the cash
    (paid_status, paid_body), (closed_status, closed_body) = all_at_once(
        lambda: post(api_server, f"/v1/applications/{app['id']}/counter-payments", clerk,
                     {"method": "cash"}),
        lambda: post(api_server, "/v1/counter/drawer/close", clerk, {"counted_piasters": 0}))
    assert closed_status == 200, closed_body
    recorded = [p for p in payments_of(app["id"]) if p.status == "paid"]
    drawer = stack.call("GET", "/v1/counter/drawer", clerk).json
    if paid_status == 409:
        # THEN either the drawer closed first: the payment is refused and nothing was taken
        assert paid_body["error"]["code"] == "drawer_closed" and recorded == []
        assert drawer["expected_cash_piasters"] == 0 and drawer["flagged"] is False
    else:
        # or the payment got in first: the closed drawer owes it, and the difference is flagged
        assert paid_status == 201 and [p.id for p in recorded] == [paid_body["payment_id"]]
        assert drawer["expected_cash_piasters"] == app["amount_due_piasters"]
        assert drawer["difference_piasters"] == -app["amount_due_piasters"] and drawer["flagged"]
    # AND in either case a later payment that day is refused
    other = walk_in(stack, clerk, new_mobile()).json
    later = stack.call("POST", f"/v1/applications/{other['id']}/counter-payments", clerk,
                       {"method": "cash"})
    assert later.status_code == 409 and later.json["error"]["code"] == "drawer_closed"


def test_the_drawer_check_inside_the_payment_transaction_refuses_a_closed_day(stack):
    # GIVEN a clerk whose drawer closes between the use case's first look and its write
    # (the window a racing close uses), simulated by closing it through the store directly
    from datetime import datetime, timezone

    from chalicelib import wiring
    from chalicelib.domain import counter as domain
    from chalicelib.domain import payments as payment_rules
    from chalicelib.domain.calendar import cairo_date
    from chalicelib.ports import DrawerClosed

    clerk_sub = "clerk-window"
    app = walk_in(stack, mint("clerk", "EAST", name="x", sub=clerk_sub), new_mobile()).json
    now = datetime.now(timezone.utc)
    day = cairo_date(now).isoformat()
    store = wiring.counter_store()
    assert store.close_drawer(domain.closing(day, "EAST", clerk_sub, "x", 0, now))
    stored = wiring.application_store().get(app["id"])
    draft = payment_rules.new_payment(
        domain.counter_payment_id(stored.id, stored.status, stored.fees_due), stored.id,
        stored.owner, "EAST", stored.status, stored.fees_due, domain.GATEWAY, now)
    from dataclasses import replace
    draft = replace(draft, counter=domain.counter_details("cash", clerk_sub, "x", day))
    # WHEN the numbered payment is written THEN the transaction refuses it as a closed drawer
    with pytest.raises(DrawerClosed):
        store.create_numbered(draft, "EAST", cairo_date(now).year)
    assert payments_of(app["id"]) == []
