"""URLs: the host of every URL, domain or address in a column, and the slug and organization
id of every LinkedIn company page URL or organization URN, cut out of whole columns at once.

How: every value starts as a span of the column's bytes (``substrings``). Each rule moves the spans'
ends for all rows together with numpy, where pyarrow's string kernels (``find_substring``,
``ascii_ltrim``, ``starts_with``...) say where a ``/``, ``?``, ``@`` or ``:`` is, and looks only at
the rows it concerns: a bare domain (``acme.com``) skips the URL cuts, and a URL whose host is a
bare domain followed by a ``/`` or nothing (``https://www.acme.com/about``) skips the search for a
query, user info and port. The host, slug or id is copied out once, at the end
(``substrings.Column.gather``).

Why this way: it is the fastest we found with pyarrow and numpy alone. On the benchmark's million
companies (``bench/make_data.py companies``; the whole checkers, best of 5 in a running process,
2 cores) ``check_websites`` takes 0.24 s, ``check_email_domains`` 0.07 s and ``check_page_urls``
0.13 s. The same rules as ~25 pyarrow passes of splits and masked replaces each (before commit
a4bac5e) took 0.41, 0.10 and 0.33 s, and regex captures (``extract_regex``) 0.42 s for the host
alone. A loop compiled by a JIT took 0.16, 0.07 and 0.10 s, but its compiler weighed ~210 MB
installed, compiled on first use and held back new Python versions.

The functions take values that are already trimmed and lower-cased. Every cut is made at an
ASCII byte (``/ ? # @ : .``), so a cut never splits a character. What is not ASCII (an
internationalized host, a Unicode slug) is flagged for the caller to finish in Python. The
rules are ``companykeys``' (its docstring says why each one exists; it also judges whether a
host is a valid domain); ``tests/unit/tables/test_urls.py`` checks them against a plain Python
statement of the same rules.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from linkedin.tables import substrings

_DOMAIN_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789.-"  # all a lower-cased bare domain holds
_LABEL_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789-"  # of the one label allowed before linkedin.com/
_SLUG_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789%._~'&+-"  # companykeys' _SLUG, ASCII
_COMPANY_SECTIONS = pa.array(["company", "company-beta"])
_LINKEDIN = "linkedin.com/"

# flags of ``hosts``
HAD_PATH = 1  # something follows the host after a / ? or # (a page, not a site)
AT_SIGN = 2  # an @ without a scheme: an email address, not a URL
NON_ASCII = 4  # the host is not ASCII: IDNA must encode it before it can be checked
# flags of ``pages``
LINKED = 1  # linkedin.com/<section>/<slug> with a plausible host before it
COMPANY = 2  # ... and the section is company (or company-beta): a company page
SLUG_OK = 4  # an ASCII slug of the characters a page name holds
SLUG_NON_ASCII = 8  # a slug with non-ASCII characters: the caller checks it with a Unicode regex
HAS_ID = 16  # an organization id: the whole value, a URN's last part, or a company page's numeric slug


@dataclass(frozen=True)
class Hosts:
    """``hosts``' answer: the host of each value (null where the value is null or has none)
    and per-value flags (``HAD_PATH``, ``AT_SIGN``, ``NON_ASCII``)."""

    host: pa.Array
    flags: np.ndarray

    def has(self, flag: int) -> np.ndarray:
        return (self.flags & flag) != 0


@dataclass(frozen=True)
class Pages:
    """``pages``' answer: per-value flags (``LINKED``, ``COMPANY``, ``SLUG_OK``, ``SLUG_NON_ASCII``,
    ``HAS_ID``) and where the slug and the organization id (leading zeros dropped) lie."""

    flags: np.ndarray
    cuts: np.ndarray  # (4, n): slug start and end, id start and end, in ``column``'s bytes
    column: substrings.Column

    def has(self, flag: int) -> np.ndarray:
        return (self.flags & flag) != 0

    def texts(self, key: np.ndarray, prefix: str = "") -> pa.Array:
        """``prefix`` + the organization id where ``key`` is 1 (rows with ``HAS_ID``), + the slug where
        it is 0 (rows with ``LINKED``), null where it is -1."""
        starts = np.where(key == 1, self.cuts[2], self.cuts[0])
        ends = np.where(key == 1, self.cuts[3], self.cuts[1])
        return self.column.gather(starts, ends, key >= 0, prefix)


def hosts(values: pa.Array) -> Hosts:
    """The bare host of every trimmed, lower-cased value: scheme (whatever precedes the first
    ``//``), path, query, fragment, user info (up to the first ``@``), port, trailing dots and a
    leading ``www.`` or ``www2.`` dropped. An empty host is null."""
    column = substrings.Column(values)
    starts, ends = column.offsets[:-1].copy(), column.offsets[1:].copy()
    flags = np.zeros(len(values), dtype=np.uint8)
    rows = np.flatnonzero(column.valid)
    bare_end = column.past(starts[rows], ends[rows], _DOMAIN_CHARS)  # the first byte no bare domain holds
    is_url = bare_end < ends[rows]  # the others (acme.com) have nothing to cut but dots and www.
    url, bare_end = rows[is_url], bare_end[is_url]
    if len(url):
        starts[url], ends[url], flags[url] = _url_hosts(column, starts[url], ends[url], bare_end)
    ends = _without_trailing_dots(column, starts, ends)
    starts = _without_www(column, starts, ends)
    if len(url) and not column.ascii_only():  # only a URL's host can hold more than a-z 0-9 . -
        flags[url[~column.apply(starts[url], ends[url], pc.string_is_ascii)]] |= NON_ASCII
    return Hosts(column.gather(starts, ends, column.valid & (ends > starts)), flags)


def pages(values: pa.Array) -> Pages:
    """LinkedIn page URLs (``[https://][sub.]linkedin.com/<section>/<slug>[/...][?...][#...]``)
    and organization ids (``12345``, ``urn:li:organization:12345``, ``urn:li:company:12345``,
    a company page whose slug is a number) among trimmed, lower-cased values."""
    column = substrings.Column(values)
    flags = np.zeros(len(values), dtype=np.uint8)
    cuts = np.zeros((4, len(values)), dtype=column.offsets.dtype)  # int32 for a string array: half the memory
    rows = np.flatnonzero(column.valid)
    lo, hi = column.offsets[:-1][rows], column.offsets[1:][rows]

    first = _organization_ids(column, lo, hi)
    has_id = first >= 0
    flags[rows[has_id]] = HAS_ID
    cuts[2, rows[has_id]], cuts[3, rows[has_id]] = first[has_id], hi[has_id]

    linked, section, section_end, start, end, page_name = _slugs(column, lo, hi)
    page = np.full(len(linked), LINKED, dtype=np.uint8)
    page[column.apply(section, section_end, _company_section)] |= COMPANY
    page[page_name] |= SLUG_OK
    odd = np.flatnonzero(~page_name)
    if len(odd) and not column.ascii_only():
        page[odd[~column.apply(start[odd], end[odd], pc.string_is_ascii)]] |= SLUG_NON_ASCII
    where = rows[linked]
    flags[where] |= page
    cuts[0, where], cuts[1, where] = start, end

    numeric = np.flatnonzero(((page & COMPANY) != 0) & ~has_id[linked])  # a company page's numeric slug
    first = _organization_id(column, start[numeric], end[numeric])
    numbered = first >= 0
    flags[where[numeric][numbered]] |= HAS_ID
    cuts[2, where[numeric][numbered]], cuts[3, where[numeric][numbered]] = first[numbered], end[numeric][numbered]
    return Pages(flags, cuts, column)


# -- the cuts --------------------------------------------------------------------------------------
def _url_hosts(column: substrings.Column, lo: np.ndarray, hi: np.ndarray, bare_end: np.ndarray
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(start, end, flags) of the host in values ``[lo, hi)`` that hold more than a bare domain can
    (``bare_end``: where each one's leading run of domain characters ends): scheme, path, query or
    fragment, user info and port cut off, in that order.

    Most URLs are a scheme, a bare domain, maybe a port, then a path or nothing
    (``https://www.acme.com:443/about``), so the cuts start from ``bare_end``: no ``/`` comes before
    it, hence the scheme's ``//`` starts there (``//acme.com``) or one byte later (``https://``);
    past the scheme, the host ends at the next byte no domain holds when that is a ``/``, the end,
    or a ``:`` and digits up to a ``/`` or the end. Only the other values are searched further for a
    query, user info or port (none of the benchmark's websites)."""
    flags = np.zeros(len(lo), dtype=np.uint8)
    at_sign = np.flatnonzero(column.find(lo, hi, "@") >= 0)
    flags[at_sign[column.find(lo[at_sign], hi[at_sign], "://") < 0]] |= AT_SIGN

    scheme = np.where(_starting_with(column, bare_end, hi, "//"), bare_end,
                      np.where(_starting_with(column, bare_end, hi, "://"), bare_end + 1, -1))
    later = np.flatnonzero(scheme < 0)  # a // further on, if any (acme.com/a//b)
    scheme[later] = column.find(bare_end[later], hi[later], "//")
    start = np.where(scheme >= 0, scheme + 2, lo)
    host_end = bare_end.copy()
    past_scheme = np.flatnonzero(scheme >= 0)
    host_end[past_scheme] = column.past(start[past_scheme], hi[past_scheme], _DOMAIN_CHARS)

    after = host_end.copy()  # past a port of digits (acme.com:8080), if any
    colon = np.flatnonzero(_starting_with(column, host_end, hi, ":"))
    after[colon] = column.past(host_end[colon] + 1, hi[colon], "0123456789")
    plain = (after == hi) | _starting_with(column, after, hi, "/")
    slash = np.where(plain & (after < hi), after, -1)
    odd = np.flatnonzero(~plain)  # a host part with more than a domain and a port: a query, user info...
    slash[odd] = column.find(start[odd], hi[odd], "/")
    path = np.flatnonzero(slash >= 0)  # a path: had one when anything but / ? # follows
    flags[path[~column.only(slash[path] + 1, hi[path], "/?#")]] |= HAD_PATH
    end = np.where(plain, host_end, np.where(slash >= 0, slash, hi))

    s, e = start[odd], end[odd]
    query = column.find_any(s, e, "?#")
    queried = np.flatnonzero(query >= 0)  # a query or fragment with no path before it
    flags[odd[queried[column.apply(query[queried], e[queried], _query_text)]]] |= HAD_PATH
    e[queried] = query[queried]
    user = column.find(s, e, "@")
    s = np.where(user >= 0, user + 1, s)
    port = column.find(s, e, ":")
    start[odd], end[odd] = s, np.where(port >= 0, port, e)
    return start, end, flags


def _slugs(column: substrings.Column, lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, ...]:
    """Of the values ``[lo, hi)`` that are ``linkedin.com/<section>/<slug>`` with at most a scheme and
    one label before it: (which they are, where their section starts and ends, where their slug starts
    and ends, whether the slug holds nothing but the characters of a page name). The slug ends at a
    ``/ ? #`` or the end, mostly right where those characters do; only the others are searched."""
    at = column.find(lo, hi, _LINKEDIN)
    found = np.flatnonzero(at >= 0)
    found = found[_plausible_host(column, lo[found], at[found])]
    hi = hi[found]
    section = at[found] + len(_LINKEDIN)
    section_end = column.find(section, hi, "/")
    has_slug = section_end >= 0
    found, hi, section, section_end = found[has_slug], hi[has_slug], section[has_slug], section_end[has_slug]
    start = section_end + 1
    end = column.past(start, hi, _SLUG_CHARS)
    page_name = (end == hi) | _starting_with(column, end, hi, "/") | _starting_with(column, end, hi, "?") \
        | _starting_with(column, end, hi, "#")
    odd = np.flatnonzero(~page_name)  # a character no page name holds: the slug ends further on
    odd_end = column.find_any(end[odd], hi[odd], "/?#")
    end[odd] = np.where(odd_end >= 0, odd_end, hi[odd])
    slug = end > start
    return found[slug], section[slug], section_end[slug], start[slug], end[slug], page_name[slug]


def _without_trailing_dots(column: substrings.Column, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """``ends`` moved back past trailing dots."""
    dotted = np.flatnonzero((ends > starts) & (column.data[np.maximum(ends - 1, 0)] == ord(".")))
    ends = ends.copy()
    if len(dotted):
        kept = column.apply(starts[dotted], ends[dotted], lambda v: pc.binary_length(pc.ascii_rtrim(v, ".")))
        ends[dotted] = starts[dotted] + kept
    return ends


def _without_www(column: substrings.Column, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """``starts`` moved past a leading ``www.``, then past a leading ``www`` + digits + ``.`` (``www2.``)."""
    www = np.flatnonzero(_starting_with(column, starts, ends, "www"))  # the rows either can start
    s, e = starts[www], ends[www]
    dot = np.flatnonzero(e - s >= 4)
    dot = dot[column.data[s[dot] + 3] == ord(".")]
    s[dot] += 4
    numbered = np.flatnonzero(_starting_with(column, s, e, "www"))
    if len(numbered):
        rest = column.apply(s[numbered], e[numbered],
                            lambda v: pc.binary_length(pc.replace_substring_regex(v, r"^www[0-9]+\.", "")))
        s[numbered] = e[numbered] - rest
    starts = starts.copy()
    starts[www] = s
    return starts


def _plausible_host(column: substrings.Column, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    r"""Whether each span (what precedes ``linkedin.com/``) is ``^(?:https?://)?(?:[a-z0-9-]+\.)?$``:
    nothing, a scheme, a label and a dot, or both."""
    https, http = _starting_with(column, starts, ends, "https://"), _starting_with(column, starts, ends, "http://")
    label = starts + np.where(https, 8, np.where(http, 7, 0)).astype(starts.dtype)
    ok = label == ends
    dotted = np.flatnonzero((ends - label >= 2) & (column.data[np.maximum(ends - 1, 0)] == ord(".")))
    ok[dotted] = column.only(label[dotted], ends[dotted] - 1, _LABEL_CHARS)
    return ok


def _organization_ids(column: substrings.Column, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Where the organization id starts in values ``[lo, hi)`` that are one (``00123``) or whose
    URN (``urn:li:organization:`` or ``urn:li:company:``) ends with one, -1 elsewhere."""
    first = _organization_id(column, lo, hi)
    urn = np.flatnonzero((first < 0) & (_starting_with(column, lo, hi, "urn:li:organization:")
                                        | _starting_with(column, lo, hi, "urn:li:company:")))
    if len(urn):
        last = column.apply(lo[urn], hi[urn], lambda v: pc.find_substring_regex(v, "[^:]*$"))  # past the last :
        first[urn] = _organization_id(column, lo[urn] + last, hi[urn])
    return first


def _organization_id(column: substrings.Column, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Where the organization id in each span starts (leading zeros skipped), -1 unless the span
    is 1 to 19 ASCII digits, not all zeros."""
    first = np.full(len(starts), -1, dtype=starts.dtype)
    size = ends - starts
    maybe = np.flatnonzero((size >= 1) & (size <= 19))
    maybe = maybe[column.apply(starts[maybe], ends[maybe], pc.ascii_is_decimal)]
    if len(maybe):
        digits = column.apply(starts[maybe], ends[maybe], lambda v: pc.binary_length(pc.ascii_ltrim(v, "0")))
        first[maybe] = np.where(digits > 0, ends[maybe] - digits, -1)
    return first


# -- small tests, on spans or on the bytes ------------------------------------------------------------
def _starting_with(column: substrings.Column, starts: np.ndarray, ends: np.ndarray, prefix: str) -> np.ndarray:
    """Which spans start with ``prefix`` (ASCII): numpy compares the first byte of every span,
    pyarrow's ``starts_with`` the rest on the spans that begin alike (a million websites,
    ``www``: 5 ms, where ``starts_with`` on every span costs 17)."""
    maybe = (ends - starts >= len(prefix)) & (column.data[np.minimum(starts, len(column.data) - 1)] == ord(prefix[0]))
    if len(prefix) == 1:
        return maybe
    maybe = np.flatnonzero(maybe)
    out = np.zeros(len(starts), dtype=bool)
    out[maybe] = column.apply(starts[maybe], ends[maybe], lambda v: pc.starts_with(v, prefix))
    return out


def _query_text(v: pa.Array) -> pa.Array:
    return pc.match_substring_regex(v, "[?#][^/?#]")


def _company_section(v: pa.Array) -> pa.Array:
    return pc.is_in(v, value_set=_COMPANY_SECTIONS)
