"""Local stack only: mint tokens with the claims Cognito would give."""
import uuid

from chalice import Blueprint

from chalicelib.api.http import json_response, parse_body
from chalicelib.api.routes import route
from chalicelib.errors import NotFound, ValidationFailed
from chalicelib.wiring import bound_settings

dev_api = Blueprint(__name__)
DISTRICT_ROLES = ("officer", "clerk")


@route(dev_api, "mintDevToken")
def mint_token():
    from chalicelib.api.responses import DevToken, body
    from chalicelib.api.schemas import DevTokenIn
    from chalicelib.auth import issue_local_token
    from chalicelib import wiring

    settings = bound_settings()
    if not (settings.dev_tokens_enabled and settings.auth_mode == "local"):
        raise NotFound()
    parsed = parse_body(dev_api.current_request, DevTokenIn)
    staff_district = parsed.role in DISTRICT_ROLES
    if staff_district and wiring.catalogue().district(parsed.district or "") is None:
        raise ValidationFailed(fields={"district": f"حدد حيًا صحيحًا / {parsed.role}s need a known district"})
    mobile = _citizen_mobile(parsed.mobile) if parsed.role == "citizen" and parsed.mobile else ""
    sub = parsed.sub or f"{parsed.role}-{uuid.uuid4().hex[:12]}"
    district = parsed.district if staff_district else None
    token = issue_local_token(settings, parsed.role, sub, district, name=parsed.name or "",
                              mobile=mobile)
    answer = DevToken(token=token, sub=sub, role=parsed.role, district=district,
                      mobile=mobile or None)
    return json_response(body(answer), status=201)


def _citizen_mobile(raw: str) -> str:
    """A citizen's mobile as Cognito would carry it once verified (E.164)."""
    from chalicelib.domain.validation import FieldInvalid, normalise_mobile

    try:
        return normalise_mobile(raw)
    except FieldInvalid:
        raise ValidationFailed(fields={"mobile": "رقم محمول مصري من 11 رقمًا مثل 01012345678 / an Egyptian mobile number such as 01012345678"}) from None
