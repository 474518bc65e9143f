"""The People segments and Company segments pages (MA-105, MA-106, MA-107): one body, two kinds.

Top to bottom, each step once the previous one is done: 1. bring a table, 2. its quality
report, 3. the segment, 4. add / remove / mirror with the preview (who a removal takes:
``ui.removal_view``), then 5-7 sending, pauses, results and the undo of a removal. The prepared table and the run id live in
``st.session_state``; the library does the work.
"""

from __future__ import annotations

import threading
import weakref

import streamlit as st

from linkedin.api.connection import Connection
from linkedin.insights.portfolio import member_key
from linkedin.sync import upload as sync_mod
from linkedin.sync.ledger import Ledger
from linkedin.sync.plans import Plan
from linkedin.sync.runs import Uploads
from linkedin.sync.upload import Sync, Target
from linkedin.tables.prepared import Prepared
from linkedin.tables.table import Table
from ui import memory, quality_report, removal_view, segment_picker, sending, session, table_input
from ui.format import plain, when
from ui.job import Job

TITLES = sending.PAGE_TITLES
INTROS = {
    "users": "Create and keep contact segments in sync from a table of people: hashed emails, Google ad ids, "
             "names, titles, companies and countries. Nothing is sent before you have seen the report and the preview; "
             "raw emails never leave this server session and are never written to disk.",
    "companies": "Create and keep company segments (account-based marketing) in sync from a table of companies: "
                 "names, websites, email domains, LinkedIn page URLs, tickers, industries and locations.",
}
MODES = ("add", "remove", "mirror")


def _mode_label(kind: str):
    who = sending.KIND_WORDS[kind]
    labels = {"add": f"Add the table's {who}", "remove": f"Remove the table's {who}",
              "mirror": "Mirror: make the segment equal to the table"}
    return lambda m: labels[m]


def render(kind: str) -> None:
    st.title(TITLES[kind])
    st.caption(INTROS[kind])
    conn = session.connection()
    if conn is None:
        st.info("Connect LinkedIn first: segments live in your ad accounts.")
        st.stop()

    st.subheader("1. Bring a table")
    given = table_input.source(kind, on_clear=drop_table)
    fresh = table_input.is_new(kind, given)
    with _block(kind, "table", renew=fresh):  # a new table: the last one's mapping, report and results go at once
        loaded = table_input.bring(kind, given)
        if fresh and loaded is not None:
            start_clean(kind)
        if loaded is None:
            sending.render_job(conn, kind, after_state=removal_view.undo_offer)
            return
        columns = table_input.mapping(kind, loaded)
        opts = table_input.options(kind)
        with _block(kind, "steps", renew=columns is not None and table_input.is_new_preparation(loaded, columns, opts)):
            prepared = table_input.prepare(kind, loaded, columns, opts) if columns is not None else None
            if prepared is not None:
                st.subheader("2. Check the data" if kind == "users" else "2. Check the match keys")
                quality_report.render(kind, prepared)
                st.subheader("3. Choose the segment")
                target = segment_picker.pick(kind, conn)
                if target is not None:
                    _unfinished(kind, conn, prepared, loaded.table.source, target)
                    st.subheader("4. Add, remove or mirror")
                    _preview_and_send(kind, conn, prepared, loaded.table, target)
            sending.render_job(conn, kind, after_state=removal_view.undo_offer)


def _block(kind: str, name: str, *, renew: bool):
    """The rest of the page (``name``), in one block that is renewed at once for new work.

    Streamlit leaves a rerun's old elements on screen until new ones take their places, so a
    new table would be read and checked under the last one's report and results. When
    ``renew`` (another table, another preparation), the block moves to the other of two
    places: the place it leaves gets an empty element at once, which removes the old content
    before the slow work starts (emptying the same place would not do: Streamlit merges an
    empty element with the block that follows at that place before it reaches the browser).
    """
    key = f"sync.{kind}.{name}.place"
    place = (st.session_state.get(key, 0) + int(renew)) % 2
    st.session_state[key] = place
    return (st.empty(), st.empty())[place].container()


def drop_table(kind: str) -> None:
    """The analyst removed the file: the table, its preparation and the per-row results built
    from it go (memory returns to the system). A finished upload's counts stay on the page; an
    upload still being sent keeps its table until it ends."""
    loaded = table_input.forget(kind)
    job: Job | None = st.session_state.get(sending.job_key(kind))
    if job is not None and not job.active:
        sending.forget_table(job.prepared)
        job.prepared, job.result_cache = None, None
    if loaded is not None:
        sending.forget_table(loaded.prepared)
    memory.give_back_soon()


def start_clean(kind: str) -> None:
    """A new table starts clean: the last table's results, mode and segment are not kept
    (an upload still being sent stays: it can be watched and stopped)."""
    job: Job | None = st.session_state.get(sending.job_key(kind))
    if job is not None and not job.active:
        st.session_state.pop(sending.job_key(kind), None)
        sending.forget_table(job.prepared)
    memory.give_back_soon()  # the last table, replaced
    last = st.session_state.setdefault(f"sync.{kind}.last", {})
    last.pop("mode", None)
    last.pop("segment", None)
    st.session_state.pop(f"{kind}_mode", None)
    st.session_state.pop(f"{kind}_segment", None)


def _unfinished(kind: str, conn: Connection, prepared: Prepared, source: str, target: Target) -> None:
    """Your uploads to this segment that stopped before the end: offer to resume them with this table."""
    job: Job | None = st.session_state.get(sending.job_key(kind))
    runs = [r for r in Uploads(session.store()).latest(member_key(conn), limit=200)
            if r.kind == kind and r.segment_id == str(target.segment_id) and sending.can_resume(r)
            and not (job is not None and job.run_id == r.id)]
    for run in runs:
        with st.container(border=True):
            st.warning(
                f"**An unfinished upload to this segment** ({run.mode}, upload {run.id}, last change "
                f"{when(run.updated_at, st.context.timezone)}): {run.pending:,} of {run.total:,} still to send, "
                f"{run.accepted:,} accepted. {plain(run.message or '')}", icon=":material/pause_circle:")
            st.caption("Resume it with the table above, which must be the same file: what LinkedIn already accepted "
                       "is not sent again; members this table does not have pause the upload again, saying so.")
            if st.button("Resume this upload with this table", key=f"{kind}_resume_{run.id}",
                         icon=":material/play_arrow:"):
                sending.start_job(Job(run.id, kind, target, prepared, source))
                st.rerun()


# The last plan of each prepared table, dropped with the table: a rerun (every click, every
# progress tick) asks only the ledger's version, not a plan of a million keys again.
_PLANS: "weakref.WeakKeyDictionary[Prepared, tuple[tuple, Plan]]" = weakref.WeakKeyDictionary()
_PLANS_LOCK = threading.Lock()


def _plan(store, prepared: Prepared, target: Target, mode: str, linkedin: str) -> Plan:
    """``sync.upload.plan``, computed again only when the segment, the mode or the ledger changed."""
    key = (linkedin, str(target.segment_id), mode, Ledger(store, linkedin=linkedin).version(target.segment_id))
    with _PLANS_LOCK:
        held = _PLANS.get(prepared)
    if held is not None and held[0] == key:
        return held[1]
    plan = sync_mod.plan(store, prepared, target, mode, linkedin=linkedin)
    with _PLANS_LOCK:
        _PLANS[prepared] = (key, plan)
    return plan


def _preview_and_send(kind: str, conn: Connection, prepared: Prepared, table: Table, target: Target) -> None:
    source = table.source
    last = st.session_state.setdefault(f"sync.{kind}.last", {})
    if f"{kind}_mode" not in st.session_state and last.get("mode") in MODES:
        st.session_state[f"{kind}_mode"] = last["mode"]  # back on the page: the mode last chosen
    mode = st.radio("What should happen to the segment?", MODES, key=f"{kind}_mode", horizontal=True,
                    format_func=_mode_label(kind))
    last["mode"] = mode
    store = session.store()
    plan = _plan(store, prepared, target, mode, conn.settings.api_base_url)
    m1, m2, m3, m4 = st.columns(4)
    m1.metric("To add", f"{len(plan.add):,}")
    m2.metric("To remove", f"{len(plan.remove):,}")
    m3.metric("Unchanged", f"{len(plan.unchanged):,}", help="Already sent to this segment by this app")
    m4.metric("Sent by this app after", f"{plan.size_after:,}", delta=plan.size_after - plan.ledger_size or None)
    st.caption(f"The preview comes from the app's ledger of what it sent to “{plain(target.name)}” "
               f"({plan.ledger_size:,} "
               "hashed keys now). Mirror removes only members this app sent; members added by other tools stay.")
    job: Job | None = st.session_state.get(sending.job_key(kind))
    if job is not None and job.target.segment_id == target.segment_id and job.prepared is prepared and plan.add:
        previous = Uploads(store).get(job.run_id)
        if previous is not None and previous.rejected:
            st.caption(f"{previous.rejected:,} of these were rejected by LinkedIn in the last upload (see the results "
                       "below): sending them again gives the same answer unless the rows are fixed.")
    for warning in sync_mod.warnings(plan, target):
        st.warning(plain(warning), icon=":material/warning:")  # they name the segment

    if job is not None and job.active:
        st.info("An upload is being sent: see below.", icon=":material/sync:")
        return
    if not plan.add and not plan.remove:
        st.info(f"Nothing to send: “{plain(target.name)}” already has every row of this table, as far as this app "
                "sent it.", icon=":material/check:")
        return
    confirmed = removal_view.confirm(kind, plan, prepared, target, table) if plan.remove else True
    if st.button("Send to LinkedIn", key=f"{kind}_send", type="primary", icon=":material/send:",
                 disabled=not confirmed, help=None if confirmed else "Confirm the removal first"):
        run_id = Sync(conn.client(), store, prepared, target).start(plan, owner=member_key(conn))
        sending.start_job(Job(run_id, kind, target, prepared, source))
        st.rerun()
