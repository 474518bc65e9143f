"""Removals on the sync pages: who goes and how much of the segment before sending, the undo after.

The numbers and the undo come from ``linkedin.sync.removals``; this module shows them and asks
for the confirmation: a checkbox for a small removal, the segment's name typed for one above
``removals.CONFIRM_SHARE`` of what this app sent to the segment.
"""

from __future__ import annotations

import time

import pyarrow as pa
import pyarrow.compute as pc
import streamlit as st

from linkedin.api.connection import Connection
from linkedin.api.errors import AuthError, LinkedInError
from linkedin.insights import usage
from linkedin.insights.portfolio import member_key
from linkedin.sync import removals
from linkedin.sync.plans import Plan
from linkedin.sync.runs import Run
from linkedin.sync.upload import Target
from linkedin.tables.prepared import Prepared
from linkedin.tables.table import Table
from ui import sending, session
from ui.format import plain
from ui.job import Job


def _rows(table: Table, rows: tuple[int, ...]):
    """Those rows of the table as read, indexed by their row numbers."""
    mask = pc.is_in(table.rows, value_set=pa.array(rows, table.rows.type))
    frame = table.data.filter(mask).to_pandas()
    frame.index = pc.filter(table.rows, mask).to_pylist()
    frame.index.name = "row"
    return frame


CAMPAIGNS_TTL = 120.0  # seconds an account's campaigns, read for the warning below, are trusted


def _campaign_warning(target: Target, mode: str) -> str | None:
    """The sentence about live campaigns that use the target (``insights.usage``), from the
    account's campaigns read once per ``CAMPAIGNS_TTL`` (one finder call); None when none use it
    or they could not be read (the removal is not held up for that)."""
    conn = session.connection()
    if not target.ad_segment_urn or target.account is None or conn is None:
        return None
    cache = st.session_state.setdefault("removal_campaigns", {})
    read_at, found = cache.get(target.account_urn, (0.0, None))
    if found is None or time.time() - read_at > CAMPAIGNS_TTL:
        try:
            found = usage.read(conn.client(), [target.account])
        except (AuthError, LinkedInError):
            return None
        cache[target.account_urn] = (time.time(), found)
    return usage.removal_warning(target.ad_segment_urn, found, mode=mode)


def confirm(kind: str, plan: Plan, prepared: Prepared, target: Target, table: Table) -> bool:
    """The removal preview and its confirmation; True once the analyst confirmed it."""
    who = sending.KIND_WORDS[kind]
    preview = removals.preview(session.store(), prepared, plan, target.segment_id,
                               linkedin=session.settings().api_base_url)
    name = plain(target.name)
    with st.container(border=True):
        in_use = _campaign_warning(target, plan.mode)
        if in_use:
            st.warning(plain(in_use), icon=":material/campaign:")
        share = (f"{preview.sent_by_app:,} of the {preview.ledger_size:,} this app sent to it, "
                 f"**{preview.share:.0%}**" if preview.ledger_size else "this app sent it none")
        st.markdown(f"**This removes {preview.removing:,} {who} from “{name}”**: {share}.")
        if preview.rows:
            st.caption(f"The first rows of {plain(table.source)} to be removed:")
            st.dataframe(_rows(table, preview.rows), width="stretch", placeholder="n/a", key=f"{kind}_removed_rows")
        if preview.sample:
            st.caption(f"Some of the {who} that go: they are in no row of this table, so here is what the app's "
                       "ledger keeps of them (hashed, as sent):")
            st.dataframe([{"Sent as": words} for _, words in preview.sample],
                         hide_index=True, width="stretch", placeholder="n/a", key=f"{kind}_removed_sample")
        if not preview.needs_typed_confirmation:
            return st.checkbox(f"Yes, remove {preview.removing:,} {who} from “{name}”",
                               key=f"{kind}_confirm_{plan.mode}_{preview.removing}")
        typed = st.text_input(
            f"This takes more than {removals.CONFIRM_SHARE:.0%} of the segment. To confirm, type its name: "
            f"{name}", key=f"{kind}_confirm_name_{plan.mode}_{preview.removing}")
        ok = typed.strip() == target.name.strip()
        if typed and not ok:
            st.caption("That is not the segment's name (it must match, capitals included).")
        return ok


def _undo_plan(run) -> removals.UndoPlan:
    """The undo of ``run``, worked out once per state of the run."""
    held = st.session_state.get("sync.undo_plan")
    if held is None or held[0] != (run.id, run.updated_at):
        held = ((run.id, run.updated_at), removals.plan_undo(session.store(), run,
                                                                linkedin=session.settings().api_base_url))
        st.session_state["sync.undo_plan"] = held
    return held[1]


def undo_offer(conn: Connection, job: Job, run: Run) -> None:
    """After a removal or a mirror that removed members: add them back, from what the app kept
    (drawn by ``sending.render_job`` under the run's state)."""
    if run.mode not in ("remove", "mirror") or sending.is_active(run.id):
        return
    kind = job.kind
    undo = _undo_plan(run)
    if not undo.removed:
        return
    who = sending.KIND_WORDS[kind]
    with st.container(border=True):
        notes = []
        if undo.back_already:
            notes.append(f"{undo.back_already:,} are in the segment again")
        if undo.not_rebuildable:
            notes.append(f"{undo.not_rebuildable:,} cannot be rebuilt without the file (known by name only)")
        tail = f" ({'; '.join(notes)})" if notes else ""
        if not undo.keys:
            st.caption(f"This upload removed {undo.removed:,} {who}; none can be added back from what the app "
                       f"keeps{tail}.")
            return
        st.markdown(f"**Undo this upload's removals:** add the {len(undo.keys):,} {who} it removed back to "
                    f"“{plain(run.segment_name)}”{tail}.")
        st.caption("They are sent as they were removed (hashed ids, company identifiers): no file is needed. "
                   "Names and other plain-text fields of the first upload are not sent again.")
        if st.button(f"Undo: add back {len(undo.keys):,} {who}", key=f"{kind}_undo_{run.id}", icon=":material/undo:"):
            undo_id = removals.start_undo(session.store(), undo, owner=member_key(conn))
            sending.start_job(Job(undo_id, kind, job.target, None, f"undo of upload {run.id}"))
            st.rerun()
