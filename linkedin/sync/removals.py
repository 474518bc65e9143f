"""What a removal takes away: who and how much before it is sent, and its undo after.

A removal (``remove``, or a ``mirror`` that drops members) can take most of a segment in one
click. Before it is sent, ``preview`` says what share of the segment, as this app sent it (the
ledger), goes, and who: the first rows of the table being removed, or, for members that are in
no row (a mirror drops what the table no longer has), a sample of the ledger's identities.
Past ``CONFIRM_SHARE`` a front door asks for more than a click (the page: the segment's name,
typed).

After it is sent, ``Removed`` keeps the identity of each member LinkedIn accepted to remove
(what the ledger held and then forgets: hashed emails and ad ids for people, company
identifiers for companies), so that ``plan_undo`` / ``start_undo`` can add them back without
the file. A member known only by plain-text fields (names, never stored) cannot be rebuilt: it
is counted, not guessed. Extra plain-text fields sent with the first ADD (titles, industries)
are not sent again. Identities are kept ``KEPT_SECONDS``.

    preview = removals.preview(store, prepared, plan, segment_id, linkedin=api_base_url)
    preview.share, preview.rows, preview.sample, preview.needs_typed_confirmation
    undo = removals.plan_undo(store, run, linkedin=api_base_url)   # after the run: who can come back
    undo_id = removals.start_undo(store, undo, owner=me)    # an ADD run of them, no file needed
    Sender(client, store, kind=run.kind).run(undo_id, removals.source(store, run.segment_id, linkedin=api_base_url))
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any, Iterable, Mapping

import numpy as np
import pyarrow.compute as pc

from linkedin.store import Store
from linkedin.sync.ledger import Ledger, by_name
from linkedin.sync.plans import Keys, Plan
from linkedin.sync.runs import Run, Uploads
from linkedin.tables import keyarrays
from linkedin.tables.prepared import Prepared

CONFIRM_SHARE = 0.25  # above this share of the segment (as the app sent it), a click is not enough
UNDO_MODE = "undo"  # the mode of a run that adds back what another run removed
KEPT_SECONDS = 30 * 86400.0
SAMPLE = 10


def describe(ids: Mapping[str, Any]) -> str:
    """A stored identity in one line, hashes shortened: "SHA256_EMAIL 3f2a9c0d…", "companyName Acme"."""
    parts = []
    for entry in ids.get("userIds") or []:
        if isinstance(entry, dict):
            value = str(entry.get("idValue", ""))
            parts.append(f"{entry.get('idType', '?')} {value[:12] + '…' if len(value) > 16 else value}")
    parts += [f"{field} {value}" for field, value in ids.items() if field != "userIds" and value]
    return " · ".join(parts) or "no identifier kept (known by name only)"


@dataclass(frozen=True)
class Preview:
    """Who a plan removes, and how much of the segment that is."""

    removing: int  # members the plan removes
    sent_by_app: int  # of which the app had sent (in the ledger)
    ledger_size: int  # members the app sent to the segment before the plan
    rows: tuple[int, ...]  # the first removed rows of the table (row numbers as the spreadsheet shows them)
    sample: tuple[tuple[str, str], ...]  # (key, identity in words) of removed members in no row of the table

    @property
    def share(self) -> float:
        """The part of the segment, as this app sent it, that goes (0 when the app sent nothing)."""
        return self.sent_by_app / self.ledger_size if self.ledger_size else 0.0

    @property
    def needs_typed_confirmation(self) -> bool:
        return self.share > CONFIRM_SHARE


def preview(store: Store, prepared: Prepared, plan: Plan, segment_id: str | int, *, linkedin: str,
            n: int = SAMPLE) -> Preview:
    """What ``plan`` removes: the share of the ledger, the first rows, a sample of the others."""
    removing = plan.remove
    rows: tuple[int, ...] = ()
    in_table = 0
    if removing and len(prepared):
        mask = pc.is_in(prepared.keys, value_set=removing.arrow())
        picked = np.asarray(mask.to_numpy(zero_copy_only=False), dtype=bool)
        in_table = int(picked.sum())
        rows = tuple(int(r) for r in np.sort(np.asarray(prepared.rows)[picked])[:n])
    sample: tuple[tuple[str, str], ...] = ()
    if len(removing) > in_table:
        table_keys = Keys(prepared.keys).hexes if in_table else Keys().hexes
        others = list(keyarrays.strings(removing.hexes[~keyarrays.isin(removing.hexes, table_keys)][:n]))
        found = Ledger(store, linkedin=linkedin).identities(segment_id, others)
        sample = tuple((k, describe(found[k]) if k in found else "not sent by this app") for k in others)
    return Preview(len(removing), plan.removed_from_ledger, plan.ledger_size, rows, sample)


class Removed:
    """The ``removed`` table: (linkedin, segment_id, key) -> the identity LinkedIn accepted to
    remove, and when; one ``Removed`` reads and writes the rows of one LinkedIn (its API address),
    like the ledger."""

    def __init__(self, store: Store, *, linkedin: str) -> None:
        if not linkedin:
            raise ValueError("removals belong to one LinkedIn: give its API address")
        self.store = store
        self.linkedin = linkedin
        with store.lock:
            store.db["removed"].create({"linkedin": str, "segment_id": str, "key": str, "ids": str,
                                        "removed_at": float},
                                       pk=("linkedin", "segment_id", "key"), if_not_exists=True)

    def record(self, segment_id: str | int, entries: Iterable[tuple[str, Mapping[str, Any]]], *,
               now: float | None = None) -> None:
        """Keep the identities of accepted removals; forget those older than ``KEPT_SECONDS``.

        A person known by name only is not kept: their plain fields are never written here (the
        ledger keeps them sealed, and forgets them with the member), so an undo counts them."""
        now = time.time() if now is None else now
        rows = [{"linkedin": self.linkedin, "segment_id": str(segment_id), "key": k,
                 "ids": json.dumps(dict(ids), sort_keys=True), "removed_at": now}
                for k, ids in entries if ids and not by_name(ids)]
        with self.store.lock, self.store.db.atomic():
            self.store.db.execute("delete from removed where removed_at < ?", [now - KEPT_SECONDS])
            if rows:
                self.store.db["removed"].upsert_all(rows, pk=("linkedin", "segment_id", "key"), batch_size=1000)

    def identities(self, segment_id: str | int, keys: Iterable[str]) -> dict[str, dict[str, Any]]:
        """The kept identity of each of ``keys`` removed from the segment, read in chunks under
        sqlite's limit of bound variables."""
        wanted = list(keys)
        found: dict[str, dict[str, Any]] = {}
        with self.store.lock:
            for start in range(0, len(wanted), 900):
                chunk = wanted[start:start + 900]
                rows = self.store.db.execute(
                    f"select key, ids from removed where linkedin = ? and segment_id = ? and key in "
                    f"({','.join('?' * len(chunk))})", [self.linkedin, str(segment_id), *chunk]).fetchall()
                found.update((key, json.loads(ids)) for key, ids in rows)
        return found


@dataclass(frozen=True)
class UndoPlan:
    """Who a run removed, and which of them can be added back without the file."""

    run: Run  # the run being undone
    keys: frozenset[str]  # removed and rebuildable from what was kept: added back
    back_already: int  # removed, but in the segment again (sent since)
    not_rebuildable: int  # removed, but known by plain-text fields only (or kept no longer)

    @property
    def removed(self) -> int:
        return len(self.keys) + self.back_already + self.not_rebuildable


def plan_undo(store: Store, run: Run, *, linkedin: str) -> UndoPlan:
    """What adding back ``run``'s accepted removals would send."""
    # The run's removals and the segment's keys are read a part at a time, as S64 arrays: a
    # mirror that removed a million members makes no string or answer per key until ``gone``.
    accepted = [hexes for status, action, hexes in Uploads(store).key_parts(run.id)
                if action == "REMOVE" and status == "accepted"]
    removed = keyarrays.sorted_unique(np.concatenate(accepted)) if accepted else np.zeros(0, keyarrays.DTYPE)
    gone = list(keyarrays.strings(removed[~Ledger(store, linkedin=linkedin).holds(run.segment_id, removed)]))
    kept = Removed(store, linkedin=linkedin).identities(run.segment_id, gone)
    keys = frozenset(k for k in gone if kept.get(k))
    return UndoPlan(run, keys, len(removed) - len(gone), len(gone) - len(keys))


def start_undo(store: Store, undo: UndoPlan, *, owner: str) -> str:
    """Write down an ADD run of ``undo.keys`` for ``owner`` (the undone run's owner only)."""
    if undo.run.owner != owner:
        raise ValueError("only the member who ran an upload can undo it")
    if not undo.keys:
        raise ValueError("nothing to add back: no removed member can be rebuilt without the file")
    run = undo.run
    return Uploads(store).create(owner=owner, segment_id=run.segment_id, segment_name=run.segment_name,
                                 account=run.account, kind=run.kind, mode=UNDO_MODE,
                                 items=[(k, "ADD") for k in sorted(undo.keys)], needs_file=False)


def source(store: Store, segment_id: str | int, *, linkedin: str):
    """The elements of an undo run: each key's kept identity (an ``ElementSource`` for ``Sender.run``)."""
    removed = Removed(store, linkedin=linkedin)

    def build(keys: list[str]) -> dict[str, dict]:
        return {k: ids for k, ids in removed.identities(segment_id, keys).items() if ids}

    return build
