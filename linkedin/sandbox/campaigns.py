"""Ad campaigns: the model, LinkedIn's JSON shape, and the seeded campaigns of each account.

A campaign lives under one ad account and targets members through `targetingCriteria`
(linkedin-contract.md, "Campaigns"): `include.and[]` is a list of `or` maps from a facet
URN to values, `exclude.or` one such map. A Matched Audience is targeted through the
audience-matching facet with the segment's ad segment URN (its `destinationSegmentId`):

    {"include": {"and": [{"or": {"urn:li:adTargetingFacet:audienceMatchingSegments":
                                 ["urn:li:adSegment:8596576"]}},
                         {"or": {"urn:li:adTargetingFacet:locations": ["urn:li:geo:103644278"]}}]},
     "exclude": {"or": {"urn:li:adTargetingFacet:audienceMatchingSegments": ["urn:li:adSegment:8596577"]}}}

Seeding (`seed_campaigns`) is deterministic for a seed: every account with segments gets a
few campaigns in LinkedIn's statuses; ACTIVE and DRAFT ones include only segments that are
in use (not about to archive), so a segment an ACTIVE campaign targets is never archived
(`live_ad_segments`: LinkedIn counts that use as activity). Other campaigns (PAUSED,
COMPLETED, ARCHIVED, ...) may hold any segment, as old campaigns do. Accounts without
segments get one campaign targeting a location only.

The functions take the parts of the world they read (accounts, segments), not the
``World``, which calls them."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from .accounts import AdAccount, account_urn
from .segments import DAY_MS, Segment, SegmentStore

# LinkedIn's campaign statuses (ADS/account-structure/create-and-manage-campaigns).
STATUSES = ("ACTIVE", "PAUSED", "ARCHIVED", "COMPLETED", "CANCELED", "DRAFT", "PENDING_DELETION", "REMOVED")
TYPES = ("TEXT_AD", "SPONSORED_UPDATES", "SPONSORED_INMAILS", "DYNAMIC")
AUDIENCE_FACET = "urn:li:adTargetingFacet:audienceMatchingSegments"
LOCATIONS_FACET = "urn:li:adTargetingFacet:locations"
LOCALES_FACET = "urn:li:adTargetingFacet:interfaceLocales"
_GEOS = ("urn:li:geo:103644278", "urn:li:geo:101165590", "urn:li:geo:101282230", "urn:li:geo:105015875")
_STATUS_WEIGHTS = (("ACTIVE", 40), ("PAUSED", 15), ("DRAFT", 10), ("COMPLETED", 12), ("ARCHIVED", 10),
                   ("CANCELED", 5), ("PENDING_DELETION", 3), ("REMOVED", 5))
_NAMES = ("Awareness", "Lead gen", "Retargeting", "Webinar promo", "ABM push", "Product launch", "Hiring",
          "Newsletter", "Event invite", "Upsell")
FIRST_CAMPAIGN_ID = 310_000_000


def campaign_urn(campaign_id: int) -> str:
    return f"urn:li:sponsoredCampaign:{campaign_id}"


@dataclass(frozen=True, kw_only=True)
class Campaign:
    """One ad campaign and the ad segments its targeting includes and excludes."""

    id: int
    account_id: int
    name: str
    status: str
    type: str = "SPONSORED_UPDATES"
    campaign_group_id: int = 0
    includes: tuple[int, ...] = ()  # ad segment ids (urn:li:adSegment:N)
    excludes: tuple[int, ...] = ()
    locations: tuple[str, ...] = ("urn:li:geo:103644278",)
    created_ms: int = 0
    last_modified_ms: int = 0
    test: bool = False
    version_tag: str = "1"
    serving_statuses: tuple[str, ...] = field(default=())

    @property
    def urn(self) -> str:
        return campaign_urn(self.id)

    def targeting(self) -> dict[str, Any]:
        """`targetingCriteria` as LinkedIn returns it (audience facet first, when any)."""
        ands: list[dict[str, Any]] = []
        if self.includes:
            ands.append({"or": {AUDIENCE_FACET: [f"urn:li:adSegment:{i}" for i in self.includes]}})
        ands.append({"or": {LOCATIONS_FACET: list(self.locations)}})
        ands.append({"or": {LOCALES_FACET: ["urn:li:locale:en_US"]}})
        out: dict[str, Any] = {"include": {"and": ands}}
        if self.excludes:
            out["exclude"] = {"or": {AUDIENCE_FACET: [f"urn:li:adSegment:{i}" for i in self.excludes]}}
        return out

    def to_api(self) -> dict[str, Any]:
        """The adCampaigns resource as the search finder returns it."""
        return {
            "id": self.id,
            "name": self.name,
            "account": account_urn(self.account_id),
            "campaignGroup": f"urn:li:sponsoredCampaignGroup:{self.campaign_group_id}",
            "status": self.status,
            "type": self.type,
            "costType": "CPM",
            "format": "SINGLE_IMAGE" if self.type == "SPONSORED_UPDATES" else "TEXT_AD",
            "objectiveType": "BRAND_AWARENESS",
            "locale": {"country": "US", "language": "en"},
            "targetingCriteria": self.targeting(),
            "servingStatuses": list(self.serving_statuses),
            "runSchedule": {"start": self.created_ms},
            "test": self.test,
            "changeAuditStamps": {"created": {"time": self.created_ms},
                                  "lastModified": {"time": self.last_modified_ms}},
            "version": {"versionTag": self.version_tag},
        }


_SERVING = {"ACTIVE": ("RUNNABLE",), "PAUSED": ("CAMPAIGN_STATUS_NOT_ACTIVE",),
            "DRAFT": ("CAMPAIGN_STATUS_NOT_ACTIVE",), "COMPLETED": ("CAMPAIGN_END_DATE_HIT",)}


class CampaignStore:
    """Campaigns by account, in id order; ids come from one counter."""

    def __init__(self) -> None:
        self._by_account: dict[int, list[Campaign]] = {}
        self._next = FIRST_CAMPAIGN_ID

    def clear(self) -> None:
        self._by_account.clear()
        self._next = FIRST_CAMPAIGN_ID

    def new_id(self, gap: int = 1) -> int:
        self._next += gap
        return self._next

    def add(self, campaign: Campaign) -> Campaign:
        self._by_account.setdefault(campaign.account_id, []).append(campaign)
        return campaign

    def of_account(self, account_id: int) -> list[Campaign]:
        return list(self._by_account.get(account_id, ()))

    def __iter__(self):
        return (c for cs in self._by_account.values() for c in cs)

    def __len__(self) -> int:
        return sum(len(cs) for cs in self._by_account.values())

    def live_ad_segments(self) -> set[int]:
        """Ad segment ids an ACTIVE campaign includes or excludes: in use, so never archived."""
        return {i for c in self if c.status == "ACTIVE" for i in (*c.includes, *c.excludes)}


def _in_use(segment: Segment, status: str, now: int, archive_ms: int) -> bool:
    """A segment a live campaign may hold: targetable and well away from its archive date."""
    return status in ("READY", "UPDATING", "BUILDING") and now - segment.activity_ms() < archive_ms // 2


def add_campaigns(campaigns: CampaignStore, rng: random.Random, account_id: int, segments: list[Segment], *,
                  status_of: Callable[[Segment], str], now: int, archive_ms: int, count: int | None = None) -> None:
    """A few campaigns for one account over its ``segments`` (see the module docstring)."""
    usable = [s for s in segments if _in_use(s, status_of(s), now, archive_ms)]
    group = 600_000_000 + account_id % 1_000_000
    how_many = count if count is not None else (1 if not segments else min(8, 1 + len(segments) // 2))
    for n in range(how_many):
        status = rng.choices([s for s, _ in _STATUS_WEIGHTS], [w for _, w in _STATUS_WEIGHTS])[0]
        if n == 0 and segments:
            status = "ACTIVE"  # every account with segments has one live campaign
        pool = usable if status in ("ACTIVE", "DRAFT") else segments
        includes: tuple[int, ...] = ()
        excludes: tuple[int, ...] = ()
        if pool:
            picked = rng.sample(pool, min(len(pool), rng.randrange(1, 4)))
            includes = tuple(s.ad_segment_id for s in picked)
            if rng.random() < 0.3:
                others = [s for s in pool if s.ad_segment_id not in includes]
                if others:
                    excludes = (rng.choice(others).ad_segment_id,)
        created = now - rng.randrange(2, 200) * DAY_MS
        campaigns.add(Campaign(
            id=campaigns.new_id(rng.randrange(1, 50)), account_id=account_id,
            name=f"{rng.choice(_NAMES)} {n + 1:02d}", status=status,
            type=rng.choices(TYPES, (10, 70, 10, 10))[0], campaign_group_id=group,
            includes=includes, excludes=excludes, locations=(rng.choice(_GEOS),),
            created_ms=created, last_modified_ms=created + rng.randrange(0, 2) * DAY_MS,
            serving_statuses=_SERVING.get(status, ()),
        ))


def seed_campaigns(campaigns: CampaignStore, ad_accounts: Iterable[AdAccount], segments: SegmentStore, *,
                   seed: int, status_of: Callable[[Segment], str], now: int, archive_ms: int) -> None:
    """The demo campaigns of every seeded account; ids and targeting depend only on the seed."""
    rng = random.Random(f"campaigns:{seed}")
    campaigns.clear()
    for account in sorted(ad_accounts, key=lambda a: a.id):
        add_campaigns(campaigns, rng, account.id, sorted(segments.of_account(account.id), key=lambda s: s.id),
                      status_of=status_of, now=now, archive_ms=archive_ms)
