"""Known-answer and table-driven tests of every normalizer, validator and hasher (identifiers.py)."""

from __future__ import annotations

import hashlib

import pyarrow as pa
import pytest

from linkedin.tables import adids, identifiers as ids

# -- hashing: the vectors of linkedin-api.md §6 ---------------------------------------------------
SHA256_VECTORS = [
    ("testing@testing.com", "584c4423c421df49955759498a71495aba49b8780eb9387dff333b6f0982c777"),
    ("random@rudderstack.com", "52ac4b9ef8f745e007c19fac81ddb0a3f50b20029f6699ca1406225fc217f392"),
    ("abc@test.com", "fa922cb41ff930664d4c9ced3c472ce7ecf29a0f8248b7018456e990177fff75"),
]
SHA512_RUDDERSTACK = (
    "631372c5eafe80f3fe1b5d067f6a1870f1f04a0f0c0d9298eeaa20b9e54224da"
    "9588e3164d2ec6e2a5545a5299ed7df563e4a60315e6782dfa7db4de6b1c5326"
)


@pytest.mark.parametrize("email, digest", SHA256_VECTORS)
def test_sha256_known_answers(email, digest):
    assert ids.sha256_hex(email) == digest
    assert ids.sha256_column(pa.array([email])).to_pylist() == [digest]


def test_sha512_known_answer():
    assert ids.sha512_hex("random@rudderstack.com") == SHA512_RUDDERSTACK
    assert ids.sha512_column(pa.array(["random@rudderstack.com"])).to_pylist() == [SHA512_RUDDERSTACK]


def test_messy_address_normalizes_then_hashes_to_the_vector():
    verdict = ids.check("email", " ABC@Test.com ")
    assert verdict.value == "abc@test.com"
    assert ids.sha256_hex(verdict.value) == "fa922cb41ff930664d4c9ced3c472ce7ecf29a0f8248b7018456e990177fff75"
    assert ids.sha256_hex(ids.normalize_email(" ABC@Test.com ")) == ids.sha256_hex("abc@test.com")


def test_sha256_column_matches_hashlib_in_order_on_many_values():
    values = [f"user{i}@example{i % 7}.com" for i in range(5000)]
    assert ids.sha256_column(pa.array(values)).to_pylist() == [hashlib.sha256(v.encode()).hexdigest() for v in values]


def test_sha256_column_refuses_empty_cells():
    with pytest.raises(ValueError, match="empty cells"):
        ids.sha256_column(pa.array(["a@b.com", None]))


def test_hash_column_of_nothing_is_empty():
    assert ids.sha256_column(pa.array([], pa.string())).to_pylist() == []


@pytest.mark.parametrize(
    "value, kind",
    [
        ("584c4423c421df49955759498a71495aba49b8780eb9387dff333b6f0982c777", ids.SHA256),
        ("584C4423C421DF49955759498A71495ABA49B8780EB9387DFF333B6F0982C777", ids.SHA256),
        (SHA512_RUDDERSTACK, ids.SHA512),
        ("584c4423c421df49955759498a71495aba49b8780eb9387dff333b6f0982c77", None),  # 63 digits
        ("testing@testing.com", None),
        ("g" * 64, None),
    ],
)
def test_hash_kind(value, kind):
    assert ids.hash_kind(value) == kind


# -- emails ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "given, value, derived, problem, fix",
    [
        (" ABC@Test.com ", "abc@test.com", ids.RAW, None, None),
        ("jo hn@Example.com", "john@example.com", ids.RAW, None, None),  # every whitespace goes
        ("x@y.com\u00a0", "x@y.com", ids.RAW, None, None),  # a spreadsheet's no-break space
        ("\u200bx@y.com", "x@y.com", ids.RAW, None, None),  # a zero-width space from a web page
        ("first.last+tag@sub.example.co.uk", "first.last+tag@sub.example.co.uk", ids.RAW, None, None),
        ("a@xn--mnchen-3ya.de", "a@xn--mnchen-3ya.de", ids.RAW, None, None),
        ("584C4423C421DF49955759498A71495ABA49B8780EB9387DFF333B6F0982C777",
         "584c4423c421df49955759498a71495aba49b8780eb9387dff333b6f0982c777", ids.SHA256, None, None),
        (SHA512_RUDDERSTACK.upper(), SHA512_RUDDERSTACK, ids.SHA512, None, None),
        ("john.gmail.com", None, 0, "missing @", "john@gmail.com"),
        ("nobody", None, 0, "missing @", None),
        ("a@@b.com", None, 0, "more than one @", None),
        ("@b.com", None, 0, "nothing before the @", None),
        ("a@", None, 0, "nothing after the @", None),
        ("john@gmail,com", None, 0, "comma in the domain", "john@gmail.com"),
        ("john@gmail.com.", None, 0, "dot at the end", "john@gmail.com"),
        ("john@gmail", None, 0, "domain 'gmail' has no dot", "john@gmail.com"),
        ("john..doe@x.com", None, 0, "dots in the wrong place", None),
        ("jöhn@x.com", None, 0, "contains characters outside ASCII", None),
        ("a(b)@x.com", None, 0, "contains '('", None),
        ("a" * 65 + "@example.com", None, 0, "more than 64 characters before the @", None),
        ("584c4423c421df49955759498a71495aba49b8780eb9387dff333b6f0982c77", None, 0, "63 hex digits", None),
        ("", None, 0, None, None),
        ("   ", None, 0, None, None),
        (None, None, 0, None, None),
    ],
)
def test_check_email(given, value, derived, problem, fix):
    verdict = ids.check("email", given)
    assert verdict.value == value
    assert verdict.ok is (value is not None)
    assert verdict.derived == derived
    if problem is None:
        assert verdict.problem is None
    else:
        assert problem in verdict.problem
    assert verdict.fix == fix


def test_an_email_column_counts_given_valid_and_invalid():
    checked = ids.check_emails(pa.array(["a@b.com", "bad", "", None, " C@D.com"]))
    assert (checked.given, checked.valid, checked.invalid, checked.fixed) == (3, 2, 1, 0)
    assert checked.value.to_pylist() == ["a@b.com", None, None, None, "c@d.com"]
    assert checked.problems.column("index").to_pylist() == [1]
    assert checked.problems.column("given").to_pylist() == ["bad"]


def test_python_normalization_agrees_with_the_column_code():
    messy = [" A@B.com", "a\tb@c.com", "X@Y.COM\u00a0", "\ufeffz@z.io", "Mixed.Case@Example.Org"]
    column = ids.check_emails(pa.array(messy)).value.to_pylist()
    assert column == [ids.normalize_email(v) for v in messy]


def test_free_mail_versus_business_domains():
    assert ids.is_free_mail("gmail.com")
    assert ids.is_free_mail("GMAIL.COM")
    assert ids.is_free_mail("yahoo.co.uk")
    assert ids.is_free_mail("gmail.example")  # the sandbox's synthetic people
    assert not ids.is_free_mail("acme.com")
    assert not ids.is_free_mail("notgmail.com")
    assert not ids.is_free_mail("gmail.com.acme.com")
    emails = ids.check_emails(pa.array(["a@gmail.com", "b@acme.com", "c@outlook.example", "bad"]))
    assert ids.free_mail_addresses(emails).to_pylist() == [True, False, True, False]
    assert ids.email_domains(emails).to_pylist() == ["gmail.com", "acme.com", "outlook.example", None]


# -- mobile ad ids -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "kind, given, value",
    [
        # The canonical lower-case 8-4-4-4-12 form, hyphens kept, whatever form it was given in.
        ("google_aid", "A7E1C2D4-0B5F-4E6A-9C3D-1F2E3A4B5C6D", "a7e1c2d4-0b5f-4e6a-9c3d-1f2e3a4b5c6d"),
        ("google_aid", " a7e1c2d40b5f4e6a9c3d1f2e3a4b5c6d ", "a7e1c2d4-0b5f-4e6a-9c3d-1f2e3a4b5c6d"),
        ("google_aid", "A7E1C2D40B5F4E6A9C3D1F2E3A4B5C6D", "a7e1c2d4-0b5f-4e6a-9c3d-1f2e3a4b5c6d"),
        ("apple_idfa", "ea7583cda66748bcb80642ecb2b48606", "EA7583CD-A667-48BC-B806-42ECB2B48606"),
        ("google_aid", "00000000-0000-0000-0000-000000000000", None),
        ("google_aid", "not-an-id", None),
        ("google_aid", "a7e1c2d4-0b5f-4e6a-9c3d-1f2e3a4b5c6", None),  # one digit short
        ("apple_idfa", "ea7583cd-a667-48bc-b806-42ecb2b48606", "EA7583CD-A667-48BC-B806-42ECB2B48606"),
        ("apple_idfa", "EA7583CDA66748BCB80642ECB2B48606", "EA7583CD-A667-48BC-B806-42ECB2B48606"),
        ("apple_idfa", "00000000000000000000000000000000", None),
    ],
)
def test_mobile_ad_ids(kind, given, value):
    assert ids.check(kind, given).value == value


def test_a_sparse_ad_id_column_keeps_every_cell_in_its_place():
    given = ["", "A7E1C2D40B5F4E6A9C3D1F2E3A4B5C6D", None, "bad", " ", "ea7583cd-a667-48bc-b806-42ecb2b48606", ""] * 3
    column = pa.array(["skipped"] + given)[1:]  # a slice: its buffers start one cell in
    checked = adids.check_google_aids(column)
    expected = [None, "a7e1c2d4-0b5f-4e6a-9c3d-1f2e3a4b5c6d", None, None, None, "ea7583cd-a667-48bc-b806-42ecb2b48606",
                None] * 3
    assert checked.value.to_pylist() == expected
    assert checked.given == 9 and checked.invalid == 3
    assert checked.problems["index"].to_pylist() == [3, 10, 17]
    assert adids.check_apple_idfas(column).value.to_pylist()[1] == "A7E1C2D4-0B5F-4E6A-9C3D-1F2E3A4B5C6D"
    assert adids.check_google_aids(pa.array(["", None])).value.to_pylist() == [None, None]


def test_hyphenated_takes_exactly_32_digits_a_value():
    bare = pa.array(["x", "0123456789abcdef0123456789abcdef", "fedcba9876543210fedcba9876543210"])[1:]
    assert adids.hyphenated(bare).to_pylist() == ["01234567-89ab-cdef-0123-456789abcdef",
                                                "fedcba98-7654-3210-fedc-ba9876543210"]
    with pytest.raises(ValueError):
        adids.hyphenated(pa.array(["0123"]))


def test_zero_ad_id_says_why():
    assert "limits ad tracking" in ids.check("google_aid", "00000000-0000-0000-0000-000000000000").problem


# -- names and plain text ------------------------------------------------------------------------
@pytest.mark.parametrize(
    "kind, given, value, problem",
    [
        ("first_name", "  Anna ", "Anna", None),
        ("first_name", "Anna\u00a0", "Anna", None),
        ("first_name", "x" * 35, "x" * 35, None),
        ("first_name", "x" * 36, None, "longer than 35 characters (36)"),
        ("first_name", "é" * 35, "é" * 35, None),  # characters, not bytes
        ("last_name", "y" * 36, None, "longer than 35 characters (36)"),
        ("title", "t" * 50, "t" * 50, None),
        ("title", "t" * 51, None, "longer than 50 characters (51)"),
        ("company", "c" * 51, None, "longer than 50 characters (51)"),
        ("text", " " + "z" * 500 + " ", "z" * 500, None),
        ("text", "   ", None, None),
    ],
)
def test_text_fields(kind, given, value, problem):
    verdict = ids.check(kind, given)
    assert (verdict.value, verdict.problem) == (value, problem)


# -- countries -----------------------------------------------------------------------------------------
def test_the_country_table_is_iso_3166_alpha_2():
    names, keys = ids.countries()
    assert len(names) == 249
    assert all(len(code) == 2 and code.isupper() for code in names)
    assert names["GB"] == "United Kingdom" and names["DE"] == "Germany"


@pytest.mark.parametrize(
    "given, value, fixed",
    [
        ("US", "US", False),
        ("us", "US", False),
        (" de ", "DE", False),
        ("United States", "US", True),
        ("united states of america", "US", True),
        ("U.S.A.", "US", True),
        ("usa", "US", True),
        ("UK", "GB", True),
        ("England", "GB", True),
        ("Deutschland", "DE", True),
        ("DEU", "DE", True),
        ("México", "MX", True),
        ("Côte d'Ivoire", "CI", True),
        ("The Netherlands", "NL", True),
        ("Narnia", None, False),
        ("XX", None, False),
    ],
)
def test_countries(given, value, fixed):
    verdict = ids.check("country", given)
    assert verdict.value == value
    assert (verdict.problem is not None) is (fixed or value is None)
    if fixed:
        assert verdict.fix == value


def test_country_fixes_can_be_suggestions_only():
    verdict = ids.check("country", "United States", apply_fixes=False)
    assert (verdict.value, verdict.fix, verdict.ok) == (None, "US", False)
    checked = ids.check_countries(pa.array(["United States", "FR", "Narnia"]), apply_fixes=False)
    assert (checked.valid, checked.invalid, checked.fixed) == (1, 2, 0)


def test_country_problems_say_what_was_written():
    assert "three-letter code" in ids.check("country", "DEU").problem
    assert "United Kingdom is GB" in ids.check("country", "UK").problem
    assert "country name" in ids.check("country", "Deutschland").problem
    assert ids.check("country", "Narnia").problem == "not an ISO 3166 alpha-2 country code"


# -- company keys ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "given, value",
    [
        ("acme.com", "acme.com"),
        ("ACME.COM", "acme.com"),
        ("www.acme.com", "acme.com"),
        ("https://www.Acme.com:443/about?x=1#top", "acme.com"),
        ("http://acme.com/", "acme.com"),
        ("HTTP://WWW2.ACME.CO.UK.", "acme.co.uk"),
        ("acme.com?utm_source=crm", "acme.com"),
        ("acme.com#contact", "acme.com"),
        ("//cdn.acme.com/x", "cdn.acme.com"),
        ("http://user:secret@acme.com:8080/", "acme.com"),
        ("shop.acme.com", "shop.acme.com"),
        ("wwwacme.com", "wwwacme.com"),  # only a "www." label is dropped
        ("münchen.de", "xn--mnchen-3ya.de"),
        ("https://www.bücher.de/", "xn--bcher-kva.de"),
        ("facebook.com", "facebook.com"),  # the company Meta's own site is fine...
        ("facebook.com/acme", None),  # ...a page on it is not a website
        ("facebook.com/", "facebook.com"),  # a slash, a bare "?" or "#" is no page
        ("https://facebook.com/?#", "facebook.com"),
        ("facebook.com?ref=acme", None),  # a query is something after a separator
        ("facebook.com#acme", None),
        ("facebook.com//acme", None),
        ("x.com?/acme", None),
        ("acme.com?next=/about", "acme.com"),
        ("https://acme.com/contact@acme", "acme.com"),  # an @ in the path is no user info
        ("https://user@acme.com:8080/a?b#c", "acme.com"),
        ("WWW.acme.com.", "acme.com"),
        ("https://www.linkedin.com/company/acme", None),
        ("info@acme.com", None),
        ("acme", None),
        ("192.168.0.1", None),
        ("acme .com", None),
        ("n/a", None),
        ("https://", None),
    ],
)
def test_websites(given, value):
    assert ids.check("website", given).value == value


@pytest.mark.parametrize(
    "given, problem, fix",
    [
        ("info@acme.com", "an email address, not a website", "acme.com"),
        ("@", "an email address, not a website", None),  # no host at all: explained, not a crash
        ("mailto:info@acme.com", "an email address, not a website", "acme.com"),
        ("https://www.linkedin.com/company/acme", "belongs in linkedincompanypageurl", None),
        ("facebook.com/acme", "a page on facebook.com", None),
        ("acme", "no dot", None),
        ("192.168.0.1", "an IP address", None),
        ("acme .com", "contains spaces", None),
    ],
)
def test_website_problems(given, problem, fix):
    verdict = ids.check("website", given)
    assert problem in verdict.problem
    assert verdict.fix == fix


@pytest.mark.parametrize(
    "given, value",
    [
        ("acme.com", "acme.com"),
        ("@Acme.com", "acme.com"),
        ("sales@acme.com", "acme.com"),
        ("https://acme.com", "acme.com"),
        ("gmail.com", None),
        ("@hotmail.com", None),
        ("acme", None),
    ],
)
def test_email_domains(given, value):
    assert ids.check("email_domain", given).value == value


def test_free_mail_email_domain_says_why():
    assert ids.check("email_domain", "gmail.com").problem == "gmail.com is a free-mail domain: it identifies no company"


@pytest.mark.parametrize(
    "given, value, urn",
    [
        ("https://www.linkedin.com/company/microsoft/", "https://www.linkedin.com/company/microsoft", None),
        ("http://linkedin.com/company/Microsoft", "https://www.linkedin.com/company/microsoft", None),
        ("linkedin.com/company/microsoft", "https://www.linkedin.com/company/microsoft", None),
        ("www.linkedin.com/company/microsoft", "https://www.linkedin.com/company/microsoft", None),
        ("https://de.linkedin.com/company/microsoft/about/", "https://www.linkedin.com/company/microsoft", None),
        ("https://www.linkedin.com/company/microsoft?trk=public", "https://www.linkedin.com/company/microsoft", None),
        ("https://www.linkedin.com/company/1035/", "https://www.linkedin.com/company/1035", "urn:li:organization:1035"),
        ("https://www.linkedin.com/company-beta/1035", "https://www.linkedin.com/company/1035", "urn:li:organization:1035"),
        ("1035", "https://www.linkedin.com/company/1035", "urn:li:organization:1035"),
        ("urn:li:organization:1035", "https://www.linkedin.com/company/1035", "urn:li:organization:1035"),
        ("urn:li:company:1035", "https://www.linkedin.com/company/1035", "urn:li:organization:1035"),
        ("https://www.linkedin.com/showcase/microsoft-azure/", None, None),
        ("https://www.linkedin.com/school/stanford-university/", None, None),
        ("https://www.linkedin.com/in/satyanadella/", None, None),
        ("https://www.linkedin.com/company/", None, None),
        ("https://notlinkedin.com/company/acme", None, None),
        ("https://lnkd.in/abc", None, None),
        ("microsoft.com", None, None),
    ],
)
def test_page_urls(given, value, urn):
    verdict = ids.check("page_url", given)
    assert (verdict.value, verdict.derived) == (value, urn)


@pytest.mark.parametrize(
    "given, problem",
    [
        ("https://www.linkedin.com/showcase/x/", "a showcase page, not a company"),
        ("https://www.linkedin.com/school/x/", "a school page"),
        ("https://www.linkedin.com/in/x/", "a personal profile"),
        ("https://lnkd.in/abc", "a short link"),
        ("microsoft.com", "not a LinkedIn URL"),
    ],
)
def test_page_url_problems(given, problem):
    assert problem in ids.check("page_url", given).problem


@pytest.mark.parametrize(
    "given, value",
    [
        ("1035", "urn:li:organization:1035"),
        (" 001035 ", "urn:li:organization:1035"),
        ("urn:li:organization:1035", "urn:li:organization:1035"),
        ("URN:LI:COMPANY:1035", "urn:li:organization:1035"),
        ("https://www.linkedin.com/company/1035/", "urn:li:organization:1035"),
        ("https://www.linkedin.com/company/microsoft", None),
        ("0", None),
        ("12ab", None),
        ("urn:li:person:1035", None),
    ],
)
def test_organizations(given, value):
    assert ids.check("organization", given).value == value


@pytest.mark.parametrize(
    "given, value",
    [
        ("msft", "MSFT"),
        (" MSFT ", "MSFT"),
        ("$msft", "MSFT"),
        ("NASDAQ:MSFT", "MSFT"),
        ("nyse: ibm", "IBM"),
        ("brk.b", "BRK.B"),
        ("rds-a", "RDS-A"),
        ("7203", "7203"),
        ("not a ticker", None),
        ("TOOLONGTICKER", None),
        ("MS#FT", None),
    ],
)
def test_tickers(given, value):
    assert ids.check("ticker", given).value == value


# -- one value and a column agree ------------------------------------------------------------------
@pytest.mark.parametrize("kind", sorted(set(ids.CHECKERS) - {"text"}))
def test_one_value_at_a_time_agrees_with_the_column(kind):
    values = [
        " ABC@Test.com ", "bad", "", None, "United States", "https://www.acme.com/x", "linkedin.com/company/1035",
        "1035", "$msft", "A7E1C2D4-0B5F-4E6A-9C3D-1F2E3A4B5C6D", "x" * 60, "gmail.com",
    ]
    column = ids.CHECKERS[kind](pa.array(values, pa.string()))
    assert column.value.to_pylist() == [ids.check(kind, v).value for v in values]


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="unknown kind"):
        ids.check("phone", "123")


def test_chunked_and_pandas_columns_are_accepted():
    import pandas as pd

    chunked = pa.chunked_array([["a@b.com"], ["C@D.com"]])
    assert ids.check_emails(chunked).value.to_pylist() == ["a@b.com", "c@d.com"]
    assert ids.check_emails(pd.Series(["a@b.com", None])).value.to_pylist() == ["a@b.com", None]


def test_keep_nulls_cells_without_copying_strings():
    values = pa.array(["a", "b", None, "d"])
    kept = ids.keep(values, pa.array([True, False, True, None]))
    assert kept.to_pylist() == ["a", None, None, None]
    assert kept.buffers()[2].address == values.buffers()[2].address


def test_free_mail_lookup_gives_the_anchored_regex_verdict():
    from linkedin.tables import companykeys

    domains = [*sorted(companykeys.FREE_MAIL_DOMAINS), "gmail.example", "proton.test", "mail.example",
               "acme.com", "mail.gmail.com", "gmail.com.evil.net", "gmail.co", "example", "", None, "outlook.example.org",
               "xgmail.com", "GMAIL.COM"]
    import pyarrow.compute as pc

    regex = pc.match_substring_regex(pa.array(domains, pa.string()), "^" + companykeys.FREE_MAIL_RX)
    assert companykeys.free_mail(pa.array(domains, pa.string())).to_pylist() == regex.to_pylist()
    assert companykeys.free_mail(pa.array(["gmail.com", None])).to_pylist() == [True, None]


@pytest.mark.parametrize("value, id_type, shaped", [
    ("a7e1c2d40b5f4e6a9c3d1f2e3a4b5c6d", "GOOGLE_AID", "a7e1c2d4-0b5f-4e6a-9c3d-1f2e3a4b5c6d"),  # a ledger entry from before
    ("a7e1c2d4-0b5f-4e6a-9c3d-1f2e3a4b5c6d", "GOOGLE_AID", "a7e1c2d4-0b5f-4e6a-9c3d-1f2e3a4b5c6d"),
    ("ea7583cda66748bcb80642ecb2b48606", "APPLE_IDFA", "EA7583CD-A667-48BC-B806-42ECB2B48606"),
    ("abc", "GOOGLE_AID", "abc"),  # not an ad id: left as it is
])
def test_ad_id_gives_the_form_linkedin_matches(value, id_type, shaped):
    assert adids.ad_id(value, id_type) == shaped

