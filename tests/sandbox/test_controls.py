"""The /_sandbox controls: state, token controls, settings, clock, reset."""

from __future__ import annotations

import pytest

from .conftest import AVERY, VIC

USERS = "/rest/adAccountUsers"
FINDER = {"q": "authenticatedUser"}


def call(sandbox, token):
    return sandbox.api(USERS, token, params=FINDER)


def test_state_lists_grants_without_token_strings(sandbox):
    tok = sandbox.token("r_ads rw_dmp_segments")
    state = sandbox.state()
    assert set(state) >= {"now", "clock_offset", "settings", "members", "tokens", "faults"}
    assert state["clock_offset"] == 0
    assert [m["urn"] for m in state["members"]] == [AVERY, "urn:li:person:V1cV1ewer0", "urn:li:person:N0aNewc0mr"]
    assert state["members"][0]["name"] == "Avery Analyst"
    assert state["settings"]["access_token_ttl"] == 5_184_000
    [grant] = state["tokens"]
    assert grant["member"] == AVERY and grant["scopes"] == ["r_ads", "rw_dmp_segments"]
    assert grant["access_status"] == "active" and grant["refresh_status"] == "active"
    assert abs(grant["access_expires_at"] - state["now"] - 5_184_000) <= 2
    assert abs(grant["refresh_expires_at"] - state["now"] - 31_536_000) <= 2
    raw = sandbox.control("GET", "/state").text
    assert tok["access_token"] not in raw and tok["refresh_token"] not in raw
    assert grant["id"] not in (tok["access_token"], tok["refresh_token"])


def test_expire_access_targets_one_token(sandbox):
    a, b = sandbox.token(), sandbox.token(member="V1cV1ewer0")
    r = sandbox.control("POST", "/tokens/expire-access", {"access_token": a["access_token"]})
    assert r.json() == {"affected": 1}
    assert call(sandbox, a["access_token"]).json()["serviceErrorCode"] == 65602
    assert call(sandbox, b["access_token"]).status_code == 200
    # the refresh token still works and gives a working access token
    fresh = sandbox.refresh(a["refresh_token"]).json()["access_token"]
    assert call(sandbox, fresh).status_code == 200


def test_expire_access_by_member_and_all(sandbox):
    a, b = sandbox.token(), sandbox.token(member="V1cV1ewer0")
    assert sandbox.control("POST", "/tokens/expire-access", {"member": VIC}).json() == {"affected": 1}
    assert call(sandbox, b["access_token"]).status_code == 401
    assert call(sandbox, a["access_token"]).status_code == 200
    assert sandbox.control("POST", "/tokens/expire-access").json() == {"affected": 2}
    assert call(sandbox, a["access_token"]).status_code == 401
    assert {g["access_status"] for g in sandbox.state()["tokens"]} == {"expired"}


def test_revoke_kills_access_and_refresh(sandbox):
    tok = sandbox.token()
    assert sandbox.control("POST", "/tokens/revoke").json() == {"affected": 1}
    assert call(sandbox, tok["access_token"]).json()["serviceErrorCode"] == 65601
    r = sandbox.refresh(tok["refresh_token"])
    assert (r.status_code, r.json()["error"]) == (400, "invalid_grant")
    [grant] = sandbox.state()["tokens"]
    assert (grant["access_status"], grant["refresh_status"]) == ("revoked", "revoked")


def test_expire_refresh(sandbox):
    tok = sandbox.token()
    assert sandbox.control("POST", "/tokens/expire-refresh", {"access_token": tok["access_token"]}).json() == {"affected": 1}
    assert sandbox.refresh(tok["refresh_token"]).json()["error"] == "invalid_grant"
    assert call(sandbox, tok["access_token"]).status_code == 200  # the access token lives on
    assert sandbox.state()["tokens"][0]["refresh_status"] == "expired"


def test_token_controls_with_unknown_targets_affect_nothing(sandbox):
    sandbox.token()
    assert sandbox.control("POST", "/tokens/revoke", {"access_token": "AQnope"}).json() == {"affected": 0}
    assert sandbox.control("POST", "/tokens/revoke", {"member": "urn:li:person:nobody"}).json() == {"affected": 0}
    assert sandbox.control("POST", "/tokens/revoke", {"token": "x"}).status_code == 400


def test_settings_patch_returns_everything(sandbox):
    body = sandbox.settings(access_token_ttl=120, app_products=["Advertising API"])
    assert body["access_token_ttl"] == 120 and body["app_products"] == ["Advertising API"]
    assert body["refresh_token_ttl"] == 31_536_000
    assert sandbox.control("GET", "/settings").json() == body
    assert sandbox.state()["settings"] == body


@pytest.mark.parametrize("patch, needle", [
    ({"no_such_setting": 1}, "no_such_setting"),
    ({"access_token_ttl": "120"}, "access_token_ttl"),
    ({"issue_refresh_tokens": 1}, "issue_refresh_tokens"),
    ({"app_products": "Advertising API"}, "app_products"),
    ({"app_products": ["Marketing Developer Platform"]}, "app_products"),
    ({"access_token_ttl": 0}, "access_token_ttl"),
    ({"versions": ["2026-11"]}, "versions"),
])
def test_bad_settings_are_400_naming_the_field(sandbox, patch, needle):
    r = sandbox.control("POST", "/settings", patch)
    assert r.status_code == 400
    assert needle in r.json()["error"]
    assert sandbox.state()["settings"]["access_token_ttl"] == 5_184_000  # unchanged


def test_clock_advance(sandbox):
    before = sandbox.state()["now"]
    r = sandbox.advance(3600)
    assert r["clock_offset"] == 3600
    assert 3599 <= r["now"] - before <= 3602
    assert sandbox.advance(60)["clock_offset"] == 3660
    assert sandbox.control("POST", "/clock/advance", {"seconds": -5}).status_code == 400
    assert sandbox.control("POST", "/clock/advance", {"seconds": "5"}).status_code == 400


def test_reset_restores_the_seed(sandbox):
    tok = sandbox.token()
    sandbox.settings(access_token_ttl=120)
    sandbox.advance(1000)
    sandbox.control("POST", "/faults", {"kind": "500", "count": 3})
    state = sandbox.control("POST", "/reset").json()
    assert state["clock_offset"] == 0 and state["tokens"] == [] and state["faults"] == []
    assert state["settings"]["access_token_ttl"] == 5_184_000
    assert call(sandbox, tok["access_token"]).json()["serviceErrorCode"] == 65600


def test_reset_keeps_the_same_state_object(served, sandbox):
    app, _ = served
    world = app.state.sandbox
    sandbox.control("POST", "/reset")
    assert app.state.sandbox is world
    assert [m.name for m in world.demo_members] == ["Avery Analyst", "Vic Viewer", "Noa Newcomer"]


def test_controls_reject_non_json(sandbox):
    r = sandbox.http.post(sandbox.url("/_sandbox/settings"), data="not json",
                          headers={"content-type": "application/json"})
    assert r.status_code == 400 and "JSON" in r.json()["error"]
