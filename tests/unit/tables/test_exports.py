"""CSV exports are safe to open in a spreadsheet: formula-like cells are neutralized, numbers and hashes kept."""

from __future__ import annotations

import hashlib
import io

import pandas as pd

from linkedin.tables import exports
from linkedin.tables.preparation import prepare
from linkedin.tables.reader import read
from linkedin.tables.templates import export_template


def test_cells_starting_like_a_formula_get_a_quote_and_numbers_and_hashes_do_not():
    frame = pd.DataFrame({
        "value": ["=HYPERLINK(\"http://x\")", "+cmd", "-2+3", "@SUM(A1)", "\tx", "\rx", "-12", "+3.5", "1e5",
                  hashlib.sha256(b"a").hexdigest(), "Ann", "", None],
        "n": range(13),
    })
    out = pd.read_csv(io.BytesIO(exports.to_csv(frame)), dtype=str, keep_default_na=False)
    assert out["value"].tolist() == [
        "'=HYPERLINK(\"http://x\")", "'+cmd", "'-2+3", "'@SUM(A1)", "'\tx", "'\rx",
        "-12", "+3.5", "1e5", hashlib.sha256(b"a").hexdigest(), "Ann", "", "",
    ]
    assert out["n"].tolist() == [str(i) for i in range(13)]


def test_column_names_are_neutralized_too():
    assert exports.to_csv(pd.DataFrame({"=cmd": ["x"], "row": [2]})).decode() == "'=cmd,row\nx,2\n"


def test_the_contact_template_neutralizes_names_and_still_reads_back():
    p = prepare(b"email,first name,last name,company\na@acme.com,=1+1,@me,-Acme\nb@acme.com,Ann,Lee,Acme\n", "users")
    text = export_template(p).decode()
    assert text.splitlines()[1].split(",")[1:5] == ["'=1+1", "'@me", "", "'-Acme"]
    back = read(export_template(p))
    assert back.column("email").to_pylist() == [hashlib.sha256(b"a@acme.com").hexdigest(),
                                                hashlib.sha256(b"b@acme.com").hexdigest()]
    assert back.column("firstname").to_pylist() == ["'=1+1", "Ann"]


def test_the_contact_template_writes_no_blank_row_and_google_ad_ids_as_linkedin_takes_them():
    p = prepare(b"email,googleaid,appleidfa,firstname,lastname,employeecompany\n"
                b"a@x.com,,,,,\n"
                b",38400000-8CF0-11BD-B23E-10B96E40000D,,,,\n"
                b",38400000ABCD11BDB23E10B96E40000E,,,,\n"
                b",,AB400000-8CF0-11BD-B23E-10B96E40000D,,,\n"  # an Apple IDFA only: no template column
                b",,,Ana,Silva,Contoso\n", "users", allow_idfa=True)
    assert p.quality.unique == 5
    assert export_template(p).decode() == (
        "email,firstname,lastname,jobtitle,employeecompany,country,googleaid\n"
        f"{hashlib.sha256(b'a@x.com').hexdigest()},,,,,,\n"
        ",,,,,,38400000-8cf0-11bd-b23e-10b96e40000d\n"
        ",,,,,,38400000-abcd-11bd-b23e-10b96e40000e\n"
        ",Ana,Silva,,Contoso,,\n")


def test_a_frame_given_by_hand_gets_its_google_ad_ids_shaped_and_blank_rows_dropped():
    frame = pd.DataFrame({"SHA256_EMAIL": [None, None, ""],
                          "GOOGLE_AID": ["38400000ABCD11BDB23E10B96E40000E", " 38400000-abcd-11bd-b23e-10b96e40000f ",
                                         None]})
    assert export_template(frame, "users").decode() == (
        "email,firstname,lastname,jobtitle,employeecompany,country,googleaid\n"
        ",,,,,,38400000-abcd-11bd-b23e-10b96e40000e\n"
        ",,,,,,38400000-abcd-11bd-b23e-10b96e40000f\n")
