"""Reading tables (CSV in any common delimiter and encoding, Excel, pasted text, DataFrames) and mapping columns."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd
import pytest

from linkedin.tables import columns, reader as table
from linkedin.tables.columns import COMPANIES, USERS, ColumnMap
from linkedin.tables.table import TableError

USER_HEADER = "email,firstname,lastname,jobtitle,employeecompany,country,googleaid"
COMPANY_HEADER = (
    "companyname,companywebsite,companyemaildomain,linkedincompanypageurl,stocksymbol,industry,city,state,"
    "companycountry,zipcode"
)


def cells(t: table.Table) -> dict[str, list[str]]:
    return t.data.to_pydict()


# -- delimiters and encodings ----------------------------------------------------------------------
@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_every_common_delimiter_is_sniffed(delimiter):
    text = delimiter.join(["email", "firstname", "note"]) + "\n" + delimiter.join(["a@b.com", "Ann", "x"]) + "\n"
    t = table.read_csv(text.encode())
    assert t.delimiter == delimiter
    assert cells(t) == {"email": ["a@b.com"], "firstname": ["Ann"], "note": ["x"]}


def test_a_comma_inside_quotes_does_not_fool_the_sniffer():
    t = table.read_csv(b'email;company\na@b.com;"Acme, Inc."\nc@d.com;Globex\n')
    assert t.delimiter == ";"
    assert cells(t)["company"] == ["Acme, Inc.", "Globex"]


@pytest.mark.parametrize(
    "data, encoding",
    [
        ("email,firstname\na@b.com,Jürgen\n".encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + "email,firstname\na@b.com,Jürgen\n".encode("utf-8"), "utf-8-sig"),
        ("email,firstname\na@b.com,Jürgen\n".encode("utf-16"), "utf-16"),
        (b"\xfe\xff" + "email,firstname\na@b.com,Jürgen\n".encode("utf-16-be"), "utf-16"),
        ("email,firstname\na@b.com,Jürgen\n".encode("cp1252"), "cp1252"),
        ("email,firstname\na@b.com,J\u00fcrgen \u20ac\n".encode("cp1252"), "cp1252"),
    ],
)
def test_encodings(data, encoding):
    t = table.read_csv(data)
    assert t.encoding == encoding
    assert t.columns == ("email", "firstname")
    assert cells(t)["firstname"][0].startswith("Jürgen")


def test_a_mostly_utf8_file_names_its_bad_row():
    data = "email,firstname\na@b.com,Jürgen\nc@d.com,Zoë\n".encode() + b"e@f.com,J\xfcrgen\n"
    with pytest.raises(TableError, match=r"row 4 of f\.csv is not valid UTF-8 \(byte 0xfc\)"):
        table.read_csv(data, name="f.csv")


def test_an_explicit_encoding_is_obeyed_and_checked():
    assert cells(table.read_csv("email\nä@b.com\n".encode("latin-1"), encoding="latin-1"))["email"] == ["ä@b.com"]
    with pytest.raises(TableError, match="row 2 of upload.csv is not valid utf-8"):
        table.read_csv(b"email\n\xff@b.com\n", encoding="utf-8")
    with pytest.raises(TableError, match="unknown encoding"):
        table.read_csv(b"email\na@b.com\n", encoding="klingon")


# -- what is read ------------------------------------------------------------------------------------
def test_cells_are_always_strings_and_never_null():
    t = table.read_csv(b"email,zip,n\na@b.com,02108,NA\nc@d.com,,1e5\n")
    assert cells(t) == {"email": ["a@b.com", "c@d.com"], "zip": ["02108", ""], "n": ["NA", "1e5"]}


def test_row_numbers_are_as_a_spreadsheet_shows_them():
    t = table.read_csv(b"email\na@b.com\nc@d.com\n")
    assert t.rows.to_pylist() == [2, 3]


def test_blank_lines_keep_the_row_numbers_true():
    t = table.read_csv(b"\nemail,name\na@b.com,A\n\nc@d.com,C\n\n")
    assert cells(t)["email"] == ["a@b.com", "c@d.com"]
    assert t.rows.to_pylist() == [3, 5]


def test_crlf_blank_lines_too():
    t = table.read_csv(b"email,name\r\na@b.com,A\r\n\r\nc@d.com,C\r\n")
    assert t.rows.to_pylist() == [2, 4]
    assert cells(t)["name"] == ["A", "C"]


def test_a_line_break_inside_quotes_stays_in_its_cell():
    t = table.read_csv(b'email,note\na@b.com,"two\nlines"\nc@d.com,x\n')
    assert cells(t)["note"] == ["two\nlines", "x"]
    assert t.rows.to_pylist() == [2, 3]


def test_empty_headers_get_names():
    t = table.read_csv(b"email,,name\na@b.com,x,y\n")
    assert t.columns == ("email", "column 2", "name")


@pytest.mark.parametrize("header", [b"email,name,email", b"Email,name, E-MAIL "])
def test_two_columns_with_the_same_name_are_refused_naming_them(header):
    with pytest.raises(table.TableError) as refused:
        table.read_csv(header + b"\na@b.com,x,c@d.com\n", name="dup.csv")
    first, second = header.decode().split(",")[0].strip(), header.decode().split(",")[2].strip()
    assert str(refused.value) == (f"dup.csv has two columns with the same name: '{first}' (column 1) and "
                                  f"'{second}' (column 3): rename or delete one of them")


def test_duplicate_names_are_refused_in_a_dataframe_too():
    with pytest.raises(table.TableError, match="DataFrame has two columns with the same name: 'email'"):
        table.from_frame(pd.DataFrame([["a@b.com", "c@d.com"]], columns=["email", "email"]))


def test_a_pasted_list_without_a_header_is_read_whole():
    t = table.read_text("a@b.com\nC@D.com\n")
    assert t.columns == ("column 1",)
    assert t.rows.to_pylist() == [1, 2]
    assert t.format == "text" and t.source == "pasted text"
    assert columns.guess_columns(t, USERS).as_dict() == {"email": "column 1"}


def test_pasted_spreadsheet_cells_are_tab_separated():
    t = table.read_text("Email\tFirst Name\na@b.com\tAnn\n")
    assert t.delimiter == "\t"
    assert columns.guess_columns(t, USERS).as_dict() == {"email": "Email", "firstname": "First Name"}


# -- errors ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("data", [b"", b"   \n\n", b"\xef\xbb\xbf", b"\r\n"])
def test_an_empty_file(data):
    with pytest.raises(TableError, match="^f.csv is empty$"):
        table.read_csv(data, name="f.csv")


def test_a_header_without_rows():
    with pytest.raises(TableError, match="has a header row but no data rows"):
        table.read_csv(b"email,firstname\n", name="f.csv")


def test_a_row_with_too_many_values_is_named():
    data = b"email,firstname\na@b.com,Ann\nc@d.com,Bo,extra\ne@f.com,Cy\n"
    with pytest.raises(TableError, match=r"^row 3 of f\.csv has 3 values but the header has 2 columns"):
        table.read_csv(data, name="f.csv")


def test_old_excel_files_are_refused_clearly():
    with pytest.raises(TableError, match=r"old Excel \.xls file"):
        table.read(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, name="list.xls")


def test_a_missing_file():
    with pytest.raises(TableError, match="cannot open"):
        table.read("/nonexistent/list.csv")


# -- Excel -------------------------------------------------------------------------------------------------
def xlsx(rows: list[list], sheets: tuple[str, ...] = ("Sheet1",)) -> bytes:
    book = openpyxl.Workbook()
    book.active.title = sheets[0]
    for name in sheets[1:]:
        book.create_sheet(name)
    for row in rows:
        book[sheets[-1] if len(sheets) > 1 else sheets[0]].append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_excel_reads_the_first_sheet_as_text():
    import datetime as dt

    data = xlsx([[None], ["Email", "Zip", "Since", "Score"], ["a@b.com", 2108.0, dt.datetime(2024, 5, 1), 1.5],
                 [None, None, None, None], ["c@d.com", 12345, None, True]])
    t = table.read(io.BytesIO(data))
    assert t.format == "xlsx"
    assert cells(t) == {
        "Email": ["a@b.com", "c@d.com"], "Zip": ["2108", "12345"], "Since": ["2024-05-01", ""], "Score": ["1.5", "TRUE"],
    }
    assert t.rows.to_pylist() == [3, 5]  # the sheet's own row numbers


def test_excel_sheet_by_name_and_a_missing_sheet():
    data = xlsx([["email"], ["a@b.com"]], sheets=("Notes", "Contacts"))
    assert cells(table.read_excel(data, sheet="Contacts")) == {"email": ["a@b.com"]}
    with pytest.raises(TableError, match="has no sheet 'People'"):
        table.read_excel(data, name="x.xlsx", sheet="People")


def test_excel_value_without_a_header_is_named():
    with pytest.raises(TableError, match="row 2 of x.xlsx has a value in column 2, which has no header"):
        table.read_excel(xlsx([["email"], ["a@b.com", "stray"]]), name="x.xlsx")


def test_a_broken_excel_file():
    with pytest.raises(TableError, match=r"^x.xlsx is not a CSV or Excel file \(it looks like a damaged zip archive\)$"):
        table.read(b"PK\x03\x04 not really a zip", name="x.xlsx")


def _zipped(name: str, data: bytes) -> bytes:
    import zipfile
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(name, data)
    return out.getvalue()


def _binary_files() -> dict[str, tuple[bytes, str]]:
    import gzip
    import random
    csv_ = b"email,first\nsecret@acme.com,Ann\n" * 50
    noise = random.Random(7).randbytes(4000)
    return {
        "gzip": (gzip.compress(csv_), "a gzip-compressed file"),
        "zip": (_zipped("people.csv", csv_), "a zip archive, not an Excel workbook"),
        "random": (noise, "binary data"),
        "nul": (b"email\n" + b"\x00\x01\x02" * 10 + b"\n", "binary data"),
        "pdf": (b"%PDF-1.7\n" + noise, "a PDF document"),
        "png": (b"\x89PNG\r\n\x1a\n" + noise, "a PNG image"),
        "utf16": (b"\x00\xd8\x00\x00" * 300, "binary data"),
        "utf16-invalid": (b"a\x00\x00\xd8" * 300, "binary data"),  # lone surrogates
    }


@pytest.mark.parametrize("kind", list(_binary_files()))
def test_binary_and_compressed_files_are_refused_without_echoing_their_bytes(kind, recwarn):
    data, looks_like = _binary_files()[kind]
    with pytest.raises(TableError) as refused:
        table.read(data, name="up.csv")
    assert str(refused.value) == f"up.csv is not a CSV or Excel file (it looks like {looks_like})"
    assert not recwarn.list


def test_utf16_without_a_bom_is_still_read():
    t = table.read("email,first\na@b.com,Ann\n".encode("utf-16-le"), name="u.csv")
    assert cells(t) == {"email": ["a@b.com"], "first": ["Ann"]}


# -- DataFrames, paths and file objects ---------------------------------------------------------------------
def test_a_dataframe_becomes_text():
    frame = pd.DataFrame({"email": ["a@b.com", None], "zip": [2108, 12345], "score": [1.0, float("nan")]})
    t = table.from_frame(frame)
    assert cells(t) == {"email": ["a@b.com", ""], "zip": ["2108", "12345"], "score": ["1", ""]}
    assert t.rows.to_pylist() == [1, 2]
    with pytest.raises(TableError, match="has no rows"):
        table.from_frame(frame.iloc[0:0])


def test_read_takes_paths_and_named_file_objects(tmp_path):
    path = tmp_path / "people.csv"
    path.write_bytes(b"email\na@b.com\n")
    assert table.read(path).source == "people.csv"
    handle = io.BytesIO(b"email\nc@d.com\n")
    handle.name = "/uploads/list.csv"
    t = table.read(handle)
    assert (t.source, cells(t)) == ("list.csv", {"email": ["c@d.com"]})


@pytest.mark.parametrize("newline, blank", [(b"\n", False), (b"\n", True), (b"\r\n", True)])
def test_a_large_file_is_mapped_and_reads_as_its_bytes_do(tmp_path, newline, blank):
    rows = [f"person.{i}@example.org,J\u00fcrgen {i}".encode() for i in range(60_000)]
    lines = [b"email,name", *rows[:30_000], *([b""] if blank else []), *rows[30_000:]]
    data = b"\xef\xbb\xbf" + newline.join(lines) + newline
    path = tmp_path / "big.csv"
    path.write_bytes(data)
    assert path.stat().st_size > table._MAPPED
    mapped, copied, viewed = table.read(path), table.read(data, name="big.csv"), table.read(memoryview(data))
    assert mapped.data.equals(copied.data) and mapped.data.equals(viewed.data) and mapped.encoding == "utf-8-sig"
    assert mapped.rows.equals(copied.rows) and mapped.data.num_rows == 60_000
    numbers = mapped.rows.to_pylist()
    assert numbers[:2] == [2, 3] and numbers[-1] == 60_001 + blank
    assert numbers[30_000] == 30_002 + blank  # the row after the blank line, as a spreadsheet numbers it


def test_a_large_file_that_is_not_utf8_is_read_from_its_mapping_too(tmp_path):
    path = tmp_path / "latin.csv"
    path.write_bytes(("email,name\n" + "".join(f"p{i}@example.org,J\u00fcrgen\n" for i in range(60_000)))
                     .encode("cp1252"))
    t = table.read(path)
    assert t.encoding == "cp1252" and t.data.column("name")[59_999].as_py() == "J\u00fcrgen"


def test_text_with_line_breaks_is_pasted_text_not_a_path():
    t = table.read("email\na@b.com\n")
    assert (t.format, cells(t)) == ("text", {"email": ["a@b.com"]})


def test_head_is_indexed_by_row_number():
    t = table.read_csv(b"email\na@b.com\nc@d.com\ne@f.com\n")
    head = t.head(2)
    assert list(head.index) == [2, 3] and list(head["email"]) == ["a@b.com", "c@d.com"]


# -- mapping ------------------------------------------------------------------------------------------------
def test_linkedin_templates_are_recognised_exactly():
    users = table.read_csv((USER_HEADER + "\na@b.com,,,,,,\n").encode())
    companies = table.read_csv((COMPANY_HEADER + "\nAcme,,,,,,,,,\n").encode())
    assert columns.is_template(users, USERS) and not columns.is_template(users, COMPANIES)
    assert columns.is_template(companies, COMPANIES)
    assert columns.guess_columns(users, USERS).as_dict() == {f: f for f in columns.USER_TEMPLATE}
    assert columns.guess_columns(companies, COMPANIES).as_dict() == {f: f for f in columns.COMPANY_TEMPLATE}
    assert columns.guess_kind(users) == USERS and columns.guess_kind(companies) == COMPANIES


@pytest.mark.parametrize(
    "kind, header, field",
    [
        (USERS, "Email", "email"), (USERS, "E-mail", "email"), (USERS, "email_address", "email"),
        (USERS, "Email Address", "email"), (USERS, "First Name", "firstname"), (USERS, "first_name", "firstname"),
        (USERS, "Last Name", "lastname"), (USERS, "Surname", "lastname"), (USERS, "Job Title", "jobtitle"),
        (USERS, "Company", "employeecompany"), (USERS, "Country Code", "country"), (USERS, "GAID", "googleaid"),
        (USERS, "IDFA", "appleidfa"), (USERS, "Vorname", "firstname"), (USERS, "Prénom", "firstname"),
        (COMPANIES, "Company", "companyname"), (COMPANIES, "Website", "companywebsite"),
        (COMPANIES, "Domain", "companywebsite"), (COMPANIES, "Email Domain", "companyemaildomain"),
        (COMPANIES, "LinkedIn URL", "linkedincompanypageurl"), (COMPANIES, "Ticker", "stocksymbol"),
        (COMPANIES, "Country", "companycountry"), (COMPANIES, "Postal Code", "zipcode"),
        (COMPANIES, "Organization ID", "organization"), (COMPANIES, "Contact Email", "email"),
    ],
)
def test_obvious_synonyms_are_mapped(kind, header, field):
    t = table.read_csv(f"{header},other\nx,y\n".encode())
    assert columns.guess_columns(t, kind).as_dict() == {field: header}


def test_unmistakable_content_is_mapped_whatever_the_header():
    t = table.read_csv(
        b"Kontakt,Geraet,Seite\n"
        b"a@b.com,a7e1c2d4-0b5f-4e6a-9c3d-1f2e3a4b5c6d,https://www.linkedin.com/company/x\n"
        b"c@d.com,b8f2d3e5-1c6a-4f7b-8d4e-2a3b4c5d6e7f,linkedin.com/company/y\n"
    )
    assert columns.guess_columns(t, USERS).as_dict() == {"email": "Kontakt", "googleaid": "Geraet"}
    assert columns.guess_columns(t, COMPANIES).as_dict() == {"linkedincompanypageurl": "Seite", "email": "Kontakt"}


def test_the_first_column_wins_a_field_and_the_rest_are_ignored():
    t = table.read_csv(b"Email,E-mail address,Notes\na@b.com,c@d.com,x\n")  # same field, names that differ
    mapping = columns.guess_columns(t, USERS)
    assert mapping.as_dict() == {"email": "Email"}
    assert mapping.unmapped(t) == ("E-mail address", "Notes")


def test_hand_mapping():
    t = table.read_csv(b"Mail,Given,Family,Firm\na@b.com,Ann,Lee,Acme\n")
    mapping = ColumnMap.of(USERS, {"email": "Mail", "firstname": "Given", "lastname": None})
    assert mapping.pairs == (("email", "Mail"), ("firstname", "Given"))
    moved = mapping.with_column("lastname", "Given")  # a column feeds one field: it moves
    assert moved.as_dict() == {"email": "Mail", "lastname": "Given"}
    assert moved.with_column("email", None).as_dict() == {"lastname": "Given"}
    moved.validate(t)


def test_mapping_mistakes_are_explained():
    t = table.read_csv(b"Mail,Given\na@b.com,Ann\n")
    with pytest.raises(TableError, match="column 'Email' \\(for email\\) is not in upload.csv; its columns are: Mail, Given"):
        ColumnMap.of(USERS, {"email": "Email"}).validate(t)
    with pytest.raises(TableError, match="'phone' is not a users field"):
        ColumnMap.of(USERS, {"phone": "Mail"})
    with pytest.raises(TableError, match="column 'Mail' is mapped to both email and firstname"):
        ColumnMap(USERS, (("email", "Mail"), ("firstname", "Mail")))


def test_a_table_nothing_can_match():
    t = table.read_csv(b"firstname,jobtitle\nAnn,CEO\n")
    with pytest.raises(TableError, match=r"^no column can be used to match \(need email, googleaid, or first\+last name\+company\)$"):
        columns.guess_columns(t, USERS).validate(t)
    with pytest.raises(TableError, match="need company name, website, email domain, LinkedIn page URL or organization id"):
        ColumnMap.of(COMPANIES, {"city": "jobtitle"}).validate(t)


def test_names_and_company_can_match_and_idfa_only_when_allowed():
    t = table.read_csv(b"firstname,lastname,employeecompany,idfa\nA,B,C,D\n")
    columns.guess_columns(t, USERS).validate(t)
    only_idfa = ColumnMap.of(USERS, {"appleidfa": "idfa"})
    with pytest.raises(TableError):
        only_idfa.validate(t)
    only_idfa.validate(t, allow_idfa=True)


# -- counting rows before reading ------------------------------------------------------------------
@pytest.mark.parametrize("data", [
    b"email\na@b.com\nc@d.com\n",  # a header
    b"a@b.com\nc@d.com",  # none, and no line break at the end
    b"\r\n\r\nemail;name\r\na@b.com;Ann\r\n\r\n",  # blank lines around, CRLF
    b"\xef\xbb\xbfemail,name\na@b.com,Ann\nc@d.com,Cy\n",  # a BOM
    "email\tname\na@b.com\tAnn\n",  # pasted text
    b"email\n",  # a header alone
])
def test_rows_in_counts_what_read_finds_when_each_row_is_one_line(data):
    try:
        expected = (table.read_text(data) if isinstance(data, str) else table.read(data)).num_rows
    except TableError:
        expected = 0
    assert table.rows_in(data) == expected


def test_rows_in_does_not_guess_for_a_workbook_or_utf16():
    book = io.BytesIO()
    openpyxl.Workbook().save(book)
    assert [table.rows_in(book.getvalue()), table.rows_in("email\na@b.com\n".encode("utf-16"))] == [None, None]


def test_line_breaks_are_counted_across_the_counts_steps():
    """``_count`` goes a MiB at a time: the same count as ``bytes.count`` for any stop, inside a
    step or on its edge, and ``rows_in`` of a file over several steps is its row count."""
    step = table._COUNT_STEP
    data = b"".join(b"p%d@example.com,Ann\n" % i for i in range(150_000))  # ~3.3 MiB
    for stop in (0, 1, step - 1, step, step + 1, 2 * step + 7, len(data)):
        assert table._count(memoryview(data), ord("\n"), stop) == data.count(b"\n", 0, stop), stop
    assert table.rows_in(b"email,first\n" + data) == 150_000 == table.read(b"email,first\n" + data).num_rows


def test_a_few_rows_of_a_column_in_many_chunks_are_taken_as_the_whole_column_has_them():
    """``Table.take`` takes from the chunks (the exact-duplicate check takes a few rows of each
    mapped column): the same values, in the order asked, as one array; a column that is not
    there is named."""
    import pyarrow as pa

    data = b"email,name\n" + b"".join(b"a%d@b.c,N%d\n" % (i, i) for i in range(400_000))  # 2+ of the reader's blocks
    t = table.read(data, name="x.csv")
    assert t.data.column("email").num_chunks > 1
    rows = pa.array([399_999, 0, 200_001, 5])
    taken = t.take("name", rows)
    assert isinstance(taken, pa.StringArray) and taken.to_pylist() == t.column("name").take(rows).to_pylist()
    assert taken.to_pylist() == ["N399999", "N0", "N200001", "N5"]
    with pytest.raises(TableError, match="there is no column 'phone'"):
        t.take("phone", rows)
