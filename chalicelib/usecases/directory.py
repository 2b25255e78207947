"""The public directory of local services: what each service needs, costs and takes, in both
languages, listed by kind, district or an Arabic (or English) text search."""
from __future__ import annotations

from typing import Mapping, Optional

from chalicelib.domain.arabic_search import matches
from chalicelib.domain.catalogue import Catalogue, Service
from chalicelib.errors import NotFound, ValidationFailed

MAX_QUERY_LENGTH = 100


def list_services(catalogue: Catalogue, rollout: Mapping[str, tuple[str, ...]],
                  kind: Optional[str] = None, district: Optional[str] = None,
                  q: Optional[str] = None) -> list[tuple[Service, tuple[str, ...]]]:
    """The services that pass every filter given, each with the districts it is live in."""
    _check_filters(catalogue, kind, district, q)
    found = []
    for service in catalogue.services:
        districts = tuple(rollout.get(service.code, ()))
        if kind and service.kind != kind:
            continue
        if district and district not in districts:
            continue
        if q and not matches(q, _searchable(service, catalogue)):
            continue
        found.append((service, districts))
    return found


def service_detail(code: str, catalogue: Catalogue,
                   rollout: Mapping[str, tuple[str, ...]]) -> tuple[Service, tuple[str, ...]]:
    service = catalogue.service(code)
    if service is None:
        raise NotFound(code="service_not_found", message_ar="لا توجد خدمة بهذا الرمز",
                       message_en="no service has this code")
    return service, tuple(rollout.get(code, ()))


def _searchable(service: Service, catalogue: Catalogue) -> list[str]:
    """A service is found by its names, its kind's names and its code."""
    kind = catalogue.kind(service.kind)
    names = [service.name_ar, service.name_en, service.code]
    return names + ([kind.name_ar, kind.name_en] if kind else [])


def _check_filters(catalogue: Catalogue, kind: Optional[str], district: Optional[str],
                   q: Optional[str]) -> None:
    errors: dict[str, str] = {}
    if kind is not None and catalogue.kind(kind) is None:
        codes = [k.code for k in catalogue.kinds]
        errors["kind"] = f"نوع غير معروف، واحد من: {'، '.join(codes)} / one of {', '.join(codes)}"
    if district is not None and catalogue.district(district) is None:
        errors["district"] = "حي غير معروف / unknown district"
    if q is not None and len(q) > MAX_QUERY_LENGTH:
        errors["q"] = (f"نص البحث أطول من {MAX_QUERY_LENGTH} حرفًا / "
                       f"the search text is longer than {MAX_QUERY_LENGTH} characters")
    if errors:
        raise ValidationFailed(fields=errors)
