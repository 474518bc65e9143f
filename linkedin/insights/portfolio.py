"""A member's whole portfolio: every ad account and every segment in it, fast (MA-102..MA-104).

One segment finder call per account (no start/count: all segments at once), the calls
run concurrently within a small bound, and results are cached per member for a short
time so moving between pages costs nothing. The cache lives in the library, so the CLI,
a notebook and every browser tab of the same member share it. It is keyed by the
member's URN (or the session id when LinkedIn did not say who the member is) and the
API's address: never by a token.
"""

from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from typing import Any, Callable, Iterable

import pandas as pd

from linkedin.api import accounts as accounts_mod, segments as segments_mod
from linkedin.api.accounts import Account, AccountList
from linkedin.api.client import Client
from linkedin.api.connection import Connection
from linkedin.api.errors import AuthError, LinkedInError, NotFound, PermissionDenied
from linkedin.api.segment_numbers import COUNTS_WINDOW_DAYS
from linkedin.api.segments import Segment
from linkedin.insights.history import History

log = logging.getLogger(__name__)

MAX_WORKERS = 6  # concurrent finder calls: fast, yet far from LinkedIn's per-minute limits
TTL_SECONDS = 120.0  # how long a read stays fresh; the Refresh button forgets it sooner


@dataclass(frozen=True)
class AccountSegments:
    """The segments of one account as read at ``loaded_at``, or why they could not be read."""

    account: Account
    segments: tuple[Segment, ...] = ()
    loaded_at: float = 0.0
    error: str | None = None
    problems: tuple[str, ...] = ()


@dataclass(frozen=True)
class Portfolio:
    """Accounts and their segments; ``loaded_at`` is the oldest reading in it (epoch s)."""

    accounts: AccountList
    parts: tuple[AccountSegments, ...]
    loaded_at: float

    def items(self) -> list[tuple[Account, Segment]]:
        return [(part.account, seg) for part in self.parts for seg in part.segments]

    @property
    def segment_count(self) -> int:
        return sum(len(p.segments) for p in self.parts)

    @property
    def problems(self) -> list[str]:
        """Everything that could not be read, in sentences; the rest of the page still renders."""
        out = list(self.accounts.problems)
        for part in self.parts:
            if part.error:
                out.append(part.error)
            out.extend(part.problems)
            for seg in part.segments:
                out.extend(f"Segment {seg.name} ({seg.id}): {note}." for note in seg.notes)
        return out

    def find(self, segment_id: int) -> tuple[Account, Segment] | None:
        for account, seg in self.items():
            if seg.id == segment_id:
                return account, seg
        return None

    def frame(self) -> pd.DataFrame:
        """One row per segment, for tables and charts (columns: ``COLUMNS``)."""
        return frame(self.items())


# input_count, matched_count and match_rate cover LinkedIn's last COUNTS_WINDOW_DAYS of uploads
# (no_recent_uploads: an audience without them); audience_size covers everything uploaded.
# readiness is the label of both facts (targetable, serving), readiness_text adds why.
COLUMNS = (
    "account", "account_id", "account_urn", "role", "segment_id", "name", "type", "source_platform", "ours",
    "status", "input_count", "matched_count", "match_rate", "match_rate_text", "audience_size", "readiness", "ready", "why",
    "created", "last_modified", "destination_segment_urn",
    "counts_window_days", "no_recent_uploads", "targetable", "serving", "readiness_text",
)


def _time(ms: int | None) -> datetime | None:
    return datetime.fromtimestamp(ms / 1000, timezone.utc) if ms else None


def frame(items: Iterable[tuple[Account, Segment]]) -> pd.DataFrame:
    rows = []
    for account, seg in items:
        ready = seg.readiness
        rows.append({
            "account": account.name,
            "account_id": account.id,
            "account_urn": account.urn,
            "role": account.role,
            "segment_id": seg.id,
            "name": seg.name,
            "type": seg.type_label,
            "source_platform": seg.source_platform or "",
            "ours": seg.ours,
            "status": seg.status or "none",
            "input_count": seg.input_count,
            "matched_count": seg.matched_count,
            "match_rate": seg.match_rate,
            "match_rate_text": seg.match_rate_text,
            "audience_size": seg.audience_size,
            "readiness": ready.label,
            "ready": ready.ready,
            "why": ready.reason,
            "created": _time(seg.created_ms),
            "last_modified": _time(seg.last_modified_ms),
            "destination_segment_urn": seg.destination_segment_urn or "",
            "counts_window_days": COUNTS_WINDOW_DAYS,
            "no_recent_uploads": seg.no_recent_uploads,
            "targetable": ready.targetable,
            "serving": ready.serving,
            "readiness_text": ready.text,
        })
    out = pd.DataFrame(rows, columns=list(COLUMNS))
    for col in ("input_count", "matched_count", "audience_size"):
        out[col] = out[col].astype("Int64")
    out["match_rate"] = out["match_rate"].astype("Float64")
    return out


def select(
    df: pd.DataFrame,
    *,
    statuses: Iterable[str] = (),
    readiness: Iterable[str] = (),
    text: str = "",
    ours_only: bool = False,
) -> pd.DataFrame:
    """The rows of ``frame`` passing the page's filters (empty filters let everything through)."""
    keep = pd.Series(True, index=df.index)
    statuses, readiness = list(statuses), list(readiness)
    if statuses:
        keep &= df["status"].isin(statuses)
    if readiness:
        keep &= df["readiness"].isin(readiness)
    needle = text.strip().lower()
    if needle:
        keep &= df["name"].str.lower().str.contains(needle, regex=False) | df["segment_id"].astype(str).str.contains(needle, regex=False)
    if ours_only:
        keep &= df["ours"]
    return df[keep].reset_index(drop=True)


def member_key(connection: Connection) -> str:
    """Whose data this is: the API's address and the member URN, else the session id.

    The key of the member's cached portfolio, sign-off runs and upload runs."""
    row = connection.store.connection(connection.sid) or {}
    return key_of(connection.settings.api_base_url, row.get("member_urn") or f"session:{connection.sid}")


def key_of(api_base_url: str, who: str) -> str:
    """A member key from the API's address and who the member is (a URN, or ``session:<sid>``)."""
    return f"{api_base_url}|{who}"


def _explain(account: Account, err: LinkedInError) -> str:
    if isinstance(err, PermissionDenied):
        return (f"{account.label}: LinkedIn refused to list its audiences (HTTP 403): you may have lost access "
                "to this account, or the app lacks the Audiences permission.")
    if isinstance(err, NotFound):
        return f"{account.label}: LinkedIn does not know this account any more (HTTP 404)."
    return f"{account.label}: its audiences could not be read. {err.explain()}"


def read_account(client: Client, account: Account, *, clock: Callable[[], float] = time.time) -> AccountSegments:
    """One finder call for one account; a failure is kept as a sentence (AuthError propagates)."""
    try:
        found, problems = segments_mod.find_by_account(client, account.urn)
    except AuthError:
        raise
    except LinkedInError as err:
        log.info("segments of account %s: %s", account.id, type(err).__name__)
        return AccountSegments(account, (), clock(), _explain(account, err))
    return AccountSegments(account, tuple(found), clock(), None, tuple(problems))


def read_accounts(
    client: Client,
    accounts: Iterable[Account],
    *,
    workers: int = MAX_WORKERS,
    clock: Callable[[], float] = time.time,
) -> list[AccountSegments]:
    """The segments of many accounts, ``workers`` finder calls at a time, in the given order."""
    todo = list(accounts)
    if not todo:
        return []
    if len(todo) == 1 or workers <= 1:
        return [read_account(client, a, clock=clock) for a in todo]
    with ThreadPoolExecutor(max_workers=min(workers, len(todo)), thread_name_prefix="segments") as pool:
        return list(pool.map(lambda a: read_account(client, a, clock=clock), todo))


@dataclass
class _Entry:
    value: Any
    at: float


@dataclass
class Portfolios:
    """The per-member cache of accounts and per-account segments, with a short TTL.

    ``accounts`` and ``portfolio`` read LinkedIn only for what is missing or stale;
    ``forget`` drops a member's entries (the Refresh button). Segment reads are written
    to ``History`` when one is given. Safe to share between threads and sessions.
    """

    ttl: float = TTL_SECONDS
    workers: int = MAX_WORKERS
    clock: Callable[[], float] = time.time
    _entries: dict[tuple, _Entry] = field(default_factory=dict, repr=False)
    _locks: dict[str, threading.Lock] = field(default_factory=dict, repr=False)
    _guard: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def _lock(self, key: str) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(key, threading.Lock())

    def _put(self, entry_key: tuple, entry: _Entry) -> None:
        with self._guard:
            self._entries[entry_key] = entry

    def _fresh(self, entry_key: tuple) -> _Entry | None:
        with self._guard:
            entry = self._entries.get(entry_key)
        if entry is not None and self.clock() - entry.at < self.ttl:
            return entry
        return None

    def _prune(self) -> None:
        now = self.clock()
        with self._guard:
            for k in [k for k, e in self._entries.items() if now - e.at >= self.ttl]:
                del self._entries[k]

    def clear(self) -> None:
        """Drop everything (tests, and a sandbox reset)."""
        with self._guard:
            self._entries.clear()

    def forget(self, key: str) -> None:
        """Drop everything cached for one member, so the next read goes to LinkedIn."""
        with self._guard:
            for k in [k for k in self._entries if k[0] == key]:
                del self._entries[k]

    def replace(self, key: str, segment_id: int, segment: Segment | None) -> None:
        """Put a freshly read segment into the cached list of its account (None: it is gone)."""
        with self._guard:
            for k, entry in self._entries.items():
                if k[0] != key or k[1] != "segments":
                    continue
                part: AccountSegments = entry.value
                if any(s.id == segment_id for s in part.segments):
                    kept = tuple(
                        segment if s.id == segment_id else s
                        for s in part.segments
                        if s.id != segment_id or segment is not None
                    )
                    entry.value = replace(part, segments=kept)
                    return

    def age(self, key: str) -> float | None:
        """Seconds since the oldest cached reading of this member, None if nothing is cached."""
        with self._guard:
            times = [e.at for k, e in self._entries.items() if k[0] == key]
        return self.clock() - min(times) if times else None

    def accounts(self, client: Client, key: str, *, refresh: bool = False) -> tuple[AccountList, float]:
        """The member's accounts and when they were read."""
        with self._lock(key):
            if refresh:
                self.forget(key)
            entry = self._fresh((key, "accounts"))
            if entry is None:
                self._prune()
                entry = _Entry(accounts_mod.load(client), self.clock())
                self._put((key, "accounts"), entry)
            return entry.value, entry.at

    def portfolio(
        self,
        client: Client,
        key: str,
        *,
        account_urns: Iterable[str] | None = None,
        refresh: bool = False,
        history: History | None = None,
    ) -> Portfolio:
        """Accounts and the segments of ``account_urns`` (all accounts when None)."""
        listing, accounts_at = self.accounts(client, key, refresh=refresh)
        wanted = list(listing.accounts)
        if account_urns is not None:
            chosen = set(account_urns)
            wanted = [a for a in wanted if a.urn in chosen]
        with self._lock(key):
            parts: dict[str, AccountSegments] = {}
            missing = []
            for account in wanted:
                entry = self._fresh((key, "segments", account.urn))
                if entry is None:
                    missing.append(account)
                else:
                    parts[account.urn] = entry.value
            if missing:
                read = read_accounts(client, missing, workers=self.workers, clock=self.clock)
                for part in read:
                    self._put((key, "segments", part.account.urn), _Entry(part, part.loaded_at))
                    parts[part.account.urn] = part
                if history is not None:
                    try:
                        history.record([s for p in read for s in p.segments])
                    except Exception:  # history is a convenience: a full disk must not hide the data
                        log.exception("could not record segment snapshots")
        ordered = tuple(parts[a.urn] for a in wanted)
        loaded_at = min([accounts_at, *(p.loaded_at for p in ordered)])
        return Portfolio(listing, ordered, loaded_at)


CACHE = Portfolios()


def accounts_of(connection: Connection, *, refresh: bool = False, cache: Portfolios = CACHE) -> tuple[AccountList, float]:
    """The connected member's accounts (cached), and when they were read."""
    return cache.accounts(connection.client(), member_key(connection), refresh=refresh)


def portfolio_of(
    connection: Connection,
    *,
    account_urns: Iterable[str] | None = None,
    refresh: bool = False,
    cache: Portfolios = CACHE,
) -> Portfolio:
    """The connected member's accounts and segments (cached), snapshots kept in its store."""
    return cache.portfolio(
        connection.client(),
        member_key(connection),
        account_urns=account_urns,
        refresh=refresh,
        history=History(connection.store, linkedin=connection.settings.api_base_url),
    )


def reread(connection: Connection, segment_id: int, *, cache: Portfolios = CACHE) -> Segment:
    """One segment fresh from LinkedIn (the detail view), snapshotted; NotFound if deleted.

    The cached list is updated too, so the table agrees with the detail.
    """
    key = member_key(connection)
    try:
        seg = segments_mod.get(connection.client(), segment_id)
    except NotFound:
        cache.replace(key, segment_id, None)
        raise
    History(connection.store, linkedin=connection.settings.api_base_url).record([seg])
    cache.replace(key, segment_id, seg)
    return seg
