"""URLs: the host of every URL, domain or address in a column, and the slug and organization
id of every LinkedIn company page URL or organization URN, found in one compiled pass over the
column's bytes.

Why compiled: done with pyarrow kernels the same cuts took about 25 passes over a column
(split, match, patch, take...), 0.85 s of CPU for a million companies' websites, email
domains and page URLs: more than everything else a company upload's preparation does. Numba
compiles the loops below to machine code (cached on disk after the first run) that visits
each byte a few times at most and releases the GIL, so the columns are still checked side
by side on threads. ``bench/README.md`` records what it saved.

The functions read the UTF-8 bytes of values that are already trimmed and lower-cased.
Every cut is made at an ASCII byte (``/ ? # @ : .``), so a cut never splits a character.
What is not ASCII (an internationalized host, a Unicode slug) is flagged for the caller to
finish in Python. The rules are ``companykeys``' (its docstring says why each one exists);
``tests/unit/test_urls.py`` checks them against a plain Python statement of the same rules.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
from numba import njit

from linkedin.tables import spans

# flags of ``hosts``
HAD_PATH = 1  # something follows the host after a / ? or # (a page, not a site)
AT_SIGN = 2  # an @ without a scheme: an email address, not a URL
NON_ASCII = 4  # the host is not ASCII: IDNA must encode it before it can be checked
DOMAIN_OK = 8  # an ASCII host that is a valid domain name (``companykeys.DOMAIN_PATTERN``, <= 253)
# flags of ``pages``
LINKED = 1  # linkedin.com/<section>/<slug> with a plausible host before it
COMPANY = 2  # ... and the section is company (or company-beta): a company page
SLUG_OK = 4  # an ASCII slug of the characters a page name holds
SLUG_NON_ASCII = 8  # a slug with non-ASCII characters: the caller checks it with a Unicode regex
HAS_ID = 16  # an organization id: the whole value, a URN's last part, or a company page's numeric slug

_SLASH, _QUERY, _HASH, _AT, _COLON, _DOT, _DASH = 47, 63, 35, 64, 58, 46, 45
_LINKEDIN = np.frombuffer(b"linkedin.com/", dtype=np.uint8)


@dataclass(frozen=True)
class Hosts:
    """``hosts``' answer: the host of each value (null where the value is null or has none)
    and per-value flags (``HAD_PATH``, ``AT_SIGN``, ``NON_ASCII``, ``DOMAIN_OK``)."""

    host: pa.Array
    flags: np.ndarray

    def has(self, flag: int) -> np.ndarray:
        return (self.flags & flag) != 0


@dataclass(frozen=True)
class Pages:
    """``pages``' answer: per-value flags (``LINKED``, ``COMPANY``, ``SLUG_OK``, ``SLUG_NON_ASCII``,
    ``HAS_ID``) and where the slug and the organization id (leading zeros dropped) lie."""

    flags: np.ndarray
    cuts: np.ndarray  # (4, n): slug start and end, id start and end, in ``data``
    data: np.ndarray

    def has(self, flag: int) -> np.ndarray:
        return (self.flags & flag) != 0

    def texts(self, key: np.ndarray, prefix: str = "") -> pa.Array:
        """``prefix`` + the organization id where ``key`` is 1 (rows with ``HAS_ID``), + the slug where
        it is 0 (rows with ``LINKED``), null where it is -1."""
        starts = np.where(key == 1, self.cuts[2], self.cuts[0])
        ends = np.where(key == 1, self.cuts[3], self.cuts[1])
        return spans.gather(self.data, starts, ends, key >= 0, prefix)


def hosts(values: pa.Array) -> Hosts:
    """The bare host of every trimmed, lower-cased value: scheme (whatever precedes the first
    ``//``), path, query, fragment, user info (up to the first ``@``), port, trailing dots and a
    leading ``www.`` or ``www2.`` dropped. An empty host is null."""
    data, offsets, valid = spans.buffers(values)
    n = len(values)
    starts = np.zeros(n, dtype=offsets.dtype)  # int32 for a string array: half the memory
    ends = np.zeros(n, dtype=offsets.dtype)
    flags = np.zeros(n, dtype=np.uint8)
    _host_spans(data, offsets, valid, starts, ends, flags)
    return Hosts(spans.gather(data, starts, ends, valid & (ends > starts)), flags)


def pages(values: pa.Array) -> Pages:
    """LinkedIn page URLs (``[https://][sub.]linkedin.com/<section>/<slug>[/...][?...][#...]``)
    and organization ids (``12345``, ``urn:li:organization:12345``, ``urn:li:company:12345``,
    a company page whose slug is a number) among trimmed, lower-cased values."""
    data, offsets, valid = spans.buffers(values)
    n = len(values)
    cuts = np.zeros((4, n), dtype=offsets.dtype)
    flags = np.zeros(n, dtype=np.uint8)
    _page_spans(data, offsets, valid, _LINKEDIN, cuts, flags)
    return Pages(flags, cuts, data)


# -- the compiled loops ----------------------------------------------------------------------------
@njit(nogil=True, cache=True)
def _find(data, lo, hi, byte):  # pragma: no cover - compiled
    for i in range(lo, hi):
        if data[i] == byte:
            return i
    return -1


@njit(nogil=True, cache=True)
def _is_alnum(c):  # pragma: no cover - compiled
    return (97 <= c <= 122) or (48 <= c <= 57)


@njit(nogil=True, cache=True)
def _domain_ok(data, s, e):  # pragma: no cover - compiled
    """``^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\\.)+(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$``, at most 253."""
    if e - s > 253:
        return False
    last_dot = -1
    for i in range(e - 1, s - 1, -1):
        if data[i] == _DOT:
            last_dot = i
            break
    if last_dot < 0:
        return False  # one label: no dot
    label = s
    for i in range(s, last_dot + 1):  # every label before the top-level one
        c = data[i]
        if c == _DOT:
            size = i - label
            if size < 1 or size > 63 or data[label] == _DASH or data[i - 1] == _DASH:
                return False
            label = i + 1
        elif not (_is_alnum(c) or c == _DASH):
            return False
    t = last_dot + 1
    size = e - t
    letters = 2 <= size <= 63
    for i in range(t, e):
        if not (97 <= data[i] <= 122):
            letters = False
            break
    if letters:
        return True
    if size < 5 or size > 63 or not (data[t] == 120 and data[t + 1] == 110 and data[t + 2] == _DASH
                                     and data[t + 3] == _DASH):
        return False
    for i in range(t + 4, e):
        if not (_is_alnum(data[i]) or data[i] == _DASH):
            return False
    return True


@njit(nogil=True, cache=True)
def _host_spans(data, offsets, valid, starts, ends, flags):  # pragma: no cover - compiled
    """``hosts``' loop: where each value's host starts and ends, and its flags."""
    for r in range(len(starts)):
        if not valid[r]:
            continue
        lo = offsets[r]
        hi = offsets[r + 1]
        f = 0
        clean = True  # only what a bare domain holds: nothing to cut but dots and www.
        has_at = False
        has_scheme = False
        double_slash = -1
        for i in range(lo, hi):
            c = data[i]
            if _is_alnum(c) or c == _DOT or c == _DASH:
                continue
            clean = False
            if c == _AT:
                has_at = True
            elif c == _SLASH and double_slash < 0 and i + 1 < hi and data[i + 1] == _SLASH:
                double_slash = i
            elif c == _COLON and i + 2 < hi and data[i + 1] == _SLASH and data[i + 2] == _SLASH:
                has_scheme = True
        s = lo
        e = hi
        if not clean:
            s, e, f = _messy_host(data, lo, hi, has_at, has_scheme, double_slash)
        while e > s and data[e - 1] == _DOT:
            e -= 1
        if e - s >= 4 and data[s] == 119 and data[s + 1] == 119 and data[s + 2] == 119 and data[s + 3] == _DOT:
            s += 4
        if e - s >= 5 and data[s] == 119 and data[s + 1] == 119 and data[s + 2] == 119:  # www2.
            j = s + 3
            while j < e and 48 <= data[j] <= 57:
                j += 1
            if j > s + 3 and j < e and data[j] == _DOT:
                s = j + 1
        ascii_only = True
        if not clean:
            for i in range(s, e):
                if data[i] >= 0x80:
                    ascii_only = False
                    break
        if not ascii_only:
            f |= NON_ASCII
        elif _domain_ok(data, s, e):
            f |= DOMAIN_OK
        starts[r] = s
        ends[r] = e
        flags[r] = f


@njit(nogil=True, cache=True)
def _messy_host(data, lo, hi, has_at, has_scheme, double_slash):  # pragma: no cover - compiled
    """(start, end, flags) of the host in a value that holds more than a bare domain can."""
    f = 0
    if has_at and not has_scheme:
        f |= AT_SIGN
    s = lo if double_slash < 0 else double_slash + 2  # scheme dropped
    e = hi
    slash = _find(data, s, e, _SLASH)
    if slash >= 0:  # a path: had one when anything but / ? # follows
        for i in range(slash + 1, hi):
            c = data[i]
            if c != _SLASH and c != _QUERY and c != _HASH:
                f |= HAD_PATH
                break
        e = slash
    query = -1
    for i in range(s, e):
        if data[i] == _QUERY or data[i] == _HASH:
            query = i
            break
    if query >= 0:  # a query or fragment with no path before it
        for i in range(query, e - 1):
            if (data[i] == _QUERY or data[i] == _HASH) and data[i + 1] != _QUERY and data[i + 1] != _HASH:
                f |= HAD_PATH
                break
        e = query
    at = _find(data, s, e, _AT)
    if at >= 0:  # user info
        s = at + 1
    colon = _find(data, s, e, _COLON)
    if colon >= 0:  # port
        e = colon
    return s, e, f


@njit(nogil=True, cache=True)
def _slug_char(c):  # pragma: no cover - compiled
    # [a-z0-9%._~'&+-] (and A-Z: the Unicode class \p{L} holds them, though values come lower-cased)
    return (_is_alnum(c) or 65 <= c <= 90 or c == 37 or c == _DOT or c == 95 or c == 126 or c == 39
            or c == 38 or c == 43 or c == _DASH)


@njit(nogil=True, cache=True)
def _digits(data, s, e):  # pragma: no cover - compiled
    """Start of the organization id in ``data[s:e]`` (leading zeros skipped), or -1 unless it is
    1 to 19 ASCII digits and not all zeros."""
    if e - s < 1 or e - s > 19:
        return -1
    first = -1
    for i in range(s, e):
        c = data[i]
        if c < 48 or c > 57:
            return -1
        if first < 0 and c != 48:
            first = i
    return first


@njit(nogil=True, cache=True)
def _starts_with(data, s, e, text):  # pragma: no cover - compiled
    if e - s < len(text):
        return False
    for k in range(len(text)):
        if data[s + k] != text[k]:
            return False
    return True


_URN_ORGANIZATION = np.frombuffer(b"urn:li:organization:", dtype=np.uint8)
_URN_COMPANY = np.frombuffer(b"urn:li:company:", dtype=np.uint8)
_HTTPS = np.frombuffer(b"https://", dtype=np.uint8)
_HTTP = np.frombuffer(b"http://", dtype=np.uint8)
_SECTION_COMPANY = np.frombuffer(b"company", dtype=np.uint8)
_SECTION_COMPANY_BETA = np.frombuffer(b"company-beta", dtype=np.uint8)


@njit(nogil=True, cache=True)
def _page_spans(data, offsets, valid, needle, cuts, flags):  # pragma: no cover - compiled
    """``pages``' loop: each value's flags, and where its slug and organization id lie."""
    m = len(needle)
    for r in range(len(flags)):
        if not valid[r]:
            continue
        lo = offsets[r]
        hi = offsets[r + 1]
        # an organization id: the whole value, or the last part of a URN
        first = _digits(data, lo, hi)
        if first < 0 and (_starts_with(data, lo, hi, _URN_ORGANIZATION) or _starts_with(data, lo, hi, _URN_COMPANY)):
            last = lo
            for i in range(lo, hi):
                if data[i] == _COLON:
                    last = i + 1
            first = _digits(data, last, hi)
        f = 0
        if first >= 0:
            f |= HAS_ID
            cuts[2, r] = first
            cuts[3, r] = hi
        # linkedin.com/<section>/<slug>
        p = -1
        for i in range(lo, hi - m + 1):
            k = 0
            while k < m and data[i + k] == needle[k]:
                k += 1
            if k == m:
                p = i
                break
        flags[r] = f
        if p < 0:
            continue
        t = lo  # what precedes it: ^(?:https?://)?(?:[a-z0-9-]+\.)?$
        if _starts_with(data, t, p, _HTTPS):
            t += 8
        elif _starts_with(data, t, p, _HTTP):
            t += 7
        if t < p:
            if data[p - 1] != _DOT or p - 1 == t:
                continue
            good_host = True
            for i in range(t, p - 1):
                if not (_is_alnum(data[i]) or data[i] == _DASH):
                    good_host = False
                    break
            if not good_host:
                continue
        path = p + m
        slash = _find(data, path, hi, _SLASH)
        if slash < 0:
            continue
        s = slash + 1
        e = hi
        end = _find(data, s, e, _SLASH)
        if end >= 0:
            e = end
        for i in range(s, e):
            if data[i] == _QUERY or data[i] == _HASH:
                e = i
                break
        if e <= s:
            continue
        f |= LINKED
        section = slash - path
        if (section == 7 and _starts_with(data, path, slash, _SECTION_COMPANY)) or \
                (section == 12 and _starts_with(data, path, slash, _SECTION_COMPANY_BETA)):
            f |= COMPANY
        ok = True
        for i in range(s, e):
            c = data[i]
            if c >= 0x80:
                f |= SLUG_NON_ASCII
                ok = False
            elif not _slug_char(c):
                ok = False
        if ok:
            f |= SLUG_OK
        cuts[0, r] = s
        cuts[1, r] = e
        if first < 0 and f & COMPANY:  # a company page's numeric slug
            first = _digits(data, s, e)
            if first >= 0:
                f |= HAS_ID
                cuts[2, r] = first
                cuts[3, r] = e
        flags[r] = f
