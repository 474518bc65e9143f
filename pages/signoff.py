"""Sign-off readiness (MA-001..MA-107): run LinkedIn's requirements live, see the evidence, export it."""

import pandas as pd
import streamlit as st

from linkedin import signoff
from linkedin.api.settings import SOURCE_PLATFORM_HELP
from linkedin.insights.portfolio import member_key
from ui import session
from ui.format import plain, when

MARKS = {signoff.PASS: "pass", signoff.FAIL: "fail", signoff.SKIPPED: "skipped"}  # in tables: words
ICONS = {signoff.PASS: ":material/check_circle:", signoff.FAIL: ":material/cancel:",
         signoff.SKIPPED: ":material/skip_next:"}  # beside them: Material icons, never emoji

settings = session.settings()
conn = session.connection()
st.title("Sign-off readiness")
st.write(
    "Before a partner app may go live, LinkedIn runs a technical sign-off demo of the Audiences requirements "
    "MA-001 to MA-107. This page walks through each of them against the connected LinkedIn, with the same code "
    "the rest of the app uses, and keeps the evidence: every call made (method, path, status, LinkedIn's request "
    "id), what came back, pass or fail, and what to do about a failure. Export it to prepare the demo."
)
if conn is None:
    st.info("Connect LinkedIn first: the checks run against your connection.", icon=":material/link_off:")
    st.stop()
tz = st.context.timezone
if not settings.source_platform:  # MA-105 cannot pass: say so before anything runs
    st.warning(f"**MA-105 will fail.** {SOURCE_PLATFORM_HELP}", icon=":material/warning:")
status = conn.status()
owner = member_key(conn)
runs = signoff.Runs(conn.store)

with st.container(border=True):
    if settings.sandbox:
        st.info(
            "**Sandbox**: every check runs. The script expires and revokes your token on purpose to show "
            "detection, renewal and reconnection (it consents again for you, so you stay signed in), creates a "
            "user and a company test segment, and adds and removes test members.",
            icon=":material/science:",
        )
        allow = True
    else:
        allow = st.toggle(
            "Allow writing checks",
            key="signoff_allow_writing",
            help="Off: only reading checks run. On: the check renews your access token (MA-005), creates two test "
                 "segments in your first active ad account and adds and removes obviously fake test members "
                 "(example.com addresses).",
        )
        st.caption("Checks that force a token to expire cannot run on real LinkedIn: they show what the app "
                   "watches instead, and are marked skipped with the reason.")
    name = st.text_input("Test segment name", value=signoff.DEFAULT_SEGMENT_NAME, max_chars=120, key="signoff_name",
                         help="Writing checks create “<name> – users – <date>” and “<name> – companies – <date>”.")
    start = st.button("Run the sign-off check", type="primary", icon=":material/play_arrow:",
                      disabled=not status.connected)
    if not status.connected:
        st.warning("LinkedIn needs you to sign in again before the check can run: use Reconnect above.")

if start:
    try:
        options = signoff.Options(allow_writing=allow, segment_name=name)
    except ValueError as err:
        st.error(plain(err))
        options = None
    if options is not None:
        total = len(signoff.CHECKS)
        rows: list[dict] = []
        with st.status("Running the sign-off check…", expanded=True) as box:
            bar = st.progress(0.0, text="Starting…")
            table = st.empty()

            def started(check: signoff.Check) -> None:
                bar.progress(len(rows) / total, text=f"{check.id}: {check.title}…")

            def done(check: signoff.Check, found: signoff.Evidence) -> None:
                rows.append({"Requirement": check.id, "What": check.title, "Result": MARKS[found.status],
                             "Calls": len(found.calls), "Seconds": round(found.seconds, 2)})
                bar.progress(len(rows) / total, text=f"{len(rows)} of {total} done")
                table.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch", placeholder="n/a")

            run = signoff.run(conn, options, on_start=started, on_done=done)
            box.update(label=f"Done: {run.passed} passed, {run.failed} failed, {run.skipped} skipped",
                       state="error" if run.failed else "complete", expanded=False)
        st.session_state["signoff_shown"] = run.id

shown_id = st.session_state.get("signoff_shown")
shown = runs.get(owner, shown_id) if shown_id else None
if shown is not None:
    st.subheader("Results")
    where = "the LinkedIn sandbox" if shown.sandbox else shown.target
    st.caption(f"{when(shown.started_at, tz)}, against {plain(where)}, LinkedIn-Version {shown.version}; "
               f"writing checks {'on' if shown.writing else 'off'}.")
    (st.error if shown.failed else st.warning if shown.skipped else st.success)(shown.verdict)
    st.dataframe(
        pd.DataFrame([{"Requirement": e.id, "What": e.title, "Result": MARKS[e.status],
                       "Why / what to do": e.reason or e.todo or "", "Calls": len(e.calls),
                       "Seconds": round(e.seconds, 2)} for e in shown.evidence]),
        hide_index=True, width="stretch", placeholder="n/a", key="signoff_results",
    )
    left, right = st.columns(2)
    left.download_button("Download the report (HTML)", signoff.html(shown), file_name=signoff.filename(shown, "html"),
                         mime="text/html", icon=":material/download:", on_click="ignore")
    right.download_button("Download the report (Markdown)", signoff.markdown(shown),
                          file_name=signoff.filename(shown, "md"), mime="text/markdown", icon=":material/download:",
                          on_click="ignore")
    for e in shown.evidence:
        with st.expander(f"{MARKS[e.status]} · {e.id} · {e.title}", icon=ICONS[e.status]):
            if e.reason:
                st.info(f"**Skipped:** {plain(e.reason)}")
            if e.todo:
                st.error(f"**What to do:** {plain(e.todo)}")
            if e.summary:
                st.dataframe(pd.DataFrame(e.summary, columns=["What came back", "Value"]), hide_index=True,
                             width="stretch", placeholder="n/a")
            if e.calls:
                st.dataframe(
                    pd.DataFrame([{"Method": c.method, "Path": c.path, "Status": c.status, "Request id": c.request_id,
                                   "Error": c.error, "Batch": c.note, "ms": c.ms} for c in e.calls]),
                    hide_index=True, width="stretch", placeholder="n/a",
                )
            st.caption(f"{when(e.started_at, tz)} · {e.seconds:.2f} s · {len(e.calls)} call(s)")

kept = runs.latest(owner)
st.subheader("Last runs")
if not kept:
    st.caption("No run yet.")
else:
    st.dataframe(
        pd.DataFrame([{"When": when(r.started_at, tz), "Where": "sandbox" if r.sandbox else r.target,
                       "Writing": "yes" if r.writing else "no", "Passed": r.passed, "Failed": r.failed,
                       "Skipped": r.skipped, "Run": r.id} for r in kept]),
        hide_index=True, width="stretch", placeholder="n/a", key="signoff_runs",
    )
    ids = {f"{when(r.started_at, tz)}: {r.passed} passed, {r.failed} failed, {r.skipped} skipped ({r.id})": r.id
           for r in kept}
    labels = list(ids)
    current = [label for label, rid in ids.items() if rid == shown_id]
    pick = st.selectbox("Show a run", labels, index=labels.index(current[0]) if current else None,
                        placeholder="Pick a run to see its results")
    if pick and ids[pick] != shown_id:
        st.session_state["signoff_shown"] = ids[pick]
        st.rerun()
    st.caption(f"The last {signoff.KEEP} runs are kept, without any token.")
