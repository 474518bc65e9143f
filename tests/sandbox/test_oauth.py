"""The OAuth server over real HTTP: consent, exchange, refresh, lifetimes, introspection."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from linkedin.sandbox import DEMO_APP_NAME, DEMO_CLIENT_ID

from .conftest import AVERY, NOA, REDIRECT_URI, VIC, parse_form

DAY = 86_400


def redirect_query(response) -> dict[str, list[str]]:
    assert response.status_code == 302, response.text
    location = response.headers["location"]
    assert location.startswith(REDIRECT_URI)
    return parse_qs(urlsplit(location).query)


# -- consent page --------------------------------------------------------------------------

def test_consent_page_shows_app_scopes_members_and_buttons(sandbox):
    page = sandbox.consent_page(scope="r_ads rw_dmp_segments openid")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    html = page.text
    assert DEMO_APP_NAME == "Matched Audiences Workbench (sandbox)" and DEMO_APP_NAME in html
    for scope in ("r_ads", "rw_dmp_segments", "openid"):
        assert f"<code>{scope}</code>" in html
    assert "Read your ad accounts" in html
    assert "#0A66C2" in html
    form = parse_form(html)
    assert form.action == "/oauth/v2/authorization/decision"
    assert ("decision", "allow", "Allow") in form.buttons
    assert ("decision", "cancel", "Cancel") in form.buttons
    assert form.options == ["Av3ryAn4ly", "V1cV1ewer0", "N0aNewc0mr"]
    assert form.fields["member"] == "Av3ryAn4ly"  # Avery is the default
    assert form.fields["scope"] == "r_ads rw_dmp_segments openid"
    assert form.fields["client_id"] == DEMO_CLIENT_ID
    assert form.fields["redirect_uri"] == REDIRECT_URI
    assert "Avery Analyst" in html and "Vic Viewer" in html and "Noa Newcomer" in html


def test_consent_page_escapes_a_malicious_state(sandbox):
    evil = '"><script>alert(1)</script>'
    page = sandbox.consent_page(scope="r_ads", state=evil)
    assert "<script>" not in page.text
    assert "&lt;script&gt;" in page.text
    assert parse_form(page.text).fields["state"] == evil
    # and the state travels back untouched
    query = redirect_query(sandbox.decide(page))
    assert query["state"] == [evil]


def test_plus_encoded_scopes_are_space_delimited(sandbox):
    r = sandbox.http.get(
        sandbox.url("/oauth/v2/authorization?response_type=code&client_id=sandbox-demo-client"
                    "&redirect_uri=http%3A%2F%2F127.0.0.1%3A9%2Fcb&scope=r_ads+rw_dmp_segments&state=s")
    )
    assert r.status_code == 200
    assert parse_form(r.text).fields["scope"] == "r_ads rw_dmp_segments"


@pytest.mark.parametrize("client_id, redirect_uri, needle", [
    ("someone-else", REDIRECT_URI, "client_id"),
    (DEMO_CLIENT_ID, "https://evil.example/cb", "redirect_uri"),
    (DEMO_CLIENT_ID, "ftp://localhost/cb", "redirect_uri"),
    (DEMO_CLIENT_ID, "", "redirect_uri"),
])
def test_bad_client_or_redirect_gets_an_error_page_not_a_redirect(sandbox, client_id, redirect_uri, needle):
    r = sandbox.consent_page(scope="r_ads", client_id=client_id, redirect_uri=redirect_uri)
    assert r.status_code == 400
    assert "location" not in r.headers
    assert r.headers["content-type"].startswith("text/html")
    assert needle in r.text


@pytest.mark.parametrize("redirect_uri", [
    "http://127.0.0.1:8501/oauth/linkedin/callback", "http://[::1]:3000/cb", "https://localhost/sandbox/cb",
])
def test_any_loopback_redirect_is_registered(sandbox, redirect_uri):
    assert sandbox.consent_page(scope="r_ads", redirect_uri=redirect_uri).status_code == 200


def test_unknown_scope_redirects_back_with_invalid_scope(sandbox):
    query = redirect_query(sandbox.consent_page(scope="r_ads r_everything", state="s1"))
    assert query["error"] == ["invalid_scope"]
    assert "r_everything" in query["error_description"][0]
    assert query["state"] == ["s1"]
    assert "code" not in query


def test_cancel_redirects_with_user_cancelled_authorize(sandbox):
    query = redirect_query(sandbox.decide(sandbox.consent_page(scope="r_ads", state="s2"), decision="cancel"))
    assert query == {
        "error": ["user_cancelled_authorize"],
        "error_description": ["The user cancelled the authorization"],
        "state": ["s2"],
    }


def test_cancel_error_code_is_a_setting(sandbox):
    sandbox.settings(cancel_error="user_cancelled_login")
    query = redirect_query(sandbox.decide(sandbox.consent_page(scope="r_ads"), decision="cancel"))
    assert query["error"] == ["user_cancelled_login"]


def test_decision_is_revalidated(sandbox):
    page = sandbox.consent_page(scope="r_ads")
    form = parse_form(page.text)
    data = dict(form.fields, decision="allow", redirect_uri="https://evil.example/cb")
    r = sandbox.http.post(sandbox.url(form.action), data=data, allow_redirects=False)
    assert r.status_code == 400 and "location" not in r.headers


# -- code exchange -------------------------------------------------------------------------

def test_allow_code_token_with_comma_scopes_and_refresh_fields(sandbox):
    code = sandbox.code("r_ads rw_dmp_segments")
    r = sandbox.exchange(code)
    assert r.status_code == 200
    body = r.json()
    assert set(body) == {"access_token", "expires_in", "refresh_token", "refresh_token_expires_in", "scope"}
    assert body["scope"] == "r_ads,rw_dmp_segments"
    assert body["expires_in"] == 5_184_000
    assert body["refresh_token_expires_in"] == 31_536_000
    assert body["access_token"] != body["refresh_token"]
    assert len(body["access_token"]) > 40


def test_token_type_is_a_setting(sandbox):
    sandbox.settings(include_token_type=True)
    assert sandbox.token()["token_type"] == "Bearer"


def test_code_belongs_to_the_chosen_member(sandbox, world):
    sandbox.token(member="V1cV1ewer0")
    assert [g["member"] for g in sandbox.state()["tokens"]] == [VIC]


def test_code_is_single_use(sandbox):
    code = sandbox.code()
    assert sandbox.exchange(code).status_code == 200
    again = sandbox.exchange(code)
    assert again.status_code == 400
    assert again.json() == {
        "error": "invalid_grant",
        "error_description": "The provided authorization grant or refresh token is invalid, expired or revoked.",
    }


def test_unknown_code_is_invalid_grant(sandbox):
    r = sandbox.exchange("AQnot-a-code")
    assert (r.status_code, r.json()["error"]) == (400, "invalid_grant")


def test_code_expires_after_its_lifetime(sandbox):
    code = sandbox.code()
    sandbox.advance(1801)
    r = sandbox.exchange(code)
    assert (r.status_code, r.json()["error"]) == (400, "invalid_grant")


def test_redirect_uri_must_match_the_authorization(sandbox):
    r = sandbox.exchange(sandbox.code(), redirect_uri="http://localhost:9999/other")
    assert r.status_code == 400
    assert r.json()["error"] == "invalid_request"
    assert "redirect uri" in r.json()["error_description"]


def test_wrong_client_secret_is_invalid_client(sandbox):
    r = sandbox.token_request(grant_type="authorization_code", code=sandbox.code(),
                              redirect_uri=REDIRECT_URI, client_secret="wrong")
    assert r.status_code == 401
    assert r.json()["error"] == "invalid_client"


def test_missing_parameter_is_invalid_request(sandbox):
    r = sandbox.token_request(grant_type="authorization_code", redirect_uri=REDIRECT_URI)
    assert r.status_code == 400
    assert r.json() == {"error": "invalid_request", "error_description": 'A required parameter "code" is missing'}


def test_unsupported_grant_type(sandbox):
    r = sandbox.token_request(grant_type="password")
    assert (r.status_code, r.json()["error"]) == (400, "unsupported_grant_type")


def test_json_body_is_rejected(sandbox):
    r = sandbox.http.post(sandbox.url("/oauth/v2/accessToken"), json={"grant_type": "authorization_code"})
    assert (r.status_code, r.json()["error"]) == (400, "invalid_request")


def test_credentials_must_be_in_the_body(sandbox):
    r = sandbox.http.post(sandbox.url("/oauth/v2/accessToken"),
                          data={"grant_type": "authorization_code", "code": sandbox.code(), "redirect_uri": REDIRECT_URI},
                          auth=("sandbox-demo-client", "sandbox-demo-secret"))
    assert (r.status_code, r.json()["error"]) == (400, "invalid_request")


# -- refresh -------------------------------------------------------------------------------

def test_refresh_keeps_refresh_life_from_the_consent(sandbox):
    first = sandbox.token()
    sandbox.advance(59 * DAY)
    r = sandbox.refresh(first["refresh_token"])
    assert r.status_code == 200
    body = r.json()
    assert body["expires_in"] == 60 * DAY
    assert 306 * DAY - 5 <= body["refresh_token_expires_in"] <= 306 * DAY
    assert body["refresh_token"] == first["refresh_token"]  # no rotation by default
    assert body["access_token"] != first["access_token"]
    assert body["scope"] == first["scope"]


def test_access_token_is_capped_by_refresh_life_near_its_end(sandbox):
    first = sandbox.token()
    sandbox.advance(360 * DAY)
    body = sandbox.refresh(first["refresh_token"]).json()
    assert 5 * DAY - 5 <= body["expires_in"] <= 5 * DAY
    assert abs(body["refresh_token_expires_in"] - body["expires_in"]) <= 1


def test_refresh_after_refresh_expiry_is_invalid_grant(sandbox):
    first = sandbox.token()
    sandbox.advance(365 * DAY + 1)
    r = sandbox.refresh(first["refresh_token"])
    assert (r.status_code, r.json()["error"]) == (400, "invalid_grant")


def test_old_access_token_survives_refresh_by_default(sandbox):
    first = sandbox.token()
    assert sandbox.refresh(first["refresh_token"]).status_code == 200
    assert sandbox.api("/rest/adAccountUsers", first["access_token"], params={"q": "authenticatedUser"}).status_code == 200


def test_refresh_can_revoke_the_previous_access_token(sandbox):
    sandbox.settings(refresh_revokes_previous_access=True)
    first = sandbox.token()
    second = sandbox.refresh(first["refresh_token"]).json()
    old = sandbox.api("/rest/adAccountUsers", first["access_token"], params={"q": "authenticatedUser"})
    assert old.json()["serviceErrorCode"] == 65601
    new = sandbox.api("/rest/adAccountUsers", second["access_token"], params={"q": "authenticatedUser"})
    assert new.status_code == 200


def test_rotating_refresh_tokens(sandbox):
    sandbox.settings(rotate_refresh_tokens=True)
    first = sandbox.token()
    second = sandbox.refresh(first["refresh_token"]).json()
    assert second["refresh_token"] != first["refresh_token"]
    assert sandbox.refresh(first["refresh_token"]).json()["error"] == "invalid_grant"
    assert sandbox.refresh(second["refresh_token"]).status_code == 200


def test_unknown_refresh_token_is_invalid_grant(sandbox):
    r = sandbox.refresh("AQnope")
    assert r.status_code == 400
    assert r.json()["error_description"] == (
        "The provided authorization grant or refresh token is invalid, expired or revoked."
    )


def test_without_programmatic_refresh_no_refresh_fields(sandbox):
    sandbox.settings(issue_refresh_tokens=False)
    body = sandbox.token()
    assert "refresh_token" not in body and "refresh_token_expires_in" not in body
    assert body["expires_in"] == 5_184_000


def test_a_scope_of_a_product_the_app_lacks_aborts_the_whole_consent(sandbox):
    """As LinkedIn does: unauthorized_scope_error back to the app, nothing silently left out."""
    sandbox.settings(app_products=["Advertising API"])
    query = redirect_query(sandbox.consent_page(scope="r_ads rw_dmp_segments", state="s9"))
    assert query == {
        "error": ["unauthorized_scope_error"],
        "error_description": ['Scope "rw_dmp_segments" is not authorized for your application'],
        "state": ["s9"],
    }
    assert sandbox.token("r_ads")["scope"] == "r_ads"  # what the app's products cover is still granted


def test_the_grant_is_every_scope_asked_for(sandbox):
    assert sandbox.token("r_ads rw_dmp_segments openid profile")["scope"] == "r_ads,rw_dmp_segments,openid,profile"


def test_token_lifetime_setting_applies_to_new_tokens(sandbox):
    before = sandbox.token()
    sandbox.settings(access_token_ttl=120)
    after = sandbox.token()
    assert (before["expires_in"], after["expires_in"]) == (5_184_000, 120)
    sandbox.advance(121)
    assert sandbox.api("/rest/adAccountUsers", after["access_token"],
                       params={"q": "authenticatedUser"}).json()["serviceErrorCode"] == 65602
    assert sandbox.api("/rest/adAccountUsers", before["access_token"],
                       params={"q": "authenticatedUser"}).status_code == 200


# -- introspection -------------------------------------------------------------------------

def test_introspect_active_token(sandbox):
    tok = sandbox.token("r_ads rw_dmp_segments")
    now = sandbox.state()["now"]
    r = sandbox.introspect(tok["access_token"])
    assert r.status_code == 200
    body = r.json()
    assert body["active"] is True and body["status"] == "active"
    assert body["client_id"] == DEMO_CLIENT_ID
    assert body["scope"] == "r_ads,rw_dmp_segments"
    assert body["auth_type"] == "3L"
    assert abs(body["expires_at"] - (now + 5_184_000)) <= 2
    assert abs(body["authorized_at"] - now) <= 2 and abs(body["created_at"] - now) <= 2


def test_introspect_expired_and_revoked(sandbox):
    a, b = sandbox.token(), sandbox.token(member="V1cV1ewer0")
    sandbox.control("POST", "/tokens/expire-access", {"access_token": a["access_token"]})
    sandbox.control("POST", "/tokens/revoke", {"access_token": b["access_token"]})
    expired, revoked = sandbox.introspect(a["access_token"]).json(), sandbox.introspect(b["access_token"]).json()
    assert (expired["active"], expired["status"]) == (False, "expired")
    assert (revoked["active"], revoked["status"]) == (False, "revoked")


def test_introspect_refresh_token(sandbox):
    tok = sandbox.token()
    body = sandbox.introspect(tok["refresh_token"]).json()
    assert body["status"] == "active"
    assert abs(body["expires_at"] - body["authorized_at"] - 31_536_000) <= 1


def test_introspect_unknown_token_default_and_setting(sandbox):
    r = sandbox.introspect("garbage")
    assert (r.status_code, r.json()) == (200, {"active": False})
    sandbox.settings(introspect_unknown_status=400,
                     introspect_unknown_body={"error": "invalid_request", "error_description": "bad token"})
    r = sandbox.introspect("garbage")
    assert (r.status_code, r.json()["error"]) == (400, "invalid_request")


def test_introspect_needs_client_credentials(sandbox):
    r = sandbox.introspect(sandbox.token()["access_token"], client_secret="nope")
    assert (r.status_code, r.json()["error"]) == (401, "invalid_client")


def test_grants_are_per_member(sandbox):
    sandbox.token(member="N0aNewc0mr")
    sandbox.token()
    members = sorted(g["member"] for g in sandbox.state()["tokens"])
    assert members == sorted([NOA, AVERY])
