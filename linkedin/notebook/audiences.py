"""Matched Audiences from a notebook or a script: DataFrames in, DataFrames and small reports out.

``Audiences`` is the one way the command line (``python -m linkedin``) and notebooks do
things; it is a thin layer over the modules the app's pages use (``api``, ``tables``,
``sync``, ``insights``), adding what a caller without a UI needs: names resolved (an account by id,
URN or name; a segment by id), bad input refused in one sentence (``BadInput``, a
ValueError), the member's role checked before anything is written, a progress bar, and
an error that says how to sign in again (``SignInAgain``).

    from linkedin import Audiences
    aud = Audiences.sandbox()                 # or Audiences.connect() for LinkedIn
    aud.accounts(); aud.segments(account=...)
    aud.sync(df, segment=..., mode="mirror")
"""

from __future__ import annotations

import os
import time
import warnings
from dataclasses import replace
from typing import Any, Mapping

import pandas as pd

from linkedin.api import accounts as accounts_mod, segment_creation, segments as segments_mod, settings as config
from linkedin.api.accounts import Account
from linkedin.api.client import Client, RetryPolicy, TokenProvider, WatchedTokens
from linkedin.api.connection import Connection, identify
from linkedin.api.errors import NotFound, SignInAgain, consent_guard
from linkedin.api.segments import Segment
from linkedin.api.settings import Settings
from linkedin.demo.server import LocalSandbox
from linkedin.insights import charts
from linkedin.insights.history import History, frame as history_frame
from linkedin.insights.portfolio import Portfolios, frame as segments_frame, key_of, member_key
from linkedin.notebook import insight_frames, job as upload_job, login
from linkedin.notebook.health import token_health
from linkedin.notebook.inputs import BadInput, kind_of, segment_id
from linkedin.notebook.reports import Check, Health, SyncPlan, SyncResult, run_dict
from linkedin.store import Store
from linkedin.sync.runs import Run, Uploads
from linkedin.sync.upload import Sync, Target
from linkedin.tables.preparation import prepare
from linkedin.tables.prepared import Prepared

__all__ = ["Audiences"]

ACCOUNT_COLUMNS = ["id", "name", "status", "role", "can_manage", "type", "currency", "test", "urn"]
UPLOAD_COLUMNS = ["id", "segment_id", "segment_name", "account", "kind", "mode", "state", "total", "accepted",
                  "rejected", "pending", "needs_file", "resumable", "created", "updated", "message"]
_CACHE_KEY = "me"  # each Audiences has its own cache, so one key is enough


class Audiences:
    """One member's connection to LinkedIn (or the sandbox), and what can be done with it."""

    def __init__(self, settings: Settings, store: Store, tokens: TokenProvider, *, source: str = "store",
                 connection: Connection | None = None, sandbox: LocalSandbox | None = None,
                 retry: RetryPolicy | None = None) -> None:
        self.settings = settings
        self.store = store
        self.connection = connection
        self.source = source  # store | LINKEDIN_ACCESS_TOKEN | sandbox
        self.retry = retry or RetryPolicy()
        self._tokens = WatchedTokens(tokens)
        self._sandbox = sandbox
        self._cache = Portfolios()
        self._created: dict[int, float] = {}
        self._token_owner: str | None = None

    # connecting --------------------------------------------------------------------

    @classmethod
    def connect(cls, *, settings: Settings | None = None, store: Store | None = None, login_if_needed: bool = True,
                fresh: bool = False, member: str | None = None, open_browser: bool = True,
                environ: Mapping[str, str] | None = None, timeout: float = login.LOGIN_TIMEOUT) -> "Audiences":
        """LinkedIn as the CLI's stored login has it; else the browser consent (loopback redirect).

        ``LINKEDIN_ACCESS_TOKEN`` in the environment wins and bypasses the token store.
        ``fresh`` signs in again even when a login is stored; ``member`` answers the
        sandbox's consent screen as that demo member instead of opening a browser;
        ``login_if_needed=False`` raises SignInAgain instead of asking a person; ``timeout``
        is how long to wait for the consent in the browser, in seconds.
        """
        env = os.environ if environ is None else environ
        settings = settings or config.load(environ=env)
        store = store or Store(settings.db_path, token_key=settings.token_key)
        if not fresh and member is None:
            found = cls.stored(settings=settings, store=store, environ=env)
            if found.connection is None or found.connection.status().connected:
                return found
            if not login_if_needed:
                raise SignInAgain((found.connection.status().reason or "Not signed in to LinkedIn").rstrip("."))
        conn = login.sign_in(settings, store, member=member, open_browser=open_browser, environ=env, timeout=timeout)
        return cls(settings, store, conn, connection=conn)

    @classmethod
    def stored(cls, *, settings: Settings | None = None, store: Store | None = None,
               environ: Mapping[str, str] | None = None) -> "Audiences":
        """The stored login (or ``LINKEDIN_ACCESS_TOKEN``) as it is, without a call or a prompt.

        What the CLI uses: a login that needs a person surfaces as SignInAgain on the
        first call, and ``status()`` reports it."""
        settings, store, tokens, source = login.stored(settings=settings, store=store, environ=environ)
        return cls(settings, store, tokens, source=source, connection=tokens if source == "store" else None)

    @classmethod
    def sandbox(cls, url: str | None = None, *, member: str | None = None, store: Store | None = None,
                population: int | None = None, seed: int = 7) -> "Audiences":
        """The offline LinkedIn sandbox, signed in as a demo member (Avery Analyst by default).

        Without ``url`` a sandbox is started in this process on a free loopback port
        (``close()`` stops it); with ``url`` the one running there is used (for example
        ``python -m linkedin sandbox`` at http://127.0.0.1:8765). The store is in memory
        unless one is given, so a fresh sandbox never meets an old ledger.
        """
        settings, store, conn, server = login.sandbox_sign_in(url, member=member, store=store,
                                                              population=population, seed=seed)
        return cls(settings, store, conn, source="sandbox", connection=conn, sandbox=server)

    @property
    def control(self):
        """The sandbox's demo controls (clock, faults, token expiry); sandbox only."""
        from linkedin.demo.controls import SandboxControl

        if not self.settings.sandbox:
            raise BadInput("the demo controls exist only on the sandbox")
        return SandboxControl(self.settings.api_base_url)

    def close(self) -> None:
        """Stop the in-process sandbox, if this object started one."""
        if self._sandbox is not None:
            self._sandbox.stop()
            self._sandbox = None

    def __enter__(self) -> "Audiences":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Audiences({self.settings.api_base_url}, token from {self.source})"

    def client(self) -> Client:
        """A client for one job (its retry hooks are per sync)."""
        return Client(self.settings, self._tokens, retry=self.retry)

    @consent_guard
    def status(self) -> Health:
        """Who is connected, when the tokens expire, the scopes, and a live check (heartbeat)."""
        setup = tuple(config.problems(self.settings))
        if self.connection is None:
            return replace(self._token_health(), setup=setup)
        status = self.connection.status()
        if status.state == "disconnected":
            return Health("store", "disconnected", reason="Not signed in: run `python -m linkedin login`.", setup=setup)
        beat = self.connection.check(self.client()) if status.connected else None
        status = self.connection.status()
        token = status.token
        return Health(self.source, status.state, status.member_name, status.member_urn, token.access_expires_at,
                      token.refresh_expires_at, token.scopes, tuple(token.missing_scopes()), beat, status.reason,
                      setup)

    def _token_health(self) -> Health:
        """A given token: one API call and LinkedIn's introspection (no expiry is known otherwise)."""
        return token_health(self.source, self.settings, self.client(), self._tokens.inner.access_token())

    # reading -----------------------------------------------------------------------

    def _accounts(self, *, refresh: bool = False) -> accounts_mod.AccountList:
        return self._cache.accounts(self.client(), _CACHE_KEY, refresh=refresh)[0]

    @consent_guard
    def accounts(self, *, refresh: bool = False) -> pd.DataFrame:
        """Every ad account of the member: id, name, status, role, can_manage (+ type, currency, test, urn)."""
        listing = self._accounts(refresh=refresh)
        rows = [{"id": a.id, "name": a.name, "status": a.status, "role": a.role, "can_manage": a.can_manage,
                 "type": a.type, "currency": a.currency, "test": a.test, "urn": a.urn} for a in listing.accounts]
        frame = pd.DataFrame(rows, columns=ACCOUNT_COLUMNS)
        frame.attrs["problems"] = list(listing.problems)  # what LinkedIn sent that could not be read
        for problem in listing.problems:
            warnings.warn(problem, stacklevel=3)
        return frame

    @consent_guard
    def account(self, account: Any) -> Account:
        """One ad account by id, URN or exact name; BadInput when the member has no such account."""
        listing = self._accounts()
        text = str(account).strip()
        for a in listing.accounts:
            if text in (str(a.id), a.urn) or text.lower() == a.name.lower():
                return a
        raise BadInput(f"no ad account {text!r} among your {len(listing.accounts)} account(s) "
                       "(see `python -m linkedin accounts`)")

    @consent_guard
    def segments(self, account: Any = None, *, refresh: bool = False) -> pd.DataFrame:
        """Segments with status, counts, match rate and readiness: of one account, or of all of them.

        One account is read directly (a refusal raises); all accounts are read
        concurrently, and an account that cannot be read is a warning, not an error.
        """
        history = self._history()
        if account is None:
            pf = self._cache.portfolio(self.client(), _CACHE_KEY, refresh=refresh, history=history)
            for problem in pf.problems:
                warnings.warn(problem, stacklevel=3)
            frame = pf.frame()
            frame.attrs["problems"] = pf.problems
            return frame
        acc = self.account(account)
        found, problems = segments_mod.find_by_account(self.client(), acc.urn)
        history.record(found)
        problems += [f"Segment {s.name} ({s.id}): {note}." for s in found for note in s.notes]
        frame = segments_frame((acc, s) for s in found)
        frame.attrs["problems"] = problems
        for problem in problems:
            warnings.warn(problem, stacklevel=3)
        return frame

    @consent_guard
    def segment(self, segment: Any) -> Segment:
        """One segment, fresh from LinkedIn (a history snapshot is kept)."""
        seg_id = segment_id(segment)
        try:
            found = segments_mod.get(self.client(), seg_id)
        except NotFound:
            raise BadInput(f"segment {seg_id}: LinkedIn has no segment with this id that you can see") from None
        self._history().record([found])
        return found

    @consent_guard
    def history(self, segment: Any, *, refresh: bool = True) -> pd.DataFrame:
        """The segment's snapshots, oldest first (``refresh`` reads it now first, adding one); empty
        when the segment is in none of your ad accounts, whoever else's history this store keeps."""
        seg_id = self.segment(segment).id if refresh else segment_id(segment)
        return history_frame(self._history().of(seg_id, accounts=self._account_urns()))

    def _history(self) -> History:
        """The segment history of the LinkedIn this object talks to (its API address)."""
        return History(self.store, linkedin=self.settings.api_base_url)

    def _account_urns(self) -> set[str]:
        return {a.urn for a in self._accounts().accounts}

    def _owner(self) -> str:
        """Whose upload runs these are: the connected member, keyed as the app keys them
        (``insights.portfolio.member_key``), so the app, the CLI and notebooks of one member
        see the same runs and no one else's. For a ``LINKEDIN_ACCESS_TOKEN``, the member
        LinkedIn names as the token's holder (one call, remembered)."""
        if self.connection is not None:
            return member_key(self.connection)
        if self._token_owner is None:
            urn, _ = identify(self.client(), ("r_ads",))
            if urn is None:
                raise BadInput(f"LinkedIn did not say whose {login.TOKEN_ENV} this is (the member has no ad account "
                               "role, or LinkedIn did not answer), so its upload runs cannot be told apart "
                               "from other members'")
            self._token_owner = key_of(self.settings.api_base_url, urn)
        return self._token_owner

    def uploads(self, *, limit: int = 50) -> pd.DataFrame:
        """Your latest upload runs, newest first, with what is still pending (other members' are not listed)."""
        rows = [run_dict(r) for r in Uploads(self.store).latest(self._owner(), limit=limit)]
        frame = pd.DataFrame(rows, columns=UPLOAD_COLUMNS)
        for col in ("created", "updated"):
            frame[col] = pd.to_datetime(frame[col], utc=True)
        return frame

    def upload(self, run_id: str) -> Run:
        """One of your upload runs; BadInput when you have no such run (another member's is not yours)."""
        run = Uploads(self.store).owned(self._owner(), str(run_id))
        if run is None:
            raise BadInput(f"no upload run {run_id!r} of yours in {self.settings.db_path} "
                           "(see `python -m linkedin uploads`)")
        return run

    # charts --------------------------------------------------------------------------

    def chart_match_rates(self, account: Any = None):
        """Match rate per segment (the app's chart), of one account or all."""
        return charts.match_rates(self.segments(account))

    def chart_audience_sizes(self, account: Any = None):
        """Audience size against LinkedIn's 300-member line (the app's chart)."""
        return charts.audience_sizes(self.segments(account))

    def chart_statuses(self):
        """Segments by status, one bar per account (the app's chart)."""
        return charts.statuses_by_account(self.segments())

    def chart_history(self, segment: Any):
        """Audience size and match rate of one segment over time (the app's chart)."""
        seg = self.segment(segment)
        return charts.history(self._history().of(seg.id, accounts=self._account_urns()),
                              title=f"History of {seg.name} ({seg.id})")

    # insights (the logic is in ``insight_frames``) ------------------------------------

    @consent_guard
    def funnel(self, run_id: str) -> pd.DataFrame:
        """One of your runs: rows -> valid -> unique -> sent -> accepted -> matched -> audience size."""
        return insight_frames.funnel(self.store, self.upload(run_id), accounts=self._account_urns(),
                                     linkedin=self.settings.api_base_url)

    @consent_guard
    def campaigns(self, account: Any) -> pd.DataFrame:
        """The campaigns of one ad account that include or exclude each of its segments."""
        acc = self.account(account)
        return insight_frames.campaigns(self.client(), acc, segments_mod.find_by_account(self.client(), acc.urn)[0])

    @consent_guard
    def overlap(self, segments: Any) -> pd.DataFrame:
        """Members the app sent to both of each pair of 2 to 20 segments of one account (by hashed key)."""
        pf = self._cache.portfolio(self.client(), _CACHE_KEY, history=History(self.store, linkedin=self.settings.api_base_url))
        return insight_frames.overlap(self.store, insight_frames.pick(pf.items(), segments),
                                      linkedin=self.settings.api_base_url)

    @consent_guard
    def insights(self, account: Any) -> dict:
        """Funnels of recent runs, identifier mix, campaign usage and overlap of one account, as plain data."""
        acc = self.account(account)
        found = segments_mod.find_by_account(self.client(), acc.urn)[0]
        History(self.store, linkedin=self.settings.api_base_url).record(found)
        return insight_frames.report(self.client(), self.store, acc, found, owner=self._owner(),
                                     accounts=self._account_urns())

    # writing -----------------------------------------------------------------------

    @consent_guard
    def create_segment(self, *, account: Any, name: str, kind: str = "users", description: str | None = None):
        """A new streaming segment of users or companies in an account where you may manage audiences."""
        acc = upload_job.manageable(self.account(account), "create a segment")
        created = segment_creation.create(self.client(), account=acc, name=name, kind=kind_of(kind),
                                      description=description)
        self._created[created.id] = created.created_at
        self._cache.forget(_CACHE_KEY)
        return created

    def check(self, df: Any, kind: str = "users", *, mapping: Mapping[str, str] | None = None,
              allow_idfa: bool = False) -> Check:
        """The data-quality report of a table (DataFrame, path or bytes): nothing is sent."""
        return Check(prepare(df, kind_of(kind), mapping=mapping, allow_idfa=allow_idfa))

    @consent_guard
    def plan(self, df: Any, *, segment: Any, mode: str = "add", kind: str | None = None,
             mapping: Mapping[str, str] | None = None) -> SyncPlan:
        """What a sync would add, remove and leave alone (from the ledger): nothing is sent."""
        return upload_job.plan(self._sync(df, segment, kind, mapping), mode)

    @consent_guard
    def sync(self, df: Any, *, segment: Any, mode: str = "add", kind: str | None = None,
             mapping: Mapping[str, str] | None = None, progress: Any = True) -> SyncResult:
        """Send the table to the segment (``add``, ``remove`` or ``mirror``) and say what happened per row.

        ``progress``: True for a tqdm bar (a widget in Jupyter), False for none, or a file
        to draw the text bar on. Interrupted (Ctrl-C, the notebook's stop button), the run
        is left paused and ``resume(run_id, df)`` sends the rest.
        """
        sync = self._sync(df, segment, kind, mapping)
        planned = upload_job.plan(sync, mode)
        run_id = upload_job.start(sync, planned, owner=self._owner())
        ended = self._run(run_id, lambda bar: sync.run(run_id, on_progress=bar), progress,
                          f"{mode} → {sync.target.name}")
        return self._result(ended, sync.prepared, planned)

    @consent_guard
    def resume(self, run_id: str, df: Any = None, *, mapping: Mapping[str, str] | None = None,
               progress: Any = True) -> SyncResult:
        """Send what an interrupted run still has pending, nothing twice.

        Give the same table again when the run needs it (``Run.needs_file``: names,
        titles or company fields are never stored); without it, results are per hashed key.
        """
        run = self.upload(run_id)
        prepared = prepare(df, run.kind, mapping=mapping) if df is not None else None
        if run.state == "done":
            return self._result(run, prepared, None)
        if run.needs_file and prepared is None:
            raise BadInput(f"run {run.id} sent fields that are never stored (names, titles, company details): "
                           "give the same file again")
        tgt = self._target(run.segment_id, run.kind)
        go = upload_job.resumer(self.client(), self.store, run, prepared, tgt, linkedin=self.settings.api_base_url)
        return self._result(self._run(run.id, go, progress, f"resume {run.mode} → {tgt.name}"), prepared, None)

    # steps ---------------------------------------------------------------------------

    def _target(self, segment: Any, kind: str | None) -> Target:
        seg = self.segment(segment)
        created_at = self._created.get(seg.id) or upload_job.recently_created(seg.created_ms, time.time())
        return upload_job.target(seg, self._accounts().by_urn(), kind, created_at=created_at)

    def _sync(self, df: Any, segment: Any, kind: str | None, mapping: Mapping[str, str] | None) -> Sync:
        """A Sync of the table into the checked segment; a bad file fails before any call."""
        prepared = prepare(df, kind_of(kind), mapping=mapping) if kind is not None else None
        tgt = self._target(segment, kind)
        if prepared is None:
            prepared = prepare(df, tgt.kind, mapping=mapping)
        return Sync(self.client(), self.store, prepared, tgt)

    def _run(self, run_id: str, go, progress: Any, label: str) -> Run:
        self._tokens.consent_needed = False
        try:
            return upload_job.run(self.store, run_id, go, progress=progress, label=label)
        finally:
            self._cache.forget(_CACHE_KEY)  # counts changed: the next read goes to LinkedIn

    def _result(self, ended: Run, prepared: Prepared | None, planned: SyncPlan | None) -> SyncResult:
        return upload_job.result(self.store, ended, prepared, planned, consent_needed=self._tokens.consent_needed)
