"""A deterministic synthetic population of LinkedIn members (seeded, stdlib only).

Uploaded hashes are matched against these people (`matching.py`), so each carries every
key LinkedIn matches on: the email addresses LinkedIn knows, name, employer, title,
country, an Android advertising id and for some an Apple IDFA.

Realism that shows in match rates: everyone has a personal and a work address, but most
registered with the personal one, so a list of business emails matches worse than a list
of personal ones; a few members opted out of targeting and never count in an audience.
A population of N members is a prefix of a bigger one with the same seed, so data files
built from the first members match whatever size the sandbox runs with."""

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
# The demo companies (name, email domain); `companies.py` has these first, and more.
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


@dataclass(frozen=True, kw_only=True, slots=True)
class Member:
    """One LinkedIn member as the sandbox knows them."""

    id: str  # LinkedIn's person id: short, alphanumeric, case-sensitive
    first_name: str
    last_name: str
    email: str
    employer: str
    title: str
    country: str  # ISO 3166 alpha-2
    android_ad_id: str  # lower-case UUID; sent as GOOGLE_AID without its hyphens
    work_email: str = ""  # at the employer's email domain; LinkedIn may not know it
    other_emails: tuple[str, ...] = ()  # further addresses LinkedIn knows besides `email`
    apple_idfa: str = ""  # upper-case UUID, for members with an iPhone
    opted_out: bool = False  # opted out of targeting: matched, but never in an audience

    @property
    def known_emails(self) -> tuple[str, ...]:
        """Every address LinkedIn can match this member on, the primary first."""
        return (self.email, *self.other_emails)

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
    android_ad_id="a7e1c2d4-0b5f-4e6a-9c3d-1f2e3a4b5c6d", work_email="avery.analyst@northwind.example",
    other_emails=("avery.analyst@gmail.example",),
)
VIC = Member(
    id="V1cV1ewer0", first_name="Vic", last_name="Viewer", email="vic.viewer@contoso.example",
    employer="Contoso Analytics", title="Brand Strategist", country="GB",
    android_ad_id="b8f2d3e5-1c6a-4f7b-8d4e-2a3b4c5d6e7f", work_email="vic.viewer@contoso.example",
    apple_idfa="5D3E8A1C-7B2F-4C9D-A6E0-3F1B2C4D5E6A",
)
NOA = Member(
    id="N0aNewc0mr", first_name="Noa", last_name="Newcomer", email="noa.newcomer@fabrikam.example",
    employer="Fabrikam Robotics", title="Growth Lead", country="NL",
    android_ad_id="c9a3e4f6-2d7b-4a8c-9e5f-3b4c5d6e7f80", work_email="noa.newcomer@fabrikam.example",
)
DEMO_MEMBERS: tuple[Member, ...] = (AVERY, VIC, NOA)


_ID_BYTES = bytes((_ALNUM * 5)[:256], "ascii")


def person_id(rng: random.Random) -> str:
    """A 10-character alphanumeric person id."""
    return rng.randbytes(10).translate(_ID_BYTES).decode()


def _uuid(bits: int, variant: int) -> str:
    h = f"{bits:032x}"
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[variant]}{h[17:20]}-{h[20:]}"


def android_ad_id(rng: random.Random) -> str:
    """A version-4 style UUID in lower case, the shape of a Google advertising id."""
    return _uuid(rng.getrandbits(128), rng.randrange(4))


# Shares that make match rates realistic (see the module docstring).
PERSONAL_PRIMARY = 0.7  # registered with a personal address
WORK_ALSO_KNOWN = 0.25  # ... and added their work address too
PERSONAL_ALSO_KNOWN = 0.4  # registered with the work address and added a personal one
IPHONE = 0.4
OPTED_OUT = 0.05


def generate_members(
    rng: random.Random,
    count: int,
    *,
    employers: Sequence[tuple[str, str]] = EMPLOYERS,
    taken_ids: Iterable[str] = (),
    taken_emails: Iterable[str] = (),
) -> list[Member]:
    """`count` distinct synthetic members; the same rng state gives the same people.

    Half of the people work at the first ten employers (the demo companies), the rest
    anywhere in `employers`."""
    ids = set(taken_ids)
    taken = set(taken_emails)
    suffix_of: dict[str, int] = {}  # "first.last" -> how many people already use it
    people: list[Member] = []
    random_ = rng.random

    def choice(seq):  # rng.choice, without its overhead: this loop may run a million times
        return seq[int(random_() * len(seq))]

    head = employers[:10]
    while len(people) < count:
        pid = person_id(rng)
        if pid in ids:
            continue
        first, last = choice(FIRST_NAMES), choice(LAST_NAMES)
        employer, work_domain = choice(head) if random_() < 0.5 else choice(employers)
        base = f"{first}.{last}".lower()
        n = suffix_of.get(base, 0) + 1
        local = base if n == 1 else f"{base}{n}"
        personal, work = f"{local}@{choice(FREE_MAIL)}", f"{local}@{work_domain}"
        while personal in taken or work in taken:
            n += 1
            local = f"{base}{n}"
            personal, work = f"{local}@{choice(FREE_MAIL)}", f"{local}@{work_domain}"
        suffix_of[base] = n
        if random_() < PERSONAL_PRIMARY:
            email, others = personal, ((work,) if random_() < WORK_ALSO_KNOWN else ())
        else:
            email, others = work, ((personal,) if random_() < PERSONAL_ALSO_KNOWN else ())
        bits = rng.getrandbits(130)
        idfa = _uuid(rng.getrandbits(128), 1).upper() if random_() < IPHONE else ""
        ids.add(pid)
        people.append(
            Member(
                id=pid, first_name=first, last_name=last, email=email, employer=employer,
                title=choice(TITLES), country=choice(COUNTRIES), android_ad_id=_uuid(bits >> 2, bits & 3),
                work_email=work, other_emails=others, apple_idfa=idfa, opted_out=random_() < OPTED_OUT,
            )
        )
    return people


class Population:
    """All members, demo members first, with lookups by id, URN and email."""

    def __init__(self, members: Sequence[Member], *, demo: Sequence[Member] = DEMO_MEMBERS) -> None:
        self.demo: tuple[Member, ...] = tuple(demo)
        self.members: tuple[Member, ...] = tuple(members)
        self._by_id = {m.id: m for m in self.members}
        self._by_email = {e: m for m in self.members for e in m.known_emails}

    @classmethod
    def generate(
        cls, *, seed: int, size: int, employers: Sequence[tuple[str, str]] = EMPLOYERS
    ) -> Population:
        """The demo members plus `size` seeded synthetic ones working at `employers`
        ((name, email domain) pairs; the companies population's, in the sandbox)."""
        rng = random.Random(f"population:{seed}")
        taken = [e for m in DEMO_MEMBERS for e in (*m.known_emails, m.work_email)]
        others = generate_members(
            rng, size, employers=employers, taken_ids=(m.id for m in DEMO_MEMBERS), taken_emails=taken
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
        """The member LinkedIn knows this address for (any of their known addresses)."""
        return self._by_email.get(email.strip().lower())
