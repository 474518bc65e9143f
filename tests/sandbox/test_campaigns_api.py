"""adAccounts/{id}/adCampaigns (q=search, cursor pages, get) over HTTP, with the exact
Rest.li 2.0 encodings LinkedIn's clients send, and the seeded campaigns' targeting."""

from __future__ import annotations

import pytest

from linkedin.sandbox.campaigns import AUDIENCE_FACET, STATUSES

from .conftest import AVERY, NOA

BRAND_US = "Northwind - Brand US"


@pytest.fixture
def token(sandbox) -> str:
    return sandbox.token("r_ads rw_dmp_segments")["access_token"]


def account_id(world, name: str = BRAND_US) -> int:
    return next(a.id for a in world.ad_accounts.values() if a.name == name)


def path(account: int) -> str:
    return f"/rest/adAccounts/{account}/adCampaigns"


def search(sandbox, token, account: int, query: str = "q=search") -> dict:
    r = sandbox.rest("GET", path(account), token, query=query)
    assert r.status_code == 200, r.text
    return r.json()


def test_the_finder_returns_every_campaign_of_the_account_in_one_cursor_page(sandbox, token, world):
    account = account_id(world)
    body = search(sandbox, token, account)
    assert body["metadata"] == {}
    ids = [e["id"] for e in body["elements"]]
    assert ids == sorted(c.id for c in world.campaigns.of_account(account)) and len(ids) >= 2
    first = body["elements"][0]
    assert first["account"] == f"urn:li:sponsoredAccount:{account}"
    assert first["status"] in STATUSES
    assert set(first) >= {"id", "name", "account", "campaignGroup", "status", "type", "targetingCriteria",
                          "servingStatuses", "changeAuditStamps", "version"}


def test_targeting_names_seeded_segments_by_their_ad_segment_urn(sandbox, token, world):
    account = account_id(world)
    ad_segments = {f"urn:li:adSegment:{s.ad_segment_id}" for s in world.segments.of_account(account)}
    targeted = set()
    for element in search(sandbox, token, account)["elements"]:
        criteria = element["targetingCriteria"]
        for clause in criteria["include"]["and"]:
            targeted.update(clause["or"].get(AUDIENCE_FACET, []))
        targeted.update(criteria.get("exclude", {}).get("or", {}).get(AUDIENCE_FACET, []))
    assert targeted and targeted <= ad_segments


def test_a_segment_an_active_campaign_targets_is_never_archived(sandbox, token, world):
    live = world.campaigns.live_ad_segments()
    sandbox.advance(60 * 86400)
    for segment in world.segments:
        if segment.ad_segment_id in live:
            assert world.segment_status(segment) not in ("ARCHIVED", "EXPIRED"), segment.name


def test_search_by_status_uses_restli_2_records(sandbox, token, world):
    account = account_id(world, "Northwind - Enterprise ABM")
    body = search(sandbox, token, account, "q=search&search=(status:(values:List(ACTIVE,PAUSED)))")
    statuses = {e["status"] for e in body["elements"]}
    assert statuses and statuses <= {"ACTIVE", "PAUSED"}
    expected = [c.id for c in world.campaigns.of_account(account) if c.status in ("ACTIVE", "PAUSED")]
    assert [e["id"] for e in body["elements"]] == expected


def test_cursor_pages_walk_every_campaign_once(sandbox, token, world):
    account = account_id(world, "Northwind - Enterprise ABM")
    seen, query = [], "q=search&pageSize=2"
    while True:
        body = search(sandbox, token, account, query)
        seen.extend(e["id"] for e in body["elements"])
        next_token = body["metadata"].get("nextPageToken")
        if not next_token:
            break
        query = f"q=search&pageSize=2&pageToken={next_token}"
    assert seen == [c.id for c in world.campaigns.of_account(account)]


def test_fields_projection_keeps_only_what_was_asked(sandbox, token, world):
    body = search(sandbox, token, account_id(world), "q=search&fields=id,status,targetingCriteria")
    assert all(set(e) == {"id", "status", "targetingCriteria"} for e in body["elements"])


@pytest.mark.parametrize("query, words", [
    ("q=search&search.status.values[0]=ACTIVE", "Rest.li 1.0"),
    ("q=search&search=(status:(values:List(RUNNING)))", "unknown status 'RUNNING'"),
    ("q=search&search=(state:(values:List(ACTIVE)))", "unknown search field 'state'"),
    ("q=search&search=(campaignGroup:(values:List(12)))", "urn:li:sponsoredCampaignGroup:"),
    ("q=search&start=0&count=10", "pageSize and pageToken"),
    ("q=search&pageSize=1001", "pageSize"),
    ("q=account", "Unsupported finder"),
    ("q=search&sortOrder=UP", "sortOrder"),
])
def test_what_linkedin_would_refuse_gets_400_with_the_reason(sandbox, token, world, query, words):
    r = sandbox.rest("GET", path(account_id(world)), token, query=query)
    assert r.status_code == 400, r.text
    assert words in r.json()["message"]


def test_start_and_count_are_ignored_with_the_lenient_setting(sandbox, token, world):
    sandbox.settings(campaign_finder_start_count="ignore")
    body = search(sandbox, token, account_id(world), "q=search&start=0&count=1")
    assert len(body["elements"]) == len(world.campaigns.of_account(account_id(world)))


def test_an_account_without_a_role_is_refused_and_an_unknown_one_is_not_found(sandbox, world):
    noa = sandbox.token("r_ads rw_dmp_segments", member=NOA)["access_token"]
    r = sandbox.rest("GET", path(account_id(world)), noa, query="q=search")
    assert r.status_code == 403 and r.json()["code"] == "ACCESS_DENIED"
    avery = sandbox.token("r_ads rw_dmp_segments", member=AVERY)["access_token"]
    assert sandbox.rest("GET", path(1), avery, query="q=search").status_code == 404


def test_the_finder_needs_an_ads_scope(sandbox, world):
    only_segments = sandbox.token("rw_dmp_segments")["access_token"]
    r = sandbox.rest("GET", path(account_id(world)), only_segments, query="q=search")
    assert r.status_code == 403


def test_one_campaign_by_id(sandbox, token, world):
    account = account_id(world)
    campaign = world.campaigns.of_account(account)[0]
    r = sandbox.rest("GET", f"{path(account)}/{campaign.id}", token)
    assert r.status_code == 200 and r.json() == campaign.to_api()
    assert sandbox.rest("GET", f"{path(account)}/1", token).status_code == 404


def test_the_benchmark_portfolio_gets_campaigns_too(world):
    made = world.add_portfolio(AVERY, accounts=3, segments_per_account=5)
    assert all(world.campaigns.of_account(a) for a in made)
