"""Uploads: the connected member's sync runs with their state, and Resume for those that stopped
before the end. Other members' runs are never listed here (``sync.runs``: a run is its owner's)."""

import streamlit as st

from linkedin.insights.portfolio import member_key
from linkedin.sync.runs import Uploads
from ui import segment_picker, sending, session
from ui.format import plain, when
from ui.job import Job

st.title("Uploads")
conn = session.connection()
if conn is None:
    st.info("Connect LinkedIn first.")
    st.stop()
tz = st.context.timezone
runs = Uploads(session.store()).latest(member_key(conn))
if not runs:
    st.info("No uploads yet. Send a table from **People segments** or **Company segments**: every upload is "
            "listed here, with its state, and can be resumed if it stops.", icon=":material/upload:")
    st.stop()
st.caption(f"Your latest {len(runs)} upload(s), newest first. An upload keeps, per member, only a hashed key and "
           "LinkedIn's answer: names and emails are never stored.")
st.dataframe(
    [{"Segment": f"{r.segment_name} ({r.segment_id})", "Ad account": r.account.rsplit(":", 1)[-1],
      "Kind": sending.KIND_WORDS.get(r.kind, r.kind), "Mode": r.mode, "State": sending.state_label(r),
      "Total": r.total, "Accepted": r.accepted, "Rejected": r.rejected, "Pending": r.pending,
      "Updated": when(r.updated_at, tz), "Message": r.message or "", "Upload": r.id}
     for r in runs],
    hide_index=True, width="stretch", key="uploads_table", placeholder="n/a",
    column_config={"Message": st.column_config.TextColumn(width="large")},
)

stopped = [r for r in runs if sending.can_resume(r)]
if stopped:
    st.subheader(f"{len(stopped)} upload(s) to resume")
for run in stopped:
    page = sending.PAGES[run.kind]
    with st.container(border=True):
        st.markdown(f"**{plain(run.segment_name)}** ({run.segment_id}) · {sending.KIND_WORDS[run.kind]} · {run.mode} · "
                    f"upload {run.id}: **{run.pending:,} of {run.total:,} still to send**, {run.accepted:,} accepted.")
        if run.message:
            st.caption(plain(run.message))
        label, why, table = sending.resume_choice(run)
        st.caption(why)
        if label and st.button(label, key=f"uploads_resume_{run.id}", type="primary", icon=":material/play_arrow:"):
            sending.start_job(Job(run.id, run.kind, sending.target_of(run, conn), table,
                                  table.quality.source if table is not None else "(no table: ledger only)"))
            segment_picker.prefill(run.kind, account=run.account, segment=int(run.segment_id))
            st.switch_page(page)
        if not label and st.button(f"Open {sending.PAGE_TITLES[run.kind]} on this segment",
                                   key=f"uploads_open_{run.id}", icon=":material/upload_file:"):
            segment_picker.prefill(run.kind, account=run.account, segment=int(run.segment_id))
            st.switch_page(page)
