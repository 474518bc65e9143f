"""Excel workbooks (.xlsx) as tables: the first sheet (or a named one), every cell as the text it shows.

An .xlsx is a zip of XML parts. Nothing it declares is trusted: its unzipped size and its
shared strings are capped before openpyxl opens it (``MAX_XLSX_UNZIPPED``,
``MAX_SHARED_STRINGS``), a sheet's declared dimension is reset (a tiny file may claim 16,384
columns), and rows and columns stop at the upload's limits. A damaged or odd workbook is a
``TableError`` in words, never openpyxl's exception.
"""

from __future__ import annotations

import io
import warnings
import zipfile
from typing import Any

import pyarrow as pa

from linkedin.tables.table import (
    MAX_COLUMNS,
    MAX_ROWS,
    Table,
    TableError,
    column_names,
    limit_columns,
    limit_rows,
    looks_like_data,
    not_a_table,
)

MAX_XLSX_UNZIPPED = 2 * 1024 * 1024 * 1024  # all parts of an .xlsx, unzipped
MAX_SHARED_STRINGS = 1024 * 1024 * 1024  # xl/sharedStrings.xml, unzipped


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
                        limit_columns(len(values), name)
                    values = values[:MAX_COLUMNS]
                if len(rows) >= MAX_ROWS:
                    limit_rows(len(rows) + 1, name)
                cells = [cell(v) for v in values]
                if not any(c.strip() for c in cells):
                    continue
                if header is None:
                    if looks_like_data(cells):
                        header = [f"column {i + 1}" for i in range(len(cells))]
                    else:
                        while cells and not cells[-1].strip():  # formatting often stretches a sheet to the right
                            cells.pop()
                        header = column_names(cells, name)
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


def cell(value: Any) -> str:
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
