"""The data-quality (contacts) and key-coverage (companies) reports an analyst reads before sending."""

from __future__ import annotations

import json

import pytest

from linkedin.tables.preparation import prepare
from linkedin.tables.quality import MIN_AUDIENCE

USER_HEADER = "email,firstname,lastname,jobtitle,employeecompany,country,googleaid\n"
COMPANY_HEADER = (
    "companyname,companywebsite,companyemaildomain,linkedincompanypageurl,stocksymbol,industry,city,state,"
    "companycountry,zipcode\n"
)
HASH = "584c4423c421df49955759498a71495aba49b8780eb9387dff333b6f0982c777"


@pytest.fixture(scope="module")
def contacts():
    rows = [
        "ann@gmail.com,Ann,Lee,CEO,Acme,United States,",  # 2
        " ANN@gmail.com ,Ann,Lee,CEO,Acme,US,",  # 3: the same person, written differently
        "ann@gmail.com,Ann,Lee,CEO,Acme,United States,",  # 4: identical to row 2 as given
        "bob@acme.com,Bob,Maximiliano-Alexander Wolfeschlegelsteinhausen,,Acme,UK,",  # 5: last name too long
        "cy@globex.com,,,,,,",  # 6
        "dee@initech.com,,,,,Narnia,",  # 7
        "not-an-email,,,,,,",  # 8: rejected
        HASH + ",,,,,,",  # 9: pre-hashed
        ",Eve,Ng,,,,",  # 10: rejected: no company
        ",,,,,,",  # 11: empty
    ]
    return prepare((USER_HEADER + "\n".join(rows) + "\n").encode(), "users").quality


def test_rows_matchable_unique_and_duplicates(contacts):
    q = contacts
    assert (q.kind, q.rows, q.matchable, q.unique, q.rejected_rows) == ("users", 10, 7, 5, 3)
    assert (q.duplicates, q.exact_duplicates) == (2, 1)


def test_valid_and_invalid_per_field_with_reasons(contacts):
    email = contacts.field("email")
    assert (email.column, email.given, email.valid, email.invalid, email.fixed) == ("email", 8, 7, 1, 0)
    assert email.problems == (("missing @", 1),)
    last = contacts.field("lastname")
    assert (last.given, last.valid, last.invalid) == (5, 4, 1)
    assert last.problems == (("longer than 35 characters (46)", 1),)
    country = contacts.field("country")
    assert (country.given, country.valid, country.fixed, country.invalid) == (5, 4, 3, 1)
    assert dict(country.problems) == {
        "a country name; LinkedIn expects its ISO 3166 alpha-2 code (US)": 2,
        "not an ISO 3166 code; United Kingdom is GB": 1,
        "not an ISO 3166 alpha-2 country code": 1,
    }
    assert contacts.field("appleidfa") is None  # not mapped, not reported
    assert contacts.field("email").label == "Email"


def test_free_mail_and_business_shares_and_the_advice(contacts):
    mix = contacts.emails
    assert (mix.raw, mix.sha256, mix.sha512, mix.free_mail, mix.business) == (6, 1, 0, 3, 3)
    assert mix.mixed
    advice = " ".join(contacts.advice)
    assert "50% of the email addresses are business addresses; they match worse on LinkedIn" in advice
    assert "mixes 6 plain addresses with 1 hashes" in advice
    assert "3 countries were written as names or other codes" in advice
    assert f"Only 5 unique people: LinkedIn serves a segment once at least {MIN_AUDIENCE}" in advice


def test_mostly_business_emails_get_the_strong_advice():
    rows = [f"p{i}@acme{i}.com,,,,,," for i in range(9)] + ["x@gmail.com,,,,,,"]
    q = prepare((USER_HEADER + "\n".join(rows) + "\n").encode(), "users").quality
    assert q.advice[0].startswith("90% of the email addresses are business addresses. Most LinkedIn members")


def test_issues_name_row_column_value_problem_and_fix(contacts):
    issues = contacts.issues
    assert list(issues.columns) == ["row", "column", "field", "value", "problem", "fix", "fixed"]
    first = issues.iloc[0].to_dict()
    assert first == {
        "row": 2, "column": "country", "field": "country", "value": "United States",
        "problem": "a country name; LinkedIn expects its ISO 3166 alpha-2 code (US)", "fix": "US", "fixed": True,
    }
    bad_email = issues[issues["field"] == "email"].iloc[0]
    assert (bad_email["row"], bad_email["value"], bad_email["problem"], bad_email["fixed"]) == (8, "not-an-email", "missing @", False)
    assert issues["row"].is_monotonic_increasing


def test_rejected_rows_come_with_row_reason_and_the_row_as_given(contacts):
    rejected = contacts.rejected
    assert list(rejected.columns[:2]) == ["row", "reason"]
    assert list(rejected.columns[2:]) == USER_HEADER.strip().split(",")
    assert rejected[["row", "reason"]].to_dict("records") == [
        {"row": 8, "reason": "email: missing @"},
        {"row": 10, "reason": "matching by name needs first+last name+company: employeecompany missing or invalid"},
        {"row": 11, "reason": "empty row"},
    ]
    assert rejected.iloc[0]["email"] == "not-an-email"


def test_the_summary_holds_counts_and_never_a_cell(contacts):
    summary = contacts.summary()
    text = json.dumps(summary)
    assert summary["rows"] == 10 and summary["fields"]["email"]["invalid"] == 1
    assert "ann@gmail.com" not in text and "not-an-email" not in text and HASH not in text


def test_ignored_columns_are_named():
    q = prepare(b"email,notes,crm id\na@b.com,x,1\n", "users").quality
    assert q.ignored_columns == ("notes", "crm id")
    assert q.advice[-1] == "Columns not used: notes, crm id."


def test_idfas_that_are_not_sent_are_mentioned():
    data = b"email,idfa\na@b.com,EA7583CD-A667-48BC-B806-42ECB2B48606\n"
    assert any("1 Apple IDFAs are not sent" in a for a in prepare(data, "users").quality.advice)
    assert not any("IDFA" in a for a in prepare(data, "users", allow_idfa=True).quality.advice)


# -- companies ------------------------------------------------------------------------------------------
def test_company_key_coverage_and_advice():
    rows = [
        "Acme,acme.com,,https://www.linkedin.com/company/acme,,,,,,",
        "Globex,,,urn:li:organization:42,,,,,,",
        "Initech,initech.com,,,,,,,,",
        "Hooli,,hooli.com,,,,,,,",
        "Umbrella,,,,,,,,,",
        "Stark,,,,,,,,,",
        "Wayne,,,https://www.linkedin.com/showcase/wayne-news,,,,,,",
        ",,,,,,Paris,,France,",
    ]
    q = prepare((COMPANY_HEADER + "\n".join(rows) + "\n").encode(), "companies").quality
    assert (q.coverage.page, q.coverage.domain, q.coverage.name_only, q.coverage.total) == (2, 2, 3, 7)
    assert q.rejected_rows == 1 and q.emails is None
    assert q.advice[0] == (
        "3 of 7 companies (43%) have only a name, which matches worst. "
        "Add the website domain (better) or the LinkedIn page URL (best)."
    )
    assert q.advice[1] == "2 companies are matched by domain; a LinkedIn page URL would match them best."
    assert q.field("linkedincompanypageurl").problems == (
        ("a showcase page, not a company: use the parent company's page URL", 1),
    )
    assert q.summary()["coverage"] == {"page": 2, "domain": 2, "name_only": 3}
