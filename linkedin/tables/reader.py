"""Reading the analyst's table: CSV, Excel, pasted text or a DataFrame, every cell a string.

A ``Table`` is what was read, every cell a string (``""`` when empty), columns in file
order, and each row's number as a spreadsheet shows it (the header is row 1, so the first
data row is row 2; a file without a header starts at row 1). Sources:

- CSV (``read_csv``): delimiter sniffed among ``, ; tab |``; encoding UTF-8, UTF-8 with BOM,
  UTF-16 with BOM, else cp1252 (latin-1 for its five undefined bytes). A file that is UTF-8
  except for a few rows is refused with the first bad row, since guessing would garble the
  rest. Read by pyarrow's multithreaded parser: a million rows take a fraction of a second.
- Excel ``.xlsx`` (``read_excel``, first sheet unless named), pasted text (``read_text``), a
  pandas DataFrame (``from_frame``), or any of these by ``read(source)``.

A pasted list without a header (the first row already holds an email, an ad id or a hash)
is read whole, its columns named "column 1", "column 2", ...

Which column feeds which LinkedIn field (``ColumnMap``, ``guess_columns``, the templates and
their labels) is the business of ``linkedin.tables.columns``, which builds on this module.

Every problem with the input raises ``TableError`` whose message says what, where (row,
column) and what was expected, fit to show the analyst as is.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
import unicodedata
import warnings
import zipfile
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pcsv

from linkedin.tables.lengths import sniffable

_DELIMITERS = (",", ";", "\t", "|")
# Limits of one upload (README, "Limits"): a million-row contact list fits with room to spare.
MAX_BYTES = 512 * 1024 * 1024  # the file as uploaded
MAX_ROWS = 2_000_000
MAX_COLUMNS = 500
MAX_XLSX_UNZIPPED = 2 * 1024 * 1024 * 1024  # all parts of an .xlsx, unzipped
MAX_SHARED_STRINGS = 1024 * 1024 * 1024  # xl/sharedStrings.xml, unzipped
_SAMPLE_BYTES = 1 << 16
_NOT_BLANK = re.compile(rb"[^\s\x00\xef\xbb\xbf\xff\xfe]")
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


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
        if name not in self.data.column_names:
            raise TableError(f"there is no column '{name}' (columns: {', '.join(self.columns)})")
        col = self.data.column(name)
        return col.combine_chunks() if col.num_chunks != 1 else col.chunk(0)

    def head(self, n: int = 10) -> pd.DataFrame:
        """The first ``n`` rows for a preview, indexed by row number."""
        frame = self.data.slice(0, n).to_pandas()
        frame.index = pd.Index(self.rows[:n].to_pylist(), name="row")
        return frame

    def to_pandas(self) -> pd.DataFrame:
        frame = self.data.to_pandas()
        frame.index = pd.Index(self.rows.to_numpy(), name="row")
        return frame


# -- reading -----------------------------------------------------------------------------------
def read(source: Any, *, name: str | None = None, **options: Any) -> Table:
    """A table from bytes, a path, a file object (e.g. Streamlit's upload), a DataFrame, a Table,
    or text with line breaks (pasted).

    Excel is recognised by its content (an .xlsx is a zip file); anything else is read as CSV.
    ``options`` go to ``read_csv`` (encoding, delimiter) or ``read_excel`` (sheet)."""
    if isinstance(source, Table):
        return source
    if isinstance(source, pd.DataFrame):
        return from_frame(source, name=name or "DataFrame")
    if isinstance(source, str) and "\n" in source:
        return read_text(source, name=name or "pasted text")
    if isinstance(source, (str, os.PathLike)):
        path = os.fspath(source)
        try:
            with open(path, "rb") as f:
                data = f.read()
        except OSError as e:
            raise TableError(f"cannot open {path}: {e.strerror or e}") from None
        name = name or os.path.basename(path)
    elif hasattr(source, "read"):
        data = source.read()
        name = name or os.path.basename(getattr(source, "name", "") or "upload")
    elif isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
    else:
        raise TypeError(f"cannot read a table from {type(source).__name__}")
    name = name or "upload"
    if len(data) > MAX_BYTES:
        raise TableError(f"{name} is {len(data) / 2**20:,.0f} MB: one upload takes at most {MAX_BYTES // 2**20:,} MB; "
                         "split the file")
    if isinstance(data, str):
        return read_text(data, name=name)
    if (kind := _foreign_format(data)) is not None:
        raise not_a_table(name, kind)
    if data[:4] == b"PK\x03\x04":
        return read_excel(data, name=name, **options)
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise TableError(f"{name} is an old Excel .xls file: save it as .xlsx or CSV and upload that")
    return read_csv(data, name=name, **options)


# Signatures of files that are surely not a table; what the analyst is told it looks like.
_MAGIC = (
    (b"\x1f\x8b", "a gzip-compressed file"), (b"BZh", "a bzip2-compressed file"),
    (b"\xfd7zXZ\x00", "an xz-compressed file"), (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"), (b"\x28\xb5\x2f\xfd", "a zstd-compressed file"),
    (b"%PDF", "a PDF document"), (b"\x89PNG", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"), (b"SQLite format 3\x00", "an SQLite database"),
    (b"\x7fELF", "a program"),
)
# Bytes that never appear in a text table: control characters other than tab, line feed,
# form feed and carriage return (deleted by ``bytes.translate`` to count them in one pass).
_CONTROL = bytes(b for b in range(32) if b not in b"\t\n\x0c\r")
_NOT_CONTROL = bytes(b for b in range(256) if b not in _CONTROL)


def not_a_table(name: str, looks_like: str) -> TableError:
    """The refusal of a file that is not a table; never quotes the file's bytes."""
    return TableError(f"{name} is not a CSV or Excel file (it looks like {looks_like})")


def _foreign_format(data: bytes) -> str | None:
    """What a file that is surely not a table looks like, from its first bytes; None otherwise."""
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            return kind
    return None


def _binary(data: bytes) -> bool:
    """True when the start of (UTF-8) text holds control bytes no table has: a binary file."""
    sample = data[:_SAMPLE_BYTES]
    controls = len(sample.translate(None, _NOT_CONTROL))
    return controls > 0 and (b"\x00" in sample or controls * 100 > len(sample))


def read_text(text: str, *, name: str = "pasted text") -> Table:
    """Pasted text: a CSV, a block copied from a spreadsheet (tab-separated), or one value a line."""
    table = read_csv(text.encode("utf-8"), name=name, encoding="utf-8")
    return Table(table.data, table.rows, name, "text", None, table.delimiter)


def read_csv(data: bytes, *, name: str = "upload.csv", encoding: str | None = None, delimiter: str | None = None) -> Table:
    """A CSV file's bytes as a Table (see the module docstring for delimiters and encodings)."""
    if not _NOT_BLANK.search(data):
        raise TableError(f"{name} is empty")
    data, encoding = _as_utf8(data, name, encoding)
    if _binary(data):
        raise not_a_table(name, "binary data")
    start = 0
    while start < len(data) and data[start] in b"\r\n":  # blank lines before the header
        start += 1
    skipped = data.count(b"\n", 0, start)
    data = data[start:] if start else data
    if not _NOT_BLANK.search(data, 0, _SAMPLE_BYTES) and not _NOT_BLANK.search(data):
        raise TableError(f"{name} is empty")
    sample = data[:_SAMPLE_BYTES].decode("utf-8", errors="ignore")
    lines = sample.splitlines()
    if len(data) > _SAMPLE_BYTES and len(lines) > 1:
        lines = lines[:-1]  # the last one may be cut
    lines = [line for line in lines if line.strip()]
    delimiter = delimiter or _sniff(lines)
    first = next(csv.reader([lines[0]], delimiter=delimiter), [])
    header = not _looks_like_data(first)
    _limit_columns(len(first), name)
    names = _column_names(first, name) if header else [f"column {i + 1}" for i in range(len(first))]
    try:
        data_table = _parse(data, name, delimiter, names, header, skipped)
    except _NotUtf8:
        data, encoding = _not_utf8(data, name)
        data_table = _parse(data, name, delimiter, names, header, skipped)
    if data_table.num_rows == 0:
        raise TableError(f"{name} has a header row but no data rows")
    _limit_rows(data_table.num_rows, name)
    first_row = skipped + (2 if header else 1)
    rows = _row_numbers(data, data_table.num_rows, first_row, header)
    return Table(data_table, rows, name, "csv", encoding, delimiter)  # chunks combined per column, when used


def _limit_columns(n: int, name: str) -> None:
    if n > MAX_COLUMNS:
        raise TableError(f"{name} has {n:,} columns: one upload takes at most {MAX_COLUMNS:,}")


def _limit_rows(n: int, name: str) -> None:
    if n > MAX_ROWS:
        raise TableError(f"{name} has more than {MAX_ROWS:,} rows, the most one upload takes: split the file")


class _NotUtf8(Exception):
    """pyarrow found bytes that are not UTF-8 (it checks every cell as it parses)."""


def _as_utf8(data: bytes, name: str, encoding: str | None) -> tuple[bytes, str]:
    """The bytes re-encoded as UTF-8 when they are known not to be, and the encoding they had.

    Without a BOM the file is taken as UTF-8; the parser checks that, and ``_not_utf8`` decides."""
    if encoding:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as e:
            line = data.count(b"\n", 0, e.start) + 1
            raise TableError(f"row {line} of {name} is not valid {encoding} (byte 0x{data[e.start]:02x})") from None
        except LookupError:
            raise TableError(f"unknown encoding {encoding!r}") from None
        return text.lstrip("\ufeff").encode("utf-8"), encoding
    if data.startswith(codecs.BOM_UTF8):
        return data[3:], "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16").encode("utf-8"), "utf-16"
        except UnicodeDecodeError:
            raise not_a_table(name, "binary data: it starts like UTF-16 text but is not") from None
    head = data[:1000]
    if head.count(b"\x00") > len(head) // 4:  # UTF-16 without a BOM
        codec = "utf-16-le" if head[1:2] == b"\x00" else "utf-16-be"
        try:
            return data.decode(codec).encode("utf-8"), codec
        except UnicodeDecodeError:
            raise not_a_table(name, "binary data") from None
    return data, "utf-8"


def _not_utf8(data: bytes, name: str) -> tuple[bytes, str]:
    """A file that is not UTF-8: cp1252 (latin-1 for its undefined bytes), unless most of it is
    UTF-8, in which case guessing would garble the rest, so the first bad row is named."""
    try:
        data.decode("utf-8")
        return data, "utf-8"
    except UnicodeDecodeError as e:
        if _UTF8_MULTIBYTE.search(data):
            line = data.count(b"\n", 0, e.start) + 1
            raise TableError(
                f"row {line} of {name} is not valid UTF-8 (byte 0x{data[e.start]:02x}) although the rest of the "
                "file is UTF-8: fix that row, or save the whole file again as UTF-8"
            ) from None
    try:
        return data.decode("cp1252").encode("utf-8"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1").encode("utf-8"), "latin-1"


def _sniff(lines: list[str]) -> str:
    """The delimiter giving the same number (> 1) of fields on most of the first lines."""
    best, best_fields = ",", 1
    sample = lines[:50]
    for delimiter in _DELIMITERS:
        counts = [len(r) for r in csv.reader(sample, delimiter=delimiter) if r]
        if not counts or counts[0] < 2:
            continue
        agree = sum(c == counts[0] for c in counts) / len(counts)
        if agree >= 0.9 and counts[0] > best_fields:
            best, best_fields = delimiter, counts[0]
    return best


def _looks_like_data(cells: list[str]) -> bool:
    """True when a first row holds values (an email, an ad id, a hash, a number), not headers."""
    for cell in cells:
        c = cell.strip().lower()
        if sniffable(c) and re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+|[0-9a-f-]{32,36}|[0-9a-f]{64}|[0-9a-f]{128}|[0-9]+", c):
            return True
    return False


def header_key(header: str) -> str:
    """A header as compared: case, accents, spaces and punctuation ignored ("E-mail" is "email")."""
    decomposed = unicodedata.normalize("NFKD", header.casefold())
    return "".join(c for c in decomposed if c.isalnum() and not unicodedata.combining(c))


def _column_names(header: list[str], source: str = "the table") -> list[str]:
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
                f"{source} has two columns with the same name: '{_short(names[first])}' (column {first + 1}) and "
                f"'{_short(name)}' (column {i + 1}): rename or delete one of them"
            )
        seen[key] = i
        names.append(name)
    return names


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def _parse(data: bytes, name: str, delimiter: str, names: list[str], header: bool, skipped: int) -> pa.Table:
    convert = pcsv.ConvertOptions(
        column_types={n: pa.string() for n in names}, strings_can_be_null=False, quoted_strings_can_be_null=False
    )
    read_options = pcsv.ReadOptions(column_names=names, skip_rows=1 if header else 0, block_size=1 << 22)

    def read(multiline: bool, handler: Any = None) -> pa.Table:
        parse = pcsv.ParseOptions(delimiter=delimiter, newlines_in_values=multiline, invalid_row_handler=handler)
        return pcsv.read_csv(pa.BufferReader(data), read_options=read_options, parse_options=parse,
                             convert_options=convert)

    for multiline in (False, True):
        try:
            return read(multiline)
        except pa.ArrowInvalid as e:
            if "invalid UTF8" in str(e):
                raise _NotUtf8() from None
            if not multiline and b'"' in data:
                continue  # a quoted value may hold a line break: read again, slower but exact
            error = e
            break
    # Which row is wrong: pyarrow decodes a row as UTF-8 *before* handing it to an invalid-row handler,
    # and bytes that are not UTF-8 there print "Exception ignored in" on stderr. So the handler runs
    # only on a failed read of valid UTF-8 (a file that is not goes to ``_not_utf8`` and comes back).
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        raise _NotUtf8() from None
    bad: list[Any] = []

    def invalid(row: Any) -> str:
        bad.append(row)
        return "error"

    try:
        read(multiline, invalid)
    except pa.ArrowInvalid:
        pass
    if bad:
        row = bad[0]
        at = data.find(row.text.encode("utf-8", errors="replace"))
        line = skipped + (data.count(b"\n", 0, at) + 1 if at >= 0 else 0)
        where = f"row {line}" if at >= 0 else "a row"
        raise TableError(
            f"{where} of {name} has {row.actual_columns} values but the header has {row.expected_columns} "
            f"columns (is a value containing '{_show(delimiter)}' missing its quotes?)"
        ) from None
    raise TableError(f"{name} could not be read as CSV: {str(error).removeprefix('CSV parse error: ')}") from None


def _show(delimiter: str) -> str:
    return {"\t": "tab"}.get(delimiter, delimiter)


def _row_numbers(data: bytes, n: int, first_row: int, header: bool) -> pa.Array:
    """Row numbers, skipping blank lines inside the file as a spreadsheet would count them."""
    lines = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
    if lines - (1 if header else 0) == n:  # one record a line: the common case, decided in one pass
        return pa.array(np.arange(first_row, first_row + n, dtype=np.int64))
    end = len(data)
    while end and data[end - 1] in b"\r\n":
        end -= 1
    crlf = data.find(b"\r\n", 0, _SAMPLE_BYTES) >= 0
    if data.find(b"\n\r\n" if crlf else b"\n\n", 0, end) < 0:
        return pa.array(np.arange(first_row, first_row + n, dtype=np.int64))
    lines = data[:end].split(b"\n")[1 if header else 0:]
    numbers = [first_row + i for i, line in enumerate(lines) if line.strip(b"\r")]
    if len(numbers) != n:  # line breaks inside quoted values: count records instead
        return pa.array(np.arange(first_row, first_row + n, dtype=np.int64))
    return pa.array(np.asarray(numbers, dtype=np.int64))


def read_excel(data: bytes, *, name: str = "upload.xlsx", sheet: str | None = None) -> Table:
    """The first sheet (or ``sheet``) of an .xlsx file; the first non-empty row is the header."""
    import openpyxl  # only when an Excel file arrives
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
            names = {p.filename for p in parts}
            unzipped = sum(p.file_size for p in parts)  # as declared; openpyxl's reads stop there too
            shared = sum(p.file_size for p in parts if p.filename.lower() == "xl/sharedstrings.xml")
    except (zipfile.BadZipFile, OSError, ValueError):
        raise not_a_table(name, "a damaged zip archive") from None
    if "xl/workbook.xml" not in names:
        raise not_a_table(name, "a zip archive, not an Excel workbook")
    if unzipped > MAX_XLSX_UNZIPPED or shared > MAX_SHARED_STRINGS:
        raise TableError(f"{name} unzips to {unzipped / 2**20:,.0f} MB, more than one upload takes "
                         f"({MAX_XLSX_UNZIPPED // 2**20:,} MB, text cells at most {MAX_SHARED_STRINGS // 2**20:,} MB): "
                         "save it as CSV, or split it")
    # openpyxl warns on stderr about what it drops (data validation and conditional formatting
    # extensions, unknown extensions, headers and footers, defined names it cannot place): none of
    # it is data, and a warning must not reach the terminal or the server's log for an odd file.
    # (Python 3.11's filters are process-wide: another thread's warning during the read is dropped too.)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as e:
            raise TableError(f"{name} could not be read as an Excel .xlsx file ({type(e).__name__})") from None
        except Exception:  # a malformed part (XML, styles...): openpyxl's errors are many and unnamed
            raise TableError(f"{name} could not be read as an Excel .xlsx file: it is damaged; save it again from "
                             "Excel, or as CSV") from None
        try:
            if sheet is not None and sheet not in book.sheetnames:
                raise TableError(f"{name} has no sheet '{sheet}' (sheets: {', '.join(book.sheetnames)})")
            ws = book[sheet] if sheet is not None else book.worksheets[0]
            if hasattr(ws, "reset_dimensions"):
                ws.reset_dimensions()  # a sheet's declared size is not trusted (a tiny file may claim 16,384 columns)
            header: list[str] | None = None
            columns: list[list[str]] = []
            rows: list[int] = []
            for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
                if len(values) > MAX_COLUMNS:
                    if any(v not in (None, "") for v in values[MAX_COLUMNS:]):
                        _limit_columns(len(values), name)
                    values = values[:MAX_COLUMNS]
                if len(rows) >= MAX_ROWS:
                    _limit_rows(len(rows) + 1, name)
                cells = [_cell(v) for v in values]
                if not any(c.strip() for c in cells):
                    continue
                if header is None:
                    if _looks_like_data(cells):
                        header = [f"column {i + 1}" for i in range(len(cells))]
                    else:
                        while cells and not cells[-1].strip():  # formatting often stretches a sheet to the right
                            cells.pop()
                        header = _column_names(cells, name)
                        continue
                if len(cells) > len(header):
                    extra = [c for c in cells[len(header):] if c.strip()]
                    if extra:
                        raise TableError(
                            f"row {number} of {name} has a value in column {len(header) + 1}, which has no header"
                        )
                while len(columns) < len(header):
                    columns.append([])
                for i in range(len(header)):
                    columns[i].append(cells[i] if i < len(cells) else "")
                rows.append(number)
        except TableError:
            raise
        except Exception:  # malformed sheet XML, a cell openpyxl cannot parse
            raise TableError(f"{name} could not be read as an Excel .xlsx file: it is damaged; save it again from "
                             "Excel, or as CSV") from None
        finally:
            book.close()
    if header is None:
        raise TableError(f"{name} is empty")
    if not rows:
        raise TableError(f"{name} has a header row but no data rows")
    data_table = pa.table({h: pa.array(col, pa.string()) for h, col in zip(header, columns)})
    return Table(data_table, pa.array(rows, pa.int64()), name, "xlsx", None, None)


def _cell(value: Any) -> str:
    """An Excel cell as the text the analyst sees (12345.0 -> "12345", dates in ISO form)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e16 else repr(value)
    if hasattr(value, "isoformat"):
        text = value.isoformat()
        return text[:10] if text.endswith("T00:00:00") else text
    return str(value)


def from_frame(frame: pd.DataFrame, *, name: str = "DataFrame") -> Table:
    """A pandas DataFrame (notebook use): every column as text, row numbers 1, 2, ... in order."""
    if frame.shape[1] == 0:
        raise TableError(f"{name} has no columns")
    if frame.shape[0] == 0:
        raise TableError(f"{name} has no rows")
    names = _column_names([str(c) for c in frame.columns], name)
    arrays = []
    for i in range(frame.shape[1]):
        series = frame.iloc[:, i]
        if pd.api.types.is_string_dtype(series.dtype) and not pd.api.types.is_object_dtype(series.dtype):
            arrays.append(pa.array(series.fillna(""), pa.string()))
        else:
            arrays.append(pa.array([_value(v) for v in series.tolist()], pa.string()))
    data = pa.table(dict(zip(names, arrays)))
    return Table(data, pa.array(np.arange(1, frame.shape[0] + 1, dtype=np.int64)), name, "frame")


def _value(value: Any) -> str:
    if value is None or (isinstance(value, float) and value != value) or value is pd.NA or value is pd.NaT:
        return ""
    return _cell(value)
