"""Local stack only: mint tokens with the claims Cognito would give."""
import uuid

from chalice import Blueprint

from chalicelib.api.http import json_response, parse_body
from chalicelib.api.routes import route
from chalicelib.errors import NotFound, ValidationFailed
from chalicelib.wiring import bound_settings

dev_api = Blueprint(__name__)


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
    if parsed.role == "officer" and wiring.catalogue().district(parsed.district or "") is None:
        raise ValidationFailed(fields={"district": "حدد حيًا صحيحًا / officers need a known district"})
    sub = parsed.sub or f"{parsed.role}-{uuid.uuid4().hex[:12]}"
    district = parsed.district if parsed.role == "officer" else None
    token = issue_local_token(settings, parsed.role, sub, district)
    answer = DevToken(token=token, sub=sub, role=parsed.role, district=district)
    return json_response(body(answer), status=201)
