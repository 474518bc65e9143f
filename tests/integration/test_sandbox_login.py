"""Signing in to the sandbox without a browser (``linkedin.demo.signin``), over real HTTP."""

import dataclasses

import pytest

from linkedin.api.settings import Settings
from linkedin.demo import signin as sandbox_login
from linkedin.demo.controls import SandboxControl
from linkedin.store import Store
from tests.integration.helpers import connect_sandbox, sandbox_settings


def settings(url):
    return dataclasses.replace(sandbox_settings(url), sandbox=True, redirect_uri=None)


def test_the_consent_screen_lists_the_scopes_and_the_demo_members(sandbox_server):
    screen = sandbox_login.open_consent(settings(sandbox_server.url))
    assert screen.status == 200
    assert screen.scopes == ("r_ads", "rw_dmp_segments", "openid", "profile")
    assert [label.split(" (")[0] for _, label in screen.members] == ["Avery Analyst", "Vic Viewer", "Noa Newcomer"]
    assert "state=" in screen.url and "redirect_uri=http%3A%2F%2F127.0.0.1" in screen.url


def test_login_as_a_named_member_gives_working_tokens(sandbox_server):
    done = sandbox_login.login(settings(sandbox_server.url), member="Vic Viewer")
    assert done.member_name == "Vic Viewer" and done.member_urn.startswith("urn:li:person:")
    assert {"r_ads", "rw_dmp_segments"} <= set(done.token.scopes) and done.token.refresh_token


def test_reconnect_keeps_the_session_and_the_member(sandbox_server):
    conn = connect_sandbox(sandbox_server.url, Store(), member="Vic Viewer", sid="browser-1")
    before = conn.token().access_token
    SandboxControl(sandbox_server.url).revoke(before)
    assert not conn.check().ok and conn.status().state == "needs_consent"
    sandbox_login.reconnect(conn)
    status = conn.status()
    assert conn.sid == "browser-1" and status.connected and status.member_name == "Vic Viewer"
    assert status.token.access_token != before


def test_an_unknown_member_is_refused_with_the_names_to_pick_from(sandbox_server):
    with pytest.raises(ValueError, match="no demo member 'Nobody'; pick one of: Avery Analyst, Vic Viewer"):
        sandbox_login.login(settings(sandbox_server.url), member="Nobody")


def test_real_linkedin_is_refused_before_any_call():
    real = Settings(client_id="cid", client_secret="secret", redirect_uri="https://app.example/cb")
    with pytest.raises(ValueError, match="only on the sandbox"):
        sandbox_login.sign_in(real)


def test_a_reconnect_forgets_the_failed_heartbeat_of_the_old_tokens(sandbox_server):
    conn = connect_sandbox(sandbox_server.url, Store(), member="Vic Viewer", sid="browser-2")
    SandboxControl(sandbox_server.url).revoke(conn.token().access_token)
    assert not conn.check().ok and not conn.status().heartbeat.ok
    sandbox_login.reconnect(conn)
    assert conn.status().heartbeat is None  # the next page view checks the new tokens at once
    assert conn.check().ok and conn.status().heartbeat.ok
