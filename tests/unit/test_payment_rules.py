"""The pure payment rules: applying gateway events, receipts, and the finance report."""
from datetime import date, datetime, timedelta, timezone

import pytest

from chalicelib.domain import payments as rules
from chalicelib.domain.fees import FeeLine
from chalicelib.domain.payments import IncomingEvent

NOW = datetime(2026, 5, 1, 21, 30, tzinfo=timezone.utc)  # 00:30 on 2 May in Cairo (UTC+3)
LINES = (FeeLine("inspection", "رسم نظر", "Inspection fee", "submission", 50),
         FeeLine("sms", "رسم رسالة", "SMS fee", "submission", 500))


def pending(gateway="paymob", reference="900001") -> rules.Payment:
    payment = rules.new_payment("PAY-1", "app-1", "citizen-1", "EAST", "submitted", LINES,
                                gateway, NOW)
    return rules.Payment(**{**payment.__dict__, "gateway_reference": reference})


def event(txn="t1", success=True, pending_=False, amount=550, currency="EGP", gateway="paymob",
          order="900001") -> IncomingEvent:
    return IncomingEvent(gateway=gateway, transaction_id=txn, amount_piasters=amount,
                         currency=currency, success=success, pending=pending_,
                         gateway_order_reference=order)


def test_a_new_payment_asks_for_exactly_the_lines_due():
    payment = pending()
    assert payment.amount_piasters == 550 and payment.status == rules.PENDING
    assert payment.merchant_reference == payment.id
    assert all(line.paid_by is None for line in payment.lines)


def test_success_pays_and_a_repeat_is_a_duplicate():
    # GIVEN a pending payment WHEN a matching success arrives THEN it is paid
    applied = rules.apply_event(pending(), event(), NOW)
    assert applied.outcome == rules.PAID and applied.payment.transaction_id == "t1"
    assert applied.payment.paid_at == rules.iso(NOW)
    # WHEN the same event arrives again THEN nothing changes
    again = rules.apply_event(applied.payment, event(), NOW + timedelta(seconds=5))
    assert again.outcome == rules.DUPLICATE and again.payment == applied.payment


@pytest.mark.parametrize("late", [event("t2", success=False), event("t1", success=False),
                                  event("t3", success=False, pending_=True)])
def test_failure_after_success_never_unpays(late):
    paid = rules.apply_event(pending(), event(), NOW).payment
    applied = rules.apply_event(paid, late, NOW)
    assert applied.outcome == rules.RECORDED and applied.payment.status == rules.PAID
    assert applied.payment.transaction_id == "t1" and len(applied.payment.events) == 2


@pytest.mark.parametrize("wrong", [event(amount=549), event(amount=5500), event(currency="USD")])
def test_amount_or_currency_mismatch_is_flagged(wrong):
    applied = rules.apply_event(pending(), wrong, NOW)
    assert applied.outcome == rules.FLAGGED and applied.payment.status == rules.FLAGGED
    assert applied.payment.flag_reason == "amount_or_currency_mismatch"
    assert applied.payment.events[-1]["mismatch"]
    # AND a later correct success does not clear the flag (reconciliation decides)
    later = rules.apply_event(applied.payment, event("t9"), NOW)
    assert later.payment.status == rules.FLAGGED


def test_failure_then_success_pays_and_pending_changes_nothing():
    failed = rules.apply_event(pending(), event("t1", success=False), NOW)
    assert failed.outcome == rules.FAILED
    waiting = rules.apply_event(failed.payment, event("t2", success=False, pending_=True), NOW)
    assert waiting.outcome == rules.RECORDED and waiting.payment.status == rules.FAILED
    assert rules.apply_event(waiting.payment, event("t3"), NOW).payment.status == rules.PAID


def test_a_second_success_is_recorded_as_paid_twice():
    paid = rules.apply_event(pending(), event(), NOW).payment
    twice = rules.apply_event(paid, event("t2"), NOW).payment
    assert twice.status == rules.PAID and twice.flag_reason == "paid_twice"
    assert twice.transaction_id == "t1"


def test_events_of_another_gateway_or_order_are_refused():
    with pytest.raises(rules.EventRefused):
        rules.apply_event(pending(), event(gateway="sandbox"), NOW)
    with pytest.raises(rules.EventRefused):
        rules.apply_event(pending(), event(order="123"), NOW)


def test_event_key_distinguishes_success_and_pending_of_one_transaction():
    keys = {rules.event_key(event("t1", success=s, pending_=p)) for s in (True, False)
            for p in (True, False)}
    assert len(keys) == 4


def test_receipt_only_once_paid_with_line_items():
    assert rules.receipt(pending()) is None
    receipt = rules.receipt(rules.apply_event(pending(), event(), NOW).payment)
    assert [(l["code"], l["amount_piasters"]) for l in receipt["lines"]] == [("inspection", 50),
                                                                               ("sms", 500)]
    assert receipt["total_piasters"] == 550 and receipt["transaction_id"] == "t1"


def test_settles_compares_lines_not_order():
    assert rules.settles(pending(), list(reversed(LINES)))
    assert not rules.settles(pending(), LINES[:1])


def test_finance_report_groups_by_cairo_day_gateway_status_and_fee():
    paid = rules.apply_event(pending(), event(), NOW).payment
    other = rules.apply_event(pending("fawry", "x"), event(gateway="fawry", order="x",
                                                           success=False), NOW).payment
    report = rules.finance_report([paid, other, pending()])
    assert paid.day == "2026-05-02"  # paid at 00:30 Cairo time
    assert [(r["day"], r["gateway"], r["status"], r["count"]) for r in report["rows"]] == [
        ("2026-05-02", "fawry", "failed", 1), ("2026-05-02", "paymob", "paid", 1),
        ("2026-05-02", "paymob", "pending", 1)]
    assert report["rows"][1]["fees"] == {"inspection": 50, "sms": 500}
    totals = report["totals"]
    assert totals["count"] == 3 and totals["amount_piasters"] == 1650
    assert totals["paid_piasters"] == 550 and totals["paid_by_fee"] == {"inspection": 50, "sms": 500}
    assert totals["by_gateway"]["paymob"] == {"count": 2, "amount_piasters": 1100}


def test_report_days_bounds():
    assert len(rules.report_days(date(2026, 1, 1), date(2026, 1, 31), 31)) == 31
    with pytest.raises(ValueError):
        rules.report_days(date(2026, 1, 2), date(2026, 1, 1), 31)
    with pytest.raises(ValueError):
        rules.report_days(date(2026, 1, 1), date(2026, 2, 1), 31)


# ------------------------------------------------------------------------- refunds by finance

def flagged_mismatch() -> rules.Payment:
    return rules.apply_event(pending(), event(amount=549), NOW).payment


def paid_twice() -> rules.Payment:
    paid = rules.apply_event(pending(), event(), NOW).payment
    return rules.apply_event(paid, event("t2"), NOW).payment


def not_due() -> rules.Payment:
    paid = rules.apply_event(pending(), event(), NOW).payment
    return rules.Payment(**{**paid.__dict__, "flag_reason": rules.PAID_BUT_NOT_DUE})


@pytest.mark.parametrize("flagged, status", [(flagged_mismatch, rules.REFUNDED),
                                             (not_due, rules.REFUNDED),
                                             (paid_twice, rules.PAID)])
def test_a_refund_clears_the_flag_and_keeps_a_payment_that_stands_paid(flagged, status):
    # GIVEN a flagged payment WHEN finance records its refund
    before = flagged()
    later = NOW + timedelta(days=2)
    refunded = rules.record_refund(before, "RF-77", "returned via the Paymob dashboard",
                                   "admin-1", later)
    # THEN the whole amount went back (refunded), or only the extra transaction (still paid)
    assert refunded.status == status and refunded.flag_reason == ""
    assert refunded.transaction_id == before.transaction_id and refunded.updated_at == rules.iso(later)
    assert refunded.events[:-1] == before.events
    assert refunded.events[-1] == {
        "key": "refund#RF-77", "source": "finance",
        "outcome": rules.REFUNDED if status == rules.REFUNDED else rules.RECORDED,
        "refund_reference": "RF-77", "refunded_flag": before.flag_reason,
        "note": "returned via the Paymob dashboard", "by": "admin-1", "at": rules.iso(later)}
    # AND a payment with no flag has nothing to refund
    with pytest.raises(rules.NothingToRefund):
        rules.record_refund(refunded, "RF-78", "again", "admin-1", later)
    with pytest.raises(rules.NothingToRefund):
        rules.record_refund(pending(), "RF-79", "never flagged", "admin-1", later)


def test_money_after_a_refund_never_pays_and_flags_it_again():
    refunded = rules.record_refund(flagged_mismatch(), "RF-1", "returned", "admin-1", NOW)
    for late, flag in ((event("t8", success=False), ""), (event("t8", pending_=True), ""),
                       (event("t9"), rules.PAID_AFTER_REFUND)):
        applied = rules.apply_event(refunded, late, NOW)
        assert applied.outcome == rules.RECORDED and applied.payment.status == rules.REFUNDED
        assert applied.payment.flag_reason == flag and applied.payment.paid_at == ""
    again = rules.apply_event(refunded, event("t9"), NOW).payment
    assert rules.record_refund(again, "RF-2", "returned again", "admin-1", NOW).status == rules.REFUNDED


def test_finance_report_lists_the_flagged_payments_oldest_first():
    earlier = rules.Payment(**{**flagged_mismatch().__dict__, "id": "PAY-0",
                               "created_at": rules.iso(NOW - timedelta(hours=1))})
    report = rules.finance_report([rules.apply_event(pending(), event(), NOW).payment,
                                   paid_twice(), earlier])
    assert [(p["payment_id"], p["status"], p["flag_reason"]) for p in report["needs_attention"]] == [
        ("PAY-0", rules.FLAGGED, rules.MISMATCH), ("PAY-1", rules.PAID, rules.PAID_TWICE)]
    assert report["needs_attention"][1] == {
        "payment_id": "PAY-1", "application_id": "app-1", "district": "EAST", "gateway": "paymob",
        "status": "paid", "flag_reason": "paid_twice", "amount_piasters": 550,
        "transaction_id": "t1", "day": "2026-05-02"}
