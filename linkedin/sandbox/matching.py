"""Matching uploaded identifiers to the synthetic members and companies, as LinkedIn does.

A person element matches a member by the SHA-256 or SHA-512 of any address LinkedIn
knows for them (lower-cased), their Android advertising id (GOOGLE_AID, with or without
hyphens), their Apple IDFA, or else by first + last name + employer. A company element
matches by organization URN, page URL (slug or numeric id), website or email domain,
stock ticker, or its name alone (LinkedIn's fuzzy name match finds most, not all).

Indexes are built on first use, one per key type, then kept: hashing a million addresses
once costs about a second; per request every lookup is one dict probe."""

from __future__ import annotations

import hashlib
import re
import threading
from collections.abc import Callable
from typing import Any

from .companies import Companies, Company
from .population import Population

NO_MATCH = -1
_AMBIGUOUS = -2
_LEGAL_SUFFIXES = re.compile(
    r"\b(inc|incorporated|llc|ltd|limited|gmbh|corp|corporation|co|company|plc|sa|ag|bv|nv|group|holdings)\b\.?"
)
_PAGE = re.compile(r"^https?://(?:[a-z]{2,3}\.)?linkedin\.com/company/([^/?#\s]+)/?$", re.IGNORECASE)


def name_key(text: str) -> str:
    """A person's or company's name as compared: case, punctuation and spacing ignored."""
    return " ".join(re.sub(r"[^\w\s]", " ", text.casefold()).split())


def company_name_key(text: str) -> str:
    """A company name without legal suffixes ("Northwind Traders, Inc." -> "northwind traders")."""
    return " ".join(_LEGAL_SUFFIXES.sub(" ", name_key(text)).split())


def bare_domain(domain: str) -> str:
    domain = domain.strip().lower().rstrip(".")
    return domain[4:] if domain.startswith("www.") else domain


def page_key(url: str) -> str | None:
    """The slug or numeric id of a LinkedIn company page URL, lower-cased; None if not one."""
    found = _PAGE.match(url.strip())
    return found.group(1).lower() if found else None


class _Lazy:
    """A dict built by `build` on first use, once, even with concurrent first callers."""

    def __init__(self, build: Callable[[], dict[Any, int]]) -> None:
        self._build = build
        self._value: dict[Any, int] | None = None
        self._lock = threading.Lock()

    def get(self) -> dict[Any, int]:
        if self._value is None:
            with self._lock:
                if self._value is None:
                    self._value = self._build()
        return self._value


def _unique(pairs) -> dict[Any, int]:
    """key -> index, with keys that name two different things marked ambiguous."""
    out: dict[Any, int] = {}
    for key, index in pairs:
        if key and out.setdefault(key, index) != index:
            out[key] = _AMBIGUOUS
    return out


class Matcher:
    """Indexes over one population of members and one of companies."""

    def __init__(self, population: Population, companies: Companies) -> None:
        self.population = population
        self.companies = companies
        members = population.members
        self.opted_out = bytes(m.opted_out for m in members)  # by member index
        self._user = {
            "SHA256_EMAIL": _Lazy(lambda: self._hashes(hashlib.sha256)),
            "SHA512_EMAIL": _Lazy(lambda: self._hashes(hashlib.sha512)),
            "GOOGLE_AID": _Lazy(lambda: _unique(
                (k, i) for i, m in enumerate(members) for k in (m.android_ad_id, m.android_ad_id.replace("-", ""))
            )),
            "APPLE_IDFA": _Lazy(lambda: _unique(
                (k, i) for i, m in enumerate(members) if m.apple_idfa
                for k in (m.apple_idfa, m.apple_idfa.replace("-", ""))
            )),
        }
        self._names = _Lazy(lambda: _unique(
            ((name_key(m.first_name), name_key(m.last_name), company_name_key(m.employer)), i)
            for i, m in enumerate(members)
        ))
        self._company = {
            "org": _Lazy(lambda: {c.id: i for i, c in enumerate(companies)}),
            "page": _Lazy(lambda: _unique(
                (k, i) for i, c in enumerate(companies) for k in (c.slug, str(c.id))
            )),
            "domain": _Lazy(lambda: _unique((c.website_domain, i) for i, c in enumerate(companies))),
            "email_domain": _Lazy(lambda: _unique((c.email_domain, i) for i, c in enumerate(companies))),
            "ticker": _Lazy(lambda: _unique((c.ticker, i) for i, c in enumerate(companies))),
            "name": _Lazy(lambda: _unique(
                (company_name_key(c.name), i) for i, c in enumerate(companies) if c.name_matchable
            )),
        }

    def _hashes(self, algorithm) -> dict[str, int]:
        return _unique(
            (algorithm(email.encode()).hexdigest(), i)
            for i, m in enumerate(self.population.members)
            for email in m.known_emails
        )

    # -- people ----------------------------------------------------------------------------
    def user_index(self, id_type: str) -> dict[str, int]:
        """idValue -> member index for one idType (built on first use)."""
        return self._user[id_type].get()

    def match_user(self, ids: list[tuple[str, str]], first: str | None, last: str | None, company: str | None) -> int:
        """The member index this person element matches, or NO_MATCH."""
        for id_type, value in ids:
            index = self._user.get(id_type)  # NAME pseudo-ids have no index: names decide below
            found = NO_MATCH if index is None else index.get().get(value, NO_MATCH)
            if found >= 0:
                return found
        if first and last and company:
            found = self._names.get().get((name_key(first), name_key(last), company_name_key(company)), NO_MATCH)
            if found >= 0:
                return found
        return NO_MATCH

    def targetable(self, member: int) -> bool:
        return not self.opted_out[member]

    # -- companies -------------------------------------------------------------------------
    def match_company(self, element: dict[str, Any], *, use_ticker: bool) -> int:
        """The company index a validated company element matches, or NO_MATCH.

        Strongest key first: organization URN, page URL, website domain, email domain,
        ticker, then the name alone."""
        urn = element.get("organizationUrn")
        if urn:
            found = self._company["org"].get().get(int(urn.rsplit(":", 1)[1]), NO_MATCH)
            if found >= 0:
                return found
        candidates = [
            ("page", page_key(element["companyPageUrl"]) if element.get("companyPageUrl") else None),
            ("domain", bare_domain(element["companyWebsiteDomain"]) if element.get("companyWebsiteDomain") else None),
            ("email_domain", bare_domain(element["companyEmailDomain"]) if element.get("companyEmailDomain") else None),
            ("ticker", element.get("stockSymbol", "").upper() if use_ticker and element.get("stockSymbol") else None),
            ("name", company_name_key(element["companyName"]) if element.get("companyName") else None),
        ]
        for index, key in candidates:
            if key:
                found = self._company[index].get().get(key, NO_MATCH)
                if found >= 0:
                    return found
        return NO_MATCH

    def company(self, index: int) -> Company:
        return self.companies[index]
