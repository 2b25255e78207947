"""Two Cognito user pools (infra/stack.py): citizens sign in passwordless to theirs, staff with
password + MFA to theirs. The API tells them apart by the issuer that signed the ID token."""
from __future__ import annotations

import time
from types import SimpleNamespace

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from chalicelib import auth
from chalicelib.errors import Unauthenticated
from chalicelib.settings import load_settings

CITIZENS = "https://cognito-idp.eu-central-1.amazonaws.com/eu-central-1_citizens"
STAFF = "https://cognito-idp.eu-central-1.amazonaws.com/eu-central-1_staff"
KEYS = {issuer: rsa.generate_private_key(public_exponent=65537, key_size=2048)
        for issuer in (CITIZENS, STAFF)}
SETTINGS = load_settings({
    "STAGE": "prod", "TABLE_PREFIX": "rukhsa-prod-", "FILES_BUCKET": "files",
    "SEAL_KEY_IDS": "alias/seal", "VERIFY_BASE_URL": "https://r.example",
    "PUBLIC_BASE_URL": "https://r.example", "AUTH_MODE": "cognito",
    "COGNITO_ISSUER": CITIZENS, "COGNITO_AUDIENCE": "portal-client",
    "COGNITO_STAFF_ISSUER": STAFF, "COGNITO_STAFF_AUDIENCE": "staff-client"})


@pytest.fixture(autouse=True)
def pool_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each pool's JWKS answers with its own public key (no network)."""
    def client(issuer: str) -> SimpleNamespace:
        public = KEYS[issuer].public_key()
        return SimpleNamespace(get_signing_key_from_jwt=lambda token: SimpleNamespace(key=public))
    monkeypatch.setattr(auth, "_jwks_client", client)


def _token(issuer: str, audience: str, signer: str | None = None, **claims: object) -> str:
    now = int(time.time())
    body = {"sub": "u-1", "iss": issuer, "aud": audience, "iat": now, "exp": now + 600,
            "token_use": "id", **claims}
    return jwt.encode(body, KEYS[signer or issuer], algorithm="RS256")


def _who(token: str) -> auth.Principal:
    return auth.authenticate({"Authorization": f"Bearer {token}"}, SETTINGS)


def test_anyone_of_the_citizens_pool_is_a_citizen_whatever_groups_the_token_names():
    # GIVEN a citizens' pool token that names the admin group (a misconfigured group)
    token = _token(CITIZENS, "portal-client", **{"cognito:groups": ["admin"],
                   "phone_number": "+201001234567", "phone_number_verified": "true"})
    # WHEN it calls THEN it is a citizen keyed by the verified mobile
    who = _who(token)
    assert (who.role, who.owner_key) == ("citizen", "+201001234567")


def test_the_staff_pool_gives_staff_roles_only():
    officer = _who(_token(STAFF, "staff-client", **{"cognito:groups": ["officer"],
                                                     "custom:district": "montaza"}))
    assert (officer.role, officer.district) == ("officer", "montaza")
    # a staff account in the citizen group only has no role at all
    with pytest.raises(Unauthenticated):
        _who(_token(STAFF, "staff-client", **{"cognito:groups": ["citizen"]}))


@pytest.mark.parametrize("issuer, audience, signer", [
    (CITIZENS, "staff-client", None),  # the staff client's token presented as the portal's
    (STAFF, "portal-client", None),
    (STAFF, "staff-client", CITIZENS),  # signed with the other pool's key
    ("https://cognito-idp.eu-central-1.amazonaws.com/eu-central-1_other", "portal-client",
     CITIZENS),  # a pool not ours
])
def test_a_token_is_refused_unless_its_own_pool_signed_it_for_its_own_client(issuer, audience,
                                                                             signer):
    with pytest.raises(Unauthenticated):
        _who(_token(issuer, audience, signer, **{"cognito:groups": ["admin"]}))


def test_an_access_token_is_refused():
    with pytest.raises(Unauthenticated):
        _who(_token(STAFF, "staff-client", token_use="access", **{"cognito:groups": ["admin"]}))
