"""urls: the column-wide cuts of hosts and LinkedIn page URLs, against a plain Python statement
of the same rules (``companykeys``' docstring says why each rule exists)."""

from __future__ import annotations

import random
import re
import subprocess
import sys
from pathlib import Path

import idna
import numpy as np
import pyarrow as pa
import pytest

from linkedin.tables import substrings, urls
from linkedin.tables.companykeys import DOMAIN_PATTERN, FREE_MAIL_DOMAINS, check_email_domains


# -- the rules, in plain Python ----------------------------------------------------------------------
def host_rule(x: str) -> tuple[str | None, int]:
    """(host, flags) of one trimmed, lower-cased value."""
    flags = 0
    if "@" in x and "://" not in x:
        flags |= urls.AT_SIGN
    if "//" in x:
        x = x.split("//", 1)[1]  # scheme
    if "/" in x:
        x, rest = x.split("/", 1)
        if rest.strip("/?#"):
            flags |= urls.HAD_PATH
    if re.search("[?#]", x):
        if re.search("[?#][^/?#]", x):
            flags |= urls.HAD_PATH
        x = re.split("[?#]", x, maxsplit=1)[0]
    if "@" in x:
        x = x.split("@", 1)[1]  # user info
    x = x.split(":", 1)[0]  # port
    x = x.rstrip(".")
    if x.startswith("www."):
        x = x[4:]
    x = re.sub(r"^www[0-9]+\.", "", x)
    if not x.isascii():
        flags |= urls.NON_ASCII
    return (x or None), flags


def email_domain_rule(x: str) -> str | None:
    """What ``check_email_domains`` sends for one trimmed, lower-cased value: its host, in
    punycode where it is not ASCII, if that is a valid domain and no free-mail one."""
    host, _ = host_rule(x)
    if host and not host.isascii():
        try:
            host = idna.encode(host, uts46=True).decode("ascii")
        except (idna.IDNAError, UnicodeError, ValueError):
            return None
    if host and re.fullmatch(DOMAIN_PATTERN, host) and len(host) <= 253 and host not in FREE_MAIL_DOMAINS:
        return host
    return None


def _org_id(text: str | None) -> str | None:
    if text and len(text) <= 19 and text.isascii() and text.isdigit():
        return text.lstrip("0") or None
    return None


def page_rule(x: str) -> tuple[int, str | None, str | None]:
    """(flags, slug, organization id) of one trimmed, lower-cased value."""
    flags, slug = 0, None
    found = _org_id(x)
    if found is None and (x.startswith("urn:li:organization:") or x.startswith("urn:li:company:")):
        found = _org_id(x.rsplit(":", 1)[1])
    if "linkedin.com/" in x:
        before, path = x.split("linkedin.com/", 1)
        if re.fullmatch(r"(?:https?://)?(?:[a-z0-9-]+\.)?", before) and "/" in path:
            section, rest = path.split("/", 1)
            candidate = re.split("[?#]", rest.split("/", 1)[0], maxsplit=1)[0]
            if candidate:
                slug = candidate
                flags |= urls.LINKED
                if section in ("company", "company-beta"):
                    flags |= urls.COMPANY
                    if found is None:
                        found = _org_id(slug)
                if not slug.isascii():
                    flags |= urls.SLUG_NON_ASCII
                elif re.fullmatch(r"[A-Za-z0-9%._~'&+-]+", slug):
                    flags |= urls.SLUG_OK
    if found is not None:
        flags |= urls.HAS_ID
    return flags, slug, found


# -- table-driven cases -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "value, host, flags, sent",  # sent: what check_email_domains sends (a valid domain, in punycode)
    [
        ("acme.com", "acme.com", 0, "acme.com"),
        ("https://www.acme.com:443/about?x", "acme.com", urls.HAD_PATH, "acme.com"),
        ("http://acme.com/", "acme.com", 0, "acme.com"),  # a bare slash is not a path
        ("acme.com?ref=1", "acme.com", urls.HAD_PATH, "acme.com"),
        ("acme.com#", "acme.com", 0, "acme.com"),
        ("info@acme.com", "acme.com", urls.AT_SIGN, "acme.com"),
        ("https://user@acme.com", "acme.com", 0, "acme.com"),  # user info, not an address
        ("www2.acme.co.uk.", "acme.co.uk", 0, "acme.co.uk"),
        ("www.", "www", 0, None),
        ("//acme.com", "acme.com", 0, "acme.com"),
        ("acme.com:8080", "acme.com", 0, "acme.com"),  # a port of digits, no scheme
        ("http://acme.com:/", "acme.com", 0, "acme.com"),
        ("http://acme.com:80?x", "acme.com", urls.HAD_PATH, "acme.com"),  # a query after the port
        ("http://acme.com:8o/x", "acme.com", urls.HAD_PATH, "acme.com"),  # not digits: cut at the colon all the same
        ("acme.com:80//beta.io/x", "beta.io", urls.HAD_PATH, "beta.io"),  # the first // ends the scheme
        ("müller.de/team", "müller.de", urls.NON_ASCII | urls.HAD_PATH, "xn--mller-kva.de"),
        ("xn--mller-kva.de", "xn--mller-kva.de", 0, "xn--mller-kva.de"),
        ("a.b", "a.b", 0, None),  # a one-letter top-level domain
        ("-acme.com", "-acme.com", 0, None),
        ("acme-.com", "acme-.com", 0, None),
        ("acme..com", "acme..com", 0, None),
        ("192.168.0.1", "192.168.0.1", 0, None),
        ("a" * 63 + ".com", "a" * 63 + ".com", 0, "a" * 63 + ".com"),
        ("a" * 64 + ".com", "a" * 64 + ".com", 0, None),
        (".".join(["a" * 50] * 4) + ".com", ".".join(["a" * 50] * 4) + ".com", 0, ".".join(["a" * 50] * 4) + ".com"),
        (".".join(["a" * 50] * 5) + ".com", ".".join(["a" * 50] * 5) + ".com", 0, None),  # 258 > 253 characters
        ("gmail.com", "gmail.com", 0, None),  # free mail
        ("@", None, urls.AT_SIGN, None),
        ("", None, 0, None),
    ],
)
def test_hosts(value, host, flags, sent):
    found = urls.hosts(pa.array([value]))
    assert found.host.to_pylist() == [host]
    assert int(found.flags[0]) == flags
    assert host_rule(value) == (host, flags)
    assert check_email_domains([value]).value.to_pylist() == [sent]
    assert email_domain_rule(value) == sent


@pytest.mark.parametrize(
    "value, flags, slug, org",
    [
        ("https://www.linkedin.com/company/acme/", urls.LINKED | urls.COMPANY | urls.SLUG_OK, "acme", None),
        ("linkedin.com/company/00123?trk=x", urls.LINKED | urls.COMPANY | urls.SLUG_OK | urls.HAS_ID, "00123", "123"),
        ("de.linkedin.com/company-beta/acme#about", urls.LINKED | urls.COMPANY | urls.SLUG_OK, "acme", None),
        ("linkedin.com/showcase/acme-cloud", urls.LINKED | urls.SLUG_OK, "acme-cloud", None),
        ("linkedin.com/school/123", urls.LINKED | urls.SLUG_OK, "123", None),  # a school's number is no employer's id
        ("linkedin.com/company/société", urls.LINKED | urls.COMPANY | urls.SLUG_NON_ASCII, "société", None),
        ("linkedin.com/company/a b", urls.LINKED | urls.COMPANY, "a b", None),
        ("linkedin.com/company/", 0, None, None),
        ("linkedin.com/company", 0, None, None),
        ("ftp://linkedin.com/company/acme", 0, None, None),
        ("evil.com.linkedin.com/company/acme", 0, None, None),  # one label before linkedin.com, no more
        ("12345", urls.HAS_ID, None, "12345"),
        ("urn:li:organization:0042", urls.HAS_ID, None, "42"),
        ("urn:li:company:7", urls.HAS_ID, None, "7"),
        ("000", 0, None, None),
        ("1" * 20, 0, None, None),
        ("", 0, None, None),
    ],
)
def test_pages(value, flags, slug, org):
    found = urls.pages(pa.array([value]))
    assert int(found.flags[0]) == flags
    linked = np.array([0 if found.has(urls.LINKED)[0] else -1])  # 0: the slug
    assert found.texts(linked).to_pylist() == [slug]
    assert found.texts(np.where(found.has(urls.HAS_ID), 1, -1), "urn:li:organization:").to_pylist() == [
        None if org is None else "urn:li:organization:" + org
    ]
    assert page_rule(value) == (flags, slug, org)


# -- many values at once: nulls, slices, and random mixtures of the parts that matter -------------------
_PARTS = ["a", "b", "z", "0", "1", "9", ".", "-", "/", ":", "@", "?", "#", " ", "www.", "www2.", "http://",
          "https://", "//", "linkedin.com/", "company/", "company-beta/", "school/", "urn:li:organization:",
          "urn:li:company:", "com", "xn--", "é", "ü", "%", "_", "~", "'", "&", "+", ":8080", "..", "12345"]


def _random_values(count: int, seed: int) -> list[str | None]:
    rng = random.Random(seed)
    values: list[str | None] = ["".join(rng.choice(_PARTS) for _ in range(rng.randint(0, 10))) for _ in range(count)]
    for i in range(0, count, 97):
        values[i] = None
    return values


def test_hosts_follow_the_rules_on_random_values():
    values = _random_values(20_000, seed=5)
    found = urls.hosts(pa.array(values, pa.string()))
    expected = [host_rule(v) if v is not None else (None, 0) for v in values]
    assert found.host.to_pylist() == [h for h, _ in expected]
    assert found.flags.tolist() == [f for _, f in expected]


def test_email_domains_follow_the_rules_on_random_values():
    values = _random_values(20_000, seed=7)
    sent = check_email_domains(pa.array(values, pa.string())).value.to_pylist()
    assert sent == [email_domain_rule(v.strip()) if v is not None and v.strip() else None for v in values]


def test_pages_follow_the_rules_on_random_values():
    values = _random_values(20_000, seed=6)
    found = urls.pages(pa.array(values, pa.string()))
    expected = [page_rule(v) if v is not None else (0, None, None) for v in values]
    assert found.flags.tolist() == [f for f, _, _ in expected]
    slugs = found.texts(np.where(found.has(urls.LINKED), 0, -1)).to_pylist()
    assert slugs == [s for _, s, _ in expected]
    ids = found.texts(np.where(found.has(urls.HAS_ID), 1, -1)).to_pylist()
    assert ids == [o for _, _, o in expected]


def test_a_slice_an_empty_column_and_a_column_of_nulls():
    column = pa.array(["x", "https://acme.com/a", None, "www.beta.io"])
    assert urls.hosts(column.slice(1, 3)).host.to_pylist() == ["acme.com", None, "beta.io"]
    assert urls.hosts(pa.array([], pa.string())).host.to_pylist() == []
    assert urls.hosts(pa.nulls(3, pa.string())).host.to_pylist() == [None, None, None]
    assert urls.pages(pa.array(["", ""])).flags.tolist() == [0, 0]


def test_a_rare_and_a_common_pattern_are_found_alike():
    """``substrings.Column.find`` looks a pattern rarer than the spans up with numpy, a common one with
    pyarrow's find_substring: the same byte positions either way."""
    values = ["a/b@c", "//x", None, "@", "xé/b", "a:b/c", "", "b/c/b/c"] * 3
    column = substrings.Column(pa.array(values))
    rows = np.flatnonzero(column.valid)
    lo, hi = column.offsets[:-1][rows], column.offsets[1:][rows]
    for pattern in ["/", "@", "//", ":", "b/c", "z", "é"]:
        expected = [lo[i] + v.encode().find(pattern.encode()) if pattern.encode() in v.encode() else -1
                    for i, v in enumerate(v for v in values if v is not None)]
        assert column.find(lo, hi, pattern).tolist() == expected, pattern  # all rows: @ : z é are rare
        assert column.find(lo[:2], hi[:2], pattern).tolist() == expected[:2], pattern  # two: none is
        later = np.minimum(lo + 1, hi)  # spans that start a byte later
        assert column.find(later, hi, pattern).tolist() == [
            later[i] + v.encode()[1:].find(pattern.encode()) if pattern.encode() in v.encode()[1:] else -1
            for i, v in enumerate(v for v in values if v is not None)
        ], pattern


def test_only_string_columns():
    with pytest.raises(TypeError, match="string array"):
        urls.hosts(pa.array([1, 2]))


def test_checking_company_urls_imports_no_compiler():
    """numba and llvmlite left the project (~210 MB installed, compiling on first use): checking
    every company URL column must not bring them back."""
    code = (
        "import sys\n"
        "from linkedin.tables import identifiers as ids\n"
        "ids.check_websites(['https://acme.com']); ids.check_email_domains(['@acme.com'])\n"
        "ids.check_page_urls(['linkedin.com/company/1']); ids.check_organizations(['urn:li:company:1'])\n"
        "assert not {'numba', 'llvmlite'} & set(sys.modules), 'a compiler was imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).resolve().parents[3])


def test_large_string_columns_give_the_same_answers():
    values = ["https://www.acme.com/x", None, "linkedin.com/company/00042", "müller.de"]
    small, large = pa.array(values, pa.string()), pa.array(values, pa.large_string())
    assert urls.hosts(large).host.to_pylist() == urls.hosts(small).host.to_pylist()
    assert urls.hosts(large).flags.tolist() == urls.hosts(small).flags.tolist()
    key = np.array([-1, -1, 1, -1])
    assert urls.pages(large).texts(key, "urn:li:organization:").to_pylist() == [None, None, "urn:li:organization:42", None]
