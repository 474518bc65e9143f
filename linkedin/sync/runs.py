"""Upload runs: what a sync set out to send, what LinkedIn accepted or rejected, and where it stopped.

Every key of a run is written down (hashed, with its action) before the first batch
leaves, and marked as LinkedIn answers, so an interrupted run (browser closed, app
restarted, token expired, rate limit) resumes with only what is still pending.
Nothing personal is stored: keys are SHA-256 hashes; plain-text extra fields
(names, titles) live only in memory, which is why resuming such a run after a
restart asks for the same file again.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from typing import Any, Iterable

from linkedin.store import Store

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
        )


class Uploads:
    """The ``runs`` and ``run_items`` tables."""

    def __init__(self, store: Store) -> None:
        self.store = store
        db = store.db
        with store.lock:
            db["runs"].create(
                {"id": str, "segment_id": str, "segment_name": str, "account": str, "kind": str, "mode": str,
                 "state": str, "total": int, "needs_file": int, "created_at": float, "updated_at": float,
                 "message": str},
                pk="id", if_not_exists=True,
            )
            db["run_items"].create(
                {"run_id": str, "seq": int, "key": str, "action": str, "status": str, "http_status": int,
                 "message": str},
                pk=("run_id", "seq"), if_not_exists=True,
            )
            db["run_items"].create_index(["run_id", "status", "seq"], if_not_exists=True)

    def create(self, *, segment_id: str | int, segment_name: str, account: str, kind: str, mode: str,
               items: Iterable[tuple[str, str]], needs_file: bool) -> str:
        """Write a new run and all its (key, action) items as pending; returns the run id."""
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
            self.store.db["runs"].insert({
                "id": run_id, "segment_id": str(segment_id), "segment_name": segment_name, "account": account,
                "kind": kind, "mode": mode, "state": "running" if total else "done", "total": total,
                "needs_file": int(needs_file), "created_at": now, "updated_at": now, "message": None,
            })
        return run_id

    def pending(self, run_id: str, *, limit: int, action: str | None = None) -> list[tuple[int, str, str]]:
        """The next pending (seq, key, action) items in order, REMOVEs and ADDs alike unless ``action``."""
        sql = "select seq, key, action from run_items where run_id = ? and status = 'pending'"
        args: list[Any] = [run_id]
        if action:
            sql += " and action = ?"
            args.append(action)
        sql += " order by seq limit ?"
        with self.store.lock:
            return [tuple(r) for r in self.store.db.execute(sql, [*args, limit]).fetchall()]

    def mark(self, run_id: str, results: Iterable[tuple[int, str, int | None, str | None]]) -> None:
        """Record LinkedIn's answer per item: (seq, accepted|rejected, HTTP status, message)."""
        with self.store.lock, self.store.db.atomic():
            self.store.db.conn.executemany(
                "update run_items set status = ?, http_status = ?, message = ? where run_id = ? and seq = ?",
                [(status, http, msg, run_id, seq) for seq, status, http, msg in results],
            )
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

    def get(self, run_id: str) -> Run | None:
        with self.store.lock:
            rows = list(self.store.db["runs"].rows_where("id = ?", [run_id]))
        return Run.from_row(rows[0], self.counts(run_id)) if rows else None

    def all(self, *, limit: int = 50) -> list[Run]:
        """The latest runs, newest first."""
        with self.store.lock:
            rows = list(self.store.db["runs"].rows_where(order_by="created_at desc", limit=limit))
        return [Run.from_row(r, self.counts(r["id"])) for r in rows]

    def results(self, run_id: str) -> dict[str, tuple[str, str, int | None, str | None]]:
        """Per key: (action, status, HTTP status, message), for the results file."""
        with self.store.lock:
            rows = self.store.db.execute(
                "select key, action, status, http_status, message from run_items where run_id = ?", [run_id]
            ).fetchall()
        return {k: (a, s, h, m) for k, a, s, h, m in rows}
