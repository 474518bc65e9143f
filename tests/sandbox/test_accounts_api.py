"""adAccounts (q=search, cursor pages, get) and adAccountUsers (accounts finder, complex key)
over HTTP, with the exact URL encodings LinkedIn's clients send."""

from __future__ import annotations

import pytest

from linkedin.api import restli

from .conftest import AVERY, VIC

ACCOUNTS = "/rest/adAccounts"
USERS = "/rest/adAccountUsers"
ALL_STATUSES = "(status:(values:List(ACTIVE,CANCELED,DRAFT,PENDING_DELETION,REMOVED)))"


@pytest.fixture
def token(sandbox) -> str:
    return sandbox.token("r_ads rw_dmp_segments")["access_token"]


def search(sandbox, token, query: str = "q=search"):
    r = sandbox.rest("GET", ACCOUNTS, token, query=query)
    assert r.status_code == 200, r.text
    return r.json()


def by_name(world) -> dict[str, int]:
    return {a.name: a.id for a in world.ad_accounts.values()}


def test_search_without_criteria_returns_every_account_of_the_member(sandbox, token, world):
    body = search(sandbox, token)
    assert body["metadata"] == {}  # one page: no nextPageToken
    assert "paging" not in body
    ids = [e["id"] for e in body["elements"]]
    assert ids == sorted(ids) and len(ids) == 14
    assert set(ids) == {r.account_id for r in world.roles_of(AVERY)}
    assert {e["status"] for e in body["elements"]} == {"ACTIVE", "CANCELED", "DRAFT", "PENDING_DELETION", "REMOVED"}


def test_account_shape(sandbox, token, world):
    first = search(sandbox, token)["elements"][0]
    assert set(first) == {
        "id", "name", "status", "type", "currency", "reference", "test", "servingStatuses",
        "notifiedOnCampaignOptimization", "notifiedOnCreativeApproval", "notifiedOnCreativeRejection",
        "notifiedOnEndOfCampaign", "notifiedOnNewFeaturesEnabled", "changeAuditStamps", "version",
    }
    assert isinstance(first["id"], int) and first["type"] in ("BUSINESS", "ENTERPRISE")
    assert first["reference"].startswith("urn:li:organization:")
    assert first["version"] == {"versionTag": "1"}
    assert first["changeAuditStamps"]["created"]["time"] > 1_500_000_000_000


@pytest.mark.parametrize("criteria, expected", [
    ("(status:(values:List(ACTIVE)))", 8),
    ("(status:(values:List(ACTIVE)),test:false)", 7),
    ("(status:(values:List(ACTIVE)),test:true)", 1),
    (ALL_STATUSES, 14),
    ("(status:(values:List(CANCELED,DRAFT)))", 4),
    ("(type:(values:List(ENTERPRISE)))", 2),
    ("(type:(values:List(BUSINESS)),status:(values:List(REMOVED)))", 1),
    ("(name:(values:List(legacy)))", 1),
    ("(name:(values:List(Northwind%20-%20Brand)))", 1),
    ("(reference:(values:List(urn%3Ali%3Aorganization%3A2414183)))", 14),
    ("(reference:(values:List(urn%3Ali%3Aorganization%3A1)))", 0),
    ("()", 14),
])
def test_search_criteria(sandbox, token, criteria, expected):
    assert len(search(sandbox, token, f"q=search&search={criteria}")["elements"]) == expected


def test_search_by_id(sandbox, token, world):
    ids = sorted(by_name(world)[n] for n in ("Northwind - Brand US", "Northwind - Recruiting"))
    body = search(sandbox, token, f"q=search&search=(id:(values:List({ids[0]},{ids[1]})))")
    assert [e["id"] for e in body["elements"]] == ids
    contoso = by_name(world)["Contoso - Awareness"]  # Vic's: Avery has no role there
    assert search(sandbox, token, f"q=search&search=(id:(values:List({contoso})))")["elements"] == []


def test_the_encoding_our_client_sends(sandbox, token):
    query = restli.query({"q": "search", "search": {"status": {"values": ["ACTIVE", "DRAFT"]}}, "pageSize": 100})
    assert query == "q=search&search=(status:(values:List(ACTIVE,DRAFT)))&pageSize=100"
    assert len(search(sandbox, token, query)["elements"]) == 10


def test_cursor_paging_to_the_end(sandbox, token):
    seen, pages, page_token = [], 0, None
    while True:
        query = f"q=search&search={ALL_STATUSES}&pageSize=5" + (f"&pageToken={page_token}" if page_token else "")
        body = search(sandbox, token, query)
        pages += 1
        seen += [e["id"] for e in body["elements"]]
        page_token = body["metadata"].get("nextPageToken")
        if page_token is None:
            break
        assert len(body["elements"]) == 5
    assert pages == 3 and len(seen) == 14 and seen == sorted(set(seen))


def test_a_page_exactly_full_has_no_next_token(sandbox, token):
    body = search(sandbox, token, "q=search&pageSize=14")
    assert len(body["elements"]) == 14 and body["metadata"] == {}


def test_projection(sandbox, token):
    body = search(sandbox, token, "q=search&fields=id,name,test,reference")
    assert set(body["elements"][0]) == {"id", "name", "test", "reference"}


@pytest.mark.parametrize("query, param", [
    ("q=search&search=(status:(values:List(ACTIVE))", "search"),  # unbalanced
    ("q=search&search=%28status%3A%28values%3AList%28ACTIVE%29%29%29", "search"),  # structure encoded
    ("q=search&search=(status:(values:List(ACTIVATED)))", "search"),
    ("q=search&search=(status:List(ACTIVE))", "search"),
    ("q=search&search=(colour:(values:List(RED)))", "search"),
    ("q=search&search=(test:maybe)", "search"),
    ("q=search&pageSize=0", "pageSize"),
    ("q=search&pageSize=1001", "pageSize"),
    ("q=search&pageToken=garbage", "pageToken"),
])
def test_bad_search_is_400_naming_the_param(sandbox, token, query, param):
    r = sandbox.rest("GET", ACCOUNTS, token, query=query)
    assert r.status_code == 400
    assert r.json()["code"] == "ILLEGAL_ARGUMENT" and f"param: {param}" in r.json()["message"]


def test_search_needs_the_finder_and_a_scope(sandbox, token):
    assert sandbox.rest("GET", ACCOUNTS, token).status_code == 400
    assert sandbox.rest("GET", ACCOUNTS, token, query="q=nope").status_code == 400
    assert sandbox.rest("GET", ACCOUNTS, None, query="q=search").status_code == 401
    tok = sandbox.token("openid profile")["access_token"]
    r = sandbox.rest("GET", ACCOUNTS, tok, query="q=search")
    assert r.status_code == 403
    assert r.json()["message"] == "Not enough permissions to access: adAccounts.FINDER-search.20260801"


def test_other_members_see_their_own(sandbox):
    vic = sandbox.token("r_ads", member="V1cV1ewer0")["access_token"]
    noa = sandbox.token("r_ads", member="N0aNewc0mr")["access_token"]
    assert len(search(sandbox, vic)["elements"]) == 3
    assert search(sandbox, noa) == {"elements": [], "metadata": {}}


def test_get_one_account(sandbox, token, world):
    mine, vics = by_name(world)["Northwind - Brand US"], by_name(world)["Contoso - Awareness"]
    r = sandbox.rest("GET", f"{ACCOUNTS}/{mine}", token)
    assert r.status_code == 200 and r.json()["name"] == "Northwind - Brand US" and r.json()["id"] == mine
    r = sandbox.rest("GET", f"{ACCOUNTS}/{vics}", token)
    assert r.status_code == 403 and r.json()["code"] == "ACCESS_DENIED"
    assert sandbox.rest("GET", f"{ACCOUNTS}/1", token).status_code == 404
    assert sandbox.rest("GET", f"{ACCOUNTS}/abc", token).status_code == 400


# -- adAccountUsers?q=accounts and the complex key -----------------------------------------

def test_users_of_an_account_with_linkedins_encoding(sandbox, token, world):
    account = by_name(world)["Northwind - Brand US"]
    r = sandbox.rest("GET", USERS, token, query=f"q=accounts&accounts=List(urn%3Ali%3AsponsoredAccount%3A{account})")
    assert r.status_code == 200, r.text
    body = r.json()
    users = {e["user"]: e["role"] for e in body["elements"]}
    assert users[AVERY] == "ACCOUNT_MANAGER" and users[VIC] == "VIEWER"
    assert {e["account"] for e in body["elements"]} == {f"urn:li:sponsoredAccount:{account}"}
    assert body["paging"]["total"] == len(world.users_of(account))


def test_users_finder_bare_urn_and_several_accounts(sandbox, token, world):
    a, b = by_name(world)["Northwind - Brand US"], by_name(world)["Northwind - Recruiting"]
    bare = sandbox.rest("GET", USERS, token, query=f"count=500&q=accounts&accounts=urn:li:sponsoredAccount:{a}")
    assert bare.status_code == 200 and bare.json()["paging"]["total"] == len(world.users_of(a))
    both = sandbox.rest("GET", USERS, token, query=restli.query({
        "q": "accounts", "accounts": [f"urn:li:sponsoredAccount:{a}", f"urn:li:sponsoredAccount:{b}"], "count": 100}))
    assert both.status_code == 200
    assert both.json()["paging"]["total"] == len(world.users_of(a)) + len(world.users_of(b))


def test_users_finder_refuses_accounts_without_a_role(sandbox, token, world):
    contoso = by_name(world)["Contoso - Awareness"]
    r = sandbox.rest("GET", USERS, token, query=f"q=accounts&accounts=List(urn%3Ali%3AsponsoredAccount%3A{contoso})")
    assert r.status_code == 403
    for bad in ("List(urn%3Ali%3Aorganization%3A1)", "List(123)", "List(urn"):
        assert sandbox.rest("GET", USERS, token, query=f"q=accounts&accounts={bad}").status_code == 400
    assert sandbox.rest("GET", USERS, token, query="q=accounts").status_code == 400


def test_one_role_by_complex_key(sandbox, token, world):
    account = by_name(world)["Northwind - Brand US"]
    key = f"(account:urn%3Ali%3AsponsoredAccount%3A{account},user:urn%3Ali%3Aperson%3AV1cV1ewer0)"
    r = sandbox.rest("GET", f"{USERS}/{key}", token)
    assert r.status_code == 200, r.text
    assert r.json()["role"] == "VIEWER" and r.json()["user"] == VIC
    missing = f"(account:urn%3Ali%3AsponsoredAccount%3A{account},user:urn%3Ali%3Aperson%3AN0aNewc0mr)"
    assert sandbox.rest("GET", f"{USERS}/{missing}", token).status_code == 404
    contoso = by_name(world)["Contoso - Awareness"]
    other = f"(account:urn%3Ali%3AsponsoredAccount%3A{contoso},user:urn%3Ali%3Aperson%3AV1cV1ewer0)"
    assert sandbox.rest("GET", f"{USERS}/{other}", token).status_code == 403
    assert sandbox.rest("GET", f"{USERS}/(account:1)", token).status_code == 400


def test_query_tunneling_for_long_queries(sandbox, token, world):
    """A GET too long for a URL travels as POST + X-HTTP-Method-Override: GET + form body."""
    ids = ",".join(str(1000 + i) for i in range(800)) + "," + ",".join(str(a) for a in by_name(world).values())
    query = f"q=search&search=(id:(values:List({ids})))"
    assert len(query) > 4000
    r = sandbox.http.post(sandbox.url(ACCOUNTS), data=query, headers={
        "Authorization": f"Bearer {token}", "LinkedIn-Version": "202608", "X-Restli-Protocol-Version": "2.0.0",
        "X-HTTP-Method-Override": "GET", "Content-Type": "application/x-www-form-urlencoded"})
    assert r.status_code == 200, r.text
    assert len(r.json()["elements"]) == 14
