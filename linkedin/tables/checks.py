"""``Checked``, one column after checking, and the pyarrow helpers every checker builds it with.

Why a module of its own: the people identifiers (``identifiers``), the company keys
(``companykeys``) and the countries (``countries``) all judge whole string columns the same
way, with the same masks, patches and problems tables; this is that common ground, so the
checkers depend on it and not on each other. Nothing here knows a field.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

# Unicode spaces that spreadsheets and copy-paste leave behind, zero-width ones included.
SPACES = " \t\n\r\f\v\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u200b\u2028\u2029\u202f\u205f\u3000\ufeff"

NULL_STRING = pa.scalar(None, pa.string())
EMPTY_PROBLEMS = pa.schema(
    [("index", pa.int64()), ("given", pa.string()), ("problem", pa.string()), ("fix", pa.string()), ("fixed", pa.bool_())]
)


@dataclass(frozen=True, eq=False)
class Checked:
    """One column after checking.

    ``value`` is what to send, null where the cell was empty or unusable. ``problems`` has one
    row per unusable or fixed cell: ``index`` (position in the column), ``given`` (the cell as
    read), ``problem``, ``fix`` (suggested value or null) and ``fixed`` (True when the fix was
    applied and ``value`` holds it). ``derived`` is a second result where a checker has one
    (email: RAW/SHA256/SHA512 per cell; page_url: the organization URN of numeric pages)."""

    kind: str
    value: pa.Array
    given: int  # non-empty cells
    problems: pa.Table
    derived: pa.Array | None = None

    @classmethod
    def absent(cls, n: int, kind: str) -> Checked:
        """A column that was not given at all: ``n`` empty cells."""
        return cls(kind, pa.nulls(n, pa.string()), 0, EMPTY_PROBLEMS.empty_table())

    @property
    def fixed(self) -> int:
        if not self.problems.num_rows:
            return 0
        return int(pc.sum(self.problems["fixed"]).as_py() or 0)

    @property
    def invalid(self) -> int:
        return self.problems.num_rows - self.fixed

    @property
    def valid(self) -> int:
        """Non-empty cells that will be sent (fixed ones included)."""
        return self.given - self.invalid


@dataclass(frozen=True)
class Verdict:
    """One value after checking: what would be sent (``ok``: something will be), or why not and what would fix it."""

    value: str | None
    ok: bool
    problem: str | None = None
    fix: str | None = None
    derived: Any = None


# -- column helpers ------------------------------------------------------------------------
def strings(values: Any) -> pa.Array:
    """Any column (pyarrow array or chunked array, pandas Series, list) as one string array."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks() if values.num_chunks != 1 else values.chunk(0)
    elif not isinstance(values, pa.Array):
        values = pa.array(values, type=pa.string(), from_pandas=True)
    if values.type != pa.string():
        values = values.cast(pa.string())
    return values


def filled_mask(mask: pa.Array) -> pa.Array:
    """A boolean mask with null read as false.

    Same result as ``pc.fill_null(mask, False)``, which runs a general coalesce kernel
    (1-3 ms a million cells, and preparation calls it dozens of times): nothing to do without
    nulls, else one Kleene ``and`` with the validity (null and false is false)."""
    if not mask.null_count:
        return mask
    return pc.and_kleene(mask, pc.is_valid(mask))


def any_true(mask: pa.Array) -> bool:
    return bool(pc.any(mask).as_py())


def patch_where(values: pa.Array, mask: pa.Array, fn: Callable[[pa.Array], pa.Array]) -> pa.Array:
    """``fn`` applied only where ``mask`` holds: costly string work stays off the clean cells."""
    mask = filled_mask(mask)
    if not any_true(mask):
        return values
    return pc.replace_with_mask(values, mask, fn(values.filter(mask)))


def keep(values: pa.Array, mask: pa.Array) -> pa.Array:
    """``values`` with nulls wherever ``mask`` is not true, sharing the string buffers (no copy)."""
    if mask.null_count:
        mask = filled_mask(mask)
    if values.null_count:
        mask = pc.and_(mask, pc.is_valid(values))
    if values.type != pa.string() or values.offset or mask.offset:
        return pc.if_else(mask, values, NULL_STRING)
    _, offsets, data = values.buffers()
    return pa.StringArray.from_buffers(len(values), offsets, data, mask.buffers()[1])


def all_ascii(values: pa.Array) -> bool:
    """True when no cell holds a non-ASCII character: one numpy pass over the bytes of the
    cells (a million emails: 3 ms, against 16 ms for pyarrow's per-cell ``string_is_ascii``)."""
    if values.type != pa.string() or len(values) == 0:
        return bool(pc.all(pc.string_is_ascii(values)).as_py() is not False)
    offsets = np.frombuffer(values.buffers()[1], dtype=np.int32, count=len(values) + 1, offset=values.offset * 4)
    data = values.buffers()[2]
    if data is None:
        return True
    cells = np.frombuffer(data, dtype=np.uint8)[offsets[0]:offsets[-1]]
    return not len(cells) or int(cells.max()) < 0x80


def lower_case(values: pa.Array) -> pa.Array:
    """Lower case: the fast ASCII kernel when every cell is ASCII, else the Unicode one for all
    (patching only the non-ASCII cells costs more: a per-cell test and a copy of the column)."""
    return pc.ascii_lower(values) if all_ascii(values) else pc.utf8_lower(values)


def upper_case(values: pa.Array) -> pa.Array:
    return pc.ascii_upper(values) if all_ascii(values) else pc.utf8_upper(values)


def blank_to_null(values: pa.Array) -> pa.Array:
    return keep(values, pc.greater(pc.binary_length(values), 0))


def trim(values: pa.Array) -> pa.Array:
    """Surrounding whitespace removed (Unicode and zero-width spaces included)."""
    return pc.utf8_trim(values, characters=SPACES)


def explain_each(subset: pa.Array, fn: Callable[[str], tuple[str, str | None]]) -> tuple[pa.Array, pa.Array]:
    """``fn(value) -> (problem, fix)`` for each distinct value of ``subset``, spread back to every cell."""
    uniq = pc.unique(subset)
    told = [fn(v) for v in uniq.to_pylist()]
    where = pc.index_in(subset, value_set=uniq)
    problems = pc.take(pa.array([t[0] for t in told], pa.string()), where)
    fixes = pc.take(pa.array([t[1] for t in told], pa.string()), where)
    return problems, fixes


def problem_rows(
    raw: pa.Array, bad: pa.Array, norm: pa.Array, fn: Callable[[str], tuple[str, str | None]], fixed: pa.Array | None = None
) -> pa.Table:
    """The problems table for the cells where ``bad`` holds (explained from their normalized form)."""
    bad = filled_mask(bad)
    if not any_true(bad):
        return EMPTY_PROBLEMS.empty_table()
    index = pc.indices_nonzero(bad)
    problem, fix = explain_each(pc.take(norm, index), fn)
    was_fixed = pc.take(filled_mask(fixed), index) if fixed is not None else pa.nulls(len(index), pa.bool_()).fill_null(False)
    return pa.table(
        [index.cast(pa.int64()), pc.take(raw, index), problem, fix, was_fixed], schema=EMPTY_PROBLEMS
    )


def present_count(values: pa.Array) -> int:
    return len(values) - values.null_count


def checked_result(kind: str, raw: pa.Array, norm: pa.Array, ok: pa.Array, fn, *, value=None, derived=None) -> Checked:
    ok = filled_mask(ok)
    value = keep(norm if value is None else value, ok)
    bad = pc.and_(pc.is_valid(norm), pc.invert(ok))
    return Checked(kind, value, present_count(norm), problem_rows(raw, bad, norm, fn), derived)


def scatter(n: int, mask: pa.Array, sub: pa.Array) -> pa.Array:
    """A column of ``n`` nulls with ``sub`` placed where ``mask`` holds."""
    return pc.replace_with_mask(pa.nulls(n, sub.type), mask, sub)
