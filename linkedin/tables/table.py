"""The table as read, and the rules every reader shares: limits, header names, refusals.

A ``Table`` is what was read, every cell a string (``""`` when empty), columns in file
order, and each row's number as a spreadsheet shows it (the header is row 1, so the first
data row is row 2; a file without a header starts at row 1). ``reader`` (CSV, pasted text,
DataFrames) and ``workbooks`` (Excel) make them; everything downstream takes them.

Every problem with the input raises ``TableError`` whose message says what, where (row,
column) and what was expected, fit to show the analyst as is. The limits of one upload
(``MAX_BYTES``, ``MAX_ROWS``, ``MAX_COLUMNS``) are stated in the README.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import pandas as pd
import pyarrow as pa

from linkedin.tables.lengths import sniffable

# Limits of one upload (README, "Limits"): a million-row contact list fits with room to spare.
MAX_BYTES = 512 * 1024 * 1024  # the file as uploaded
MAX_ROWS = 2_000_000
MAX_COLUMNS = 500


class TableError(ValueError):
    """The table cannot be used as given; the message says what, where and what was expected."""


@dataclass(frozen=True, eq=False)
class Table:
    """A table as read: string cells, columns in order, row numbers as a spreadsheet shows them."""

    data: pa.Table
    rows: pa.Array  # int64, one per row
    source: str = "table"  # file name, "pasted text" or "DataFrame"
    format: str = "csv"  # csv | xlsx | text | frame
    encoding: str | None = None
    delimiter: str | None = None

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(self.data.column_names)

    @property
    def num_rows(self) -> int:
        return self.data.num_rows

    def column(self, name: str) -> pa.Array:
        """One column as a single string array. A CSV is kept in the chunks it was parsed in, and
        a column's chunks are combined here, when it is needed: the preparation's threads do it
        for their own columns, side by side, instead of the reader for all of them in a row."""
        col = self._chunks(name)
        return col.combine_chunks() if col.num_chunks != 1 else col.chunk(0)

    def take(self, name: str, indices: pa.Array) -> pa.Array:
        """Some rows of one column, as a single string array: taken from its chunks first, so
        only what is taken is copied (``column`` would copy the whole column to take a few)."""
        return self._chunks(name).take(indices).combine_chunks()

    def _chunks(self, name: str) -> pa.ChunkedArray:
        if name not in self.data.column_names:
            raise TableError(f"there is no column '{name}' (columns: {', '.join(self.columns)})")
        return self.data.column(name)

    def head(self, n: int = 10) -> pd.DataFrame:
        """The first ``n`` rows for a preview, indexed by row number."""
        frame = self.data.slice(0, n).to_pandas()
        frame.index = pd.Index(self.rows[:n].to_pylist(), name="row")
        return frame

    def to_pandas(self) -> pd.DataFrame:
        frame = self.data.to_pandas()
        frame.index = pd.Index(self.rows.to_numpy(), name="row")
        return frame


def not_a_table(name: str, looks_like: str) -> TableError:
    """The refusal of a file that is not a table; never quotes the file's bytes."""
    return TableError(f"{name} is not a CSV or Excel file (it looks like {looks_like})")


def limit_bytes(n: int, name: str) -> None:
    if n > MAX_BYTES:
        raise TableError(f"{name} is {n / 2**20:,.0f} MB: one upload takes at most {MAX_BYTES // 2**20:,} MB; "
                         "split the file")


def limit_columns(n: int, name: str) -> None:
    if n > MAX_COLUMNS:
        raise TableError(f"{name} has {n:,} columns: one upload takes at most {MAX_COLUMNS:,}")


def limit_rows(n: int, name: str) -> None:
    if n > MAX_ROWS:
        raise TableError(f"{name} has more than {MAX_ROWS:,} rows, the most one upload takes: split the file")


# A first-row cell that no header holds: an email (even a malformed one: one word with an "@"
# inside), an ad id, a hash, a number.
_VALUE = re.compile(r"[^@\s]+@[^@\s]+|[0-9a-f-]{32,36}|[0-9a-f]{64}|[0-9a-f]{128}|[0-9]+")
# A web address (acme.com, www.acme.co.uk, https://acme.com/about): a header never is one.
_WEB_ADDRESS = re.compile(r"(?:https?://)?(?:[a-z0-9-]+\.)+[a-z]{2,24}(?::[0-9]+)?(?:/\S*)?")


def looks_like_data(cells: list[str]) -> bool:
    """True when a first row holds values, not headers: any cell is an email, an ad id, a hash
    or a number, or every filled cell is a web address (a pasted list of domains)."""
    filled = [cell.strip().lower() for cell in cells if cell.strip()]
    filled = [c for c in filled if sniffable(c)]  # a cell too long for any value is a header, unread
    if any(_VALUE.fullmatch(c) for c in filled):
        return True
    return bool(filled) and all(_WEB_ADDRESS.fullmatch(c) for c in filled)


def header_key(header: str) -> str:
    """A header as compared: case, accents, spaces and punctuation ignored ("E-mail" is "email")."""
    decomposed = unicodedata.normalize("NFKD", header.casefold())
    return "".join(c for c in decomposed if c.isalnum() and not unicodedata.combining(c))


def column_names(header: list[str], source: str = "the table") -> list[str]:
    """The header's names, empty ones named "column N"; two names that are the same once
    compared (``header_key``) are refused: which of them a field means would be a guess.
    One pass with a dict, so thousands of repeated names cost no more than distinct ones."""
    names: list[str] = []
    seen: dict[str, int] = {}
    for i, raw in enumerate(header):
        name = raw.strip().strip("\ufeff")
        if not name:
            names.append(f"column {i + 1}")
            continue
        key = header_key(name) or name
        if key in seen:
            first = seen[key]
            raise TableError(
                f"{source} has two columns with the same name: '{short(names[first])}' (column {first + 1}) and "
                f"'{short(name)}' (column {i + 1}): rename or delete one of them"
            )
        seen[key] = i
        names.append(name)
    return names


def short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[:limit] + "…"
