"""Accounts, segments, the portfolio cache and history against the real sandbox over HTTP (MA-101..MA-104)."""

import math

import pytest

from linkedin.api import accounts, segments
from linkedin.api.errors import NotFound
from linkedin.insights import portfolio
from linkedin.insights.history import History
from linkedin.insights.portfolio import Portfolios, member_key
from linkedin.store import Store
from tests.integration.helpers import NOA, TOKEN_KEY, VIC, connect_sandbox

AVERY_URN = "urn:li:person:Av3ryAn4ly"
HOUR = 3600


@pytest.fixture
def world(sandbox_server):
    return sandbox_server.app.state.sandbox


@pytest.fixture
def avery(sandbox_server, tmp_db):
    return connect_sandbox(sandbox_server.url, Store(tmp_db, token_key=TOKEN_KEY))


def test_accounts_join_roles_and_search_over_every_cursor_page(avery, world, monkeypatch):
    monkeypatch.setattr(accounts, "ACCOUNT_PAGE_SIZE", 4)  # 14 accounts: four cursor pages
    client = avery.client()
    listing = accounts.load(client)
    assert client.calls == 1 + math.ceil(14 / 4)
    expected = {r.account_id: r.role for r in world.roles_of(AVERY_URN)}
    assert {a.id: a.role for a in listing.accounts} == expected
    assert {a.status for a in listing.accounts} == set(accounts.STATUSES)
    for acc in listing.accounts:
        truth = world.ad_accounts[acc.id]
        assert (acc.name, acc.status, acc.type, acc.currency, acc.test) == (
            truth.name, truth.status, truth.type, truth.currency, truth.test)
        assert acc.can_manage == (acc.role != "VIEWER" and acc.status not in accounts.CLOSED_STATUSES)
    assert listing.problems == () and not listing.viewer_only


def test_viewer_only_member_and_member_without_accounts(sandbox_server, tmp_db):
    store = Store(tmp_db, token_key=TOKEN_KEY)
    vic = accounts.load(connect_sandbox(sandbox_server.url, store, member=VIC).client())
    assert len(vic.accounts) == 3 and vic.viewer_only and {a.role for a in vic.accounts} == {"VIEWER"}
    noa_client = connect_sandbox(sandbox_server.url, store, member=NOA).client()
    assert accounts.load(noa_client).accounts == ()
    assert noa_client.calls == 1  # no roles: no account search


def test_each_account_costs_one_finder_call_and_matches_the_sandbox(avery, world):
    client = avery.client()
    listing = accounts.load(client)
    before = client.calls
    for acc in listing.accounts:
        found, problems = segments.find_by_account(client, acc.urn)
        truth = world.segments.of_account(acc.id)
        assert [s.id for s in found] == [s.id for s in truth] and problems == []
        for seg, real in zip(found, truth):
            assert seg.status == world.segment_status(real)
            assert seg.destination_segment_urn == real.destination_urn
            assert seg.ours == (real.source_platform == "MATCHED_AUDIENCES_WORKBENCH")
            if seg.status == "BUILDING":
                assert (seg.input_count, seg.matched_count, seg.audience_size, seg.match_rate) == (None, None, None, None)
    assert client.calls - before == len(listing.accounts)
    big = next(a for a in listing.accounts if a.name == "Northwind - Enterprise ABM")
    assert len(segments.find_by_account(client, big.urn)[0]) == 120  # one call, no start/count


def test_demo_portfolio_shows_both_readiness_facts_and_ours(avery):
    pf = Portfolios().portfolio(avery.client(), member_key(avery))
    df = pf.frame()
    assert set(df["status"]) == set(segments.STATUSES)
    assert set(df["readiness"]) == {"targetable, serving", "targetable, not serving", "not targetable, not serving"}
    assert df["ours"].any() and not df["ours"].all()
    serving = df[df["readiness"] == "targetable, serving"]
    assert set(serving["status"]) == {"READY", "UPDATING", "ARCHIVED"} and (serving["audience_size"] >= 300).all()
    assert serving["ready"].all() and serving["targetable"].all() and serving["serving"].all()
    unusable = df[df["readiness"] == "not targetable, not serving"]
    assert set(unusable["status"]) == {"EXPIRED", "FAILED", "ERROR"} and not unusable["ready"].any()
    small = df[(df["status"] == "READY") & (df["audience_size"] < 300)]
    assert (small["readiness"] == "targetable, not serving").all()
    assert set(small["readiness_text"]) == {f"targetable, not serving: {n:,} of the 300 members it needs"
                                            for n in small["audience_size"]}
    empty = [p for p in pf.parts if p.account.name == "Northwind - Careers Employer Brand"]
    assert empty[0].segments == () and empty[0].error is None


def test_cache_serves_a_second_read_without_calls_and_refresh_reads_again(avery):
    client = avery.client()
    cache = Portfolios()
    key = member_key(avery)
    first = cache.portfolio(client, key)
    calls = client.calls
    assert calls == 2 + len(first.parts)  # roles, search, one finder per account
    again = cache.portfolio(client, key)
    assert client.calls == calls and again.segment_count == first.segment_count
    cache.portfolio(client, key, refresh=True)
    assert client.calls == 2 * calls


def test_cache_key_is_the_member_never_the_token(avery):
    key = member_key(avery)
    assert key.endswith("|" + AVERY_URN)
    assert avery.token().access_token not in key


def test_sandbox_clock_moves_statuses_and_history_keeps_the_change(avery, world, sandbox_server):
    from linkedin.demo.controls import SandboxControl

    history = History(avery.store, linkedin=avery.settings.api_base_url)
    cache = Portfolios()
    key = member_key(avery)
    pf = cache.portfolio(avery.client(), key, history=history)
    building = next(s for _, s in pf.items() if s.name == "Trade show leads (just uploaded)")
    assert building.status == "BUILDING"
    rows = avery.store.db["segment_snapshots"].count
    assert rows == pf.segment_count

    SandboxControl(sandbox_server.url).advance_clock(9 * HOUR)  # past its first build
    pf = cache.portfolio(avery.client(), key, history=history, refresh=True)
    snaps = history.of(building.id, accounts=[building.account_urn])
    assert [s.status for s in snaps] == ["BUILDING", "READY"]
    assert snaps[0].audience_size is None and snaps[1].audience_size > 0 and snaps[1].match_rate > 0
    # Only segments whose reading changed got a new row.
    assert avery.store.db["segment_snapshots"].count < 2 * rows


def test_lost_access_is_a_sentence_and_a_deleted_segment_is_not_found(avery, world):
    client = avery.client()
    cache = Portfolios()
    key = member_key(avery)
    listing, _ = cache.accounts(client, key)
    lost = next(a for a in listing.accounts if a.name == "Northwind - Recruiting")
    del world.account_users[(lost.id, AVERY_URN)]  # an admin removed Avery meanwhile
    pf = cache.portfolio(client, key)
    part = next(p for p in pf.parts if p.account.id == lost.id)
    assert part.segments == ()
    assert part.error == (f"{lost.label}: LinkedIn refused to list its audiences (HTTP 403): you may have lost access "
                          "to this account, or the app lacks the Audiences permission.")
    assert sum(len(p.segments) for p in pf.parts if p.account.id != lost.id) == pf.segment_count > 100

    account, seg = pf.items()[0]
    world.segments.by_id.pop(seg.id)  # deleted between the list and the detail
    with pytest.raises(NotFound, match=f"Could not find DMP segment with ID {seg.id}"):
        portfolio.reread(avery, seg.id, cache=cache)
    assert cache.portfolio(client, key).find(seg.id) is None  # the cached list forgets it too
    assert portfolio.reread(avery, pf.items()[1][1].id, cache=cache).id == pf.items()[1][1].id
