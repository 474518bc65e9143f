"""Audiences (MA-102..MA-104): every segment, its status, match rate, size and readiness; charts,
the attention list, and a segment's detail with its history."""

import time

import streamlit as st

from linkedin.api import segment_numbers
from linkedin.api.errors import LinkedInError
from linkedin.demo.controls import SandboxControl
from linkedin.insights import attention, charts, portfolio
from ui import campaign_use, first_run, reconnect, segment_detail, segments_table, session, since_last_visit
from ui.format import plain

ALL = "All accounts"

st.title("Audiences")
conn = session.connection()
if conn is None:
    st.info("Connect LinkedIn first: the audiences come from your ad accounts.")
    st.stop()


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
try:  # campaign use: live campaigns on segments that cannot serve, unused segments archived within a week
    # (the later countdowns, "info", are on the Match insights page: here they would bury what needs action)
    items = attention.merge(items, [a for a in campaign_use.attention(conn, pf.items(), pf.accounts.accounts,
                                                                      pf.loaded_at, now=linkedin_now())
                                    if a.severity != "info"])
except LinkedInError as err:
    st.caption(f"Campaign use is not shown: the campaigns could not be read. {plain(err.explain())}")
df = pf.frame()
offered = (not len(df) or not df["ours"].any()) and first_run.offer(
    listing, account_urn=urns[0] if urns else None, empty=df.empty, sandbox=session.settings().sandbox)
m1, m2, m3, m4 = st.columns(4)
m1.metric("Segments", len(df))
m2.metric("Serving", int(df["serving"].sum()) if len(df) else 0,
          help=f"Targetable segments with an audience of at least {segment_numbers.MIN_AUDIENCE}: they deliver ads")
m3.metric("Created by this app", int(df["ours"].sum()) if len(df) else 0)
m4.metric("Need attention", len(items), help="The items of the attention list below: errors, warnings and notes")
attention_slot = st.container()  # filled once the table's filters are known: a click in either table opens one segment
scope = "all accounts" if urns is None else "this account"

if df.empty:
    with attention_slot:  # an account that could not be read, a viewer's role: said even with no segment
        segments_table.attention_list(items, segments_table.follow_clicks(items, df)[0], scope=scope)
    if not offered:
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
attention_shown, segments_shown = segments_table.follow_clicks(items, view)
with attention_slot:
    segments_table.attention_list(items, attention_shown, scope=scope)
segments_table.segments(view, segments_shown)

chosen = segments_table.selected()
if chosen is not None and pf.find(chosen) is not None:
    with st.container(border=True, key="segment_detail"):
        if chosen not in set(view["segment_id"]):
            st.caption("This segment is hidden by the filters above; its detail stays open until you choose another.")
        segment_detail.show(conn, pf, [a.urn for a in listing.accounts], chosen)

st.subheader("Charts")
t1, t2, t3 = st.tabs(["Match rate", "Audience size", "Status by account"])
t1.plotly_chart(charts.match_rates(view), key="chart_match_rate", width="stretch")
t2.plotly_chart(charts.audience_sizes(view), key="chart_audience_size", width="stretch")
t3.plotly_chart(charts.statuses_by_account(view), key="chart_status", width="stretch")
