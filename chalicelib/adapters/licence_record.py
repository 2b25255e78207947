"""A licence item's attribute values as the domain's Licence: one mapping for every reader.

`licence_store` reads items through PynamoDB (`LicenceModel.attribute_values`); the public
verification path reads the same item with a bare GetItem (`licence_reader`). Both hand their
plain values here, so the two can never map a licence differently.
"""
from __future__ import annotations

from typing import Any, Callable, Mapping

from chalicelib.domain.licences import Fine, Licence

AccruesByRule = Callable[[str, str], bool]
"""(service code, kind) -> whether the catalogue's late-fine rule fines such a licence."""

# LicenceModel's JSONAttribute fields: stored as JSON text, read back as Python values.
JSON_ATTRIBUTES = frozenset({"site", "details", "fines", "sms", "renewals"})


def licence_from_values(values: Mapping[str, Any], accrues_by_rule: AccruesByRule) -> Licence:
    """Licences saved before `accrues_late_fines` was stored lack it: the catalogue's late-fine
    rule of their service says, as it did when they were issued."""
    accrues = values.get("accrues_late_fines")
    if accrues is None:
        accrues = accrues_by_rule(values["service_code"], values["kind"])
    return Licence(
        number=values["number"], application_id=values["application_id"],
        service_code=values["service_code"], kind=values["kind"], district=values["district"],
        holder=values["holder"], holder_name=values["holder_name"],
        holder_mobile=values["holder_mobile"], holder_national_id=values["holder_national_id"],
        site=values["site"], details=values["details"], status=values["status"],
        valid_from=values["valid_from"], valid_until=values["valid_until"],
        issued_at=values["issued_at"], seal_token=values.get("seal_token") or "",
        qr_key=values.get("qr_key") or "",
        fines=tuple(Fine.from_dict(f) for f in values.get("fines") or []),
        sms=values.get("sms") or {}, status_reason=values.get("status_reason") or "",
        renewals=tuple(values.get("renewals") or ()),
        superseded_by=values.get("superseded_by") or "",
        fines_capped=bool(values.get("fines_capped")),
        accrues_late_fines=bool(accrues),
        version=values.get("version") or 0)
