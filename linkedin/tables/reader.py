"""Reading the analyst's table: CSV, pasted text or a DataFrame (Excel: ``workbooks``), every cell a string.

What comes out is a ``Table`` (``linkedin.tables.table``). Sources:

- CSV (``read_csv``): delimiter sniffed among ``, ; tab |``; encoding UTF-8, UTF-8 with BOM,
  UTF-16 with BOM, else cp1252 (latin-1 for its five undefined bytes). A file that is UTF-8
  except for a few rows is refused with the first bad row, since guessing would garble the
  rest. Read by pyarrow's multithreaded parser: a million rows take a fraction of a second.
- pasted text (``read_text``), a pandas DataFrame (``from_frame``), an Excel ``.xlsx``
  (``workbooks.read_excel``), or any of these by ``read(source)``, which tells them apart by
  their content and refuses what is not a table (compressed files, images, binary data)
  without quoting its bytes.

A pasted list without a header (the first row already holds an email, an ad id, a hash or,
in every cell, a web address) is read whole, its columns named "column 1", "column 2", ...

Which column feeds which LinkedIn field (``ColumnMap``, ``guess_columns``, the templates and
their labels) is the business of ``linkedin.tables.columns``, which builds on this module.
"""

from __future__ import annotations

import codecs
import csv
import mmap
import os
import re
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pcsv

from linkedin.tables.table import (
    Table,
    TableError,
    column_names,
    limit_bytes,
    limit_columns,
    limit_rows,
    looks_like_data,
    not_a_table,
)
from linkedin.tables.workbooks import cell, read_excel

_DELIMITERS = (",", ";", "\t", "|")
_SAMPLE_BYTES = 1 << 16
_NOT_BLANK = re.compile(rb"[^\s\x00\xef\xbb\xbf\xff\xfe]")
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
_QUOTE = re.compile(rb'"')
_MAPPED = 1 << 20  # files at least this large are mapped, not copied into memory


def read(source: Any, *, name: str | None = None, **options: Any) -> Table:
    """A table from bytes (or any bytes-like buffer: a ``memoryview``), a path, a file object
    (e.g. Streamlit's upload), a DataFrame, a Table, or text with line breaks (pasted).

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
        data = _file_bytes(path)
        name = name or os.path.basename(path)
    elif hasattr(source, "read"):
        data = source.read()
        name = name or os.path.basename(getattr(source, "name", "") or "upload")
    elif isinstance(source, (bytes, bytearray, memoryview)):
        data = source
    else:
        raise TypeError(f"cannot read a table from {type(source).__name__}")
    name = name or "upload"
    if isinstance(data, str):
        limit_bytes(len(data), name)
        return read_text(data, name=name)
    data = memoryview(data).cast("B")
    limit_bytes(len(data), name)
    if (kind := _foreign_format(data)) is not None:
        raise not_a_table(name, kind)
    if data[:4] == b"PK\x03\x04":
        return read_excel(bytes(data), name=name, **options)
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise TableError(f"{name} is an old Excel .xls file: save it as .xlsx or CSV and upload that")
    return read_csv(data, name=name, **options)


def rows_in(data: bytes | str) -> int | None:
    """How many rows a CSV's bytes (or pasted text) hold if each is one line: its line breaks,
    less the header row when the first line is one. Nothing is parsed: one count of line breaks
    (~8 ms for a million rows, 60 MB), so a front door can say "Checking N rows" before the
    table is read. ``read`` gives the exact number (a quoted value may hold a line break, blank
    lines inside the file are not rows). None for a workbook, a file that is surely not a table
    or text that is not UTF-8 or a single-byte code page (UTF-16)."""
    text = isinstance(data, str)
    if not text and (data[:4] == b"PK\x03\x04" or _foreign_format(data) is not None
                     or data[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE) or b"\x00" in data[:1000]):
        return None
    newline, blank = ("\n", "\r\n\t ") if text else (b"\n", b"\r\n\t ")
    start, end = 0, len(data)
    while start < end and data[start:start + 1] in blank:  # blank lines before the header and at the end
        start += 1
    while end > start and data[end - 1:end] in blank:
        end -= 1
    if start == end:
        return 0
    head = data[start:start + _SAMPLE_BYTES]
    sample = head if text else head.decode("utf-8", errors="ignore")
    lines = [line for line in sample.lstrip("\ufeff").splitlines()[:50] if line.strip()]
    if not lines:
        return None
    first = next(csv.reader([lines[0]], delimiter=_sniff(lines)), [])
    breaks = data.count(newline, start, end) if text else _count(memoryview(data).cast("B")[start:end], ord("\n"))
    return breaks + 1 - (0 if looks_like_data(first) else 1)


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


def _file_bytes(path: str) -> bytes | memoryview:
    """A file's bytes: a large one mapped into memory rather than copied (a 66 MB file: 45 ms to
    copy, against a few ms of page mapping as the parser goes), read-only. Paths come from the
    command line and notebooks, the analyst's own files; a file cut short by another program
    while it is read would stop the process (the app reads uploads from memory, never a path)."""
    try:
        with open(path, "rb") as f:
            if os.fstat(f.fileno()).st_size >= _MAPPED:
                try:
                    return memoryview(mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ))  # stays open after close
                except (OSError, ValueError):
                    pass  # a file system without mapping: read it
            return f.read()
    except OSError as e:
        raise TableError(f"cannot open {path}: {e.strerror or e}") from None


_COUNT_STEP = 1 << 20  # bytes compared at a time by ``_count``


def _count(data: memoryview, byte: int, stop: int | None = None) -> int:
    """How many times ``byte`` occurs in ``data[:stop]``: numpy, a MiB at a time (8 ms a million
    rows, against 25 ms for ``bytes.count`` and 18 ms for one comparison of the whole file,
    whose 60 MB temporary a server's allocator maps afresh, and faults in, at every read)."""
    view = np.frombuffer(data, dtype=np.uint8, count=len(data) if stop is None else stop)
    return sum(int(np.count_nonzero(view[at:at + _COUNT_STEP] == byte)) for at in range(0, len(view), _COUNT_STEP))


def _foreign_format(data: memoryview) -> str | None:
    """What a file that is surely not a table looks like, from its first bytes; None otherwise."""
    head = bytes(data[:16])
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    return None


def _binary(data: memoryview) -> bool:
    """True when the start of (UTF-8) text holds control bytes no table has: a binary file."""
    sample = bytes(data[:_SAMPLE_BYTES])
    controls = len(sample.translate(None, _NOT_CONTROL))
    return controls > 0 and (b"\x00" in sample or controls * 100 > len(sample))


def read_text(text: str, *, name: str = "pasted text") -> Table:
    """Pasted text: a CSV, a block copied from a spreadsheet (tab-separated), or one value a line."""
    table = read_csv(text.encode("utf-8"), name=name, encoding="utf-8")
    return Table(table.data, table.rows, name, "text", None, table.delimiter)


def read_csv(data: bytes | memoryview, *, name: str = "upload.csv", encoding: str | None = None,
             delimiter: str | None = None) -> Table:
    """A CSV file's bytes (or a buffer of them) as a Table (see the module docstring for
    delimiters and encodings)."""
    data = memoryview(data).cast("B")
    if not _NOT_BLANK.search(data):
        raise TableError(f"{name} is empty")
    data, encoding = _as_utf8(data, name, encoding)
    if _binary(data):
        raise not_a_table(name, "binary data")
    start = 0
    while start < len(data) and data[start] in b"\r\n":  # blank lines before the header
        start += 1
    skipped = _count(data, ord("\n"), start)
    data = data[start:] if start else data
    if not _NOT_BLANK.search(data[:_SAMPLE_BYTES]) and not _NOT_BLANK.search(data):
        raise TableError(f"{name} is empty")
    sample = bytes(data[:_SAMPLE_BYTES]).decode("utf-8", errors="ignore")
    lines = sample.splitlines()
    if len(data) > _SAMPLE_BYTES and len(lines) > 1:
        lines = lines[:-1]  # the last one may be cut
    lines = [line for line in lines if line.strip()]
    delimiter = delimiter or _sniff(lines)
    first = next(csv.reader([lines[0]], delimiter=delimiter), [])
    header = not looks_like_data(first)
    limit_columns(len(first), name)
    names = column_names(first, name) if header else [f"column {i + 1}" for i in range(len(first))]
    try:
        data_table = _parse(data, name, delimiter, names, header, skipped)
    except _NotUtf8:
        data, encoding = _not_utf8(data, name)
        data_table = _parse(data, name, delimiter, names, header, skipped)
    if data_table.num_rows == 0:
        raise TableError(f"{name} has a header row but no data rows")
    limit_rows(data_table.num_rows, name)
    first_row = skipped + (2 if header else 1)
    rows = _row_numbers(data, data_table.num_rows, first_row, header)
    return Table(data_table, rows, name, "csv", encoding, delimiter)  # chunks combined per column, when used


class _NotUtf8(Exception):
    """pyarrow found bytes that are not UTF-8 (it checks every cell as it parses)."""


def _as_utf8(data: memoryview, name: str, encoding: str | None) -> tuple[memoryview, str]:
    """The bytes re-encoded as UTF-8 when they are known not to be, and the encoding they had.

    Without a BOM the file is taken as UTF-8; the parser checks that, and ``_not_utf8`` decides."""
    if encoding:
        try:
            text = str(data, encoding)
        except UnicodeDecodeError as e:
            line = _count(data, ord("\n"), e.start) + 1
            raise TableError(f"row {line} of {name} is not valid {encoding} (byte 0x{data[e.start]:02x})") from None
        except LookupError:
            raise TableError(f"unknown encoding {encoding!r}") from None
        return memoryview(text.lstrip("\ufeff").encode("utf-8")), encoding
    head = bytes(data[:1000])
    if head.startswith(codecs.BOM_UTF8):
        return data[3:], "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return memoryview(str(data, "utf-16").encode("utf-8")), "utf-16"
        except UnicodeDecodeError:
            raise not_a_table(name, "binary data: it starts like UTF-16 text but is not") from None
    if head.count(b"\x00") > len(head) // 4:  # UTF-16 without a BOM
        codec = "utf-16-le" if head[1:2] == b"\x00" else "utf-16-be"
        try:
            return memoryview(str(data, codec).encode("utf-8")), codec
        except UnicodeDecodeError:
            raise not_a_table(name, "binary data") from None
    return data, "utf-8"


def _not_utf8(data: memoryview, name: str) -> tuple[memoryview, str]:
    """A file that is not UTF-8: cp1252 (latin-1 for its undefined bytes), unless most of it is
    UTF-8, in which case guessing would garble the rest, so the first bad row is named."""
    try:
        str(data, "utf-8")
        return data, "utf-8"
    except UnicodeDecodeError as e:
        if _UTF8_MULTIBYTE.search(data):
            line = _count(data, ord("\n"), e.start) + 1
            raise TableError(
                f"row {line} of {name} is not valid UTF-8 (byte 0x{data[e.start]:02x}) although the rest of the "
                "file is UTF-8: fix that row, or save the whole file again as UTF-8"
            ) from None
    try:
        return memoryview(str(data, "cp1252").encode("utf-8")), "cp1252"
    except UnicodeDecodeError:
        return memoryview(str(data, "latin-1").encode("utf-8")), "latin-1"


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


def _parse(data: memoryview, name: str, delimiter: str, names: list[str], header: bool, skipped: int) -> pa.Table:
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
            if not multiline and _QUOTE.search(data):
                continue  # a quoted value may hold a line break: read again, slower but exact
            error = e
            break
    # Which row is wrong: pyarrow decodes a row as UTF-8 *before* handing it to an invalid-row handler,
    # and bytes that are not UTF-8 there print "Exception ignored in" on stderr. So the handler runs
    # only on a failed read of valid UTF-8 (a file that is not goes to ``_not_utf8`` and comes back).
    try:
        str(data, "utf-8")
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
        at = bytes(data).find(row.text.encode("utf-8", errors="replace"))
        line = skipped + (_count(data, ord("\n"), at) + 1 if at >= 0 else 0)
        where = f"row {line}" if at >= 0 else "a row"
        raise TableError(
            f"{where} of {name} has {row.actual_columns} values but the header has {row.expected_columns} "
            f"columns (is a value containing '{_show(delimiter)}' missing its quotes?)"
        ) from None
    raise TableError(f"{name} could not be read as CSV: {str(error).removeprefix('CSV parse error: ')}") from None


def _show(delimiter: str) -> str:
    return {"\t": "tab"}.get(delimiter, delimiter)


def _row_numbers(data: memoryview, n: int, first_row: int, header: bool) -> pa.Array:
    """Row numbers, skipping blank lines inside the file as a spreadsheet would count them."""
    lines = _count(data, ord("\n")) + (0 if data[-1:] == b"\n" else 1)
    if lines - (1 if header else 0) == n:  # one record a line: the common case, decided in one pass
        return pa.array(np.arange(first_row, first_row + n, dtype=np.int64))
    data = bytes(data)  # the rare file with blank lines or line breaks in values: bytes' own methods
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


def from_frame(frame: pd.DataFrame, *, name: str = "DataFrame") -> Table:
    """A pandas DataFrame (notebook use): every column as text, row numbers 1, 2, ... in order."""
    if frame.shape[1] == 0:
        raise TableError(f"{name} has no columns")
    if frame.shape[0] == 0:
        raise TableError(f"{name} has no rows")
    names = column_names([str(c) for c in frame.columns], name)
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
    return cell(value)
