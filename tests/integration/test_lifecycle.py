"""Licence lifecycle against the emulator: the seeds' renewal and late cases, the nightly job's
expiry, fines, reminders, reruns and crash-reruns. Dates are passed in; no machine date."""
import json
import uuid
from dataclasses import replace
from datetime import date, timedelta

import pytest

from chalicelib.domain.applications import SUBMITTED, advance_after_payment
from chalicelib.domain.catalogue import load_catalogue
from chalicelib.domain.licences import ACTIVE, EXPIRED, SUSPENDED
from chalicelib.usecases import nightly
from tests.integration.lifecycle_fakes import (CrashBeforeLicenceWrite, DeliveredAtOnce,
                                               RecordingNotifier, at_night, make_licence,
                                               unique_night)

pytestmark = pytest.mark.integration


def ports(notifier, clock_date: date, licences=None) -> nightly.NightPorts:
    from chalicelib.wiring import licence_store, once_store, work_lists

    def clock():
        return at_night(clock_date)

    return nightly.NightPorts(licences=licences or licence_store(), work_lists=work_lists(),
                              once=once_store(), notifications=DeliveredAtOnce(notifier, clock),
                              catalogue=load_catalogue(), clock=clock, workers=4)


def run(night: date, notifier, licences=None) -> nightly.NightStats:
    return nightly.run_night(night, ports(notifier, night, licences))


def store():
    from chalicelib.wiring import licence_store

    return licence_store()


def renew(stack, token, number, today: date, monkeypatch):
    import chalicelib.api.renewals as renewals_api

    monkeypatch.setattr(renewals_api, "clock", lambda: at_night(today) + timedelta(hours=10))
    return stack.call("POST", f"/v1/licences/{number}/renewals", token)


def test_renew_before_expiry_gives_a_renewal_application_with_renewal_fees(stack, monkeypatch):
    # GIVEN an active advertisement licence ending in ten days
    holder, ends = f"holder-{uuid.uuid4().hex[:8]}", unique_night()
    licence = store().create(make_licence(holder, ends))
    token = stack.token("citizen", sub=holder)
    # WHEN its holder asks to renew it
    response = renew(stack, token, licence.number, ends - timedelta(days=10), monkeypatch)
    # THEN a renewal application for that licence is submitted with the renewal fees
    # (SMS 500 + 1000 x 3 m x 1.5 m x 1 face x 12 months), computed on the licence's details
    assert response.status_code == 201, response.body
    body = response.json
    assert body["service_code"] == "advertisement-renewal" and body["case"] == "renewal"
    assert body["renewal_of"] == licence.number and body["status"] == SUBMITTED
    assert {f["code"]: f["amount_piasters"] for f in body["fees_due"]} == {"sms": 500, "licence": 54000}
    assert body["district"] == "EAST" and body["site"] == dict(licence.site)
    # AND a second renewal while the first is open is refused
    again = renew(stack, token, licence.number, ends - timedelta(days=9), monkeypatch)
    assert again.status_code == 409 and again.json["error"]["code"] == "renewal_open"
    # AND once the open one is cancelled, the holder may ask again
    cancelled = stack.call("POST", f"/v1/applications/{body['id']}/cancel", token)
    assert cancelled.status_code == 200
    assert renew(stack, token, licence.number, ends - timedelta(days=8), monkeypatch).status_code == 201


def test_renewal_is_refused_for_suspended_and_hidden_from_others(stack, monkeypatch):
    holder, ends = f"holder-{uuid.uuid4().hex[:8]}", unique_night()
    suspended = store().create(make_licence(holder, ends, status=SUSPENDED))
    token = stack.token("citizen", sub=holder)
    refused = renew(stack, token, suspended.number, ends - timedelta(days=3), monkeypatch)
    assert refused.status_code == 409 and refused.json["error"]["code"] == "licence_not_renewable"
    stranger = renew(stack, stack.token("citizen"), suspended.number, ends, monkeypatch)
    assert stranger.status_code == 404
    officer = renew(stack, stack.token("officer", district="EAST"), suspended.number, ends, monkeypatch)
    assert officer.status_code == 403
    missing = renew(stack, token, "ALX-EAST-2099-000000", ends, monkeypatch)
    assert missing.status_code == 404


def test_late_licence_expires_accrues_nightly_and_reapplies_as_first_time(stack, monkeypatch):
    # GIVEN an active advertisement licence whose term ends on `ends`, never renewed
    holder, ends = f"holder-{uuid.uuid4().hex[:8]}", unique_night()
    number = store().create(make_licence(holder, ends)).number
    sms = RecordingNotifier()
    # WHEN the next two nights run
    run(ends + timedelta(days=1), sms)
    run(ends + timedelta(days=2), sms)
    # THEN it expired and owes one fine per late night, each announced once
    late = store().get(number, consistent=True)
    assert late.status == EXPIRED and late.accruing_shard
    assert [(f.key, f.amount_piasters) for f in late.fines] == [
        (f"late:{ends + timedelta(days=1)}", 2000), (f"late:{ends + timedelta(days=2)}", 2000)]
    assert len(sms.about(number)) == 2 and sms.about(number)[1].startswith("غرامة")
    # WHEN the second night is run again THEN identical fines and no new message
    run(ends + timedelta(days=2), sms)
    assert store().get(number, consistent=True).fines == late.fines
    assert len(sms.about(number)) == 2
    # WHEN the holder re-applies after expiry
    token = stack.token("citizen", sub=holder)
    response = renew(stack, token, number, ends + timedelta(days=2), monkeypatch)
    # THEN it is a first-time application with first-time fees and both fines due now
    assert response.status_code == 201, response.body
    body = response.json
    assert body["service_code"] == "advertisement-first" and body["case"] == "first"
    due = {f["code"]: (f["stage"], f["amount_piasters"]) for f in body["fees_due"]}
    assert due == {"inspection": ("submission", 50), "sms": ("submission", 500),
                   f"late:{ends + timedelta(days=1)}": ("fine", 2000),
                   f"late:{ends + timedelta(days=2)}": ("fine", 2000)}
    assert body["amount_due_piasters"] == 4550 and body["renewal_of"] == number
    # AND the old licence stops accruing: the next night adds nothing
    assert store().get(number, consistent=True).accruing_shard is None
    run(ends + timedelta(days=3), sms)
    assert len(store().get(number, consistent=True).fines) == 2
    # WHEN the application's first payment (fees and fines) goes through
    from chalicelib.wiring import application_store
    app = application_store().get(body["id"])
    paid = advance_after_payment(app, "pay-late-1", at_night(ends + timedelta(days=3)))
    application_store().save(paid, [])
    stack.streams.pump_until_quiet()
    # THEN the old licence's fines are settled by that payment, and nothing is outstanding
    settled = store().get(number, consistent=True)
    assert [f.paid_by for f in settled.fines] == ["pay-late-1", "pay-late-1"]
    assert settled.outstanding_fines_piasters == 0


def test_a_cancelled_late_application_resumes_accrual_with_the_missed_nights(stack, monkeypatch):
    holder, ends = f"holder-{uuid.uuid4().hex[:8]}", unique_night()
    number = store().create(make_licence(holder, ends)).number
    sms = RecordingNotifier()
    run(ends + timedelta(days=1), sms)
    token = stack.token("citizen", sub=holder)
    app_id = renew(stack, token, number, ends + timedelta(days=1), monkeypatch).json["id"]
    run(ends + timedelta(days=2), sms)  # superseded: nothing accrues
    assert len(store().get(number, consistent=True).fines) == 1
    stack.call("POST", f"/v1/applications/{app_id}/cancel", token)
    stack.streams.pump_until_quiet()
    assert store().get(number, consistent=True).accruing_shard is not None
    run(ends + timedelta(days=3), sms)
    keys = [f.key for f in store().get(number, consistent=True).fines]
    assert keys == [f"late:{ends + timedelta(days=n)}" for n in (1, 2, 3)]


def test_crash_between_once_marker_and_licence_write_is_repaired_by_the_rerun(stack):
    # GIVEN two identical late licences; the night's licence write for one of them dies
    ends = unique_night()
    control = store().create(make_licence("holder-c", ends, status=EXPIRED)).number
    victim = store().create(make_licence("holder-v", ends, status=EXPIRED)).number
    night, sms = ends + timedelta(days=1), RecordingNotifier()
    crashing = CrashBeforeLicenceWrite(store(), {victim})
    with pytest.raises(RuntimeError):
        run(night, sms, licences=crashing)
    assert crashing.crashed and store().get(victim, consistent=True).fines == ()
    # WHEN the same night is run again
    run(night, sms)
    run(night, sms)
    # THEN the victim has exactly the fine the control has, announced once each
    strip = lambda fines: [(f.key, f.amount_piasters, f.assessed_on) for f in fines]
    assert strip(store().get(victim, consistent=True).fines) == \
        strip(store().get(control, consistent=True).fines) == [(f"late:{night}", 2000, str(night))]
    assert len(sms.about(victim)) == 1 and len(sms.about(control)) == 1


def test_reminders_at_exactly_30_7_and_1_days_once_each(stack):
    night = unique_night()
    numbers = {days: store().create(make_licence("holder-r", night + timedelta(days=days))).number
               for days in (30, 29, 7, 1, 2)}
    suspended = store().create(make_licence("holder-r", night + timedelta(days=7),
                                            status=SUSPENDED)).number
    sms = RecordingNotifier()
    stats = run(night, sms)
    assert {d for d, n in numbers.items() if sms.about(n)} == {30, 7, 1}
    assert not sms.about(suspended)
    assert stats.reminders_queued >= 3
    ends = {days: (night + timedelta(days=days)).isoformat() for days in (30, 1)}
    assert ends[30] in sms.about(numbers[30])[0] and ends[1] in sms.about(numbers[1])[0]
    run(night, sms)  # rerun: nothing new
    assert sum(len(sms.about(n)) for n in numbers.values()) == 3


def test_fines_stop_at_the_cap_and_the_licence_leaves_the_accruing_index(stack):
    # GIVEN a licence late for 200 days that nobody fined (an outage): 2000/day, cap 365000
    night = unique_night()
    number = store().create(make_licence("holder-cap", night - timedelta(days=200),
                                         status=EXPIRED)).number
    sms = RecordingNotifier()
    run(night, sms)
    capped = store().get(number, consistent=True)
    assert sum(f.amount_piasters for f in capped.fines) == 365000
    assert len(capped.fines) == 183 and capped.fines[-1].amount_piasters == 1000
    assert capped.fines_capped and capped.accruing_shard is None
    assert len(sms.about(number)) == 1  # one notice for the night, with the total
    run(night + timedelta(days=1), sms)
    assert store().get(number, consistent=True).fines == capped.fines


def test_the_scheduler_fans_out_through_sqs_and_workers_run_the_tasks(stack):
    import boto3

    from chalicelib import wiring
    from chalicelib.events.nightly import on_schedule
    night = unique_night()
    number = store().create(make_licence("holder-q", night - timedelta(days=1))).number
    sqs = boto3.client("sqs")
    url = sqs.get_queue_url(QueueName=f"{stack.prefix}rukhsa-nightly")["QueueUrl"]
    original = wiring.clock
    wiring.clock = lambda: at_night(night)
    try:
        scheduled = on_schedule({})
    finally:
        wiring.clock = original
    assert scheduled == {"business_date": str(night), "tasks": len(nightly.plan_night(night, load_catalogue()))}
    bodies = []
    while True:
        got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
        if not got:
            break
        for message in got:
            bodies.append(message["Body"])
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    assert len(bodies) == scheduled["tasks"] and len(set(bodies)) == len(bodies)
    for body in bodies:
        if json.loads(body)["kind"] == "expire":
            stack.app.nightly_worker({"Records": [sqs_record(body)]}, LambdaContext())
    assert store().get(number, consistent=True).status == EXPIRED


class LambdaContext:
    def get_remaining_time_in_millis(self) -> int:
        return 600_000


def sqs_record(body: str) -> dict:
    return {"messageId": uuid.uuid4().hex, "receiptHandle": "r", "body": body, "attributes": {},
            "messageAttributes": {}, "md5OfBody": "", "eventSource": "aws:sqs",
            "eventSourceARN": "arn:aws:sqs:eu-central-1:000000000000:rukhsa-nightly",
            "awsRegion": "eu-central-1"}
