"""What a segment holds: the people or companies uploaded to it, with live counts.

A USER segment stores one record per person element, found by any of its ids
(`"SHA256_EMAIL"` -> hex, `"GOOGLE_AID"` -> value, ...): adding an element that shares
an id with a stored person merges into that person; removing by any id removes the
person. A COMPANY segment stores one record per distinct set of identifiers (its key,
see `company_key`). Only hashes and identifiers are stored, never a raw email.

Counts are kept as elements arrive, so a million-row upload never recounts:
`input` = records stored, `matched` = records that matched a member (or company),
`audience` = distinct matched members who did not opt out; for companies, the
targetable members employed at the distinct matched companies (linkedin-api.md §5.4)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

NO_MATCH = -1
_MISSING = object()
COMPANY_KEY_FIELDS = ("organizationUrn", "companyPageUrl", "companyWebsiteDomain", "companyEmailDomain", "companyName")


@dataclass(frozen=True)
class Counts:
    input: int = 0
    matched: int = 0
    audience: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.input + other.input, self.matched + other.matched, self.audience + other.audience)


class _Person:
    """A person stored under more than one id."""

    __slots__ = ("member", "ids")

    def __init__(self, member: int, ids: list[tuple[str, str]]) -> None:
        self.member = member
        self.ids = ids


class _Tally:
    """Records and matches, with the audience as the weight of distinct matched targets."""

    def __init__(self, weight: Callable[[int], int]) -> None:
        self.weight = weight  # what one distinct matched target adds to the audience
        self.records = 0
        self.matched = 0
        self.audience = 0
        self._refs: dict[int, int] = {}  # target -> records matched to it

    def add(self, target: int) -> None:
        self.records += 1
        self.match(target, +1)

    def drop(self, target: int) -> None:
        self.records -= 1
        self.match(target, -1)

    def match(self, target: int, delta: int) -> None:
        if target < 0:
            return
        self.matched += delta
        refs = self._refs.get(target, 0) + delta
        if refs <= 0:
            self._refs.pop(target, None)
            self.audience -= self.weight(target)
        else:
            if refs == 1 and delta > 0:
                self.audience += self.weight(target)
            self._refs[target] = refs

    def targets(self) -> list[int]:
        return sorted(self._refs)

    def counts(self) -> Counts:
        return Counts(self.records, self.matched, self.audience)


class UserMembership:
    """The people of a USER segment."""

    kind = "USER"

    def __init__(self, *, targetable: Callable[[int], bool]) -> None:
        self._by_type: dict[str, dict[str, Any]] = {}  # idType -> idValue -> member index | _Person
        self.tally = _Tally(lambda m: 1 if targetable(m) else 0)

    def counts(self) -> Counts:
        return self.tally.counts()

    def add(self, ids: list[tuple[str, str]], member: int) -> None:
        """ADD one person (ids already validated); a re-ADD changes nothing."""
        by_type = self._by_type
        if len(ids) == 1:  # the common case, kept lean for million-row uploads
            id_type, value = ids[0]
            table = by_type.get(id_type)
            if table is None:
                table = by_type[id_type] = {}
            old = table.get(value, _MISSING)
            if old is _MISSING:
                table[value] = member
                self.tally.add(member)
            elif isinstance(old, int):
                if old < 0 <= member:
                    table[value] = member
                    self.tally.match(member, +1)
            elif old.member < 0 <= member:
                old.member = member
                self.tally.match(member, +1)
            return
        found = None
        for id_type, value in ids:
            old = by_type.get(id_type, {}).get(value, _MISSING)
            if old is not _MISSING:
                found = (id_type, value, old)
                break
        if found is None:
            person = _Person(member, list(ids))
            for id_type, value in ids:
                by_type.setdefault(id_type, {})[value] = person
            self.tally.add(member)
            return
        id_type, value, old = found
        person = old if isinstance(old, _Person) else _Person(old, [(id_type, value)])
        by_type[id_type][value] = person
        for other_type, other in ids:
            table = by_type.setdefault(other_type, {})
            if other not in table:
                table[other] = person
                person.ids.append((other_type, other))
        if person.member < 0 <= member:
            person.member = member
            self.tally.match(member, +1)

    def remove(self, ids: list[tuple[str, str]]) -> None:
        """REMOVE the person any of these ids belongs to; unknown ids change nothing."""
        for id_type, value in ids:
            table = self._by_type.get(id_type)
            old = _MISSING if table is None else table.pop(value, _MISSING)
            if old is _MISSING:
                continue
            if isinstance(old, _Person):
                for other_type, other in old.ids:
                    self._by_type[other_type].pop(other, None)
                self.tally.drop(old.member)
            else:
                self.tally.drop(old)

    def keys(self) -> dict[str, list[str]]:
        """Every stored id by idType, sorted: hashes and ad ids only."""
        return {t: sorted(table) for t, table in sorted(self._by_type.items()) if table}

    def members(self) -> list[int]:
        """Indexes of the distinct members matched."""
        return self.tally.targets()


def company_key(element: dict[str, Any]) -> str:
    """One company element's identity: its identifiers, normalized, in a fixed order
    (`"companyWebsiteDomain=acme.example|companyName=acme"`)."""
    parts = []
    for name in COMPANY_KEY_FIELDS:
        value = element.get(name)
        if value:
            value = value.strip()
            value = " ".join(value.casefold().split()) if name == "companyName" else value.lower()
            if name in ("companyWebsiteDomain", "companyEmailDomain") and value.startswith("www."):
                value = value[4:]
            parts.append(f"{name}={value}")
    return "|".join(parts)


class CompanyMembership:
    """The companies of a COMPANY segment."""

    kind = "COMPANY"

    def __init__(self, *, targetable_members: Callable[[int], int]) -> None:
        self._records: dict[str, int] = {}  # company key -> company index or NO_MATCH
        self._keys_of: dict[int, set[str]] = {}  # company index -> keys matched to it
        self.tally = _Tally(targetable_members)

    def counts(self) -> Counts:
        return self.tally.counts()

    def add(self, key: str, company: int) -> None:
        old = self._records.get(key, _MISSING)
        if old is _MISSING:
            self._records[key] = company
            self.tally.add(company)
        elif old < 0 <= company:
            self._records[key] = company
            self.tally.match(company, +1)
        else:
            return
        if company >= 0:
            self._keys_of.setdefault(company, set()).add(key)

    def remove(self, key: str, company: int) -> None:
        """REMOVE by the same identifiers, else every record matched to the same company."""
        keys = [key] if key in self._records else sorted(self._keys_of.get(company, ())) if company >= 0 else []
        for k in keys:
            old = self._records.pop(k)
            self.tally.drop(old)
            if old >= 0:
                self._keys_of[old].discard(k)
                if not self._keys_of[old]:
                    del self._keys_of[old]

    def keys(self) -> list[str]:
        return sorted(self._records)

    def companies(self) -> list[int]:
        """Indexes of the distinct companies matched."""
        return self.tally.targets()
