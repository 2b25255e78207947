"""Back-office domain rules: documents, inspections, amendments, report counters."""
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest


from chalicelib.domain import backoffice, reports
from chalicelib.domain.applications import (APPROVED, ISSUED, LICENCE_PAID, REJECTED, RETURNED,
                                            SUBMITTED, UNDER_REVIEW, Application,
                                            TimelineEntry)
from chalicelib.domain.catalogue import load_catalogue
from chalicelib.domain.licences import Fine
from chalicelib.errors import Conflict, NotFound, ValidationFailed

NOW = datetime(2026, 5, 1, 8, 0, tzinfo=timezone.utc)


def application(status=UNDER_REVIEW, **kw) -> Application:
    return Application(
        id="a1", service_code="advertisement-first", kind="advertisement", case="first",
        district="EAST", owner="c-1", applicant={}, site={}, details={"faces": 1},
        status=status, fees=(), created_at="2026-04-01T08:00:00.000Z",
        updated_at="2026-04-01T08:00:00.000Z",
        timeline=(TimelineEntry(SUBMITTED, "2026-04-01T08:00:00.000Z", "citizen"),), **kw)


SLOTS = load_catalogue().document_slots


def test_a_slot_accepts_only_its_types():
    backoffice.check_document("national_id", "image/png", SLOTS)
    with pytest.raises(ValidationFailed) as wrong:
        backoffice.check_document("ownership_or_lease", "image/png", SLOTS)
    assert "content_type" in wrong.value.fields
    with pytest.raises(ValidationFailed) as unknown:
        backoffice.check_document("selfie", "image/png", SLOTS)
    assert "slot" in unknown.value.fields


def test_documents_are_closed_once_decided():
    changed, document = backoffice.add_document(application(RETURNED), "d1", "site_plan",
                                                "application/pdf", "documents/a1/d1", "c-1", NOW,
                                                SLOTS)
    assert backoffice.documents(changed) == [document] and document["max_bytes"] == 5 * 1024 * 1024
    with pytest.raises(Conflict):
        backoffice.add_document(application("approved"), "d2", "site_plan", "application/pdf",
                                "k", "c-1", NOW, SLOTS)


def test_inspection_is_scheduled_in_the_future_and_recorded_once():
    with pytest.raises(ValidationFailed):
        backoffice.schedule_inspection(application(), "i1", NOW - timedelta(minutes=1), "Eng. S", "o", NOW)
    with pytest.raises(Conflict):
        backoffice.schedule_inspection(application(SUBMITTED), "i1", NOW + timedelta(days=1), "Eng. S", "o", NOW)
    app, inspection = backoffice.schedule_inspection(application(), "i1", NOW + timedelta(days=1),
                                                     "Eng. S", "o", NOW)
    assert inspection["status"] == "scheduled"
    app, _ = backoffice.add_photo(app, "i1", "p1", "image/jpeg", "k", "o", NOW)
    with pytest.raises(ValidationFailed):
        backoffice.add_photo(app, "i1", "p2", "application/pdf", "k", "o", NOW)
    app, recorded = backoffice.record_result(app, "i1", "passed", "fine", "o", NOW)
    assert recorded["status"] == "passed" and len(recorded["photos"]) == 1
    with pytest.raises(Conflict):
        backoffice.record_result(app, "i1", "failed", "", "o", NOW)
    with pytest.raises(NotFound):
        backoffice.record_result(app, "nope", "failed", "", "o", NOW)


def test_only_a_returned_application_is_amended():
    amended = backoffice.amend(application(RETURNED), None, None, {"faces": 2})
    assert amended.details == {"faces": 2} and amended.applicant == {}
    with pytest.raises(Conflict):
        backoffice.amend(application(), None, None, {"faces": 2})


def test_report_changes_move_one_count_and_time_issuance():
    reviewing = application()
    issued = replace(reviewing, status=ISSUED, timeline=reviewing.timeline + (
        TimelineEntry(ISSUED, "2026-04-04T20:00:00.000Z", "system"),))
    assert reports.changes(None, reviewing) == {("EAST", "COUNT#advertisement#under_review"): 1}
    assert reports.changes(reviewing, reviewing) == {}
    assert reports.changes(reviewing, issued) == {
        ("EAST", "COUNT#advertisement#under_review"): -1, ("EAST", "COUNT#advertisement#issued"): 1,
        ("EAST", "ISSUED_COUNT"): 1, ("EAST", "ISSUED_SECONDS"): 3 * 86400 + 12 * 3600}
    assert reports.changes(issued, issued) == {}


def test_a_decision_is_timed_from_submission_once_when_the_application_leaves_review():
    reviewing = application()  # submitted 2026-04-01T08:00Z, now under review
    approved = replace(reviewing, status=APPROVED, timeline=reviewing.timeline + (
        TimelineEntry(APPROVED, "2026-04-03T08:00:00.000Z", "officer"),))
    # an approval with nothing due goes on to licence_paid in the same write
    straight_on = replace(approved, status=LICENCE_PAID, timeline=approved.timeline + (
        TimelineEntry(LICENCE_PAID, "2026-04-03T08:00:00.000Z", "system"),))
    rejected = replace(reviewing, status=REJECTED, timeline=reviewing.timeline + (
        TimelineEntry(REJECTED, "2026-04-02T20:00:00.000Z", "officer"),))
    returned = replace(reviewing, status=RETURNED, timeline=reviewing.timeline + (
        TimelineEntry(RETURNED, "2026-04-02T08:00:00.000Z", "officer"),))
    for decided, seconds in ((approved, 2 * 86400), (straight_on, 2 * 86400), (rejected, 36 * 3600)):
        counted = reports.changes(reviewing, decided)
        assert (counted[("EAST", "DECIDED_COUNT")], counted[("EAST", "DECIDED_SECONDS")]) == (1, seconds)
    # a return is not a decision; nor is a later step of an approved application
    assert ("EAST", "DECIDED_COUNT") not in reports.changes(reviewing, returned)
    assert ("EAST", "DECIDED_COUNT") not in reports.changes(approved, straight_on)
    assert ("EAST", "DECIDED_COUNT") not in reports.changes(None, approved)


def test_summary_adds_districts_and_averages_days():
    summary = reports.summarise(
        {"EAST": {"COUNT#shop#issued": 2, "ISSUED_COUNT": 2, "ISSUED_SECONDS": 5 * 86400},
         "BORG": {"COUNT#shop#rejected": 1}},
        {"EAST": reports.fine_totals([Fine("k1", "", "", 2000, "2026-01-01", "p"),
                                      Fine("k2", "", "", 500, "2026-01-02")])},
        ["shop", "advertisement"])
    assert summary["by_status"]["issued"] == 2 and summary["by_status"]["rejected"] == 1
    assert summary["by_kind"]["shop"]["issued"] == 2 and summary["total"] == 3
    assert summary["average_days_to_issue"] == 2.5
    assert (summary["decided_count"], summary["average_days_to_decision"]) == (0, None)
    timed = reports.summarise({"EAST": {"DECIDED_COUNT": 2, "DECIDED_SECONDS": 3 * 86400},
                               "BORG": {"DECIDED_COUNT": 1, "DECIDED_SECONDS": 0}}, {}, [])
    assert (timed["decided_count"], timed["average_days_to_decision"]) == (3, 1.0)
    assert summary["fines"] == {"assessed_piasters": 2500, "collected_piasters": 2000,
                                "outstanding_piasters": 500}


def test_an_amendment_is_repriced_against_what_was_paid_less_refunds():
    from chalicelib.domain.fees import FeeLine

    def line(code, amount, paid_by=None, stage="submission"):
        return FeeLine(code, f"{code} ar", f"{code} en", stage, amount, paid_by)

    paid = application(RETURNED, **{})
    paid = replace(paid, fees=(line("sms", 500, "P1"), line("licence", 1000, "P1"),
                               line("fine", 700, "P1", stage="fine")))
    # GIVEN the amended details owe 5,000 for the licence fee: the difference is a new line
    more, repricing = backoffice.reprice_amendment(paid, [line("sms", 500), line("licence", 5000)])
    assert [(f.code, f.amount_piasters, f.paid_by) for f in repricing.difference] == \
        [("licence", 4000, None)]
    assert more.fees[-1].name_en == "licence en (difference after the amendment)"
    assert repricing.refunds == () and "refunds_due" not in more.extra
    # GIVEN they owe 400: 600 is refunded, against the payment that paid it; fines untouched
    less, repricing = backoffice.reprice_amendment(paid, [line("sms", 500), line("licence", 400)])
    assert repricing.difference == () and less.fees == paid.fees
    assert less.extra["refunds_due"] == [{"code": "licence", "amount_piasters": 600,
                                          "payment_id": "P1"}]
    # AND a later amendment back to 1,000 asks for the refunded 600 only
    back, repricing = backoffice.reprice_amendment(less, [line("sms", 500), line("licence", 1000)])
    assert repricing.difference_piasters == 600 and repricing.refunds == ()
