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


def test_a_429_carries_retry_after_only_when_the_fault_asks(sandbox, token):
    fault(sandbox, kind="429", retry_after=7)
    r = sandbox.api(USERS, token, params=FINDER)
    assert r.status_code == 429 and r.headers["retry-after"] == "7"
    assert r.json()["code"] == "TOO_MANY_REQUESTS"


def create_body(world) -> dict:
    account = next(a.id for a in world.ad_accounts.values() if a.name == "Northwind - Brand US")
    return {"name": "Made, then lost", "account": f"urn:li:sponsoredAccount:{account}", "type": "USER",
            "sourcePlatform": "MATCHED_AUDIENCES_WORKBENCH", "destinations": [{"destination": "LINKEDIN"}]}


def made(world) -> list[str]:
    return [s.name for s in world.segments if s.name == "Made, then lost"]


def test_succeed_then_500_does_the_work_and_answers_500(sandbox, world):
    token = sandbox.token("r_ads rw_dmp_segments")["access_token"]
    fault(sandbox, kind="succeed_then_500", method="POST", path_prefix="/rest/dmpSegments")
    r = sandbox.rest("POST", "/rest/dmpSegments", token, json=create_body(world))
    assert r.status_code == 500
    assert r.json() == {"status": 500, "code": "INTERNAL_SERVER_ERROR", "message": "Internal Server Error"}
    assert "x-restli-id" not in r.headers
    assert made(world) == ["Made, then lost"]  # LinkedIn created it all the same


def test_succeed_then_drop_does_the_work_and_answers_nothing(sandbox, world):
    token = sandbox.token("r_ads rw_dmp_segments")["access_token"]
    fault(sandbox, kind="succeed_then_drop", method="POST", path_prefix="/rest/dmpSegments")
    with pytest.raises(requests.exceptions.ConnectionError):
        sandbox.rest("POST", "/rest/dmpSegments", token, json=create_body(world))
    assert made(world) == ["Made, then lost"]


def test_a_fault_for_one_method_lets_the_others_through(sandbox, world):
    token = sandbox.token("r_ads rw_dmp_segments")["access_token"]
    fault(sandbox, kind="500", method="POST", path_prefix="/rest/dmpSegments")
    account = create_body(world)["account"].replace(":", "%3A")
    assert sandbox.rest("GET", "/rest/dmpSegments", token, query=f"q=account&account={account}").status_code == 200
    assert sandbox.state()["faults"][0] == {"kind": "500", "remaining": 1, "path_prefix": "/rest/dmpSegments",
                                            "delay_seconds": 0.0, "method": "POST", "retry_after": None}
    assert sandbox.rest("POST", "/rest/dmpSegments", token, json=create_body(world)).status_code == 500
    assert made(world) == []  # a plain 500 does nothing


@pytest.mark.parametrize("body", [{"kind": "418"}, {"kind": "429", "count": 0}, {"kind": "slow", "delay_seconds": -1},
                                  {"kind": "500", "path_prefix": "rest"}, {"kind": "500", "colour": "red"},
                                  {"kind": "500", "method": "FETCH"}, {"kind": "500", "retry_after": 3},
                                  {"kind": "429", "retry_after": -1}, {"kind": "429", "retry_after": "soon"}])
def test_bad_faults_are_400(sandbox, body):
    assert sandbox.control("POST", "/faults", body).status_code == 400
    assert sandbox.state()["faults"] == []
