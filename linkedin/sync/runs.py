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

A run's items are stored a part at a time (``run_parts``: up to ``PART`` items of one action, a
byte of status and two of HTTP status each, with the part's counts beside; their keys end to end
in ``run_keys``, written once), not a row an item: writing a batch's answers is one small row
rewritten, where a row an item made every answer an index entry moved (~4 s of sqlite's work for
a million items, measured with ``bench/upload.py --profile``). Only items with a message
(LinkedIn's reason for a rejection) have a row of their own (``run_messages``).
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from typing import Any, Iterable, Iterator, Sequence

import numpy as np

from linkedin.store import Store
from linkedin.tables import keyarrays

STATES = ("running", "paused", "failed", "done")
PART = 5000  # items a part holds: a batch of LinkedIn's is at most one or two parts
_CODE = {"pending": ord("p"), "accepted": ord("a"), "rejected": ord("r")}
_STATUS = {code: status for status, code in _CODE.items()}


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


class Pending:
    """The next pending items of a run, as arrays (no Python object per item): their seqs, keys
    (``S64``) and whether each is an ADD (else a REMOVE)."""

    __slots__ = ("seqs", "keys", "adds")

    def __init__(self, seqs: np.ndarray, keys: np.ndarray, adds: np.ndarray) -> None:
        self.seqs, self.keys, self.adds = seqs, keys, adds

    def __len__(self) -> int:
        return len(self.seqs)

    def items(self) -> list[tuple[int, str, str]]:
        """The (seq, key, action) tuples, for the code that goes item by item."""
        return [(seq, key, "ADD" if add else "REMOVE") for seq, key, add in
                zip(self.seqs.tolist(), keyarrays.strings(self.keys), self.adds.tolist())]


@dataclass
class _Part:
    """One stored part of a run, as arrays (changed in place, then written back)."""

    number: int
    first_seq: int
    action: str
    status: np.ndarray  # uint8 codes (_CODE)
    http: np.ndarray  # uint16, 0 where none
    keys: np.ndarray | None = None  # S64, when read

    @classmethod
    def from_row(cls, row: Sequence[Any]) -> "_Part":
        number, first_seq, action, status, http, *keys = row
        return cls(number, first_seq, action, np.frombuffer(status, np.uint8).copy(),
                   np.frombuffer(http, "<u2").copy(), np.frombuffer(keys[0], keyarrays.DTYPE) if keys else None)

    @property
    def seqs(self) -> np.ndarray:
        return np.arange(self.first_seq, self.first_seq + len(self.status))

    def counts(self) -> tuple[int, int, int]:
        by = np.bincount(self.status, minlength=256)
        return int(by[_CODE["pending"]]), int(by[_CODE["accepted"]]), int(by[_CODE["rejected"]])


_PART_COLUMNS = "p.part, p.first_seq, p.action, p.status, p.http"


class Uploads:
    """The ``runs``, ``run_parts``, ``run_keys`` and ``run_messages`` tables."""

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
            db["run_parts"].create(
                {"run_id": str, "part": int, "first_seq": int, "action": str, "n": int, "pending": int,
                 "accepted": int, "rejected": int, "status": bytes, "http": bytes},
                pk=("run_id", "part"), if_not_exists=True,
            )
            db["run_keys"].create({"run_id": str, "part": int, "keys": bytes}, pk=("run_id", "part"),
                                  if_not_exists=True)
            db["run_messages"].create({"run_id": str, "seq": int, "message": str}, pk=("run_id", "seq"),
                                      if_not_exists=True)
            if "run_items" in db.table_names():
                self._migrate()

    def _migrate(self) -> None:
        """Runs from before parts (a ``run_items`` row an item) are written as parts, then the old
        table goes."""
        db = self.store.db
        with db.atomic():
            for (run_id,) in db.execute("select distinct run_id from run_items").fetchall():
                rows = db.execute("select seq, key, action, status, http_status, message from run_items "
                                  "where run_id = ? order by seq", [run_id])
                seq = 0
                while chunk := rows.fetchmany(PART):  # a part at a time: never a whole run in memory
                    for action, group in _runs_of(chunk, lambda row: row[2]):
                        self._write_parts(run_id, seq, action, keyarrays.as_bytes([r[1] for r in group]),
                                          np.array([_CODE.get(r[3], _CODE["pending"]) for r in group], np.uint8),
                                          np.array([r[4] or 0 for r in group], "<u2"))
                        db.conn.executemany("insert into run_messages (run_id, seq, message) values (?, ?, ?)",
                                            [(run_id, seq + i, r[5]) for i, r in enumerate(group) if r[5] is not None])
                        seq += len(group)
            db["run_items"].drop()

    def _write_parts(self, run_id: str, seq: int, action: str, keys: np.ndarray,
                     status: np.ndarray | None = None, http: np.ndarray | None = None) -> None:
        """Items from ``seq`` on, of one action, as new parts (pending unless ``status``)."""
        n = len(keys)
        status = np.full(n, _CODE["pending"], np.uint8) if status is None else status
        http = np.zeros(n, "<u2") if http is None else http
        part = self.store.db.execute("select coalesce(max(part) + 1, 0) from run_parts where run_id = ?",
                                     [run_id]).fetchone()[0]
        rows, blobs = [], []
        for start in range(0, n, PART):
            made = _Part(part, seq + start, action, status[start:start + PART], http[start:start + PART])
            rows.append((run_id, made.number, made.first_seq, made.action, len(made.status), *made.counts(),
                         made.status.tobytes(), made.http.astype("<u2").tobytes()))
            blobs.append((run_id, part, np.ascontiguousarray(keys[start:start + PART], keyarrays.DTYPE).tobytes()))
            part += 1
        self.store.db.conn.executemany(
            "insert into run_parts (run_id, part, first_seq, action, n, pending, accepted, rejected, status, http) "
            "values (?,?,?,?,?,?,?,?,?,?)", rows)
        self.store.db.conn.executemany("insert into run_keys (run_id, part, keys) values (?, ?, ?)", blobs)

    def create(self, *, owner: str, segment_id: str | int, segment_name: str, account: str, kind: str, mode: str,
               items: Iterable[tuple[str, str]] = (), needs_file: bool,
               columns: Iterable[tuple[str, np.ndarray]] = ()) -> str:
        """Write a new run of ``owner`` and all its items as pending; returns the run id. The items
        are ``items``, (key, action) pairs, then ``columns``: (action, keys as ``S64``) in order."""
        if not owner:
            raise ValueError("an upload run needs an owner")
        run_id = uuid.uuid4().hex[:12]
        now = time.time()
        with self.store.lock, self.store.db.atomic():
            total = 0
            groups = [(action, keyarrays.as_bytes([key for key, _ in group]))
                      for action, group in _runs_of(list(items), lambda item: item[1])]
            for action, hexes in [*groups, *columns]:
                if len(hexes):
                    self._write_parts(run_id, total, action, hexes)
                    total += len(hexes)
            self.store.db["runs"].insert({
                "id": run_id, "owner": owner, "segment_id": str(segment_id), "segment_name": segment_name, "account": account,
                "kind": kind, "mode": mode, "state": "running" if total else "done", "total": total,
                "needs_file": int(needs_file), "created_at": now, "updated_at": now, "message": None,
            })
        return run_id

    def _parts(self, run_id: str, where: str = "", args: Sequence[Any] = ()) -> Iterator[_Part]:
        """The run's parts in order (those matching ``where``), read one at a time."""
        after = -1
        while True:
            with self.store.lock:
                row = self.store.db.execute(
                    f"select {_PART_COLUMNS}, k.keys from run_parts p join run_keys k using (run_id, part) "
                    f"where p.run_id = ? and p.part > ? {where} order by p.part limit 1",
                    [run_id, after, *args]).fetchone()
            if row is None:
                return
            part = _Part.from_row(row)
            after = part.number
            yield part

    def pending_batch(self, run_id: str, *, limit: int, action: str | None = None,
                      after: int | None = None) -> Pending:
        """The next pending items in order, REMOVEs and ADDs alike unless ``action``; only those past
        seq ``after`` when given."""
        seqs, keys, adds = [], [], []
        left = limit
        where, args = "and p.pending > 0 and p.first_seq + p.n - 1 > ?", [-1 if after is None else after]
        if action:
            where += " and p.action = ?"
            args.append(action)
        for part in self._parts(run_id, where, args):
            take = part.status == _CODE["pending"]
            if after is not None:
                take &= part.seqs > after
            at = np.flatnonzero(take)[:left]
            seqs.append(part.first_seq + at)
            keys.append(part.keys[at])
            adds.append(np.full(len(at), part.action == "ADD"))
            left -= len(at)
            if not left:
                break
        if not seqs:
            return Pending(np.zeros(0, np.int64), np.zeros(0, keyarrays.DTYPE), np.zeros(0, bool))
        return Pending(np.concatenate(seqs), np.concatenate(keys), np.concatenate(adds))

    def pending(self, run_id: str, *, limit: int, action: str | None = None,
                after: int | None = None) -> list[tuple[int, str, str]]:
        """``pending_batch`` as (seq, key, action) tuples."""
        return self.pending_batch(run_id, limit=limit, action=action, after=after).items()

    def mark(self, run_id: str, results: Iterable[tuple[int, str, int | None, str | None]], *,
             pending_between: tuple[int, int, str, int | None] | None = None) -> None:
        """Record LinkedIn's answer per item: (seq, accepted|rejected, HTTP status, message); then,
        with ``pending_between`` (first seq, last seq, status, HTTP status), the same answer for
        every item between them still pending."""
        results = list(results)
        seqs = np.array([r[0] for r in results], np.int64)
        self.mark_batch(run_id, seqs, np.array([_CODE[r[1]] for r in results], np.uint8),
                        np.array([r[2] or 0 for r in results], "<u2"),
                        {seq: message for seq, _, _, message in results if message is not None},
                        pending_between=pending_between)

    def mark_batch(self, run_id: str, seqs: np.ndarray, codes: np.ndarray, http: np.ndarray,
                   messages: dict[int, str], *,
                   pending_between: tuple[int, int, str, int | None] | None = None) -> None:
        """``mark`` from arrays: each item's seq, status code (``status_code``), HTTP status (0 for
        none), and the messages by seq; a batch's answers rewrite the one or two parts it is in."""
        low = [int(seqs.min())] if len(seqs) else []
        high = [int(seqs.max())] if len(seqs) else []
        if pending_between is not None:
            low.append(pending_between[0])
            high.append(pending_between[1])
        if not low:
            return
        first, last = min(low), max(high)
        with self.store.lock, self.store.db.atomic():
            db = self.store.db
            rows = db.execute(f"select {_PART_COLUMNS} from run_parts p where run_id = ? and first_seq <= ? "
                              "and first_seq + n - 1 >= ? order by part", [run_id, last, first]).fetchall()
            forget = []
            for part in map(_Part.from_row, rows):
                inside = (seqs >= part.first_seq) & (seqs < part.first_seq + len(part.status))
                at = seqs[inside] - part.first_seq
                # An item answered before (only those have a message) loses its last answer's message.
                again = at[part.status[at] != _CODE["pending"]]
                forget.extend((run_id, int(part.first_seq + i)) for i in again.tolist())
                if pending_between is not None:
                    low_seq, high_seq, status, code = pending_between
                    span = part.seqs
                    bulk = (part.status == _CODE["pending"]) & (span >= low_seq) & (span <= high_seq)
                    part.status[bulk] = _CODE[status]
                    part.http[bulk] = code or 0
                part.status[at] = codes[inside]
                part.http[at] = http[inside]
                db.execute("update run_parts set status = ?, http = ?, pending = ?, accepted = ?, rejected = ? "
                           "where run_id = ? and part = ?",
                           [part.status.tobytes(), part.http.tobytes(), *part.counts(), run_id, part.number])
            if forget:
                db.conn.executemany("delete from run_messages where run_id = ? and seq = ?", forget)
            if messages:
                db.conn.executemany("insert or replace into run_messages (run_id, seq, message) values (?, ?, ?)",
                                    [(run_id, seq, message) for seq, message in messages.items()])
            db.conn.execute("update runs set updated_at = ? where id = ?", [time.time(), run_id])

    def set_state(self, run_id: str, state: str, message: str | None = None) -> None:
        if state not in STATES:
            raise ValueError(f"unknown run state {state!r}")
        with self.store.lock:
            self.store.db["runs"].update(run_id, {"state": state, "message": message, "updated_at": time.time()})

    def counts(self, run_id: str) -> dict[str, int]:
        """Items by status (those with none left out)."""
        with self.store.lock:
            row = self.store.db.execute("select sum(pending), sum(accepted), sum(rejected) from run_parts "
                                        "where run_id = ?", [run_id]).fetchone()
        return {s: n for s, n in zip(("pending", "accepted", "rejected"), row) if n}

    def counts_by_action(self, run_id: str) -> dict[tuple[str, str], int]:
        """(action, status) -> items: what a run added and removed, apart (the funnel counts ADDs)."""
        with self.store.lock:
            rows = self.store.db.execute("select action, sum(pending), sum(accepted), sum(rejected) from run_parts "
                                         "where run_id = ? group by action", [run_id]).fetchall()
        return {(action, status): n for action, *counts in rows
                for status, n in zip(("pending", "accepted", "rejected"), counts) if n}

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
            rows = self.store.db.execute("select message, count(*) from run_messages where run_id = ? group by 1",
                                         [run_id]).fetchall()
        by = dict(rows)
        silent = self.counts(run_id).get("rejected", 0) - sum(by.values())
        if silent > 0:
            by[""] = by.get("", 0) + silent
        ranked = sorted(by.items(), key=lambda item: (-item[1], item[0]))[:limit]
        return [(m or "LinkedIn gave no reason", n) for m, n in ranked]

    def items(self, run_id: str) -> Iterator[tuple[int, str, str, str, int | None, str | None]]:
        """Every item in order: (seq, key, action, status, HTTP status, message)."""
        with self.store.lock:
            messages = dict(self.store.db.execute("select seq, message from run_messages where run_id = ?",
                                                  [run_id]).fetchall())
        for part in self._parts(run_id):
            for seq, key, code, http in zip(part.seqs.tolist(), keyarrays.strings(part.keys), part.status.tolist(),
                                            part.http.tolist()):
                yield seq, key, part.action, _STATUS[code], http or None, messages.get(seq)

    def results(self, run_id: str) -> dict[str, tuple[str, str, int | None, str | None]]:
        """Per key: (action, status, HTTP status, message), for the results file."""
        return {key: (action, status, http, message) for _, key, action, status, http, message in self.items(run_id)}

    def key_parts(self, run_id: str) -> Iterator[tuple[str, str, np.ndarray]]:
        """The run's keys as (status, action, keys as ``S64``), a stored part's keys of one status at
        a time: a page counts a million rows' results holding a part's keys, never the run's
        (``outcomes``; the run's keys in one array were 61 MB, and its look-up's copies as much again)."""
        for part in self._parts(run_id):
            for code in np.unique(part.status).tolist():
                yield _STATUS[code], part.action, part.keys[part.status == code]

    def rejected(self, run_id: str, *, limit: int) -> list[tuple[str, str, int | None, str | None]]:
        """(key, action, HTTP status, message) of items LinkedIn rejected, at most ``limit``."""
        with self.store.lock:
            messages = dict(self.store.db.execute("select seq, message from run_messages where run_id = ?",
                                                  [run_id]).fetchall())
        found: list[tuple[str, str, int | None, str | None]] = []
        for part in self._parts(run_id, "and p.rejected > 0"):
            for i in np.flatnonzero(part.status == _CODE["rejected"])[:limit - len(found)].tolist():
                found.append((part.keys[i].decode("ascii"), part.action, int(part.http[i]) or None,
                              messages.get(part.first_seq + i)))
            if len(found) >= limit:
                break
        return found


def status_code(status: str) -> int:
    """The byte a status is stored as (``Uploads.mark_batch``)."""
    return _CODE[status]


def _runs_of(items: list, action_of) -> list[tuple[str, list]]:
    """``items`` cut where their action changes: (action, items) in order."""
    out: list[tuple[str, list]] = []
    for item in items:
        action = action_of(item)
        if not out or out[-1][0] != action:
            out.append((action, []))
        out[-1][1].append(item)
    return out
