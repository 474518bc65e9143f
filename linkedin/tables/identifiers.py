"""Normalization, validation and hashing of every field LinkedIn matches on (linkedin-api.md §6, §7).

Every checker takes a whole column and returns a ``Checked``: the value to send (null where
the cell was empty or unusable) and the problems found, each with a reason and, where one
exists, a suggested fix. Columns are handled with pyarrow compute (C++ string kernels and
RE2 regexes), so a million cells cost milliseconds; only the few *distinct* bad values are
explained one at a time in Python. ``check(kind, value)`` runs the same column code on a
one-cell column, so a single value and a million are judged alike.

What each checker sends (and why):

- ``email``: whitespace removed, lower-cased, syntax checked (LinkedIn hashes trimmed,
  lower-case addresses). A cell that is already 64 or 128 hex digits is a SHA-256 / SHA-512
  hash and passes through lower-cased; ``derived`` says which (RAW, SHA256, SHA512).
- ``google_aid``: a UUID, sent in its canonical lower-case 8-4-4-4-12 form, hyphens kept: what
  Android reports, LinkedIn's own example shows and production integrations send (§6). Given
  with or without hyphens, in any case. The all-zero id (limited ad tracking) identifies nobody.
  Its ledger key stays the 32 digits (``GOOGLE_AID:<32 hex>``), so keys from before are kept.
- ``apple_idfa``: a UUID, sent upper case with hyphens, as in LinkedIn's only example.
- ``first_name``/``last_name`` (at most 35 characters), ``title``/``company`` (at most 50),
  ``text`` (no limit): surrounding whitespace trimmed (Unicode and zero-width spaces too);
  a value too long is refused, not cut, since a cut name would match someone else or no one.

The company keys (``website``, ``email_domain``, ``page_url``, ``organization``, ``ticker``)
are checked in ``companykeys``, mobile ad ids in ``adids``, countries in ``countries``, and the
column machinery they all share (``Checked``, ``strings``, ``keep``, ``trim``...) is in
``checks``; ``CHECKERS`` and ``check`` here cover every field.

Hashing: ``sha256_column`` hashes a whole column with DuckDB (``digests``: vectorized, all
cores); ``sha512_column`` / ``hex_digests`` with hashlib in a loop with nothing else in it
(SHA-512 is sent only on request), building the hex column from one buffer.
"""

from __future__ import annotations

import binascii
import hashlib
import re
from typing import Any, Callable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from linkedin.tables import digests
from linkedin.tables.adids import check_apple_idfas, check_google_aids

# What moved to checked, companykeys and countries is re-exported: old imports keep working.
from linkedin.tables.checks import (
    EMPTY_PROBLEMS,
    NULL_STRING,
    SPACES,
    Checked,
    Verdict,
    any_true,
    blank_to_null,
    checked_result,
    explain_each,
    filled_mask,
    keep,
    lower_case,
    patch_where,
    present_count,
    strings,
    trim,
    upper_case,
)
from linkedin.tables.companykeys import (
    DOMAIN_BODY,
    DOMAIN_PATTERN,
    FREE_MAIL_DOMAINS,
    FREE_MAIL_RX,
    ORGANIZATION_PREFIX,
    PAGE_URL_PREFIX,
    check_email_domains,
    check_organizations,
    check_page_urls,
    check_tickers,
    check_websites,
    free_mail,
    is_free_mail,
)
from linkedin.tables.countries import check_countries, countries
from linkedin.tables.lengths import EMAIL_CHARS, TEXT_CHARS, capped

FIRST_NAME_MAX = 35  # LinkedIn's limits for the plain fields (linkedin-api.md §6)
LAST_NAME_MAX = 35
TITLE_MAX = 50
COMPANY_MAX = 50

RAW, SHA256, SHA512 = 1, 2, 3  # Checked.derived of an email column: what the cell held

_SPACE_RX = "[" + "".join(f"\\x{{{ord(c):04x}}}" for c in SPACES) + "]"  # RE2 syntax
_SPACE_RE = re.compile("[" + re.escape(SPACES) + "]")

_LOCAL = r"[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
EMAIL_PATTERN = f"^{_LOCAL}@{DOMAIN_BODY}$"
# Compiled once: ``_explain_email`` runs once per distinct refused value (15,000 in a million-row
# file), where looking a pattern up in ``re``'s cache cost a fifth of its time.
_EMAIL_RE = re.compile(EMAIL_PATTERN)
_HEX_RE = re.compile(r"[0-9a-f]+")
_COMMA_RE = re.compile(r"[,;]")
_NOT_EMAIL_CHAR_RE = re.compile(r"[^a-z0-9!#$%&'*+/=?^_`{|}~.@-]")
_TYPO_DOMAINS = {
    "gmial.com": "gmail.com", "gmai.com": "gmail.com", "gamil.com": "gmail.com", "gnail.com": "gmail.com",
    "gmail.co": "gmail.com", "gmail.cm": "gmail.com", "gmal.com": "gmail.com", "gmail.con": "gmail.com",
    "hotmial.com": "hotmail.com", "hotmal.com": "hotmail.com", "hotmail.co": "hotmail.com",
    "yaho.com": "yahoo.com", "yahooo.com": "yahoo.com", "yahoo.co": "yahoo.com",
    "outlok.com": "outlook.com", "outllok.com": "outlook.com", "iclod.com": "icloud.com",
}


# -- hashing -------------------------------------------------------------------------------
def sha256_hex(value: str) -> str:
    """Lower-case hex SHA-256 of ``value`` as UTF-8 (normalize first: ``normalize_email``)."""
    return hashlib.sha256(value.encode()).hexdigest()


def sha512_hex(value: str) -> str:
    """Lower-case hex SHA-512 of ``value`` as UTF-8."""
    return hashlib.sha512(value.encode()).hexdigest()


def hex_digests(values: Any, algorithm: Callable = hashlib.sha256, where: np.ndarray | None = None) -> bytes:
    """The lower-case hex digests of the values (those where ``where`` holds), end to end in one buffer.

    The whole loop is C: ``map`` over the UTF-8 bytes pyarrow hands out, ``b"".join`` of the
    binary digests, one ``hexlify``; per value that is just hashlib's own work."""
    values = strings(values)
    binary = values.cast(pa.binary()).to_numpy(zero_copy_only=False)
    if where is not None:
        binary = binary[where]
    if len(binary) and (where is None and values.null_count):
        raise ValueError("cannot hash a column with empty cells; filter them out first")
    digest = type(algorithm()).digest
    return binascii.hexlify(b"".join(map(digest, map(algorithm, binary))))


def hex_strings(hexed: bytes, width: int) -> pa.Array:
    """Fixed-width hex digests in one buffer as a string array (no copy)."""
    n = len(hexed) // width
    offsets = np.arange(0, (n + 1) * width, width, dtype=np.int64 if n * width >= 2**31 else np.int32)
    kind = pa.LargeStringArray if offsets.dtype == np.int64 else pa.StringArray
    out = kind.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(hexed))
    return out.cast(pa.string()) if kind is pa.LargeStringArray else out


def sha256_column(values: Any) -> pa.Array:
    """Lower-case hex SHA-256 of every value of a column without empty cells, in order."""
    return hex_strings(digests.sha256_hexes(strings(values)).tobytes(), 64)


def sha512_column(values: Any) -> pa.Array:
    """Lower-case hex SHA-512 of every value of a column without empty cells, in order."""
    return hex_strings(hex_digests(values, hashlib.sha512), 128)


def hash_kind(value: str) -> int | None:
    """SHA256 or SHA512 when ``value`` already is such a hash (64 / 128 hex digits, any case), else None."""
    v = value.strip()
    if re.fullmatch(r"[0-9a-fA-F]{64}", v):
        return SHA256
    if re.fullmatch(r"[0-9a-fA-F]{128}", v):
        return SHA512
    return None


# -- emails ----------------------------------------------------------------------------------
def normalize_email(value: str) -> str:
    """What LinkedIn hashes: every whitespace character removed, lower-cased (no validation)."""
    return _SPACE_RE.sub("", value).lower()


@capped(EMAIL_CHARS, "email address or hash")
def check_emails(values: Any) -> Checked:
    """Email addresses (or SHA-256/SHA-512 hashes of them); ``derived`` says which each cell is.

    One regex over the lower-cased column settles the clean addresses; only the cells it
    refuses go through whitespace removal, hash detection and a second look."""
    raw = strings(values)
    s = lower_case(raw)
    length = pc.binary_length(s)
    # Up to 64 characters the regex says it all (the local part cannot pass 64, nor the whole 254).
    ok = filled_mask(pc.and_(pc.match_substring_regex(s, EMAIL_PATTERN), pc.less_equal(length, 64)))
    kinds = ok.to_numpy(zero_copy_only=False).astype(np.int8)  # RAW == 1
    value = keep(s, ok)
    given = int(pc.sum(ok).as_py() or 0)  # non-empty cells: the ones passed so far...
    problems = EMPTY_PROBLEMS.empty_table()
    rest = pc.and_(pc.invert(ok), pc.is_valid(s))
    if any_true(rest):
        sub = s.filter(rest)
        sub = patch_where(sub, pc.match_substring_regex(sub, _SPACE_RX), lambda x: pc.replace_substring_regex(x, _SPACE_RX, ""))
        sub = blank_to_null(sub)
        given += present_count(sub)  # ...and the others not blank once their spaces are gone
        n = pc.utf8_length(sub)
        hexy = pc.match_substring_regex(sub, "^[0-9a-f]+$")
        sub_email = pc.and_(
            pc.match_substring_regex(sub, EMAIL_PATTERN),
            pc.and_(pc.less_equal(n, 254), pc.less_equal(pc.find_substring(sub, "@"), 64)),
        )
        sub_kinds = np.zeros(len(sub), dtype=np.int8)
        for mask, code in ((sub_email, RAW), (pc.and_(hexy, pc.equal(n, 64)), SHA256), (pc.and_(hexy, pc.equal(n, 128)), SHA512)):
            sub_kinds[filled_mask(mask).to_numpy(zero_copy_only=False)] = code
        where = rest.to_numpy(zero_copy_only=False)
        kinds[where] = sub_kinds
        sub_ok = pa.array(sub_kinds > 0)
        value = pc.replace_with_mask(value, rest, keep(sub, sub_ok))
        # Every refused cell is among these few: explain them from ``sub`` (the normalized form),
        # without rebuilding the whole normalized column.
        sub_bad = pc.and_(pc.is_valid(sub), pc.invert(sub_ok))
        if any_true(sub_bad):
            at = pc.indices_nonzero(sub_bad)
            index = pc.take(pa.array(np.flatnonzero(where)), at)
            problem, fix = explain_each(pc.take(sub, at), _explain_email)
            problems = pa.table([index, pc.take(raw, index), problem, fix, pa.array(np.zeros(len(at), bool))],
                                schema=EMPTY_PROBLEMS)
    return Checked("email", value, given, problems, pa.array(kinds))


def email_domains(emails: Checked) -> pa.Array:
    """The domain of each valid raw address in a checked email column; null elsewhere (hashes too)."""
    raw = pc.equal(emails.derived, RAW)
    value = pc.if_else(raw, emails.value, NULL_STRING)
    return pc.list_element(pc.split_pattern(value, "@", max_splits=1), 1) if any_true(raw) else value


def free_mail_addresses(emails: Checked) -> pa.Array:
    """True where a checked address is at a free-mail provider (one regex, no domain extraction)."""
    return filled_mask(pc.match_substring_regex(emails.value, "@" + FREE_MAIL_RX))


def _explain_email(v: str) -> tuple[str, str | None]:
    if len(v) >= 32 and _HEX_RE.fullmatch(v):
        return f"looks like a hash but has {len(v)} hex digits (SHA-256 has 64, SHA-512 has 128)", None
    if not v.isascii():
        return "contains characters outside ASCII", None
    if v.count("@") == 0:
        labels = v.split(".")
        for cut in (2, 3):  # "john.gmail.com" -> "john@gmail.com"
            domain = ".".join(labels[-cut:])
            if len(labels) > cut and domain in FREE_MAIL_DOMAINS:
                return "missing @", ".".join(labels[:-cut]) + "@" + domain
        return "missing @", None
    if v.count("@") > 1:
        return "more than one @", None
    local, domain = v.split("@")
    if not local:
        return "nothing before the @", None
    if not domain:
        return "nothing after the @", None
    if _COMMA_RE.search(domain):
        fixed = local + "@" + _COMMA_RE.sub(".", domain)
        return "comma in the domain", fixed if _EMAIL_RE.fullmatch(fixed) else None
    if domain.endswith(".") and _EMAIL_RE.fullmatch(v.rstrip(".")):
        return "dot at the end", v.rstrip(".")
    if "." not in domain:
        brand = next((d for d in ("gmail.com", "hotmail.com", "yahoo.com", "outlook.com", "icloud.com") if d.split(".")[0] == domain), None)
        return f"domain '{domain}' has no dot", (f"{local}@{brand}" if brand else None)
    if ".." in v or local.startswith(".") or local.endswith(".") or domain.startswith("."):
        return "dots in the wrong place", None
    if len(v) > 254:
        return "longer than 254 characters", None
    if len(local) > 64:
        return "more than 64 characters before the @", None
    bad = _NOT_EMAIL_CHAR_RE.search(v)
    if bad:
        return f"contains '{bad.group()}', which an email address cannot", None
    if domain in _TYPO_DOMAINS:
        return f"domain '{domain}' looks mistyped", f"{local}@{_TYPO_DOMAINS[domain]}"
    return f"domain '{domain}' is not valid", None


# -- plain text ------------------------------------------------------------------------------
@capped(TEXT_CHARS, "name, title, company or place")
def check_texts(values: Any, *, limit: int | None = None, kind: str = "text") -> Checked:
    """Plain text (names, titles, cities...): trimmed, at most ``limit`` characters, and never an
    email address (a swapped column or a wrong mapping would send it as plain text: refused).

    The email test is pyarrow's RE2, linear in the cell, and runs only on cells within ``limit``
    (and within ``lengths.TEXT_CHARS`` for text without a limit)."""
    raw = strings(values)
    s = blank_to_null(trim(raw))
    ok = None
    if limit is not None:
        ok = pc.less_equal(pc.binary_length(s), limit)  # bytes >= characters: only longer ones need counting
        long_ = pc.and_(pc.is_valid(s), pc.invert(filled_mask(ok)))
        if any_true(long_):
            ok = pc.replace_with_mask(ok, long_, pc.less_equal(pc.utf8_length(s.filter(long_)), limit))
    at = pc.match_substring(s, "@")
    if ok is not None:  # a cell over the limit is refused by its length: no pattern runs on it
        at = pc.and_(filled_mask(at), filled_mask(ok))
    email = pc.and_(filled_mask(at), pc.match_substring_regex(s, EMAIL_LIKE)) if any_true(filled_mask(at)) else None
    if email is not None and any_true(filled_mask(email)):
        not_email = pc.invert(filled_mask(email))
        ok = not_email if ok is None else pc.and_(filled_mask(ok), not_email)
    if ok is None:
        return Checked(kind, s, present_count(s), EMPTY_PROBLEMS.empty_table())

    def why(v: str) -> tuple[str, str | None]:
        if limit is not None and len(v) > limit:
            return f"longer than {limit} characters ({len(v)})", None
        return EMAIL_IN_TEXT, None

    return checked_result(kind, raw, s, ok, why)


EMAIL_LIKE = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"  # RE2 (pyarrow): linear, no backtracking
EMAIL_IN_TEXT = "an email address, never sent as plain text (does this column hold emails? map it to email)"


# -- one value at a time -------------------------------------------------------------------
CHECKERS: dict[str, Callable[..., Checked]] = {
    "email": check_emails,
    "google_aid": check_google_aids,
    "apple_idfa": check_apple_idfas,
    "first_name": lambda v: check_texts(v, limit=FIRST_NAME_MAX, kind="first_name"),
    "last_name": lambda v: check_texts(v, limit=LAST_NAME_MAX, kind="last_name"),
    "title": lambda v: check_texts(v, limit=TITLE_MAX, kind="title"),
    "company": lambda v: check_texts(v, limit=COMPANY_MAX, kind="company"),
    "text": check_texts,
    "country": check_countries,
    "website": check_websites,
    "email_domain": check_email_domains,
    "page_url": check_page_urls,
    "organization": check_organizations,
    "ticker": check_tickers,
}


def check(kind: str, value: str | None, **options: Any) -> Verdict:
    """Check one value with the column checker ``CHECKERS[kind]`` (e.g. ``check("email", " A@B.com ")``)."""
    if kind not in CHECKERS:
        raise ValueError(f"unknown kind {kind!r}; one of {', '.join(CHECKERS)}")
    checked = CHECKERS[kind](pa.array([value], pa.string()), **options)
    derived = checked.derived[0].as_py() if checked.derived is not None else None
    out = checked.value[0].as_py()
    if checked.problems.num_rows:
        p = checked.problems.to_pylist()[0]
        return Verdict(out, out is not None, p["problem"], p["fix"], derived)
    return Verdict(out, out is not None, None, None, derived)


def normalized(kind: str, value: str | None, **options: Any) -> str | None:
    """The value that would be sent for one cell, or None (``normalized("website", "www.acme.com/x")``)."""
    return check(kind, value, **options).value
