"""Why a row is not sent, in words: the problems of its identifier cells, else what it lacks.

A preparation rejects the rows it cannot match (``preparation``); each gets one reason for the
quality report and the rejected-rows download, e.g. "email: not an email address; googleaid:
not a Google ad id", "no email, ad id or name and company", or "empty row".
"""

from __future__ import annotations

from typing import Callable, Mapping, Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from linkedin.tables import identifiers as ids
from linkedin.tables.columns import ColumnMap
from linkedin.tables.identifiers import Checked
from linkedin.tables.table import Table


def problems_at(check: Checked) -> dict[int, str]:
    """Row position -> the problem of its cell, for the problems a fix did not settle."""
    p = check.problems
    if not p.num_rows:
        return {}
    bad = p.filter(pc.invert(p["fixed"]))
    return dict(zip(bad.column("index").to_pylist(), bad.column("problem").to_pylist()))


def reasons(positions: np.ndarray, checks: Mapping[str, Checked], identifiers_: Sequence[str], need: str,
             extra: Callable[[int], list[str]] | None = None) -> list[str]:
    """Why each rejected row cannot be sent: the problems of its identifier cells, else what is missing."""
    problems = {f: problems_at(checks[f]) for f in identifiers_}
    found = []
    for i in positions.tolist():
        parts = [f"{f}: {problems[f][i]}" for f in identifiers_ if i in problems[f]]
        if extra:
            parts.extend(extra(i))
        found.append("; ".join(parts) if parts else need)
    return found


def mark_empty(table: Table, columns: ColumnMap, rejected: np.ndarray, why: list[str]) -> list[str]:
    """Rows with nothing in any mapped cell say so."""
    if not len(rejected):
        return why
    sub = table.data.select([c for _, c in columns.pairs]).take(pa.array(rejected, pa.int64()))
    empty = np.ones(len(rejected), dtype=bool)
    for col in sub.columns:
        empty &= pc.fill_null(pc.equal(ids.trim(col.combine_chunks()), ""), True).to_numpy(zero_copy_only=False)
    return ["empty row" if e else r for e, r in zip(empty.tolist(), why)]
