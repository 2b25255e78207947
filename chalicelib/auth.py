"""Who is calling: JWT bearer tokens (Cognito in AWS, a local issuer in the local stack)."""
from __future__ import annotations

import time
from dataclasses import dataclass
from functools import lru_cache
from typing import Mapping, Optional

import jwt

from chalicelib.errors import Forbidden, Unauthenticated
from chalicelib.observability import logger
from chalicelib.settings import Settings

ROLES = ("citizen", "officer", "clerk", "admin")
# Staff bound to one district: officers review and decide; clerks staff its technology centre.
DISTRICT_ROLES = ("officer", "clerk")
LOCAL_ISSUER = "rukhsa-local"
LOCAL_AUDIENCE = "rukhsa-local-clients"


@dataclass(frozen=True)
class Principal:
    """Who is calling.

    `owner_key` is what a citizen's applications and licences are keyed by. It is the citizen's
    verified mobile (E.164) when the token carries one (Cognito: `phone_number` with
    `phone_number_verified`, the identity citizens sign in with), else the subject. A clerk
    entering a walk-in citizen's application keys it by the mobile the citizen gave, so the
    citizen finds it on signing in with that mobile (docs/counter.md).
    """

    sub: str
    role: str
    district: str = ""
    name: str = ""  # the display name staff are shown by in audit trails and receipts
    mobile: str = ""  # verified E.164 mobile, citizens only

    @property
    def owner_key(self) -> str:
        return self.mobile or self.sub

    def require(self, *roles: str) -> "Principal":
        if self.role not in roles:
            raise Forbidden(message_en=f"this needs the role {' or '.join(roles)}",
                            message_ar="هذا الإجراء غير متاح لدورك")
        return self


STAFF_ROLES = ("admin", "officer", "clerk")


def principal_from_claims(claims: Mapping[str, object],
                          pool: Optional[str] = None) -> Principal:
    """`pool`: which user pool vouched for the token when citizens and staff have one each:
    every person of the citizens' pool is a citizen whatever groups the token names, and the
    staff's pool gives only staff roles (a citizen can never sign in as staff, nor staff as
    someone's citizen account). None: one pool, the `cognito:groups` claim gives the role."""
    groups = claims.get("cognito:groups") or []
    if not isinstance(groups, list):
        groups = []
    allowed = {None: ("admin", "officer", "clerk", "citizen"), "staff": STAFF_ROLES,
               "citizens": ()}[pool]
    role = "citizen" if pool == "citizens" else next((r for r in allowed if r in groups), "")
    sub = claims.get("sub")
    if not role or not isinstance(sub, str) or not sub:
        raise Unauthenticated(message_en="token has no usable role or subject",
                              message_ar="رمز الدخول لا يحمل دورًا صالحًا")
    district = claims.get("custom:district") or ""
    if role in DISTRICT_ROLES and not district:
        raise Unauthenticated(message_en=f"{role} token has no district",
                              message_ar="رمز دخول الموظف لا يحدد الحي")
    name = claims.get("name")
    # whitespace collapsed: a display name is one line wherever it is shown
    display = " ".join(name.split())[:120] if isinstance(name, str) else ""
    return Principal(sub=sub, role=role, district=str(district) if role in DISTRICT_ROLES else "",
                     name=display, mobile=_verified_mobile(claims) if role == "citizen" else "")


def _verified_mobile(claims: Mapping[str, object]) -> str:
    """The token's mobile when its issuer vouches for it (a user may edit `phone_number`, which
    un-verifies it until they confirm the code Cognito sends)."""
    phone = claims.get("phone_number")
    verified = claims.get("phone_number_verified") in (True, "true")
    if not verified or not isinstance(phone, str) or not phone.startswith("+20"):
        return ""
    return phone


def bearer_token(headers: Mapping[str, str]) -> str:
    value = headers.get("authorization") or headers.get("Authorization") or ""
    scheme, _, token = value.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated(message_en="missing bearer token",
                              message_ar="يلزم إرسال رمز الدخول")
    return token.strip()


def authenticate(headers: Mapping[str, str], settings: Settings) -> Principal:
    token = bearer_token(headers)
    try:
        if settings.auth_mode == "local":
            claims = jwt.decode(token, settings.local_jwt_secret, algorithms=["HS256"],
                                audience=LOCAL_AUDIENCE, issuer=LOCAL_ISSUER,
                                options={"require": ["exp", "sub", "iss", "aud"]})
            pool = None
        else:
            pool, claims = _cognito_claims(token, settings)
    except jwt.PyJWTError as error:
        # The library's reason stays in our log; the caller learns only that the token is refused.
        logger.info("bearer token refused", extra={"reason": type(error).__name__})
        raise Unauthenticated(code="invalid_token", message_en="invalid or expired token",
                              message_ar="رمز الدخول غير صالح أو منتهي الصلاحية") from None
    return principal_from_claims(claims, pool)


def _cognito_claims(token: str, settings: Settings) -> tuple[Optional[str], dict]:
    """The verified claims of a Cognito ID token, and which pool issued it ("citizens",
    "staff", or None when there is one pool). The unverified `iss` only picks the pool whose
    keys, issuer and app client then verify the token."""
    pools: dict[str, tuple[Optional[str], str]] = {
        settings.cognito_issuer: (None, settings.cognito_audience)}
    if settings.cognito_staff_issuer:
        pools = {settings.cognito_issuer: ("citizens", settings.cognito_audience),
                 settings.cognito_staff_issuer: ("staff", settings.cognito_staff_audience)}
    issuer = jwt.decode(token, options={"verify_signature": False}).get("iss")
    if issuer not in pools:
        raise jwt.InvalidIssuerError("issued by no user pool of ours")
    pool, audience = pools[issuer]
    key = _jwks_client(issuer).get_signing_key_from_jwt(token).key
    claims = jwt.decode(token, key, algorithms=["RS256"], audience=audience, issuer=issuer,
                        options={"require": ["exp", "sub", "iss", "aud"]})
    if claims.get("token_use") != "id":
        raise jwt.InvalidTokenError("not an id token")
    return pool, claims


@lru_cache(maxsize=4)
def _jwks_client(issuer: str) -> "jwt.PyJWKClient":
    return jwt.PyJWKClient(f"{issuer}/.well-known/jwks.json", cache_keys=True, lifespan=3600)


def issue_local_token(settings: Settings, role: str, sub: str, district: Optional[str] = None,
                      ttl_seconds: int = 3600, name: str = "", mobile: str = "") -> str:
    """The local stack's issuer: the same claims a Cognito id token carries."""
    now = int(time.time())
    claims: dict[str, object] = {"sub": sub, "cognito:groups": [role], "iss": LOCAL_ISSUER,
                                 "aud": LOCAL_AUDIENCE, "iat": now, "exp": now + ttl_seconds,
                                 "token_use": "id"}
    if district:
        claims["custom:district"] = district
    if name:
        claims["name"] = name
    if mobile:
        claims["phone_number"], claims["phone_number_verified"] = mobile, True
    return jwt.encode(claims, settings.local_jwt_secret, algorithm="HS256")
