"""Audiences (MA-102..MA-104): every segment, its status, match rate, size and readiness; charts,
the attention list, and a segment's detail with its history."""

import time

import streamlit as st

from linkedin.api import segment_numbers, segments
from linkedin.api.errors import LinkedInError, NotFound
from linkedin.demo.controls import SandboxControl
from linkedin.insights import attention, charts, portfolio
from linkedin.insights.history import History
from ui import reconnect, session, since_last_visit
from ui.format import code, plain, when

ALL = "All accounts"

st.title("Audiences")
conn = session.connection()
if conn is None:
    st.info("Connect LinkedIn first: the audiences come from your ad accounts.")
    st.stop()
tz = st.context.timezone


def linkedin_now() -> float:
    """LinkedIn's time: the sandbox's clock can be advanced for demos, so ask it; else ours."""
    settings = session.settings()
    if settings.sandbox:
        try:
            return float(SandboxControl(settings.api_base_url).state()["now"])
        except (LinkedInError, KeyError, TypeError, ValueError):
            pass
    return time.time()


top_left, top_right = st.columns([4, 1])
refresh = top_right.button("Refresh", icon=":material/refresh:", key="audiences_refresh",
                           help="Read every segment again from LinkedIn now (and keep a snapshot)")
try:
    listing, _ = portfolio.accounts_of(conn, refresh=refresh)
except LinkedInError as err:
    reconnect.failed(err, "The ad accounts could not be read.")
    st.stop()
if not listing.accounts:
    st.info(
        "**You have no ad accounts on LinkedIn yet**, so there are no audiences to show. Create an ad account in "
        "Campaign Manager or ask to be added to one, then press Refresh.",
        icon=":material/groups:",
    )
    st.stop()

by_label = {acc.label: acc for acc in listing.accounts}
choice = top_left.selectbox("Ad account", [ALL, *by_label], key="audiences_account")
urns = None if choice == ALL else [by_label[choice].urn]
try:
    with st.spinner("Reading segments from LinkedIn..."):
        pf = portfolio.portfolio_of(conn, account_urns=urns)
except LinkedInError as err:
    reconnect.failed(err, "The segments could not be read.")
    st.stop()
st.caption(
    f"Refreshed {max(0, int(portfolio.CACHE.clock() - pf.loaded_at))} s ago: kept for {int(portfolio.CACHE.ttl)} s, "
    f"then read again. {pf.segment_count} segment(s) in {len(pf.parts)} account(s)."
)
if pf.problems:
    with st.expander(f"{len(pf.problems)} thing(s) could not be read as expected", expanded=len(pf.problems) <= 3, icon=":material/report:"):
        for problem in pf.problems:
            st.warning(plain(problem))

since_last_visit.render(conn, pf)
items = attention.collect(pf, now=linkedin_now())
df = pf.frame()
m1, m2, m3, m4 = st.columns(4)
m1.metric("Segments", len(df))
m2.metric("Serving", int(df["serving"].sum()) if len(df) else 0,
          help=f"Targetable segments with an audience of at least {segment_numbers.MIN_AUDIENCE}: they deliver ads")
m3.metric("Created by this app", int(df["ours"].sum()) if len(df) else 0)
m4.metric("Need attention", sum(1 for i in items if i.severity != "info"))

if items:
    with st.expander(f"Attention: {len(items)} item(s) across {'all accounts' if urns is None else 'this account'}",
                     expanded=True, icon=":material/notification_important:"):
        st.dataframe([i.to_row() for i in items], hide_index=True, width="stretch", key="attention_table",
                     height=min(36 * (len(items) + 1) + 3, 290),
                     column_config={"What": st.column_config.TextColumn(width="large"),
                                    "Segment ID": st.column_config.NumberColumn(format="%d")})

if df.empty:
    st.info(
        "**No audiences in this account yet.** Segments appear here once they are created, by this app or in "
        "Campaign Manager." if urns else "**No audiences in any of your ad accounts yet.**",
        icon=":material/group_off:",
    )
    st.stop()

f1, f2, f3, f4 = st.columns([2, 2, 2, 1])
status_filter = f1.multiselect("Status", sorted(df["status"].unique()), key="audiences_status", placeholder="All statuses")
ready_filter = f2.multiselect("Readiness", sorted(df["readiness"].unique()), key="audiences_readiness", placeholder="Any")
text = f3.text_input("Search by name or ID", key="audiences_search")
ours_only = f4.toggle("Ours only", key="audiences_ours",
                      help=f"Only segments created by this app (sourcePlatform {conn.settings.source_platform or 'not set'})")
view = portfolio.select(df, statuses=status_filter, readiness=ready_filter, text=text, ours_only=ours_only)
table = view.assign(source=[("★ " if o else "") + p for o, p in zip(view["ours"], view["source_platform"])])[
    ["name", "segment_id", "account", "type", "source", "status", "input_count", "matched_count", "match_rate_text",
     "audience_size", "readiness_text", "why", "created", "last_modified"]]
st.caption(f"Select a row to open the segment's detail. ★ marks segments created by this app. "
           f"{segment_numbers.COUNTS_NOTE}")
event = st.dataframe(
    table,
    hide_index=True,
    width="stretch",
    on_select="rerun",
    selection_mode="single-row",
    key="segments_table",
    column_config={
        "name": "Segment",
        "segment_id": st.column_config.NumberColumn("ID", format="%d"),
        "account": "Ad account",
        "type": "Type",
        "source": "Source platform",
        "status": "Status",
        "input_count": st.column_config.NumberColumn(f"Input ({segment_numbers.WINDOW})", format="localized"),
        "matched_count": st.column_config.NumberColumn(f"Matched ({segment_numbers.WINDOW})", format="localized"),
        "match_rate_text": st.column_config.TextColumn(
            "Match rate", help=f"matched / input over the uploads of the {segment_numbers.WINDOW}; no recent uploads: "
                               "an audience but nothing uploaded this week; n/a while LinkedIn has no counts"),
        "audience_size": st.column_config.NumberColumn("Audience size", format="localized",
                                                       help="everything uploaded, duplicates and opt-outs removed"),
        "readiness_text": st.column_config.TextColumn(
            "Readiness", help=f"targetable: campaigns can use it (not EXPIRED, FAILED or ERROR); serving: an audience "
                              f"of at least {segment_numbers.MIN_AUDIENCE}"),
        "why": st.column_config.TextColumn("Why", width="medium"),
        "created": st.column_config.DatetimeColumn("Created", format="YYYY-MM-DD HH:mm"),
        "last_modified": st.column_config.DatetimeColumn("Last modified", format="YYYY-MM-DD HH:mm"),
    },
)
rows = event.selection.rows if event and event.selection else []


def show_detail(segment_id: int) -> None:
    """All fields, the destination segment URN, readiness and history of one segment."""
    found = pf.find(segment_id)
    if found is None:
        return
    account, listed = found
    # Read the segment once when its detail opens (and on demand), not on every rerun;
    # a newer list (Refresh, or the cache's TTL) means a new read.
    reading = (segment_id, pf.loaded_at)
    reread = st.button("Read again from LinkedIn", icon=":material/refresh:", key="segment_reread")
    if reread or st.session_state.get("segment_read", (None,))[0] != reading:
        try:
            result = ("ok", portfolio.reread(conn, segment_id))
        except NotFound:
            result = ("gone", None)
        except LinkedInError as err:
            result = ("error", err.explain())
        st.session_state["segment_read"] = (reading, result)
    state, payload = st.session_state["segment_read"][1]
    seg = payload if state == "ok" else listed
    st.subheader(plain(seg.name))
    st.caption(f"{plain(account.label)} · your role: {plain(account.role)}"
               + (" · created by this app" if seg.ours else ""))
    if state == "gone":
        st.error("This segment no longer exists on LinkedIn: it was deleted after the list was read. "
                 "The values below are from the list; press Refresh to update it.", icon=":material/delete:")
    elif state == "error":
        st.warning(f"Could not read the segment again: {plain(payload)} The values below are from the list.")
    ready = seg.readiness
    (st.success if ready.ready else st.warning)(f"**{ready.headline}**. {plain(ready.reason)}")
    c1, c2, c3, c4, c5 = st.columns(5)
    c1.metric("Status", seg.status or "none")
    c2.metric(f"Input ({segment_numbers.WINDOW})", f"{seg.input_count:,}" if seg.input_count is not None else "n/a")
    c3.metric(f"Matched ({segment_numbers.WINDOW})",
              f"{seg.matched_count:,}" if seg.matched_count is not None else "n/a")
    c4.metric("Match rate", seg.match_rate_text)
    c5.metric("Audience size", f"{seg.audience_size:,}" if seg.audience_size is not None else "n/a")
    st.caption(segment_numbers.COUNTS_NOTE)
    urn = code(seg.destination_segment_urn) if seg.destination_segment_urn else "not assigned yet"
    st.markdown(f"**Destination segment URN** (use it in campaign targeting): {urn}")
    fields = segments.detail_fields(seg)
    shown = [{"Field": k, "Value": "" if v is None else str(v),
              "Meaning": when(v / 1000, tz) if k.endswith(("created", "lastModified")) and isinstance(v, int) else ""}
             for k, v in fields.items()]
    st.dataframe(shown, hide_index=True, width="stretch", key="segment_fields")
    for note in seg.notes:
        st.caption(f"Note: {plain(note)}.")
    snaps = History(conn.store, linkedin=conn.settings.api_base_url).of(
        segment_id, accounts=[a.urn for a in listing.accounts])
    st.plotly_chart(charts.history(snaps, title=f"History of {seg.name} ({len(snaps)} snapshot(s))"),
                    key="history_chart", width="stretch")


if rows and rows[0] < len(view):
    with st.container(border=True):
        show_detail(int(view.iloc[rows[0]]["segment_id"]))

st.subheader("Charts")
t1, t2, t3 = st.tabs(["Match rate", "Audience size", "Status by account"])
t1.plotly_chart(charts.match_rates(view), key="chart_match_rate", width="stretch")
t2.plotly_chart(charts.audience_sizes(view), key="chart_audience_size", width="stretch")
t3.plotly_chart(charts.statuses_by_account(view), key="chart_status", width="stretch")
