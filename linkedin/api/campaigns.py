"""Ad campaigns: read per ad account, with the Matched Audiences their targeting includes or excludes.

``GET /rest/adAccounts/{id}/adCampaigns?q=search`` (scope ``r_ads``), cursor-paged since
202401 (linkedin-contract.md, "Campaigns"). A campaign names a DMP segment through the
audience-matching facet of its ``targetingCriteria`` with the segment's ad segment URN
(``destinationSegmentId``): ``include.and[].or`` holds the facets a member must match,
``exclude.or`` those that keep a member out. The client always lists the statuses it
wants, so it does not depend on what the finder returns without a ``search``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Mapping

from linkedin.api import restli
from linkedin.api.client import Client
from linkedin.api.errors import MalformedResponse

AUDIENCE_FACET = "urn:li:adTargetingFacet:audienceMatchingSegments"
STATUSES = ("ACTIVE", "PAUSED", "ARCHIVED", "COMPLETED", "CANCELED", "DRAFT", "PENDING_DELETION", "REMOVED")
# What the analyst sees by default: everything but what LinkedIn is deleting or has removed.
SHOWN_STATUSES = ("ACTIVE", "PAUSED", "DRAFT", "COMPLETED", "ARCHIVED", "CANCELED")
LIVE = ("ACTIVE",)  # serves ads now: a segment it uses must be serving
PAGE_SIZE = 1000  # the cursor finders' maximum: one call for an account of up to 1,000 campaigns
FIELDS = "id,name,account,status,type,targetingCriteria,servingStatuses"


@dataclass(frozen=True)
class Campaign:
    """One campaign, with the ad segment URNs of its audience-matching targeting."""

    id: int
    name: str
    account_urn: str
    status: str
    type: str | None
    includes: tuple[str, ...]
    excludes: tuple[str, ...]
    serving_statuses: tuple[str, ...] = ()

    @property
    def live(self) -> bool:
        return self.status in LIVE

    @classmethod
    def from_api(cls, data: Mapping[str, Any], *, account_urn: str) -> "Campaign":
        if not isinstance(data, Mapping):
            raise MalformedResponse("a campaign LinkedIn sent is not an object")
        raw_id = data.get("id")
        if isinstance(raw_id, str) and raw_id.rsplit(":", 1)[-1].isdigit():
            raw_id = int(raw_id.rsplit(":", 1)[-1])
        if isinstance(raw_id, bool) or not isinstance(raw_id, int):
            raise MalformedResponse(f"a campaign LinkedIn sent has no numeric id ({raw_id!r})")
        includes, excludes = audience_segments(data.get("targetingCriteria"))
        serving = data.get("servingStatuses")
        return cls(
            id=raw_id,
            name=data.get("name") if isinstance(data.get("name"), str) and data.get("name") else f"Campaign {raw_id}",
            account_urn=data.get("account") if isinstance(data.get("account"), str) else account_urn,
            status=data.get("status") if isinstance(data.get("status"), str) else "UNKNOWN",
            type=data.get("type") if isinstance(data.get("type"), str) else None,
            includes=includes,
            excludes=excludes,
            serving_statuses=tuple(s for s in serving if isinstance(s, str)) if isinstance(serving, list) else (),
        )


def _facet_values(clause: Any) -> list[str]:
    if not isinstance(clause, Mapping) or not isinstance(clause.get("or"), Mapping):
        return []
    values = clause["or"].get(AUDIENCE_FACET)
    return [v for v in values if isinstance(v, str)] if isinstance(values, list) else []


def audience_segments(criteria: Any) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(included, excluded) ad segment URNs of a ``targetingCriteria``, in order, without repeats."""
    if not isinstance(criteria, Mapping):
        return (), ()
    include = criteria.get("include")
    ands = include.get("and") if isinstance(include, Mapping) else None
    included = [v for clause in (ands if isinstance(ands, list) else []) for v in _facet_values(clause)]
    excluded = _facet_values(criteria.get("exclude"))
    return tuple(dict.fromkeys(included)), tuple(dict.fromkeys(excluded))


def find_by_account(client: Client, account_urn: str, *, statuses: Iterable[str] = SHOWN_STATUSES,
                    page_size: int = PAGE_SIZE) -> tuple[list[Campaign], list[str]]:
    """Every campaign of one account in ``statuses``: one call per 1,000 campaigns."""
    account_id = restli.urn_id(account_urn)
    if not account_id.isdigit():
        raise ValueError(f"not an ad account URN: {account_urn!r}")
    params = {"q": "search", "search": {"status": {"values": list(statuses)}}, "fields": FIELDS}
    found: list[Campaign] = []
    problems: list[str] = []
    for element in client.cursor_elements(f"/rest/adAccounts/{account_id}/adCampaigns", params=params,
                                          page_size=page_size):
        try:
            found.append(Campaign.from_api(element, account_urn=account_urn))
        except MalformedResponse as err:
            problems.append(f"Skipped a campaign of {account_urn}: {err.message}.")
    return found, problems
