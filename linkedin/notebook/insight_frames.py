"""Match insights as DataFrames, for ``Audiences.funnel``, ``.campaigns``, ``.overlap`` and the CLI's ``insights``.

Apart from ``audiences`` so that class stays a thin front: each function takes what it
reads (the client, the store, the member's accounts and segments) and returns a frame or
plain data; checks of the analyst's input raise ``BadInput``. Nothing here writes to LinkedIn.
"""

from __future__ import annotations

from typing import Any, Iterable, Sequence

import pandas as pd

from linkedin.api.accounts import Account
from linkedin.api.client import Client
from linkedin.api.segments import Segment
from linkedin.insights import funnel as funnel_mod, mix as mix_mod, overlap as overlap_mod, usage as usage_mod
from linkedin.notebook.inputs import BadInput
from linkedin.store import Store
from linkedin.sync.ledger import Ledger
from linkedin.sync.runs import Run, Uploads

MAX_OVERLAP = overlap_mod.MAX_SEGMENTS


def funnel(store: Store, run: Run, *, accounts: Iterable[str], linkedin: str) -> pd.DataFrame:
    """One row per step of ``run``'s funnel; ``attrs["biggest_loss"]`` names the worst step in words."""
    found = funnel_mod.of_run(store, run, accounts=set(accounts), linkedin=linkedin)
    frame = found.frame()
    frame.attrs["biggest_loss"] = found.biggest_loss
    return frame


def campaigns(client: Client, account: Account, segments: Iterable[Segment]) -> pd.DataFrame:
    """The campaigns using each segment of ``account`` (one row per segment and campaign, or "unused")."""
    found = usage_mod.read(client, [account])
    if found.problems:
        frame = usage_mod.frame([], found)
        frame.attrs["problems"] = found.problems
        return frame
    frame = usage_mod.frame(((account, s) for s in segments), found)
    frame.attrs["problems"] = []
    return frame


def pick(items: Sequence[tuple[Account, Segment]], wanted: Iterable[Any]) -> list[tuple[Account, Segment]]:
    """The member's segments named in ``wanted`` (ids or exact names), all of one account."""
    chosen: list[tuple[Account, Segment]] = []
    for value in wanted:
        text = str(value).strip()
        match = [(a, s) for a, s in items if text == str(s.id) or text.lower() == s.name.lower()]
        if not match:
            raise BadInput(f"no segment {text!r} in your ad accounts")
        if len(match) > 1:
            raise BadInput(f"{len(match)} segments are named {text!r}: give the id instead")
        chosen.append(match[0])
    if len({a.urn for a, _ in chosen}) > 1:
        raise BadInput("the overlap compares segments of one ad account: these come from "
                       f"{len({a.urn for a, _ in chosen})} accounts")
    return chosen


def overlap(store: Store, chosen: Sequence[tuple[Account, Segment]], *, linkedin: str) -> pd.DataFrame:
    """The matrix of keys the app sent to both of each pair (``attrs["pairs"]``: counts and shares per pair)."""
    if not 2 <= len(chosen) <= MAX_OVERLAP:
        raise BadInput(f"give 2 to {MAX_OVERLAP} segments to compare, not {len(chosen)}")
    labels = {f"{s.name} ({s.id})": s.id for _, s in chosen}
    if len(labels) < len(chosen):
        raise BadInput("a segment is named twice")
    found = overlap_mod.of_segments(Ledger(store, linkedin=linkedin), labels)
    frame = found.frame()
    frame.attrs["pairs"] = found.pairs()
    return frame


def report(client: Client, store: Store, account: Account, segments: Sequence[Segment], *, owner: str,
           accounts: Iterable[str], runs: int = 5) -> dict[str, Any]:
    """Everything ``python -m linkedin insights`` prints: the funnels of the account's recent runs,
    each segment's identifier mix and match rate, campaign usage, and the overlap of what the app sent."""
    allowed = set(accounts)
    recent = [r for r in Uploads(store).latest(owner, limit=200) if r.account == account.urn][:runs]
    funnels = [funnel_mod.of_run(store, r, accounts=allowed, linkedin=client.settings.api_base_url).to_dict()
               for r in recent]
    mixes = mix_mod.frame(segments, store)
    use = usage_mod.read(client, [account])
    usage_rows = [{"segment_id": s.id, "segment": s.name, "used": use.usage(s).text(),
                   "campaigns": [{"id": c.id, "name": c.name, "status": c.status,
                                  "use": "include" if c in use.usage(s).includes else "exclude"}
                                 for c in use.usage(s).campaigns]} for s in segments]
    ledger = Ledger(store, linkedin=client.settings.api_base_url)
    sent = [s for s in segments if ledger.count(s.id)][:MAX_OVERLAP]
    pairs: list[dict[str, Any]] = []
    if len(sent) >= 2:
        found = overlap_mod.of_segments(ledger, {f"{s.name} ({s.id})": s.id for s in sent})
        pairs = found.pairs().to_dict("records")
    return {
        "account": {"id": account.id, "name": account.name},
        "funnels": funnels,
        "mix": [{**row, "advice": mix_mod.advice(row["segment_id"], mixes)} for row in _records(mixes)],
        "campaign_usage": usage_rows,
        "attention": [a.to_row() for a in usage_mod.attention(((account, s) for s in segments), use,
                                                                now=_now())],
        "overlap": pairs,
        "problems": use.problems,
    }


def _now() -> float:
    import time

    return time.time()


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [{k: (None if pd.isna(v) else v) for k, v in row.items()} for row in frame.to_dict("records")]
