"""Where each segment is used: the campaigns of every ad account joined with its segments.

A campaign uses a segment through the audience-matching facet of its targeting, by the
segment's ad segment URN (``api.campaigns``); a segment without that URN yet (a first
build) cannot be used. ``read`` costs one finder call per account of up to 1,000
campaigns, run concurrently within a small bound like the segment finder's.

What it adds to the attention list (``attention``): a live campaign uses a segment that is
not targetable or under 300 (its ads do not reach anyone through it), and a segment no
campaign uses, with LinkedIn's archive countdown. ``removal_warning`` is said before a
mirror or a removal on a segment live campaigns use.
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Iterable

import pandas as pd

from linkedin.api import campaigns as campaigns_mod
from linkedin.api.accounts import Account
from linkedin.api.campaigns import Campaign
from linkedin.api.client import Client
from linkedin.api.errors import AuthError, LinkedInError
from linkedin.api.segment_numbers import ARCHIVE_DAYS, MIN_AUDIENCE, TARGETABLE
from linkedin.api.segments import Segment
from linkedin.insights.attention import DAY, Attention, days_text

log = logging.getLogger(__name__)
MAX_WORKERS = 6


@dataclass(frozen=True)
class AccountCampaigns:
    """The campaigns of one account, or why they could not be read."""

    account: Account
    campaigns: tuple[Campaign, ...] = ()
    error: str | None = None
    problems: tuple[str, ...] = ()


@dataclass(frozen=True)
class Usage:
    """The campaigns that include and exclude one segment."""

    includes: tuple[Campaign, ...] = ()
    excludes: tuple[Campaign, ...] = ()

    @property
    def campaigns(self) -> tuple[Campaign, ...]:
        return (*self.includes, *self.excludes)

    @property
    def live(self) -> tuple[Campaign, ...]:
        return tuple(c for c in self.campaigns if c.live)

    @property
    def used(self) -> bool:
        return bool(self.campaigns)

    def text(self) -> str:
        """``"included by 2 (1 live), excluded by 1"`` or ``"no campaign"``."""
        if not self.used:
            return "no campaign"
        parts = []
        for verb, found in (("included by", self.includes), ("excluded by", self.excludes)):
            if found:
                live = sum(1 for c in found if c.live)
                parts.append(f"{verb} {len(found)}" + (f" ({live} live)" if live else ""))
        return ", ".join(parts)


@dataclass(frozen=True)
class CampaignMap:
    """Every campaign read, and the index from ad segment URN to the campaigns using it."""

    parts: tuple[AccountCampaigns, ...]
    _by_segment: dict[str, Usage] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def of(cls, parts: Iterable[AccountCampaigns]) -> "CampaignMap":
        parts = tuple(parts)
        includes: dict[str, list[Campaign]] = {}
        excludes: dict[str, list[Campaign]] = {}
        for part in parts:
            for c in part.campaigns:
                for urn in c.includes:
                    includes.setdefault(urn, []).append(c)
                for urn in c.excludes:
                    excludes.setdefault(urn, []).append(c)
        index = {urn: Usage(tuple(includes.get(urn, ())), tuple(excludes.get(urn, ())))
                 for urn in {*includes, *excludes}}
        return cls(parts, index)

    @property
    def campaigns(self) -> list[Campaign]:
        return [c for p in self.parts for c in p.campaigns]

    @property
    def problems(self) -> list[str]:
        return [p.error for p in self.parts if p.error] + [x for p in self.parts for x in p.problems]

    def usage(self, segment: Segment) -> Usage:
        return self.usage_of(segment.destination_segment_urn)

    def usage_of(self, ad_segment_urn: str | None) -> Usage:
        """The campaigns that include or exclude the ad segment ``ad_segment_urn``."""
        return self._by_segment.get(ad_segment_urn, Usage()) if ad_segment_urn else Usage()


def read_account(client: Client, account: Account) -> AccountCampaigns:
    """One account's campaigns; a failure is kept as a sentence (AuthError propagates)."""
    try:
        found, problems = campaigns_mod.find_by_account(client, account.urn)
    except AuthError:
        raise
    except LinkedInError as err:
        log.info("campaigns of account %s: %s", account.id, type(err).__name__)
        return AccountCampaigns(account, error=f"{account.label}: its campaigns could not be read. {err.explain()}")
    return AccountCampaigns(account, tuple(found), None, tuple(problems))


def read(client: Client, accounts: Iterable[Account], *, workers: int = MAX_WORKERS) -> CampaignMap:
    """The campaigns of many accounts, ``workers`` finder calls at a time."""
    todo = list(accounts)
    if len(todo) <= 1 or workers <= 1:
        return CampaignMap.of(read_account(client, a) for a in todo)
    with ThreadPoolExecutor(max_workers=min(workers, len(todo)), thread_name_prefix="campaigns") as pool:
        return CampaignMap.of(pool.map(lambda a: read_account(client, a), todo))


def attention(items: Iterable[tuple[Account, Segment]], campaigns: CampaignMap, *, now: float) -> list[Attention]:
    """What campaign use adds to the attention list (see the module docstring)."""
    out: list[Attention] = []
    for account, seg in items:
        use = campaigns.usage(seg)
        live = use.live
        names = ", ".join(f"“{c.name}”" for c in live[:3]) + (f" and {len(live) - 3} more" if len(live) > 3 else "")
        where = (account.label, account.urn)
        if live and seg.status not in TARGETABLE:
            out.append(Attention("error", "live_not_targetable", *where,
                                 f"Used by live campaign(s) {names}, but {seg.status or 'no status'}: "
                                 "those campaigns reach no one through it. Replace it in their targeting.",
                                 seg.id, seg.name))
        elif live and seg.audience_size is not None and seg.audience_size < MIN_AUDIENCE and seg.status != "BUILDING":
            out.append(Attention("warning", "live_under_300", *where,
                                 f"Used by live campaign(s) {names}, but its audience is {seg.audience_size:,}, under "
                                 f"{MIN_AUDIENCE}: it does not serve. Add members to reach {MIN_AUDIENCE}.",
                                 seg.id, seg.name))
        elif not use.used and seg.status in ("READY", "UPDATING", "BUILDING") and seg.activity_ms:
            archive_in = seg.activity_ms / 1000 + ARCHIVE_DAYS * DAY - now
            if archive_in > 0:
                out.append(Attention("info" if archive_in > 7 * DAY else "warning", "unused", *where,
                                     f"No campaign uses it: unless one does, or it is updated, LinkedIn archives it "
                                     f"{days_text(archive_in)}.", seg.id, seg.name, archive_in=archive_in))
    return out


def removal_warning(segment: Segment | str | None, campaigns: CampaignMap, *, mode: str) -> str | None:
    """A sentence before a mirror or removal on a segment that live campaigns use; None otherwise.

    ``segment``: the segment, or its ad segment URN (what campaigns target) as a sync target has it."""
    if segment is None:
        return None
    live = (campaigns.usage_of(segment) if isinstance(segment, str) else campaigns.usage(segment)).live
    if mode not in ("mirror", "remove") or not live:
        return None
    names = ", ".join(f"“{c.name}”" for c in live[:3]) + (f" and {len(live) - 3} more" if len(live) > 3 else "")
    return (f"{len(live)} live campaign(s) use this segment ({names}): members removed now stop seeing their ads, "
            f"and under {MIN_AUDIENCE} the segment stops serving them at all.")


COLUMNS = ["segment_id", "segment", "account", "ad_segment", "campaign_id", "campaign", "campaign_status", "use",
           "live"]


def frame(items: Iterable[tuple[Account, Segment]], campaigns: CampaignMap) -> pd.DataFrame:
    """One row per (segment, campaign using it) and one per unused segment (``COLUMNS``)."""
    rows = []
    for account, seg in items:
        use = campaigns.usage(seg)
        base = {"segment_id": seg.id, "segment": seg.name, "account": account.label,
                "ad_segment": seg.destination_segment_urn}
        for verb, found in (("include", use.includes), ("exclude", use.excludes)):
            rows.extend({**base, "campaign_id": c.id, "campaign": c.name, "campaign_status": c.status, "use": verb,
                         "live": c.live} for c in found)
        if not use.used:
            rows.append({**base, "campaign_id": None, "campaign": None, "campaign_status": None, "use": "unused",
                         "live": False})
    out = pd.DataFrame(rows, columns=COLUMNS)
    out["campaign_id"] = out["campaign_id"].astype("Int64")
    return out
