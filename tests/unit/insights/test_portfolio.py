"""Reading a whole portfolio: one finder call per account, a small concurrency bound, a per-member cache."""

import json
import threading
import time
from urllib.parse import parse_qs, urlsplit

import pytest
import responses

from linkedin.api.accounts import Account
from linkedin.api.client import Client, RetryPolicy, StaticToken
from linkedin.api.errors import AuthError
from linkedin.api.settings import Settings
from linkedin.insights.history import History
from linkedin.insights.portfolio import Portfolios, read_accounts
from linkedin.store import Store

API = "https://api.linkedin.com"
SETTINGS = Settings(client_id="cid", client_secret="csecret", redirect_uri="https://a/cb", cookie_secret="x" * 32)
USERS = API + "/rest/adAccountUsers?q=authenticatedUser&start=0&count=100"
SEARCH = (API + "/rest/adAccounts?q=search&search=(status:(values:List(ACTIVE,CANCELED,DRAFT,PENDING_DELETION,"
          "REMOVED)))&pageSize=100")
FINDER = API + "/rest/dmpSegments?q=account&account=urn%3Ali%3AsponsoredAccount%3A{}&start=0&count=1000"


def seg(seg_id, account_id, status="READY", size=1000):
    return {"id": seg_id, "name": f"Segment {seg_id}", "account": f"urn:li:sponsoredAccount:{account_id}", "type": "USER",
            "sourcePlatform": "X", "inputCount": 2000, "created": 1_700_000_000_000, "lastModified": 1_700_000_000_000,
            "destinations": [{"destination": "LINKEDIN", "status": status, "matchedCount": 1500, "audienceSize": size}]}


class FakeClock:
    def __init__(self, now=1_800_000_000.0):
        self.now = now

    def __call__(self):
        return self.now


def portfolio_api(n_accounts, per_account, *, delay=0.0, fail=()):
    """Register the three finders; returns the concurrency probe (max in flight)."""
    responses.get(USERS, json={"elements": [{"account": f"urn:li:sponsoredAccount:{i}", "user": "urn:li:person:a",
                                             "role": "ACCOUNT_MANAGER"} for i in range(1, n_accounts + 1)],
                               "paging": {"start": 0, "count": 100, "total": n_accounts}})
    responses.get(SEARCH, json={"elements": [{"id": i, "name": f"Account {i:02d}", "status": "ACTIVE", "type": "BUSINESS",
                                              "currency": "USD", "test": False} for i in range(1, n_accounts + 1)]})
    probe = {"now": 0, "max": 0}
    lock = threading.Lock()

    def finder(request):
        # One callback for every account: responses matches these URLs without their query.
        account_id = int(parse_qs(urlsplit(request.url).query)["account"][0].rsplit(":", 1)[-1])
        with lock:
            probe["now"] += 1
            probe["max"] = max(probe["max"], probe["now"])
        time.sleep(delay)
        with lock:
            probe["now"] -= 1
        if account_id in fail:
            return 403, {}, json.dumps({"status": 403, "serviceErrorCode": 100, "code": "ACCESS_DENIED",
                                        "message": "Not enough permissions"})
        return 200, {}, json.dumps({"elements": [seg(account_id * 1000 + j, account_id) for j in range(per_account)]})

    responses.add_callback(responses.GET, API + "/rest/dmpSegments", callback=finder)
    return probe


def client():
    return Client(SETTINGS, StaticToken("T"), retry=RetryPolicy(tries=1))


@responses.activate
def test_fifty_accounts_of_a_hundred_segments_take_one_finder_call_each_within_the_bound():
    probe = portfolio_api(50, 100, delay=0.02)
    cache = Portfolios(workers=4)
    pf = cache.portfolio(client(), "member-a")
    finder_calls = [c for c in responses.calls if "/rest/dmpSegments" in c.request.url]
    assert len(finder_calls) == 50
    assert sorted(c.request.url for c in finder_calls) == sorted(FINDER.format(i) for i in range(1, 51))
    # Always start/count (count at most 1,000): an account of 100 segments is still one call.
    assert len(responses.calls) == 52  # + one roles page + one accounts page
    assert pf.segment_count == 5000 and pf.problems == []
    assert 2 <= probe["max"] <= 4  # concurrent, never more than the bound
    assert [p.account.name for p in pf.parts][:2] == ["Account 01", "Account 02"]  # order kept
    assert all(s.account_urn == p.account.urn for p in pf.parts for s in p.segments)


@responses.activate
def test_cache_serves_within_ttl_per_member_and_refresh_or_expiry_reread():
    portfolio_api(3, 2)
    clock = FakeClock()
    cache = Portfolios(ttl=60, clock=clock)
    first = cache.portfolio(client(), "member-a")
    calls = len(responses.calls)
    assert calls == 5
    clock.now += 59
    again = cache.portfolio(client(), "member-a")
    assert len(responses.calls) == calls  # served from the cache
    assert again.loaded_at == first.loaded_at and cache.age("member-a") == 59
    cache.portfolio(client(), "member-b")
    assert len(responses.calls) == 2 * calls  # another member never gets member-a's data
    clock.now += 2
    cache.portfolio(client(), "member-a")
    assert len(responses.calls) == 3 * calls  # stale after the TTL
    refreshed = cache.portfolio(client(), "member-a", refresh=True)
    assert len(responses.calls) == 4 * calls and refreshed.loaded_at == clock.now


@responses.activate
def test_one_account_only_reads_that_account_then_all_reads_the_rest():
    portfolio_api(3, 2)
    cache = Portfolios()
    one = cache.portfolio(client(), "m", account_urns=["urn:li:sponsoredAccount:2"])
    assert [p.account.id for p in one.parts] == [2]
    finder_urls = lambda: [c.request.url for c in responses.calls if "dmpSegments" in c.request.url]
    assert finder_urls() == [FINDER.format(2)]
    everything = cache.portfolio(client(), "m")
    assert sorted(finder_urls()) == sorted(FINDER.format(i) for i in (1, 2, 3))
    assert everything.segment_count == 6


@responses.activate
def test_an_account_that_refuses_is_a_sentence_and_the_others_still_load():
    portfolio_api(3, 2, fail={2})
    pf = Portfolios().portfolio(client(), "m")
    assert pf.segment_count == 4
    assert pf.problems == [
        "Account 02 (2): LinkedIn refused to list its audiences (HTTP 403): you may have lost access to this account, "
        "or the app lacks the Audiences permission."]


@responses.activate
def test_an_auth_failure_is_not_swallowed():
    responses.get(FINDER.format(9), status=401, json={"status": 401, "serviceErrorCode": 65602, "message": "expired"})
    account = Account(9, "A", "ACTIVE", "BUSINESS", "USD", False, "ACCOUNT_MANAGER")
    with pytest.raises(AuthError):  # a fixed token cannot be renewed: NeedsConsent, an AuthError
        read_accounts(client(), [account, account], workers=2)


FIRST = "urn:li:sponsoredAccount:1"  # segment 1000's account in portfolio_api


@responses.activate
def test_reads_are_snapshotted_but_cache_hits_are_not():
    portfolio_api(2, 3)
    store = Store(":memory:")
    clock = FakeClock()
    history = History(store, linkedin=API, clock=clock)
    cache = Portfolios(clock=clock)
    cache.portfolio(client(), "m", history=history)
    assert store.db["segment_snapshots"].count == 6
    clock.now += 10
    cache.portfolio(client(), "m", history=history)  # cached: no read, no snapshot
    assert [s.seen_at for s in history.of(1000, accounts=[FIRST])] == [clock.now - 10]
    cache.portfolio(client(), "m", history=history, refresh=True)  # same values: seen_at moves, no new row
    assert store.db["segment_snapshots"].count == 6
    assert [(s.taken_at, s.seen_at) for s in history.of(1000, accounts=[FIRST])] == [(clock.now - 10, clock.now)]


def test_replace_updates_or_drops_a_cached_segment():
    from linkedin.api.segments import Segment
    from linkedin.insights.portfolio import AccountSegments, _Entry

    account = Account(1, "A", "ACTIVE", "BUSINESS", "USD", False, "ACCOUNT_MANAGER")
    a, b = Segment.from_api(seg(10, 1)), Segment.from_api(seg(11, 1))
    cache = Portfolios()
    cache._entries[("m", "segments", account.urn)] = _Entry(AccountSegments(account, (a, b), 0.0), time.time())
    newer = Segment.from_api(seg(10, 1, status="ARCHIVED"))
    cache.replace("m", 10, newer)
    assert cache._entries[("m", "segments", account.urn)].value.segments == (newer, b)
    cache.replace("m", 11, None)
    assert cache._entries[("m", "segments", account.urn)].value.segments == (newer,)
