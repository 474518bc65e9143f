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
from linkedin.web import sessions
from linkedin.web.routes import OAuthRoutes, refusal_advice
from linkedin.web.sessions import SID_COOKIE, STATE_COOKIE, session_id


def _serializer(settings, purpose):
    return sessions.serializer(settings, purpose)

AVERY_URN = "urn:li:person:Av3ryAn4ly"


class Browser:
    """A cookie-keeping HTTP client for the app's routes, redirects not followed."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.session = requests.Session()
        self.cookies = self.session.cookies

    def get(self, path: str, params=None, headers=None):
        return self.session.get(self.base + path, params=params, headers=headers, allow_redirects=False, timeout=10)

    def post(self, path: str, data=None):
        return self.session.post(self.base + path, data=data, allow_redirects=False, timeout=10)


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


def consent_code(authorize_url: str) -> str:
    """Consent as the member; the code LinkedIn sends back (whatever the redirect URI's host)."""
    return parse_qs(urlparse(consent(authorize_url)).query)["code"][0]


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


def sign_in(client) -> requests.Response:
    """Connect LinkedIn -> consent -> callback, as the browser does; the callback's answer."""
    return client.get(back(consent(client.get("/oauth/linkedin/start").headers["location"])))


def test_a_reconnect_gets_a_new_session_id_and_the_old_row_is_forgotten(app):
    client, settings, store = app
    first = session_id(sign_in(client).cookies[SID_COOKIE], settings)
    assert client.cookies.get(SID_COOKIE)  # the browser keeps it and sends it on the reconnect
    second = session_id(sign_in(client).cookies[SID_COOKIE], settings)
    assert second != first
    assert [r["sid"] for r in store.db["connections"].rows] == [second]
    assert not Connection(settings, store, first).status().connected


def test_a_session_id_planted_before_consent_never_opens_the_new_connection(app):
    """Session fixation: the attacker signs in, plants their cookie X in the victim's browser, the victim consents."""
    client, settings, store = app
    attacker = Browser(client.base)
    planted = sign_in(attacker).cookies[SID_COOKIE]
    x = session_id(planted, settings)
    client.cookies.set(SID_COOKIE, planted, domain="127.0.0.1", path="/")  # as a browser would hold it
    answer = sign_in(client)
    y = session_id(answer.cookies[SID_COOKIE], settings)
    assert y and y != x
    assert client.cookies.get(SID_COOKIE) == answer.cookies[SID_COOKIE]
    assert store.connection(x) is None and store.connection(y)["state"] == "connected"
    assert Connection(settings, store, x).status().state == "disconnected"
    # Nor can X pick the new id up through the hand-over a tab uses after a reconnect elsewhere.
    nonce = sessions.new_nonce()
    assert attacker.get(f"/oauth/linkedin/adopt?n={nonce}", headers={"Sec-Fetch-Site": "same-origin"}).status_code == 200
    assert store.take_handover(sessions.handoff_key(nonce), 60) == ""


def test_reserved_ids_can_never_be_used_from_a_browser(app):
    client, settings, store = app
    store.save_connection("cli", token={"access_token": "cli-token", "expires_at": 2e9}, state="connected")
    signed = sessions.signed_sid(settings, "cli")  # even signed with the app's own secret
    assert session_id(signed, settings) is None
    assert sessions.read_sid({SID_COOKIE: signed}, settings) is None
    client.cookies.set(SID_COOKIE, signed)
    nonce = sessions.new_nonce()
    client.get(f"/oauth/linkedin/adopt?n={nonce}", headers={"Sec-Fetch-Site": "same-origin"})
    assert store.take_handover(sessions.handoff_key(nonce), 60) == ""
    sign_in(client)
    assert store.connection("cli")["token"]["access_token"] == "cli-token"  # a sign-in never replaces it
    assert sessions.is_browser_sid(sessions.new_sid()) and not sessions.is_browser_sid("cli")


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


def test_logout_is_a_post_with_the_sessions_csrf_token_and_forgets_tokens_and_cookie(app):
    client, settings, store = app
    sid = session_id(sign_in(client).cookies[SID_COOKIE], settings)
    out = client.post("/oauth/linkedin/logout", data={"csrf": sessions.logout_token(settings, sid)})
    assert (out.status_code, out.headers["location"]) == (303, "/?disconnected=1")
    assert 'li_sid=""' in out.headers["set-cookie"] or "li_sid=;" in out.headers["set-cookie"]
    assert store.db["connections"].count == 0
    assert SID_COOKIE not in client.cookies


def test_a_get_to_logout_forgets_nothing(app):
    client, settings, store = app
    sign_in(client)
    out = client.get("/oauth/linkedin/logout")
    assert (out.status_code, out.headers["allow"]) == (405, "POST")
    assert "Connection page" in out.text and "set-cookie" not in out.headers
    assert store.db["connections"].count == 1 and client.cookies.get(SID_COOKIE)


@pytest.mark.parametrize("csrf", [None, "", "forged", "other-session"])
def test_a_logout_without_this_sessions_csrf_token_is_refused(app, csrf):
    """Another site can post the form, but cannot read or make the token: nothing is forgotten."""
    client, settings, store = app
    sign_in(client)
    if csrf == "other-session":
        csrf = sessions.logout_token(settings, sessions.new_sid())
    out = client.post("/oauth/linkedin/logout", data=None if csrf is None else {"csrf": csrf})
    assert (out.status_code, out.headers["location"]) == (303, "/?auth_error=logout_refused")
    assert store.db["connections"].count == 1 and client.cookies.get(SID_COOKIE)
    assert "set-cookie" not in out.headers


def test_a_logout_posted_from_another_site_clears_no_cookie(app):
    """A cross-site form POST comes without the SameSite=Lax cookie: it must not delete it either."""
    client, settings, store = app
    sid = session_id(sign_in(client).cookies[SID_COOKIE], settings)
    elsewhere = Browser(client.base)  # no cookies, even with a token someone obtained
    out = elsewhere.post("/oauth/linkedin/logout", data={"csrf": sessions.logout_token(settings, sid)})
    assert (out.status_code, out.headers["location"]) == (303, "/?auth_error=logout_refused")
    assert "set-cookie" not in out.headers and store.connection(sid)["state"] == "connected"


def test_the_hand_over_notes_the_browsers_live_session_for_same_origin_requests_only(app):
    client, settings, store = app
    sid = session_id(sign_in(client).cookies[SID_COOKIE], settings)
    nonce = sessions.new_nonce()
    for headers in ({}, {"Sec-Fetch-Site": "cross-site"}, {"Sec-Fetch-Site": "none"}, {"Sec-Fetch-Site": "same-site"}):
        assert client.get(f"/oauth/linkedin/adopt?n={nonce}", headers=headers).status_code == 403
    assert client.get("/oauth/linkedin/adopt?n=short", headers={"Sec-Fetch-Site": "same-origin"}).status_code == 403
    assert store.handover(sessions.handoff_key(nonce), 60) is None
    pixel = client.get(f"/oauth/linkedin/adopt?n={nonce}", headers={"Sec-Fetch-Site": "same-origin"})
    assert (pixel.status_code, pixel.headers["content-type"], pixel.headers["cache-control"]) == (
        200, "image/gif", "no-store")
    assert store.db["handoffs"].count == 1 and nonce not in str(list(store.db["handoffs"].rows))
    assert store.take_handover(sessions.handoff_key(nonce), 60) == sid
    assert store.take_handover(sessions.handoff_key(nonce), 60) is None  # once


def test_over_https_the_cookies_are_host_cookies_and_secure(sandbox_server, tmp_db, asgi_server):
    settings = replace(settings_for(sandbox_server.url, str(tmp_db)),
                       redirect_uri="https://localhost/oauth/linkedin/callback")
    store = Store(tmp_db, token_key=settings.token_key)
    client = serve_routes(asgi_server, settings, store)
    start = client.get("/oauth/linkedin/start")
    assert start.headers["set-cookie"].startswith("__Host-li_oauth_state=")
    header = start.headers["set-cookie"].lower()
    assert "; secure" in header and "; path=/" in header and "domain" not in header
    state = parse_qs(urlparse(start.headers["location"]).query)["state"][0]
    raw_state = start.cookies.get("__Host-li_oauth_state") or start.headers["set-cookie"].split(";")[0].split("=", 1)[1]
    # requests keeps Secure cookies for https only: send them as the browser would, by hand.
    headers = {"Cookie": f"__Host-li_oauth_state={raw_state}"}
    code = consent_code(start.headers["location"])
    resp = requests.get(client.base + "/oauth/linkedin/callback", params={"code": code, "state": state},
                        headers=headers, allow_redirects=False, timeout=10)
    assert resp.status_code == 302, resp.headers.get("location")
    sid_header = [h for h in resp.raw.headers.getlist("set-cookie") if h.startswith("__Host-li_sid=")]
    assert len(sid_header) == 1 and "; secure" in sid_header[0].lower() and "domain" not in sid_header[0].lower()
    raw_sid = sid_header[0].split(";")[0].split("=", 1)[1]
    sid = session_id(raw_sid, settings)
    assert store.connection(sid)["state"] == "connected"
    # Over https a plain li_sid is not read (another host could have set it), the __Host- one is.
    assert sessions.read_sid({SID_COOKIE: raw_sid}, settings) is None
    assert sessions.read_sid({"__Host-li_sid": raw_sid}, settings) == sid
    out = requests.post(client.base + "/oauth/linkedin/logout", data={"csrf": sessions.logout_token(settings, sid)},
                        headers={"Cookie": f"__Host-li_sid={raw_sid}"}, allow_redirects=False, timeout=10)
    cleared = out.raw.headers.getlist("set-cookie")
    assert any(h.startswith("__Host-li_sid=") and "secure" in h.lower() for h in cleared)
    assert store.connection(sid) is None


def test_without_a_redirect_uri_real_linkedin_is_never_sent_one_built_from_the_host_header(tmp_db, asgi_server):
    settings = Settings(client_id="86realclientid", client_secret="s", cookie_secret="c0okie-secret-0123456789-abcdefghij",
                        token_key="t0ken-key-0123456789-abcdefghijklmn", db_path=str(tmp_db))
    client = serve_routes(asgi_server, settings, Store(tmp_db, token_key=settings.token_key))
    resp = client.get("/oauth/linkedin/start", headers={"Host": "evil.example"})
    assert resp.status_code == 500 and resp.text.startswith("LINKEDIN_REDIRECT_URI is not set")
    assert "location" not in resp.headers
