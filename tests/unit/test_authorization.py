"""The authorisation matrix as pure rules: roles, ownership, districts, refusal shapes."""
import pytest

from chalicelib.auth import Principal
from chalicelib.authorization import (MATRIX, ROUTES, Resource, authorize, district_in_scope,
                                      permits)
from chalicelib.errors import Forbidden, NotFound

OWNER = Principal("c-1", "citizen")
OTHER = Principal("c-2", "citizen")
EAST = Principal("o-1", "officer", "EAST")
WEST = Principal("o-2", "officer", "WEST")
ADMIN = Principal("a-1", "admin")
APP = Resource(owner="c-1", district="EAST", kind="application")


def test_every_route_names_a_known_action():
    assert {a for a in ROUTES.values() if a} <= set(MATRIX)


def test_a_citizen_never_sees_another_citizens_application():
    # GIVEN c-1's application WHEN c-2 reads it THEN the refusal is the 404 of a missing one
    assert permits(OWNER, "application.read", APP)
    with pytest.raises(NotFound) as refused:
        authorize(OTHER, "application.read", APP)
    assert refused.value.code == "application_not_found"


def test_an_officer_never_acts_outside_their_district():
    assert permits(EAST, "application.decide", APP)
    with pytest.raises(Forbidden):
        authorize(WEST, "application.decide", APP)
    with pytest.raises(Forbidden):
        authorize(WEST, "licence.change_status", Resource(owner="c-1", district="EAST", kind="licence"))


def test_only_admins_manage_rollout():
    authorize(ADMIN, "rollout.manage")
    for caller in (OWNER, EAST):
        with pytest.raises(Forbidden):
            authorize(caller, "rollout.manage")


def test_decisions_are_officers_not_admins_nor_owners():
    for caller in (ADMIN, OWNER):
        with pytest.raises(Forbidden):
            authorize(caller, "application.decide", APP)


def test_an_officer_without_a_district_matches_nothing():
    nowhere = Principal("o-3", "officer", "")
    assert not permits(nowhere, "application.read", Resource(district="", kind="application"))


def test_unknown_action_is_refused_to_everyone():
    for caller in (OWNER, EAST, ADMIN):
        assert not permits(caller, "application.teleport", APP)


def test_district_scope_of_lists_and_reports():
    assert district_in_scope(EAST, "reports.read", None) == "EAST"
    assert district_in_scope(EAST, "reports.read", "EAST") == "EAST"
    with pytest.raises(Forbidden):
        district_in_scope(EAST, "reports.read", "WEST")
    assert district_in_scope(ADMIN, "reports.read", None) is None
    assert district_in_scope(ADMIN, "reports.read", "WEST") == "WEST"
    with pytest.raises(Forbidden):
        district_in_scope(OWNER, "reports.read", None)
