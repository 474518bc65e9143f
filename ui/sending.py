"""Sending a sync: progress, LinkedIn's pauses, Stop and Resume (steps 5 and 7).

Shared by the People / Company segments pages and the Uploads page. A ``Job`` (``ui.job``) is
one upload run this browser session is looking after. The work runs inside the script. A click starts a
new script run: the previous one stops at its next Streamlit call, after the batch on its
way (the run is marked paused), and the new run carries on with the same run id once the
old one has let go, so nothing is sent twice or lost. Results: ``ui.results_view``.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from typing import Callable

import streamlit as st
from streamlit.runtime.scriptrunner_utils.exceptions import ScriptControlException

from linkedin.api import waits
from linkedin.api.accounts import require_manageable
from linkedin.api.connection import Connection
from linkedin.api.errors import LinkedInError
from linkedin.insights import portfolio
from linkedin.insights.portfolio import member_key
from linkedin.sync.runs import Run, Uploads
from linkedin.sync.sender import Progress, Sender
from linkedin.sync.upload import Sync, Target, source_without_table
from linkedin.tables.prepared import Prepared
from ui import results_view, session
from ui.format import plain
from ui.job import Job

log = logging.getLogger(__name__)

KIND_WORDS = {"users": "people", "companies": "companies"}
PAGES = {"users": "pages/people.py", "companies": "pages/companies.py"}
PAGE_TITLES = {"users": "People segments", "companies": "Company segments"}

# Runs being sent by a script of this process right now, and the Job sending each. A run the
# store calls "running" that is not here was cut off (the app restarted, the session closed).
# Streamlit's fast reruns start a new script run at once when the analyst clicks, while the
# previous one finishes its batch until its next Streamlit call: the new run sees its own Job
# here and waits for it (``_await_release``) instead of sending the same items twice.
_ACTIVE: dict[str, Job] = {}
_ACTIVE_LOCK = threading.Lock()
RELEASE_TIMEOUT = 180.0  # seconds: a batch on its way ends within the client's timeouts and retries


def job_key(kind: str) -> str:
    return f"sync.{kind}.job"


def tables() -> dict[str, Prepared]:
    """Prepared tables of the runs started or resumed in this session, by run id (memory only)."""
    return st.session_state.setdefault("sync.run_tables", {})


def remember(run_id: str, prepared: Prepared | None) -> None:
    """Keep the table a run was sent from, for a Resume later in this session (a few tables at most)."""
    if prepared is None:
        return
    held = tables()
    held[run_id] = prepared
    distinct = list(dict.fromkeys(id(p) for p in held.values()))
    for old in distinct[:-3]:  # memory: at most three tables per session
        for rid in [r for r, p in held.items() if id(p) == old]:
            del held[rid]


def forget_table(prepared: Prepared | None) -> None:
    """Let go of ``prepared`` for every run it was kept for (the analyst dropped the table)."""
    held = tables()
    for rid in [r for r, p in held.items() if p is prepared]:
        del held[rid]


def is_active(run_id: str) -> bool:
    with _ACTIVE_LOCK:
        return run_id in _ACTIVE


def _holder(run_id: str) -> Job | None:
    with _ACTIVE_LOCK:
        return _ACTIVE.get(run_id)


def _await_release(job: Job, timeout: float = RELEASE_TIMEOUT) -> bool:
    """Wait until this session's previous script run has let go of the job's run."""
    deadline = time.monotonic() + timeout
    while _holder(job.run_id) is job:
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def can_resume(run: Run) -> bool:
    """Paused or failed with something left, or "running" but cut off (nobody sends it now)."""
    if run.resumable:
        return True
    return run.state == "running" and run.pending > 0 and not is_active(run.id)


def state_label(run: Run) -> str:
    if run.state == "running" and not is_active(run.id) and run.pending > 0:
        return "interrupted"
    return run.state


def pending_adds(run: Run) -> bool:
    """True when additions are still pending: the Sender builds them only from the table."""
    return bool(Uploads(session.store()).pending(run.id, limit=1, action="ADD"))


def resume_choice(run: Run) -> tuple[str | None, str, Prepared | None]:
    """How the Uploads page can resume ``run``: (button label or None, why, the table in memory).

    Without the table a run resumes when it does not need its file (a table of SHA-256
    emails: each key is the element), or when all that is left are removals, which the
    sender builds from the ledger's hashed identities of what the app sent."""
    table = tables().get(run.id)
    if table is not None:
        return ("Resume", f"The table it was sent from ({plain(table.quality.source)}) is still in this session.",
                table)
    if not run.needs_file:
        return ("Resume without the file", "It sent hashed emails only, and each key is the hashed email: "
                "no file is needed.", None)
    if not pending_adds(run):
        return ("Resume without the file", "What is left are removals of members this app sent: their hashed "
                "ids are in the ledger, so no file is needed.", None)
    return (None, "The rest needs the table: additions are built from it (names and other plain-text fields "
            f"are never stored). Upload the same file again on **{PAGE_TITLES[run.kind]}** and pick this segment: "
            "the page offers to resume this upload.", None)


def target_of(run: Run, conn: Connection | None = None) -> Target:
    """The segment of a stored run (for a resume; its live size is not needed then), with its ad
    account as ``conn`` reads it now, so a resume into an account closed since is refused."""
    created = st.session_state.get("sync.created", {}).get(int(run.segment_id))
    account = None
    if conn is not None:
        try:
            account = portfolio.accounts_of(conn)[0].by_urn().get(run.account)
        except LinkedInError:
            account = None  # unread: the send itself meets LinkedIn's answer
    return Target(int(run.segment_id), run.segment_name, run.account, run.kind,
                  created_at=created.created_at if created else None, account=account)


def start_job(job: Job) -> None:
    """Make ``job`` the one this session sends for its kind (it starts on the next script run)."""
    remember(job.run_id, job.prepared)
    st.session_state[job_key(job.kind)] = job


# -- sending ---------------------------------------------------------------------------------

def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "unknown"
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    minutes, secs = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {secs} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min"


def progress_text(p: Progress) -> str:
    """Rows sent / total, batches, rate and time left, in one line."""
    parts = [f"{p.done:,} of {p.total:,} sent", f"batch {p.batches_done} of {p.batches_total}"]
    if p.rate:
        parts.append(f"{p.rate:,.0f} per second")
    if p.eta_seconds is not None:
        parts.append(f"about {_duration(p.eta_seconds)} left")
    return " · ".join(parts)


def _runner(conn: Connection, job: Job) -> Callable[..., Run]:
    store = session.store()
    client = conn.client()
    if job.prepared is not None:
        sync = Sync(client, store, job.prepared, job.target)
        return lambda **kw: sync.run(job.run_id, **kw)
    # No table: what the run can rebuild from its keys (sync.source_without_table); anything
    # else pauses the run asking for the file.
    if job.target.account is not None:
        require_manageable(job.target.account)  # a closed account or a read-only role: refused before any call
    sender = Sender(client, store, kind=job.kind)
    run = Uploads(store).get(job.run_id)
    source = source_without_table(run, store, linkedin=session.settings().api_base_url)
    return lambda **kw: sender.run(job.run_id, source, segment_created_at=job.target.created_at, **kw)


def drive(conn: Connection, job: Job) -> Run | None:
    """Send what is pending of ``job``'s run, with a live status; returns the run as it ended
    (None when another script run holds it)."""
    uploads = Uploads(session.store())
    before = uploads.get(job.run_id)
    with _ACTIVE_LOCK:
        if job.run_id in _ACTIVE:
            return None  # someone else took it meanwhile: render_job shows its state
        _ACTIVE[job.run_id] = job
    verb = {"add": "Adding to", "remove": "Removing from", "mirror": "Mirroring into",
            "undo": "Adding back to"}.get(before.mode, "Sending to")
    try:
        with st.status(f"{verb} “{plain(job.target.name)}”…", expanded=True) as status:
            bar = st.progress(before.done / before.total if before.total else 0.0,
                              text=f"{before.done:,} of {before.total:,} sent")
            line = st.empty()
            pause = st.empty()

            def on_progress(p: Progress) -> None:
                # A wait is reported when it starts and then each second: the warning below
                # counts down in place (``pause`` is always there, so positions stay put).
                bar.progress(min(p.fraction, 1.0), text=f"{p.done:,} of {p.total:,} sent")
                line.caption(progress_text(p))
                if p.wait:
                    if p.wait.starting:
                        job.pauses.append(p.wait)
                    pause.warning(f"{p.wait.text}.", icon=":material/hourglass_top:")
                    # expanded each time: an update without it folds the status, hiding the countdown
                    status.update(label=f"Waiting for LinkedIn ({math.ceil(p.wait.left)} s)…", expanded=True)
                else:
                    pause.empty()
                    status.update(label=f"{verb} “{plain(job.target.name)}”: {p.done:,} of {p.total:,}", expanded=True)

            try:
                run = _runner(conn, job)(on_progress=on_progress, should_stop=lambda: job.stop)
            except ScriptControlException:
                # A click reran the script: the run stops between two batches and continues
                # on the next script run (or from Resume), with only what is still pending.
                left = uploads.get(job.run_id).pending
                uploads.set_state(job.run_id, "paused" if left else "done",
                                  "Interrupted before the end (the page reran or closed). Resume to send the rest."
                                  if left else None)
                raise
            except LinkedInError as err:  # setting the run up failed (it is still pending)
                uploads.set_state(job.run_id, "paused", f"{err.explain()} Resume when ready.")
                run = uploads.get(job.run_id)
            if run.state == "done":
                status.update(label=f"Done: {run.accepted:,} accepted and {run.rejected:,} rejected by LinkedIn",
                              state="complete", expanded=False)
            else:
                status.update(label=f"Paused: {run.pending:,} still to send", state="error", expanded=True)
    finally:
        with _ACTIVE_LOCK:
            if _ACTIVE.get(job.run_id) is job:
                del _ACTIVE[job.run_id]
    if run.accepted > before.accepted:
        results_view.refresh_segment(conn, job)
    return run


# -- the job's section -----------------------------------------------------------------------

def render_job(conn: Connection, kind: str, *, after_state: Callable[[Connection, Job, Run], None] | None = None
               ) -> None:
    """Steps 5 to 7 for this kind's job: send or carry on, pauses and Resume, results.
    ``after_state`` draws what the page offers next (the undo of a removal) under the run's state."""
    job: Job | None = st.session_state.get(job_key(kind))
    if job is None:
        return
    uploads = Uploads(session.store())
    run = uploads.owned(member_key(conn), job.run_id)
    if run is None:  # gone, or this browser is now signed in as someone else: not theirs to see
        st.session_state.pop(job_key(kind), None)
        return
    st.subheader("Sending" if run.state != "done" else "Results")
    st.caption(f"{plain(job.source)} → “{plain(job.target.name)}” ({job.target.segment_id}) · {run.mode} · "
               f"upload {run.id}")
    if job.active:
        run = _carry_on(conn, job, run)
    st.progress(run.done / run.total if run.total else 1.0, text=f"{run.done:,} of {run.total:,} sent")
    if job.pauses:
        with st.expander(waits.summary(job.pauses), icon=":material/hourglass_top:"):
            for wait in job.pauses:
                st.caption(f"{wait.seconds:.0f} s: {wait.because}")
    if run.state == "done":
        tables().pop(run.id, None)  # nothing left to resume: the table is kept only while shown
    render_run_state(conn, job, run)
    if after_state is not None and not job.active:
        after_state(conn, job, run)
    results_view.render(conn, job, run)


def _carry_on(conn: Connection, job: Job, run: Run) -> Run:
    """Send the rest of an active job, or stop it; returns the run as it stands after."""
    uploads = Uploads(session.store())
    holder = _holder(run.id)
    if holder is not None and holder is not job:
        job.active = False  # another tab or session sends it: show its state, don't race it
        return run
    if run.pending and st.button("Stop", key=f"{job.kind}_stop", icon=":material/stop_circle:",
                                 help="Stop after the batch on its way; Resume continues where it stopped"):
        job.stop = True
    if holder is job:  # this session's previous script run is ending its batch
        with st.spinner("Finishing the batch on its way to LinkedIn…"):
            if not _await_release(job):
                st.warning("The batch on its way is taking long; this page shows its state once it is done.")
                return uploads.get(run.id)
        run = uploads.get(run.id)
    if job.stop or not run.pending:
        job.active = job.stop = False
        if run.pending:
            uploads.set_state(run.id, "paused", "Stopped by you. Resume to send the rest.")
        elif run.state != "done":
            uploads.set_state(run.id, "done")
        return uploads.get(run.id)
    if drive(conn, job) is None:
        return uploads.get(run.id)
    job.active = False
    st.rerun()  # every step above shows the new state (the preview, the segment's counts)


def render_run_state(conn: Connection, job: Job, run: Run) -> None:
    if run.state == "done" and not run.rejected:
        st.success(f"**Upload finished.** {run.accepted:,} accepted by LinkedIn, of {run.total:,} sent.",
                   icon=":material/task_alt:")
        return
    if run.state == "done":
        why = Uploads(session.store()).rejections(run.id)
        st.warning(f"**Upload finished with {run.rejected:,} rejected** and {run.accepted:,} accepted, of "
                   f"{run.total:,}. Why:\n" + "\n".join(f"- {n:,} × {plain(reason)}" for reason, n in why)
                   + ("\n\nThe results below give the reason for each row." if job.prepared is not None else ""),
                   icon=":material/report:")
        return
    if _holder(run.id) not in (None, job):
        st.info("This upload is being sent from another tab or session; its state here updates when you "
                "come back to this page.", icon=":material/sync:")
        return
    st.warning(f"**Upload paused** with {run.pending:,} of {run.total:,} still to send. "
               f"{plain(run.message) if run.message else 'Resume to send the rest.'}",
               icon=":material/pause_circle:")
    if conn.status().state == "needs_consent":
        st.caption("Reconnect LinkedIn first (the button at the top of the page), then Resume.")
    if job.prepared is None and run.needs_file and pending_adds(run):
        st.info("The rest of this upload adds members, which needs the table: upload the same file on the "
                f"{PAGE_TITLES[job.kind]} page and pick this segment to resume it.", icon=":material/upload_file:")
        return
    if st.button("Resume", key=f"{job.kind}_resume", type="primary", icon=":material/play_arrow:",
                 help="Continue the same upload: only what LinkedIn has not accepted yet is sent"):
        job.active = True
        st.rerun()
