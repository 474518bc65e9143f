"""Transport and connection behaviour against LinkedIn's documented answers (responses)."""

import random

import pytest
import requests
import responses

from linkedin.api.client import Client, RetryPolicy, StaticToken, backoff_delay, headers, is_retryable
from linkedin.api.connection import Connection
from linkedin.api.errors import (
    ConnectionFailed,
    ExpiredToken,
    NeedsConsent,
    RateLimited,
    RevokedToken,
    ServerError,
    VersionError,
)
from linkedin.api.oauth import OAuth, Token
from linkedin.api.settings import Settings
from linkedin.store import Store

API = "https://api.linkedin.com"
TOKEN_URL = "https://www.linkedin.com/oauth/v2/accessToken"
SETTINGS = Settings(client_id="cid", client_secret="csecret", redirect_uri="https://a/cb", cookie_secret="x" * 32)
NOW = 1_800_000_000.0
USERS = API + "/rest/adAccountUsers?q=authenticatedUser&count=1"


def err401(code, name, message):
    return {"status": 401, "serviceErrorCode": code, "code": name, "message": message}


class Clock:
    def __init__(self, now=NOW):
        self.now = now

    def __call__(self):
        return self.now


def make_connection(clock, *, access_expires=NOW + 5184000, refresh=True, refresh_expires=NOW + 31536000):
    store = Store(":memory:")
    conn = Connection(SETTINGS, store, "sid-1", oauth=OAuth(SETTINGS, clock=clock), clock=clock)
    token = Token("AT1", access_expires, ("r_ads", "rw_dmp_segments"),
                  "RT1" if refresh else None, refresh_expires if refresh else None, NOW, NOW)
    conn.connect(token, member_urn="urn:li:person:abc", member_name="Avery Analyst")
    return conn


def refresh_ok(access="AT2", rt_in=31000000):
    responses.post(TOKEN_URL, json={"access_token": access, "expires_in": 5184000, "refresh_token": "RT1",
                                    "refresh_token_expires_in": rt_in, "scope": "r_ads,rw_dmp_segments"})


def test_headers_are_versioned_restli_2():
    assert headers("202608") == {"LinkedIn-Version": "202608", "X-Restli-Protocol-Version": "2.0.0"}
    assert headers("202608", restli_method="BATCH_CREATE", json_body=True) == {
        "LinkedIn-Version": "202608", "X-Restli-Protocol-Version": "2.0.0",
        "X-RestLi-Method": "BATCH_CREATE", "Content-Type": "application/json"}


def test_retry_decisions_and_backoff_are_pure():
    assert all(is_retryable(s) for s in (429, 500, 502, 503, 504))
    assert not any(is_retryable(s) for s in (400, 401, 403, 404, 426))
    rng = random.Random(1)
    delays = [backoff_delay(n, base=1, cap=8, rng=rng) for n in range(1, 7)]
    for n, d in enumerate(delays, start=1):
        ceiling = min(8, 2 ** (n - 1))
        assert ceiling / 2 <= d <= ceiling


@responses.activate
def test_get_sends_bearer_version_and_protocol_and_exact_url():
    responses.get(USERS, json={"elements": []}, match=[responses.matchers.header_matcher(
        {"Authorization": "Bearer T", "LinkedIn-Version": "202608", "X-Restli-Protocol-Version": "2.0.0"})])
    resp = Client(SETTINGS, StaticToken("T")).get("/rest/adAccountUsers", params={"q": "authenticatedUser", "count": 1})
    assert resp.data == {"elements": []}
    assert responses.calls[0].request.url == USERS


class FakeTime:
    """A clock that only moves when the client sleeps: waits are checked, never waited."""

    def __init__(self, now=NOW):
        self.now = now
        self.slept = []

    def clock(self):
        return self.now

    def sleep(self, seconds):
        self.slept.append(seconds)
        self.now += seconds


@responses.activate
def test_429_without_retry_after_waits_into_the_next_minute_with_a_countdown_then_succeeds():
    responses.get(USERS, status=429, json={"status": 429, "message": "throttled"})
    responses.get(USERS, status=503, json={"message": "unavailable"})
    responses.get(USERS, json={"elements": []})
    time_ = FakeTime(NOW + 18)  # 18 s into a minute
    waits = []
    client = Client(SETTINGS, StaticToken("T"), on_wait=waits.append, sleep=time_.sleep, clock=time_.clock)
    assert client.get("/rest/adAccountUsers", params={"q": "authenticatedUser", "count": 1}).status == 200
    throttle = [w for w in waits if w.status == 429]
    assert 42 <= throttle[0].seconds <= 44  # to the next minute, plus a little jitter
    assert [round(w.left, 6) for w in throttle] == [round(throttle[0].seconds - n, 6) for n in range(len(throttle))]
    assert throttle[0].text == f"LinkedIn's per-minute limit: retrying in {-(-throttle[0].seconds // 1):.0f} s"
    assert {(w.reason, w.kind) for w in waits} == {("LinkedIn's per-minute limit", "rate_limit"),
                                                   ("LinkedIn was unavailable", "unavailable")}
    assert sum(w.starting for w in waits) == 2  # two waits, each counted down
    assert sum(time_.slept) == pytest.approx(throttle[0].seconds + next(w for w in waits if w.status == 503).seconds)


@responses.activate
def test_a_429_that_outlasts_a_minute_gives_up_after_waiting_at_least_a_minute():
    responses.get(USERS, status=429, json={"status": 429, "message": "Resource level throttle limit for calls to "
                                                                     "this resource is reached."})
    time_ = FakeTime(NOW + 59)
    client = Client(SETTINGS, StaticToken("T"), sleep=time_.sleep, clock=time_.clock)
    with pytest.raises(RateLimited) as caught:
        client.get("/rest/adAccountUsers", params={"q": "authenticatedUser", "count": 1})
    assert 60 <= sum(time_.slept) <= 125
    assert len(responses.calls) == 3  # 1 s to the next minute, then a whole minute, then give up
    assert "daily quota" in caught.value.explain() and "midnight UTC" in caught.value.explain()


@responses.activate
def test_retry_after_is_honoured_when_a_429_carries_one():
    responses.get(USERS, status=429, json={"status": 429, "message": "throttled"}, headers={"Retry-After": "3"})
    responses.get(USERS, json={"elements": []})
    time_ = FakeTime(NOW + 18)
    waits = []
    client = Client(SETTINGS, StaticToken("T"), on_wait=waits.append, sleep=time_.sleep, clock=time_.clock)
    client.get("/rest/adAccountUsers", params={"q": "authenticatedUser", "count": 1})
    assert time_.slept == [1.0, 1.0, 1.0]
    assert [w.text for w in waits] == ["LinkedIn asked the app to wait: retrying in 3 s",
                                       "LinkedIn asked the app to wait: retrying in 2 s",
                                       "LinkedIn asked the app to wait: retrying in 1 s"]


@responses.activate
def test_a_5xx_on_a_create_is_never_sent_again_by_the_client():
    create = API + "/rest/dmpSegments"
    responses.post(create, status=500, json={"status": 500, "message": "Internal Server Error"})
    client = Client(SETTINGS, StaticToken("T"), sleep=lambda s: None)
    with pytest.raises(ServerError):
        client.post("/rest/dmpSegments", json={"name": "x"})
    assert len(responses.calls) == 1  # it may have created the segment: segments.create decides

    batch = API + "/rest/dmpSegments/7/users"
    responses.post(batch, status=503, json={"status": 503, "message": "Service Unavailable"})
    responses.post(batch, json={"elements": []})
    assert client.post("/rest/dmpSegments/7/users", json={"elements": []}, restli_method="BATCH_CREATE").status == 200
    assert len(responses.calls) == 3  # a batch is: a repeated ADD or REMOVE is harmless


@responses.activate
def test_a_429_on_a_create_is_waited_out_it_was_refused_before_any_work():
    create = API + "/rest/dmpSegments"
    responses.post(create, status=429, json={"status": 429, "message": "throttled"})
    responses.post(create, status=201, headers={"x-restli-id": "5"})
    time_ = FakeTime()
    client = Client(SETTINGS, StaticToken("T"), sleep=time_.sleep, clock=time_.clock)
    assert client.post("/rest/dmpSegments", json={"name": "x"}).created_id == "5"
    assert len(responses.calls) == 2


@responses.activate
def test_retries_are_bounded():
    responses.get(USERS, status=500, json={"message": "boom"})
    client = Client(SETTINGS, StaticToken("T"), retry=RetryPolicy(tries=3), sleep=lambda s: None)
    with pytest.raises(ServerError):
        client.get("/rest/adAccountUsers", params={"q": "authenticatedUser", "count": 1})
    assert len(responses.calls) == 3


@responses.activate
def test_version_errors_are_never_retried_and_name_the_version_to_set():
    responses.get(USERS, status=426, json={"status": 426, "code": "NONEXISTENT_VERSION",
                                           "message": "Requested version 20250401 is not active"})
    old = Settings(client_id="cid", client_secret="cs", redirect_uri="https://a/cb", cookie_secret="x" * 32,
                   version="202504")
    with pytest.raises(VersionError) as caught:
        Client(old, StaticToken("T"), sleep=lambda s: None).get("/rest/adAccountUsers", params={"q": "authenticatedUser", "count": 1})
    assert len(responses.calls) == 1
    assert caught.value.version == "202504"
    assert caught.value.explain() == (
        "Requested version 20250401 is not active. LinkedIn does not serve the API version this app is set to "
        "(202504). Set LINKEDIN_VERSION to 202608, the version this app is built and tested on (or remove the "
        "setting to use it), then restart the app.")


@responses.activate
def test_connection_refused_is_a_typed_error_without_the_token():
    responses.get(USERS, body=requests.ConnectionError("refused"))
    with pytest.raises(ConnectionFailed) as caught:
        Client(SETTINGS, StaticToken("SECRET-T")).get("/rest/adAccountUsers", params={"q": "authenticatedUser", "count": 1})
    assert "SECRET-T" not in str(caught.value)


@responses.activate
@pytest.mark.parametrize("code, name", [(65600, "INVALID_ACCESS_TOKEN"), (65602, "EXPIRED_ACCESS_TOKEN")])
def test_curable_401_refreshes_once_and_retries_once(code, name):
    clock = Clock()
    conn = make_connection(clock)
    responses.get(USERS, status=401, json=err401(code, name, "bad"))
    responses.get(USERS, json={"elements": []})
    refresh_ok()
    resp = conn.client().get("/rest/adAccountUsers", params={"q": "authenticatedUser", "count": 1})
    assert resp.status == 200
    api_calls = [c for c in responses.calls if c.request.url.startswith(API)]
    assert [c.request.headers["Authorization"] for c in api_calls] == ["Bearer AT1", "Bearer AT2"]
    assert sum(c.request.url == TOKEN_URL for c in responses.calls) == 1
    assert "renewed" in conn.status().last_event


@responses.activate
def test_a_second_401_after_refresh_is_not_retried_again():
    conn = make_connection(Clock())
    responses.get(USERS, status=401, json=err401(65602, "EXPIRED_ACCESS_TOKEN", "expired"))
    refresh_ok()
    with pytest.raises(ExpiredToken):
        conn.client().get("/rest/adAccountUsers", params={"q": "authenticatedUser", "count": 1})
    assert sum(c.request.url == USERS for c in responses.calls) == 2
    assert sum(c.request.url == TOKEN_URL for c in responses.calls) == 1


@responses.activate
def test_revoked_token_never_refreshes_and_asks_for_consent():
    conn = make_connection(Clock())
    responses.get(USERS, status=401, json=err401(65601, "REVOKED_ACCESS_TOKEN", "The token used in the request has been revoked by the user"))
    with pytest.raises(RevokedToken):
        conn.client().get("/rest/adAccountUsers", params={"q": "authenticatedUser", "count": 1})
    assert len(responses.calls) == 1
    status = conn.status()
    assert status.state == "needs_consent" and "revoked" in status.reason
    with pytest.raises(NeedsConsent):
        conn.access_token()


@responses.activate
def test_invalid_grant_on_refresh_ends_in_consent_without_a_loop():
    conn = make_connection(Clock())
    responses.get(USERS, status=401, json=err401(65602, "EXPIRED_ACCESS_TOKEN", "expired"))
    responses.post(TOKEN_URL, status=400, json={"error": "invalid_grant", "error_description": "revoked"})
    with pytest.raises(NeedsConsent):
        conn.client().get("/rest/adAccountUsers", params={"q": "authenticatedUser", "count": 1})
    assert len(responses.calls) == 2  # one API call, one refresh attempt
    assert conn.status().state == "needs_consent"


@responses.activate
def test_refresh_before_expiry_from_the_stored_time():
    clock = Clock()
    conn = make_connection(clock, access_expires=NOW + 100)  # inside the 300 s skew
    refresh_ok()
    responses.get(USERS, json={"elements": []})
    conn.client().get("/rest/adAccountUsers", params={"q": "authenticatedUser", "count": 1})
    assert responses.calls[0].request.url == TOKEN_URL
    assert responses.calls[1].request.headers["Authorization"] == "Bearer AT2"


def test_expired_refresh_token_by_stored_time_needs_consent_without_any_call():
    clock = Clock(NOW + 40_000_000)
    conn = make_connection(clock, access_expires=NOW + 10, refresh_expires=NOW + 20)
    with responses.RequestsMock() as rsps:  # any HTTP call would fail this test
        with pytest.raises(NeedsConsent):
            conn.token()
        assert len(rsps.calls) == 0
    assert conn.status().state == "needs_consent"


def test_token_without_refresh_ability_needs_consent_when_expired():
    conn = make_connection(Clock(NOW + 100), access_expires=NOW + 10, refresh=False)
    with pytest.raises(NeedsConsent, match="no refresh token"):
        conn.token()


@responses.activate
def test_cursor_pages_are_followed_to_the_end():
    url = API + "/rest/adAccounts"
    responses.get(url + "?q=search&pageSize=2", json={"elements": [{"id": 1}, {"id": 2}], "metadata": {"nextPageToken": "p2"}})
    responses.get(url + "?q=search&pageSize=2&pageToken=p2", json={"elements": [{"id": 3}], "metadata": {}})
    ids = [e["id"] for e in Client(SETTINGS, StaticToken("T")).cursor_elements("/rest/adAccounts", params={"q": "search"}, page_size=2)]
    assert ids == [1, 2, 3]


@responses.activate
def test_start_count_pages_are_followed_to_the_total():
    url = API + "/rest/adAccountUsers?q=authenticatedUser"
    responses.get(url + "&start=0&count=2", json={"elements": [{"a": 1}, {"a": 2}], "paging": {"start": 0, "count": 2, "total": 3}})
    responses.get(url + "&start=2&count=2", json={"elements": [{"a": 3}], "paging": {"start": 2, "count": 2, "total": 3}})
    got = list(Client(SETTINGS, StaticToken("T")).elements("/rest/adAccountUsers", params={"q": "authenticatedUser"}, count=2))
    assert got == [{"a": 1}, {"a": 2}, {"a": 3}]


@responses.activate
def test_a_lost_connection_is_retried_once_for_reads_and_batches_but_never_for_a_create():
    batch = API + "/rest/dmpSegments/7/users"
    responses.post(batch, body=requests.ConnectionError("reset"))
    responses.post(batch, json={"elements": []})
    client = Client(SETTINGS, StaticToken("T"))
    assert client.post("/rest/dmpSegments/7/users", json={"elements": []}, restli_method="BATCH_CREATE").status == 200
    assert len(responses.calls) == 2

    responses.post(API + "/rest/dmpSegments", body=requests.ConnectionError("reset"))
    with pytest.raises(ConnectionFailed):
        client.post("/rest/dmpSegments", json={"name": "x"})
    assert len(responses.calls) == 3  # a create may have reached LinkedIn: never sent twice

    responses.get(USERS, body=requests.ConnectionError("reset"))
    with pytest.raises(ConnectionFailed):
        client.get("/rest/adAccountUsers", params={"q": "authenticatedUser", "count": 1})
    assert len(responses.calls) == 5  # one more try, then the error
