"""The authorisation matrix, in one place: which role may do what, to whose data, where.

Every protected route names one action (`ROUTES`); every action lists its grants (`MATRIX`).
A grant is a role and a scope:

- ``any``: every resource (admins; public catalogue-like reads);
- ``own``: only resources the caller owns (a citizen's applications and licences);
- ``district``: only resources of the caller's district (an officer's or a clerk's `district`
  claim; a clerk staffs that district's technology centre).

Refusals are shaped so nothing leaks: a citizen asking for someone else's resource gets the
same 404 as for a missing one; an officer outside their district, or a role that is never
granted the action, gets a 403. Pure Python: no AWS, no environment.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Optional

from chalicelib.api.routes import route_actions
from chalicelib.errors import Forbidden, NotFound

ANY, OWN, DISTRICT = "any", "own", "district"


@dataclass(frozen=True)
class Grant:
    role: str
    scope: str


def grants(*pairs: tuple[str, str]) -> tuple[Grant, ...]:
    return tuple(Grant(role, scope) for role, scope in pairs)


CITIZEN_OWN = ("citizen", OWN)
OFFICER_DISTRICT = ("officer", DISTRICT)
CLERK_DISTRICT = ("clerk", DISTRICT)
ADMIN = ("admin", ANY)

# action -> who may do it. An action absent here is refused to everyone.
MATRIX: Mapping[str, tuple[Grant, ...]] = {
    # Applications
    "application.create": grants(("citizen", ANY)),
    "application.list": grants(CITIZEN_OWN, OFFICER_DISTRICT, ADMIN),
    "application.read": grants(CITIZEN_OWN, OFFICER_DISTRICT, CLERK_DISTRICT, ADMIN),
    "application.cancel": grants(CITIZEN_OWN),
    "application.decide": grants(OFFICER_DISTRICT),
    "application.return": grants(OFFICER_DISTRICT),
    "application.resubmit": grants(CITIZEN_OWN),
    "application.upload_document": grants(CITIZEN_OWN, CLERK_DISTRICT),
    "application.read_documents": grants(CITIZEN_OWN, OFFICER_DISTRICT, CLERK_DISTRICT, ADMIN),
    "application.read_inspections": grants(CITIZEN_OWN, OFFICER_DISTRICT, ADMIN),
    "application.inspect": grants(OFFICER_DISTRICT),
    "application.read_audit": grants(CITIZEN_OWN, OFFICER_DISTRICT, ADMIN),
    "application.pay": grants(CITIZEN_OWN),
    "payment.read": grants(CITIZEN_OWN, ADMIN),
    "payment.refund": grants(ADMIN),
    # Licences
    "licence.list": grants(CITIZEN_OWN, OFFICER_DISTRICT, ADMIN),
    "licence.read": grants(CITIZEN_OWN, OFFICER_DISTRICT, CLERK_DISTRICT, ADMIN),
    "licence.renew": grants(CITIZEN_OWN),
    "licence.paper_copy": grants(CITIZEN_OWN, OFFICER_DISTRICT, CLERK_DISTRICT),
    "licence.resend_sms": grants(CITIZEN_OWN, OFFICER_DISTRICT, ADMIN),
    "licence.change_status": grants(OFFICER_DISTRICT, ADMIN),
    "licence.read_audit": grants(OFFICER_DISTRICT, ADMIN),
    # Administration
    "rollout.read": grants(ADMIN),
    "rollout.manage": grants(ADMIN),
    "reports.read": grants(OFFICER_DISTRICT, ADMIN),
    # Violation reports from the field (issue 17): the district's officers are its inspectors;
    # no separate inspector role, an inspector's phone signs in as an officer of the district.
    "violation.report": grants(OFFICER_DISTRICT),
    "violation.list": grants(OFFICER_DISTRICT, ADMIN),
    "violation.read": grants(OFFICER_DISTRICT, ADMIN),
    # The technology centre's counter (docs/counter.md)
    "counter.create_application": grants(CLERK_DISTRICT),
    "counter.pay": grants(CLERK_DISTRICT),
    "counter.receipt": grants(CLERK_DISTRICT, ADMIN),
    "counter.drawer": grants(CLERK_DISTRICT),
    "counter.drawer_report": grants(CLERK_DISTRICT, OFFICER_DISTRICT, ADMIN),
}

# (method, route path as Chalice declares it) -> action; `None` marks a public route. Derived
# from the route registry (chalicelib/api/routes.py), where each route is declared once.
PUBLIC = None
ROUTES: Mapping[tuple[str, str], Optional[str]] = route_actions()


@dataclass(frozen=True)
class Resource:
    """What the rules look at: who owns it and which district it belongs to."""

    owner: str = ""
    district: str = ""
    kind: str = "resource"  # for the 404's wording: application, licence...


def permits(caller, action: str, resource: Optional[Resource] = None) -> bool:
    """True when some grant of `action` covers the caller for this resource."""
    return any(_covers(grant, caller, resource) for grant in MATRIX.get(action, ()))


def _covers(grant: Grant, caller, resource: Optional[Resource]) -> bool:
    if grant.role != caller.role:
        return False
    if grant.scope == ANY or resource is None:
        return True
    if grant.scope == OWN:
        return bool(resource.owner) and resource.owner == getattr(caller, "owner_key", caller.sub)
    return bool(caller.district) and resource.district == caller.district


def authorize(caller, action: str, resource: Optional[Resource] = None) -> None:
    """Raise the refusal the matrix prescribes, or return when allowed.

    Without a resource only the role is checked (the route's gate); call again with the
    resource once it is loaded.
    """
    if permits(caller, action, resource):
        return
    roles = {grant.role for grant in MATRIX.get(action, ())}
    if caller.role not in roles:
        raise Forbidden(message_en=f"this needs the role {' or '.join(sorted(roles)) or 'none'}",
                        message_ar="هذا الإجراء غير متاح لدورك")
    if caller.role == "citizen":
        # Another citizen's resource is indistinguishable from a missing one.
        raise NotFound(message_en=f"{resource.kind} not found",
                       message_ar=_NOT_FOUND_AR.get(resource.kind, "غير موجود"),
                       code=f"{resource.kind}_not_found")
    if resource.kind == "district":
        raise Forbidden(message_en="staff work in their own district only",
                        message_ar="يعمل الموظف في نطاق حيه فقط", code="other_district")
    raise Forbidden(message_en=f"this {resource.kind} belongs to another district",
                    message_ar="هذا السجل يخص حيًا آخر", code="other_district")


def district_in_scope(caller, action: str, district: Optional[str]) -> Optional[str]:
    """The district a district-scoped listing or report covers: an officer's own (naming
    another is a 403), an admin's choice (None = every district)."""
    authorize(caller, action)
    if caller.role in ("officer", "clerk"):
        if district and district != caller.district:
            authorize(caller, action, Resource(district=district, kind="district"))
        return caller.district
    return district or None


_NOT_FOUND_AR = {"application": "الطلب غير موجود", "licence": "الرخصة غير موجودة",
                 "payment": "عملية الدفع غير موجودة",
                 "violation": "البلاغ غير موجود"}
