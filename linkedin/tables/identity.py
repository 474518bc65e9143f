"""Keys: each row's canonical identity, its ledger key (the identity's SHA-256), and deduplication.

A ``Level`` is one kind of identity (a raw email, a pre-hashed one, an ad id, a name...);
every row takes the first level it has (``identify``), its identity is hashed into the key
the ledger stores, and rows whose key repeats an earlier row's are duplicates (``dedupe``).
Which levels exist, and in what order, is the business of ``preparation`` (contacts,
companies); this module holds the kind-agnostic machinery, numpy over whole columns, with
the measurements that chose it. A level names a column, a prefix and characters to drop,
so every row's identity is hashed where it stands (``hash_keys``: one DuckDB query over all
levels) and no column of identities is ever copied or spelled out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from linkedin.tables import digests, keyarrays
from linkedin.tables.columns import ColumnMap
from linkedin.tables.table import Table


def valid(values: pa.Array) -> np.ndarray:
    """Which values are not null, as a numpy mask."""
    return values.is_valid().to_numpy(zero_copy_only=False)


def prefixed(prefix: str, values: pa.Array) -> pa.Array:
    """``prefix`` + each value (null stays null)."""
    return pc.binary_join_element_wise(prefix, values, "")


@dataclass(frozen=True)
class Level:
    """One kind of identity: which rows have it, and how to spell it for given rows.

    Rows take the first level they have (``identify``). ``prefix`` + ``values`` (less its
    first ``drop`` characters) is the identity for every row, hashed where it stands, with no
    copy; otherwise ``build(positions)`` spells it. ``is_key``: the identity already is a
    SHA-256 key (a pre-hashed email)."""

    valid: np.ndarray
    values: pa.Array | None = None
    build: Callable[[np.ndarray], pa.Array] | None = None
    is_key: bool = False
    prefix: str = ""
    drop: int = 0  # characters (ASCII) dropped from the start of each value before ``prefix``

    def identity(self, where: np.ndarray) -> pa.Array:
        if self.build is not None:
            return self.build(where)
        picked = self.values.take(pa.array(where))
        if self.drop:
            picked = pc.utf8_slice_codeunits(picked, self.drop)
        return prefixed(self.prefix, picked) if self.prefix else picked


@dataclass(frozen=True)
class Identified:
    chosen: list[tuple[Level, np.ndarray]]  # each level with the positions that take it
    matchable: np.ndarray  # bool per input row

    @property
    def positions(self) -> np.ndarray:
        return np.flatnonzero(self.matchable)


def identify(levels: Sequence[Level], n: int) -> Identified:
    remaining = np.ones(n, dtype=bool)
    chosen = []
    for level in levels:
        picked = remaining & level.valid
        if picked.any():
            chosen.append((level, np.flatnonzero(picked)))
            remaining &= ~picked
    return Identified(chosen, ~remaining)


@dataclass(frozen=True)
class Identities:
    """Every row's identity without copying the big columns: row ``i`` is identified by
    ``prefixes[c] + columns[c][i][drops[c]:]`` with ``c = choice[i]`` (-1: cannot be matched).
    A level's own column is used as it is; levels that spell their identities (``build``)
    share one more column, null elsewhere. ``is_key``: the identity already is a key."""

    columns: list[pa.Array]
    prefixes: list[str]
    drops: list[int]
    choice: np.ndarray  # int8 per row (a handful of levels)
    is_key: np.ndarray

    def column(self) -> pa.Array:
        """One column of identities (null where a row cannot be matched)."""
        out = pa.nulls(len(self.choice), pa.string())
        for c, (values, prefix, drop) in enumerate(zip(self.columns, self.prefixes, self.drops)):
            spelled = pc.utf8_slice_codeunits(values, drop) if drop else values
            spelled = prefixed(prefix, spelled) if prefix else spelled
            out = pc.coalesce(out, pc.if_else(pa.array(self.choice == c), spelled, pa.scalar(None, pa.string())))
        return out


def identities_of(found: Identified, n: int) -> Identities:
    """The chosen levels' identities (see ``Identities``)."""
    columns: list[pa.Array] = []
    prefixes: list[str] = []
    drops: list[int] = []
    choice = np.full(n, -1, dtype=np.int8)
    is_key = np.zeros(n, dtype=bool)
    spelled, at = [], []  # identities the levels spell, put in one column in one go
    for level, where in found.chosen:
        if level.is_key:
            is_key[where] = True
        if level.build is not None:
            spelled.append(level.identity(where).cast(pa.string()))
            at.append(where)
            continue
        same = [c for c, v in enumerate(columns)
                if v is level.values and (prefixes[c], drops[c]) == (level.prefix, level.drop)]
        if not same:
            columns.append(level.values)
            prefixes.append(level.prefix)
            drops.append(level.drop)
        choice[where] = same[0] if same else len(columns) - 1
    if spelled:
        where = np.concatenate(at)
        mask = np.zeros(n, dtype=bool)
        mask[where] = True
        order = np.argsort(where, kind="stable")
        in_order = pa.concat_arrays(spelled).take(pa.array(order))
        others = pc.replace_with_mask(pa.nulls(n, pa.string()), pa.array(mask), in_order)
        choice[where] = len(columns)
        columns.append(others)
        prefixes.append("")
        drops.append(0)
    return Identities(columns, prefixes, drops, choice, is_key)


def prefixed_level(prefix: str, values: pa.Array, drop: int = 0) -> Level:
    """A level whose identity is ``prefix`` + the value less its first ``drop`` (ASCII) characters."""
    return Level(valid(values), values=values, prefix=prefix, drop=drop)


def _fingerprints(hexes: np.ndarray) -> np.ndarray:
    """A 64-bit fingerprint of each key (from its first 16 hex digits: 64 bits of the hash)."""
    words = np.ascontiguousarray(hexes.view(np.uint8).reshape(-1, 64)[:, :16]).view(np.uint64)
    return words[:, 0] * np.uint64(0x9E3779B97F4A7C15) ^ words[:, 1]


def _first_seen(codes: np.ndarray) -> np.ndarray:
    """True where a code appears for the first time; codes are numbered in order of first appearance."""
    if not len(codes):
        return np.zeros(0, dtype=bool)
    before = np.maximum.accumulate(np.concatenate(([-1], codes[:-1])))
    return codes > before


@dataclass(frozen=True)
class Dedupe:
    positions: np.ndarray  # input positions of the rows to send
    keys: pa.Array  # their ledger keys
    duplicates: pa.Table  # row, kept_row
    exact: int  # rows identical to an earlier row as given


def hash_keys(found: Identified, n: int) -> np.ndarray:
    """The ledger key (``S64``) of every matchable row, in input order: one query over all of them."""
    idents = identities_of(found, n)
    return digests.sha256_choice(idents.columns, idents.choice, prefixes=idents.prefixes, drops=idents.drops,
                                 hashed=idents.is_key)


def dedupe(table: Table, columns: ColumnMap, found: Identified, hexes: np.ndarray | None = None) -> Dedupe:
    """Hash the identities, then keep the first row of each key.

    Hashing comes first on purpose: finding duplicate strings needs a hash table over every
    identity (0.15-0.2 s a million, measured), while hashing a duplicate costs ~0.45 µs; so
    unless a third of the rows are duplicates, hashing them is cheaper than finding them.
    The keys are then deduplicated on a 64-bit fingerprint, checked against the full keys."""
    rows = table.rows.to_numpy()
    positions = found.positions
    if hexes is None:
        hexes = hash_keys(found, table.num_rows)
    codes = pd.factorize(_fingerprints(hexes))[0] if len(hexes) else np.zeros(0, np.int64)
    first = _first_seen(codes)
    if not first.all():
        first_at = np.flatnonzero(first)
        dups = np.flatnonzero(~first)
        if not (hexes[dups] == hexes[first_at[codes[dups]]]).all():
            # Two different keys share a fingerprint (odds ~1e-8 a million rows): use the keys.
            codes = pd.factorize(hexes.astype(object))[0]
            first = _first_seen(codes)
    first_at = np.flatnonzero(first)
    dups = np.flatnonzero(~first)
    duplicates = pa.table({
        "row": pa.array(rows[positions[dups]], pa.int64()),
        "kept_row": pa.array(rows[positions[first_at[codes[dups]]]], pa.int64()),
    })
    exact = _exact_duplicates(table, columns, positions, codes) if len(dups) else 0
    return Dedupe(positions[first], keyarrays.as_strings(_take_hexes(hexes, first)), duplicates, exact)


def _words(hexes: np.ndarray) -> np.ndarray:
    """An ``S64`` array seen as rows of eight 64-bit words (no copy), for copying keys around:
    numpy copies fixed-width bytes one element at a time, several times slower than words
    (a million keys: 0.14 s against 0.025 s)."""
    return np.ascontiguousarray(hexes).view(np.uint64).reshape(-1, 8)


def _take_hexes(hexes: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """``hexes[mask]`` (see ``_words``); ``np.compress`` copies the rows of words ~10x faster than
    a boolean index of the same 2-D array (a million keys: 0.013 s against 0.15 s)."""
    if mask.all():
        return hexes
    return np.compress(mask, _words(hexes), axis=0).view("S64").reshape(-1)


def _exact_duplicates(table: Table, columns: ColumnMap, positions: np.ndarray, codes: np.ndarray) -> int:
    """Rows identical in every mapped cell to an earlier row; only rows sharing a key can be."""
    involved = np.bincount(codes)[codes] > 1
    take = pa.array(positions[involved])
    cells = [pc.fill_null(table.take(c, take), "") for _, c in columns.pairs]  # no whole column copied
    joined = pc.binary_join_element_wise(*cells, "\x1f") if len(cells) > 1 else cells[0]
    return int((~_first_seen(np.asarray(joined.dictionary_encode().indices))).sum())
