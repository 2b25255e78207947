"""The whole authorisation matrix over HTTP: every served route x every kind of caller.

The routes come from the app's own route table, so a new route cannot escape: it must be
named in chalicelib.authorization.ROUTES and its action must have a row in EXPECTED below,
which is written by hand from the issue's rules (not derived from the matrix under test)."""
import uuid
from datetime import timedelta

import pytest

from chalicelib.authorization import ROUTES
from tests.integration import backoffice_fixtures as fx

pytestmark = pytest.mark.integration

CALLERS = ("anonymous", "owner", "other_citizen", "officer_here", "officer_elsewhere", "admin",
           "clerk_here", "clerk_elsewhere")
OK = "ok"  # authorised: the request reaches the use case (2xx, or 409 for the state it is in)


def row(owner, other, here, elsewhere, admin, clerk_here=403, clerk_elsewhere=403):
    return {"anonymous": 401, "owner": owner, "other_citizen": other, "officer_here": here,
            "officer_elsewhere": elsewhere, "admin": admin, "clerk_here": clerk_here,
            "clerk_elsewhere": clerk_elsewhere}


# Rules: a citizen never sees another's data (404, as if missing); an officer never acts
# outside their district (403); only admins manage rollout; decisions are officers' own.
# A clerk (the district's technology centre) reads its district's applications, scans in their
# documents, looks up its licences and prints their paper copies, and runs the counter; never
# outside its district (403).
OWNER_ONLY = row(OK, 404, 403, 403, 403)
READERS = row(OK, 404, OK, 403, OK)
DISTRICT_OFFICER = row(403, 403, OK, 403, 403)
OFFICER_OR_ADMIN = row(403, 403, OK, 403, OK)
ADMIN_ONLY = row(403, 403, 403, 403, OK)
EXPECTED = {
    "application.create": row(OK, OK, 403, 403, 403),
    "application.list": row(OK, OK, OK, 403, OK),  # officer_elsewhere names EAST: refused
    "application.read": row(OK, 404, OK, 403, OK, OK, 403),
    "application.cancel": OWNER_ONLY,
    "application.pay": OWNER_ONLY,
    "application.decide": DISTRICT_OFFICER,
    "application.return": DISTRICT_OFFICER,
    "application.resubmit": OWNER_ONLY,
    "application.upload_document": row(OK, 404, 403, 403, 403, OK, 403),
    "application.read_documents": row(OK, 404, OK, 403, OK, OK, 403),
    "application.read_inspections": READERS,
    "application.inspect": DISTRICT_OFFICER,
    "application.read_audit": READERS,
    "licence.list": row(OK, OK, OK, 403, OK),  # officer_elsewhere names EAST: refused
    "licence.resend_sms": READERS,
    "payment.read": row(OK, 404, 403, 403, OK),
    "payment.refund": ADMIN_ONLY,  # finance: recorded by admins only
    "licence.read": row(OK, 404, OK, 403, OK, OK, 403),  # a clerk checks the holder before printing
    "licence.renew": OWNER_ONLY,
    "licence.paper_copy": row(OK, 404, OK, 403, 403, OK, 403),
    "licence.change_status": OFFICER_OR_ADMIN,
    "licence.read_audit": OFFICER_OR_ADMIN,
    "rollout.read": ADMIN_ONLY,
    "rollout.manage": ADMIN_ONLY,
    "reports.read": OFFICER_OR_ADMIN,
    "counter.create_application": row(403, 403, 403, 403, 403, OK, 403),
    "counter.pay": row(403, 403, 403, 403, 403, OK, 403),
    "counter.receipt": row(403, 403, 403, 403, OK, OK, 403),
    "counter.drawer": row(403, 403, 403, 403, 403, OK, OK),  # each clerk's own drawer
    # the EAST clerk's report: the clerk themself, EAST's officers, admins
    "counter.drawer_report": row(403, 403, OK, 403, OK, OK, 403),
    # Inspectors are the district's officers; they report, officers and admins read
    "violation.report": row(403, 403, OK, OK, 403),  # a report lands in the reporter's district
    "violation.list": row(403, 403, OK, 403, OK),  # officer_elsewhere names EAST: refused
    "violation.read": OFFICER_OR_ADMIN,
}

FUTURE = (fx.now() + timedelta(days=3)).isoformat()
BODIES = {
    ("POST", "/v1/applications"): {
        "service_code": "advertisement-first", "district": "EAST",
        "applicant": {"name": "محمد أحمد علي", "national_id": "29001010201234", "mobile": "01012345678"},
        "site": {"lat": 31.2089, "lng": 29.9092, "address": "12 شارع فؤاد، الإسكندرية"},
        "details": {"sign_type": "wall", "sign_width_m": 3, "sign_height_m": 1.5, "faces": 1}},
    ("POST", "/v1/applications/{application_id}/payments"): {"gateway": "sandbox"},
    ("POST", "/v1/applications/{application_id}/decision"): {"decision": "reject", "reason": "papers incomplete"},
    ("POST", "/v1/applications/{application_id}/return"): {"reason": "the lease is missing"},
    ("POST", "/v1/applications/{application_id}/documents"): {"slot": "national_id", "content_type": "application/pdf"},
    ("POST", "/v1/applications/{application_id}/inspections"): {"scheduled_for": FUTURE, "inspector": "Eng. Samir"},
    ("POST", "/v1/applications/{application_id}/inspections/{inspection_id}/result"): {"result": "passed", "notes": "as declared"},
    ("POST", "/v1/applications/{application_id}/inspections/{inspection_id}/photos"): {"content_type": "image/jpeg"},
    ("POST", "/v1/licences/{number}/suspend"): {"reason": "unsafe sign"},
    ("POST", "/v1/licences/{number}/revoke"): {"reason": "unsafe sign"},
    ("POST", "/v1/licences/{number}/reinstate"): {"reason": "made safe"},
    ("PUT", "/v1/admin/rollout/{service_code}/{district}"): {"live": True},
    ("POST", "/v1/payments/{payment_id}/refund"): {"refund_reference": "RF-1", "note": "returned"},
    ("POST", "/v1/applications/{application_id}/counter-payments"): {"method": "cash"},
    ("POST", "/v1/counter/drawer/close"): {"counted_piasters": 0},
    ("POST", "/v1/violations"): {"kind": "no_licence", "position": {"lat": 31.2156, "lng": 29.9553},
                                 "observed_at": fx.now().isoformat(),
                                 "idempotency_key": "matrix-report-key-0001"},
}
BODIES[("POST", "/v1/counter/applications")] = BODIES[("POST", "/v1/applications")]
RECEIPT = ("GET", "/v1/payments/{payment_id}/receipt")
DRAWER_REPORT = ("GET", "/v1/counter/drawer-report")
MATRIX_CLERK = "clerk-matrix-east"  # clerk_here, whose drawer the report route prints
QUERIES = {DRAWER_REPORT: f"?district=EAST&clerk={MATRIX_CLERK}",("GET", "/v1/applications"): "?district=EAST", ("GET", "/v1/licences"): "?district=EAST", ("GET", "/v1/reports/applications"): "?district=EAST",
           ("GET", "/v1/reports/finance"): "?district=EAST",
           ("GET", "/v1/violations"): "?district=EAST"}


def served_routes(stack):
    return sorted((method, path) for path, methods in stack.app.app.routes.items()
                  for method in methods)


def test_every_served_route_is_in_the_matrix(stack):
    # GIVEN the app's route table WHEN each route is looked up THEN it is declared, and
    # every protected route's action has a hand-written expectation
    unknown = [route for route in served_routes(stack) if route not in ROUTES]
    assert not unknown, f"routes missing from chalicelib.authorization.ROUTES: {unknown}"
    unexpected = {ROUTES[r] for r in served_routes(stack) if ROUTES[r]} - set(EXPECTED)
    assert not unexpected, f"actions without an expected row in this test: {unexpected}"


def cases(stack_routes):
    return [(method, path, caller) for method, path in stack_routes
            if ROUTES.get((method, path)) for caller in CALLERS]


def _routes_for_collection():
    import app as app_module

    return sorted((method, path) for path, methods in app_module.app.routes.items()
                  for method in methods)


@pytest.fixture(scope="module")
def world(stack):
    """One set of resources per route, shared by its six callers: refusals change nothing,
    and an authorised call that changed the state leaves the next authorised one a 409."""
    owners, made = {}, {}

    def for_route(route):
        if route not in made:
            owner = f"owner-{uuid.uuid4().hex[:8]}"
            app, inspection_id = fx.with_inspection(fx.reviewing(owner))
            payment_id = (fx.counter_payment(owner) if route[1] == RECEIPT[1] else
                          fx.counter_payment(owner, clerk_sub=MATRIX_CLERK)
                          if route[1] == DRAWER_REPORT[1] else fx.payment(app).id)
            made[route] = (owner, app.id, inspection_id, fx.licence(owner).number, payment_id,
                           fx.violation() if "{violation_id}" in route[1] else "")
        return made[route]

    tokens = {"anonymous": None, "other_citizen": stack.token("citizen"),
              "officer_here": stack.token("officer", district="EAST"),
              "officer_elsewhere": stack.token("officer", district="GOMROK"),
              "admin": stack.token("admin"),
              "clerk_here": stack.token("clerk", sub=MATRIX_CLERK, district="EAST"),
              "clerk_elsewhere": stack.token("clerk", district="GOMROK")}
    return for_route, tokens


@pytest.mark.parametrize("method, path, caller", cases(_routes_for_collection()))
def test_matrix(stack, world, method, path, caller):
    # GIVEN an application under review in EAST with a scheduled inspection, and an active
    # EAST licence, both the owner's
    for_route, tokens = world
    owner, application_id, inspection_id, number, payment_id, violation_id = for_route((method, path))
    token = stack.token("citizen", sub=owner) if caller == "owner" else tokens[caller]
    url = path.format(application_id=application_id, inspection_id=inspection_id, number=number,
                      payment_id=payment_id, service_code="advertisement-first", district="EAST", gateway="sandbox",
                      violation_id=violation_id,
                      token="x") + QUERIES.get(("GET" if method == "HEAD" else method, path), "")
    # WHEN the caller calls the route with a well-formed request
    response = stack.call(method, url, token, BODIES.get((method, path)))
    # THEN it answers as the matrix is designed
    expected = EXPECTED[ROUTES[(method, path)]][caller]
    if expected == OK:
        # 409: the state an earlier authorised caller left; 429: the SMS resend window it used
        assert response.status_code in (200, 201, 202, 409, 429), (caller, method, url, response.body)
    else:
        assert response.status_code == expected, (caller, method, url, response.body)
        if method == "HEAD":  # the GET's refusal, without its body
            assert not response.body
            return
        assert response.json["error"]["message_ar"] and response.json["error"]["message_en"]


def role_refusals(stack_routes):
    """(method, path, role) for every route with a body whose action never grants the role."""
    return [(method, path, caller) for method, path in stack_routes
            if method in ("POST", "PUT") and ROUTES.get((method, path))
            for caller in ("other_citizen", "officer_here", "admin")
            # in-district officers, other citizens and admins get 403 only for a role not granted
            if EXPECTED[ROUTES[(method, path)]][caller] == 403]


@pytest.mark.parametrize("method, path, caller", role_refusals(_routes_for_collection()))
@pytest.mark.parametrize("body", [b"{not json", b'{"unexpected": ["field"]}', b"[]"])
def test_a_role_never_granted_gets_403_whatever_the_body(stack, world, method, path, caller, body):
    # GIVEN a caller whose role the route never grants
    _, tokens = world
    url = path.format(application_id="a" * 32, inspection_id="i" * 32, number="ALX-EAST-2026-000001",
                      payment_id="PAY-NOPE", service_code="advertisement-first", district="EAST",
                      violation_id="v" * 32)
    # WHEN it sends a malformed or wrong body
    response = stack.call(method, url, tokens[caller], raw=body)
    # THEN the role check answers first: 403, not a 400 about the body
    assert response.status_code == 403, (caller, method, url, response.body)
