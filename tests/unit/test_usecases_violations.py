"""Violation reports (chalicelib/usecases/violations.py) over the fakes: an inspector's report,
its replay from an offline queue, the checks on each field, and the district's list."""
from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import timedelta

import pytest

from chalicelib.domain.violations import ReportInput, report_id
from chalicelib.errors import Conflict, Forbidden, NotFound, ValidationFailed
from chalicelib.usecases import violations as usecase
from tests.fakes import World
from tests.fakes.builders import licence
from tests.fakes.scenarios import admin, citizen, officer

SIDI_GABER = (31.2156, 29.9553)  # inside Alexandria governorate
CAIRO = (30.0444, 31.2357)


@pytest.fixture
def world():
    return World()


def report_of(world: World, **changes) -> ReportInput:
    values = dict(kind="no_licence", lat=SIDI_GABER[0], lng=SIDI_GABER[1], note="لافتة بلا ترخيص",
                  observed_at=(world.clock() - timedelta(minutes=30)).isoformat(),
                  idempotency_key=uuid.uuid4().hex, licence_number=None, accuracy_m=12.5,
                  photo_types=("image/jpeg",))
    values.update(changes)
    return ReportInput(**values)


def send(world: World, body: ReportInput, caller):
    return usecase.report(body, caller, world.violations, world.licences, world.files, world.clock())


def test_an_inspectors_report_is_stored_in_their_district_with_an_upload_per_photo_and_an_audit_record(world):
    # GIVEN an EAST officer in the field
    inspector = officer("EAST")
    body = report_of(world, photo_types=("image/jpeg", "image/png"))
    # WHEN they report a shop with no licence, with two photos
    view, created = send(world, body, inspector)
    # THEN the report is new, in EAST, at the phone's position, with a presigned POST per photo
    assert created is True
    assert view["id"] == report_id(inspector.sub, body.idempotency_key)
    assert (view["district"], view["kind"], view["position"]) == (
        "EAST", "no_licence", {"lat": SIDI_GABER[0], "lng": SIDI_GABER[1], "accuracy_m": 12.5})
    assert view["observed_at"].endswith("Z") and view["reported_at"] == "2026-03-01T09:00:00.000Z"
    keys = [u["upload"]["fields"]["key"] for u in view["uploads"]]
    assert keys == [f"violations/{view['id']}/0", f"violations/{view['id']}/1"]
    assert [u["upload"]["fields"]["Content-Type"] for u in view["uploads"]] == ["image/jpeg", "image/png"]
    assert "licence" not in view
    # AND the audit trail says who reported what
    records = world.audit.list(f"VIO#{view['id']}", 10, None).items
    assert [(r["action"], r["actor"], r["district"]) for r in records] == [
        ("report_violation", inspector.sub, "EAST")]


def test_a_replay_of_the_same_report_creates_nothing_and_hands_out_the_same_photo_keys(world):
    # GIVEN a report already received
    inspector = officer("EAST")
    body = report_of(world)
    first, _ = send(world, body, inspector)
    # WHEN the offline queue sends it again, later
    world.clock.now += timedelta(minutes=5)
    again, created = send(world, body, inspector)
    # THEN it is the same report (not a second one), with the same upload keys
    assert created is False
    assert again["id"] == first["id"] and again["reported_at"] == first["reported_at"]
    assert [u["upload"]["fields"]["key"] for u in again["uploads"]] == \
        [u["upload"]["fields"]["key"] for u in first["uploads"]]
    assert len(usecase.list_for_district(inspector, None, world.violations, world.files, 10, None).items) == 1
    assert len(world.audit.list(f"VIO#{first['id']}", 10, None).items) == 1


def test_another_report_under_a_used_key_is_a_409(world):
    inspector = officer("EAST")
    body = report_of(world)
    send(world, body, inspector)
    with pytest.raises(Conflict) as refused:
        send(world, replace(body, note="something else"), inspector)
    assert refused.value.code == "idempotency_key_reused"
    assert "idempotency_key" in refused.value.fields


def test_the_same_key_from_two_inspectors_makes_two_reports(world):
    body = report_of(world)
    first, _ = send(world, body, officer("EAST"))
    second, created = send(world, body, officer("EAST"))
    assert created is True and first["id"] != second["id"]


def test_a_displayed_licence_is_linked_with_its_status_and_an_unknown_number_is_kept_unlinked(world):
    # GIVEN an expired licence of EAST
    expired = world.licences.create(licence(district="EAST", status="expired"))
    inspector = officer("EAST")
    # WHEN one report names it (typed in Arabic-Indic digits where digits go) and one names a
    # number nobody issued
    typed = expired.number.lower()
    linked, _ = send(world, report_of(world, kind="expired_displayed", licence_number=typed), inspector)
    forged, _ = send(world, report_of(world, kind="other_site",
                                       licence_number="ALX-EAST-2026-٠٠٠٠٠١"), inspector)
    # THEN the first is linked to the licence as it stood; the second keeps the number unlinked
    assert linked["licence"] == {"number": expired.number, "found": True, "status": "expired",
                                 "district": "EAST"}
    assert forged["licence"] == {"number": "ALX-EAST-2026-000001", "found": False,
                                 "status": None, "district": None}


@pytest.mark.parametrize("changes, field", [
    ({"kind": "graffiti"}, "kind"),
    ({"lat": CAIRO[0], "lng": CAIRO[1]}, "position"),
    ({"lat": 95}, "position.lat"),
    ({"lat": True}, "position.lat"),
    ({"accuracy_m": -1}, "position.accuracy_m"),
    ({"observed_at": "yesterday"}, "observed_at"),
    ({"observed_at": "2026-03-01T09:00:00"}, "observed_at"),
    ({"observed_at": "2026-03-02T09:00:00Z"}, "observed_at"),
    ({"observed_at": "2026-01-01T09:00:00Z"}, "observed_at"),
    ({"idempotency_key": "short"}, "idempotency_key"),
    ({"licence_number": "12345"}, "licence_number"),
    ({"kind": "expired_displayed", "licence_number": None}, "licence_number"),
    ({"note": "hidden\u202etext"}, "note"),
    ({"photo_types": ("image/gif",)}, "photos.0.content_type"),
    ({"photo_types": ("image/jpeg",) * 5}, "photos"),
])
def test_a_wrong_field_is_a_400_naming_it_in_arabic_then_english(world, changes, field):
    with pytest.raises(ValidationFailed) as refused:
        send(world, report_of(world, **changes), officer("EAST"))
    assert field in refused.value.fields
    arabic, english = refused.value.fields[field].split(" / ", 1)
    assert arabic and english
    assert world.tables.violations == {}


@pytest.mark.parametrize("caller", [citizen(), admin()])
def test_only_officers_report(world, caller):
    with pytest.raises(Forbidden):
        send(world, report_of(world), caller)


def test_officers_list_their_district_the_last_received_first_page_by_page(world):
    # GIVEN three EAST reports received a minute apart and one in GOMROK
    east = officer("EAST")
    ids = []
    for minute in range(3):
        world.clock.now += timedelta(minutes=1)
        ids.append(send(world, report_of(world), east)[0]["id"])
    send(world, report_of(world), officer("GOMROK"))
    # WHEN an EAST officer pages through two at a time
    first = usecase.list_for_district(east, None, world.violations, world.files, 2, None)
    second = usecase.list_for_district(east, None, world.violations, world.files, 2, first.next_cursor)
    # THEN they read EAST's three, newest first, with photo download URLs, and nothing else
    assert [v["id"] for v in first.items + second.items] == ids[::-1]
    assert second.next_cursor is None
    assert first.items[0]["photos"][0]["download_url"].startswith(f"memory://files/violations/{ids[-1]}/0")


def test_an_officer_of_another_district_may_neither_list_nor_read_it_and_an_admin_names_the_district(world):
    view, _ = send(world, report_of(world), officer("EAST"))
    with pytest.raises(Forbidden):
        usecase.list_for_district(officer("GOMROK"), "EAST", world.violations, world.files, 10, None)
    with pytest.raises(Forbidden) as other:
        usecase.get(view["id"], officer("GOMROK"), world.violations, world.files)
    assert other.value.code == "other_district"
    with pytest.raises(ValidationFailed):
        usecase.list_for_district(admin(), None, world.violations, world.files, 10, None)
    listed = usecase.list_for_district(admin(), "EAST", world.violations, world.files, 10, None)
    assert [v["id"] for v in listed.items] == [view["id"]]
    assert usecase.get(view["id"], officer("EAST"), world.violations, world.files)["note"] == "لافتة بلا ترخيص"


@pytest.mark.parametrize("violation_id", ["0" * 32, "not-an-id"])
def test_a_missing_report_is_not_found(world, violation_id):
    with pytest.raises(NotFound) as missing:
        usecase.get(violation_id, officer("EAST"), world.violations, world.files)
    assert missing.value.code == "violation_not_found"
