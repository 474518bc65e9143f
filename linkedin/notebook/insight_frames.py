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


def report_text(data: dict[str, Any]) -> str:
    """``report``'s answer as the CLI prints it without ``--json``: funnels, identifier mix with advice,
    campaign usage and its attention items, overlap (its ``problems`` are for stderr, not here)."""
    out: list[str] = []
    out.append(f"{data['account']['name']} ({data['account']['id']})")
    out.append("\nFunnel of recent uploads" + ("" if data["funnels"] else ": none of yours in this account"))
    for f in data["funnels"]:
        steps = " -> ".join(f"{s['step'].lower()} {'?' if s['count'] is None else format(s['count'], ',')}"
                            for s in f["steps"])
        out.append(f"  {f['segment']} (run {f['run_id']}): {steps}")
        if f["biggest_loss"]:
            out.append(f"    biggest loss: {f['biggest_loss']}")
        if f["steps"][-1]["count"] is None and len(f["steps"]) > 1:
            out.append(f"    matched, audience: {f['steps'][-1]['note']}")
    out.append("\nIdentifier mix and match rate" + ("" if data["mix"] else ": this app has sent nothing here yet"))
    for m in data["mix"]:
        rate = "n/a" if m["match_rate"] is None else f"{100 * m['match_rate']:.0f}%"
        shares = {k: m[k] for k in ("personal", "hashed", "ad_id", "name_only", "page", "domain_only",
                                    "company_name_only") if m[k] is not None}
        mix = ", ".join(f"{k.replace('_', ' ')} {100 * v:.0f}%" for k, v in shares.items())
        out.append(f"  {m['segment']} ({m['segment_id']}): match rate {rate} (last 7 days); {mix}")
        for line in m["advice"]:
            out.append(f"    {line}")
    out.append("\nCampaign usage")
    for u in data["campaign_usage"]:
        out.append(f"  {u['segment']} ({u['segment_id']}): {u['used']}")
    for a in data["attention"]:
        out.append(f"  ! {a['Segment']}: {a['What']}")
    out.append("\nOverlap of what this app sent" + ("" if data["overlap"] else ": fewer than two segments to compare"))
    for p in data["overlap"]:
        out.append(f"  {p['segment_a']} & {p['segment_b']}: {p['shared']:,} shared "
                   f"({100 * p['share_of_a']:.0f}% / {100 * p['share_of_b']:.0f}%)")
    return "\n".join(out)
