"""Injected faults over real HTTP: throttling, 5xx, slow replies, dropped connections."""

from __future__ import annotations

import time

import pytest
import requests

USERS = "/rest/adAccountUsers"
FINDER = {"q": "authenticatedUser"}


@pytest.fixture
def token(sandbox) -> str:
    return sandbox.token()["access_token"]


def fault(sandbox, **body):
    r = sandbox.control("POST", "/faults", body)
    assert r.status_code == 200, r.text
    return r.json()


def test_429_has_linkedin_body_and_no_retry_after(sandbox, token):
    fault(sandbox, kind="429", count=2)
    for _ in range(2):
        r = sandbox.api(USERS, token, params=FINDER)
        assert r.status_code == 429
        assert "retry-after" not in r.headers
        assert r.json() == {"status": 429, "code": "TOO_MANY_REQUESTS",
                            "message": "Resource level throttle limit for calls to this resource is reached."}
        assert r.headers["x-li-request-id"]
    assert sandbox.api(USERS, token, params=FINDER).status_code == 200
    assert sandbox.state()["faults"] == []


@pytest.mark.parametrize("kind, message", [("500", "Internal Server Error"), ("503", "Service Unavailable")])
def test_server_errors(sandbox, token, kind, message):
    fault(sandbox, kind=kind)
    r = sandbox.api(USERS, token, params=FINDER)
    assert r.status_code == int(kind)
    assert r.json()["status"] == int(kind) and r.json()["message"] == message
    assert sandbox.api(USERS, token, params=FINDER).status_code == 200


def test_faults_hit_the_api_before_any_check(sandbox):
    fault(sandbox, kind="503")
    assert sandbox.api(USERS, None).status_code == 503  # no token, still throttled first


def test_faults_skip_oauth_and_controls_by_default(sandbox, token):
    fault(sandbox, kind="500")
    assert sandbox.consent_page(scope="r_ads").status_code == 200
    assert sandbox.control("GET", "/state").status_code == 200
    assert sandbox.api("/v2/userinfo", token, version=None).status_code == 500  # /v2 is the API


def test_path_prefix_can_target_oauth(sandbox):
    fault(sandbox, kind="503", path_prefix="/oauth/v2/accessToken")
    code = sandbox.code()
    assert sandbox.exchange(code).status_code == 503
    assert sandbox.exchange(code).status_code == 200  # the code was not consumed by the fault


def test_slow(sandbox, token):
    fault(sandbox, kind="slow", delay_seconds=0.3)
    started = time.monotonic()
    r = sandbox.api(USERS, token, params=FINDER)
    assert r.status_code == 200
    assert time.monotonic() - started >= 0.3
    started = time.monotonic()
    sandbox.api(USERS, token, params=FINDER)
    assert time.monotonic() - started < 0.3


def test_drop_gives_a_connection_error(sandbox, token):
    fault(sandbox, kind="drop")
    with pytest.raises(requests.exceptions.ConnectionError):
        sandbox.api(USERS, token, params=FINDER)
    assert sandbox.api(USERS, token, params=FINDER).status_code == 200  # the server lives on


def test_faults_queue_in_order_and_clear(sandbox, token):
    fault(sandbox, kind="500", count=1)
    listed = fault(sandbox, kind="429", count=5)["faults"]
    assert [(f["kind"], f["remaining"]) for f in listed] == [("500", 1), ("429", 5)]
    assert sandbox.api(USERS, token, params=FINDER).status_code == 500
    assert sandbox.api(USERS, token, params=FINDER).status_code == 429
    assert sandbox.control("DELETE", "/faults").json() == {"faults": []}
    assert sandbox.api(USERS, token, params=FINDER).status_code == 200


@pytest.mark.parametrize("body", [{"kind": "418"}, {"kind": "429", "count": 0}, {"kind": "slow", "delay_seconds": -1},
                                  {"kind": "500", "path_prefix": "rest"}, {"kind": "500", "colour": "red"}])
def test_bad_faults_are_400(sandbox, body):
    assert sandbox.control("POST", "/faults", body).status_code == 400
    assert sandbox.state()["faults"] == []
