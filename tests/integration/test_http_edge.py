"""The HTTP edge over real HTTP on loopback (the local stack's gateway, as `make run` serves it):
unknown paths, nosniff, Accept negotiation, nested JSON, token refusals."""
from __future__ import annotations

import json
import re

import pytest
import requests

from tests.integration.test_applications_api import VALID

pytestmark = pytest.mark.integration
ARABIC = re.compile(r"[\u0600-\u06FF]")
NESTED_4KB = b"[" * 2000 + b"]" * 2000  # issue 18: 4 KB that made the JSON reader recurse to a 500


def envelope(response: requests.Response) -> dict:
    """The contract's error body, checked for its exact keys and both languages."""
    assert response.headers["Content-Type"].startswith("application/json"), response.headers
    error = response.json()["error"]
    assert set(error) <= {"code", "message_ar", "message_en", "fields"}
    assert ARABIC.search(error["message_ar"]) and error["message_en"] and error["code"]
    return error


@pytest.mark.parametrize("method, path", [
    ("GET", "/v1/nothing-here"), ("GET", "/"), ("POST", "/v1/applications/x/y/z"),
    ("GET", "/v1/licences/ALX-EAST-2026-000001/nothing"), ("DELETE", "/openapi.json/x"),
])
def test_an_unknown_path_answers_the_404_envelope_not_a_403(api_server, method, path):
    # GIVEN a path no route declares WHEN called, with or without a token
    for headers in ({}, {"Authorization": "Bearer whatever"}):
        response = requests.request(method, api_server + path, headers=headers, timeout=10)
        # THEN the contract's 404, bilingual, and nosniff (not API Gateway's 403 text)
        assert response.status_code == 404, response.text
        error = envelope(response)
        assert error["code"] == "not_found" and "Authentication" not in response.text
        assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_the_in_process_client_answers_the_same_404(stack):
    response = stack.call("GET", "/v1/nothing-here")
    assert response.status_code == 404 and response.json["error"]["code"] == "not_found"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_every_kind_of_answer_says_nosniff(api_server, stack):
    citizen = stack.token("citizen")
    auth = {"Authorization": f"Bearer {citizen}"}
    answers = {
        "json": requests.get(f"{api_server}/v1/services", timeout=10),
        "html page": requests.get(f"{api_server}/v/not-a-seal", timeout=10),
        "verification json": requests.get(f"{api_server}/v/not-a-seal",
                                          headers={"Accept": "application/json"}, timeout=10),
        "jwk set": requests.get(f"{api_server}/v1/keys", timeout=10),
        "openapi": requests.get(f"{api_server}/openapi.json", timeout=10),
        "400": requests.post(f"{api_server}/v1/applications", data=b"{", timeout=10,
                             headers={**auth, "Content-Type": "application/json"}),
        "401": requests.get(f"{api_server}/v1/applications", timeout=10),
        "404": requests.get(f"{api_server}/s/UNKNOWN1", timeout=10),
        "405": requests.delete(f"{api_server}/v1/services", timeout=10),
        "415": requests.post(f"{api_server}/v1/applications", data=b"x", timeout=10,
                             headers={**auth, "Content-Type": "text/csv"}),
    }
    missing = {name: r.status_code for name, r in answers.items()
               if r.headers.get("X-Content-Type-Options") != "nosniff"}
    assert missing == {}


def test_a_redirect_says_nosniff(api_server, stack):
    # GIVEN a short link stored for a seal, as issuance stores it
    from datetime import datetime, timezone

    from chalicelib.domain.issuance import short_link_key
    from chalicelib.wiring import pointer_store

    pointer_store().point(short_link_key("EDGE1"), "some-token", datetime.now(timezone.utc))
    # WHEN it is followed THEN the 302 says nosniff too
    response = requests.get(f"{api_server}/s/EDGE1", allow_redirects=False, timeout=10)
    assert response.status_code == 302 and response.headers["Location"].endswith("/v/some-token")
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("accept, json_expected", [
    ("application/json, text/html;q=0.1", True),
    ("text/html;q=0.1, Application/JSON", True),
    ("text/html;q=0, */*", True),
    ("application/json, */*", True),
    ("text/html", False),
    ("*/*", False),
    (None, False),
    ("application/json;q=0.2, text/html;q=0.9", False),
])
@pytest.mark.parametrize("prefix", ["/v/", "/V/"])
def test_the_verification_page_or_json_follows_the_accept_header(api_server, prefix, accept,
                                                                 json_expected):
    # GIVEN a forged seal (it answers genuine: false, page or JSON) WHEN asked with this Accept
    headers = {} if accept is None else {"Accept": accept}
    response = requests.get(f"{api_server}{prefix}forged-token", headers=headers, timeout=10)
    # THEN JSON exactly when the client prefers it, HTML otherwise
    assert response.status_code == 200
    assert response.headers["Vary"] == "Accept"
    if json_expected:
        assert response.headers["Content-Type"].startswith("application/json")
        assert response.json()["genuine"] is False
    else:
        assert response.headers["Content-Type"].startswith("text/html")


def test_deep_json_is_a_400_on_body_for_a_citizen_route(api_server, stack):
    # GIVEN 4 KB of 2,000 nested arrays WHEN posted as an application
    response = requests.post(f"{api_server}/v1/applications", data=NESTED_4KB, timeout=10,
                             headers={"Authorization": f"Bearer {stack.token('citizen')}",
                                      "Content-Type": "application/json"})
    # THEN 400 naming `body`, Arabic then English; never a 500
    assert response.status_code == 400, response.text
    message = envelope(response)["fields"]["body"]
    arabic, _, english = message.partition(" / ")
    assert ARABIC.search(arabic) and "nest" in english


@pytest.mark.parametrize("gateway", ["paymob", "fawry", "sandbox"])
def test_deep_json_is_a_400_on_body_for_a_webhook(api_server, gateway):
    response = requests.post(f"{api_server}/v1/webhooks/{gateway}?hmac={'a' * 128}",
                             data=NESTED_4KB, headers={"Content-Type": "application/json"},
                             timeout=10)
    assert response.status_code == 400, response.text
    assert "body" in envelope(response)["fields"]


def test_a_shallow_body_still_reaches_validation(api_server, stack):
    # GIVEN an application with a few levels of nesting in details WHEN posted THEN it is judged
    # on its fields (a 400 naming the field), not refused as too deep
    body = {**VALID, "details": {**VALID["details"], "faces": [[[[1]]]]}}
    response = requests.post(f"{api_server}/v1/applications", data=json.dumps(body), timeout=10,
                             headers={"Authorization": f"Bearer {stack.token('citizen')}",
                                      "Content-Type": "application/json"})
    assert response.status_code == 400 and "details.faces" in envelope(response)["fields"]


@pytest.mark.parametrize("token", ["garbage", "a.b.c", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln"])
def test_a_refused_token_is_401_invalid_or_expired_in_both_languages(api_server, token):
    response = requests.get(f"{api_server}/v1/applications", timeout=10,
                            headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
    error = envelope(response)
    assert error["message_en"] == "invalid or expired token"
    assert not re.search(r"segment|padding|decode|signature|Invalid", response.text)


def test_pydantic_english_never_reaches_fields(api_server, stack):
    body = {k: v for k, v in VALID.items() if k != "district"}
    body["service_code"] = 5
    response = requests.post(f"{api_server}/v1/applications", data=json.dumps(body), timeout=10,
                             headers={"Authorization": f"Bearer {stack.token('citizen')}",
                                      "Content-Type": "application/json"})
    fields = envelope(response)["fields"]
    assert fields == {"district": "حقل مطلوب / required",
                      "service_code": "يجب أن يكون نصًا / must be text"}


def test_chalices_own_refusals_are_in_our_words(api_server):
    response = requests.delete(f"{api_server}/v1/services", timeout=10)
    assert response.status_code == 405
    error = envelope(response)
    assert error["code"] == "method_not_allowed" and "Unsupported method" not in response.text
    assert "GET" in response.headers["Allow"]
