"""Local stack only: mint tokens with the claims Cognito would give."""
import uuid

from chalice import Blueprint

from chalicelib.api.http import json_response, parse_body
from chalicelib.errors import NotFound, ValidationFailed
from chalicelib.wiring import bound_settings

dev_api = Blueprint(__name__)


@dev_api.route("/v1/dev/tokens", methods=["POST"])
def mint_token():
    from chalicelib.api.schemas import DevTokenIn
    from chalicelib.auth import issue_local_token
    from chalicelib import wiring

    settings = bound_settings()
    if not (settings.dev_tokens_enabled and settings.auth_mode == "local"):
        raise NotFound()
    body = parse_body(dev_api.current_request, DevTokenIn)
    if body.role == "officer" and wiring.catalogue().district(body.district or "") is None:
        raise ValidationFailed(fields={"district": "حدد حيًا صحيحًا / officers need a known district"})
    sub = body.sub or f"{body.role}-{uuid.uuid4().hex[:12]}"
    token = issue_local_token(settings, body.role, sub,
                              body.district if body.role == "officer" else None)
    return json_response({"token": token, "sub": sub, "role": body.role,
                          "district": body.district if body.role == "officer" else None},
                         status=201)
