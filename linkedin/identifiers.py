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
- ``google_aid``: a UUID, sent as 32 lower-case hex digits without hyphens (§6: plain, at
  most 32 characters, lower case). The all-zero id (limited ad tracking) identifies nobody.
- ``apple_idfa``: a UUID, sent upper case with hyphens, as in LinkedIn's only example.
- ``first_name``/``last_name`` (at most 35 characters), ``title``/``company`` (at most 50),
  ``text`` (no limit): surrounding whitespace trimmed (Unicode and zero-width spaces too);
  a value too long is refused, not cut, since a cut name would match someone else or no one.
- ``country``: ISO 3166-1 alpha-2, upper case. Country names, alpha-3 codes and common
  aliases ("United States", "UK", "Deutschland", "usa") get the code as their fix, which
  is applied unless ``apply_fixes=False`` (the table is ``countries.csv`` beside this file).
- ``website``: the bare domain: scheme, user info, ``www.``, path, query, fragment, port and
  a trailing dot dropped; internationalized names become punycode (IDNA 2008, UTS #46).
- ``email_domain``: like ``website``, and ``@acme.com`` or ``anyone@acme.com`` give
  ``acme.com``; a free-mail domain (gmail.com) is refused: it identifies no company.
- ``page_url``: a LinkedIn company page, ``linkedin.com/company/<slug or id>`` with or
  without scheme, ``www.``/locale subdomain, trailing slash, sub-page or query, sent as
  ``https://www.linkedin.com/company/<slug>``. A numeric id (also a bare id or an
  ``urn:li:organization:`` / ``urn:li:company:`` URN in this column) also gives the
  organization URN in ``derived``. Showcase and school pages, personal profiles and short
  links are refused: LinkedIn matches companies (employers), and a showcase page is not one.
- ``organization``: a bare organization id, a URN or a numeric page URL ->
  ``urn:li:organization:<id>``.
- ``ticker``: upper-cased, a leading ``$`` and an exchange prefix (``NASDAQ:``) dropped;
  letters and digits with an optional class suffix (``BRK.B``).

Hashing is the one per-value Python loop (hashlib has no vectorized form):
``sha256_column`` / ``hex_digests`` hash a whole column with nothing else in the loop and
build the hex column from one buffer.
"""

from __future__ import annotations

import binascii
import csv
import hashlib
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

FIRST_NAME_MAX = 35  # LinkedIn's limits for the plain fields (linkedin-api.md §6)
LAST_NAME_MAX = 35
TITLE_MAX = 50
COMPANY_MAX = 50

RAW, SHA256, SHA512 = 1, 2, 3  # Checked.derived of an email column: what the cell held

# Unicode spaces that spreadsheets and copy-paste leave behind, zero-width ones included.
_SPACES = " \t\n\r\f\v\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u200b\u2028\u2029\u202f\u205f\u3000\ufeff"
_SPACE_RX = "[" + "".join(f"\\x{{{ord(c):04x}}}" for c in _SPACES) + "]"  # RE2 syntax
_SPACE_RE = re.compile("[" + re.escape(_SPACES) + "]")

_LOCAL = r"[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
_DOMAIN = r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})"
EMAIL_PATTERN = f"^{_LOCAL}@{_DOMAIN}$"
DOMAIN_PATTERN = f"^{_DOMAIN}$"
_UUID = r"^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$"
_TICKER = r"^[A-Z0-9]{1,6}(?:[.-][A-Z0-9]{1,4})?$"
_PAGE = r"^(?:https?://)?(?:[a-z0-9-]+\.)?linkedin\.com/(?P<section>[^/?#]*)/(?P<slug>[^/?#]+)"
_SLUG = r"^[\p{L}\p{N}%._~'&+-]+$"
PAGE_URL_PREFIX = "https://www.linkedin.com/company/"
ORGANIZATION_PREFIX = "urn:li:organization:"

# The free-mail providers people sign up with; an address there says nothing about an employer.
FREE_MAIL_DOMAINS = frozenset("""
gmail.com googlemail.com yahoo.com yahoo.co.uk yahoo.fr yahoo.de yahoo.es yahoo.it yahoo.co.in yahoo.co.jp
yahoo.com.br ymail.com rocketmail.com hotmail.com hotmail.co.uk hotmail.fr hotmail.de hotmail.it hotmail.es
outlook.com outlook.fr outlook.de live.com live.co.uk live.fr msn.com aol.com aim.com icloud.com me.com mac.com
protonmail.com proton.me pm.me gmx.com gmx.de gmx.net gmx.at gmx.ch web.de t-online.de freenet.de mail.com
email.com yandex.ru yandex.com ya.ru mail.ru bk.ru inbox.ru list.ru rambler.ru qq.com 163.com 126.com sina.com
yeah.net zoho.com zohomail.com fastmail.com fastmail.fm hey.com tutanota.com tuta.io libero.it virgilio.it
orange.fr wanadoo.fr laposte.net free.fr sfr.fr btinternet.com sky.com virginmedia.com comcast.net verizon.net
att.net sbcglobal.net bellsouth.net cox.net charter.net rediffmail.com naver.com hanmail.net daum.net
uol.com.br bol.com.br terra.com.br seznam.cz centrum.cz wp.pl o2.pl interia.pl onet.pl abv.bg
""".split())
# Test domains (RFC 2606: .example, .test) of these providers count as free mail too; the
# sandbox's synthetic people write from gmail.example, outlook.example, proton.example.
_FREE_MAIL_BRANDS = "gmail|googlemail|yahoo|hotmail|outlook|live|aol|icloud|proton|protonmail|gmx|yandex|mail"
_FREE_MAIL_RX = (
    "(?:" + "|".join(re.escape(d) for d in sorted(FREE_MAIL_DOMAINS))
    + f"|(?:{_FREE_MAIL_BRANDS})\\.(?:example|test))$"
)
_TYPO_DOMAINS = {
    "gmial.com": "gmail.com", "gmai.com": "gmail.com", "gamil.com": "gmail.com", "gnail.com": "gmail.com",
    "gmail.co": "gmail.com", "gmail.cm": "gmail.com", "gmal.com": "gmail.com", "gmail.con": "gmail.com",
    "hotmial.com": "hotmail.com", "hotmal.com": "hotmail.com", "hotmail.co": "hotmail.com",
    "yaho.com": "yahoo.com", "yahooo.com": "yahoo.com", "yahoo.co": "yahoo.com",
    "outlok.com": "outlook.com", "outllok.com": "outlook.com", "iclod.com": "icloud.com",
}
# Hosts whose pages are profiles on a network, not a company's own website (when a path follows).
_NETWORKS = frozenset({"linkedin.com", "lnkd.in", "facebook.com", "fb.com", "twitter.com", "x.com", "instagram.com"})

_NULL = pa.scalar(None, pa.string())
_EMPTY_PROBLEMS = pa.schema(
    [("index", pa.int64()), ("given", pa.string()), ("problem", pa.string()), ("fix", pa.string()), ("fixed", pa.bool_())]
)


@dataclass(frozen=True, eq=False)
class Checked:
    """One column after checking.

    ``value`` is what to send, null where the cell was empty or unusable. ``problems`` has one
    row per unusable or fixed cell: ``index`` (position in the column), ``given`` (the cell as
    read), ``problem``, ``fix`` (suggested value or null) and ``fixed`` (True when the fix was
    applied and ``value`` holds it). ``derived`` is a second result where a checker has one
    (email: RAW/SHA256/SHA512 per cell; page_url: the organization URN of numeric pages)."""

    kind: str
    value: pa.Array
    given: int  # non-empty cells
    problems: pa.Table
    derived: pa.Array | None = None

    @classmethod
    def absent(cls, n: int, kind: str) -> Checked:
        """A column that was not given at all: ``n`` empty cells."""
        return cls(kind, pa.nulls(n, pa.string()), 0, _EMPTY_PROBLEMS.empty_table())

    @property
    def fixed(self) -> int:
        if not self.problems.num_rows:
            return 0
        return int(pc.sum(self.problems["fixed"]).as_py() or 0)

    @property
    def invalid(self) -> int:
        return self.problems.num_rows - self.fixed

    @property
    def valid(self) -> int:
        """Non-empty cells that will be sent (fixed ones included)."""
        return self.given - self.invalid


@dataclass(frozen=True)
class Verdict:
    """One value after checking: what would be sent (``ok``: something will be), or why not and what would fix it."""

    value: str | None
    ok: bool
    problem: str | None = None
    fix: str | None = None
    derived: Any = None


# -- column helpers ------------------------------------------------------------------------
def strings(values: Any) -> pa.Array:
    """Any column (pyarrow array or chunked array, pandas Series, list) as one string array."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks() if values.num_chunks != 1 else values.chunk(0)
    elif not isinstance(values, pa.Array):
        values = pa.array(values, type=pa.string(), from_pandas=True)
    if values.type != pa.string():
        values = values.cast(pa.string())
    return values


def _filled(mask: pa.Array) -> pa.Array:
    """A boolean mask with null read as false.

    Same result as ``pc.fill_null(mask, False)``, which runs a general coalesce kernel
    (1-3 ms a million cells, and preparation calls it dozens of times): nothing to do without
    nulls, else one Kleene ``and`` with the validity (null and false is false)."""
    if not mask.null_count:
        return mask
    return pc.and_kleene(mask, pc.is_valid(mask))


def _any(mask: pa.Array) -> bool:
    return bool(pc.any(mask).as_py())


def _patch(values: pa.Array, mask: pa.Array, fn: Callable[[pa.Array], pa.Array]) -> pa.Array:
    """``fn`` applied only where ``mask`` holds: costly string work stays off the clean cells."""
    mask = _filled(mask)
    if not _any(mask):
        return values
    return pc.replace_with_mask(values, mask, fn(values.filter(mask)))


def keep(values: pa.Array, mask: pa.Array) -> pa.Array:
    """``values`` with nulls wherever ``mask`` is not true, sharing the string buffers (no copy)."""
    if mask.null_count:
        mask = _filled(mask)
    if values.null_count:
        mask = pc.and_(mask, pc.is_valid(values))
    if values.type != pa.string() or values.offset or mask.offset:
        return pc.if_else(mask, values, _NULL)
    _, offsets, data = values.buffers()
    return pa.StringArray.from_buffers(len(values), offsets, data, mask.buffers()[1])


def _lower(values: pa.Array) -> pa.Array:
    """Lower case: the fast ASCII kernel for all, the Unicode one only for the cells that need it."""
    return _patch(pc.ascii_lower(values), pc.invert(pc.string_is_ascii(values)), pc.utf8_lower)


def _upper(values: pa.Array) -> pa.Array:
    return _patch(pc.ascii_upper(values), pc.invert(pc.string_is_ascii(values)), pc.utf8_upper)


def _blank_to_null(values: pa.Array) -> pa.Array:
    return keep(values, pc.greater(pc.binary_length(values), 0))


def trim(values: pa.Array) -> pa.Array:
    """Surrounding whitespace removed (Unicode and zero-width spaces included)."""
    return pc.utf8_trim(values, characters=_SPACES)


def _explain(subset: pa.Array, fn: Callable[[str], tuple[str, str | None]]) -> tuple[pa.Array, pa.Array]:
    """``fn(value) -> (problem, fix)`` for each distinct value of ``subset``, spread back to every cell."""
    uniq = pc.unique(subset)
    told = [fn(v) for v in uniq.to_pylist()]
    where = pc.index_in(subset, value_set=uniq)
    problems = pc.take(pa.array([t[0] for t in told], pa.string()), where)
    fixes = pc.take(pa.array([t[1] for t in told], pa.string()), where)
    return problems, fixes


def _problems(
    raw: pa.Array, bad: pa.Array, norm: pa.Array, fn: Callable[[str], tuple[str, str | None]], fixed: pa.Array | None = None
) -> pa.Table:
    """The problems table for the cells where ``bad`` holds (explained from their normalized form)."""
    bad = _filled(bad)
    if not _any(bad):
        return _EMPTY_PROBLEMS.empty_table()
    index = pc.indices_nonzero(bad)
    problem, fix = _explain(pc.take(norm, index), fn)
    was_fixed = pc.take(_filled(fixed), index) if fixed is not None else pa.nulls(len(index), pa.bool_()).fill_null(False)
    return pa.table(
        [index.cast(pa.int64()), pc.take(raw, index), problem, fix, was_fixed], schema=_EMPTY_PROBLEMS
    )


def _present(values: pa.Array) -> int:
    return len(values) - values.null_count


def _result(kind: str, raw: pa.Array, norm: pa.Array, ok: pa.Array, fn, *, value=None, derived=None) -> Checked:
    ok = _filled(ok)
    value = keep(norm if value is None else value, ok)
    bad = pc.and_(pc.is_valid(norm), pc.invert(ok))
    return Checked(kind, value, _present(norm), _problems(raw, bad, norm, fn), derived)


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
    return hex_strings(hex_digests(values, hashlib.sha256), 64)


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


def check_emails(values: Any) -> Checked:
    """Email addresses (or SHA-256/SHA-512 hashes of them); ``derived`` says which each cell is.

    One regex over the lower-cased column settles the clean addresses; only the cells it
    refuses go through whitespace removal, hash detection and a second look."""
    raw = strings(values)
    s = _lower(raw)
    length = pc.binary_length(s)
    # Up to 64 characters the regex says it all (the local part cannot pass 64, nor the whole 254).
    ok = _filled(pc.and_(pc.match_substring_regex(s, EMAIL_PATTERN), pc.less_equal(length, 64)))
    kinds = ok.to_numpy(zero_copy_only=False).astype(np.int8)  # RAW == 1
    value = keep(s, ok)
    given = int(pc.sum(ok).as_py() or 0)  # non-empty cells: the ones passed so far...
    problems = _EMPTY_PROBLEMS.empty_table()
    rest = pc.and_(pc.invert(ok), pc.is_valid(s))
    if _any(rest):
        sub = s.filter(rest)
        sub = _patch(sub, pc.match_substring_regex(sub, _SPACE_RX), lambda x: pc.replace_substring_regex(x, _SPACE_RX, ""))
        sub = _blank_to_null(sub)
        given += _present(sub)  # ...and the others not blank once their spaces are gone
        n = pc.utf8_length(sub)
        hexy = pc.match_substring_regex(sub, "^[0-9a-f]+$")
        sub_email = pc.and_(
            pc.match_substring_regex(sub, EMAIL_PATTERN),
            pc.and_(pc.less_equal(n, 254), pc.less_equal(pc.find_substring(sub, "@"), 64)),
        )
        sub_kinds = np.zeros(len(sub), dtype=np.int8)
        for mask, code in ((sub_email, RAW), (pc.and_(hexy, pc.equal(n, 64)), SHA256), (pc.and_(hexy, pc.equal(n, 128)), SHA512)):
            sub_kinds[_filled(mask).to_numpy(zero_copy_only=False)] = code
        where = rest.to_numpy(zero_copy_only=False)
        kinds[where] = sub_kinds
        sub_ok = pa.array(sub_kinds > 0)
        value = pc.replace_with_mask(value, rest, keep(sub, sub_ok))
        # Every refused cell is among these few: explain them from ``sub`` (the normalized form),
        # without rebuilding the whole normalized column.
        sub_bad = pc.and_(pc.is_valid(sub), pc.invert(sub_ok))
        if _any(sub_bad):
            at = pc.indices_nonzero(sub_bad)
            index = pc.take(pa.array(np.flatnonzero(where)), at)
            problem, fix = _explain(pc.take(sub, at), _explain_email)
            problems = pa.table([index, pc.take(raw, index), problem, fix, pa.array(np.zeros(len(at), bool))],
                                schema=_EMPTY_PROBLEMS)
    return Checked("email", value, given, problems, pa.array(kinds))


def email_domains(emails: Checked) -> pa.Array:
    """The domain of each valid raw address in a checked email column; null elsewhere (hashes too)."""
    raw = pc.equal(emails.derived, RAW)
    value = pc.if_else(raw, emails.value, _NULL)
    return pc.list_element(pc.split_pattern(value, "@", max_splits=1), 1) if _any(raw) else value


def free_mail(domains: Any) -> pa.Array:
    """True where a domain belongs to a free-mail provider (null stays null)."""
    return pc.match_substring_regex(strings(domains), "^" + _FREE_MAIL_RX)


def free_mail_addresses(emails: Checked) -> pa.Array:
    """True where a checked address is at a free-mail provider (one regex, no domain extraction)."""
    return _filled(pc.match_substring_regex(emails.value, "@" + _FREE_MAIL_RX))


def is_free_mail(domain: str) -> bool:
    """Whether one domain (``gmail.com``) belongs to a free-mail provider."""
    return bool(free_mail(pa.array([domain.strip().lower()]))[0].as_py())


def _explain_email(v: str) -> tuple[str, str | None]:
    if re.fullmatch(r"[0-9a-f]+", v) and len(v) >= 32:
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
    if re.search(r"[,;]", domain):
        fixed = local + "@" + re.sub(r"[,;]", ".", domain)
        return "comma in the domain", fixed if re.fullmatch(EMAIL_PATTERN, fixed) else None
    if domain.endswith(".") and re.fullmatch(EMAIL_PATTERN, v.rstrip(".")):
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
    bad = re.search(r"[^a-z0-9!#$%&'*+/=?^_`{|}~.@-]", v)
    if bad:
        return f"contains '{bad.group()}', which an email address cannot", None
    if domain in _TYPO_DOMAINS:
        return f"domain '{domain}' looks mistyped", f"{local}@{_TYPO_DOMAINS[domain]}"
    return f"domain '{domain}' is not valid", None


# -- mobile ad ids -------------------------------------------------------------------------
def _uuids(values: Any, kind: str, *, upper: bool) -> Checked:
    raw = strings(values)
    s = _blank_to_null(_lower(trim(raw)))
    bare = pc.replace_substring(s, "-", "")
    ok = pc.and_(pc.match_substring_regex(s, _UUID), pc.not_equal(bare, "0" * 32))
    if upper:
        shaped = pc.replace_substring_regex(
            bare, "^(.{8})(.{4})(.{4})(.{4})(.{12})$", r"\1-\2-\3-\4-\5"
        )
        value = _upper(shaped)
    else:
        value = bare
    return _result(kind, raw, s, ok, _explain_uuid, value=value)


def _explain_uuid(v: str) -> tuple[str, str | None]:
    if re.fullmatch(r"[0-]+", v):
        return "all zeros: the device limits ad tracking, so this id identifies nobody", None
    return "not a mobile ad id (expected a UUID: 8-4-4-4-12 hex digits)", None


def check_google_aids(values: Any) -> Checked:
    """Android advertising ids (GOOGLE_AID), sent as 32 lower-case hex digits."""
    return _uuids(values, "google_aid", upper=False)


def check_apple_idfas(values: Any) -> Checked:
    """Apple IDFAs (APPLE_IDFA), sent as an upper-case UUID with hyphens."""
    return _uuids(values, "apple_idfa", upper=True)


# -- plain text ------------------------------------------------------------------------------
def check_texts(values: Any, *, limit: int | None = None, kind: str = "text") -> Checked:
    """Plain text (names, titles, cities...): trimmed, at most ``limit`` characters."""
    raw = strings(values)
    s = _blank_to_null(trim(raw))
    if limit is None:
        return Checked(kind, s, _present(s), _EMPTY_PROBLEMS.empty_table())
    ok = pc.less_equal(pc.binary_length(s), limit)  # bytes >= characters: only longer ones need counting
    long_ = pc.and_(pc.is_valid(s), pc.invert(_filled(ok)))
    if _any(long_):
        ok = pc.replace_with_mask(ok, long_, pc.less_equal(pc.utf8_length(s.filter(long_)), limit))
    return _result(kind, raw, s, ok, lambda v: (f"longer than {limit} characters ({len(v)})", None))


# -- countries -------------------------------------------------------------------------------
def _country_key(text: str) -> str:
    """How a country is looked up: accents, case, punctuation and spaces ignored."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if c.isalnum() and not unicodedata.combining(c))


@lru_cache(maxsize=1)
def countries() -> tuple[dict[str, str], dict[str, str]]:
    """(alpha-2 -> English name, lookup key -> alpha-2) from ``countries.csv``."""
    names: dict[str, str] = {}
    keys: dict[str, str] = {}
    with open(Path(__file__).with_name("countries.csv"), encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            code = row["alpha2"]
            names[code] = row["name"]
            for alias in (row["alpha3"], row["name"], *filter(None, row["aliases"].split("|"))):
                keys.setdefault(_country_key(alias), code)
    return names, keys


def _explain_country(v: str) -> tuple[str, str | None]:
    names, keys = countries()
    code = keys.get(_country_key(v))
    if code is None:
        return "not an ISO 3166 alpha-2 country code", None
    if len(v) == 3 and v.isalpha():
        return f"a three-letter code; LinkedIn expects two letters ({code} for {names[code]})", code
    if len(v) == 2:
        return f"not an ISO 3166 code; {names[code]} is {code}", code
    return f"a country name; LinkedIn expects its ISO 3166 alpha-2 code ({code})", code


def check_countries(values: Any, *, apply_fixes: bool = True) -> Checked:
    """ISO 3166-1 alpha-2 codes; names and alpha-3 codes are fixed to their code (or only suggested).

    A country column holds a few hundred distinct spellings, however long it is: each one is
    judged once, on the column's dictionary, and the verdicts are spread back to the cells
    (a million cells: ~35 ms instead of ~100)."""
    raw = strings(values)
    encoded = raw.dictionary_encode()
    at = encoded.indices  # each cell's entry; null for an empty cell
    s = _blank_to_null(trim(encoded.dictionary))
    upper = _upper(s)
    names, _ = countries()
    ok = _filled(pc.is_in(upper, value_set=pa.array(sorted(names))))
    other = pc.and_(pc.is_valid(s), pc.invert(ok))
    value = keep(upper, ok)
    given = int(pc.sum(pc.take(pc.is_valid(s), at)).as_py() or 0)
    if not _any(other):
        return Checked("country", value.take(at), given, _EMPTY_PROBLEMS.empty_table())
    told = [_explain_country(v) for v in s.filter(other).to_pylist()]
    problem_of = _scatter(len(s), other, pa.array([t[0] for t in told], pa.string()))
    fix_of = _scatter(len(s), other, pa.array([t[1] for t in told], pa.string()))
    if apply_fixes:
        value = pc.coalesce(value, fix_of)  # null where ``other`` holds, so the fixes fill exactly those
    index = pc.indices_nonzero(_filled(pc.take(other, at)))
    entry = pc.take(at, index)
    fix = pc.take(fix_of, entry)
    fixed = _filled(pc.is_valid(fix)) if apply_fixes else pa.array(np.zeros(len(index), bool))
    problems = pa.table([index.cast(pa.int64()), pc.take(raw, index), pc.take(problem_of, entry), fix, fixed],
                        schema=_EMPTY_PROBLEMS)
    return Checked("country", value.take(at), given, problems)


# -- company keys ----------------------------------------------------------------------------
def _idna(host: str) -> str | None:
    import idna  # only for the rare non-ASCII host; idna comes with requests

    try:
        return idna.encode(host, uts46=True).decode("ascii")
    except (idna.IDNAError, UnicodeError, ValueError):
        return None


def _last_part(values: pa.Array, sep: str, *, reverse: bool = False) -> pa.Array:
    """What follows the first (or, ``reverse``, the last) ``sep``; the whole value when there is none.
    ``values`` has no nulls."""
    parts = pc.split_pattern(values, sep, max_splits=1, reverse=reverse)
    return parts.values.take(pa.array(parts.offsets.to_numpy()[1:] - 1))


def _first_part(values: pa.Array, sep: str) -> pa.Array:
    """What precedes the first ``sep`` (the whole value when there is none)."""
    return pc.list_element(pc.split_pattern(values, sep, max_splits=1), 0)


def _hosts(s: pa.Array, *, paths: bool = False) -> tuple[pa.Array, pa.Array | None]:
    """(bare host, had a path: only when ``paths``) of lower-cased, trimmed URLs or domains.

    Plain (non-regex) splits, each only on the cells that need it: a regex with groups over
    the whole column costs several times more."""
    x = pc.fill_null(s, "")
    if _any(pc.match_substring(x, "//")):
        x = _last_part(x, "//")  # scheme (and a bare "//") dropped
    cut = pc.match_substring_regex(x, "[/?#]")
    had_path = None
    if paths:
        had_path = _filled(pc.and_(cut, pc.match_substring_regex(x, r"[/?#][^/?#]"))) if _any(cut) else cut
    x = _patch(x, cut, lambda v: pc.list_element(pc.split_pattern_regex(v, "[/?#]", max_splits=1), 0))
    x = _patch(x, pc.match_substring(x, "@"), lambda v: _last_part(v, "@"))  # user info dropped
    x = _patch(x, pc.match_substring(x, ":"), lambda v: _first_part(v, ":"))  # port
    x = _patch(x, pc.ends_with(x, "."), lambda v: pc.utf8_rtrim(v, characters="."))
    x = _patch(x, pc.starts_with(x, "www."), lambda v: pc.utf8_slice_codeunits(v, 4))
    x = _patch(x, pc.match_substring_regex(x, r"^www[0-9]+\."), lambda v: pc.replace_substring_regex(v, r"^www[0-9]+\.", ""))

    def punycode(v: pa.Array) -> pa.Array:
        return pa.array([_idna(h) or h for h in v.to_pylist()], pa.string())

    x = _patch(x, pc.invert(pc.string_is_ascii(x)), punycode)
    return _blank_to_null(keep(x, pc.is_valid(s))), had_path


def _domain_ok(host: pa.Array) -> pa.Array:
    return pc.and_(pc.match_substring_regex(host, DOMAIN_PATTERN), pc.less_equal(pc.utf8_length(host), 253))


def _explain_domain(v: str) -> tuple[str, str | None]:
    if re.search(r"\s", v):
        return "contains spaces", None
    if re.fullmatch(r"[0-9.]+", v):
        return "an IP address, not a domain", None
    if "." not in v:
        return "no dot: not a domain (expected e.g. acme.com)", None
    if not v.isascii():
        return "an internationalized name that is not valid IDNA", None
    bad = re.search(r"[^a-z0-9.-]", v)
    if bad:
        return f"contains '{bad.group()}', which a domain cannot", None
    return "not a valid domain", None


def check_websites(values: Any) -> Checked:
    """Company websites -> bare domains (``https://www.Acme.com:443/about?x`` -> ``acme.com``)."""
    raw = strings(values)
    s = _blank_to_null(_lower(trim(raw)))
    has_email = _filled(pc.and_(pc.match_substring(s, "@"), pc.invert(pc.match_substring(s, "://"))))
    host, had_path = _hosts(s, paths=True)
    network = _filled(pc.and_(pc.is_in(host, value_set=pa.array(sorted(_NETWORKS))), had_path))
    ok = _filled(pc.and_(pc.and_(_domain_ok(host), pc.invert(has_email)), pc.invert(network)))
    bad = pc.and_(pc.is_valid(s), pc.invert(ok))
    problems = _EMPTY_PROBLEMS.empty_table()
    if _any(bad):  # the explanation says why, from the host or, without one, the cell
        tag = pc.if_else(has_email, "email:", pc.if_else(network, "network:", "host:"))
        what = pc.if_else(pc.or_(has_email, network), host, pc.coalesce(host, s))
        explained = _scatter(len(s), bad, pc.binary_join_element_wise(tag.filter(bad), what.filter(bad), ""))
        problems = _problems(raw, bad, explained, _explain_website)
    return Checked("website", keep(host, ok), _present(s), problems)


def _explain_website(tagged: str) -> tuple[str, str | None]:
    tag, _, v = tagged.partition(":")
    if tag == "email":
        return "an email address, not a website", (v if re.fullmatch(DOMAIN_PATTERN, v) else None)
    if tag == "network":
        if v in ("linkedin.com", "lnkd.in"):
            return "a LinkedIn page, not the company's own website (it belongs in linkedincompanypageurl)", None
        return f"a page on {v}, not the company's own website", None
    return _explain_domain(v)


def check_email_domains(values: Any) -> Checked:
    """Company email domains (``@acme.com``, ``sales@Acme.com`` -> ``acme.com``); free-mail refused."""
    raw = strings(values)
    s = _blank_to_null(_lower(trim(raw)))
    host, _ = _hosts(s)
    free = _filled(free_mail(host))
    ok = _filled(pc.and_(_domain_ok(host), pc.invert(free)))
    bad = pc.and_(pc.is_valid(s), pc.invert(ok))
    problems = _EMPTY_PROBLEMS.empty_table()
    if _any(bad):
        tag = pc.if_else(free, "free:", "host:").filter(bad)
        tagged = _scatter(len(s), bad, pc.binary_join_element_wise(tag, pc.coalesce(host, s).filter(bad), ""))
        problems = _problems(raw, bad, tagged, _explain_email_domain)
    return Checked("email_domain", keep(host, ok), _present(s), problems)


def _explain_email_domain(tagged: str) -> tuple[str, str | None]:
    tag, _, v = tagged.partition(":")
    if tag == "free":
        return f"{v} is a free-mail domain: it identifies no company", None
    return _explain_domain(v)


def _scatter(n: int, mask: pa.Array, sub: pa.Array) -> pa.Array:
    """A column of ``n`` nulls with ``sub`` placed where ``mask`` holds."""
    return pc.replace_with_mask(pa.nulls(n, sub.type), mask, sub)


def _links(x: pa.Array) -> tuple[pa.Array, pa.Array]:
    """(section, slug) of LinkedIn URLs (``linkedin.com/<section>/<slug>...``), null elsewhere.

    ``x`` is lower-cased, trimmed and has no nulls; plain splits, on the LinkedIn cells only."""
    n = len(x)
    linked = pc.match_substring(x, "linkedin.com/")
    if not _any(linked):
        return pa.nulls(n, pa.string()), pa.nulls(n, pa.string())
    sub = x.filter(linked)
    host_ok = pc.match_substring_regex(_first_part(sub, "linkedin.com/"), r"^(?:https?://)?(?:[a-z0-9-]+\.)?$")
    path = _last_part(sub, "linkedin.com/")
    section = _first_part(path, "/")
    slug = _last_part(path, "/")
    for sep in "/?#":
        slug = _first_part(slug, sep)
    good = pc.and_(pc.and_(host_ok, pc.match_substring(path, "/")), pc.greater(pc.binary_length(slug), 0))
    return _scatter(n, linked, keep(section, good)), _scatter(n, linked, keep(slug, good))


def _org_ids(x: pa.Array, slug: pa.Array | None = None) -> pa.Array:
    """Organization ids (digits, no leading zeros) from bare ids, URNs and numeric company page slugs."""
    digits = r"^[0-9]{1,19}$"
    urn = pc.or_(pc.starts_with(x, "urn:li:organization:"), pc.starts_with(x, "urn:li:company:"))
    ids = keep(x, pc.match_substring_regex(x, digits))
    if _any(urn):
        tail = _scatter(len(x), urn, _last_part(x.filter(urn), ":", reverse=True))
        ids = pc.coalesce(ids, keep(tail, pc.match_substring_regex(tail, digits)))
    if slug is not None:
        ids = pc.coalesce(ids, keep(slug, pc.match_substring_regex(slug, digits)))
    ids = _patch(ids, pc.starts_with(ids, "0"), lambda v: pc.utf8_ltrim(v, characters="0"))
    return keep(ids, pc.greater(pc.binary_length(ids), 0))


def check_organizations(values: Any) -> Checked:
    """Organization ids, URNs or numeric page URLs -> ``urn:li:organization:<id>``."""
    raw = strings(values)
    s = _blank_to_null(_lower(trim(raw)))
    x = pc.fill_null(s, "")
    section, slug = _links(x)
    slug = keep(slug, pc.is_in(section, value_set=pa.array(["company", "company-beta"])))
    ids = keep(_org_ids(x, slug), pc.is_valid(s))
    value = pc.binary_join_element_wise(ORGANIZATION_PREFIX, ids, "")
    return _result("organization", raw, s, pc.is_valid(ids), _explain_organization, value=value)


def _explain_organization(v: str) -> tuple[str, str | None]:
    if "linkedin.com/" in v:
        return "a page URL without a numeric id (the organization id is a number)", None
    return "not an organization id (expected a number or urn:li:organization:<number>)", None


def check_page_urls(values: Any) -> Checked:
    """LinkedIn company page URLs -> ``https://www.linkedin.com/company/<slug>``; ``derived``: the
    organization URN where the page (or the cell) holds a numeric id."""
    raw = strings(values)
    s = _blank_to_null(_lower(trim(raw)))
    x = pc.fill_null(s, "")
    section, slug = _links(x)
    company = _filled(pc.is_in(section, value_set=pa.array(["company", "company-beta"])))
    ok_slug = _filled(pc.and_(company, pc.match_substring_regex(slug, _SLUG)))
    ids = keep(_org_ids(x, keep(slug, ok_slug)), pc.is_valid(s))
    ok = pc.or_(ok_slug, pc.is_valid(ids))
    key = pc.coalesce(ids, keep(slug, ok_slug))
    value = pc.binary_join_element_wise(PAGE_URL_PREFIX, key, "")
    urn = pc.binary_join_element_wise(ORGANIZATION_PREFIX, ids, "")
    checked = _result("page_url", raw, s, ok, _explain_page_url, value=value)
    return Checked(checked.kind, checked.value, checked.given, checked.problems, urn)


def _explain_page_url(v: str) -> tuple[str, str | None]:
    m = re.match(_PAGE, v)
    if "lnkd.in/" in v:
        return "a short link: open it and use the company page URL it leads to", None
    if not m:
        if "linkedin.com" in v:
            return "not a company page URL (expected linkedin.com/company/<name or id>)", None
        return "not a LinkedIn URL (expected linkedin.com/company/<name or id>)", None
    section = m.group("section")
    if section == "showcase":
        return "a showcase page, not a company: use the parent company's page URL", None
    if section == "school":
        return "a school page: use the organization's linkedin.com/company/ URL", None
    if section in ("in", "pub", "profile"):
        return "a personal profile, not a company page", None
    if section in ("company", "company-beta"):
        return f"'{m.group('slug')}' is not a valid page name", None
    return f"a LinkedIn /{section}/ page, not a company page (expected linkedin.com/company/<name or id>)", None


def check_tickers(values: Any) -> Checked:
    """Stock tickers: upper-cased, ``$`` and an exchange prefix dropped (``nasdaq:msft`` -> ``MSFT``)."""
    raw = strings(values)
    s = _blank_to_null(_upper(trim(raw)))
    s = _patch(s, pc.starts_with(s, "$"), lambda x: pc.utf8_ltrim(x, characters="$"))
    s = _patch(s, pc.match_substring(s, ":"), lambda x: pc.replace_substring_regex(x, r"^[A-Z]+:\s*", ""))
    return _result("ticker", raw, s, pc.match_substring_regex(s, _TICKER), _explain_ticker)


def _explain_ticker(v: str) -> tuple[str, str | None]:
    if " " in v:
        return "contains spaces", None
    if len(v) > 11:
        return "too long for a stock ticker", None
    return "not a stock ticker (letters and digits, e.g. MSFT or BRK.B)", None


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
