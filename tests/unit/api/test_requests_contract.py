"""Every request the client sends, held against LinkedIn's documentation: method, path, query
encoding, headers and body, exactly (docs/linkedin-contract.md; linkedin-api.md §2-§7).

Each test drives one library function against ``responses`` and asserts the whole request.
"""

import json
from urllib.parse import parse_qs, urlsplit

import pytest
import responses

from linkedin.api import accounts, segment_creation, segments
from linkedin.api.client import Client, RetryPolicy, StaticToken
from linkedin.api.connection import identify
from linkedin.api.oauth import OAuth, Token
from linkedin.api.settings import Settings
from linkedin.store import Store
from linkedin.sync.plans import Plan
from linkedin.sync.sender import Sender

API = "https://api.linkedin.com"
WWW = "https://www.linkedin.com"
PLATFORM = "ACME_AUDIENCES"
SETTINGS = Settings(client_id="cid", client_secret="csecret", redirect_uri="https://app.example/oauth/linkedin/callback",
                    cookie_secret="x" * 32, source_platform=PLATFORM)
REST = {"Authorization": "Bearer T", "LinkedIn-Version": "202608", "X-Restli-Protocol-Version": "2.0.0"}
ACCOUNT = "urn:li:sponsoredAccount:123456"


def client() -> Client:
    return Client(SETTINGS, StaticToken("T"), retry=RetryPolicy(tries=1), sleep=lambda s: None)


def sent(call) -> tuple[str, str, dict[str, list[str]]]:
    parts = urlsplit(call.request.url)
    return call.request.method, parts.path, parse_qs(parts.query, keep_blank_values=True)


def headers_of(call, names) -> dict[str, str | None]:
    return {n: call.request.headers.get(n) for n in names}


REST_NAMES = ("Authorization", "LinkedIn-Version", "X-Restli-Protocol-Version", "X-RestLi-Method", "Content-Type")


# -- OAuth (AUTH/authorization-code-flow, programmatic-refresh-tokens, token-introspection) ----------

def test_the_consent_url():
    url = OAuth(SETTINGS).authorization_url("st4te")
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "www.linkedin.com", "/oauth/v2/authorization")
    assert parse_qs(parts.query) == {"response_type": ["code"], "client_id": ["cid"],
                                     "redirect_uri": [SETTINGS.redirect_uri], "scope": ["r_ads rw_dmp_segments"],
                                     "state": ["st4te"]}
    assert "scope=r_ads+rw_dmp_segments" in url or "scope=r_ads%20rw_dmp_segments" in url  # space-delimited


@responses.activate
def test_the_code_exchange_sends_the_credentials_in_the_form_body():
    responses.post(WWW + "/oauth/v2/accessToken", json={"access_token": "A", "expires_in": 5184000,
                                                        "scope": "r_ads,rw_dmp_segments"})
    OAuth(SETTINGS).exchange("C0DE")
    (call,) = responses.calls
    assert call.request.method == "POST" and call.request.url == WWW + "/oauth/v2/accessToken"
    assert call.request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert "Authorization" not in call.request.headers
    assert parse_qs(call.request.body) == {"grant_type": ["authorization_code"], "code": ["C0DE"],
                                           "client_id": ["cid"], "client_secret": ["csecret"],
                                           "redirect_uri": [SETTINGS.redirect_uri]}


@responses.activate
def test_a_refresh_sends_the_refresh_token_and_the_credentials_in_the_form_body():
    responses.post(WWW + "/oauth/v2/accessToken", json={"access_token": "A2", "expires_in": 5184000,
                                                        "refresh_token": "R", "refresh_token_expires_in": 1000})
    OAuth(SETTINGS, clock=lambda: 100.0).refresh(Token("A", 50.0, ("r_ads",), "R", 10_000.0))
    (call,) = responses.calls
    assert call.request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert parse_qs(call.request.body) == {"grant_type": ["refresh_token"], "refresh_token": ["R"],
                                           "client_id": ["cid"], "client_secret": ["csecret"]}


@responses.activate
def test_introspection_posts_the_token_with_the_credentials():
    responses.post(WWW + "/oauth/v2/introspectToken", json={"active": True, "status": "active", "expires_at": 9,
                                                            "scope": "r_ads", "auth_type": "3L"})
    OAuth(SETTINGS).introspect(Token("A", 0, ()))
    (call,) = responses.calls
    assert call.request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert parse_qs(call.request.body) == {"client_id": ["cid"], "client_secret": ["csecret"], "token": ["A"]}


# -- who connected (SIWL; ADS account users) -------------------------------------------------------

@responses.activate
def test_userinfo_when_openid_profile_were_granted():
    responses.get(API + "/v2/userinfo", json={"sub": "Av3ry", "name": "Avery Analyst"})
    assert identify(client(), ("r_ads", "rw_dmp_segments", "openid", "profile")) == ("urn:li:person:Av3ry",
                                                                                      "Avery Analyst")
    (call,) = responses.calls
    assert sent(call) == ("GET", "/v2/userinfo", {})
    assert call.request.headers["Authorization"] == "Bearer T"


@responses.activate
def test_without_openid_the_member_is_known_from_their_account_roles():
    responses.get(API + "/rest/adAccountUsers", json={"elements": [{"account": ACCOUNT, "user": "urn:li:person:Av3ry",
                                                                     "role": "ACCOUNT_MANAGER"}]})
    assert identify(client(), ("r_ads", "rw_dmp_segments")) == ("urn:li:person:Av3ry", None)
    (call,) = responses.calls
    assert sent(call) == ("GET", "/rest/adAccountUsers", {"q": ["authenticatedUser"], "count": ["1"]})
    assert headers_of(call, REST) == REST


# -- ad accounts (ADS/account-structure) -------------------------------------------------------------

@responses.activate
def test_ad_accounts_roles_then_a_cursor_paged_search_in_restli_encoding():
    role = {"account": ACCOUNT, "user": "urn:li:person:Av3ry", "role": "ACCOUNT_MANAGER",
            "changeAuditStamps": {"created": {"time": 1}, "lastModified": {"time": 1}}}
    responses.get(API + "/rest/adAccountUsers", json={"elements": [role], "paging": {"start": 0, "count": 1, "total": 1}})
    responses.get(API + "/rest/adAccounts", json={"elements": [], "metadata": {}})
    accounts.load(client())
    roles, search = responses.calls
    method, path, query = sent(roles)
    assert (method, path, query["q"]) == ("GET", "/rest/adAccountUsers", ["authenticatedUser"])
    assert search.request.url.startswith(
        API + "/rest/adAccounts?q=search&search=(status:(values:List(ACTIVE,CANCELED,DRAFT,PENDING_DELETION,REMOVED)))")
    assert "pageSize=" in search.request.url
    assert headers_of(search, REST) == REST


# -- segments (MA/create-and-manage-segments) ------------------------------------------------------------

@responses.activate
def test_the_account_finder_pages_explicitly():
    responses.get(API + "/rest/dmpSegments", json={"elements": [], "paging": {"start": 0, "count": 1000, "total": 0}})
    segments.find_by_account(client(), ACCOUNT)
    (call,) = responses.calls
    assert call.request.url == (API + "/rest/dmpSegments?q=account&account=urn%3Ali%3AsponsoredAccount%3A123456"
                                "&start=0&count=1000")
    assert headers_of(call, REST) == REST


@responses.activate
def test_one_segment_by_id():
    responses.get(API + "/rest/dmpSegments/42", json={"id": 42, "name": "S", "account": ACCOUNT})
    segments.get(client(), 42)
    (call,) = responses.calls
    assert sent(call) == ("GET", "/rest/dmpSegments/42", {})
    assert headers_of(call, REST) == REST


@responses.activate
def test_a_create_with_the_partners_source_platform():
    responses.post(API + "/rest/dmpSegments", status=201, headers={"x-restli-id": "77"})
    segment_creation.create(client(), account_urn=ACCOUNT, name="Q3 webinar", kind="users")
    (call,) = responses.calls
    assert sent(call) == ("POST", "/rest/dmpSegments", {})
    assert headers_of(call, (*REST, "Content-Type")) == {**REST, "Content-Type": "application/json"}
    assert json.loads(call.request.body) == {"name": "Q3 webinar", "account": ACCOUNT, "type": "USER",
                                             "sourcePlatform": PLATFORM, "destinations": [{"destination": "LINKEDIN"}]}


# -- members (MA/segment-users, segment-companies) -----------------------------------------------------

@pytest.mark.parametrize("kind, element", [
    ("users", {"userIds": [{"idType": "SHA256_EMAIL", "idValue": "a" * 64},
                           {"idType": "GOOGLE_AID", "idValue": "a7e1c2d4-0b5f-4e6a-9c3d-1f2e3a4b5c6d"}],
               "firstName": "Ann"}),
    ("companies", {"companyName": "Acme", "companyWebsiteDomain": "acme.com"}),
])
@responses.activate
def test_a_batch_of_members(kind, element):
    responses.post(API + f"/rest/dmpSegments/9/{kind}", json={"elements": [{"status": 201}]})
    store = Store()
    sender = Sender(client(), store, kind=kind, sleep=lambda s: None)
    plan = Plan("add", frozenset({"k1"}), frozenset(), frozenset(), 0, 0)
    run_id = sender.start(owner="me", segment_id=9, segment_name="S", account=ACCOUNT, plan=plan, needs_file=True)
    sender.run(run_id, lambda keys: {k: element for k in keys})
    (call,) = responses.calls
    assert sent(call) == ("POST", f"/rest/dmpSegments/9/{kind}", {})
    assert headers_of(call, REST_NAMES) == {**REST, "X-RestLi-Method": "BATCH_CREATE",
                                            "Content-Type": "application/json"}
    assert json.loads(call.request.body) == {"elements": [{"action": "ADD", **element}]}
