"""A deterministic synthetic population of LinkedIn members (seeded, stdlib only).

Uploaded hashes will later be matched against these people, so each carries every key
LinkedIn matches on: email, name, employer, title, country and an Android ad id."""

from __future__ import annotations

import random
import string
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

_ALNUM = string.ascii_letters + string.digits

FIRST_NAMES = (
    "Aaliyah", "Adrian", "Aiko", "Alejandro", "Amara", "Andrei", "Anika", "Arjun", "Beatriz", "Bilal",
    "Camille", "Carlos", "Chen", "Chloe", "Dario", "Deepa", "Elena", "Emeka", "Emma", "Farah",
    "Felix", "Fatima", "Gabriel", "Grace", "Hana", "Hugo", "Ines", "Isaac", "Jana", "Javier",
    "Jin", "Johanna", "Kai", "Kemal", "Laila", "Lars", "Leila", "Liam", "Lucia", "Malik",
    "Maya", "Mateo", "Mei", "Mohammed", "Nadia", "Nikolai", "Nora", "Olivia", "Omar", "Priya",
    "Rafael", "Rosa", "Sam", "Sara", "Sofia", "Tariq", "Thandiwe", "Tomas", "Yara", "Yusuf",
)
LAST_NAMES = (
    "Adeyemi", "Andersson", "Bauer", "Becker", "Chen", "Costa", "Dubois", "Fernandez", "Fischer", "Garcia",
    "Gupta", "Haddad", "Hansen", "Ito", "Jansen", "Kim", "Kowalski", "Kumar", "Larsen", "Lee",
    "Lopez", "Martin", "Moreau", "Muller", "Nakamura", "Nguyen", "Novak", "Okafor", "Olsen", "Patel",
    "Perez", "Rossi", "Santos", "Schmidt", "Silva", "Singh", "Smith", "Tanaka", "Turner", "Wagner",
)
TITLES = (
    "Marketing Manager", "Growth Lead", "Data Analyst", "Software Engineer", "Product Manager",
    "Head of Demand Generation", "Account Executive", "CFO", "CEO", "VP Sales", "HR Business Partner",
    "Operations Director", "UX Designer", "Brand Strategist", "Customer Success Manager",
)
# Employers until the companies module supplies real ones: (name, email domain).
EMPLOYERS = (
    ("Northwind Traders", "northwind.example"),
    ("Contoso Analytics", "contoso.example"),
    ("Fabrikam Robotics", "fabrikam.example"),
    ("Tailspin Toys", "tailspin.example"),
    ("Litware Health", "litware.example"),
    ("Adatum Energy", "adatum.example"),
    ("Proseware Media", "proseware.example"),
    ("Wingtip Logistics", "wingtip.example"),
    ("Woodgrove Bank", "woodgrove.example"),
    ("Alpine Ski House", "alpineski.example"),
)
COUNTRIES = ("US", "US", "US", "GB", "DE", "FR", "IN", "BR", "NL", "CA", "AU", "JP", "ES", "SE")
FREE_MAIL = ("gmail.example", "outlook.example", "proton.example")


@dataclass(frozen=True, kw_only=True)
class Member:
    """One LinkedIn member as the sandbox knows them."""

    id: str  # LinkedIn's person id: short, alphanumeric, case-sensitive
    first_name: str
    last_name: str
    email: str
    employer: str
    title: str
    country: str  # ISO 3166 alpha-2
    android_ad_id: str  # lower-case, like GOOGLE_AID values

    @property
    def urn(self) -> str:
        return f"urn:li:person:{self.id}"

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"


# The three people who can sign in on the consent screen, fixed so demos can name them.
AVERY = Member(
    id="Av3ryAn4ly", first_name="Avery", last_name="Analyst", email="avery.analyst@northwind.example",
    employer="Northwind Traders", title="Marketing Analyst", country="US",
    android_ad_id="a7e1c2d4-0b5f-4e6a-9c3d-1f2e3a4b5c6d",
)
VIC = Member(
    id="V1cV1ewer0", first_name="Vic", last_name="Viewer", email="vic.viewer@contoso.example",
    employer="Contoso Analytics", title="Brand Strategist", country="GB",
    android_ad_id="b8f2d3e5-1c6a-4f7b-8d4e-2a3b4c5d6e7f",
)
NOA = Member(
    id="N0aNewc0mr", first_name="Noa", last_name="Newcomer", email="noa.newcomer@fabrikam.example",
    employer="Fabrikam Robotics", title="Growth Lead", country="NL",
    android_ad_id="c9a3e4f6-2d7b-4a8c-9e5f-3b4c5d6e7f80",
)
DEMO_MEMBERS: tuple[Member, ...] = (AVERY, VIC, NOA)


def person_id(rng: random.Random) -> str:
    """A 10-character alphanumeric person id."""
    return "".join(rng.choice(_ALNUM) for _ in range(10))


def android_ad_id(rng: random.Random) -> str:
    """A version-4 style UUID in lower case, the shape of a Google advertising id."""
    h = f"{rng.getrandbits(128):032x}"
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[rng.randrange(4)]}{h[17:20]}-{h[20:]}"


def generate_members(
    rng: random.Random,
    count: int,
    *,
    employers: Sequence[tuple[str, str]] = EMPLOYERS,
    taken_ids: Iterable[str] = (),
    taken_emails: Iterable[str] = (),
) -> list[Member]:
    """`count` distinct synthetic members; the same rng state gives the same people."""
    ids, emails = set(taken_ids), set(taken_emails)
    people: list[Member] = []
    while len(people) < count:
        pid = person_id(rng)
        if pid in ids:
            continue
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        employer, domain = rng.choice(employers)
        if rng.random() < 0.3:  # some people register with a personal address
            domain = rng.choice(FREE_MAIL)
        local = f"{first}.{last}".lower()
        email, n = f"{local}@{domain}", 1
        while email in emails:
            n += 1
            email = f"{local}{n}@{domain}"
        ids.add(pid)
        emails.add(email)
        people.append(
            Member(
                id=pid, first_name=first, last_name=last, email=email, employer=employer,
                title=rng.choice(TITLES), country=rng.choice(COUNTRIES), android_ad_id=android_ad_id(rng),
            )
        )
    return people


class Population:
    """All members, demo members first, with lookups by id, URN and email."""

    def __init__(self, members: Sequence[Member], *, demo: Sequence[Member] = DEMO_MEMBERS) -> None:
        self.demo: tuple[Member, ...] = tuple(demo)
        self.members: tuple[Member, ...] = tuple(members)
        self._by_id = {m.id: m for m in self.members}
        self._by_email = {m.email: m for m in self.members}

    @classmethod
    def generate(cls, *, seed: int, size: int) -> Population:
        """The demo members plus `size` seeded synthetic ones."""
        rng = random.Random(f"population:{seed}")
        others = generate_members(
            rng, size, taken_ids=(m.id for m in DEMO_MEMBERS), taken_emails=(m.email for m in DEMO_MEMBERS)
        )
        return cls([*DEMO_MEMBERS, *others])

    def __len__(self) -> int:
        return len(self.members)

    def __iter__(self):
        return iter(self.members)

    def get(self, member_id: str) -> Member | None:
        """A member by person id or `urn:li:person:` URN."""
        return self._by_id.get(member_id.removeprefix("urn:li:person:"))

    def by_email(self, email: str) -> Member | None:
        return self._by_email.get(email.strip().lower())
