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
from typing import Any, Iterable, Iterator, Mapping

import numpy as np
import pyarrow as pa

from linkedin.store import Store
from linkedin.sync.plans import Keys, Plan
from linkedin.tables import keyarrays
from linkedin.tables.adids import ad_id
from linkedin.tables.elements import KEY_ONLY, joined

# One encoder for every identity kept: ``json.dumps`` with options builds a new one per call.
_encode = json.JSONEncoder(sort_keys=True).encode
# A value JSON writes as it is (hashes, ad ids, LinkedIn's idTypes): no escaping to think of.
_BARE = re.compile(r"[A-Za-z0-9_-]+")
MODES = ("add", "remove", "mirror")
PART = 5000  # keys a part of the ledger holds at most (a batch of LinkedIn's)
COMPACT_AT = 16  # small parts (half full or less) meeting one batch: then they are merged
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


def _one_id(kind: str, value: str) -> str:
    """A person kept by one bare id (letters, digits, _ and -), as the encoder writes it (a test
    says so): the common identity, written from this template by ``kept``, ``_kept_all`` and,
    for the mark ``KEY_ONLY`` (the key as the one SHA256_EMAIL), by ``stored``."""
    return f'{{"userIds": [{{"idType": "{kind}", "idValue": "{value}"}}]}}'


def _words(keys: bytes) -> bytes:
    """A part's keys' first eight bytes, as the ``prefixes`` column keeps them."""
    return keyarrays.prefixes(np.frombuffer(keys, keyarrays.DTYPE)).tobytes()


def _bound(key: bytes) -> bytes:
    """A key as a part's lowest or highest one is stored: its 64 bytes, as sqlite compares them."""
    return bytes(key).ljust(keyarrays.WIDTH, b"\0")


class Ledger:
    """The ``ledger_parts`` table, per LinkedIn (``linkedin``: its API address) and segment: the
    keys LinkedIn accepted and each one's identity, a part at a time.

    A part is what one batch's answers added: its keys end to end (``S64``), their identities
    as the ledger keeps them (``kept``), one a line, and its lowest and highest key. A person
    whose one id is the key as SHA256_EMAIL (most of a contact file) is the line ``KEY_ONLY``,
    which ``stored`` writes back from the key: the identity again took ~100 bytes a member, and
    the commit of a batch 0.58 µs a member where it now takes 0.33. Writing a batch of 5,000 is
    one row, where a row a key cost ~2.5 s of sqlite's work a million (``bench/upload.py
    --profile``). A key is in one part of its segment at most: an addition
    first takes any key it repeats out of the parts that hold it, and a removal rewrites the
    parts that hold its keys without them (the old rows are overwritten: ``secure_delete``), so
    a person's sealed names go with them at once. Only parts whose range of keys meets the
    batch's are looked at (a run's batches go in key order, so each meets a few), and of those
    only the ones holding one of its keys' first eight bytes (``prefixes``, 8 bytes a key) are
    read whole: a later run's new keys meet every part of a big segment, and hold none."""

    def __init__(self, store: Store, *, linkedin: str) -> None:
        if not linkedin:
            raise ValueError("a ledger belongs to one LinkedIn: give its API address")
        self.store = store
        self.linkedin = linkedin
        with store.lock:
            db = store.db
            db["ledger_parts"].create(
                {"id": int, "linkedin": str, "segment_id": str, "n": int, "lo": bytes, "hi": bytes,
                 "sent_at": float, "keys": bytes, "ids": str, "prefixes": bytes},
                pk="id", if_not_exists=True,
            )
            db["ledger_parts"].create_index(["linkedin", "segment_id", "id"], if_not_exists=True)
            if "prefixes" not in db["ledger_parts"].columns_dict:
                self._add_prefixes()
            if "ledger" in db.table_names():
                if "linkedin" not in db["ledger"].columns_dict:
                    self._migrate()
                self._into_parts()

    def _add_prefixes(self) -> None:
        """Parts written before their keys' prefixes were kept get them, a part at a time."""
        db = self.store.db
        with db.atomic():
            db["ledger_parts"].add_column("prefixes", bytes)
            rows = db.execute("select id, keys from ledger_parts")
            while batch := rows.fetchmany(64):
                db.conn.executemany("update ledger_parts set prefixes = ? where id = ?",
                                    [(_words(keys), part) for part, keys in batch])

    def _migrate(self) -> None:
        """Rows from before the ledger was per LinkedIn: each takes the address its segment's
        upload runs went to, else this opener's."""
        db = self.store.db
        by_segment, _ = self.store.linkedin_of_runs()
        with db.atomic():
            db["ledger"].add_column("linkedin", str)
            db.conn.executemany("update ledger set linkedin = ? where segment_id = ? and linkedin is null",
                                [(base, seg) for seg, base in by_segment.items()])
            db.execute("update ledger set linkedin = ? where linkedin is null", [self.linkedin])

    def _into_parts(self) -> None:
        """The ledger as it was, a row a key, written as parts (in key order), then dropped."""
        db = self.store.db
        with db.atomic():
            for linkedin, segment in db.execute("select distinct linkedin, segment_id from ledger").fetchall():
                rows = db.execute("select key, ids from ledger where linkedin = ? and segment_id = ? order by key",
                                  [linkedin, segment])
                while chunk := rows.fetchmany(PART):  # a part at a time: never the whole ledger in memory
                    self._insert(linkedin, segment, keyarrays.as_bytes([k for k, _ in chunk]),
                                 [ids for _, ids in chunk])
            db["ledger"].drop()

    # reading ---------------------------------------------------------------------------

    def _where(self, segment_id: str | int) -> tuple[str, list[Any]]:
        return "linkedin = ? and segment_id = ?", [self.linkedin, str(segment_id)]

    def keys(self, segment_id: str | int) -> set[str]:
        """The segment's keys as strings (for the few callers that want a set)."""
        return set(keyarrays.strings(self.key_bytes(segment_id)))

    def key_bytes(self, segment_id: str | int) -> np.ndarray:
        """The segment's keys as one sorted ``S64`` array (no Python object per key)."""
        parts = list(self._key_parts(segment_id))
        return keyarrays.sorted_unique(np.concatenate(parts)) if parts else np.zeros(0, keyarrays.DTYPE)

    def holds(self, segment_id: str | int, hexes: np.ndarray) -> np.ndarray:
        """Which of ``hexes`` (``S64``, sorted and distinct) the segment holds, as a mask, read a
        part at a time (never the segment's keys in one array)."""
        held = np.zeros(len(hexes), bool)
        for part in self._key_parts(segment_id):
            at = keyarrays.find(hexes, part)
            held[at[at >= 0]] = True
        return held

    def _key_parts(self, segment_id: str | int) -> Iterator[np.ndarray]:
        """The segment's keys a part at a time (each sorted, ``S64``; a key is in one part at most),
        read from the store as they are used."""
        where, args = self._where(segment_id)
        with self.store.lock:
            for (keys,) in self.store.db.execute(f"select keys from ledger_parts where {where}", args):
                yield np.frombuffer(keys, keyarrays.DTYPE)

    def version(self, segment_id: str | int) -> tuple[int, int]:
        """(keys, highest part id): changes whenever a key is added or forgotten (a part is
        written or rewritten), so a front door may keep a plan until it does."""
        where, args = self._where(segment_id)
        with self.store.lock:
            row = self.store.db.execute(f"select coalesce(sum(n), 0), coalesce(max(id), 0) from ledger_parts "
                                        f"where {where}", args).fetchone()
        return int(row[0]), int(row[1])

    def count(self, segment_id: str | int) -> int:
        return self.version(segment_id)[0]

    def _meeting(self, segment_id: str | int, hexes: np.ndarray) -> list[tuple[int, int, float, np.ndarray | None]]:
        """(id, n, sent_at, keys) of the segment's parts whose range meets that of ``hexes``
        (sorted). A part's keys are read only when one of its keys' first eight bytes is one of
        ``hexes``' (else None: it holds none of them): a batch of new keys into a segment of a
        million reads 8 bytes a key, not 64 (0.11 s a batch of 5,000 before)."""
        where, args = self._where(segment_id)
        db = self.store.db
        rows = db.execute(
            f"select id, n, sent_at, prefixes from ledger_parts where {where} and lo <= ? and hi >= ? order by id",
            [*args, _bound(hexes[-1]), _bound(hexes[0])]
        ).fetchall()
        wanted = keyarrays.prefixes(hexes)
        met = []
        for part, n, sent_at, words in rows:
            keys = None
            if words is None or keyarrays.meets(wanted, np.frombuffer(words, ">u8")):
                keys = np.frombuffer(db.execute("select keys from ledger_parts where id = ?", [part]).fetchone()[0],
                                     keyarrays.DTYPE)
            met.append((part, n, sent_at, keys))
        return met

    def stored(self, segment_id: str | int, keys: Iterable[str]) -> dict[str, str]:
        """Each key's identity as stored (``kept``'s text), for the keys the segment holds."""
        wanted = keyarrays.sorted_unique(keyarrays.as_bytes(list(keys)))
        if not len(wanted):
            return {}
        found: dict[str, str] = {}
        with self.store.lock:
            for part, _, _, hexes in self._meeting(segment_id, wanted):
                if hexes is None:
                    continue
                at = np.flatnonzero(keyarrays.isin(hexes, wanted))
                if len(at):
                    ids = self.store.db.execute("select ids from ledger_parts where id = ?", [part]).fetchone()[0]
                    lines = ids.split("\n")
                    for i in at.tolist():
                        key = hexes[i].decode("ascii")
                        found[key] = _one_id("SHA256_EMAIL", key) if lines[i] == KEY_ONLY else lines[i]
        return found

    def identities(self, segment_id: str | int, keys: Iterable[str]) -> dict[str, dict[str, Any]]:
        """The stored identity of each key (to build REMOVE elements for absent members)."""
        return {k: self._opened(json.loads(ids)) for k, ids in self.stored(segment_id, keys).items()}

    def _opened(self, stored: dict[str, Any]) -> dict[str, Any]:
        """A stored identity as sent; {} when it cannot say whom to remove (see the module)."""
        if SEALED in stored:
            plain = self.store.unseal(stored[SEALED])
            return json.loads(plain) if plain else {}
        return _current(stored)

    def kept(self, ids: Mapping[str, Any]) -> str:
        """An identity as the ledger keeps it: names sealed, identifiers as they are.

        The common one, a person by one id, is written from a template (the encoder's own text,
        a test says so) at a fraction of the encoder's cost per member of a million-row send."""
        user_ids = ids.get("userIds")
        if len(ids) == 1 and type(user_ids) is list and len(user_ids) == 1:
            one = user_ids[0]
            kind, value = one.get("idType"), one.get("idValue")
            if len(one) == 2 and type(kind) is str and type(value) is str and _BARE.fullmatch(kind + value):
                return _one_id(kind, value)
        text = _encode(ids)
        return _encode({SEALED: self.store.seal(text)}) if by_name(ids) else text

    def _kept_all(self, entries: list[tuple[str, Mapping[str, Any]]]) -> list[str]:
        """``kept`` of every entry, with the template's test made once for the batch: every id
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
                    texts.append(_one_id(kind, value))
                    continue
            texts.append(None)
        if bare and not _BARE.fullmatch("".join(bare)):  # something to escape: each on its own
            return [self.kept(ids) for _, ids in entries]
        return [self.kept(ids) if text is None else text for text, (_, ids) in zip(texts, entries)]

    # writing -----------------------------------------------------------------------------

    def _insert(self, linkedin: str, segment: str, hexes: np.ndarray, texts: "list[str] | pa.Array",
                sent_at: float | None = None) -> None:
        """New parts of keys and their stored identities (given in the same order), in key order."""
        texts = texts if isinstance(texts, pa.Array) else pa.array(texts, pa.string())
        order = keyarrays.order(hexes)
        if not bool((order == np.arange(len(order))).all()):
            hexes, texts = hexes[order], texts.take(pa.array(order))
        hexes = np.ascontiguousarray(hexes, keyarrays.DTYPE)
        now = time.time() if sent_at is None else sent_at
        rows = []
        for start in range(0, len(hexes), PART):
            part = hexes[start:start + PART]
            rows.append((linkedin, segment, len(part), _bound(part[0]), _bound(part[-1]), now, part.tobytes(),
                         joined(texts.slice(start, PART), b"\n").decode("utf-8"), keyarrays.prefixes(part).tobytes()))
        self.store.db.conn.executemany("insert into ledger_parts (linkedin, segment_id, n, lo, hi, sent_at, keys, ids, "
                                       "prefixes) values (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)

    def _forget(self, segment_id: str | int, hexes: np.ndarray) -> list[int]:
        """Take ``hexes`` (sorted) out of the parts that hold them: each such part is rewritten
        without them, or deleted when nothing is left. Returns the ids of the small parts (half
        full or less) that met their range and were left as they were."""
        if not len(hexes):
            return []
        db = self.store.db
        small = []
        for part, n, sent_at, keys in self._meeting(segment_id, hexes):
            gone = keyarrays.isin(keys, hexes) if keys is not None else None
            if gone is None or not gone.any():
                if 2 * n <= PART:
                    small.append(part)
                continue
            ids = db.execute("select ids from ledger_parts where id = ?", [part]).fetchone()[0]
            db.execute("delete from ledger_parts where id = ?", [part])
            keep = np.flatnonzero(~gone).tolist()
            if keep:
                lines = ids.split("\n")
                self._insert(self.linkedin, str(segment_id), keys[keep], [lines[i] for i in keep], sent_at)
        return small

    def _take(self, parts: list[int]) -> tuple[np.ndarray, pa.Array]:
        """The keys and kept texts of ``parts`` (ids), which are deleted: ``record_batch`` writes
        them again with its own, merged in key order (the compaction of small parts)."""
        db = self.store.db
        rows = []
        for start in range(0, len(parts), 900):  # under sqlite's limit of bound variables
            chunk = parts[start:start + 900]
            rows += db.execute(f"select keys, ids from ledger_parts where id in ({','.join('?' * len(chunk))})",
                               chunk).fetchall()
            db.execute(f"delete from ledger_parts where id in ({','.join('?' * len(chunk))})", chunk)
        if not rows:
            return np.zeros(0, keyarrays.DTYPE), pa.array([], pa.string())
        return (np.concatenate([np.frombuffer(keys, keyarrays.DTYPE) for keys, _ in rows]),
                pa.concat_arrays([pa.array(ids.split("\n"), pa.string()) for _, ids in rows]))

    def record(self, segment_id: str | int, action: str, entries: Iterable[tuple[str, Mapping[str, Any]]]) -> None:
        """Apply accepted elements: ADD stores the key and identity, REMOVE forgets the key (and
        so the sealed names of a person by name: the store overwrites deleted rows)."""
        entries = list(entries)
        if action == "ADD":
            self.record_kept(segment_id, list(zip([k for k, _ in entries], self._kept_all(entries))))
            return
        with self.store.lock, self.store.db.atomic():
            self._forget(segment_id, keyarrays.sorted_unique(keyarrays.as_bytes([k for k, _ in entries])))

    def record_kept(self, segment_id: str | int, entries: list[tuple[str, "str | Mapping[str, Any]"]]) -> None:
        """``record`` of additions whose identities are mostly written already as the ledger keeps
        them (``kept``'s text); an identity given as a mapping (a person by name) is kept here.
        A key added again takes its new identity."""
        if not entries:
            return
        last = {key: text for key, text in entries}  # a key twice in one batch: its last identity
        self.record_batch(segment_id, keyarrays.as_bytes(list(last)),
                          [text if type(text) is str else self.kept(text) for text in last.values()])

    def record_batch(self, segment_id: str | int, hexes: np.ndarray, texts: "list[str] | pa.Array") -> None:
        """Additions as the sender has them: distinct keys (``S64``) and their identities as the
        ledger keeps them, in the same order. A key added again takes its new identity.

        Compaction: many small runs leave many small parts, each spanning nearly every key, and
        every batch would look at them all; once ``COMPACT_AT`` parts half full or less meet a
        batch, they are written again with it, merged in key order. Only those: a part half
        full or more is never rewritten by it (the whole segment was, once any 16 parts met a
        batch: a later run's new keys meet every part of a segment sent in key order, and a
        million keys were rewritten at every batch, 0.63-0.71 s a batch of 5,000)."""
        if not len(hexes):
            return
        texts = texts if isinstance(texts, pa.Array) else pa.array(texts, pa.string())
        with self.store.lock, self.store.db.atomic():
            small = self._forget(segment_id, keyarrays.sorted_unique(hexes))
            if len(small) >= COMPACT_AT:
                merged, merged_texts = self._take(small)
                hexes, texts = np.concatenate([hexes, merged]), pa.concat_arrays([texts, merged_texts])
            self._insert(self.linkedin, str(segment_id), hexes, texts)

    def plan(self, segment_id: str | int, keys: Iterable[str], mode: str) -> Plan:
        """Adds, removes and unchanged for ``mode``: add (keys not sent yet), remove (every
        key of the table), mirror (make what the app sent equal to the table)."""
        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
        # The ledger is read a part at a time and each part's keys found in the table's: the
        # segment's keys in one sorted array, and the look-up's copies of it, were ~250 MB at the
        # replan after a million-key send (bench/browser_upload.py's peak, issue 16).
        table = Keys(keys).hexes
        in_sent = np.zeros(len(table), bool)
        size, gone = 0, []
        for part in self._key_parts(segment_id):
            at = keyarrays.find(table, part)
            in_sent[at[at >= 0]] = True
            size += len(part)
            if mode == "mirror":
                gone.append(part[at < 0])
        both = Keys.of_sorted(table[in_sent])
        if mode == "add":
            return Plan(mode, Keys.of_sorted(table[~in_sent]), Keys(), both, size, 0)
        if mode == "remove":
            # Removing a member LinkedIn does not have is harmless (201 "by design"), and the
            # segment may hold members another tool sent: remove every key of the table.
            return Plan(mode, Keys(), Keys.of_sorted(table), Keys(), size, len(both))
        gone_keys = Keys.of_sorted(keyarrays.sorted_unique(np.concatenate(gone))) if gone else Keys()
        return Plan(mode, Keys.of_sorted(table[~in_sent]), gone_keys, both, size, len(gone_keys))
