"""Hostile sizes: every check is linear and bounded. Each case is timed against reading and preparing a
normal file of the same size (a ratio, never a wall-clock limit)."""

from __future__ import annotations

import io
import re
import time
import zipfile

import openpyxl
import pytest

from linkedin.tables import reader, table, workbooks
from linkedin.tables.preparation import prepare
from linkedin.tables.table import TableError
from tests.unit.tables.timing import best_seconds


def _normal_emails(size: int) -> bytes:
    row = b"someone.else@example.com,Ann,Lee\n"
    return b"email,first name,last name\n" + row * (size // len(row))


def _ratio(hostile: bytes, kind: str = "users") -> float:
    normal = _normal_emails(len(hostile))
    best_seconds(lambda: prepare(normal, kind))  # warm up (imports, compiled kernels)
    return best_seconds(lambda: prepare(hostile, kind)) / max(best_seconds(lambda: prepare(normal, "users")), 1e-3)


@pytest.mark.parametrize("cell", [
    "a@" + "." * 20_000 + "@b",
    "a" * 20_000 + "@" + "b." * 5_000,
    "." * 20_000,
])
def test_long_cells_of_dots_and_ats_take_no_longer_than_a_normal_file(cell):
    hostile = ("email,first name,last name\n" + f"{cell},{cell},{cell}\n" * 20).encode()
    assert _ratio(hostile) < 20


def test_a_long_website_or_page_url_is_linear():
    cell = "a." * 10_000
    hostile = ("company name,website,linkedin company page url\n"
               + f"x{cell},{cell},https://www.linkedin.com/company/{cell}\n" * 20).encode()
    assert _ratio(hostile, "companies") < 20


def test_thousands_of_repeated_header_names_are_refused_at_once():
    hostile = (",".join(["email"] * 20_000) + "\n" + ",".join(["a@b.com"] * 20_000) + "\n").encode()
    normal = (",".join(f"c{i}" for i in range(400)) + "\n" + ",".join(["x"] * 400) + "\n").encode() * 1
    with pytest.raises(TableError, match="columns: one upload takes at most 500"):  # refused before naming
        reader.read_csv(hostile)
    below_the_cap = (",".join(["email"] * 450) + "\n" + ",".join(["a@b.com"] * 450) + "\n").encode()
    with pytest.raises(TableError, match="has two columns with the same name: 'email' \\(column 1\\) and 'email' \\(column 2\\)"):
        reader.read_csv(below_the_cap)
    assert best_seconds(lambda: reader.read_csv(hostile)) < 20 * max(best_seconds(lambda: reader.read_csv(normal)), 1e-3)


def test_more_columns_than_an_upload_takes_are_refused():
    data = (",".join(f"c{i}" for i in range(table.MAX_COLUMNS + 1)) + "\n" + "x," * table.MAX_COLUMNS + "x\n").encode()
    with pytest.raises(TableError, match=f"has {table.MAX_COLUMNS + 1:,} columns: one upload takes at most"):
        reader.read_csv(data, name="wide.csv")


def test_more_rows_than_an_upload_takes_are_refused(monkeypatch):
    monkeypatch.setattr(table, "MAX_ROWS", 3)
    with pytest.raises(TableError, match="has more than 3 rows, the most one upload takes"):
        reader.read_csv(b"email\n" + b"a@b.com\n" * 4)


def test_more_bytes_than_an_upload_takes_are_refused(monkeypatch):
    monkeypatch.setattr(table, "MAX_BYTES", 100)
    with pytest.raises(TableError, match="one upload takes at most"):
        reader.read(b"email\n" + b"a@b.com\n" * 20)


def test_the_limits_fit_a_million_row_contact_list():
    assert table.MAX_ROWS >= 1_000_000 and table.MAX_BYTES >= 1_000_000 * 120


def _xlsx(rows) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _rewritten(data: bytes, part: str, change) -> bytes:
    src, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            dst.writestr(info.filename, change(body) if info.filename == part else body)
    return out.getvalue()


def test_a_sheet_claiming_16384_columns_is_read_at_its_real_size():
    normal = _xlsx([["email", "name"], *[[f"p{i}@acme.com", "Ann"] for i in range(200)]])
    hostile = _rewritten(normal, "xl/worksheets/sheet1.xml",
                         lambda body: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', body))
    assert b"XFD1048576" in zipfile.ZipFile(io.BytesIO(hostile)).read("xl/worksheets/sheet1.xml")
    t = reader.read(hostile, name="claims.xlsx")
    assert t.columns == ("email", "name") and t.num_rows == 200
    assert best_seconds(lambda: reader.read(hostile)) < 20 * best_seconds(lambda: reader.read(normal))


def test_an_xlsx_unzipping_beyond_the_cap_is_refused(monkeypatch):
    monkeypatch.setattr(workbooks, "MAX_XLSX_UNZIPPED", 1000)
    with pytest.raises(TableError, match="^big.xlsx unzips to .* MB, more than one upload takes"):
        reader.read(_xlsx([["email"], ["a@b.com"]]), name="big.xlsx")


def test_a_malformed_workbook_gets_a_clear_message():
    broken = _rewritten(_xlsx([["email"], ["a@b.com"]]), "xl/worksheets/sheet1.xml", lambda body: body[: len(body) // 2])
    with pytest.raises(TableError, match="^bad.xlsx could not be read as an Excel .xlsx file"):
        reader.read(broken, name="bad.xlsx")


def test_an_xlsx_whose_text_cells_unzip_beyond_their_cap_is_refused(monkeypatch):
    src, out = zipfile.ZipFile(io.BytesIO(_xlsx([["email"], ["a@b.com"]]))), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as book:  # plus a shared-strings part of 100,000 bytes
        for info in src.infolist():
            book.writestr(info, src.read(info))
        book.writestr("xl/sharedStrings.xml", b"<sst>" + b" " * 99_989 + b"</sst>")
    data = out.getvalue()
    monkeypatch.setattr(workbooks, "MAX_SHARED_STRINGS", 99_999)  # the whole workbook stays under its own cap
    with pytest.raises(TableError, match="^strings.xlsx unzips to .* MB, more than one upload takes .* text cells at most"):
        reader.read(data, name="strings.xlsx")
