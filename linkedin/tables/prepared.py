"""Prepared: a table ready to send, and LinkedIn's batch elements built from it.

``preparation.prepare`` makes one; the sync, the CLI and the notebook API read it. It keeps
the quality report, the rows to send with their ledger keys, their duplicates, and the
normalized element fields; ``elements`` and ``batches`` spell them in LinkedIn's exact shape
(linkedin-api.md §6, §7), one batch at a time. Split from ``preparation``, which is about
making one.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Iterator, Mapping, Sequence, TypeVar

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from linkedin.tables import identifiers as ids, keyarrays
from linkedin.tables.columns import COMPANIES, USERS, ColumnMap
from linkedin.tables.elements import COMPANY_COLUMNS, KEY_ONLY, USER_COLUMNS, build_elements, element_texts
from linkedin.tables.quality import Quality

BATCH_MAX = 5000  # elements per BATCH_CREATE call (linkedin-api.md §11)
ACTIONS = ("ADD", "REMOVE")
INDUSTRIES_SHAPES = ("string", "list")  # how `industries` is sent; LinkedIn's shape is uncertain (§7)

T = TypeVar("T")


@dataclass(frozen=True, eq=False)
class Prepared:
    """A table ready to send: the quality report, the rows to send, and their duplicates.

    ``rows`` and ``keys`` list the rows to send; ``fields`` holds the normalized element fields
    of every input row (columns named as LinkedIn names the fields; SHA256_EMAIL is the key
    itself where ``email_keyed``) and ``positions`` says which of them are sent. Use ``data``
    or ``frame`` for one table of what is sent."""

    kind: str
    columns: ColumnMap
    quality: Quality
    rows: np.ndarray  # input row numbers of the rows to send, ascending
    keys: pa.Array  # their ledger keys, in the same order
    duplicate_rows: pa.Table  # row, kept_row
    fields: pa.Table  # element fields for every input row (only ``positions`` are sent)
    positions: np.ndarray  # where each row to send sits in ``fields``
    email_keyed: np.ndarray | None = None  # contacts: True where the key is the SHA256_EMAIL sent

    def __len__(self) -> int:
        return len(self.rows)

    @cached_property
    def data(self) -> pa.Table:
        """row, key, then the element fields of each row to send (null = absent)."""
        names = USER_COLUMNS if self.kind == USERS else self.fields.column_names
        sent = self._fields_at(np.arange(len(self)), names)
        return pa.Table.from_arrays(
            [pa.array(self.rows, pa.int64()), self.keys, *sent.columns], names=["row", "key", *sent.column_names]
        )

    def _fields_at(self, index: np.ndarray, names: Sequence[str], hexes: np.ndarray | None = None) -> pa.Table:
        """The element fields ``names`` of the rows to send at ``index`` (``hexes``: their keys as
        ``S64``, when the caller has them: not taken from ``keys`` again)."""
        sub = self.fields.select([n for n in names if n in self.fields.column_names])
        sub = sub.take(pa.array(self.positions[index], pa.int64()))
        if self.email_keyed is not None and "SHA256_EMAIL" in names:
            keys = keyarrays.as_strings(hexes) if hexes is not None else self.keys.take(pa.array(index, pa.int64()))
            keyed = ids.keep(keys, pa.array(self.email_keyed[index]))
            sub = sub.add_column(0, "SHA256_EMAIL", keyed)
        return sub.select(list(names))

    @cached_property
    def frame(self) -> pd.DataFrame:
        """``data`` as pandas, for display and for the sync."""
        return self.data.to_pandas()

    @property
    def duplicates(self) -> pd.DataFrame:
        """(row, kept_row): rows not sent because they repeat ``kept_row``."""
        return self.duplicate_rows.to_pandas()

    def fan_out(self, results: Mapping[int, T]) -> dict[int, T]:
        """Per-row results (keyed by sent row) copied to the duplicates of each row."""
        out = dict(results)
        dup = self.duplicate_rows
        for row, kept in zip(dup.column("row").to_pylist(), dup.column("kept_row").to_pylist()):
            if kept in results:
                out[row] = results[kept]
        return out

    def index_of(self, rows: Sequence[int] | np.ndarray) -> np.ndarray:
        """Indexes (into ``rows``/``keys``) of the given input rows; ValueError names rows not sent."""
        wanted = np.asarray(rows, dtype=np.int64)
        at = np.searchsorted(self.rows, wanted)
        ok = at < len(self.rows)
        ok[ok] = self.rows[at[ok]] == wanted[ok]
        if not ok.all():
            missing = wanted[~ok][:5].tolist()
            raise ValueError(f"rows {missing} are not sent (rejected, duplicates, or not in the table)")
        return at

    @cached_property
    def key_index(self) -> keyarrays.Index:
        """Each key's index into ``rows``/``keys``, found with no Python object per row."""
        return keyarrays.Index(keyarrays.as_bytes(self.keys))

    def elements_for_keys(
        self, keys: Sequence[str], action: str = "ADD", *, industries: str = "string", stock_symbol: bool = True,
    ) -> tuple[list[str], list[dict]]:
        """(the keys of ``keys`` this table has, their elements in LinkedIn's exact shape), in
        the order given; the keys it does not have are left out."""
        names = self._element_fields(action, industries, stock_symbol)
        at = self.key_index.find(keyarrays.as_bytes(keys))
        found = np.flatnonzero(at >= 0)
        if not len(found):
            return [], []
        present = keys if len(found) == len(keys) else [keys[i] for i in found.tolist()]
        index = at[found]
        out: list[dict] = []
        for part in _chunks(index, BATCH_MAX):
            out.extend(build_elements(self.kind, self._fields_at(part, names), action, industries_list=industries == "list"))
        return list(present), out

    def texts_for_keys(self, keys: Sequence[str] | np.ndarray,
                       action: str = "ADD") -> tuple[pa.Array, pa.Array, dict[int, dict]] | None:
        """Contacts' elements for ``keys`` as JSON texts, in the order given, their ids as the
        ledger keeps them (``elements.element_texts``: "" for a person with none, ``KEY_ONLY``
        where the one id is the key as SHA256_EMAIL: ~100 bytes a member less to write), and the
        elements of those people by name, by position, from the same fields (a second look-up of
        a batch's ~20 of them cost 1.5 ms a batch); None unless the table has every key."""
        hexes = keyarrays.as_bytes(keys)
        at = self.key_index.find(hexes)
        if not len(at) or bool((at < 0).any()):
            return None
        fields = self._fields_at(at, self._element_fields(action, "string", True), hexes)
        elements, kept = element_texts(fields, action)
        if self.email_keyed is not None:
            only = self.email_keyed[at]  # a copy: fancy indexing
            for name in ("SHA512_EMAIL", "GOOGLE_AID", "APPLE_IDFA"):
                column = fields.column(name)
                if column.null_count < len(column):
                    only &= column.is_null().to_numpy(zero_copy_only=False)
            if only.any():
                kept = pc.if_else(pa.array(only), KEY_ONLY, kept)
        named = np.flatnonzero(pc.equal(kept, "").to_numpy(zero_copy_only=False))
        built = build_elements(self.kind, fields.take(pa.array(named)), action) if len(named) else []
        return elements, kept, dict(zip(named.tolist(), built))

    def elements(
        self, action: str = "ADD", rows: Sequence[int] | None = None, *, industries: str = "string",
        stock_symbol: bool = True,
    ) -> list[dict]:
        """Elements for ``rows`` (default all), in that order, in LinkedIn's exact shape.

        Companies: ``industries`` is sent as a string or a one-item list, and ``stockSymbol``
        only when ``stock_symbol`` (both uncertain in LinkedIn's contract)."""
        names = self._element_fields(action, industries, stock_symbol)
        index = np.arange(len(self)) if rows is None else self.index_of(rows)
        out: list[dict] = []
        for part in _chunks(index, BATCH_MAX):
            out.extend(build_elements(self.kind, self._fields_at(part, names), action, industries_list=industries == "list"))
        return out

    def batches(
        self, action: str = "ADD", size: int = BATCH_MAX, *, rows: Sequence[int] | None = None,
        industries: str = "string", stock_symbol: bool = True,
    ) -> Iterator[tuple[list[int], list[dict]]]:
        """(input rows, elements) per batch of at most ``size``, built as they are consumed.

        Within a batch the rows come grouped by which fields they have, and ``rows[i]`` is the
        input row of ``elements[i]``: map LinkedIn's per-element results back by index."""
        if not 1 <= size <= BATCH_MAX:
            raise ValueError(f"size must be between 1 and {BATCH_MAX}")
        names = self._element_fields(action, industries, stock_symbol)
        everything = USER_COLUMNS if self.kind == USERS else COMPANY_COLUMNS
        sent = sum(1 << everything.index(name) for name in names)  # the bits of ``_patterns`` sent
        index = np.arange(len(self)) if rows is None else self.index_of(rows)
        for part in _chunks(index, size):
            # Grouped by the fields they have: the order documented above (building needs none).
            part = part[np.argsort(self._patterns[part] & sent, kind="stable")]
            built = build_elements(self.kind, self._fields_at(part, names), action, industries_list=industries == "list")
            yield self.rows[part].tolist(), built

    def _element_fields(self, action: str, industries: str, stock_symbol: bool) -> tuple[str, ...]:
        """The fields elements are built from, once the options are checked."""
        if action not in ACTIONS:
            raise ValueError(f"action must be ADD or REMOVE, not {action!r}")
        if industries not in INDUSTRIES_SHAPES:
            raise ValueError(f"industries must be one of {INDUSTRIES_SHAPES}")
        if self.kind == COMPANIES and not stock_symbol:
            return tuple(n for n in COMPANY_COLUMNS if n != "stockSymbol")
        return USER_COLUMNS if self.kind == USERS else COMPANY_COLUMNS

    def having(self, names: Sequence[str]) -> np.ndarray:
        """Per row to send, True where it has any of the element fields ``names``: from a bit per
        field, without ``data`` (which spells every field of every row and is kept)."""
        everything = USER_COLUMNS if self.kind == USERS else COMPANY_COLUMNS
        bits = sum(1 << everything.index(name) for name in names if name in everything)
        return (self._patterns & bits) != 0

    @cached_property
    def _patterns(self) -> np.ndarray:
        """Per row to send, a bit per element column it has (in USER_COLUMNS / COMPANY_COLUMNS order)."""
        everything = USER_COLUMNS if self.kind == USERS else COMPANY_COLUMNS
        out = np.zeros(len(self), dtype=np.int64)
        for bit, name in enumerate(everything):
            if name == "SHA256_EMAIL" and self.email_keyed is not None:
                has = self.email_keyed
            elif name in self.fields.column_names:
                col = self.fields.column(name)
                if col.null_count == 0:
                    out |= 1 << bit
                    continue
                if col.null_count == len(col):
                    continue
                has = col.is_valid().to_numpy(zero_copy_only=False)[self.positions]
            else:
                continue
            out |= has.astype(np.int64) << bit
        return out


def _chunks(positions: np.ndarray, size: int) -> Iterator[np.ndarray]:
    for start in range(0, len(positions), size):
        yield positions[start:start + size]
