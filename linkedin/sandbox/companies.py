"""A deterministic synthetic population of companies (LinkedIn organizations).

Each carries every key LinkedIn matches companies on (linkedin-api.md §7): name, website
and email domains, organization id (URN), page URL `https://www.linkedin.com/company/<slug>`,
and for some a stock ticker; plus industry, location, and how many LinkedIn members work
there, which is what a company segment's audience size counts.

The first companies are the employers the demo members work at, with the organization
ids the demo ad accounts reference. Like the member population, a smaller population is
a prefix of a bigger one with the same seed. Domains use the reserved `.example` TLD."""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from dataclasses import dataclass

# (name, email domain, organization id): the demo members' employers, always first.
FIXED = (
    ("Northwind Traders", "northwind.example", 2_414_183),
    ("Contoso Analytics", "contoso.example", 1_035_553),
    ("Fabrikam Robotics", "fabrikam.example", 3_180_447),
    ("Tailspin Toys", "tailspin.example", 4_462_019),
    ("Litware Health", "litware.example", 5_093_876),
    ("Adatum Energy", "adatum.example", 6_250_131),
    ("Proseware Media", "proseware.example", 7_318_902),
    ("Wingtip Logistics", "wingtip.example", 8_004_215),
    ("Woodgrove Bank", "woodgrove.example", 9_571_640),
    ("Alpine Ski House", "alpineski.example", 10_226_385),
)
_FIRST = (
    "Apex", "Blue", "Bright", "Cedar", "Cobalt", "Copper", "Crest", "Delta", "Ember", "Evergreen",
    "Falcon", "Granite", "Harbor", "Horizon", "Iron", "Juniper", "Keystone", "Lantern", "Maple", "Meridian",
    "Nimbus", "North", "Oak", "Orbit", "Pioneer", "Prairie", "Quartz", "Redwood", "Ridge", "Silver",
    "Summit", "Tidal", "True", "Union", "Vertex", "Willow", "Zenith", "Atlas", "Beacon", "Coral",
)
_SECOND = (
    "Analytics", "Bio", "Capital", "Cloud", "Data", "Dynamics", "Energy", "Foods", "Freight", "Health",
    "Labs", "Logic", "Media", "Metrics", "Motors", "Networks", "Partners", "Pharma", "Robotics", "Security",
    "Software", "Solutions", "Systems", "Textiles", "Works",
)
_SUFFIX = ("", "", "", " Group", " Holdings", " International", " Global", " Inc.", " GmbH", " Ltd")
INDUSTRIES = (
    "Software Development", "Financial Services", "Hospitals and Health Care", "Manufacturing",
    "Retail", "IT Services and IT Consulting", "Advertising Services", "Transportation, Logistics, Supply Chain and Storage",
    "Oil and Gas", "Biotechnology Research", "Banking", "Food and Beverage Services", "Motor Vehicle Manufacturing",
    "Telecommunications", "Higher Education", "Insurance", "Real Estate", "Media Production",
)
PLACES = (
    ("San Francisco", "CA", "US", "94105"), ("New York", "NY", "US", "10001"), ("Austin", "TX", "US", "73301"),
    ("Chicago", "IL", "US", "60601"), ("Seattle", "WA", "US", "98101"), ("Boston", "MA", "US", "02108"),
    ("London", "England", "GB", "EC1A 1BB"), ("Manchester", "England", "GB", "M1 1AE"),
    ("Berlin", "Berlin", "DE", "10115"), ("Munich", "Bavaria", "DE", "80331"), ("Paris", "Ile-de-France", "FR", "75001"),
    ("Amsterdam", "North Holland", "NL", "1012"), ("Bengaluru", "Karnataka", "IN", "560001"),
    ("Sao Paulo", "SP", "BR", "01000-000"), ("Toronto", "ON", "CA", "M5H 2N2"), ("Sydney", "NSW", "AU", "2000"),
    ("Tokyo", "Tokyo", "JP", "100-0001"), ("Madrid", "Madrid", "ES", "28001"), ("Stockholm", "Stockholm", "SE", "111 20"),
)
OPT_OUT_SHARE = 0.04  # members who opted out of being targeted: never in an audience size


@dataclass(frozen=True, kw_only=True)
class Company:
    """One organization as LinkedIn knows it."""

    id: int  # organization id
    name: str
    website_domain: str
    email_domain: str
    slug: str  # the vanity name in its page URL
    ticker: str  # "" when not listed
    industry: str
    city: str
    state: str
    country: str
    postal_code: str
    members: int  # LinkedIn members who work there
    name_matchable: bool  # LinkedIn's fuzzy name match finds it from its name alone

    @property
    def urn(self) -> str:
        return f"urn:li:organization:{self.id}"

    @property
    def page_url(self) -> str:
        return f"https://www.linkedin.com/company/{self.slug}"

    @property
    def targetable(self) -> int:
        """Members who count in an audience size: opted-out members are left out."""
        return self.members - int(self.members * OPT_OUT_SHARE)


def slugify(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def _members(rng: random.Random) -> int:
    # Log-uniform from a few dozen to ~200,000 members, like real company sizes.
    return int(10 ** rng.uniform(1.4, 5.3))


def _fixed(rng: random.Random, index: int) -> Company:
    name, domain, org_id = FIXED[index]
    city, state, country, postal = PLACES[index % len(PLACES)]
    return Company(
        id=org_id, name=name, website_domain=domain, email_domain=domain, slug=slugify(name),
        ticker="", industry=INDUSTRIES[index % len(INDUSTRIES)], city=city, state=state, country=country,
        postal_code=postal, members=2_000 + rng.randrange(40_000), name_matchable=True,
    )


def generate(seed: int, size: int) -> list[Company]:
    """`size` companies (at least the fixed ones), the same for the same seed."""
    rng = random.Random(f"companies:{seed}")
    out = [_fixed(rng, i) for i in range(min(size, len(FIXED)))]
    names = {c.name for c in out}
    domains = {c.website_domain for c in out}
    tickers: set[str] = set()
    ids = {c.id for c in out}
    while len(out) < size:
        first, second = rng.choice(_FIRST), rng.choice(_SECOND)
        base = f"{first} {second}"
        suffix = rng.choice(_SUFFIX)
        name = base + suffix
        domain = f"{first}{second}".lower() + ".example"
        n = 1
        while name in names or domain in domains:
            n += 1
            name = f"{base} {n}{suffix}"
            domain = f"{first}{second}{n}".lower() + ".example"
        org_id = rng.randrange(11_000_000, 99_000_000)
        while org_id in ids:
            org_id = rng.randrange(11_000_000, 99_000_000)
        # One in five uses another domain for email than for its website.
        email_domain = domain if rng.random() < 0.8 else domain.replace(".example", "-mail.example")
        ticker = ""
        if rng.random() < 0.15:
            ticker = (first[:2] + second[:2]).upper()
            while ticker in tickers:
                ticker = "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") for _ in range(4))
            tickers.add(ticker)
        city, state, country, postal = rng.choice(PLACES)
        names.add(name)
        domains.add(domain)
        ids.add(org_id)
        out.append(Company(
            id=org_id, name=name, website_domain=domain, email_domain=email_domain,
            slug=slugify(base if n == 1 else f"{base} {n}"), ticker=ticker, industry=rng.choice(INDUSTRIES),
            city=city, state=state, country=country, postal_code=postal, members=_members(rng),
            name_matchable=rng.random() < 0.7,
        ))
    return out


class Companies:
    """All companies, in generation order, with lookups by organization id."""

    def __init__(self, companies: list[Company]) -> None:
        self.companies: tuple[Company, ...] = tuple(companies)
        self._by_id = {c.id: i for i, c in enumerate(self.companies)}

    @classmethod
    def generate(cls, *, seed: int, size: int) -> Companies:
        return cls(generate(seed, size))

    def __len__(self) -> int:
        return len(self.companies)

    def __iter__(self) -> Iterator[Company]:
        return iter(self.companies)

    def __getitem__(self, index: int) -> Company:
        return self.companies[index]

    def index_of(self, organization_id: int) -> int | None:
        return self._by_id.get(organization_id)

    def employers(self) -> list[tuple[str, str]]:
        """(name, email domain) of every company, for the member population."""
        return [(c.name, c.email_domain) for c in self.companies]
