"""AppTest of the frame, the Connect page, the Connection page and the Sandbox page, on a real sandbox."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from linkedin.demo.controls import SandboxControl
from linkedin.web import resources as context
from tests.integration.helpers import connect_sandbox
from ui import session
from ui.format import plain

APP = str(Path(__file__).resolve().parents[2] / "app.py")


@pytest.fixture
def env(app_env):
    return app_env


def connected(monkeypatch, env, member=None):
    store = context.store(context.settings(None))
    conn = connect_sandbox(env.url, store, member=member)
    conn.settings = context.settings(None)
    monkeypatch.setattr(session, "connection", lambda: conn)
    return conn


def run_app(**query) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    for k, v in query.items():
        at.query_params[k] = v
    return at.run()


def texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [e.value for e in at.error] + [w.value for w in at.warning]
    parts += [s.value for s in at.success] + [i.value for i in at.info] + [c.value for c in at.caption]
    return "\n".join(str(p) for p in parts)


def test_disconnected_shows_connect_page_with_scopes_and_why(env):
    at = run_app()
    assert not at.exception
    assert at.title[0].value == "Connect LinkedIn"
    table = at.table[0].value
    assert list(table["Permission"])[:2] == ["r_ads", "rw_dmp_segments"]
    assert set(table["Needed"]) >= {"required", "optional"}
    assert "/oauth/linkedin/start" in texts(at)
    assert "Sandbox mode" in texts(at)


@pytest.mark.parametrize(
    "key, words",
    [
        ("cancelled", "You cancelled on LinkedIn's consent screen"),
        ("state_mismatch", "refused for your safety"),
        ("unreachable", "could not be reached"),
        ("bad_token_response", "could not read"),
        ("something-new", "did not complete"),
    ],
)
def test_auth_errors_become_sentences(env, key, words):
    at = run_app(auth_error=key)
    assert any(words in e.value for e in at.error)
    assert "auth_error" not in at.query_params


def test_a_consent_linkedin_aborted_shows_its_reason_as_text_and_the_product_to_request(env):
    detail = 'Scope "rw_dmp_segments" is not authorized for your application [x](http://e)'
    at = run_app(auth_error="scope", auth_detail=detail)
    error = " ".join(e.value for e in at.error)
    assert "asked for a permission it is not approved for, so nothing was connected" in error
    assert f"LinkedIn said: {plain(detail)}" in error
    assert 'Scope "rw\\_dmp\\_segments" is not authorized for your application \\[x\\]\\(http\\:' in error
    assert "request the Matched Audiences product for this app" in error
    assert "auth_detail" not in at.query_params


def test_connection_page_shows_member_scopes_expiries_and_heartbeat(monkeypatch, env):
    connected(monkeypatch, env)
    at = run_app()
    at.switch_page("pages/connection.py").run()
    assert not at.exception
    assert any(h.value == "Avery Analyst" for h in at.subheader)
    scopes = at.table[0].value
    assert set(scopes["Scope"]) >= {plain("r_ads"), plain("rw_dmp_segments")}  # st.table cells are Markdown
    assert all(v == ":green[:material/check_circle:] yes" for v in scopes["Granted"])  # an icon, not an emoji
    labels = {m.label: m.value for m in at.metric}
    assert labels["Access token expires"].startswith("in 59 days") or labels["Access token expires"].startswith("in 60 days")
    assert labels["Refresh token expires"].startswith("in 36")
    next(b for b in at.button if b.label == "Check now").click().run()
    assert plain("LinkedIn accepted the connection.") in texts(at)  # LinkedIn's words, shown as text
    assert "Introspection: **active**" in texts(at)


def test_missing_audiences_scope_is_named(monkeypatch, env):
    """A connection made while LINKEDIN_SCOPES left rw_dmp_segments out: the page says what to add."""
    store = context.store(context.settings(None))
    conn = connect_sandbox(env.url, store, scopes=("r_ads",))
    conn.settings = context.settings(None)
    monkeypatch.setattr(session, "connection", lambda: conn)
    at = run_app()
    at.switch_page("pages/connection.py").run()
    warning = " ".join(w.value for w in at.warning)
    assert "`rw_dmp_segments`" in warning and "`LINKEDIN_SCOPES`" in warning and "Matched Audiences product" in warning
    scopes = at.table[0].value
    assert dict(zip(scopes["Scope"], scopes["Granted"]))[plain("rw_dmp_segments")] == ":red[:material/cancel:] no"


def test_revoked_token_shows_the_reconnect_prompt_everywhere(monkeypatch, env):
    conn = connected(monkeypatch, env)
    SandboxControl(env.url).revoke(conn.token().access_token)
    beat = conn.check()  # what the heartbeat does: the API call gets 65601
    assert not beat.ok and "revoked" in beat.message
    at = run_app()  # AppTest drops the frame's main-area elements after switch_page, so the default page
    assert not at.exception
    assert any("LinkedIn needs you to sign in again." in w.value and "revoked" in w.value for w in at.warning)
    assert any(b.label == "Continue" for b in at.button)
    assert any("sign-in needed" in e.value for e in at.sidebar.error)


def test_sandbox_page_expires_the_connection_token_and_refresh_now_recovers(monkeypatch, env):
    conn = connected(monkeypatch, env)
    old = conn.token().access_token
    at = run_app()
    at.switch_page("pages/sandbox.py").run()
    assert not at.exception
    next(b for b in at.button if b.label == "Expire access token now").click().run()
    assert "The access token expired on LinkedIn's side" in texts(at)
    state = SandboxControl(env.url).state()
    assert any(t["access_status"] == "expired" for t in state["tokens"])
    at.switch_page("pages/connection.py").run()
    next(b for b in at.button if b.label == "Refresh now").click().run()
    assert conn.token().access_token != old
    assert "because you pressed Refresh now" in texts(at)


def test_sandbox_page_sets_short_token_lifetimes(monkeypatch, env):
    connected(monkeypatch, env)
    at = run_app()
    at.switch_page("pages/sandbox.py").run()
    next(b for b in at.button if b.label.startswith("Use a 2-minute access token")).click().run()
    cfg = SandboxControl(env.url).state()["settings"]
    assert (cfg["access_token_ttl"], cfg["refresh_token_ttl"]) == (120, 300)

