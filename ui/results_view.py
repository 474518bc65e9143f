"""Steps 6 and 7's results: what LinkedIn accepted and rejected, per member and per row of the
table, the results file, and the segment as LinkedIn reports it after the upload."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from linkedin.api.connection import Connection
from linkedin.api.errors import LinkedInError, NotFound
from linkedin.api.segment_numbers import COUNTS_NOTE, WINDOW
from linkedin.api.segments import Segment
from linkedin.insights import portfolio
from linkedin.sync import outcomes
from linkedin.sync.outcomes import RowCounts
from linkedin.sync.runs import Run, Uploads
from linkedin.sync.upload import results
from linkedin.tables import exports
from ui import session
from ui.format import plain
from ui.job import Job


def refresh_segment(conn: Connection, job: Job) -> None:
    """Read the segment again (a history snapshot), and drop the dashboard's cached lists."""
    try:
        job.segment_read = ("ok", portfolio.reread(conn, job.target.segment_id))
    except NotFound:
        job.segment_read = ("gone", None)
    except LinkedInError as err:
        job.segment_read = ("error", err.explain())
    portfolio.CACHE.forget(portfolio.member_key(conn))  # the Audiences page reads the new counts


def outcome(job: Job, run: Run) -> tuple[dict[tuple[str, str], int], RowCounts | None, pd.DataFrame | None]:
    """Members by (action, status) for the run and, when the table is here, its rows by what
    happened to them and the rows LinkedIn rejected (``sync.outcomes``: counts, never a frame
    of every row); recomputed only when the run moved."""
    if job.result_cache is None or job.result_cache[0] != run.updated_at:
        store = session.store()
        by = Uploads(store).counts_by_action(run.id)
        rows = refused = None
        if job.prepared is not None:
            rows = outcomes.row_counts(job.prepared, store, run.id)
            refused = outcomes.refused(job.prepared, store, run.id) if rows.rejected else None
        job.result_cache = (run.updated_at, (by, rows, refused))
    return job.result_cache[1]


def render(conn: Connection, job: Job, run: Run) -> None:
    """Accepted, rejected by LinkedIn, rejected locally, the results file, the segment now."""
    by, rows, refused = outcome(job, run)
    st.markdown("**Members sent**")
    a, b, c, d = st.columns(4)
    a.metric("Added", f"{by.get(('ADD', 'accepted'), 0):,}", help="ADDs LinkedIn accepted")
    b.metric("Removed", f"{by.get(('REMOVE', 'accepted'), 0):,}", help="REMOVEs LinkedIn accepted")
    c.metric("Rejected by LinkedIn", f"{run.rejected:,}")
    d.metric("Still to send", f"{run.pending:,}")
    if rows is None:
        st.caption("Per-row results need the table this upload was sent from; the counts above are per member.")
    else:
        st.markdown("**Rows of your table**")
        a, b, c, d = st.columns(4)
        a.metric("Rows accepted", f"{rows.accepted:,}",
                 help="Rows LinkedIn accepted, duplicates of an accepted row included")
        b.metric("Rows rejected by LinkedIn", f"{rows.rejected:,}")
        c.metric("Rows rejected locally", f"{rows.rejected_locally:,}",
                 help="Rows with nothing LinkedIn can match on: never sent (see the quality report)")
        d.metric("Not sent: no change", f"{rows.unchanged:,}",
                 help="Already sent to the segment (add, mirror): left alone")
        if rows.duplicates:
            st.caption(f"{rows.duplicates:,} row(s) repeat an earlier row: they share its result and were not sent "
                       "twice.")
        outside = by.get(("REMOVE", "accepted"), 0) - rows.removed_in_table
        if run.mode == "mirror" and outside > 0:
            st.caption(f"{outside:,} member(s) removed are not in this table: the app had sent them earlier.")
        if refused is not None and len(refused):
            shown = f" (the first {len(refused):,}; the results file has all)" if rows.rejected > len(refused) else ""
            st.markdown(f"**Rows LinkedIn rejected**, with its reason{shown}:")
            st.dataframe(refused, hide_index=True, width="stretch", placeholder="n/a", key=f"{job.kind}_refused",
                         column_config={"row": st.column_config.NumberColumn("Row", format="%d"),
                                        "http_status": st.column_config.NumberColumn("HTTP", format="%d")})
        prepared, store = job.prepared, session.store()
        st.download_button(
            "Download the results (CSV)", lambda: exports.to_csv(results(prepared, store, run.id)),
            file_name=f"results-{run.id}.csv", mime="text/csv", key=f"{job.kind}_results_csv",
            icon=":material/download:", on_click="ignore",
            help="One line per row of your table: what happened to it (row numbers as your spreadsheet shows them)",
        )
    if run.accepted:
        render_segment_now(conn, job)


def render_segment_now(conn: Connection, job: Job) -> None:
    """The segment as LinkedIn reports it after the upload, with a way to read it again."""
    st.markdown(f"**“{plain(job.target.name)}” on LinkedIn now**")
    if st.button("Read the segment again", key=f"{job.kind}_reread", icon=":material/refresh:"):
        refresh_segment(conn, job)
    if job.segment_read is None:
        refresh_segment(conn, job)
    state, payload = job.segment_read
    if state == "gone":
        st.info("LinkedIn does not show this segment yet (a new segment takes a moment); read it again shortly.")
    elif state == "error":
        st.warning(f"The segment could not be read again: {plain(payload)}")
    else:
        seg: Segment = payload  # type: ignore[assignment]
        c1, c2, c3, c4 = st.columns(4)
        c1.metric("Status", seg.status or "none")
        c2.metric(f"Input ({WINDOW})", f"{seg.input_count:,}" if seg.input_count is not None else "n/a")
        c3.metric("Match rate", seg.match_rate_text)
        c4.metric("Audience size", f"{seg.audience_size:,}" if seg.audience_size is not None else "n/a")
        ready = seg.readiness
        st.caption(f"{ready.headline}. {plain(ready.reason)} LinkedIn updates the counts after it "
                   f"has processed the upload, which takes a while. {COUNTS_NOTE}")
    st.page_link("pages/audiences.py", label="Open Audiences: the segment's history shows this change",
                 icon=":material/groups:")
