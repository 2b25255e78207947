"""The web app's AWS sign-in, in a real browser: /config.json names Cognito, the sign-in page
sends the citizen to managed login with the authorization code flow and PKCE, the callback
exchanges the code, the ID token becomes the session (sessionStorage, never localStorage), and
signing out ends the managed login session too.

Cognito itself is played by Playwright's request interception (no network): the test checks
what the app sends it. The app is the built web/dist served by the local front, as in AWS by
CloudFront; only /config.json is the AWS one (the stack writes it there).
"""
from __future__ import annotations

import base64
import hashlib
import json
import time
from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import sync_playwright

from devstack.front import Front
from tests.e2e.portal import WEB_DIST, Shots, free_port, launch

REGION = "eu-central-1"
ISSUER = f"https://cognito-idp.{REGION}.amazonaws.com/{REGION}_citizens"
DOMAIN = f"https://rukhsa-test.auth.{REGION}.amazoncognito.com"
STAFF_DOMAIN = f"https://rukhsa-test-staff.auth.{REGION}.amazoncognito.com"
CONFIG = {"auth": {"mode": "cognito",
                   "citizens": {"issuer": ISSUER, "domain": DOMAIN, "clientId": "portal-client"},
                   "staff": {"issuer": f"https://cognito-idp.{REGION}.amazonaws.com/{REGION}_staff",
                             "domain": STAFF_DOMAIN, "clientId": "staff-client"}}}
MOBILE = "+201001234567"


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _id_token() -> str:
    """What Cognito's token endpoint returns for a citizen (the signature is the API's to
    check; the browser only reads the claims)."""
    now = int(time.time())
    claims = {"sub": "c0ffee", "iss": ISSUER, "aud": "portal-client", "token_use": "id",
              "iat": now, "exp": now + 3600, "auth_time": now, "phone_number": MOBILE,
              "phone_number_verified": True}
    return ".".join((_b64url(json.dumps({"alg": "RS256", "kid": "k"}).encode()),
                     _b64url(json.dumps(claims).encode()), _b64url(b"signature")))


def test_a_citizen_signs_in_with_managed_login_and_pkce_and_out_again(chromium):
    front = Front(free_port(), "http://127.0.0.1:9", WEB_DIST)  # no API needed here
    seen: dict[str, dict] = {}
    id_token = _id_token()

    def authorize(route) -> None:
        query = parse_qs(urlsplit(route.request.url).query)
        seen["authorize"] = {k: v[0] for k, v in query.items()}
        # managed login: the person types the mobile and the SMS code, then back with a code
        route.fulfill(status=302, headers={"Location": f"{front.url}/auth/callback?code=the-code"
                                                       f"&state={query['state'][0]}"})

    def token(route) -> None:
        seen["token"] = {k: v[0] for k, v in parse_qs(route.request.post_data or "").items()}
        route.fulfill(status=200, content_type="application/json",
                      headers={"Access-Control-Allow-Origin": front.url},
                      body=json.dumps({"id_token": id_token, "access_token": "access",
                                       "refresh_token": "refresh", "token_type": "Bearer",
                                       "expires_in": 3600}))

    def logout(route) -> None:
        seen["logout"] = {k: v[0] for k, v in parse_qs(urlsplit(route.request.url).query).items()}
        route.fulfill(status=302, headers={"Location": f"{front.url}/"})

    try:
        with sync_playwright() as playwright:
            browser = launch(playwright)
            # The local front's CSP names no Cognito domain (the distribution's does: tests/infra
            # checks it), so the token exchange to the stand-in Cognito needs CSP off here.
            context = browser.new_context(viewport={"width": 360, "height": 740}, bypass_csp=True)
            page = context.new_page()
            page.route("**/config.json", lambda route: route.fulfill(
                status=200, content_type="application/json", body=json.dumps(CONFIG)))
            page.route(f"{DOMAIN}/oauth2/authorize**", authorize)
            page.route(f"{DOMAIN}/oauth2/token", token)
            page.route(f"{DOMAIN}/logout**", logout)
            shots = Shots(page, "cognito-")

            # GIVEN the AWS config WHEN a citizen opens the sign-in page THEN the two ways in
            page.goto(f"{front.url}/sign-in?next=/licences")
            mobile = page.get_by_role("button", name="الدخول برقم المحمول")
            mobile.wait_for()
            assert page.get_by_role("button", name="دخول العاملين").is_visible()
            assert page.get_by_text("البيئة المحلية فقط").count() == 0  # not the local page
            shots("sign-in")

            # WHEN they choose the mobile THEN managed login is asked for a code with PKCE
            mobile.click()
            page.wait_for_url(f"{front.url}/licences")
            asked = seen["authorize"]
            assert (asked["response_type"], asked["client_id"]) == ("code", "portal-client")
            assert asked["redirect_uri"] == f"{front.url}/auth/callback"
            assert asked["code_challenge_method"] == "S256"
            assert asked["scope"] == "openid profile phone" and asked["lang"] == "ar"
            # AND the code is exchanged with the verifier whose hash was the challenge
            exchange = seen["token"]
            assert (exchange["grant_type"], exchange["code"]) == ("authorization_code", "the-code")
            assert exchange["client_id"] == "portal-client"
            assert _b64url(hashlib.sha256(exchange["code_verifier"].encode()).digest()) == \
                asked["code_challenge"]

            # THEN the session is the citizen by the verified mobile, in sessionStorage only
            session = json.loads(page.evaluate("sessionStorage.getItem('rukhsa.session')"))
            assert (session["role"], session["sub"], session["pool"]) == ("citizen", MOBILE,
                                                                          "citizens")
            assert session["token"] == id_token
            stored = page.evaluate("JSON.stringify(Object.assign({}, localStorage))")
            assert "refresh" not in stored and id_token not in stored and "oidc" not in stored
            # the library's own copy of the user is gone: one copy of the token
            kept = page.evaluate("Object.keys(sessionStorage).filter(k => k.startsWith('rukhsa.oidc'))")
            assert not [key for key in kept if "user" in key], kept

            # WHEN they sign out THEN managed login's session ends too, back to the directory
            page.get_by_role("button", name="تسجيل الخروج").click()
            page.wait_for_url(f"{front.url}/")
            assert seen["logout"] == {"client_id": "portal-client", "logout_uri": f"{front.url}/"}
            assert page.evaluate("sessionStorage.getItem('rukhsa.session')") is None
            browser.close()
    finally:
        front.stop()
    assert shots.inaccessible() == {}
    assert shots.too_wide_for_a_phone() == {}
