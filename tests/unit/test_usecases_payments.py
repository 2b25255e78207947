"""Payments (chalicelib/usecases/payments.py) over the fakes: checkout, the webhook's exactly-once
path, a wrong amount, the application's advance, refunds and reconciliation. No emulator."""
from __future__ import annotations

from datetime import timedelta

import pytest

from chalicelib.domain import payments as domain
from chalicelib.domain.applications import APPROVED, SUBMITTED, UNDER_REVIEW
from chalicelib.errors import (Conflict, NotFound, RukhsaError, TooManyRequests, Unauthenticated,
                               ValidationFailed)
from chalicelib.domain.gateway_messages import GatewayStatus
from chalicelib.usecases import payments as usecase
from tests.fakes.scenarios import admin, apply, catalogue, citizen, live_world, pay_what_is_due


@pytest.fixture
def world():
    return live_world()


def checkout(world, holder, application_id):
    return usecase.start_payment(application_id, world.gateway.name, holder, world.applications,
                                 world.payments, world.gateways(), world.bounds(), catalogue(),
                                 world.files, world.clock())


def test_an_attempt_the_gateway_could_not_take_does_not_count(world):
    # GIVEN a citizen allowed one payment attempt an hour, and the gateway down
    holder = citizen()
    app = apply(world, holder)
    bounds = world.bounds(per_hour=1)

    def attempt():
        return usecase.start_payment(app.id, world.gateway.name, holder, world.applications,
                                     world.payments, world.gateways(), bounds, catalogue(),
                                     world.files, world.clock())

    world.gateway.down = True
    for _ in range(3):  # WHEN the citizen tries three times THEN 502 each time, nothing stored
        with pytest.raises(RukhsaError) as down:
            attempt()
        assert down.value.status == 502
    assert world.payments.list_by_application(app.id) == []
    # AND once it is back, the attempt goes through: the failed ones were given back
    world.gateway.down = False
    payment = attempt()
    assert world.gateway.checkouts == [(payment.merchant_reference, app.amount_due_piasters)]
    with pytest.raises(TooManyRequests):  # and it counted
        attempt()


def webhook(world, query, body):
    return usecase.receive_webhook(world.gateway.name, {}, query, body, world.gateways(),
                                   world.payments, world.clock())


def test_a_checkout_asks_the_gateway_for_exactly_what_is_due(world):
    # GIVEN a submitted application with its submission fees due
    holder = citizen()
    app = apply(world, holder)
    # WHEN its owner starts paying
    payment = checkout(world, holder, app.id)
    # THEN a pending payment of the amount due is stored, and the gateway was asked for it
    assert payment.status == domain.PENDING and payment.amount_piasters == app.amount_due_piasters
    assert world.payments.get(payment.id) == payment
    assert world.gateway.checkouts == [(payment.merchant_reference, app.amount_due_piasters)]
    assert payment.checkout_url and payment.gateway_reference


def test_nothing_due_and_an_unknown_gateway_are_refused_before_any_checkout(world):
    holder = citizen()
    app = apply(world, holder)
    with pytest.raises(ValidationFailed) as refused:
        usecase.start_payment(app.id, "nowhere", holder, world.applications, world.payments,
                              world.gateways(), world.bounds(), catalogue(), world.files,
                              world.clock())
    assert "gateway" in refused.value.fields
    pay_what_is_due(world, holder, app.id)  # now under review: nothing is due until approval
    with pytest.raises(Conflict) as nothing_due:
        checkout(world, holder, app.id)
    assert nothing_due.value.code == "nothing_due"
    assert len(world.gateway.checkouts) == 1


def test_a_webhook_delivered_twice_is_recorded_once(world):
    # GIVEN a checkout and the gateway's signed callback of its success
    holder = citizen()
    payment = checkout(world, holder, apply(world, holder).id)
    query, body = world.gateway.simulated_callback(payment.merchant_reference,
                                                   payment.amount_piasters, True, "tx-1")
    # WHEN the gateway delivers it twice
    first, second = webhook(world, query, body), webhook(world, query, body)
    # THEN the first pays the payment and the second changes nothing
    assert (first.result, first.effect, first.payment.status) == ("accepted", domain.PAID, domain.PAID)
    assert (second.result, second.payment.status) == ("duplicate", domain.PAID)
    stored = world.payments.get(payment.id)
    assert len(stored.events) == 1 and stored.transaction_id == "tx-1" and stored.version == 2


def test_a_wrong_amount_is_flagged_and_moves_nothing_on(world):
    # GIVEN a checkout WHEN the gateway reports a different amount paid
    holder = citizen()
    app = apply(world, holder)
    payment, advanced = pay_what_is_due(world, holder, app.id,
                                        amount=app.amount_due_piasters - 100)
    # THEN the payment is flagged with the mismatch, and the application still owes its fees
    assert payment.status == domain.FLAGGED and payment.flag_reason == domain.MISMATCH
    assert "amount" in payment.events[-1]["mismatch"]
    assert advanced == "not_paid"
    assert world.applications.get(app.id).status == SUBMITTED


def test_a_forged_callback_is_refused_and_writes_nothing(world):
    holder = citizen()
    payment = checkout(world, holder, apply(world, holder).id)
    query, body = world.gateway.simulated_callback(payment.merchant_reference,
                                                   payment.amount_piasters, True, "tx-2")
    with pytest.raises(Unauthenticated):
        webhook(world, {"signature": "0" * 64}, body)
    assert world.payments.get(payment.id).status == domain.PENDING


def test_a_paid_application_fee_moves_the_application_to_review_once(world):
    # GIVEN a paid submission fee
    holder = citizen()
    app = apply(world, holder)
    payment, advanced = pay_what_is_due(world, holder, app.id)
    # WHEN the payments stream delivers the paid payment again
    again = usecase.advance_for_payment(payment, world.applications, world.payments,
                                        catalogue(), world.clock())
    # THEN the application went to review once, its lines settled by this payment
    moved = world.applications.get(app.id)
    assert (advanced, again, moved.status) == (UNDER_REVIEW, "already_applied", UNDER_REVIEW)
    assert all(line.paid_by == payment.id for line in moved.fees if line.stage == "submission")
    system = [r for r in world.audit.list(f"APP#{app.id}", 10, None).items if r["actor"] == "system"]
    assert [r["to_status"] for r in system] == ["paid", UNDER_REVIEW]


def test_a_payment_for_fees_no_longer_due_is_marked_not_applied(world):
    # GIVEN two checkouts of the same fees, the first already paid and applied
    holder = citizen()
    app = apply(world, holder)
    late = checkout(world, holder, app.id)
    pay_what_is_due(world, holder, app.id)
    # WHEN the second is paid too
    query, body = world.gateway.simulated_callback(late.merchant_reference, late.amount_piasters,
                                                   True, "tx-late")
    outcome = webhook(world, query, body)
    result = usecase.advance_for_payment(outcome.payment, world.applications, world.payments,
                                         catalogue(), world.clock())
    # THEN it is flagged as paid but not due, for finance to refund, and an admin records that
    assert result == domain.PAID_BUT_NOT_DUE
    assert world.payments.get(late.id).flag_reason == domain.PAID_BUT_NOT_DUE
    refunded = usecase.record_refund(late.id, "RF-1", "double payment", admin(), world.payments,
                                     world.clock())
    assert refunded.status == domain.REFUNDED and not refunded.flag_reason
    assert world.audit.list(f"APP#{app.id}", 20, None).items[-1]["action"] == "payment_refunded"


def test_another_citizens_payment_reads_as_missing(world):
    holder = citizen()
    payment = checkout(world, holder, apply(world, holder).id)
    assert usecase.get_payment(payment.id, holder, world.payments).id == payment.id
    with pytest.raises(NotFound):
        usecase.get_payment(payment.id, citizen(), world.payments)


def test_reconciliation_settles_what_the_gateway_reports_and_closes_the_abandoned(world):
    # GIVEN two checkouts left pending: the gateway says one was paid, and knows nothing of one
    # that is a day old
    holder = citizen()
    paid = checkout(world, holder, apply(world, holder).id)
    abandoned = checkout(world, holder, apply(world, holder).id)
    world.gateway.statuses[paid.merchant_reference] = GatewayStatus(
        merchant_reference=paid.merchant_reference, state=domain.PAID, transaction_id="tx-r",
        amount_piasters=paid.amount_piasters)
    world.clock.now += timedelta(hours=domain.ABANDON_AFTER_HOURS + 1)
    # WHEN reconciliation runs
    stats = usecase.reconcile(world.payments, world.gateways(), world.clock())
    # THEN one is paid, the other failed as abandoned
    assert (stats.checked, stats.settled, stats.abandoned) == (2, 1, 1)
    assert world.payments.get(paid.id).status == domain.PAID
    assert world.payments.get(abandoned.id).status == domain.FAILED


def test_the_sandbox_callback_goes_through_the_webhook(world):
    holder = citizen()
    payment = checkout(world, holder, apply(world, holder).id)
    outcome = usecase.sandbox_callback(payment, True, world.gateways(), world.payments,
                                       world.clock())
    assert outcome.result == "accepted" and world.payments.get(payment.id).status == domain.PAID


def test_the_approval_fee_is_due_only_after_approval(world):
    from chalicelib.domain.commands import Decision
    from chalicelib.usecases.backoffice import decide
    from tests.fakes.scenarios import hand_in_documents, officer

    holder = citizen()
    app = apply(world, holder)
    hand_in_documents(world, holder, app.id)
    pay_what_is_due(world, holder, app.id)
    approved = decide(app.id, Decision("approve"), officer(), catalogue(), world.applications, world.files,
                      world.clock())
    assert approved.status == APPROVED and approved.amount_due_piasters > 0
    assert checkout(world, holder, app.id).amount_piasters == approved.amount_due_piasters
