"""One sync of a prepared table into a segment: plan, run, resume, and the per-row results.

The layer the pages, the command line and the notebook API share: ``preparation``
turns a table into keyed elements, ``ledger`` says what would change, ``members``
sends it. This module ties them to one segment and maps LinkedIn's answers back to
the analyst's rows (duplicates and locally rejected rows included).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
import pandas as pd

from linkedin.api.accounts import Account, require_manageable
from linkedin.api.client import Client
from linkedin.store import Store
from linkedin.sync import removals
from linkedin.sync.ledger import Ledger, identity
from linkedin.sync.plans import Keys, Plan
from linkedin.sync.profiles import Profiles, profile_of
from linkedin.sync.runs import Run, Uploads
from linkedin.sync.sender import ElementSource, Encoded, Progress, Sender
from linkedin.tables.elements import joined
from linkedin.tables.prepared import Prepared

MIN_AUDIENCE = 300


@dataclass(frozen=True)
class Target:
    """The segment a table goes to."""

    segment_id: int
    name: str
    account_urn: str
    kind: str  # users | companies
    created_at: float | None = None  # set for a segment created moments ago
    audience_size: int | None = None  # LinkedIn's current figure, for the under-300 warning
    live: bool = False  # READY and serving
    account: Account | None = None  # the ad account as the front door read it: a closed one is refused
    ad_segment_urn: str | None = None  # LinkedIn's destination segment URN: what campaigns target


def plan(store: Store, prepared: Prepared, target: Target, mode: str, *, linkedin: str) -> Plan:
    """What ``mode`` would add, remove and leave alone, from ``linkedin``'s ledger (its API
    address): nothing is sent."""
    # A prepared table's keys are distinct, and its index (which the sender uses too) has them
    # in order: 0.04 s where sorting them again took 0.4-0.5 s a million keys.
    keys = Keys.of_sorted(prepared.key_index.in_order())
    return Ledger(store, linkedin=linkedin).plan(target.segment_id, keys, mode)


def warnings(plan_: Plan, target: Target) -> list[str]:
    """What the analyst should know before sending."""
    found = []
    if plan_.remove and target.live and plan_.size_after < MIN_AUDIENCE:
        found.append(
            f"After this sync the app will have sent {plan_.size_after:,} members to “{target.name}”: "
            f"a live segment under {MIN_AUDIENCE} matched members stops serving ads."
        )
    if plan_.mode == "mirror" and plan_.remove and not plan_.add and not plan_.unchanged:
        found.append("Mirror would remove every member the app sent to this segment: the table has none of them.")
    if plan_.mode == "remove" and plan_.removed_from_ledger < len(plan_.remove):
        found.append(
            f"{len(plan_.remove) - plan_.removed_from_ledger:,} of the rows to remove were never sent by this app; "
            "LinkedIn removes them if another tool added them, and ignores them otherwise."
        )
    return found


class TableSource:
    """Elements for ledger keys, from the prepared table in memory (an ``ElementSource``): found
    through the table's ``key_index`` (sorted arrays), not a dict of a million keys.

    ``encoded`` hands a batch of contacts' additions to the sender already in JSON, built from
    the table's columns (``tables.elements.element_texts``), when every key is in the table; the
    identity of a person by name (no ids) is handed over as a dict, which the ledger seals."""

    def __init__(self, prepared: Prepared, *, industries: str = "string", stock_symbol: bool = True) -> None:
        self.prepared = prepared
        self.industries = industries
        self.stock_symbol = stock_symbol

    def __call__(self, keys: list[str]) -> dict[str, dict]:
        present, built = self.prepared.elements_for_keys(keys, "ADD", industries=self.industries,
                                                         stock_symbol=self.stock_symbol)
        return dict(zip(present, built))  # each with "action": "ADD", which the sender keeps for an ADD

    def encoded(self, keys: list[str] | np.ndarray) -> Encoded | None:
        """The batch of additions for ``keys`` (strings, or ``S64`` as the sender has them) in JSON;
        None for companies or when a key is not in the table."""
        if self.prepared.kind != "users":
            return None
        texts = self.prepared.texts_for_keys(keys)
        if texts is None:
            return None
        elements, kept, named = texts
        return Encoded(b'{"elements": [' + joined(elements) + b"]}", kept,
                       {i: identity(element, "users") for i, element in named.items()})


def source(prepared: Prepared, *, industries: str = "string", stock_symbol: bool = True) -> TableSource:
    """Build elements for ledger keys from the prepared table in memory (see ``TableSource``)."""
    return TableSource(prepared, industries=industries, stock_symbol=stock_symbol)


def needs_file(prepared: Prepared) -> bool:
    """True unless every element of the table can be rebuilt from its ledger key alone.

    Only a table of SHA-256 emails (given raw or hashed) and nothing else qualifies: then
    each key *is* the SHA256_EMAIL sent. Names, titles, ad ids, SHA-512s and every company
    field are never stored, so a run that sent them needs the same file to resume."""
    if prepared.kind != "users" or prepared.email_keyed is None or not bool(prepared.email_keyed.all()):
        return True
    others = ("SHA512_EMAIL", "GOOGLE_AID", "APPLE_IDFA", "firstName", "lastName", "title", "company", "country")
    return bool(prepared.having(others).any())


def email_source(keys: list[str]) -> dict[str, dict]:
    """Elements rebuilt from keys alone, for runs that do not need their file: each key is the SHA-256 email."""
    return {k: {"userIds": [{"idType": "SHA256_EMAIL", "idValue": k}]} for k in keys}


def source_without_table(run: Run, store: Store | None = None, *, linkedin: str = "") -> ElementSource:
    """What a run can still send with no table: an undo run its kept identities (``removals``);
    everything when it does not need its file; otherwise nothing, so the sender builds
    removals from the ledger and pauses on additions."""
    if run.mode == removals.UNDO_MODE and store is not None and linkedin:
        return removals.source(store, run.segment_id, linkedin=linkedin)
    return email_source if run.kind == "users" and not run.needs_file else (lambda keys: {})


class Sync:
    """A sync of one prepared table into one segment, through one client."""

    def __init__(self, client: Client, store: Store, prepared: Prepared, target: Target, *,
                 industries: str = "string", stock_symbol: bool = True, sender: Sender | None = None) -> None:
        if prepared.kind != target.kind:
            raise ValueError(f"A table of {prepared.kind} cannot go to a segment of {target.kind}.")
        if target.account is not None:
            require_manageable(target.account)  # a closed account or a read-only role: refused before any call
        self.store = store
        self.linkedin = client.settings.api_base_url
        self.prepared = prepared
        self.target = target
        self.sender = sender or Sender(client, store, kind=target.kind)
        self.source = source(prepared, industries=industries, stock_symbol=stock_symbol)

    def plan(self, mode: str) -> Plan:
        return plan(self.store, self.prepared, self.target, mode, linkedin=self.linkedin)

    def start(self, plan_: Plan, *, owner: str) -> str:
        """Write the run down for ``owner`` (the member who starts it), with its profile (counts
        only, for the funnel and the identifier mix); returns its id."""
        run_id = self.sender.start(owner=owner, segment_id=self.target.segment_id, segment_name=self.target.name,
                                   account=self.target.account_urn, plan=plan_, needs_file=needs_file(self.prepared))
        Profiles(self.store).save(run_id, segment_id=self.target.segment_id, account=self.target.account_urn,
                                  profile=profile_of(self.prepared, plan_))
        return run_id

    def run(self, run_id: str, *, on_progress: Callable[[Progress], None] | None = None,
            should_stop: Callable[[], bool] | None = None) -> Run:
        return self.sender.run(run_id, self.source, segment_created_at=self.target.created_at,
                               on_progress=on_progress, should_stop=should_stop)


def results(prepared: Prepared, store: Store, run_id: str | None) -> pd.DataFrame:
    """One row per input row: what happened to it (sent and accepted, rejected by LinkedIn
    with its reason, rejected locally, a duplicate of another row, unchanged, or pending)."""
    sent = Uploads(store).results(run_id) if run_id else {}
    by_row: dict[int, tuple[str, str, object, str]] = {}
    for key, row in zip(prepared.keys.to_pylist(), prepared.rows.tolist()):
        if key in sent:
            action, status, http, message = sent[key]
            label = {"accepted": "accepted by LinkedIn", "rejected": "rejected by LinkedIn"}.get(status, status)
            by_row[row] = (action, label, http, message or "")
        else:
            by_row[row] = ("", "not sent (no change needed)", None, "")
    fanned = prepared.fan_out(by_row)
    kept_of = dict(zip(prepared.duplicates["row"], prepared.duplicates["kept_row"]))
    rows = []
    for row, (action, status, http, message) in fanned.items():
        if row in kept_of:
            message = f"duplicate of row {kept_of[row]}" + (f"; {message}" if message else "")
        rows.append({"row": row, "action": action, "result": status, "http_status": http, "message": message})
    rejected = prepared.quality.rejected
    for row, reason in zip(rejected["row"], rejected["reason"]):
        rows.append({"row": int(row), "action": "", "result": "rejected locally", "http_status": None, "message": reason})
    frame = pd.DataFrame(rows, columns=["row", "action", "result", "http_status", "message"])
    frame["http_status"] = frame["http_status"].astype("Int64")  # 201, never 201.0 beside rows without one
    return frame.sort_values("row", kind="stable").reset_index(drop=True)
