"""The back office (chalicelib/usecases/backoffice.py) over the fakes: decisions, returns and
resubmissions, documents and inspections, licence status, rollout and the report. No emulator."""
from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from chalicelib.auth import Principal
from chalicelib.domain.applications import APPROVED, REJECTED, RETURNED, UNDER_REVIEW
from chalicelib.domain.commands import (Amendment, Decision, DocumentUpload, InspectionBooking,
                                        InspectionResult, SiteInput)
from chalicelib.domain.fees import STAGE_APPROVAL
from chalicelib.errors import Conflict, Forbidden, ValidationFailed
from chalicelib.usecases import backoffice as usecase
from tests.fakes.builders import licence
from tests.fakes.scenarios import (admin, apply, catalogue, citizen, hand_in_documents,
                                   live_world, officer, pay_what_is_due)


@pytest.fixture
def world():
    return live_world()


@pytest.fixture
def holder():
    return citizen()


@pytest.fixture
def reviewed(world, holder):
    """An application under review in EAST (its submission fees paid)."""
    app = apply(world, holder)
    pay_what_is_due(world, holder, app.id)
    return world.applications.get(app.id)


def trail(world, app_id):
    return world.audit.list(f"APP#{app_id}", 50, None).items


def test_an_approval_makes_the_licence_fee_due_and_is_on_record(world, holder, reviewed):
    # GIVEN an application under review with its documents WHEN its district's officer
    # approves it
    hand_in_documents(world, holder, reviewed.id)
    clerk = officer("EAST")
    approved = usecase.decide(reviewed.id, Decision("approve"), clerk, catalogue(),
                              world.applications, world.files, world.clock())
    # THEN it is approved with the approval-stage fee due, and the trail names the officer
    assert approved.status == APPROVED
    assert [f.stage for f in approved.fees_due] == [STAGE_APPROVAL] * len(approved.fees_due)
    assert approved.amount_due_piasters > 0
    assert (trail(world, reviewed.id)[-1]["actor"], trail(world, reviewed.id)[-1]["district"],
            trail(world, reviewed.id)[-1]["to_status"]) == (clerk.sub, "EAST", APPROVED)


def test_an_approval_is_refused_while_a_required_document_is_missing(world, holder):
    # GIVEN a shop application under review with only the national ID uploaded
    app = apply(world, holder)
    _, form = usecase.request_document_upload(app.id, DocumentUpload("national_id", "image/png"),
                                              holder, world.applications, world.files,
                                              world.clock(), catalogue())
    world.files.put(form["fields"]["key"], b"scan", "image/png")
    pay_what_is_due(world, holder, app.id)
    # WHEN the officer approves THEN it is a conflict naming each missing document in both
    # languages, and the application stays under review
    with pytest.raises(Conflict) as refused:
        usecase.decide(app.id, Decision("approve"), officer("EAST"), catalogue(),
                       world.applications, world.files, world.clock())
    assert refused.value.code == "documents_missing"
    slots = catalogue().document_slots
    for slot in ("ownership_or_lease", "property_tax_certificate", "survey_map",
                 "social_insurance", "commercial_register"):
        assert slots[slot].name_en in refused.value.message_en
        assert slots[slot].name_ar in refused.value.message_ar
    assert slots["national_id"].name_en not in refused.value.message_en
    assert world.applications.get(app.id).status == UNDER_REVIEW
    # AND a rejection needs no documents
    rejected = usecase.decide(app.id, Decision("reject", "the site is a residential flat"),
                              officer("EAST"), catalogue(), world.applications, world.files, world.clock())
    assert rejected.status == REJECTED


def test_a_rejection_needs_a_reason_which_the_citizen_then_sees(world, reviewed):
    clerk = officer("EAST")
    with pytest.raises(ValidationFailed) as refused:
        usecase.decide(reviewed.id, Decision("reject", " no "), clerk, catalogue(),
                       world.applications, world.files, world.clock())
    assert "reason" in refused.value.fields
    assert world.applications.get(reviewed.id).status == UNDER_REVIEW
    rejected = usecase.decide(reviewed.id, Decision("reject", "the site is a  residential flat"),
                              clerk, catalogue(), world.applications, world.files, world.clock())
    assert (rejected.status, rejected.decision_reason) == (REJECTED,
                                                           "the site is a residential flat")


def test_an_upload_form_signed_but_never_used_is_not_a_document_received(world, holder, reviewed):
    # GIVEN every required document handed in, but the property-tax certificate's form was
    # signed and its file never reached the store (the citizen's upload failed)
    hand_in_documents(world, holder, reviewed.id)
    app = world.applications.get(reviewed.id)
    [tax] = [d["key"] for d in app.extra["documents"] if d["slot"] == "property_tax_certificate"]
    del world.files.objects[tax]
    # WHEN the officer approves THEN it is refused naming that document alone
    with pytest.raises(Conflict) as refused:
        usecase.decide(reviewed.id, Decision("approve"), officer("EAST"), catalogue(),
                       world.applications, world.files, world.clock())
    slots = catalogue().document_slots
    assert slots["property_tax_certificate"].name_en in refused.value.message_en
    assert slots["national_id"].name_en not in refused.value.message_en
    # AND once the citizen uploads it again (a new form, a new key), the approval goes through
    _, form = usecase.request_document_upload(
        reviewed.id, DocumentUpload("property_tax_certificate", "application/pdf"), holder,
        world.applications, world.files, world.clock(), catalogue())
    world.files.put(form["fields"]["key"], b"%PDF-1.7", "application/pdf")
    approved = usecase.decide(reviewed.id, Decision("approve"), officer("EAST"), catalogue(),
                              world.applications, world.files, world.clock())
    assert approved.status == APPROVED


def test_an_officer_of_another_district_may_not_decide(world, reviewed):
    with pytest.raises(Forbidden):
        usecase.decide(reviewed.id, Decision("approve"), officer("WEST"), catalogue(),
                       world.applications, world.files, world.clock())
    assert world.applications.get(reviewed.id).status == UNDER_REVIEW


def test_a_return_says_what_is_missing_and_the_corrected_application_goes_back_to_review(
        world, holder, reviewed):
    # GIVEN an application returned for a wrong site
    returned = usecase.return_to_citizen(reviewed.id, "the map pin is on the sea", officer(),
                                         world.applications, world.clock())
    assert (returned.status, returned.timeline[-1].reason) == (RETURNED,
                                                               "the map pin is on the sea")
    # WHEN the citizen resubmits with a new site only
    world.clock.now += timedelta(hours=1)
    site = SiteInput(lat=31.2001, lng=29.9187, address="5 شارع النبي دانيال")
    again = usecase.resubmit(reviewed.id, Amendment(site=site, note="moved the pin"), holder,
                             catalogue(), world.applications, world.payments, world.clock())
    # THEN it is under review again with the new site and the old applicant, and the trail
    # says what was amended
    assert again.status == UNDER_REVIEW
    assert again.site == {"lat": 31.2001, "lng": 29.9187, "address": "5 شارع النبي دانيال"}
    assert again.applicant == reviewed.applicant
    assert trail(world, reviewed.id)[-1]["data"] == {"amended": ["site"]}


def test_a_resubmission_is_checked_like_a_new_application(world, holder, reviewed):
    usecase.return_to_citizen(reviewed.id, "wrong area", officer(), world.applications,
                              world.clock())
    with pytest.raises(ValidationFailed) as refused:
        usecase.resubmit(reviewed.id, Amendment(details={"activity": "x", "area_m2": -3,
                                                         "commercial_register_no": "1"}),
                         holder, catalogue(), world.applications, world.payments,
                         world.clock())
    assert "details.area_m2" in refused.value.fields
    assert world.applications.get(reviewed.id).status == RETURNED


def test_only_a_returned_application_can_be_resubmitted(world, holder, reviewed):
    with pytest.raises(Conflict):
        usecase.resubmit(reviewed.id, Amendment(), holder, catalogue(), world.applications,
                         world.payments, world.clock())


def test_details_that_cost_more_go_back_to_payment_and_less_flag_a_refund(world, holder):
    # GIVEN a building renewal (its licence fee is due at submission) paid for 1 floor on 20 m2,
    # under review and returned
    from chalicelib.usecases.applications import new_application as build
    from tests.fakes.scenarios import pay_what_is_due
    plot = {"floors": 1, "area_m2": 20, "plot_number": "P-17", "engineer_syndicate_no": "E-4411"}
    renewal = world.applications.create(build(
        catalogue().service("building-renewal"), "EAST", holder,
        {"name": "محمد أحمد علي", "national_id": "29001010201234", "mobile": "+201012345678"},
        {"lat": 31.2089, "lng": 29.9092, "address": "12 شارع فؤاد، الإسكندرية"},
        plot, world.clock()))
    pay_what_is_due(world, holder, renewal.id)
    usecase.return_to_citizen(renewal.id, "the floors are wrong", officer(), world.applications,
                              world.clock())
    # WHEN resubmitted as 40 floors on 100,000 m2 THEN the difference is due before review
    bigger = usecase.resubmit(renewal.id, Amendment(details={**plot, "floors": 40,
                                                              "area_m2": 100000}),
                              holder, catalogue(), world.applications, world.payments,
                              world.clock())
    assert bigger.status == "submitted"
    assert bigger.amount_due_piasters == 50 * 40 * 100000 - 50 * 1 * 20
    with pytest.raises(Conflict):
        usecase.decide(renewal.id, Decision("approve"), officer("EAST"), catalogue(),
                       world.applications, world.files, world.clock())
    # WHEN that is paid, and it is returned and resubmitted as 1 floor on 20 m2 again THEN review
    # continues, and the payment that paid the difference is flagged for the refund
    second, _ = pay_what_is_due(world, holder, renewal.id)
    assert world.applications.get(renewal.id).status == UNDER_REVIEW
    usecase.return_to_citizen(renewal.id, "one floor after all", officer(), world.applications,
                              world.clock())
    smaller = usecase.resubmit(renewal.id, Amendment(details=plot),
                               holder, catalogue(), world.applications, world.payments,
                               world.clock())
    assert smaller.status == UNDER_REVIEW and smaller.amount_due_piasters == 0
    assert world.payments.get(second.id).flag_reason == "overpaid_after_amendment"
    assert smaller.extra["refunds_due"] == [
        {"code": "licence", "amount_piasters": 50 * 40 * 100000 - 50 * 20, "payment_id": second.id}]


def test_a_document_upload_is_a_pinned_form_and_a_listed_document(world, holder, reviewed):
    document, upload = usecase.request_document_upload(
        reviewed.id, DocumentUpload("ownership_or_lease", "application/pdf"), holder, world.applications,
        world.files, world.clock(), catalogue())
    assert upload["fields"]["Content-Type"] == "application/pdf"
    listed = usecase.list_documents(reviewed.id, officer(), world.applications, world.files)
    assert [(d["id"], d["slot"]) for d in listed] == [(document["id"], "ownership_or_lease")]
    assert listed[0]["download_url"].startswith("memory://files/documents/")


def test_an_inspection_is_booked_then_its_result_recorded(world, reviewed):
    clerk = officer()
    booked = usecase.schedule_inspection(reviewed.id, InspectionBooking(
        "2026-03-05T09:00:00+02:00", "م. سامي  علي"), clerk, world.applications, world.clock())
    done = usecase.record_inspection(reviewed.id, booked["id"],
                                     InspectionResult("passed", "all  fine"), clerk,
                                     world.applications, world.clock())
    assert (booked["inspector"], done["status"], done["notes"]) == ("م. سامي علي", "passed",
                                                                    "all fine")
    assert [r["action"] for r in trail(world, reviewed.id)][-2:] == ["schedule_inspection",
                                                                     "record_inspection"]
    with pytest.raises(ValidationFailed):
        usecase.schedule_inspection(reviewed.id, InspectionBooking("tomorrow", "x y"), clerk,
                                    world.applications, world.clock())


def test_a_licence_is_suspended_with_a_reason_on_its_own_trail(world):
    from chalicelib.usecases.notices import notify_licence_status_change

    from chalicelib.domain.status_list import listing_changed

    issued = world.licences.create(licence(district="EAST"))
    changed = usecase.change_licence(issued.number, "suspend", "unsafe wiring", officer("EAST"),
                                     world.licences, world.clock())
    assert (changed.status, changed.status_reason) == ("suspended", "unsafe wiring")
    records = world.audit.list(f"LIC#{issued.number}", 10, None).items
    assert [(r["action"], r["to_status"], r["reason"]) for r in records] == [
        ("suspend", "suspended", "unsafe wiring")]
    # AND the request queues nothing: the licences stream tells the holder of the saved change
    assert world.sms_queue.take() == []
    reinstated = usecase.change_licence(issued.number, "reinstate", "wiring fixed",
                                        officer("EAST"), world.licences, world.clock())
    assert world.sms_queue.take() == []
    # AND each saved change is one the stream asks the status list to be rebuilt for
    assert listing_changed(issued, changed) and listing_changed(changed, reinstated)
    # WHEN the stream hands both changes THEN the holder is told of each, a message per change
    notify_licence_status_change(issued, changed, world.notifications)
    notify_licence_status_change(changed, reinstated, world.notifications)
    told = [(m["template"], m["recipient"], m["values"]["number"])
            for m in world.sms_queue.take()]
    assert told == [("licence_suspended", issued.holder_mobile, issued.number),
                    ("licence_reinstated", issued.holder_mobile, issued.number)]


def test_a_replaced_licence_takes_no_status_change(world):
    # GIVEN a licence an amendment replaced (it verifies as superseded, naming the new one)
    issued = world.licences.create(licence(district="EAST"))
    replaced = world.licences.save(replace(issued, superseded_by="ALX-EAST-2026-000777"), [])
    # WHEN the district's officer tries to suspend, revoke or reinstate it THEN each is refused,
    # naming the licence to act on, and nothing is saved or audited
    for action in ("suspend", "revoke", "reinstate"):
        with pytest.raises(Conflict) as refused:
            usecase.change_licence(issued.number, action, "a reason", officer("EAST"),
                                   world.licences, world.clock())
        assert refused.value.code == "licence_replaced"
        assert "ALX-EAST-2026-000777" in refused.value.message_en
    assert world.licences.get(issued.number) == replaced
    assert world.audit.list(f"LIC#{issued.number}", 10, None).items == []


def test_an_admin_turns_a_service_off_in_a_district(world):
    changed = usecase.set_rollout("shop-first", "EAST", False, admin(), world.rollout_admin,
                                  catalogue(), world.clock())
    assert changed["live"] is False and "EAST" not in changed["districts"]
    assert "EAST" not in world.rollout.all()["shop-first"]
    shown = {r["service_code"]: r for r in usecase.rollout(admin(), world.rollout_admin,
                                                           catalogue())}
    assert shown["shop-first"]["updated_by"] == "admin-1"
    with pytest.raises(Forbidden):
        usecase.set_rollout("shop-first", "EAST", True, officer(), world.rollout_admin,
                            catalogue(), world.clock())


def test_an_admins_report_has_a_line_per_district_summing_to_the_whole(world):
    # GIVEN counters in two districts, one issued application in WEST after two days
    world.reports.apply_once("r1", {("EAST", "COUNT#shop#under_review"): 2,
                                    ("WEST", "COUNT#shop#issued"): 1,
                                    ("WEST", "COUNT#advertisement#rejected"): 3,
                                    ("WEST", "ISSUED_COUNT"): 1,
                                    ("WEST", "ISSUED_SECONDS"): 2 * 86400}, world.clock())
    # WHEN an admin reads the report for every district
    report = usecase.applications_report(admin(), None, catalogue(), world.reports, world.clock())
    lines = report["by_district"]
    # THEN each district has its own line, and the lines add up to the whole
    assert set(lines) == set(report["districts"]) and len(lines) == 10
    assert (lines["EAST"]["total"], lines["WEST"]["total"], lines["AGAMY"]["total"]) == (2, 4, 0)
    assert lines["WEST"]["by_status"]["rejected"] == 3
    assert lines["WEST"]["average_days_to_issue"] == 2.0
    assert lines["EAST"]["average_days_to_issue"] is None
    assert sum(line["total"] for line in lines.values()) == report["total"] == 6


def test_every_rollout_change_is_on_the_rollout_audit_newest_first(world):
    # GIVEN an admin with a display name who turns WEST on for shops, then EAST off for shops
    named = Principal(sub="admin-7", role="admin", name="منى حسن")
    usecase.set_rollout("shop-first", "WEST", True, named, world.rollout_admin, catalogue(),
                        world.clock())
    world.clock.now += timedelta(seconds=5)
    usecase.set_rollout("shop-first", "EAST", False, named, world.rollout_admin, catalogue(),
                        world.clock())
    # WHEN the admin reads the rollout audit
    page = usecase.rollout_audit(admin(), world.audit, 10, None)
    # THEN both changes are there, newest first: what (service, district, from, to), who, when
    assert [(r["action"], r["data"]["service_code"], r["district"], r["from_status"],
             r["to_status"], r["actor"], r["actor_name"]) for r in page.items] == [
        ("rollout_off", "shop-first", "EAST", "live", "not_live", "admin-7", "منى حسن"),
        ("rollout_on", "shop-first", "WEST", "not_live", "live", "admin-7", "منى حسن")]
    assert page.items[0]["at"] > page.items[1]["at"]
    assert "WEST" in page.items[1]["data"]["districts_after"]
    # AND only admins may read it
    with pytest.raises(Forbidden):
        usecase.rollout_audit(officer("EAST"), world.audit, 10, None)


def test_the_rollout_audit_pages(world):
    for district in ("WEST", "AGAMY", "AMREYA1"):
        usecase.set_rollout("shop-first", district, True, admin(), world.rollout_admin,
                            catalogue(), world.clock())
        world.clock.now += timedelta(seconds=1)
    first = usecase.rollout_audit(admin(), world.audit, 2, None)
    rest = usecase.rollout_audit(admin(), world.audit, 2, first.next_cursor)
    assert [r["district"] for r in first.items + rest.items] == ["AMREYA1", "AGAMY", "WEST"]
    assert rest.next_cursor is None


def test_the_report_counts_what_the_stream_applied_in_the_officers_district(world):
    world.reports.apply_once("r1", {("EAST", "COUNT#shop#under_review"): 2,
                                    ("WEST", "COUNT#shop#under_review"): 5}, world.clock())
    report = usecase.applications_report(officer("EAST"), None, catalogue(), world.reports,
                                         world.clock())
    assert report["district"] == "EAST" and report["districts"] == ["EAST"]
    assert report["by_kind"]["shop"]["under_review"] == 2 and report["total"] == 2
    assert list(report["by_district"]) == ["EAST"]
    assert report["by_district"]["EAST"]["by_status"]["under_review"] == 2
    with pytest.raises(Forbidden):
        usecase.applications_report(officer("EAST"), "WEST", catalogue(), world.reports,
                                    world.clock())
