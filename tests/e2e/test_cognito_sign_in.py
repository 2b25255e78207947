"""The web app's AWS sign-in, in a real browser: /config.json names Cognito, the sign-in page
sends the citizen to managed login with the authorization code flow and PKCE, the callback
exchanges the code, the ID token becomes the session (sessionStorage, never localStorage), and
signing out ends the managed login session too. Before the hour-long ID token ends, an active
person's session is renewed with the refresh token without leaving the page; a refused refresh
ends it with a bilingual message and a sign-in that comes back to the same page.

Cognito itself is played by Playwright's request interception (no network): the test checks
what the app sends it. The app is the built web/dist served by the local front, as in AWS by
CloudFront; only /config.json is the AWS one (the stack writes it there).
"""
from __future__ import annotations

import base64
import hashlib
import json
import time
from contextlib import contextmanager
from typing import Iterator
from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import Page, sync_playwright

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


def _id_token(lasting: int = 3600, auth_time: int | None = None) -> str:
    """What Cognito's token endpoint returns for a citizen, valid for `lasting` seconds from now
    (the signature is the API's to check; the browser only reads the claims). A refreshed token
    keeps the sign-in's `auth_time`, as Cognito's does."""
    now = int(time.time())
    claims = {"sub": "c0ffee", "iss": ISSUER, "aud": "portal-client", "token_use": "id",
              "iat": now, "exp": now + lasting, "auth_time": auth_time or now,
              "phone_number": MOBILE, "phone_number_verified": True}
    return ".".join((_b64url(json.dumps({"alg": "RS256", "kid": "k"}).encode()),
                     _b64url(json.dumps(claims).encode()), _b64url(b"signature")))


class StandInCognito:
    """Managed login and the token endpoint of the citizens' pool, played by request
    interception: the authorization code grant, then each refresh_token grant answered with
    the next of `refreshed` (a token, or None for Cognito's refusal: invalid_grant)."""

    def __init__(self, page, front_url: str, first: str, refreshed: list[str | None]) -> None:
        self.front_url = front_url
        self.sign_in_token = first  # what the next authorization code is exchanged for
        self.refreshed = list(refreshed)
        self.exchanges: list[dict] = []
        self.authorizations: list[dict] = []
        page.route("**/config.json", lambda route: route.fulfill(
            status=200, content_type="application/json", body=json.dumps(CONFIG)))
        page.route(f"{DOMAIN}/oauth2/authorize**", self._authorize)
        page.route(f"{DOMAIN}/oauth2/token", self._token)

    def _authorize(self, route) -> None:
        query = parse_qs(urlsplit(route.request.url).query)
        self.authorizations.append({k: v[0] for k, v in query.items()})
        # managed login: the person types the mobile and the SMS code, then back with a code
        route.fulfill(status=302, headers={"Location": f"{self.front_url}/auth/callback"
                                                       f"?code=the-code&state={query['state'][0]}"})

    def _token(self, route) -> None:
        form = {k: v[0] for k, v in parse_qs(route.request.post_data or "").items()}
        self.exchanges.append(form)
        cors = {"Access-Control-Allow-Origin": "*"}  # as Cognito's token endpoint answers
        if form["grant_type"] == "authorization_code":
            body = {"id_token": self.sign_in_token, "access_token": "access",
                    "refresh_token": "refresh", "token_type": "Bearer", "expires_in": 3600}
            return route.fulfill(status=200, content_type="application/json", headers=cors,
                                 body=json.dumps(body))
        token = self.refreshed.pop(0)
        if token is None:
            return route.fulfill(status=400, content_type="application/json", headers=cors,
                                 body=json.dumps({"error": "invalid_grant"}))
        # Cognito's answer to a refresh: new ID and access tokens, no new refresh token
        route.fulfill(status=200, content_type="application/json", headers=cors,
                      body=json.dumps({"id_token": token, "access_token": "access-2",
                                       "token_type": "Bearer", "expires_in": 3600}))

    def refresh_grants(self) -> list[dict]:
        return [e for e in self.exchanges if e["grant_type"] == "refresh_token"]


class StandInApi:
    """The two citizen lists the pages ask for, empty, with the bearer each request carried."""

    def __init__(self, page, front_url: str) -> None:
        self.bearers: list[tuple[str, str]] = []
        page.route(f"{front_url}/v1/**", self._answer)

    def _answer(self, route) -> None:
        path = urlsplit(route.request.url).path
        self.bearers.append((path, route.request.headers.get("authorization", "")))
        lists = {"/v1/licences": {"licences": []}, "/v1/applications": {"applications": []},
                 "/v1/services": {"services": []}, "/v1/districts": {"districts": []}}
        route.fulfill(status=200, content_type="application/json", body=json.dumps(lists[path]))


def _session(page) -> dict | None:
    raw = page.evaluate("sessionStorage.getItem('rukhsa.session')")
    return json.loads(raw) if raw else None


def _until(condition, what: str, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"still waiting for {what}")
        time.sleep(0.1)


@contextmanager
def _phone_page() -> Iterator[tuple[Front, Page]]:
    """The built app on the local front (no API: each test plays what it needs) and a 360 px
    page. The local front's CSP names no Cognito domain (the distribution's does: tests/infra
    checks it), so the token requests to the stand-in Cognito need CSP off here."""
    front = Front(free_port(), "http://127.0.0.1:9", WEB_DIST)
    try:
        with sync_playwright() as playwright:
            browser = launch(playwright)
            context = browser.new_context(viewport={"width": 360, "height": 740}, bypass_csp=True)
            yield front, context.new_page()
            browser.close()
    finally:
        front.stop()


def _citizen_signed_in_on_licences(page, front_url: str) -> None:
    page.goto(f"{front_url}/sign-in?next=/licences")
    page.get_by_role("button", name="الدخول برقم المحمول").click()
    page.wait_for_url(f"{front_url}/licences")
    page.get_by_role("heading", level=1, name="رخصي").wait_for()


def test_a_citizen_signs_in_with_managed_login_and_pkce_and_out_again(chromium):
    seen: dict[str, dict] = {}
    id_token = _id_token()

    def logout(route) -> None:
        seen["logout"] = {k: v[0] for k, v in parse_qs(urlsplit(route.request.url).query).items()}
        route.fulfill(status=302, headers={"Location": f"{front.url}/"})

    def revoke(route) -> None:
        # Cognito's revocation endpoint: a form POST, 200 with an empty body
        seen["revoke"] = {k: v[0] for k, v in parse_qs(route.request.post_data or "").items()}
        seen["revoke_method"] = {"method": route.request.method}
        route.fulfill(status=200, headers={"Access-Control-Allow-Origin": "*"}, body="")

    with _phone_page() as (front, page):
        cognito = StandInCognito(page, front.url, id_token, [])
        page.route(f"{DOMAIN}/logout**", logout)
        page.route(f"{DOMAIN}/oauth2/revoke", revoke)
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
        asked = cognito.authorizations[0]
        assert (asked["response_type"], asked["client_id"]) == ("code", "portal-client")
        assert asked["redirect_uri"] == f"{front.url}/auth/callback"
        assert asked["code_challenge_method"] == "S256"
        assert asked["scope"] == "openid profile phone" and asked["lang"] == "ar"
        # AND the code is exchanged with the verifier whose hash was the challenge
        exchange = cognito.exchanges[0]
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
        # the library keeps its user, with the refresh token, in sessionStorage too
        kept = page.evaluate("Object.keys(sessionStorage).filter(k => k.startsWith('rukhsa.oidc'))")
        (user_key,) = [key for key in kept if ".user:" in key]
        assert json.loads(page.evaluate(f"sessionStorage.getItem({json.dumps(user_key)})"))[
            "refresh_token"] == "refresh"

        # WHEN they sign out THEN the refresh token is revoked at Cognito, so a copy of it
        # renews nothing, and managed login's session ends too, back to the directory
        page.get_by_role("button", name="تسجيل الخروج").click()
        page.wait_for_url(f"{front.url}/")
        assert seen["revoke_method"] == {"method": "POST"}
        assert seen["revoke"] == {"token": "refresh", "token_type_hint": "refresh_token",
                                  "client_id": "portal-client"}
        assert seen["logout"] == {"client_id": "portal-client", "logout_uri": f"{front.url}/"}
        assert page.evaluate("sessionStorage.getItem('rukhsa.session')") is None
        # AND the refresh token is gone from the tab with it
        assert page.evaluate(f"sessionStorage.getItem({json.dumps(user_key)})") is None
    assert shots.inaccessible() == {}
    assert shots.too_wide_for_a_phone() == {}


def test_sign_out_ends_the_session_even_when_cognito_cannot_revoke(chromium):
    left: list[str] = []
    with _phone_page() as (front, page):
        StandInCognito(page, front.url, _id_token(), [])
        StandInApi(page, front.url)
        page.route(f"{DOMAIN}/oauth2/revoke", lambda route: route.abort("connectionrefused"))
        page.route(f"{DOMAIN}/logout**", lambda route: (
            left.append(route.request.url),
            route.fulfill(status=302, headers={"Location": f"{front.url}/"})))
        _citizen_signed_in_on_licences(page, front.url)
        # WHEN the citizen signs out while Cognito's revocation endpoint cannot be reached
        page.get_by_role("button", name="تسجيل الخروج").click()
        # THEN the app's session ends all the same and managed login is still signed out of
        page.wait_for_url(f"{front.url}/")
        assert len(left) == 1
        assert page.evaluate("sessionStorage.length") == 0


def test_an_active_citizen_s_session_is_renewed_with_the_refresh_token_without_leaving_the_page(
        chromium):
    signed_in_at = int(time.time())
    renewed = _id_token(auth_time=signed_in_at)
    with _phone_page() as (front, page):
        # An ID token that ends 70 s after sign-in: the app renews a minute before the end
        cognito = StandInCognito(page, front.url, _id_token(lasting=70, auth_time=signed_in_at),
                                 [renewed])
        api = StandInApi(page, front.url)
        shots = Shots(page, "cognito-renew-")

        # GIVEN a citizen signed in with managed login, at work on their licences
        _citizen_signed_in_on_licences(page, front.url)
        first = _session(page)["token"]
        assert api.bearers[-1] == ("/v1/licences", f"Bearer {first}")
        page.keyboard.press("Tab")
        assert cognito.refresh_grants() == []  # nothing asked before it is due

        # WHEN the ID token comes within a minute of its end
        # THEN the app renews it at the token endpoint with the refresh token (no iframe,
        # no trip to managed login) and keeps the new ID token as the session
        _until(lambda: (_session(page) or {}).get("token") == renewed, "the renewed token")
        (grant,) = cognito.refresh_grants()
        assert (grant["refresh_token"], grant["client_id"]) == ("refresh", "portal-client")
        assert len(cognito.authorizations) == 1
        assert _session(page)["expiresAt"] > (signed_in_at + 3500) * 1000
        # AND the person never left the page
        assert page.url == f"{front.url}/licences"
        assert page.get_by_role("heading", level=1, name="رخصي").is_visible()
        assert page.get_by_role("button", name="تسجيل الخروج").is_visible()
        shots("renewed")

        # WHEN the next API call goes
        page.get_by_role("link", name="طلباتي").click()
        page.get_by_role("heading", level=1, name="طلباتي").wait_for()
        # THEN it carries the renewed token; the first is never sent again
        _until(lambda: any(path == "/v1/applications" for path, _ in api.bearers),
               "the applications call")
        assert ("/v1/applications", f"Bearer {renewed}") in api.bearers
        assert [b for path, b in api.bearers if b == f"Bearer {first}"] == [
            f"Bearer {first}"]  # the licences call, before the renewal
        # AND the refresh token stayed in this tab's sessionStorage, never localStorage
        assert "refresh" not in page.evaluate("JSON.stringify(Object.assign({}, localStorage))")
    assert shots.inaccessible() == {}
    assert shots.too_wide_for_a_phone() == {}


def test_a_refused_refresh_ends_the_session_with_a_bilingual_message_and_signs_in_back_to_the_page(
        chromium):
    with _phone_page() as (front, page):
        # Cognito refuses the refresh token (past the app client's validity, or revoked)
        cognito = StandInCognito(page, front.url, _id_token(lasting=65), [None])
        StandInApi(page, front.url)
        shots = Shots(page, "cognito-refused-")

        # GIVEN a citizen at work on their licences
        _citizen_signed_in_on_licences(page, front.url)
        page.keyboard.press("Tab")

        # WHEN the ID token comes within a minute of its end and the refresh is refused

        # THEN the sign-in page says so, in Arabic then in English, whatever the language
        page.wait_for_url(f"{front.url}/sign-in?next=%2Flicences")
        notice = page.get_by_role("alert")
        notice.get_by_role("heading", name="انتهت جلستك").wait_for()
        assert notice.get_by_role("heading", name="Your session has ended").is_visible()
        text = notice.inner_text()
        assert text.index("انتهت جلستك") < text.index("Your session has ended")
        assert "Sign in again to return to the page you were on" in text
        assert notice.locator("[lang=en]").get_attribute("dir") == "ltr"
        assert len(cognito.refresh_grants()) == 1
        # AND nothing of the session is left in the tab: no token, no refresh token
        assert _session(page) is None
        assert page.evaluate(
            "Object.keys(sessionStorage).filter(k => k.includes('.user:'))") == []
        shots("session-ended")

        # WHEN they sign in again THEN they are back on the page they were on
        cognito.sign_in_token = _id_token()
        page.get_by_role("button", name="الدخول برقم المحمول").click()
        page.wait_for_url(f"{front.url}/licences")
        page.get_by_role("heading", level=1, name="رخصي").wait_for()
        assert cognito.authorizations[-1]["client_id"] == "portal-client"
        assert _session(page)["sub"] == MOBILE
        assert page.get_by_role("alert").count() == 0  # the message went with the new session
    assert shots.inaccessible() == {}
    assert shots.too_wide_for_a_phone() == {}
