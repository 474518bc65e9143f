"""One upload for a caller without a UI: the segment checked, the run written, sent under a progress bar.

The steps ``Audiences.sync`` and ``Audiences.resume`` take around ``sync.Sync``: the target
segment is checked before anything is written (a USER or COMPANY segment, of the
table's kind, in an account where the member's role allows changing audiences), the run
records whether resuming needs the table again, the run goes under a tqdm bar, an
interruption leaves it paused with a sentence saying how to resume, and the outcome
becomes a ``SyncResult`` with one line per input row.
"""

from __future__ import annotations

import sys
from typing import Any, Callable

import pandas as pd

from linkedin.api.accounts import Account
from linkedin.api.client import Client
from linkedin.api.segments import Segment
from linkedin.notebook.inputs import BadInput, kind_of
from linkedin.notebook.progressbar import ProgressBar
from linkedin.notebook.reports import Check, SyncPlan, SyncResult
from linkedin.store import Store
from linkedin.sync.ledger import MODES
from linkedin.sync.runs import Run, Uploads
from linkedin.sync.sender import VISIBILITY_TIMEOUT, Progress, Sender
from linkedin.sync.upload import Sync, Target, results, source_without_table, warnings as plan_warnings
from linkedin.tables.prepared import Prepared

SEGMENT_KINDS = {"USER": "users", "COMPANY": "companies"}
RESULT_LABELS = {"accepted": "accepted by LinkedIn", "rejected": "rejected by LinkedIn"}


def manageable(account: Account, doing: str) -> Account:
    """The account, if audiences may be changed there (``Account.refusal``); else BadInput saying
    why ``doing`` is refused: a closed account, or a role that only reads (any role but VIEWER can)."""
    if account.refusal:
        raise BadInput(f"cannot {doing}: {account.refusal}")
    return account


def recently_created(created_ms: int | None, now: float) -> float | None:
    """When a segment young enough that LinkedIn may still hide it was created (else None).

    A creation time ahead of ours (the sandbox's clock can be advanced) counts as now, so
    the wait for a new segment stays a few seconds at most."""
    if not created_ms:
        return None
    created = created_ms / 1000
    return min(created, now) if now - created < VISIBILITY_TIMEOUT else None


def target(seg: Segment, accounts_by_urn: dict[str, Account], kind: str | None, *,
           created_at: float | None) -> Target:
    """Where a table goes, checked: the segment's type takes members of ``kind`` (when given),
    the member's role on its account allows changing audiences, and it takes uploads from this
    app (``Segment.upload_refusal``: not a predictive audience, not another tool's)."""
    seg_kind = SEGMENT_KINDS.get(seg.type or "")
    if seg_kind is None:
        raise BadInput(f"segment {seg.id} “{seg.name}” is of type {seg.type}: only USER and COMPANY segments "
                       "take members")
    if kind is not None and kind_of(kind) != seg_kind:
        raise BadInput(f"segment {seg.id} “{seg.name}” is a {seg.type} segment: it takes {seg_kind}, "
                       f"not {kind_of(kind)}")
    account = accounts_by_urn.get(seg.account_urn)
    if account is None:
        raise BadInput(f"segment {seg.id} is in ad account {seg.account_urn}, where you have no role")
    manageable(account, "change its audiences")
    if seg.upload_refusal:
        raise BadInput(f"segment {seg.id} “{seg.name}” is {seg.upload_refusal}: this app uploads no member to it")
    return Target(seg.id, seg.name, seg.account_urn, seg_kind, created_at=created_at,
                  audience_size=seg.audience_size, live=seg.readiness.ready, account=account)


def plan(sync: Sync, mode: str) -> SyncPlan:
    """What ``mode`` would do, with the warnings the app shows; nothing is sent."""
    if mode not in MODES:
        raise BadInput(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
    found = sync.plan(mode)
    t = sync.target
    return SyncPlan(t.segment_id, t.name, t.account_urn, t.kind, mode, found, Check(sync.prepared),
                    tuple(plan_warnings(found, t)))


def start(sync: Sync, planned: SyncPlan, *, owner: str) -> str:
    """Write the run down for ``owner`` before anything is sent (with its profile); returns its id."""
    return sync.start(planned.plan, owner=owner)


def resumer(client: Client, store: Store, run: Run, prepared: Prepared | None, tgt: Target, *,
            linkedin: str) -> Callable[[Callable[[Progress], None] | None], Run]:
    """What resuming ``run`` sends, for ``run(go=...)``: with its table given again, or without
    it what the store can rebuild (``source_without_table``: hashed emails, an undo's identities)."""
    if prepared is not None:
        sync = Sync(client, store, prepared, tgt)
        return lambda bar: sync.run(run.id, on_progress=bar)
    sender = Sender(client, store, kind=run.kind)
    source = source_without_table(run, store, linkedin=linkedin)
    return lambda bar: sender.run(run.id, source, segment_created_at=tgt.created_at, on_progress=bar)


def run(store: Store, run_id: str, go: Callable[[Callable[[Progress], None] | None], Run], *, progress: Any,
        label: str) -> Run:
    """``go(on_progress)`` under a tqdm bar (``progress``: True, False or a file to draw on).

    Interrupted, the run is already paused by the sender; this says how to resume and
    lets the KeyboardInterrupt go on, so a script stops as it should."""
    bar = ProgressBar(label, file=None if progress is True else progress) if progress else None
    try:
        return go(bar)
    except KeyboardInterrupt:
        stopped = Uploads(store).get(run_id)
        left = stopped.pending if stopped else "?"
        print(f"Interrupted: run {run_id} is paused with {left} member(s) to send. Resume with "
              f"aud.resume('{run_id}', df) or `python -m linkedin uploads --resume {run_id}`.", file=sys.stderr)
        raise
    finally:
        if bar is not None:
            bar.close()


def result(store: Store, ended: Run, prepared: Prepared | None, planned: SyncPlan | None, *,
           consent_needed: bool) -> SyncResult:
    """The outcome: per input row when the table is at hand, else per hashed key."""
    if prepared is not None:
        frame = results(prepared, store, ended.id)
    else:
        sent = Uploads(store).results(ended.id)
        frame = pd.DataFrame([{"key": k, "action": a, "result": RESULT_LABELS.get(s, s), "http_status": h,
                               "message": m or ""} for k, (a, s, h, m) in sent.items()],
                             columns=["key", "action", "result", "http_status", "message"])
    frame["http_status"] = frame["http_status"].astype("Int64")
    return SyncResult(ended, frame, planned, needs_consent=ended.state != "done" and consent_needed,
                      reasons=tuple(Uploads(store).rejections(ended.id)) if ended.rejected else ())
