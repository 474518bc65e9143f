"""A pasted list with no header maps by itself: emails to Email, domains to Website (issue 14.15)."""

from __future__ import annotations

import pytest

from linkedin.tables import columns, reader
from linkedin.tables.columns import COMPANIES, USERS


@pytest.mark.parametrize("text", [
    "ana.silva@example.com\nbob@example.org\ncarla@example.net\n",
    # the first address malformed: still a value, not a header (a header is never one word with an "@")
    "ana.silva@example\nbob@example.org\ncarla@example.net\ndan@example.com\nemma@example.com\n",
    "Ana.Silva@Example.COM\r\nbob@example.org\r\n",
])
def test_a_list_of_emails_without_a_header_maps_to_email(text):
    table = reader.read_text(text)
    assert table.columns == ("column 1",)
    assert table.rows.to_pylist() == list(range(1, text.count("\n") + 1))
    assert columns.guess_columns(table, USERS).as_dict() == {"email": "column 1"}


@pytest.mark.parametrize("text", [
    "acme.com\ncontoso.com\nglobex.co.uk\n",
    "www.acme.com\nhttps://contoso.com/about\nhttp://globex.io:8080\n",
    "acme.com\n",
])
def test_a_list_of_domains_without_a_header_maps_to_website(text):
    table = reader.read_text(text)
    assert table.columns == ("column 1",)
    assert table.num_rows == text.count("\n")
    assert columns.guess_columns(table, COMPANIES).as_dict() == {"companywebsite": "column 1"}


def test_a_list_of_linkedin_pages_still_maps_to_the_page_url():
    table = reader.read_text("https://www.linkedin.com/company/acme\nlinkedin.com/company/contoso\n")
    assert columns.guess_columns(table, COMPANIES).as_dict() == {"linkedincompanypageurl": "column 1"}


@pytest.mark.parametrize("text, header", [
    ("website\nacme.com\n", ("website",)),
    ("Company Name,Website\nAcme,acme.com\n", ("Company Name", "Website")),
    ("email,first name\na@b.com,Ann\n", ("email", "first name")),
    ("name,site.url\nAcme,acme.com\n", ("name", "site.url")),  # one header cell only looks like a domain
    ("Contact (a@b.example),Name\na@b.example,Ann\n", ("Contact (a@b.example)", "Name")),  # words around an @
])
def test_a_header_row_is_still_a_header(text, header):
    assert reader.read_text(text).columns == header
