"""Contracts of the storage ports (chalicelib/ports.py), on the fake and on DynamoDB alike:
what a write returns, which conditional write loses and how, what a missing key raises, how
listings page. Ids are unique per test: the emulator's tables are shared by the session."""
from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from chalicelib.domain.applications import RETURNED, UNDER_REVIEW, iso
from chalicelib.domain.audit import AuditRecord
from chalicelib.domain.licences import EXPIRED, Fine
from chalicelib.domain.payments import PAID
from chalicelib.domain.licence_numbers import format_number as licence_number
from chalicelib.errors import ConcurrentUpdate, NotFound, ValidationFailed
from tests.fakes import builders
from tests.fakes.builders import T0, unique
from tests.integration.contracts.conftest import all_pages


# The emulator's tables are the session's: what these tests write lives in districts of their
# own, so the streams, the nightly job and the reports of the other tests never meet it.
def district() -> str:
    return unique("T").replace("-", "").upper()


def application(**values):
    return builders.application(**{"district": district(), **values})


def licence(**values):
    return builders.licence(**{"district": district(), **values})


def payment(ports, **values):
    """A payment of an application that exists, for the same fees: once paid, the payments
    stream moves that application on, as it would any other."""
    app = ports.applications.create(application(district=values.pop("district", district())))
    return builders.payment(application_id=app.id, district=app.district, **values)


def audit(at: str, action: str) -> AuditRecord:
    return AuditRecord(at=at, actor="officer-1", role="officer", district="EAST", action=action,
                       from_status="submitted", to_status="under_review")


class TestApplicationStore:
    def test_a_created_application_reads_back_and_its_id_cannot_be_created_again(self, ports):
        # GIVEN a new application WHEN created with its audit record
        app = application()
        created = ports.applications.create(app, [audit(app.created_at, "submit")])
        # THEN it reads back as written, at version 1, and a second create of the id loses
        assert created.version == 1
        assert ports.applications.get(app.id) == created
        with pytest.raises(ConcurrentUpdate):
            ports.applications.create(app)
        assert [r["action"] for r in ports.audit.list(f"APP#{app.id}", 10, None).items] == ["submit"]

    def test_a_save_from_a_stale_read_loses(self, ports):
        # GIVEN an application read twice
        first = ports.applications.create(application())
        stale = ports.applications.get(first.id)
        # WHEN one reader saves, then the other
        saved = ports.applications.save(replace(first, status=UNDER_REVIEW),
                                        [audit(first.updated_at, "review")])
        with pytest.raises(ConcurrentUpdate):
            ports.applications.save(replace(stale, status=RETURNED), [audit("x", "return")])
        # THEN the first write stands, with its one audit record; the loser wrote nothing
        assert saved.version == 2 and ports.applications.get(first.id).status == UNDER_REVIEW
        trail = ports.audit.list(f"APP#{first.id}", 10, None).items
        assert [(r["action"], r["actor"], r["reason"]) for r in trail] == [("review", "officer-1", None)]

    def test_a_missing_application_is_not_found(self, ports):
        with pytest.raises(NotFound) as missing:
            ports.applications.get(unique("none"))
        assert missing.value.code == "application_not_found"

    def test_an_owner_lists_newest_first_page_by_page_and_by_status(self, ports):
        # GIVEN three applications of one owner, one of them under review
        owner = unique("owner")
        made = [ports.applications.create(application(owner=owner, created=T0 + timedelta(hours=n)))
                for n in range(3)]
        ports.applications.save(replace(made[1], status=UNDER_REVIEW), [])
        # WHEN listed two at a time THEN all three come, newest first
        listed = all_pages(lambda limit, cursor: ports.applications.list_by_owner(
            owner, None, limit, cursor), 2)
        assert [a.id for a in listed] == [made[2].id, made[1].id, made[0].id]
        # AND a status keeps only its own
        reviewed = all_pages(lambda limit, cursor: ports.applications.list_by_owner(
            owner, UNDER_REVIEW, limit, cursor), 2)
        assert [a.id for a in reviewed] == [made[1].id]

    def test_a_district_queue_lists_oldest_first(self, ports):
        district = unique("D")
        made = [ports.applications.create(application(district=district, status=UNDER_REVIEW,
                                                      created=T0 - timedelta(days=n)))
                for n in range(3)]
        listed = all_pages(lambda limit, cursor: ports.applications.list_queue(
            district, UNDER_REVIEW, limit, cursor), 2)
        assert [a.id for a in listed] == [made[2].id, made[1].id, made[0].id]

    def test_a_service_filter_reaches_past_the_first_pages_and_its_cursor_continues(self, ports):
        # GIVEN a district's queue: 14 shop applications waiting longest, a kiosk one, 14 more
        # shops, then a second kiosk one (the filter must read past several pages of 2)
        district = unique("D")
        def made(n, service="shop-first"):
            return ports.applications.create(application(
                district=district, status=UNDER_REVIEW, service_code=service,
                kind=service.split("-")[0], created=T0 + timedelta(minutes=n)))
        for n in range(14):
            made(n)
        first_kiosk = made(14, "kiosk-first")
        for n in range(15, 29):
            made(n)
        last_kiosk = made(29, "kiosk-first")
        # WHEN the officer lists kiosk applications two at a time, following every cursor
        pages, cursor = [], None
        for _ in range(50):
            page = ports.applications.list_queue(district, UNDER_REVIEW, 2, cursor,
                                                 service="kiosk-first")
            pages.append(page)
            cursor = page.next_cursor
            if not cursor:
                break
        # THEN both come, oldest first, each once, and no page is over its limit; a page may
        # hold fewer than asked while the listing goes on
        listed = [a.id for page in pages for a in page.items]
        assert listed == [first_kiosk.id, last_kiosk.id]
        assert all(len(page.items) <= 2 for page in pages) and pages[-1].next_cursor is None

    def test_a_page_filled_in_the_middle_of_a_read_resumes_after_its_last_item(self, ports):
        # GIVEN a queue of kiosk, shop, kiosk, kiosk, shop, kiosk: read two at a time, the
        # second read holds two kiosks when the page has room for one more
        district = unique("D")
        services = ["kiosk", "shop", "kiosk", "kiosk", "shop", "kiosk"]
        made = [ports.applications.create(application(
            district=district, status=UNDER_REVIEW, service_code=f"{kind}-first", kind=kind,
            created=T0 + timedelta(minutes=n))) for n, kind in enumerate(services)]
        # WHEN listed two at a time by service THEN every kiosk comes once, in order
        listed = all_pages(lambda limit, cursor: ports.applications.list_queue(
            district, UNDER_REVIEW, limit, cursor, service="kiosk-first"), 2)
        assert [a.id for a in listed] == [a.id for a in made if a.kind == "kiosk"]

    def test_created_before_keeps_only_the_older_applications(self, ports):
        # GIVEN three applications submitted a day apart
        district = unique("D")
        made = [ports.applications.create(application(
            district=district, status=UNDER_REVIEW, created=T0 - timedelta(days=n)))
            for n in range(3)]
        # WHEN listed with a cutoff between the newest and the others
        cutoff = iso(T0 - timedelta(hours=12))
        listed = all_pages(lambda limit, cursor: ports.applications.list_queue(
            district, UNDER_REVIEW, limit, cursor, created_before=cutoff), 1)
        # THEN the two older ones come, oldest first
        assert [a.id for a in listed] == [made[2].id, made[1].id]

    def test_a_cursor_it_did_not_hand_out_is_refused(self, ports):
        with pytest.raises(ValidationFailed):
            ports.applications.list_by_owner("anyone", None, 10, "not-a-cursor")


class TestLicenceStoreAndReader:
    def test_a_created_licence_reads_back_from_the_store_and_the_reader(self, ports):
        # GIVEN a new licence WHEN created
        created = ports.licences.create(licence())
        # THEN both the store and the verification reader read it as written
        assert created.version == 1
        assert ports.licences.get(created.number, consistent=True) == created
        assert ports.reader.get(created.number) == created
        with pytest.raises(ConcurrentUpdate):
            ports.licences.create(licence(number=created.number))

    def test_a_missing_licence_is_not_found_by_either(self, ports):
        for read in (ports.licences.get, ports.reader.get):
            with pytest.raises(NotFound) as missing:
                read(f"ALX-EAST-2026-{unique('9')}")
            assert missing.value.code == "licence_not_found"

    def test_a_save_from_a_stale_read_loses_and_the_winner_keeps_its_audit(self, ports):
        first = ports.licences.create(licence())
        saved = ports.licences.save(replace(first, status="suspended"),
                                    [audit("2026-03-02T09:00:00.000Z", "suspend")])
        with pytest.raises(ConcurrentUpdate):
            ports.licences.save(replace(first, status="revoked"))
        assert saved.version == 2
        assert ports.licences.get(first.number, consistent=True).status == "suspended"
        trail = ports.audit.list(f"LIC#{first.number}", 10, None).items
        assert [r["action"] for r in trail] == ["suspend"]

    def test_numbering_skips_a_taken_number_and_never_repeats(self, ports):
        # GIVEN a district whose first number of the year is already taken
        district = unique("N").upper().replace("-", "")
        ports.licences.create(licence(number=licence_number(district, 2031, 1)))
        # WHEN two licences are numbered
        first = ports.licences.create_numbered(lambda n: licence(number=n, district=district),
                                               district, 2031)
        second = ports.licences.create_numbered(lambda n: licence(number=n, district=district),
                                                district, 2031)
        # THEN the taken number is skipped, and each gets the next
        assert [first.number, second.number] == [licence_number(district, 2031, 2),
                                                 licence_number(district, 2031, 3)]

    def test_what_build_raises_reaches_the_caller(self, ports):
        class Refused(Exception):
            pass

        def build(number):
            raise Refused(number)

        with pytest.raises(Refused):
            ports.licences.create_numbered(build, district(), 2031)

    def test_holders_and_districts_list_by_number_page_by_page(self, ports):
        holder, district = unique("holder"), unique("L").upper()
        made = sorted(ports.licences.create(licence(holder=holder, district=district)).number
                      for _ in range(3))
        by_holder = all_pages(lambda limit, cursor: ports.licences.list_by_holder(
            holder, limit, cursor), 2)
        by_district = all_pages(lambda limit, cursor: ports.licences.list_by_district(
            district, limit, cursor), 2)
        assert [lic.number for lic in by_holder] == made == [lic.number for lic in by_district]


class TestWorkLists:
    def test_terms_ending_on_a_date_list_by_district_prefix(self, ports):
        # GIVEN licences of two districts ending on one date, and one ending the day after
        ends = date(2070, 1, 1) + timedelta(days=int(unique("0").split("-")[1], 16) % 9000)
        one, other = district(), district()
        mine = [ports.licences.create(licence(district=one, valid_until=ends)) for _ in range(3)]
        ports.licences.create(licence(district=other, valid_until=ends))
        ports.licences.create(licence(district=one, valid_until=ends + timedelta(days=1)))
        # WHEN the one district's list for the date is read two at a time
        listed = all_pages(lambda limit, cursor: ports.work_lists.ending_on(
            ends.isoformat(), f"ALX-{one}-", limit, cursor), 2)
        # THEN exactly its three licences ending that day are on it
        assert sorted(lic.number for lic in listed) == sorted(lic.number for lic in mine)

    def test_only_late_advertisements_still_accruing_are_in_their_shard(self, ports):
        accruing = ports.licences.create(licence(kind="advertisement", status=EXPIRED))
        capped = ports.licences.create(licence(kind="advertisement", status=EXPIRED,
                                               fines_capped=True))
        shard = accruing.accruing_shard
        listed = {lic.number for lic in all_pages(lambda limit, cursor: ports.work_lists.accruing(
            shard, limit, cursor), 50)}
        assert accruing.number in listed and capped.number not in listed
        assert capped.accruing_shard is None
        # and out of the index again, so the other tests' nights do not fine it
        ports.licences.save(replace(accruing, superseded_by="contract-test"))


class TestOnceStore:
    def test_the_first_decision_wins_and_every_rerun_reads_it(self, ports):
        key = unique("fine")
        assert ports.once.decide(key, {"amount_piasters": 500}, T0) == {"amount_piasters": 500}
        assert ports.once.decide(key, {"amount_piasters": 900}, T0) == {"amount_piasters": 500}

    def test_a_claim_is_held_until_its_lease_lapses_and_a_completed_one_for_good(self, ports):
        key = unique("sms")
        assert ports.once.claim(key, T0, 60) is True
        assert ports.once.claim(key, T0 + timedelta(seconds=30), 60) is False
        # a sender that died: its lease lapses and the key may be claimed again
        assert ports.once.claim(key, T0 + timedelta(seconds=61), 60) is True
        ports.once.complete(key, {"message_id": "m-1"})
        assert ports.once.claim(key, T0 + timedelta(days=2), 60) is False

    def test_a_released_claim_may_be_claimed_again_at_once(self, ports):
        key = unique("sms")
        assert ports.once.claim(key, T0, 900) is True
        ports.once.release(key)
        assert ports.once.claim(key, T0 + timedelta(seconds=1), 900) is True


class TestPointerStore:
    def test_a_pointer_is_set_once_and_moves_only_from_the_value_expected(self, ports):
        key = unique("issue")
        assert ports.pointers.ref(key) is None
        assert ports.pointers.point(key, "A", T0) is True
        assert ports.pointers.point(key, "B", T0) is False
        assert ports.pointers.point(key, "B", T0, replacing="not-A") is False
        assert ports.pointers.ref(key) == "A"
        assert ports.pointers.point(key, "B", T0, replacing="A") is True
        assert ports.pointers.ref(key) == "B"


class TestRateLimiter:
    def test_uses_are_counted_until_the_window_is_full_and_it_slides(self, ports):
        from chalicelib.domain.rate_limits import Limit

        key, limit = unique("rate#test"), Limit(2, 600)
        assert ports.rate_limiter.take(key, limit, T0) == 0
        assert ports.rate_limiter.take(key, limit, T0 + timedelta(seconds=100)) == 0
        # full: refused, told when the first use leaves the window, and nothing is counted
        assert ports.rate_limiter.take(key, limit, T0 + timedelta(seconds=200)) == 400
        assert ports.rate_limiter.take(key, limit, T0 + timedelta(seconds=599)) == 1
        assert ports.rate_limiter.take(key, limit, T0 + timedelta(seconds=601)) == 0
        assert ports.rate_limiter.take(key, limit, T0 + timedelta(seconds=650)) == 50
        assert ports.rate_limiter.take(unique("rate#test"), limit, T0) == 0  # keys are apart

    def test_a_use_given_back_is_uncounted(self, ports):
        from chalicelib.domain.rate_limits import Limit

        key, limit = unique("rate#test"), Limit(2, 600)
        later = T0 + timedelta(seconds=100, microseconds=123456)
        assert ports.rate_limiter.take(key, limit, T0) == 0
        assert ports.rate_limiter.take(key, limit, later) == 0
        assert ports.rate_limiter.take(key, limit, T0 + timedelta(seconds=200)) == 400
        # WHEN the later use is given back (what it allowed did not happen) THEN one is free
        ports.rate_limiter.give_back(key, later)
        ports.rate_limiter.give_back(key, later)  # twice: the first use stays counted
        assert ports.rate_limiter.take(key, limit, T0 + timedelta(seconds=200)) == 0
        assert ports.rate_limiter.take(key, limit, T0 + timedelta(seconds=300)) == 300
        ports.rate_limiter.give_back(unique("rate#test"), T0)  # nothing to give back: no error


class TestPaymentStore:
    def test_a_created_payment_reads_back_and_its_id_cannot_be_created_again(self, ports):
        created = ports.payments.create(payment(ports))
        assert created.version == 1 and ports.payments.get(created.id) == created
        with pytest.raises(ConcurrentUpdate):
            ports.payments.create(replace(created, version=0))
        with pytest.raises(NotFound) as missing:
            ports.payments.get(unique("PAY"))
        assert missing.value.code == "payment_not_found"

    def test_a_gateway_event_is_recorded_exactly_once(self, ports):
        # GIVEN a pending payment
        created = ports.payments.create(payment(ports))
        paid = replace(created, status=PAID, paid_at="2026-03-01T09:05:00.000Z")
        key = unique("event")
        # WHEN the event is recorded, then recorded again
        assert ports.payments.record_event(paid, key) is True
        assert ports.payments.record_event(paid, key) is False
        # THEN the payment changed once; another event from the stale read loses on the version
        assert ports.payments.get(created.id).version == 2
        with pytest.raises(ConcurrentUpdate):
            ports.payments.record_event(paid, unique("event"))

    def test_a_refund_is_written_with_its_audit_record_or_not_at_all(self, ports):
        created = ports.payments.create(payment(ports))
        ports.payments.record_refund(replace(created, flag_reason=""),
                                     audit(created.created_at, "payment_refunded"))
        with pytest.raises(ConcurrentUpdate):
            ports.payments.record_refund(created, audit(created.created_at, "again"))
        trail = ports.audit.list(f"APP#{created.application_id}", 10, None).items
        assert [r["action"] for r in trail] == ["payment_refunded"]

    def test_a_mark_flags_without_changing_the_status_and_twice_changes_nothing(self, ports):
        created = ports.payments.create(payment(ports))
        ports.payments.mark(created.id, "paid_but_not_due", "2026-03-01T10:00:00.000Z")
        marked = ports.payments.get(created.id)
        ports.payments.mark(created.id, "paid_but_not_due", "2026-03-01T11:00:00.000Z")
        assert marked.flag_reason == "paid_but_not_due" and marked.status == created.status
        assert ports.payments.get(created.id) == marked

    def test_payments_list_by_application_by_day_and_pending(self, ports):
        # GIVEN two payments of one application an hour apart, in a district of their own
        district = unique("P").replace("-", "").upper()
        first = ports.payments.create(payment(ports, district=district))
        second = ports.payments.create(builders.payment(application_id=first.application_id,
                                                        district=district,
                                                        created=T0 + timedelta(hours=1)))
        # THEN the application lists them newest first, the day lists both
        assert [p.id for p in ports.payments.list_by_application(first.application_id)] == \
            [second.id, first.id]
        assert {p.id for p in ports.payments.list_by_day(first.day, district)} == {first.id, second.id}
        # AND both are pending before a time after them, only the first before a time between
        between = "2026-03-01T09:30:00.000Z"
        pending = [p.id for p in ports.payments.list_pending(between, 1000)]
        assert first.id in pending and second.id not in pending


class TestAuditTrail:
    def test_a_trail_reads_oldest_first_page_by_page(self, ports):
        app = application()
        records = [audit(f"2026-03-01T09:0{n}:00.000Z", f"step-{n}") for n in (2, 0, 1)]
        ports.applications.create(app, records)
        listed = all_pages(lambda limit, cursor: ports.audit.list(f"APP#{app.id}", limit, cursor), 2)
        assert [r["action"] for r in listed] == ["step-0", "step-1", "step-2"]
        assert set(listed[0]) == {"at", "actor", "actor_name", "role", "district", "action",
                                  "from_status", "to_status", "reason", "data"}


class TestRollout:
    def test_a_seed_never_undoes_what_is_set(self, ports):
        code = unique("svc")
        ports.rollout.seed({code: ["TWEST", "TEAST", "TEAST"]}, "2026-01-01T00:00:00.000Z")
        ports.rollout.seed({code: ["TNORTH"]}, "2026-01-02T00:00:00.000Z")
        assert ports.rollout.all()[code] == ("TEAST", "TWEST")

    def test_an_admin_turns_a_district_on_and_off_with_an_audit_record(self, ports):
        code = unique("svc")

        def toggle(district: str, live: bool, by: str, minute: int):
            at = f"2026-03-01T09:0{minute}:00.000Z"
            record = AuditRecord(at=at, actor=by, role="admin", district=district,
                                 action="rollout_on" if live else "rollout_off")
            return ports.rollout_admin.set_live(code, district, live, by, at, record)

        assert toggle("TEAST", True, "admin-1", 0) == ((), ("TEAST",))
        assert toggle("TWEST", True, "admin-1", 1) == (("TEAST",), ("TEAST", "TWEST"))
        assert toggle("TEAST", False, "admin-2", 2) == (("TEAST", "TWEST"), ("TWEST",))
        entry = next(e for e in ports.rollout_admin.entries() if e["service_code"] == code)
        assert entry == {"service_code": code, "districts": ["TWEST"],
                         "updated_at": "2026-03-01T09:02:00.000Z", "updated_by": "admin-2"}
        assert ports.rollout.all()[code] == ("TWEST",)
        # Every service's changes share one subject: this service's are picked out by `data`
        trail = [r for r in ports.audit.list("ROLLOUT", 1000, None).items
                 if r["data"]["service_code"] == code]
        assert [(r["actor"], r["from_status"], r["to_status"]) for r in trail] == [
            ("admin-1", "not_live", "live"), ("admin-1", "not_live", "live"),
            ("admin-2", "live", "not_live")]
        newest = [r for r in ports.audit.list("ROLLOUT", 1000, None, newest_first=True).items
                  if r["data"]["service_code"] == code]
        assert newest == trail[::-1]


class TestReportStore:
    def test_increments_apply_once_per_key(self, ports):
        district, key = unique("R"), unique("report")
        assert ports.reports.apply_once(key, {(district, "submitted"): 1,
                                              (district, "kind#shop"): 2}, T0) is True
        assert ports.reports.apply_once(key, {(district, "submitted"): 1}, T0) is False
        assert ports.reports.apply_once(unique("report"), {(district, "submitted"): 1}, T0) is True
        assert ports.reports.counters(district) == {"submitted": 2, "kind#shop": 2}

    def test_the_fines_of_a_districts_licences_are_read(self, ports):
        district = unique("F").upper()
        fine = Fine(key="late#2026-03-01", name_ar="غرامة", name_en="Late fine",
                    amount_piasters=5000, assessed_on="2026-03-01")
        ports.licences.create(licence(district=district, fines=(fine,)))
        ports.licences.create(licence(district=district))
        assert list(ports.reports.licence_fines(district)) == [fine]


def violation(district_code: str, reporter: str = "officer-1", minute: int = 0):
    from chalicelib.domain.violations import ReportInput, check_report, new_violation

    now = T0 + timedelta(minutes=minute)
    body = ReportInput(kind="other_site", lat=31.2156, lng=29.9553, note="لافتة في غير موقعها",
                       observed_at=T0.isoformat(), idempotency_key=unique("violation-key"),
                       licence_number="ALX-EAST-2026-000123", accuracy_m=8,
                       photo_types=("image/jpeg",))
    return new_violation(body, check_report(body, now), reporter, "م. سمير", district_code, now,
                         None)


class TestViolationStore:
    def test_a_report_is_written_once_with_its_audit_record_and_a_replay_reads_it_back(self, ports):
        # GIVEN a report
        report = violation(district())
        record = AuditRecord(at=report.reported_at, actor="officer-1", role="officer",
                             district=report.district, action="report_violation")
        # WHEN it is created, then created again (an offline queue's replay)
        stored, created = ports.violations.create(report, record)
        again, created_again = ports.violations.create(replace(report, note="changed"), record)
        # THEN the first write stands, read back whole, with one audit record
        assert (created, created_again) == (True, False)
        assert again == stored == report == ports.violations.get(report.id)
        assert [r["action"] for r in ports.audit.list(f"VIO#{report.id}", 10, None).items] == [
            "report_violation"]

    def test_a_missing_report_is_not_found(self, ports):
        with pytest.raises(NotFound) as missing:
            ports.violations.get("0" * 32)
        assert missing.value.code == "violation_not_found"

    def test_a_district_lists_the_last_received_first_page_by_page(self, ports):
        # GIVEN three reports in one district, a minute apart, and one elsewhere
        here = district()
        made = [violation(here, minute=m) for m in range(3)]
        for report in made + [violation(district())]:
            ports.violations.create(report, AuditRecord(at=report.reported_at, actor="o",
                                                        role="officer", district=report.district,
                                                        action="report_violation"))
        # WHEN listed two at a time
        listed = all_pages(lambda limit, cursor: ports.violations.list_by_district(here, limit, cursor), 2)
        # THEN the district's three, newest first
        assert [v.id for v in listed] == [v.id for v in reversed(made)]
        with pytest.raises(ValidationFailed):
            ports.violations.list_by_district(here, 2, "not-a-cursor")
