"""Ad accounts and account users under /rest (linkedin-api.md §4), scope r_ads or rw_ads.

    GET /rest/adAccountUsers?q=authenticatedUser[&start=&count=]
        the caller's roles: {"elements": [{account, user, role, changeAuditStamps,
        version}], "paging": {start, count, links, total}} (count defaults to 10).
    GET /rest/adAccountUsers?q=accounts&accounts=List(urn%3Ali%3AsponsoredAccount%3A1,...)
        (or a bare URN, as Airbyte sends) every user of those accounts; 403 unless the
        caller has a role on each.
    GET /rest/adAccountUsers/(account:urn%3Ali%3AsponsoredAccount%3A1,user:urn%3Ali%3Aperson%3AX)
        one role; 403 without a role on the account, 404 when that user has none.
    GET /rest/adAccounts?q=search[&search=(status:(values:List(ACTIVE,...)),
        type:(values:List(BUSINESS,ENTERPRISE)),test:false,id:(values:List(1,...)),
        name:(values:List(...)),reference:(values:List(urn...)))][&pageSize=][&pageToken=][&fields=]
        accounts the caller has a role on, by id, cursor-paged: {"elements": [...],
        "metadata": {"nextPageToken": "..."}} (no token on the last page). Without
        `search`, every status; `test:false` leaves test accounts out; names match
        case-insensitively on any part.
    GET /rest/adAccounts/{id}    one account; 403 without a role, 404 if there is none."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

import linkedin.sandbox.errors as errors

from .access import Caller, require, world_of
from .accounts import STATUSES, AdAccount
from .paging import Cursor, Page
from .params import Query, bad_param, project, search_values
from .restli_query import DecodeError, decode

ADS_READ = ("r_ads", "rw_ads")
ACCOUNT_URN = re.compile(r"^urn:li:sponsoredAccount:(\d+)$")
PERSON_URN = re.compile(r"^urn:li:person:[A-Za-z0-9_-]+$")
TYPES = ("BUSINESS", "ENTERPRISE")


def account_id_of(value: Any, *, param: str) -> int:
    """The id in `urn:li:sponsoredAccount:N`, else a 400 naming `param`."""
    found = ACCOUNT_URN.match(value) if isinstance(value, str) else None
    if found is None:
        raise bad_param(param, f"expected urn:li:sponsoredAccount:<id>, got {value!r}")
    return int(found.group(1))


# -- adAccountUsers ---------------------------------------------------------------------

async def ad_account_users(request: Request) -> Response:
    finder = request.query_params.get("q")
    caller = require(request, scopes=ADS_READ, resource=f"adAccountUsers.FINDER-{finder or 'GET_ALL'}.{{version}}")
    query = Query.of(request)
    finder = query.finder()
    world = world_of(request)
    page = Page.from_query(request.query_params)
    if finder == "authenticatedUser":
        return JSONResponse(page.answer([r.to_api() for r in world.roles_of(caller.member)]))
    if finder == "accounts":
        raw = query.value("accounts")
        if raw is None:
            raise errors.illegal_argument("Missing required param: accounts")
        urns = raw if isinstance(raw, list) else [raw]
        ids = [account_id_of(u, param="accounts") for u in urns]
        for account_id in ids:
            if world.role_on(caller.member, account_id) is None:
                raise errors.access_denied(f"adAccountUsers.FINDER-accounts.{caller.version}01")
        users = [u.to_api() for account_id in dict.fromkeys(ids) for u in world.users_of(account_id)]
        return JSONResponse(page.answer(users))
    raise errors.illegal_argument(f"Unsupported finder: q={finder}" if finder else "A finder (q=) is required")


async def ad_account_user(request: Request) -> Response:
    """GET /rest/adAccountUsers/(account:...,user:...): one role by its complex key."""
    caller = require(request, scopes=ADS_READ, resource="adAccountUsers.GET.{version}")
    raw_path = request.scope.get("raw_path") or request.scope["path"].encode()
    raw_key = raw_path.decode("latin-1").split("/adAccountUsers/", 1)[1]
    try:
        key = decode(raw_key)
    except DecodeError as exc:
        raise errors.illegal_argument(f"Invalid key: {exc}") from None
    if not isinstance(key, dict) or set(key) != {"account", "user"}:
        raise errors.illegal_argument("The key must be (account:urn:li:sponsoredAccount:<id>,user:urn:li:person:<id>)")
    account_id = account_id_of(key["account"], param="account")
    user = key["user"]
    if not isinstance(user, str) or not PERSON_URN.match(user):
        raise bad_param("user", f"expected urn:li:person:<id>, got {user!r}")
    world = world_of(request)
    if world.role_on(caller.member, account_id) is None:
        raise errors.access_denied(f"adAccountUsers.GET.{caller.version}01")
    found = world.account_users.get((account_id, user))
    if found is None:
        raise errors.not_found(f"Ad account user {user} not found on account {account_id}")
    return JSONResponse(found.to_api())


# -- adAccounts -------------------------------------------------------------------------

def search_filter(search: Any) -> Callable[[AdAccount], bool]:
    """The predicate a `search=` criteria record stands for; 400 on anything unknown."""
    if search is None:
        return lambda account: True
    if not isinstance(search, dict):
        raise bad_param("search", "expected a record such as (status:(values:List(ACTIVE)))")
    unknown = set(search) - {"status", "type", "test", "id", "name", "reference"}
    if unknown:
        raise bad_param("search", f"unknown search field {sorted(unknown)[0]!r}")
    statuses, types = search_values(search, "status"), search_values(search, "type")
    for value in statuses or ():
        if value not in STATUSES:
            raise bad_param("search", f"unknown status {value!r}")
    for value in types or ():
        if value not in TYPES:
            raise bad_param("search", f"unknown type {value!r}")
    ids: set[int] | None = None
    if (raw_ids := search_values(search, "id")) is not None:
        try:
            ids = {int(ACCOUNT_URN.sub(r"\1", v)) for v in raw_ids}
        except ValueError:
            raise bad_param("search", "id values must be account ids") from None
    names = [n.casefold() for n in search_values(search, "name") or ()]
    references = search_values(search, "reference")
    test = search.get("test")
    if test is not None and test not in ("true", "false"):
        raise bad_param("search", "test must be true or false")

    def keep(account: AdAccount) -> bool:
        return (
            (statuses is None or account.status in statuses)
            and (types is None or account.type in types)
            and (ids is None or account.id in ids)
            and (not names or any(n in account.name.casefold() for n in names))
            and (references is None or account.reference in references)
            and (test is None or account.test == (test == "true"))
        )

    return keep


async def ad_accounts(request: Request) -> Response:
    finder = request.query_params.get("q")
    caller = require(request, scopes=ADS_READ, resource=f"adAccounts.FINDER-{finder or 'GET_ALL'}.{{version}}")
    query = Query.of(request)
    finder = query.finder()
    if finder != "search":
        raise errors.illegal_argument(f"Unsupported finder: q={finder}" if finder else "A finder (q=) is required")
    keep = search_filter(query.value("search"))
    cursor = Cursor.from_query(request.query_params)
    world = world_of(request)
    mine = [world.ad_accounts[r.account_id] for r in world.roles_of(caller.member)]  # by id
    fields = query.fields()
    items = [(a.id, project([a.to_api()], fields)[0]) for a in mine if keep(a)]
    return JSONResponse(cursor.answer(items))


async def ad_account(request: Request) -> Response:
    caller: Caller = require(request, scopes=ADS_READ, resource="adAccounts.GET.{version}")
    raw = request.path_params["account_id"]
    if not raw.isdigit():
        raise errors.illegal_argument(f"Invalid key: {raw!r} is not an ad account id")
    world = world_of(request)
    account = world.ad_accounts.get(int(raw))
    if account is None:
        raise errors.not_found(f"Ad account {raw} not found")
    if world.role_on(caller.member, account.id) is None:
        raise errors.access_denied(f"adAccounts.GET.{caller.version}01")
    fields = Query.of(request).fields()
    return JSONResponse(project([account.to_api()], fields)[0])


routes = [
    Route("/rest/adAccountUsers", ad_account_users, methods=["GET"]),
    Route("/rest/adAccountUsers/{key}", ad_account_user, methods=["GET"]),
    Route("/rest/adAccounts", ad_accounts, methods=["GET"]),
    Route("/rest/adAccounts/{account_id}", ad_account, methods=["GET"]),
]
