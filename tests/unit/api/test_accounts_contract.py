"""Ad accounts (MA-101) against LinkedIn's documented answers: exact URLs, pages, the join."""

import pytest
import responses

from linkedin.api import accounts
from linkedin.api.accounts import Account, AccountList
from linkedin.api.client import Client, StaticToken
from linkedin.api.errors import NotManageable
from linkedin.api.settings import Settings

API = "https://api.linkedin.com"
SETTINGS = Settings(client_id="cid", client_secret="csecret", redirect_uri="https://a/cb", cookie_secret="x" * 32)
USERS = API + "/rest/adAccountUsers?q=authenticatedUser"
SEARCH = (API + "/rest/adAccounts?q=search&search=(status:(values:List(ACTIVE,CANCELED,DRAFT,PENDING_DELETION,"
          "REMOVED)))&pageSize=100")


def role(account_id, role_name, user="urn:li:person:abc"):
    return {"account": f"urn:li:sponsoredAccount:{account_id}", "user": user, "role": role_name,
            "changeAuditStamps": {"created": {"time": 1}, "lastModified": {"time": 1}}, "version": {"versionTag": "1"}}


def account(account_id, name, status="ACTIVE", **extra):
    return {"id": account_id, "name": name, "status": status, "type": "BUSINESS", "currency": "USD",
            "reference": "urn:li:organization:1", "test": False, "servingStatuses": ["RUNNABLE"], **extra}


def client():
    return Client(SETTINGS, StaticToken("T"))


@responses.activate
def test_roles_follow_start_count_pages_and_search_follows_cursor_pages():
    responses.get(USERS + "&start=0&count=100",
                  json={"elements": [role(i, "ACCOUNT_MANAGER") for i in range(100)], "paging": {"start": 0, "count": 100, "total": 102}})
    responses.get(USERS + "&start=100&count=100",
                  json={"elements": [role(100, "VIEWER"), role(101, "CAMPAIGN_MANAGER")], "paging": {"start": 100, "count": 100, "total": 102}})
    responses.get(SEARCH, json={"elements": [account(i, f"Acc {i:03d}") for i in range(60)], "metadata": {"nextPageToken": "tok 1"}})
    responses.get(SEARCH + "&pageToken=tok%201",
                  json={"elements": [account(i, f"Acc {i:03d}", "CANCELED") for i in range(60, 102)], "metadata": {}})

    listing = accounts.load(client())

    assert [c.request.url for c in responses.calls] == [
        USERS + "&start=0&count=100", USERS + "&start=100&count=100", SEARCH, SEARCH + "&pageToken=tok%201"]
    assert len(listing.accounts) == 102 and listing.problems == ()
    by_id = {a.id: a for a in listing.accounts}
    assert by_id[100] == Account(100, "Acc 100", "CANCELED", "BUSINESS", "USD", False, "VIEWER", "urn:li:organization:1")
    # 100: VIEWER; 101: CAMPAIGN_MANAGER on a CANCELED account; 59: ACCOUNT_MANAGER on an ACTIVE one
    assert (by_id[100].can_manage, by_id[101].can_manage, by_id[59].can_manage) == (False, False, True)
    assert by_id[5].urn == "urn:li:sponsoredAccount:5"
    assert [a.name for a in listing.accounts][:3] == ["Acc 000", "Acc 001", "Acc 002"]


@responses.activate
def test_member_without_accounts_costs_one_call_and_is_empty():
    responses.get(USERS + "&start=0&count=100", json={"elements": [], "paging": {"start": 0, "count": 100, "total": 0}})
    listing = accounts.load(client())
    assert listing == AccountList((), ())
    assert len(responses.calls) == 1
    assert listing.viewer_only is False


@responses.activate
def test_viewer_only_member_and_roles_search_did_not_return():
    responses.get(USERS + "&start=0&count=100",
                  json={"elements": [role(1, "VIEWER"), role(2, "VIEWER")], "paging": {"start": 0, "count": 100, "total": 2}})
    responses.get(SEARCH, json={"elements": [account(1, "Contoso")]})
    listing = accounts.load(client())
    assert listing.viewer_only is True
    assert listing.manageable == ()
    missing = [a for a in listing.accounts if a.details_missing]
    assert [(a.id, a.role, a.status) for a in missing] == [(2, "VIEWER", "UNKNOWN")]
    assert listing.problems == (
        "LinkedIn listed a role on 1 account(s) that its account search did not return (2): shown without details.",)


@responses.activate
def test_malformed_elements_become_sentences_and_the_rest_loads():
    responses.get(USERS + "&start=0&count=100",
                  json={"elements": [role(1, "ACCOUNT_MANAGER"), {"account": "urn:li:organization:9", "role": "VIEWER"}],
                        "paging": {"start": 0, "count": 100, "total": 2}})
    responses.get(SEARCH, json={"elements": [account(1, "Good"), {"name": "no id"}]})
    listing = accounts.load(client())
    assert [a.name for a in listing.accounts] == ["Good"]
    assert listing.problems == (
        "Skipped a role LinkedIn sent: an adAccountUsers element has no usable account URN ('urn:li:organization:9').",
        "Skipped an ad account LinkedIn sent: an adAccounts element has no numeric id (None).",
    )


def test_join_keeps_accounts_without_role_as_unknown_and_not_manageable():
    joined = accounts.join([], [accounts.AdAccount(7, "Lone", "ACTIVE", "BUSINESS", "EUR", True)])
    assert joined == [Account(7, "Lone", "ACTIVE", "BUSINESS", "EUR", True, "UNKNOWN")]
    assert joined[0].can_manage is False


SAMPLE = [
    Account(11, "Northwind Brand", "ACTIVE", "BUSINESS", "USD", False, "ACCOUNT_MANAGER"),
    Account(22, "Northwind Legacy", "CANCELED", "BUSINESS", "USD", False, "VIEWER"),
    Account(33, "Contoso", "DRAFT", "ENTERPRISE", "EUR", True, "CAMPAIGN_MANAGER"),
]


@pytest.mark.parametrize(
    "kwargs, expected",
    [
        ({}, [11, 22, 33]),
        ({"statuses": ["ACTIVE", "DRAFT"]}, [11, 33]),
        ({"roles": ["VIEWER"]}, [22]),
        ({"text": "northwind"}, [11, 22]),
        ({"text": "  LEGACY "}, [22]),
        ({"text": "33"}, [33]),
        ({"text": "urn:li:sponsoredAccount:22"}, [22]),
        ({"text": "northwind", "roles": ["ACCOUNT_MANAGER"]}, [11]),
        ({"text": "nothing like it"}, []),
    ],
)
def test_select_filters_by_status_role_and_searches_name_or_id(kwargs, expected):
    assert [a.id for a in accounts.select(SAMPLE, **kwargs)] == expected


def test_row_says_plainly_whether_audiences_can_be_managed():
    assert SAMPLE[0].to_row()["Can manage audiences"] == "yes"
    assert SAMPLE[1].to_row()["Can manage audiences"] == "no (closed account)"
    viewer = Account(66, "Northwind Views", "ACTIVE", "BUSINESS", "USD", False, "VIEWER")
    assert viewer.to_row()["Can manage audiences"] == "no (read only)"


@pytest.mark.parametrize("status", ["CANCELED", "PENDING_DELETION", "REMOVED"])
def test_a_closed_account_manages_no_audience_whatever_the_role(status):
    closed = Account(44, "Old brand", status, "BUSINESS", "USD", False, "ACCOUNT_MANAGER")
    assert (closed.can_manage, closed.to_row()["Can manage audiences"]) == (False, "no (closed account)")
    assert closed.refusal == (f"ad account Old brand (44) is {status}: LinkedIn serves no campaign from it, so its "
                              "audiences cannot be created or changed")
    assert AccountList((closed,)).manageable == ()
    with pytest.raises(NotManageable) as err:
        accounts.require_manageable(closed)
    assert err.value.explain() == (f"Ad account Old brand (44) is {status}: LinkedIn serves no campaign from it, so "
                                   "its audiences cannot be created or changed. Pick an open ad account where your "
                                   "role is Campaign Manager or higher.")


@pytest.mark.parametrize("status, manageable", [("ACTIVE", True), ("DRAFT", True), ("UNKNOWN", True)])
def test_open_accounts_stay_manageable_by_any_role_but_viewer(status, manageable):
    open_ = Account(55, "Open", status, "BUSINESS", "USD", False, "CREATIVE_MANAGER")
    assert (open_.can_manage, open_.refusal, accounts.require_manageable(open_)) == (manageable, None, open_)
