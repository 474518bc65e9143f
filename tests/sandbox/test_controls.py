"""The /_sandbox controls: state, token controls, settings, clock, reset."""

from __future__ import annotations

import pytest
import requests

from linkedin.sandbox import DEMO_CLIENT_ID, create_app
from linkedin.sandbox.hosts import exposed

from .conftest import AVERY, REDIRECT_URI, VIC, parse_form, serve

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


# -- only scripts and the app's own server may drive the controls ------------------------------

WRITES = [("POST", "/tokens/revoke"), ("POST", "/tokens/expire-access"), ("POST", "/tokens/expire-refresh"),
          ("POST", "/settings"), ("POST", "/clock/advance"), ("POST", "/faults"), ("DELETE", "/faults"),
          ("POST", "/reset"), ("POST", "/portfolio")]


@pytest.mark.parametrize("method,path", WRITES)
@pytest.mark.parametrize("content_type", [None, "text/plain", "application/x-www-form-urlencoded",
                                          "multipart/form-data; boundary=x"])
def test_controls_that_change_things_take_json_only(sandbox, method, path, content_type):
    tok = sandbox.token()
    headers = {"content-type": content_type} if content_type else {}
    r = sandbox.http.request(method, sandbox.url("/_sandbox" + path), data="{}", headers=headers, timeout=10)
    assert (r.status_code, r.json()) == (415, {"error": "send the body as JSON (Content-Type: application/json)"})
    assert call(sandbox, tok["access_token"]).status_code == 200  # nothing was revoked or reset


def test_json_with_a_charset_is_json(sandbox):
    r = sandbox.http.post(sandbox.url("/_sandbox/clock/advance"), data='{"seconds": 5}',
                          headers={"content-type": "Application/JSON; charset=utf-8"}, timeout=10)
    assert r.status_code == 200 and r.json()["clock_offset"] == 5


CROSS_SITE = [{"origin": "http://evil.example"}, {"origin": "null"}, {"origin": "http://127.0.0.1:1"},
              {"sec-fetch-site": "cross-site"}, {"sec-fetch-site": "same-site"}]


@pytest.mark.parametrize("method,path", [*WRITES, ("GET", "/state"), ("GET", "/settings"), ("GET", "/faults")])
@pytest.mark.parametrize("headers", CROSS_SITE)
def test_controls_refuse_cross_site_requests(sandbox, method, path, headers):
    tok = sandbox.token()
    r = sandbox.http.request(method, sandbox.url("/_sandbox" + path), json={},
                             headers=headers, timeout=10)
    assert (r.status_code, r.json()) == (403, {"error": "the sandbox controls take no cross-site requests"})
    assert call(sandbox, tok["access_token"]).status_code == 200


def test_controls_take_requests_from_their_own_origin(sandbox):
    r = sandbox.http.post(sandbox.url("/_sandbox/clock/advance"), json={"seconds": 7},
                          headers={"origin": sandbox.base, "sec-fetch-site": "same-origin"}, timeout=10)
    assert r.status_code == 200 and r.json()["clock_offset"] == 7


REBOUND = ["evil.example", "evil.example:8765", "127.0.0.1.evil.example", "localhost.evil.example", "[::2]:80"]


@pytest.mark.parametrize("method,path", [*WRITES, ("GET", "/state"), ("GET", "/settings"), ("GET", "/faults")])
@pytest.mark.parametrize("host", REBOUND)
def test_controls_refuse_a_host_name_they_do_not_answer_on(sandbox, method, path, host):
    """DNS rebinding: a page of evil.example whose name now points at 127.0.0.1 is same-origin to
    itself (its Origin matches the Host it sent), so the Host header is what refuses it."""
    tok = sandbox.token()
    port = sandbox.base.rsplit(":", 1)[1]
    r = sandbox.http.request(method, sandbox.url("/_sandbox" + path), json={"seconds": 86400}, timeout=10,
                             headers={"host": host, "origin": f"http://{host}", "sec-fetch-site": "same-origin"})
    assert r.status_code == 403
    assert r.json()["error"] == (
        f"the sandbox answers only on localhost, 127.0.0.1, ::1, not on the host name {host!r}: to show a demo on "
        "purpose, name that host (LINKEDIN_SANDBOX_HOSTS for the app, --public-host for the sandbox alone)")
    assert call(sandbox, tok["access_token"]).status_code == 200
    assert sandbox.state()["clock_offset"] == 0
    for own in (f"localhost:{port}", f"LOCALHOST:{port}", f"[::1]:{port}", f"127.0.0.1:{port}"):
        r = sandbox.http.get(sandbox.url("/_sandbox/state"), headers={"host": own}, timeout=10)
        assert r.status_code == 200, own


@pytest.mark.parametrize("host", ["evil.example:8765", "attacker.test"])
def test_the_consent_screen_refuses_a_host_name_it_does_not_answer_on(sandbox, host):
    page = sandbox.consent_page(scope="r_ads")
    assert page.status_code == 200  # on 127.0.0.1
    params = {"response_type": "code", "client_id": DEMO_CLIENT_ID, "redirect_uri": REDIRECT_URI,
              "scope": "r_ads", "state": "xyz"}
    shown = sandbox.http.get(sandbox.url("/oauth/v2/authorization"), params=params, headers={"host": host},
                             allow_redirects=False, timeout=10)
    assert shown.status_code == 403 and "Allow" not in shown.text
    assert "The sandbox answers only on localhost, 127.0.0.1, ::1, not on the host name" in shown.text
    form = parse_form(page.text)
    decided = sandbox.http.post(sandbox.url(form.action), data=dict(form.fields, decision="allow"),
                                headers={"host": host}, allow_redirects=False, timeout=10)
    assert decided.status_code == 403 and "location" not in decided.headers


def test_a_demo_shown_on_purpose_answers_on_its_named_host(tmp_path):
    """``exposed``: LINKEDIN_SANDBOX_HOSTS in the app, --public-host alone."""
    app = create_app(exposed(["Demo.Example"]), population_size=10)
    with serve(app) as base:
        port = base.rsplit(":", 1)[1]
        r = requests.get(base + "/_sandbox/state", headers={"host": f"demo.example:{port}"}, timeout=10)
        assert r.status_code == 200
        assert r.json()["settings"]["served_hosts"] == ["localhost", "127.0.0.1", "::1", "demo.example"]
        assert r.json()["settings"]["redirect_hosts"] == ["localhost", "127.0.0.1", "::1", "demo.example"]
        assert requests.get(base + "/_sandbox/state", headers={"host": "evil.example"}, timeout=10).status_code == 403
        patch = requests.post(base + "/_sandbox/settings", json={"served_hosts": ["evil.example"]}, timeout=10)
        assert patch.status_code == 400
        assert patch.json()["error"].startswith("served_hosts cannot be changed through the controls")


def test_redirect_hosts_cannot_be_patched(sandbox):
    r = sandbox.control("POST", "/settings", {"redirect_hosts": ["evil.example"], "code_ttl": 10})
    assert r.status_code == 400
    assert r.json()["error"].startswith("redirect_hosts cannot be changed through the controls")
    settings = sandbox.state()["settings"]
    assert (settings["redirect_hosts"], settings["code_ttl"]) == (["localhost", "127.0.0.1", "::1"], 1800)
    # and a consent may still send its code to loopback hosts only
    page = sandbox.consent_page(scope="r_ads", redirect_uri="http://evil.example/cb")
    assert page.status_code == 400 and "location" not in page.headers
