"""Every field has a length cap, applied before any pattern runs (``tables.lengths``): hostile cells of
each field kind are refused by length with a per-row reason, and a file of them costs no more than a
normal file of the same size (a time ratio, never a wall-clock limit)."""

from __future__ import annotations

import time

import pytest

from linkedin.tables import lengths
from linkedin.tables.identifiers import check
from linkedin.tables.preparation import prepare
from linkedin.tables.reader import read_csv
from linkedin.tables.table import TableError
from tests.unit.tables.timing import best_seconds

DOTS = "a@" + "." * 20_000 + "@b"  # nested or overlapping quantifiers backtrack on these
LABELS = "a." * 10_000
PEOPLE = "email,first name,last name,job title,company,country,google advertising id"
COMPANIES = "company name,website,email domain,linkedin company page url,stock symbol,country,organization id"
VALID_PERSON = ["ann.lee@acme.com", "Ann", "Lee", "Analyst", "Acme", "US", "a7e1c2d4-0b5f-4e6a-9c3d-1f2e3a4b5c6d"]
VALID_COMPANY = ["Acme", "acme.com", "acme.com", "https://www.linkedin.com/company/acme", "ACME", "US",
                 "urn:li:organization:1234"]

# (the checker's kind, the file's kind, the column, the cap, its words, a hostile cell)
CASES = [
    ("email", "users", 0, lengths.EMAIL_CHARS, "email address or hash", DOTS),
    ("email", "users", 0, lengths.EMAIL_CHARS, "email address or hash", "a" * 20_000 + "@" + "b." * 5_000),
    ("email", "users", 0, lengths.EMAIL_CHARS, "email address or hash", " " * 20_000 + "ann@acme.com"),
    ("first_name", "users", 1, lengths.TEXT_CHARS, "name, title, company or place", DOTS),
    ("last_name", "users", 2, lengths.TEXT_CHARS, "name, title, company or place", "\u200b" * 20_000 + "Lee"),
    ("title", "users", 3, lengths.TEXT_CHARS, "name, title, company or place", "x@" * 10_000 + "y.z"),
    ("company", "users", 4, lengths.TEXT_CHARS, "name, title, company or place", DOTS),
    ("country", "users", 5, lengths.COUNTRY_CHARS, "country", "United " * 3_000),
    ("google_aid", "users", 6, lengths.AD_ID_CHARS, "mobile ad id", "0-" * 10_000),
    ("website", "companies", 1, lengths.URL_CHARS, "website", "http://" + LABELS),
    ("website", "companies", 1, lengths.URL_CHARS, "website", "https://acme.com/" + "?#:@" * 5_000),
    ("email_domain", "companies", 2, lengths.DOMAIN_CHARS, "email domain", LABELS),
    ("email_domain", "companies", 2, lengths.DOMAIN_CHARS, "email domain", "-" * 20_000),
    ("page_url", "companies", 3, lengths.URL_CHARS, "company page URL", "https://www.linkedin.com/company/" + LABELS),
    ("ticker", "companies", 4, lengths.TICKER_CHARS, "stock ticker", "NASDAQ:" + " " * 20_000 + "A"),
    ("ticker", "companies", 4, lengths.TICKER_CHARS, "stock ticker", "A." * 10_000),
    ("organization", "companies", 6, lengths.ORGANIZATION_CHARS, "organization id",
     "urn:li:organization:" + "9" * 20_000),
]
IDS = [f"{c[0]}-{c[5][:12]!r}" for c in CASES]


def _file(kind: str, column: int, cell: str, rows: int) -> bytes:
    header, valid = (PEOPLE, VALID_PERSON) if kind == "users" else (COMPANIES, VALID_COMPANY)
    hostile = list(valid)
    hostile[column] = f'"{cell}"'
    return (header + "\n" + (",".join(hostile) + "\n") * rows).encode()


def _normal(kind: str, size: int) -> bytes:
    header, valid = (PEOPLE, VALID_PERSON) if kind == "users" else (COMPANIES, VALID_COMPANY)
    line = (",".join(valid) + "\n").encode()
    return (header + "\n").encode() + line * (size // len(line))




@pytest.mark.parametrize("field,kind,column,cap,what,cell", CASES, ids=IDS)
def test_a_cell_longer_than_any_valid_value_is_refused_by_its_length(field, kind, column, cap, what, cell):
    verdict = check(field, cell)
    assert (verdict.ok, verdict.value, verdict.fix) == (False, None, None)
    assert verdict.problem == f"longer than {cap:,} characters ({len(cell):,}): no {what} is that long"


@pytest.mark.parametrize("field,kind,column,cap,what,cell", CASES, ids=IDS)
def test_a_file_of_hostile_cells_costs_no_more_than_a_normal_file_of_its_size(field, kind, column, cap, what, cell):
    hostile = _file(kind, column, cell, rows=20)
    normal = _normal(kind, len(hostile))
    prepared = prepare(hostile, kind)  # the hostile cell is refused, the row's other keys still count
    problems = prepared.quality.issues
    refused = problems[problems["problem"].str.startswith(f"longer than {cap:,} characters")]
    assert refused["row"].tolist() == list(range(2, 22))
    best_seconds(lambda: prepare(normal, kind))  # warm up (imports, compiled kernels)
    ratio = best_seconds(lambda: prepare(hostile, kind)) / max(best_seconds(lambda: prepare(normal, kind)), 1e-3)
    assert ratio < 20, f"{ratio:.1f}x a normal file of the same size"


def test_a_cell_at_the_cap_is_still_judged_by_its_field():
    assert check("email", " " * (lengths.EMAIL_CHARS - 12) + "ann@acme.com").value == "ann@acme.com"
    assert check("first_name", "x" * 36).problem == "longer than 35 characters (36)"  # the field's own limit
    assert check("ticker", "NASDAQ: BRK.B").value == "BRK.B"


def test_characters_not_bytes_are_counted():
    name = "é" * lengths.TEXT_CHARS  # 2,000 bytes, 1,000 characters: the cap lets it through to the field
    assert check("text", name).value == name
    assert check("text", name + "é").problem.startswith("longer than 1,000 characters (1,001)")


def test_no_content_pattern_runs_on_a_long_cell_of_an_unnamed_column():
    """Guessing a column by its content (an unnamed column of emails) and a first row of data both
    use Python patterns, which backtrack: they skip cells longer than any email, hash or id."""
    unnamed = ("contact,other\n" + f"{'a@' + '.' * 5_000 + '@b'},x\n" * 20).encode()
    normal = ("contact,other\n" + "ann.lee@acme.com,x\n" * (len(unnamed) // 19)).encode()
    best_seconds(lambda: prepare(normal, "users"))
    assert best_seconds(lambda: prepare(unnamed, "users")) < 20 * max(best_seconds(lambda: prepare(normal, "users")), 1e-3)
    first_row = (f"x,{DOTS}\n" + "1,2\n" * 2_000).encode()
    plain = ("x,y\n" + "1,2\n" * (len(first_row) // 4)).encode()
    best_seconds(lambda: read_csv(plain))
    assert best_seconds(lambda: read_csv(first_row)) < 20 * max(best_seconds(lambda: read_csv(plain)), 1e-3)
