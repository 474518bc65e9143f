"""Odd files through the command line (issue 13, point 5): workbooks with styles, data validation,
extensions, headers and defined names openpyxl cannot keep, damaged zips, and a CSV whose bad row is
not UTF-8. Each is read (or refused in one clear line) with nothing else on stderr: no Python warning,
no traceback, no "Exception ignored in", no faulthandler dump."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.comments import Comment
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

ROOT = Path(__file__).resolve().parents[2]
ROWS = [["email", "first name", "last name"], *[[f"p{i}@acme.com", "Ann", "Lee"] for i in range(30)]]
NOISE = ("Traceback", "Warning", "warn(", "Exception ignored", "Fatal Python error", "Current thread", "File \"")
X14 = (b'<extLst><ext uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}" '
       b'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"><x14:dataValidations count="1" '
       b'xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main"><x14:dataValidation type="list">'
       b'<x14:formula1><xm:f>Sheet2!$A$1:$A$3</xm:f></x14:formula1><xm:sqref>A2:A30</xm:sqref></x14:dataValidation>'
       b'</x14:dataValidations></ext><ext uri="{78C0D931-6437-407d-A8EE-F0AAD7539E65}" '
       b'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"><x14:conditionalFormattings/></ext>'
       b'<ext uri="{11111111-2222-3333-4444-555555555555}"><unknown/></ext></extLst></worksheet>')


def _book() -> tuple[openpyxl.Workbook, object]:
    book = openpyxl.Workbook()
    for row in ROWS:
        book.active.append(row)
    return book, book.active


def _saved(book: openpyxl.Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _rewritten(data: bytes, part: str, change, drop: tuple[str, ...] = ()) -> bytes:
    """The workbook with one part changed by hand (and some left out): what openpyxl would not write."""
    src, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename not in drop:
                body = src.read(info.filename)
                dst.writestr(info.filename, change(body) if info.filename == part else body)
    return out.getvalue()


def _styled() -> bytes:
    book, ws = _book()
    validation = DataValidation(type="list", formula1='"a,b"')
    ws.add_data_validation(validation)
    validation.add("A2:A30")
    ws.conditional_formatting.add("A2:A30", CellIsRule(operator="equal", formula=['"x"'],
                                                       fill=PatternFill("solid", start_color="FF0000")))
    ws["A1"].font = Font(name="No Such Font", size=99, bold=True)
    ws["A1"].number_format = '[Red]#,##0.00;;"odd"@'
    ws["B2"].comment = Comment("a note", "someone")
    ws.oddHeader.center.text = "&[Page] of &N"
    return _saved(book)


def _odd_but_readable() -> dict[str, bytes]:
    plain = _saved(_book()[0])
    sheet = "xl/worksheets/sheet1.xml"
    return {
        "styled.xlsx": _styled(),
        "extensions.xlsx": _rewritten(plain, sheet, lambda s: s.replace(b"</worksheet>", X14)),
        "header footer.xlsx": _rewritten(plain, sheet, lambda s: s.replace(
            b"</worksheet>", b"<headerFooter><oddHeader>&amp;Q&amp;Z&amp;[bogus</oddHeader></headerFooter></worksheet>")),
        "defined names.xlsx": _rewritten(plain, "xl/workbook.xml", lambda s: s.replace(
            b"</workbook>", b'<definedNames><definedName name="_xlnm.Print_Titles" localSheetId="0">nonsense!!$'
                            b'</definedName><definedName name="x" localSheetId="9">Sheet1!$A$1</definedName>'
                            b"</definedNames></workbook>")),
        "no styles.xlsx": _rewritten(plain, "[Content_Types].xml", lambda s: re.sub(
            rb'<Override PartName="/xl/styles.xml"[^>]*/>', b"", s), drop=("xl/styles.xml",)),
    }


def _damaged() -> dict[str, tuple[bytes, str]]:
    plain = _saved(_book()[0])
    sheet = "xl/worksheets/sheet1.xml"
    crc = bytearray(plain)
    at = crc.find(b"PK\x03\x04", 1)  # the second member's local header: flip a byte of its data
    crc[at + 60] ^= 0xFF
    return {
        "cut.xlsx": (_rewritten(plain, sheet, lambda s: s[: len(s) // 2]), "could not be read as an Excel .xlsx file"),
        "bad styles.xlsx": (_rewritten(plain, "xl/styles.xml", lambda s: b"<styleSheet><oops"),
                            "could not be read as an Excel .xlsx file"),
        "no sheet.xlsx": (_rewritten(plain, "", lambda s: s, drop=(sheet,)), "could not be read as an Excel .xlsx file"),
        "crc.xlsx": (bytes(crc), "could not be read as an Excel .xlsx file"),
        "rows of another width.csv": (b"email,first name\n" + b"a@b.com,Ann\n" * 3 + b"c@d.com,\xf9\xfa,x,y\n",
                                      "has 4 values but the header has 2 columns"),
    }


def _cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-X", "faulthandler", "-m", "linkedin", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)


@pytest.fixture(scope="module")
def signed_in(sandbox_server_module, tmp_path_factory) -> tuple[dict[str, str], int]:
    """A CLI signed in as Avery Analyst, and a new USER segment of hers."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LINKEDIN_", "PYTHONWARNINGS"))}
    env.update(LINKEDIN_DB_PATH=str(tmp_path_factory.mktemp("odd") / "app.db"), PYTHONUNBUFFERED="1",
               LINKEDIN_API_BASE_URL=sandbox_server_module.url, LINKEDIN_OAUTH_BASE_URL=sandbox_server_module.url,
               PYTHONWARNINGS="default")  # every warning shown once, as a person's terminal would
    assert _cli(env, "login", "--member", "Avery").returncode == 0
    accounts = json.loads(_cli(env, "accounts", "--json").stdout)["accounts"]
    account = next(a["id"] for a in accounts if a["name"] == "Northwind - Sandbox Test")
    made = _cli(env, "create-segment", "--account", str(account), "--name", "Odd files", "--type", "USER", "--json")
    return env, json.loads(made.stdout)["id"]


@pytest.mark.parametrize("name", list(_odd_but_readable()))
def test_an_odd_workbook_is_read_with_nothing_on_stderr(signed_in, tmp_path, name):
    env, segment = signed_in
    path = tmp_path / name
    path.write_bytes(_odd_but_readable()[name])
    done = _cli(env, "sync", "users", str(path), "--segment", str(segment), "--mode", "add", "--dry-run", "--json")
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    report = json.loads(done.stdout)
    assert (report["quality"]["rows"], report["quality"]["unique"], report["plan"]["add"]) == (30, 30, 30)


@pytest.mark.parametrize("name", list(_damaged()))
def test_a_damaged_file_is_refused_in_one_clear_line(signed_in, tmp_path, name):
    env, segment = signed_in
    data, expected = _damaged()[name]
    path = tmp_path / name
    path.write_bytes(data)
    done = _cli(env, "sync", "users", str(path), "--segment", str(segment), "--mode", "add", "--dry-run")
    assert done.returncode == 2, done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: ") and expected in lines[0], done.stderr
    assert name in lines[0]
    assert not any(noise in done.stderr for noise in NOISE), done.stderr
