"""Ad campaigns under /rest (linkedin-contract.md, "Campaigns"), scope r_ads or rw_ads.

    GET /rest/adAccounts/{id}/adCampaigns?q=search[&search=(status:(values:List(ACTIVE,PAUSED)),
        type:(values:List(SPONSORED_UPDATES)),campaignGroup:(values:List(urn%3Ali%3AsponsoredCampaignGroup%3A1)),
        id:(values:List(urn%3Ali%3AsponsoredCampaign%3A1)),name:(values:List(Lead)),test:false)]
        [&sortOrder=ASCENDING|DESCENDING][&pageSize=][&pageToken=][&fields=]
        the account's campaigns, cursor-paged like adAccounts: {"elements": [...],
        "metadata": {"nextPageToken": "..."}}. Without `search`, every status.
    GET /rest/adAccounts/{id}/adCampaigns/{campaignId}    one campaign.

Strict like the rest of the sandbox: Rest.li 2.0 only (the 1.0 form
`search.status.values[0]=ACTIVE` is refused with 400, since every call carries
`X-Restli-Protocol-Version: 2.0.0`), unknown search fields and statuses refused,
`start`/`count` refused unless `campaign_finder_start_count` is "ignore"; 403 without a
role on the account, 404 for an account that does not exist."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

import linkedin.sandbox.errors as errors

from .access import Caller, require, world_of
from .campaigns import STATUSES, TYPES, Campaign
from .paging import Cursor
from .params import Query, bad_param, project, search_values

ADS_READ = ("r_ads", "rw_ads")
_SEARCH_FIELDS = {"status", "type", "campaignGroup", "id", "name", "test"}
_SORT = ("ASCENDING", "DESCENDING")


def _urn_ids(values: list[str] | None, kind: str) -> set[int] | None:
    if values is None:
        return None
    prefix = f"urn:li:{kind}:"
    out = set()
    for value in values:
        if not value.startswith(prefix) or not value[len(prefix):].isdigit():
            raise bad_param("search", f"expected {prefix}<id>, got {value!r}")
        out.add(int(value[len(prefix):]))
    return out


def search_filter(search: Any) -> Callable[[Campaign], bool]:
    """The predicate of a `search=(...)` record; 400 for anything LinkedIn would refuse."""
    if search is None:
        return lambda campaign: True
    if not isinstance(search, dict):
        raise bad_param("search", "expected a record (field:(values:List(...)),...)")
    unknown = set(search) - _SEARCH_FIELDS
    if unknown:
        raise bad_param("search", f"unknown search field {sorted(unknown)[0]!r}")
    statuses, types = search_values(search, "status"), search_values(search, "type")
    for value in statuses or ():
        if value not in STATUSES:
            raise bad_param("search", f"unknown status {value!r}")
    for value in types or ():
        if value not in TYPES:
            raise bad_param("search", f"unknown type {value!r}")
    groups = _urn_ids(search_values(search, "campaignGroup"), "sponsoredCampaignGroup")
    ids = _urn_ids(search_values(search, "id"), "sponsoredCampaign")
    names = [n.casefold() for n in search_values(search, "name") or ()]
    test = search.get("test")
    if test is not None and test not in ("true", "false"):
        raise bad_param("search", "test must be true or false")

    def keep(c: Campaign) -> bool:
        return ((statuses is None or c.status in statuses) and (types is None or c.type in types)
                and (groups is None or c.campaign_group_id in groups) and (ids is None or c.id in ids)
                and (not names or any(n in c.name.casefold() for n in names))
                and (test is None or c.test == (test == "true")))

    return keep


def _account(request: Request, caller: Caller) -> int:
    raw = request.path_params["account_id"]
    if not raw.isdigit():
        raise errors.illegal_argument(f"Invalid key: {raw!r} is not an ad account id")
    world = world_of(request)
    if int(raw) not in world.ad_accounts:
        raise errors.not_found(f"Ad account {raw} not found")
    if world.role_on(caller.member, int(raw)) is None:
        raise errors.access_denied(f"adCampaigns.FINDER-search.{caller.version}01")
    return int(raw)


async def ad_campaigns(request: Request) -> Response:
    caller = require(request, scopes=ADS_READ, resource="adCampaigns.FINDER-search.{version}")
    query = Query.of(request)
    dotted = sorted(k for k in query.params if k.startswith("search.") or "[" in k)
    if dotted:
        raise bad_param(dotted[0], "Rest.li 1.0 syntax; with X-Restli-Protocol-Version 2.0.0 send "
                                   "search=(status:(values:List(...)))")
    finder = query.finder()
    if finder != "search":
        raise errors.illegal_argument(f"Unsupported finder: q={finder}" if finder else "A finder (q=) is required")
    world = world_of(request)
    if (query.has("start") or query.has("count")) and world.settings.campaign_finder_start_count == "refuse":
        raise errors.illegal_argument("adCampaigns pages by cursor: send pageSize and pageToken, not start and count")
    account_id = _account(request, caller)
    keep = search_filter(query.value("search"))
    order = query.text("sortOrder") or "ASCENDING"
    if order not in _SORT:
        raise bad_param("sortOrder", f"must be one of {', '.join(_SORT)}")
    cursor = Cursor.from_query(request.query_params)
    fields = query.fields()
    found = [c for c in world.campaigns.of_account(account_id) if keep(c)]
    items = [(c.id, project([c.to_api()], fields)[0]) for c in sorted(found, key=lambda c: c.id)]
    answer = cursor.answer(items)
    if order == "DESCENDING":  # the cursor walks ids upwards; a descending page is that page reversed
        answer["elements"].reverse()
    return JSONResponse(answer)


async def ad_campaign(request: Request) -> Response:
    caller = require(request, scopes=ADS_READ, resource="adCampaigns.GET.{version}")
    account_id = _account(request, caller)
    raw = request.path_params["campaign_id"]
    if not raw.isdigit():
        raise errors.illegal_argument(f"Invalid key: {raw!r} is not a campaign id")
    for campaign in world_of(request).campaigns.of_account(account_id):
        if campaign.id == int(raw):
            return JSONResponse(project([campaign.to_api()], Query.of(request).fields())[0])
    raise errors.not_found(f"Campaign {raw} not found in ad account {account_id}")


routes = [
    Route("/rest/adAccounts/{account_id}/adCampaigns", ad_campaigns, methods=["GET"]),
    Route("/rest/adAccounts/{account_id}/adCampaigns/{campaign_id}", ad_campaign, methods=["GET"]),
]
