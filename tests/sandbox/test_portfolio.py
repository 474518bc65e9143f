"""The benchmark portfolio control and the seeded portfolio's determinism."""

from __future__ import annotations

import time

from linkedin.sandbox import World

from .conftest import AVERY, VIC


def test_portfolio_control_adds_accounts_and_segments(sandbox, world):
    token = sandbox.token("r_ads rw_dmp_segments")["access_token"]
    started = time.perf_counter()
    r = sandbox.control("POST", "/portfolio", {"member": AVERY, "accounts": 50, "segments_per_account": 100})
    assert time.perf_counter() - started < 5
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["accounts"] == 50 and body["segments"] == 5000 and len(set(body["account_ids"])) == 50
    assert sandbox.state()["ad_accounts"] == 15 + 50
    # every account is found by search (cursor pages) and holds 100 segments
    seen, page_token = [], None
    while True:
        query = "q=search&search=(status:(values:List(ACTIVE)))&pageSize=25" + (
            f"&pageToken={page_token}" if page_token else "")
        page = sandbox.rest("GET", "/rest/adAccounts", token, query=query).json()
        seen += [e["id"] for e in page["elements"]]
        page_token = page["metadata"].get("nextPageToken")
        if not page_token:
            break
    assert set(body["account_ids"]) <= set(seen) and len(seen) == 8 + 50
    one = body["account_ids"][7]
    segments = sandbox.rest("GET", "/rest/dmpSegments", token,
                            query=f"q=account&account=urn%3Ali%3AsponsoredAccount%3A{one}").json()
    assert segments["paging"]["total"] == 100 and len(segments["elements"]) == 100
    assert world.role_on(AVERY, one) == "ACCOUNT_MANAGER" and world.role_on(VIC, one) is None


def test_portfolio_is_deterministic():
    a, b = World(population_size=10), World(population_size=10)
    ids_a = a.add_portfolio(AVERY, accounts=3, segments_per_account=4)
    ids_b = b.add_portfolio(AVERY, accounts=3, segments_per_account=4)
    assert ids_a == ids_b
    assert [s.id for s in a.segments] == [s.id for s in b.segments]
    assert [a.segment_json(s)["name"] for s in a.segments] == [b.segment_json(s)["name"] for s in b.segments]
    more = a.add_portfolio(AVERY, accounts=2, segments_per_account=0)
    assert not set(more) & set(ids_a)


def test_portfolio_control_validates(sandbox):
    for body in ({"member": AVERY, "accounts": 0, "segments_per_account": 1},
                 {"member": AVERY, "accounts": 1001, "segments_per_account": 1},
                 {"member": AVERY, "accounts": 1, "segments_per_account": -1},
                 {"member": "urn:li:person:nobody", "accounts": 1, "segments_per_account": 1},
                 {"member": AVERY, "accounts": True, "segments_per_account": 1},
                 {"member": AVERY, "accounts": 1, "segments_per_account": 1, "extra": 1},
                 ["not", "an", "object"]):
        r = sandbox.control("POST", "/portfolio", body)
        assert r.status_code == 400, body
        assert "error" in r.json()


def test_reset_forgets_the_portfolio(sandbox):
    sandbox.control("POST", "/portfolio", {"member": VIC, "accounts": 2, "segments_per_account": 3})
    assert sandbox.state()["ad_accounts"] == 17
    sandbox.control("POST", "/reset")
    state = sandbox.state()
    assert state["ad_accounts"] == 15 and state["segments"] == 162


def test_seeded_segments_are_the_same_for_the_same_seed():
    a, b = World(population_size=10), World(population_size=10)
    assert [(s.id, s.name, s.account_id, s.ad_segment_id) for s in a.segments] == \
           [(s.id, s.name, s.account_id, s.ad_segment_id) for s in b.segments]
    assert len(a.segments) == 162
    c = World(seed=8, population_size=10)
    assert [s.id for s in c.segments] != [s.id for s in a.segments]


def test_a_member_given_a_portfolio_may_sign_in_until_the_reset(sandbox, world):
    """A load test's analysts are synthetic members: the portfolio control lets them consent."""
    guest = world.members[10]
    page = sandbox.consent_page(scope="r_ads rw_dmp_segments")
    assert guest.id not in page.text
    assert sandbox.decide(page, member=guest.id).status_code == 400  # not on the screen: refused

    sandbox.control("POST", "/portfolio", {"member": guest.urn, "accounts": 2, "segments_per_account": 1})
    sandbox.control("POST", "/portfolio", {"member": guest.urn, "accounts": 1, "segments_per_account": 1})
    assert [m.name for m in world.demo_members] == ["Avery Analyst", "Vic Viewer", "Noa Newcomer", guest.name]
    token = sandbox.token(member=guest.id)["access_token"]
    roles = sandbox.rest("GET", "/rest/adAccountUsers", token, query="q=authenticatedUser").json()["elements"]
    assert len(roles) == 3 and {r["user"] for r in roles} == {guest.urn}

    sandbox.control("POST", "/reset")
    assert [m.name for m in world.demo_members] == ["Avery Analyst", "Vic Viewer", "Noa Newcomer"]
    assert sandbox.decide(sandbox.consent_page(scope="r_ads rw_dmp_segments"), member=guest.id).status_code == 400
