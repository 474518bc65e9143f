"""Company keys: websites, email domains, LinkedIn page URLs, organization ids and tickers.

What each checker sends (and why):

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

The free-mail domains live here too: an address at one says nothing about an employer, so
they are refused as a company's email domain (and ``identifiers`` uses them to spot free-mail
addresses and suggest fixes for mistyped ones). Split from ``identifiers``, which keeps the
people identifiers, so that each module is about one kind of key.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from linkedin.checked import (
    _EMPTY_PROBLEMS,
    Checked,
    _any,
    _blank_to_null,
    _filled,
    _lower,
    _patch,
    _present,
    _problems,
    _result,
    _scatter,
    _upper,
    keep,
    strings,
    trim,
)

_DOMAIN = r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})"
DOMAIN_PATTERN = f"^{_DOMAIN}$"
_TICKER = r"^[A-Z0-9]{1,6}(?:[.-][A-Z0-9]{1,4})?$"
_PAGE = r"^(?:https?://)?(?:[a-z0-9-]+\.)?linkedin\.com/(?P<section>[^/?#]*)/(?P<slug>[^/?#]+)"
_SLUG = r"^[\p{L}\p{N}%._~'&+-]+$"
PAGE_URL_PREFIX = "https://www.linkedin.com/company/"
_DOMAIN_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789.-"  # all a lower-cased bare domain holds
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
# Hosts whose pages are profiles on a network, not a company's own website (when a path follows).
_NETWORKS = frozenset({"linkedin.com", "lnkd.in", "facebook.com", "fb.com", "twitter.com", "x.com", "instagram.com"})


_FREE_MAIL_SET = pa.array(sorted(FREE_MAIL_DOMAINS | {
    f"{brand}.{tld}" for brand in _FREE_MAIL_BRANDS.split("|") for tld in ("example", "test")
}))


def free_mail(domains: Any) -> pa.Array:
    """True where a domain belongs to a free-mail provider (null stays null): one hash lookup
    a cell, the same verdict as ``_FREE_MAIL_RX`` anchored at both ends (a test says so)."""
    d = strings(domains)
    out = pc.is_in(d, value_set=_FREE_MAIL_SET)
    return pc.if_else(pc.is_valid(d), out, pa.scalar(None, pa.bool_())) if d.null_count else out


def is_free_mail(domain: str) -> bool:
    """Whether one domain (``gmail.com``) belongs to a free-mail provider."""
    return bool(free_mail(pa.array([domain.strip().lower()]))[0].as_py())


# -- domains, pages, organizations, tickers --------------------------------------------------
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


def _hosts(s: pa.Array, *, paths: bool = False) -> tuple[pa.Array, pa.Array | None, np.ndarray]:
    """(bare host, had a path: only when ``paths``, had an ``@`` but no scheme) of lower-cased,
    trimmed URLs or domains.

    One regex finds the cells holding anything a bare domain cannot (``/?#@:``, non-ASCII...);
    only those go through the splits, so a column of clean domains costs one pass. Plain
    (non-regex) splits, each only on the cells that need it: a regex with groups over the
    whole column costs several times more."""
    n = len(s)
    x = pc.fill_null(s, "")
    messy = pc.greater(pc.binary_length(pc.ascii_trim(x, characters=_DOMAIN_CHARS)), 0)  # 4x cheaper than a regex
    had_path = pa.array(np.zeros(n, dtype=bool)) if paths else None
    at_sign = np.zeros(n, dtype=bool)
    non_ascii = np.zeros(n, dtype=bool)  # only messy cells can be
    if _any(messy):
        host, sub_path, sub_at = _messy_hosts(x.filter(messy), paths)
        x = pc.replace_with_mask(x, messy, host)
        where = np.flatnonzero(messy.to_numpy(zero_copy_only=False))
        at_sign[where] = sub_at
        non_ascii[where] = pc.invert(pc.string_is_ascii(host)).to_numpy(zero_copy_only=False)
        if paths:
            path = np.zeros(n, dtype=bool)
            path[where] = sub_path
            had_path = pa.array(path)
    x = _patch(x, pc.ends_with(x, "."), lambda v: pc.utf8_rtrim(v, characters="."))
    www = pc.starts_with(x, "www")
    if _any(www):
        x = _patch(x, pc.starts_with(x, "www."), lambda v: pc.utf8_slice_codeunits(v, 4))
        numbered = r"^www[0-9]+\."  # www2.acme.com
        x = _patch(x, pc.match_substring_regex(x, numbered), lambda v: pc.replace_substring_regex(v, numbered, ""))

    def punycode(v: pa.Array) -> pa.Array:
        return pa.array([_idna(h) or h for h in v.to_pylist()], pa.string())

    if non_ascii.any():
        x = _patch(x, pa.array(non_ascii), punycode)
    return _blank_to_null(keep(x, pc.is_valid(s))), had_path, at_sign


def _messy_hosts(x: pa.Array, paths: bool) -> tuple[pa.Array, np.ndarray | None, np.ndarray]:
    """``_hosts``' splits, on the cells that need them (no nulls): scheme, path, query or
    fragment, user info and port dropped. ``had_path``: something follows a ``/?#`` separator."""
    at = pc.match_substring(x, "@")
    at_sign = np.zeros(len(x), dtype=bool)
    if _any(at):
        at_sign = _filled(pc.and_(at, pc.invert(pc.match_substring(x, "://")))).to_numpy(zero_copy_only=False)
    x = _patch(x, pc.match_substring(x, "//"), lambda v: _last_part(v, "//"))  # scheme (and a bare "//") dropped
    x, rest = _split_once(x, "/")
    had_path = None
    if paths:
        tail = pc.binary_length(pc.ascii_trim(pc.fill_null(rest, ""), characters="/?#"))
        had_path = pc.greater(tail, 0).to_numpy(zero_copy_only=False)
    odd = pc.match_substring_regex(x, "[?#]")  # a query or fragment with no path before it
    if _any(odd):
        if paths:
            where = np.flatnonzero(odd.to_numpy(zero_copy_only=False))
            had_path[where] |= pc.match_substring_regex(x.filter(odd), "[?#][^/?#]").to_numpy(zero_copy_only=False)
        x = _patch(x, odd, lambda v: pc.list_element(pc.split_pattern_regex(v, "[?#]", max_splits=1), 0))
    if _any(at):
        x = _patch(x, pc.match_substring(x, "@"), lambda v: _last_part(v, "@"))  # user info dropped
    x = _patch(x, pc.match_substring(x, ":"), lambda v: _first_part(v, ":"))  # port
    return x, had_path, at_sign


def _split_once(values: pa.Array, sep: str) -> tuple[pa.Array, pa.Array]:
    """(what precedes the first ``sep``, what follows it or null without one); ``values`` has no nulls."""
    parts = pc.split_pattern(values, sep, max_splits=1)
    offsets = parts.offsets.to_numpy()
    starts = offsets[:-1]
    two = np.diff(offsets) == 2
    first = parts.values.take(pa.array(starts))
    after = keep(parts.values.take(pa.array(np.where(two, starts + 1, starts))), pa.array(two))
    return first, after


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
    host, had_path, at_sign = _hosts(s, paths=True)
    has_email = pa.array(at_sign)
    network = _filled(pc.and_(pc.is_in(host, value_set=pa.array(sorted(_NETWORKS))), had_path))
    ok = _filled(pc.and_(pc.and_(_domain_ok(host), pc.invert(has_email)), pc.invert(network)))
    bad = pc.and_(pc.is_valid(s), pc.invert(ok))
    problems = _EMPTY_PROBLEMS.empty_table()
    if _any(bad):  # the explanation says why, from the host or, without one, the cell
        tag = pc.if_else(has_email, "email:", pc.if_else(network, "network:", "host:"))
        what = pc.coalesce(pc.if_else(pc.or_(has_email, network), host, pc.coalesce(host, s)), s)  # "@" has no host
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
    host, _, _ = _hosts(s)
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



def _links(x: pa.Array) -> tuple[pa.Array, pa.Array]:
    """(section, slug) of LinkedIn URLs (``linkedin.com/<section>/<slug>...``), null elsewhere.

    ``x`` is lower-cased, trimmed and has no nulls; plain splits, on the LinkedIn cells only."""
    n = len(x)
    linked = pc.match_substring(x, "linkedin.com/")
    if not _any(linked):
        return pa.nulls(n, pa.string()), pa.nulls(n, pa.string())
    before, path = _split_once(x.filter(linked), "linkedin.com/")
    host_ok = pc.match_substring_regex(before, r"^(?:https?://)?(?:[a-z0-9-]+\.)?$")
    section, slug = _split_once(path, "/")
    slug = _split_once(pc.fill_null(slug, ""), "/")[0]
    slug = _patch(slug, pc.match_substring_regex(slug, "[?#]"),
                  lambda v: pc.list_element(pc.split_pattern_regex(v, "[?#]", max_splits=1), 0))
    good = pc.and_(pc.and_(host_ok, pc.match_substring(path, "/")), pc.greater(pc.binary_length(slug), 0))
    return _scatter(n, linked, keep(section, good)), _scatter(n, linked, keep(slug, good))


def _org_ids(x: pa.Array, slug: pa.Array | None = None) -> pa.Array:
    """Organization ids (digits, no leading zeros) from bare ids, URNs and numeric company page slugs."""
    def digits(v: pa.Array) -> pa.Array:  # ^[0-9]{1,19}$ without a regex
        return pc.and_(pc.ascii_is_decimal(v), pc.less_equal(pc.binary_length(v), 19))

    urn = pc.or_(pc.starts_with(x, "urn:li:organization:"), pc.starts_with(x, "urn:li:company:"))
    ids = keep(x, digits(x))
    if _any(urn):
        tail = _scatter(len(x), urn, _last_part(x.filter(urn), ":", reverse=True))
        ids = pc.coalesce(ids, keep(tail, digits(tail)))
    if slug is not None:
        ids = pc.coalesce(ids, keep(slug, digits(slug)))
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
