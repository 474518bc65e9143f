"""Why this match rate: the identifier mix each segment was sent, against its match rate.

For every segment this app sent to, the mix comes from its runs' profiles
(``sync.profiles``: counts only, no raw data), summed over its runs: plain vs pre-hashed
emails, personal (free-mail) vs business addresses, people sent with a mobile ad id, people
sent by name only; for companies the key coverage (a page URL, a domain only, a name only).
Across an account's segments it sits beside LinkedIn's match rate, so an analyst sees what
matches in their own data; ``advice`` turns one segment's numbers into a sentence grounded
in them ("only 12% of these rows have a personal email; lists with more personal emails
match better in your account").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

import pandas as pd

from linkedin.api.segments import Segment
from linkedin.store import Store
from linkedin.sync.profiles import Profile, Profiles

MIN_PEERS = 3  # segments of the same kind with a mix and a match rate before "in your account" is said


@dataclass(frozen=True)
class Mix:
    """One segment's identifier mix, summed over the runs that sent to it; shares of 0..1 (None: unknown)."""

    kind: str
    runs: int
    rows: int
    personal: float | None = None  # of the plain email addresses, at free-mail domains
    hashed: float | None = None  # of the emails, given already hashed
    ad_id: float | None = None  # of the unique people, sent with a mobile ad id
    name_only: float | None = None  # of the unique people, sent by name only
    page: float | None = None  # companies: of the unique companies, with a page URL or organization id
    domain_only: float | None = None
    company_name_only: float | None = None


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def of_profiles(profiles: Iterable[Profile]) -> Mix | None:
    """The mix of a segment's runs; None when it has none."""
    found = list(profiles)
    if not found:
        return None
    total = {k: sum(getattr(p, k) for p in found) for k in Profile.__dataclass_fields__ if k != "kind"}
    kind = found[-1].kind
    base = {"kind": kind, "runs": len(found), "rows": total["rows"]}
    if kind == "companies":
        keyed = total["page"] + total["domain"] + total["company_name_only"]
        return Mix(**base, page=_share(total["page"], keyed), domain_only=_share(total["domain"], keyed),
                   company_name_only=_share(total["company_name_only"], keyed))
    return Mix(**base,
               personal=_share(total["emails_personal"], total["emails_plain"]),
               hashed=_share(total["emails_hashed"], total["emails_plain"] + total["emails_hashed"]),
               ad_id=_share(total["with_ad_id"], total["unique"]),
               name_only=_share(total["name_only"], total["unique"]))


COLUMNS = ["segment_id", "segment", "kind", "runs", "rows", "match_rate", "personal", "hashed", "ad_id", "name_only",
           "page", "domain_only", "company_name_only"]


def frame(segments: Iterable[Segment], store: Store) -> pd.DataFrame:
    """One row per segment the app sent to (``COLUMNS``): its mix and LinkedIn's 7-day match rate."""
    segments = list(segments)
    profiles = Profiles(store).of_segments(s.id for s in segments)
    rows = []
    for seg in segments:
        mix = of_profiles(p for _, p in profiles.get(str(seg.id), []))
        if mix is None:
            continue
        rows.append({"segment_id": seg.id, "segment": seg.name, "kind": mix.kind, "runs": mix.runs, "rows": mix.rows,
                     "match_rate": seg.match_rate, **{k: getattr(mix, k) for k in COLUMNS[6:]}})
    out = pd.DataFrame(rows, columns=COLUMNS)
    for col in ["match_rate", *COLUMNS[6:]]:
        out[col] = out[col].astype("Float64")
    return out


def _pct(share: float) -> str:
    return f"{100 * share:.0f}%"


def _better_with_more(peers: pd.DataFrame, column: str) -> bool | None:
    """Do the account's segments with more of ``column`` match better? None when too few to say."""
    known = peers.dropna(subset=[column, "match_rate"])
    if len(known) < MIN_PEERS or known[column].nunique() < 2:
        return None
    median = known[column].median()
    high = known[known[column] > median]["match_rate"]
    low = known[known[column] <= median]["match_rate"]
    if high.empty or low.empty:
        return None
    return bool(high.mean() > low.mean())


def advice(segment_id: int, mixes: pd.DataFrame) -> list[str]:
    """Sentences for one segment, from its own numbers and the account's other segments (``frame``)."""
    row = mixes[mixes["segment_id"] == segment_id]
    if row.empty:
        return ["This app has not sent anything to this segment, so its identifier mix is unknown."]
    me = row.iloc[0]
    peers = mixes[mixes["kind"] == me["kind"]]
    out: list[str] = []
    if me["kind"] == "companies":
        checks = [("page", "have a LinkedIn page URL", "lists with more page URLs", True)]
    else:
        checks = [("personal", "have a personal email", "lists with more personal emails", True),
                  ("name_only", "were sent by name only", "lists with fewer name-only people", False)]
    for column, has, lists, more_is_better in checks:
        share = me[column]
        if pd.isna(share):
            continue
        trend = _better_with_more(peers, column)
        weak = share < 0.5 if more_is_better else share > 0.2
        if not weak:
            continue
        rows = "these companies" if me["kind"] == "companies" else "these rows"
        sentence = f"Only {_pct(share)} of {rows} {has}" if more_is_better else f"{_pct(share)} of {rows} {has}"
        if trend is not None and trend == more_is_better:
            out.append(f"{sentence}; {lists} match better in your account.")
        elif trend is None:
            out.append(f"{sentence}; on LinkedIn {lists} usually match better.")
    if not out:
        out.append("Nothing in this segment's identifier mix stands out against your other segments.")
    return out
