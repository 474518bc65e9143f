"""The funnel of an upload run: what became of the rows an analyst sent.

    rows in the file -> valid -> unique -> sent -> accepted by LinkedIn
                     -> matched (LinkedIn's 7-day matchedCount) -> audience size

The first steps come from the run's profile (``sync.profiles``: counts kept when the run
started) and its items (``sync.runs``: LinkedIn's answer to each ADD); the last two from
the first history snapshot (``history``) LinkedIn published after the run ended: READY,
taken after the run's last answer, with counts. Until the app has read one, those steps
say LinkedIn has not reported yet (usually within 48 h). LinkedIn's matched count covers
every upload of its 7-day window, not this run alone: the funnel says so.

The step that lost the most rows is named in words ("38% of the rows had no usable
identifier"), as a share of the rows in the file.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Collection, Iterable

import pandas as pd

from linkedin.api.segment_numbers import FIRST_BUILD_HOURS
from linkedin.insights.history import History, Snapshot
from linkedin.store import Store
from linkedin.sync.profiles import Profile, Profiles
from linkedin.sync.runs import Run, Uploads

NOT_REPORTED = f"LinkedIn has not reported yet (usually within {FIRST_BUILD_HOURS} h)"
NO_PROFILE = "not recorded for runs from before this version"


@dataclass(frozen=True)
class Step:
    """One step: its count (None when unknown) and why it may be unknown."""

    name: str
    count: int | None
    note: str = ""


@dataclass(frozen=True)
class Funnel:
    """The steps of one run, and the biggest loss between two of them in words."""

    run_id: str
    segment_id: str
    segment: str
    kind: str
    steps: tuple[Step, ...]
    biggest_loss: str | None

    @property
    def reported(self) -> bool:
        """LinkedIn's steps (matched, audience) are known."""
        return self.steps[-1].count is not None

    def frame(self) -> pd.DataFrame:
        rows = [{"run_id": self.run_id, "segment": self.segment, "step": s.name, "count": s.count, "note": s.note}
                for s in self.steps]
        out = pd.DataFrame(rows, columns=["run_id", "segment", "step", "count", "note"])
        out["count"] = out["count"].astype("Int64")
        return out

    def to_dict(self) -> dict:
        return {"run_id": self.run_id, "segment_id": self.segment_id, "segment": self.segment,
                "steps": [{"step": s.name, "count": s.count, "note": s.note} for s in self.steps],
                "biggest_loss": self.biggest_loss}


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%"


def _loss_words(kind: str, paused: bool) -> dict[str, str]:
    what = "email, mobile ad id or name" if kind == "users" else "company key"
    return {
        "Valid": f"had no usable {what}",
        "Unique": "were duplicates of other rows",
        "Sent": "were not sent yet (the run is paused)" if paused else
                "were already in the segment (sent by an earlier run)",
        "Accepted by LinkedIn": "were rejected by LinkedIn",
        "Matched (LinkedIn, 7 days)": "were not matched to a LinkedIn member",
        "Audience size": "matched but are not in the audience (duplicates, or members who opted out)",
    }


def biggest_loss(steps: Iterable[Step], *, kind: str, paused: bool = False) -> str | None:
    """The step that lost the most, as a share of the first step: None when nothing was lost."""
    steps = list(steps)
    if not steps or not steps[0].count:
        return None
    words = _loss_words(kind, paused)
    best: tuple[int, str] | None = None
    for before, step in zip(steps, steps[1:]):
        if before.count is None or step.count is None:
            continue
        lost = before.count - step.count
        if lost > 0 and (best is None or lost > best[0]):
            best = (lost, step.name)
    if best is None:
        return None
    return f"{_pct(best[0], steps[0].count)} of the rows {words[best[1]]}."


def published_after(snapshots: Iterable[Snapshot], ended_at: float) -> Snapshot | None:
    """The first READY reading with counts taken after ``ended_at``: LinkedIn's answer to the run."""
    for snap in sorted(snapshots, key=lambda s: s.taken_at):
        if snap.taken_at >= ended_at and snap.status == "READY" and snap.matched_count is not None:
            return snap
    return None


def build(run: Run, profile: Profile | None, added: dict[str, int], snapshot: Snapshot | None) -> Funnel:
    """The funnel from what is known of a run; ``added``: its ADD items by status."""
    sent = added.get("accepted", 0) + added.get("rejected", 0)
    steps = [
        Step("Rows in the file", profile.rows if profile else None, "" if profile else NO_PROFILE),
        Step("Valid", profile.valid if profile else None, "" if profile else NO_PROFILE),
        Step("Unique", profile.unique if profile else None, "" if profile else NO_PROFILE),
        Step("Sent", sent, f"{added.get('pending', 0):,} not sent yet" if added.get("pending") else ""),
        Step("Accepted by LinkedIn", added.get("accepted", 0)),
    ]
    if snapshot is None:
        steps += [Step("Matched (LinkedIn, 7 days)", None, NOT_REPORTED), Step("Audience size", None, NOT_REPORTED)]
    else:
        steps += [Step("Matched (LinkedIn, 7 days)", snapshot.matched_count,
                       "every upload of LinkedIn's 7-day window, this run's included"),
                  Step("Audience size", snapshot.audience_size, "everything ever uploaded to the segment")]
    if run.mode == "remove":
        steps = steps[:1]  # a removal has no funnel of additions
    kind = profile.kind if profile else run.kind
    loss = biggest_loss(steps, kind=kind, paused=bool(added.get("pending")))
    return Funnel(run.id, run.segment_id, run.segment_name, kind, tuple(steps), loss)


def of_run(store: Store, run: Run, *, accounts: Collection[str], linkedin: str) -> Funnel:
    """A run's funnel from the store; LinkedIn's steps only from snapshots of ``accounts``."""
    counts = Uploads(store).counts_by_action(run.id)
    added = {status: n for (action, status), n in counts.items() if action == "ADD"}
    profile = Profiles(store).get(run.id)
    snaps = History(store, linkedin=linkedin).of(int(run.segment_id), accounts=accounts) if run.segment_id.isdigit() else []
    return build(run, profile, added, published_after(snaps, run.updated_at))
