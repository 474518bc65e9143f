"""What happened to the rows of a table in a run, counted without a frame of a row per input row.

``upload.results`` spells one row per input row (a million rows: a Python dict entry and a
pandas row each, hundreds of MB held as long as they are shown). A page needs the counts and
the few rows LinkedIn rejected; the full table is built only when the analyst downloads it.
Here the run's keys are read from the store a stored part at a time (``Uploads.key_parts``) and
found in the table's ``key_index`` (keys of another width: a chunk at a time, matched with
``pc.is_in``), each row weighted by itself plus its duplicates: a few bytes a row, and nothing
kept after the counts.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from linkedin.store import Store
from linkedin.sync.runs import Uploads
from linkedin.tables import keyarrays
from linkedin.tables.prepared import Prepared

CHUNK = 100_000  # keys of another width than SHA-256's matched at a time
REFUSED_SHOWN = 1_000  # rows LinkedIn rejected, listed on a page (the results file has all)

# Codes of a sent row's state, in the order a later code wins (a key is in a run once).
_NOT_IN_RUN, _PENDING, _ACCEPTED, _REJECTED = 0, 1, 2, 3
_CODES = {"pending": _PENDING, "accepted": _ACCEPTED, "rejected": _REJECTED}


@dataclass(frozen=True)
class RowCounts:
    """Rows of the table by what happened to them (duplicates share their kept row's fate)."""

    accepted: int  # accepted by LinkedIn
    rejected: int  # rejected by LinkedIn
    pending: int  # still to send
    unchanged: int  # not sent: the segment already had them (add, mirror)
    rejected_locally: int  # nothing LinkedIn can match on: never sent
    duplicates: int  # rows repeating an earlier row
    removed_in_table: int  # distinct keys of the table LinkedIn accepted to remove


def _states(prepared: Prepared, store: Store, run_id: str) -> tuple[np.ndarray, np.ndarray]:
    """Per row to send: its state code, and whether its action was REMOVE."""
    state = np.zeros(len(prepared), dtype=np.int8)
    removed = np.zeros(len(prepared), dtype=bool)
    other: dict[tuple[str, str], list[str]] = {}  # keys of another width than SHA-256's (runs of old)
    for status, action, hexes in Uploads(store).key_parts(run_id):
        if keyarrays.full_width(hexes):  # found through the table's index: no string per key
            at = prepared.key_index.find(hexes)
            at = at[at >= 0]
            state[at] = _CODES.get(status, _PENDING)
            if action == "REMOVE":
                removed[at] = True
        else:
            other.setdefault((status, action), []).extend(keyarrays.strings(hexes))
    for (status, action), keys in other.items():
        for start in range(0, len(keys), CHUNK):
            value_set = pa.array(keys[start:start + CHUNK], pa.string())
            hit = pc.is_in(prepared.keys, value_set=value_set).to_numpy(zero_copy_only=False)
            state[hit] = _CODES.get(status, _PENDING)
            if action == "REMOVE":
                removed |= hit
    return state, removed


def _weights(prepared: Prepared) -> np.ndarray:
    """Per row to send: 1 plus the rows that repeat it."""
    kept = prepared.duplicate_rows.column("kept_row").to_numpy(zero_copy_only=False)
    return 1 + np.bincount(prepared.index_of(kept), minlength=len(prepared)) if len(kept) else np.ones(
        len(prepared), dtype=np.int64)


def row_counts(prepared: Prepared, store: Store, run_id: str) -> RowCounts:
    """The rows of ``prepared`` by what ``run_id`` did with them."""
    state, removed = _states(prepared, store, run_id)
    weight = _weights(prepared)
    by = np.bincount(state, weights=weight, minlength=4).astype(np.int64)
    return RowCounts(accepted=int(by[_ACCEPTED]), rejected=int(by[_REJECTED]), pending=int(by[_PENDING]),
                     unchanged=int(by[_NOT_IN_RUN]), rejected_locally=len(prepared.quality.rejected),
                     duplicates=prepared.duplicate_rows.num_rows,
                     removed_in_table=int((removed & (state == _ACCEPTED)).sum()))


def refused(prepared: Prepared, store: Store, run_id: str, *, limit: int = REFUSED_SHOWN) -> pd.DataFrame:
    """Rows LinkedIn rejected, with its reason (at most ``limit``, by row): row, action, http_status, message."""
    answers = Uploads(store).rejected(run_id, limit=limit)
    columns = ["row", "action", "result", "http_status", "message"]
    if not answers:
        return pd.DataFrame(columns=columns)
    by_key = {key: (action, http, message) for key, action, http, message in answers}
    hit = pc.is_in(prepared.keys, value_set=pa.array(list(by_key), pa.string())).to_numpy(zero_copy_only=False)
    at = np.flatnonzero(hit)
    keys = prepared.keys.take(pa.array(at)).to_pylist()
    rows = prepared.rows[at].tolist()
    kept_of = dict(zip(rows, keys))
    dup = prepared.duplicate_rows
    for row, kept in zip(dup.column("row").to_pylist(), dup.column("kept_row").to_pylist()):
        if kept in kept_of:
            kept_of[row] = kept_of[kept]
    out = []
    for row in sorted(kept_of)[:limit]:
        action, http, message = by_key[kept_of[row]]
        out.append({"row": row, "action": action, "result": "rejected by LinkedIn", "http_status": http,
                    "message": message or ""})
    return pd.DataFrame(out, columns=columns)
