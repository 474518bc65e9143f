"""Upload runs: what a sync set out to send, what LinkedIn accepted or rejected, and where it stopped.

Every key of a run is written down (hashed, with its action) before the first batch
leaves, and marked as LinkedIn answers, so an interrupted run (browser closed, app
restarted, token expired, rate limit) resumes with only what is still pending.
Nothing personal is stored here: keys are SHA-256 hashes; plain-text extra fields
(names, titles) live only in memory, which is why resuming such a run after a
restart asks for the same file again.

A run belongs to the member who started it (``owner``: whatever key the caller gives,
``insights.portfolio.member_key`` in the front doors: the API's address and the member's
URN, never a token), and only that owner lists it or resumes it: analysts who share an
ad account share its segments and ledger, not each other's uploads. Runs written before
owners were recorded have none and belong to nobody: they are listed to no one.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from typing import Any, Iterable, Iterator

import numpy as np

from linkedin.store import Store
from linkedin.tables import keyarrays

STATES = ("running", "paused", "failed", "done")


@dataclass(frozen=True)
class Run:
    """One sync of a table into a segment."""

    id: str
    segment_id: str
    segment_name: str
    account: str
    kind: str  # users | companies
    mode: str  # add | remove | mirror
    state: str
    total: int
    pending: int
    accepted: int
    rejected: int
    needs_file: bool  # plain-text fields were sent: resuming needs the same file again
    created_at: float
    updated_at: float
    message: str | None
    owner: str | None = None  # the member key of who started it; None for runs from before owners

    @property
    def resumable(self) -> bool:
        return self.state in ("paused", "failed") and self.pending > 0

    @property
    def done(self) -> int:
        return self.accepted + self.rejected

    @classmethod
    def from_row(cls, row: dict[str, Any], counts: dict[str, int]) -> "Run":
        return cls(
            id=row["id"], segment_id=row["segment_id"], segment_name=row["segment_name"] or "",
            account=row["account"] or "", kind=row["kind"], mode=row["mode"], state=row["state"],
            total=row["total"], pending=counts.get("pending", 0), accepted=counts.get("accepted", 0),
            rejected=counts.get("rejected", 0), needs_file=bool(row["needs_file"]),
            created_at=row["created_at"], updated_at=row["updated_at"], message=row["message"],
            owner=row.get("owner"),
        )


class Uploads:
    """The ``runs`` and ``run_items`` tables."""

    def __init__(self, store: Store) -> None:
        self.store = store
        db = store.db
        with store.lock:
            db["runs"].create(
                {"id": str, "owner": str, "segment_id": str, "segment_name": str, "account": str, "kind": str,
                 "mode": str, "state": str, "total": int, "needs_file": int, "created_at": float,
                 "updated_at": float, "message": str},
                pk="id", if_not_exists=True,
            )
            if "owner" not in db["runs"].columns_dict:  # a store from before owners: its runs keep none
                db["runs"].add_column("owner", str)
            db["runs"].create_index(["owner", "created_at"], if_not_exists=True)
            db["run_items"].create(
                {"run_id": str, "seq": int, "key": str, "action": str, "status": str, "http_status": int,
                 "message": str},
                pk=("run_id", "seq"), if_not_exists=True,
            )
            db["run_items"].create_index(["run_id", "status", "seq"], if_not_exists=True)

    def create(self, *, owner: str, segment_id: str | int, segment_name: str, account: str, kind: str, mode: str,
               items: Iterable[tuple[str, str]] = (), needs_file: bool,
               columns: Iterable[tuple[str, np.ndarray]] = ()) -> str:
        """Write a new run of ``owner`` and all its items as pending; returns the run id. The items
        are ``items``, (key, action) pairs, then ``columns``: (action, keys as ``S64``) in order.

        A column of 64-character keys is written by sqlite itself from one JSON array a chunk
        (``json_each``): a million items in ~0.9 s against ~3.1 s bound one by one from Python,
        and no Python object per item."""
        if not owner:
            raise ValueError("an upload run needs an owner")
        run_id = uuid.uuid4().hex[:12]
        now = time.time()
        with self.store.lock, self.store.db.atomic():
            total = 0
            conn = self.store.db.conn
            batch: list[tuple] = []
            for seq, (key, action) in enumerate(items):
                batch.append((run_id, seq, key, action, "pending"))
                total += 1
                if len(batch) >= 10_000:
                    conn.executemany("insert into run_items (run_id, seq, key, action, status) values (?,?,?,?,?)", batch)
                    batch.clear()
            if batch:
                conn.executemany("insert into run_items (run_id, seq, key, action, status) values (?,?,?,?,?)", batch)
            for action, hexes in columns:
                for start in range(0, len(hexes), 100_000):
                    part = hexes[start:start + 100_000]
                    text = keyarrays.json_array(part)
                    if text is not None:
                        conn.execute("insert into run_items (run_id, seq, key, action, status) "
                                     "select ?, ? + key, value, ?, 'pending' from json_each(?)",
                                     [run_id, total, action, text])
                    else:  # keys of another width (tests'): one by one
                        conn.executemany("insert into run_items (run_id, seq, key, action, status) values (?,?,?,?,?)",
                                         [(run_id, total + i, key, action, "pending")
                                          for i, key in enumerate(keyarrays.strings(part))])
                    total += len(part)
            self.store.db["runs"].insert({
                "id": run_id, "owner": owner, "segment_id": str(segment_id), "segment_name": segment_name, "account": account,
                "kind": kind, "mode": mode, "state": "running" if total else "done", "total": total,
                "needs_file": int(needs_file), "created_at": now, "updated_at": now, "message": None,
            })
        return run_id

    def pending(self, run_id: str, *, limit: int, action: str | None = None,
                after: int | None = None) -> list[tuple[int, str, str]]:
        """The next pending (seq, key, action) items in order, REMOVEs and ADDs alike unless ``action``;
        only those past seq ``after`` when given."""
        sql = "select seq, key, action from run_items where run_id = ? and status = 'pending'"
        args: list[Any] = [run_id]
        if after is not None:
            sql += " and seq > ?"
            args.append(after)
        if action:
            sql += " and action = ?"
            args.append(action)
        sql += " order by seq limit ?"
        with self.store.lock:
            return [tuple(r) for r in self.store.db.execute(sql, [*args, limit]).fetchall()]

    def mark(self, run_id: str, results: Iterable[tuple[int, str, int | None, str | None]], *,
             pending_between: tuple[int, int, str, int | None] | None = None) -> None:
        """Record LinkedIn's answer per item: (seq, accepted|rejected, HTTP status, message); then,
        with ``pending_between`` (first seq, last seq, status, HTTP status), the same answer for
        every item between them still pending, in one statement."""
        with self.store.lock, self.store.db.atomic():
            self.store.db.conn.executemany(
                "update run_items set status = ?, http_status = ?, message = ? where run_id = ? and seq = ?",
                [(status, http, msg, run_id, seq) for seq, status, http, msg in results],
            )
            if pending_between is not None:
                first, last, status, http = pending_between
                self.store.db.conn.execute(
                    "update run_items set status = ?, http_status = ?, message = null "
                    "where run_id = ? and status = 'pending' and seq between ? and ?",
                    [status, http, run_id, first, last])
            self.store.db.conn.execute("update runs set updated_at = ? where id = ?", [time.time(), run_id])

    def set_state(self, run_id: str, state: str, message: str | None = None) -> None:
        if state not in STATES:
            raise ValueError(f"unknown run state {state!r}")
        with self.store.lock:
            self.store.db["runs"].update(run_id, {"state": state, "message": message, "updated_at": time.time()})

    def counts(self, run_id: str) -> dict[str, int]:
        with self.store.lock:
            rows = self.store.db.execute(
                "select status, count(*) from run_items where run_id = ? group by status", [run_id]
            ).fetchall()
        return {s: n for s, n in rows}

    def counts_by_action(self, run_id: str) -> dict[tuple[str, str], int]:
        """(action, status) -> items: what a run added and removed, apart (the funnel counts ADDs)."""
        with self.store.lock:
            rows = self.store.db.execute(
                "select action, status, count(*) from run_items where run_id = ? group by action, status", [run_id]
            ).fetchall()
        return {(a, s): n for a, s, n in rows}

    def get(self, run_id: str) -> Run | None:
        """A run by id, whoever owns it: for the code that sends a run already in hand.
        What a member asks for by id goes through ``owned``."""
        with self.store.lock:
            rows = list(self.store.db["runs"].rows_where("id = ?", [run_id]))
        return Run.from_row(rows[0], self.counts(run_id)) if rows else None

    def owned(self, owner: str, run_id: str) -> Run | None:
        """``owner``'s run ``run_id``; None when there is none or it is someone else's."""
        with self.store.lock:
            rows = list(self.store.db["runs"].rows_where("id = ? and owner = ?", [run_id, owner]))
        return Run.from_row(rows[0], self.counts(run_id)) if rows else None

    def latest(self, owner: str, *, limit: int = 50) -> list[Run]:
        """``owner``'s latest runs, newest first (nobody's runs from before owners are in no list)."""
        with self.store.lock:
            rows = list(self.store.db["runs"].rows_where("owner = ?", [owner], order_by="created_at desc",
                                                         limit=limit))
        return [Run.from_row(r, self.counts(r["id"])) for r in rows]

    def rejections(self, run_id: str, *, limit: int = 5) -> list[tuple[str, int]]:
        """Why items were rejected (LinkedIn's per-element message, or the app's), most frequent
        first, with how many: what a finished run with rejections must say."""
        with self.store.lock:
            rows = self.store.db.execute(
                "select coalesce(message, ''), count(*) as n from run_items where run_id = ? and status = 'rejected' "
                "group by 1 order by n desc, 1 limit ?", [run_id, limit]).fetchall()
        return [(m or "LinkedIn gave no reason", n) for m, n in rows]

    def results(self, run_id: str) -> dict[str, tuple[str, str, int | None, str | None]]:
        """Per key: (action, status, HTTP status, message), for the results file."""
        with self.store.lock:
            rows = self.store.db.execute(
                "select key, action, status, http_status, message from run_items where run_id = ?", [run_id]
            ).fetchall()
        return {k: (a, s, h, m) for k, a, s, h, m in rows}

    def keys_by_status(self, run_id: str, *, chunk: int) -> Iterator[tuple[str, str, list[str]]]:
        """The run's keys as (status, action, up to ``chunk`` keys), a chunk at a time: a page
        counts a million rows' results without holding a million answers (``outcomes``)."""
        with self.store.lock:
            statuses = self.store.db.execute(
                "select distinct status, action from run_items where run_id = ?", [run_id]).fetchall()
        for status, action in statuses:
            after = -1
            while True:
                with self.store.lock:
                    rows = self.store.db.execute(
                        "select seq, key from run_items where run_id = ? and status = ? and action = ? and seq > ? "
                        "order by seq limit ?", [run_id, status, action, after, chunk]).fetchall()
                if not rows:
                    break
                after = rows[-1][0]
                yield status, action, [k for _, k in rows]

    def key_columns(self, run_id: str) -> list[tuple[str, str, np.ndarray]] | None:
        """The run's keys as (status, action, keys as ``S64``), each group read as one blob of its
        keys end to end (``group_concat``: no Python object per key); None when a key is not 64
        characters (then ``keys_by_status``)."""
        with self.store.lock:
            groups = self.store.db.execute(
                "select status, action, count(*), min(length(key)), max(length(key)), "
                "cast(group_concat(key, '') as blob) from run_items where run_id = ? group by status, action",
                [run_id]).fetchall()
        width = keyarrays.WIDTH
        if any(not (low == high == width and len(blob) == n * width) for _, _, n, low, high, blob in groups):
            return None
        return [(status, action, np.frombuffer(blob, keyarrays.DTYPE)) for status, action, _, _, _, blob in groups]

    def rejected(self, run_id: str, *, limit: int) -> list[tuple[str, str, int | None, str | None]]:
        """(key, action, HTTP status, message) of items LinkedIn rejected, at most ``limit``."""
        with self.store.lock:
            rows = self.store.db.execute(
                "select key, action, http_status, message from run_items where run_id = ? and status = 'rejected' "
                "order by seq limit ?", [run_id, limit]).fetchall()
        return [tuple(r) for r in rows]
