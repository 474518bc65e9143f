"""The app's OAuth routes, served over HTTP, against the real sandbox."""

import html
import re
from dataclasses import replace
from urllib.parse import parse_qs, urlencode, urlparse

import pytest
import requests
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route

from linkedin.api.connection import Connection
from linkedin.api.settings import Settings
from linkedin.demo.controls import SandboxControl
from linkedin.store import Store
from linkedin.web.routes import SID_COOKIE, STATE_COOKIE, OAuthRoutes, _serializer, refusal_advice, session_id

AVERY_URN = "urn:li:person:Av3ryAn4ly"


class Browser:
    """A cookie-keeping HTTP client for the app's routes, redirects not followed."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.session = requests.Session()
        self.cookies = self.session.cookies

    def get(self, path: str, params=None):
        return self.session.get(self.base + path, params=params, allow_redirects=False, timeout=10)


def serve_routes(asgi_server, settings, store) -> Browser:
    server = asgi_server(Starlette(routes=OAuthRoutes(lambda: settings, lambda: store).routes()))
    return Browser(server.url)


def settings_for(url: str, db: str) -> Settings:
    return Settings(
        client_id="sandbox-demo-client",
        client_secret="sandbox-demo-secret",
        api_base_url=url,
        oauth_base_url=url,
        cookie_secret="test-cookie-secret-0123456789-abcdefghij",
        token_key="test-token-key-0123456789-abcdefghijklmn",
        db_path=db,
        sandbox=True,
    )


@pytest.fixture
def app(sandbox_server, tmp_db, asgi_server):
    settings = settings_for(sandbox_server.url, str(tmp_db))
    store = Store(tmp_db, token_key=settings.token_key)
    return serve_routes(asgi_server, settings, store), settings, store


def consent(authorize_url: str, decision: str = "allow") -> str:
    """Act as the member on the sandbox's consent screen; returns the redirect back."""
    page = requests.get(authorize_url, timeout=10)
    assert page.status_code == 200
    parsed = urlparse(authorize_url)
    action = html.unescape(re.search(r'<form method="post" action="([^"]+)"', page.text).group(1))
    form = {html.unescape(k): html.unescape(v) for k, v in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page.text)}
    form["member"] = html.unescape(re.search(r'<option value="([^"]+)" selected', page.text).group(1))
    form["decision"] = decision
    answer = requests.post(f"{parsed.scheme}://{parsed.netloc}{action}", data=form, allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text
    return answer.headers["location"]


def back(location: str) -> str:
    """The callback path+query of a redirect back to the app on 127.0.0.1."""
    parsed = urlparse(location)
    assert parsed.hostname == "127.0.0.1"
    return f"{parsed.path}?{parsed.query}"


def test_start_sets_a_signed_state_cookie_and_redirects_to_consent(app):
    client, settings, _ = app
    resp = client.get("/oauth/linkedin/start?next=/connection")
    assert resp.status_code == 302
    target = urlparse(resp.headers["location"])
    q = parse_qs(target.query)
    assert target.path.endswith("/oauth/v2/authorization")
    assert q["redirect_uri"] == [client.base + "/oauth/linkedin/callback"]
    assert q["scope"] == ["r_ads rw_dmp_segments"]  # only what the product needs
    cookie = resp.cookies[STATE_COOKIE]
    payload = _serializer(settings, "state").loads(cookie)
    assert payload == {"state": q["state"][0], "next": "/connection"}
    header = resp.headers["set-cookie"].lower()
    assert "httponly" in header and "samesite=lax" in header


def test_full_flow_keeps_tokens_on_the_server_only(app):
    client, settings, store = app
    start = client.get("/oauth/linkedin/start?next=/connection")
    resp = client.get(back(consent(start.headers["location"])))
    assert resp.status_code == 302
    assert resp.headers["location"] == "/connection?connected=1"
    sid = session_id(resp.cookies[SID_COOKIE], settings)
    row = store.connection(sid)
    # Without openid profile LinkedIn says who by id only (from the member's own ad account roles).
    assert row["state"] == "connected" and row["member_name"] is None
    assert row["member_urn"] == AVERY_URN
    assert row["token"]["access_token"] not in resp.headers.get("set-cookie", "")
    assert row["token"]["access_token"] not in resp.headers["location"]
    assert Connection(settings, store, sid).status().connected


def test_reconnect_reuses_the_session_id(app):
    client, settings, store = app
    first = client.get(back(consent(client.get("/oauth/linkedin/start").headers["location"])))
    sid = session_id(first.cookies[SID_COOKIE], settings)
    client.cookies.set(SID_COOKIE, first.cookies[SID_COOKIE])
    second = client.get(back(consent(client.get("/oauth/linkedin/start").headers["location"])))
    assert session_id(second.cookies[SID_COOKIE], settings) == sid
    assert store.db["connections"].count == 1


@pytest.mark.parametrize("tamper", ["other-state", ""])
def test_tampered_state_is_rejected_and_nothing_is_stored(app, tamper):
    client, _, store = app
    start = client.get("/oauth/linkedin/start")
    callback = urlparse(back(consent(start.headers["location"])))
    query = {k: v[0] for k, v in parse_qs(callback.query).items()}
    query["state"] = tamper
    resp = client.get(callback.path, params=query)
    assert resp.status_code == 302 and "auth_error=state_mismatch" in resp.headers["location"]
    assert SID_COOKIE not in resp.cookies
    assert store.db["connections"].count == 0


def test_missing_or_forged_state_cookie_is_rejected(app):
    client, settings, store = app
    start = client.get("/oauth/linkedin/start")
    callback = back(consent(start.headers["location"]))
    client.cookies.clear()
    resp = client.get(callback)
    assert "auth_error=state_missing" in resp.headers["location"]
    forged = _serializer(settings.__class__(**{**settings.__dict__, "cookie_secret": "attacker-secret-0123456789"}), "state")
    client.cookies.set(STATE_COOKIE, forged.dumps({"state": parse_qs(urlparse(callback).query)["state"][0], "next": "/"}))
    resp = client.get(callback)
    assert "auth_error=state_missing" in resp.headers["location"]
    assert store.db["connections"].count == 0


def test_with_openid_profile_configured_the_member_is_known_by_name(sandbox_server, tmp_db, asgi_server):
    settings = replace(settings_for(sandbox_server.url, str(tmp_db)), scopes=("r_ads", "rw_dmp_segments", "openid", "profile"))
    store = Store(tmp_db, token_key=settings.token_key)
    client = serve_routes(asgi_server, settings, store)
    start = client.get("/oauth/linkedin/start")
    assert parse_qs(urlparse(start.headers["location"]).query)["scope"] == ["r_ads rw_dmp_segments openid profile"]
    resp = client.get(back(consent(start.headers["location"])))
    row = store.connection(session_id(resp.cookies[SID_COOKIE], settings))
    assert (row["member_name"], row["member_urn"]) == ("Avery Analyst", AVERY_URN)


def test_a_consent_linkedin_aborts_comes_back_with_its_reason_and_nothing_stored(app, sandbox_server):
    """An app without the Matched Audiences product asks for rw_dmp_segments: LinkedIn aborts the consent."""
    client, settings, store = app
    SandboxControl(sandbox_server.url).update_settings(app_products=["Advertising API"])
    start = client.get("/oauth/linkedin/start?next=/connection")
    aborted = requests.get(start.headers["location"], allow_redirects=False, timeout=10)
    assert aborted.status_code == 302  # no consent screen at all
    resp = client.get(back(aborted.headers["location"]))
    assert resp.headers["location"] == "/connection?" + urlencode({
        "auth_error": "scope", "auth_detail": 'Scope "rw_dmp_segments" is not authorized for your application'})
    assert store.db["connections"].count == 0
    assert refusal_advice('Scope "rw_dmp_segments" is not authorized for your application', settings) == (
        "In the LinkedIn Developer Portal, request the Matched Audiences product for this app (its Products tab), "
        "or leave rw_dmp_segments out of LINKEDIN_SCOPES; then connect again.")


def test_cancel_on_the_consent_screen_comes_back_with_a_clear_key(app):
    client, _, store = app
    start = client.get("/oauth/linkedin/start")
    resp = client.get(back(consent(start.headers["location"], decision="cancel")))
    assert resp.headers["location"] == "/?auth_error=cancelled"
    assert store.db["connections"].count == 0


def test_code_reuse_is_rejected(app):
    client, _, store = app
    start = client.get("/oauth/linkedin/start")
    callback = back(consent(start.headers["location"]))
    cookie = start.cookies[STATE_COOKIE]
    assert client.get(callback).status_code == 302
    client.cookies.set(STATE_COOKIE, cookie)  # an attacker replaying the whole callback
    replay = client.get(callback)
    assert "auth_error=exchange_failed" in replay.headers["location"]


def test_open_redirects_are_refused(app):
    client, settings, _ = app
    for evil in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        start = client.get("/oauth/linkedin/start", params={"next": evil})
        assert _serializer(settings, "state").loads(start.cookies[STATE_COOKIE])["next"] == "/"


def test_unreachable_linkedin_and_malformed_token_answers(tmp_db, asgi_server):
    def html(request):
        return JSONResponse({"no": "token"}) if request.url.path.endswith("accessToken") else JSONResponse({})

    fake = asgi_server(Starlette(routes=[Route("/oauth/v2/accessToken", html, methods=["POST"])]))
    for base, key in ((fake.url, "bad_token_response"), ("http://127.0.0.1:9", "unreachable")):
        settings = settings_for(base, str(tmp_db))
        store = Store(tmp_db, token_key=settings.token_key)
        client = serve_routes(asgi_server, settings, store)
        start = client.get("/oauth/linkedin/start")
        state = parse_qs(urlparse(start.headers["location"]).query)["state"][0]
        resp = client.get(f"/oauth/linkedin/callback?code=abc&state={state}")
        assert resp.headers["location"] == f"/?auth_error={key}"


def test_logout_forgets_server_tokens_and_the_cookie(app):
    client, settings, store = app
    resp = client.get(back(consent(client.get("/oauth/linkedin/start").headers["location"])))
    client.cookies.set(SID_COOKIE, resp.cookies[SID_COOKIE])
    out = client.get("/oauth/linkedin/logout")
    assert out.headers["location"] == "/?disconnected=1"
    assert 'li_sid=""' in out.headers["set-cookie"] or "li_sid=;" in out.headers["set-cookie"]
    assert store.db["connections"].count == 0
