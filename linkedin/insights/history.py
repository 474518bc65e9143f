"""Segment history: a snapshot of status and counts each time the app reads a segment.

LinkedIn keeps no history of a segment's numbers, so the app keeps its own in the store
(table ``segment_snapshots``). Identical consecutive readings are one row whose
``seen_at`` moves forward, so a segment read every minute for a month stays a few rows
while the charts still know how long each state lasted.

Snapshots are per segment, not per member: analysts who share an ad account share its
segments' history. Reading it names the accounts the reader can access (``of``'s
``accounts``), and a snapshot of a segment in any other account is never handed out.

Snapshots are per LinkedIn too (``linkedin``: the API's address): a segment id the sandbox
hands out again, or that real LinkedIn also uses, never inherits another LinkedIn's
history. Rows from before take the address the upload runs went to for their segment or
account, else the first opener's (``Store.linkedin_of_runs``).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Callable, Collection, Iterable, Mapping

import pandas as pd

from linkedin.api.segment_numbers import COUNTS_WINDOW_DAYS, Counts
from linkedin.api.segments import Segment
from linkedin.store import Store

TABLE = "segment_snapshots"
# What makes two readings different; the name is kept but a rename alone is not a change.
_VALUES = ("status", "input_count", "matched_count", "audience_size", "last_modified_ms")


@dataclass(frozen=True)
class Snapshot(Counts):
    """One stretch of identical readings of a segment, from ``taken_at`` to ``seen_at`` (epoch s)."""

    segment_id: int
    account_urn: str
    name: str
    status: str | None
    input_count: int | None
    matched_count: int | None
    audience_size: int | None
    last_modified_ms: int | None
    taken_at: float
    seen_at: float

    @property
    def counts_window_days(self) -> int:
        return COUNTS_WINDOW_DAYS

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> "Snapshot":
        return cls(**{k: row[k] for k in cls.__dataclass_fields__})


def _values(segment: Segment) -> dict[str, Any]:
    return {
        "status": segment.status,
        "input_count": segment.input_count,
        "matched_count": segment.matched_count,
        "audience_size": segment.audience_size,
        "last_modified_ms": segment.last_modified_ms,
    }


class History:
    """Snapshots of segments in one store (created on first use)."""

    def __init__(self, store: Store, *, linkedin: str, clock: Callable[[], float] = time.time) -> None:
        if not linkedin:
            raise ValueError("a segment history belongs to one LinkedIn: give its API address")
        self.store = store
        self.linkedin = linkedin
        self.clock = clock
        with store.lock:
            if TABLE in store.db.table_names() and "linkedin" not in store.db[TABLE].columns_dict:
                self._migrate()
            store.db[TABLE].create(
                {
                    "id": int,
                    "linkedin": str,
                    "segment_id": int,
                    "account_urn": str,
                    "name": str,
                    "status": str,
                    "input_count": int,
                    "matched_count": int,
                    "audience_size": int,
                    "last_modified_ms": int,
                    "taken_at": float,
                    "seen_at": float,
                },
                pk="id",
                if_not_exists=True,
            )
            store.db[TABLE].create_index(["linkedin", "segment_id", "taken_at"], if_not_exists=True)

    def _migrate(self) -> None:
        """Snapshots from before they were per LinkedIn: the address their segment's (else their
        account's) upload runs went to, else this opener's."""
        db = self.store.db
        by_segment, by_account = self.store.linkedin_of_runs()
        with db.atomic():
            db[TABLE].add_column("linkedin", str)
            db.conn.executemany(f"UPDATE {TABLE} SET linkedin = ? WHERE segment_id = ? AND linkedin IS NULL",
                                [(base, int(seg)) for seg, base in by_segment.items() if seg.isdigit()])
            db.conn.executemany(f"UPDATE {TABLE} SET linkedin = ? WHERE account_urn = ? AND linkedin IS NULL",
                                [(base, acc) for acc, base in by_account.items()])
            db.execute(f"UPDATE {TABLE} SET linkedin = ? WHERE linkedin IS NULL", [self.linkedin])

    def record(self, segments: Iterable[Segment], *, at: float | None = None) -> int:
        """Snapshot every segment; returns how many new rows were written (the rest only moved ``seen_at``)."""
        segments = list(segments)
        if not segments:
            return 0
        now = self.clock() if at is None else at
        ids = [s.id for s in segments]
        with self.store.lock:
            latest = self._latest(ids)
            new_rows: list[dict[str, Any]] = []
            seen: list[tuple[float, int]] = []
            for seg in segments:
                values = _values(seg)
                last = latest.get(seg.id)
                if last is not None and all(last[k] == values[k] for k in _VALUES):
                    seen.append((now, last["id"]))
                else:
                    new_rows.append({"linkedin": self.linkedin, "segment_id": seg.id, "account_urn": seg.account_urn, "name": seg.name,
                                     **values, "taken_at": now, "seen_at": now})
            with self.store.db.atomic():
                if seen:
                    self.store.db.conn.executemany(
                        f"UPDATE {TABLE} SET seen_at = ? WHERE id = ? AND seen_at < ?",
                        [(t, row_id, t) for t, row_id in seen],
                    )
                if new_rows:
                    self.store.db[TABLE].insert_all(new_rows)
        return len(new_rows)

    def _latest(self, ids: list[int]) -> dict[int, dict[str, Any]]:
        """The newest row of each segment id (in chunks: sqlite limits bound parameters)."""
        out: dict[int, dict[str, Any]] = {}
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            marks = ",".join("?" * len(chunk))
            sql = (
                f"SELECT * FROM {TABLE} AS s WHERE s.linkedin = ? AND s.segment_id IN ({marks}) AND s.id = "
                f"(SELECT MAX(id) FROM {TABLE} WHERE linkedin = s.linkedin AND segment_id = s.segment_id)"
            )
            for row in self.store.db.query(sql, [self.linkedin, *chunk]):
                out[row["segment_id"]] = row
        return out

    def of(self, segment_id: int, *, accounts: Collection[str]) -> list[Snapshot]:
        """The segment's snapshots, oldest first, when it is in one of ``accounts`` (the URNs of the
        ad accounts the reader can access); none otherwise."""
        allowed = set(accounts)
        with self.store.lock:
            rows = list(self.store.db[TABLE].rows_where("linkedin = ? AND segment_id = ?", [self.linkedin, segment_id],
                                                        order_by="taken_at, id"))
        return [Snapshot.from_row(r) for r in rows if r["account_urn"] in allowed]

    def as_of(self, segment_ids: Collection[int], at: float, *, accounts: Collection[str]) -> dict[int, Snapshot]:
        """Each segment's state as the app last read it at or before ``at`` (epoch s), for segments of
        ``accounts``; a segment first read after ``at`` is absent."""
        allowed, ids = set(accounts), list(segment_ids)
        out: dict[int, Snapshot] = {}
        with self.store.lock:
            for i in range(0, len(ids), 500):
                chunk = ids[i:i + 500]
                marks = ",".join("?" * len(chunk))
                sql = (f"SELECT * FROM {TABLE} AS s WHERE s.segment_id IN ({marks}) AND s.id = (SELECT MAX(id) FROM "
                       f"{TABLE} WHERE segment_id = s.segment_id AND taken_at <= ?)")
                for row in self.store.db.query(sql, [*chunk, at]):
                    if row["account_urn"] in allowed:
                        out[row["segment_id"]] = Snapshot.from_row(row)
        return out


COLUMNS = ["segment_id", "name", "status", "input_count", "matched_count", "audience_size", "match_rate",
           "taken_at", "seen_at", "match_rate_text", "counts_window_days"]


def frame(snaps: Iterable[Snapshot]) -> pd.DataFrame:
    """Snapshots as a table (``COLUMNS``): times as UTC datetimes, counts as nullable integers.

    Input, matched and match rate are each reading's last 7 days of uploads; the audience size is all of it.
    """
    out = pd.DataFrame([{k: getattr(s, k) for k in COLUMNS} for s in snaps], columns=COLUMNS)
    for col in ("taken_at", "seen_at"):
        out[col] = pd.to_datetime(out[col], unit="s", utc=True)
    for col in ("input_count", "matched_count", "audience_size"):
        out[col] = out[col].astype("Int64")
    out["match_rate"] = out["match_rate"].astype("Float64")
    return out
