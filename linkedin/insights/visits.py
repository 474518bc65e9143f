"""Since your last visit: what changed between the member's last look and this reading.

Nothing is polled in the background. Each time the member looks (a page render, a CLI
call) the front door records the time (``Visits.record``, table ``visits``, per member
key: never a token); at the start of a new visit it asks for the previous one
(``Visits.last``) and compares the fresh reading of the portfolio with the segments' state
as the app had stored it then (``History.as_of``). Changes:

    ready        finished building (BUILDING -> READY), with its match rate and audience size
    under_300    its audience fell under 300: it stopped serving
    archived / expired / failed    LinkedIn archived, expired or failed it
    upload_done / upload_paused    one of the member's upload runs finished or paused

A segment the app had never read before the last visit has no previous state and is not
reported (it is new, not changed).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable, Iterable

from linkedin.api.accounts import Account
from linkedin.api.segment_numbers import MIN_AUDIENCE
from linkedin.api.segments import Segment
from linkedin.insights.history import History, Snapshot
from linkedin.store import Store
from linkedin.sync.runs import Uploads

TABLE = "visits"
KINDS = ("ready", "under_300", "archived", "expired", "failed", "upload_done", "upload_paused")


@dataclass(frozen=True)
class Change:
    """One thing that changed since the last visit, in a sentence."""

    kind: str
    account: str
    subject: str  # the segment's or the upload's name
    message: str
    segment_id: int | None = None
    match_rate: str | None = None
    audience_size: int | None = None

    def to_row(self) -> dict:
        return {"What": self.kind.replace("_", " "), "Account": self.account, "Segment": self.subject,
                "Segment ID": self.segment_id, "Match rate": self.match_rate, "Audience size": self.audience_size,
                "Details": self.message}


class Visits:
    """When each member last looked (table ``visits``)."""

    def __init__(self, store: Store, *, clock: Callable[[], float] = time.time) -> None:
        self.store = store
        self.clock = clock
        with store.lock:
            store.db[TABLE].create({"member": str, "visited_at": float}, pk="member", if_not_exists=True)

    def last(self, member: str) -> float | None:
        with self.store.lock:
            rows = list(self.store.db[TABLE].rows_where("member = ?", [member]))
        return rows[0]["visited_at"] if rows else None

    def record(self, member: str, at: float | None = None) -> None:
        """The member looked at ``at`` (now by default); the time only moves forward."""
        now = self.clock() if at is None else at
        with self.store.lock:
            self.store.db.execute(
                f"INSERT INTO {TABLE} (member, visited_at) VALUES (?, ?) ON CONFLICT(member) DO UPDATE SET "
                "visited_at = max(visited_at, excluded.visited_at)", [member, now])
            self.store.db.conn.commit()


def segment_change(account: Account, before: Snapshot, now: Segment) -> Change | None:
    """What one segment's move from ``before`` to ``now`` means, if anything."""
    where = {"account": account.label, "subject": now.name, "segment_id": now.id,
             "match_rate": now.match_rate_text, "audience_size": now.audience_size}
    status, was = now.status, before.status
    if status != was and status == "ARCHIVED":
        return Change("archived", message="LinkedIn archived it (not used or changed for 30 days); it can still be "
                                          "targeted, and expires 60 days later unless used or updated.", **where)
    if status != was and status == "EXPIRED":
        return Change("expired", message="LinkedIn expired it: its data is gone. Create it again to use it.", **where)
    if status != was and status in ("FAILED", "ERROR"):
        return Change("failed", message=f"LinkedIn reports {status}: it cannot be used.", **where)
    if was == "BUILDING" and status == "READY":
        size = f"{now.audience_size:,}" if now.audience_size is not None else "n/a"
        return Change("ready", message=f"Finished building: match rate {now.match_rate_text}, audience {size}.",
                      **where)
    if (now.audience_size is not None and now.audience_size < MIN_AUDIENCE and status not in ("BUILDING",)
            and (before.audience_size is None or before.audience_size >= MIN_AUDIENCE)
            and before.status != "BUILDING"):
        return Change("under_300", message=f"Its audience fell under {MIN_AUDIENCE} ({now.audience_size:,}): it "
                                           "stopped serving.", **where)
    return None


def changes(store: Store, items: Iterable[tuple[Account, Segment]], *, since: float, linkedin: str,
            owner: str | None = None, accounts: Iterable[str] = ()) -> list[Change]:
    """What changed since ``since`` among ``items`` (a fresh reading) and ``owner``'s upload runs."""
    items = list(items)
    allowed = set(accounts) or {a.urn for a, _ in items}
    before = History(store, linkedin=linkedin).as_of([s.id for _, s in items], since, accounts=allowed)
    out = [c for a, s in items if s.id in before and (c := segment_change(a, before[s.id], s)) is not None]
    if owner:
        labels = {a.urn: a.label for a, _ in items}
        for run in Uploads(store).latest(owner, limit=50):
            if run.updated_at <= since or run.state not in ("done", "paused", "failed"):
                continue
            kind = "upload_done" if run.state == "done" else "upload_paused"
            words = (f"Upload finished: {run.accepted:,} accepted, {run.rejected:,} rejected by LinkedIn."
                     if run.state == "done" else
                     f"Upload {run.state} with {run.pending:,} still to send: resume it on the Uploads page.")
            out.append(Change(kind, labels.get(run.account, run.account), run.segment_name, words,
                              int(run.segment_id) if run.segment_id.isdigit() else None))
    order = {k: i for i, k in enumerate(("failed", "expired", "archived", "under_300", "upload_paused", "ready",
                                         "upload_done"))}
    return sorted(out, key=lambda c: (order[c.kind], c.account, c.subject))
