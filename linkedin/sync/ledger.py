"""The sync ledger: per segment, what the app sent and LinkedIn accepted, by hashed key.

A key is the SHA-256 of a member's canonical identity (see ``linkedin.tables.preparation``).
Beside each key the ledger keeps what a REMOVE of that member needs, so that a mirror sync
can remove members that are no longer in the table: the identifying part of the element
that was sent (hashed emails and ad ids for people; company identifiers for companies).

People known by name only (no email, no ad id) are identified by the plain fields sent
(first and last name, and title, company and country when given): LinkedIn can remove
them only by the same fields. The rule: those fields are kept, sealed with the store's key
(``Store.seal``, Fernet), never in the clear, and deleted with the member when LinkedIn
accepts the removal. A member whose identity cannot be read back (sent by name only
before names were kept, or sealed under a token key since changed) is not sent with
nothing to identify it: ``identities`` hands it back empty and the sender drops it from
the ledger with the reason, so a mirror always converges. Raw emails are never kept.
With the ledger the app can show what a sync would add, remove and leave alone before
anything is sent.

The ledger is per LinkedIn as well as per segment: ``linkedin`` is the API's address, so
a segment id the sandbox hands out again, or that real LinkedIn also uses, never meets
another LinkedIn's record. Rows from before (no address) take the address of the upload
runs that sent to their segment, else the first opener's (``Store.linkedin_of_runs``).
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass
from typing import Any, Iterable, Iterator, Mapping

import numpy as np
import pyarrow as pa

from linkedin.store import Store
from linkedin.tables import keyarrays
from linkedin.tables.adids import ad_id

# One encoder for every identity kept: ``json.dumps`` with options builds a new one per call.
_encode = json.JSONEncoder(sort_keys=True).encode
# A value JSON writes as it is (hashes, ad ids, LinkedIn's idTypes): no escaping to think of.
_BARE = re.compile(r"[A-Za-z0-9_-]+")
MODES = ("add", "remove", "mirror")
# The identifying fields of an element: what a REMOVE needs, and nothing personal in plain text.
USER_IDENTITY = ("userIds",)
NAME_IDENTITY = ("firstName", "lastName", "title", "company", "country")  # a person sent by name only: sealed
SEALED = "sealed"  # the stored identity of a person by name: {"sealed": Fernet token of the fields' JSON}
AD_ID_TYPES = ("GOOGLE_AID", "APPLE_IDFA")
COMPANY_IDENTITY = ("companyName", "companyWebsiteDomain", "companyEmailDomain", "organizationUrn", "companyPageUrl")


def identity(element: Mapping[str, Any], kind: str) -> dict[str, Any]:
    """The part of a LinkedIn element that identifies the member (no action, no extra fields):
    a person's ids, or every plain field of a person who has none (what LinkedIn matched)."""
    if kind == "users":
        fields = USER_IDENTITY if element.get("userIds") else NAME_IDENTITY
    else:
        fields = COMPANY_IDENTITY
    return {f: element[f] for f in fields if element.get(f) not in (None, "", [])}


def by_name(ids: Mapping[str, Any]) -> bool:
    """True for the identity of a person known by name only (kept sealed)."""
    return not ids.get("userIds") and any(f in ids for f in NAME_IDENTITY)


def _current(stored: dict[str, Any]) -> dict[str, Any]:
    """A stored identity in the form LinkedIn matches today: mobile ad ids recorded before the
    canonical 8-4-4-4-12 form (32 bare digits) are sent with their hyphens."""
    ids = stored.get("userIds")
    if not isinstance(ids, list):
        return stored
    shaped = [{**e, "idValue": ad_id(e["idValue"], e["idType"])}
              if isinstance(e, dict) and e.get("idType") in AD_ID_TYPES and isinstance(e.get("idValue"), str) else e
              for e in ids]
    return {**stored, "userIds": shaped}


class Keys:
    """A set of ledger keys, held sorted in one ``S64`` array (``tables.keyarrays``): a plan of a
    million keys holds a few arrays, not a million Python strings in frozensets. Sized, iterable
    (strings, in order) and comparable with a set; ``hexes`` and ``arrow()`` for columnar code."""

    __slots__ = ("hexes",)

    def __init__(self, keys: "Keys | pa.Array | Iterable[str]" = ()) -> None:
        if isinstance(keys, Keys):
            self.hexes = keys.hexes
        else:
            self.hexes = keyarrays.sorted_unique(keyarrays.as_bytes(keys))

    @classmethod
    def of_sorted(cls, hexes: np.ndarray) -> "Keys":
        """Keys already sorted and distinct (a part of another ``Keys``): no sort again."""
        made = cls.__new__(cls)
        made.hexes = hexes
        return made

    def __len__(self) -> int:
        return len(self.hexes)

    def __iter__(self) -> Iterator[str]:
        return keyarrays.strings(self.hexes)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and len(key) <= keyarrays.WIDTH and \
            bool(keyarrays.isin(keyarrays.as_bytes([key]), self.hexes)[0])

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Keys):
            return bool(np.array_equal(self.hexes, other.hexes))
        if isinstance(other, (set, frozenset)):
            return len(other) == len(self) and frozenset(self) == other
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Keys({len(self)} keys)"

    def arrow(self) -> pa.Array:
        """The keys as an Arrow string array (no copy for 64-character keys)."""
        return keyarrays.as_strings(self.hexes)

    def chunks(self, size: int) -> Iterator[list[str]]:
        """The keys in order as lists of at most ``size`` strings."""
        for start in range(0, len(self), size):
            yield list(keyarrays.strings(self.hexes[start:start + size]))


@dataclass(frozen=True)
class Plan:
    """What a sync would do, computed from the ledger before anything is sent. ``add``,
    ``remove`` and ``unchanged`` are ``Keys`` (any iterable of keys given is made one)."""

    mode: str
    add: Keys
    remove: Keys
    unchanged: Keys
    ledger_size: int
    removed_from_ledger: int  # how many of the removes the app had sent itself

    def __post_init__(self) -> None:
        for name in ("add", "remove", "unchanged"):
            if not isinstance(getattr(self, name), Keys):
                object.__setattr__(self, name, Keys(getattr(self, name)))

    @property
    def size_after(self) -> int:
        """Members the app will have sent to the segment once the plan is done."""
        return self.ledger_size + len(self.add) - self.removed_from_ledger

    def summary(self) -> dict[str, int]:
        return {"add": len(self.add), "remove": len(self.remove), "unchanged": len(self.unchanged),
                "in_ledger": self.ledger_size, "after": self.size_after}


def stored_ids(store: Store, table: str, linkedin: str, segment_id: str | int,
               keys: Iterable[str]) -> list[tuple[str, str]]:
    """(key, ids JSON) of ``keys`` in a per-LinkedIn, per-segment table of identities (the ledger,
    ``removals``' removed table), read in chunks under sqlite's limit of bound variables."""
    wanted = list(keys)
    found: list[tuple[str, str]] = []
    with store.lock:
        for start in range(0, len(wanted), 900):
            chunk = wanted[start:start + 900]
            marks = ",".join("?" * len(chunk))
            found.extend(store.db.execute(
                f"select key, ids from {table} where linkedin = ? and segment_id = ? and key in ({marks})",
                [linkedin, str(segment_id), *chunk]).fetchall())
    return found


class Ledger:
    """The ``ledger`` table: (linkedin, segment_id, key) -> identity JSON, time sent; one
    ``Ledger`` reads and writes the rows of one LinkedIn (``linkedin``: its API address)."""

    def __init__(self, store: Store, *, linkedin: str) -> None:
        if not linkedin:
            raise ValueError("a ledger belongs to one LinkedIn: give its API address")
        self.store = store
        self.linkedin = linkedin
        with store.lock:
            db = store.db
            if "ledger" in db.table_names() and "linkedin" not in db["ledger"].columns_dict:
                self._migrate()
            db["ledger"].create(
                {"linkedin": str, "segment_id": str, "key": str, "ids": str, "sent_at": float},
                pk=("linkedin", "segment_id", "key"),
                if_not_exists=True,
            )

    def _migrate(self) -> None:
        """Rows from before the ledger was per LinkedIn: each takes the address its segment's
        upload runs went to, else this opener's; the key becomes (linkedin, segment_id, key)."""
        db = self.store.db
        by_segment, _ = self.store.linkedin_of_runs()
        with db.atomic():
            db["ledger"].add_column("linkedin", str)
            db.conn.executemany("update ledger set linkedin = ? where segment_id = ? and linkedin is null",
                                [(base, seg) for seg, base in by_segment.items()])
            db.execute("update ledger set linkedin = ? where linkedin is null", [self.linkedin])
            db["ledger"].transform(pk=("linkedin", "segment_id", "key"),
                                   column_order=("linkedin", "segment_id", "key"))

    def keys(self, segment_id: str | int) -> set[str]:
        with self.store.lock:
            rows = self.store.db.execute("select key from ledger where linkedin = ? and segment_id = ?",
                                         [self.linkedin, str(segment_id)])
            return {r[0] for r in rows.fetchall()}

    def key_bytes(self, segment_id: str | int, *, chunk: int = 50_000) -> np.ndarray:
        """The segment's keys as one sorted ``S64`` array. Keys of 64 characters (SHA-256 hex: all
        of them but tests') come as one blob of them end to end (``group_concat``: a million in
        ~0.4 s against ~1.0 s as a million strings); others a chunk at a time."""
        parts = []
        with self.store.lock:
            n, shortest, longest, blob = self.store.db.execute(
                "select count(*), min(length(key)), max(length(key)), cast(group_concat(key, '') as blob) "
                "from ledger where linkedin = ? and segment_id = ?", [self.linkedin, str(segment_id)]).fetchone()
            if not n:
                return np.zeros(0, keyarrays.DTYPE)
            if shortest == longest == keyarrays.WIDTH and len(blob) == n * keyarrays.WIDTH:
                return keyarrays.sorted_unique(np.frombuffer(blob, keyarrays.DTYPE))
            del blob
            cursor = self.store.db.execute("select key from ledger where linkedin = ? and segment_id = ?",
                                           [self.linkedin, str(segment_id)])
            while rows := cursor.fetchmany(chunk):
                parts.append(keyarrays.as_bytes([r[0] for r in rows]))
        return keyarrays.sorted_unique(np.concatenate(parts)) if parts else np.zeros(0, keyarrays.DTYPE)

    def version(self, segment_id: str | int) -> tuple[int, int]:
        """(keys, highest rowid): changes whenever a key is added or forgotten, so a front door
        may keep a plan until it does (an upsert of a kept key keeps both, and the plan too)."""
        with self.store.lock:
            row = self.store.db.execute("select count(*), coalesce(max(rowid), 0) from ledger "
                                        "where linkedin = ? and segment_id = ?",
                                        [self.linkedin, str(segment_id)]).fetchone()
        return int(row[0]), int(row[1])

    def count(self, segment_id: str | int) -> int:
        with self.store.lock:
            return self.store.db["ledger"].count_where("linkedin = ? and segment_id = ?",
                                                       [self.linkedin, str(segment_id)])

    def identities(self, segment_id: str | int, keys: Iterable[str]) -> dict[str, dict[str, Any]]:
        """The stored identity of each key (to build REMOVE elements for absent members)."""
        rows = stored_ids(self.store, "ledger", self.linkedin, segment_id, keys)
        return {k: self._opened(json.loads(ids)) for k, ids in rows}

    def _opened(self, stored: dict[str, Any]) -> dict[str, Any]:
        """A stored identity as sent; {} when it cannot say whom to remove (see the module)."""
        if SEALED in stored:
            plain = self.store.unseal(stored[SEALED])
            return json.loads(plain) if plain else {}
        return _current(stored)

    def _kept(self, ids: Mapping[str, Any]) -> str:
        """An identity as the ledger keeps it: names sealed, identifiers as they are.

        The common one, a person by one id, is written from a template (the encoder's own text,
        a test says so) at a fraction of the encoder's cost per member of a million-row send."""
        user_ids = ids.get("userIds")
        if len(ids) == 1 and type(user_ids) is list and len(user_ids) == 1:
            one = user_ids[0]
            kind, value = one.get("idType"), one.get("idValue")
            if len(one) == 2 and type(kind) is str and type(value) is str and _BARE.fullmatch(kind + value):
                return f'{{"userIds": [{{"idType": "{kind}", "idValue": "{value}"}}]}}'
        text = _encode(ids)
        return _encode({SEALED: self.store.seal(text)}) if by_name(ids) else text

    def _kept_all(self, entries: list[tuple[str, Mapping[str, Any]]]) -> list[str]:
        """``_kept`` of every entry, with the template's test made once for the batch: every id
        type and value joined is bare exactly when each is (profiled: the call and the regex per
        member were ~3 µs of a contact's send)."""
        texts: list[str | None] = []
        bare: list[str] = []
        for _, ids in entries:
            user_ids = ids.get("userIds")
            if len(ids) == 1 and type(user_ids) is list and len(user_ids) == 1 and len(user_ids[0]) == 2:
                kind, value = user_ids[0].get("idType"), user_ids[0].get("idValue")
                if type(kind) is str and type(value) is str:
                    bare.append(kind)
                    bare.append(value)
                    texts.append(f'{{"userIds": [{{"idType": "{kind}", "idValue": "{value}"}}]}}')
                    continue
            texts.append(None)
        if bare and not _BARE.fullmatch("".join(bare)):  # something to escape: each on its own
            return [self._kept(ids) for _, ids in entries]
        return [self._kept(ids) if text is None else text for text, (_, ids) in zip(texts, entries)]

    def record(self, segment_id: str | int, action: str, entries: Iterable[tuple[str, Mapping[str, Any]]]) -> None:
        """Apply accepted elements: ADD stores the key and identity, REMOVE forgets the key (and
        so the sealed names of a person by name: the store overwrites deleted rows)."""
        seg = str(segment_id)
        now = time.time()
        entries = list(entries)
        with self.store.lock, self.store.db.atomic():
            if action == "ADD":  # one statement for the batch: sqlite-utils' upsert costs ~10 µs a row in Python
                self.store.db.conn.executemany(
                    "insert into ledger (linkedin, segment_id, key, ids, sent_at) values (?, ?, ?, ?, ?) "
                    "on conflict (linkedin, segment_id, key) do update set ids = excluded.ids, sent_at = excluded.sent_at",
                    [(self.linkedin, seg, k, text, now) for (k, _), text in zip(entries, self._kept_all(entries))],
                )
            else:
                self.store.db.conn.executemany(
                    "delete from ledger where linkedin = ? and segment_id = ? and key = ?",
                    [(self.linkedin, seg, k) for k, _ in entries]
                )

    def record_kept(self, segment_id: str | int, entries: list[tuple[str, "str | Mapping[str, Any]"]]) -> None:
        """``record`` of additions whose identities are mostly written already as the ledger keeps
        them (``_kept``'s text); an identity given as a mapping (a person by name) is kept here."""
        seg, now = str(segment_id), time.time()
        with self.store.lock, self.store.db.atomic():
            self.store.db.conn.executemany(
                "insert into ledger (linkedin, segment_id, key, ids, sent_at) values (?, ?, ?, ?, ?) "
                "on conflict (linkedin, segment_id, key) do update set ids = excluded.ids, sent_at = excluded.sent_at",
                [(self.linkedin, seg, k, text if type(text) is str else self._kept(text), now)
                 for k, text in entries],
            )

    def plan(self, segment_id: str | int, keys: Iterable[str], mode: str) -> Plan:
        """Adds, removes and unchanged for ``mode``: add (keys not sent yet), remove (every
        key of the table), mirror (make what the app sent equal to the table)."""
        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
        table = Keys(keys).hexes
        sent = self.key_bytes(segment_id)
        in_sent = keyarrays.isin(table, sent)
        both, size = Keys.of_sorted(table[in_sent]), len(sent)
        if mode == "add":
            return Plan(mode, Keys.of_sorted(table[~in_sent]), Keys(), both, size, 0)
        if mode == "remove":
            # Removing a member LinkedIn does not have is harmless (201 "by design"), and the
            # segment may hold members another tool sent: remove every key of the table.
            return Plan(mode, Keys(), Keys.of_sorted(table), Keys(), size, len(both))
        gone = Keys.of_sorted(sent[~keyarrays.isin(sent, table)])
        return Plan(mode, Keys.of_sorted(table[~in_sent]), gone, both, size, len(gone))
