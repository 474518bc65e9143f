"""The home page's "Since your last visit": what changed between the member's last look and now.

Nothing is polled: the fresh reading of the portfolio is compared with the segments' state
the app had stored at the member's last visit (``insights.visits``). The baseline is taken
once per browser session, so reruns keep showing the same changes; the visit is recorded at
every render, after the reading, so the next session starts from here."""

from __future__ import annotations

import streamlit as st

from linkedin.api.connection import Connection
from linkedin.insights.portfolio import Portfolio, member_key
from linkedin.insights.visits import Visits, changes
from ui import session
from ui.format import when

BASELINE = "since_last_visit"


def render(conn: Connection, pf: Portfolio) -> None:
    store = session.store()
    visits = Visits(store)
    me = member_key(conn)
    if BASELINE not in st.session_state:
        st.session_state[BASELINE] = visits.last(me)  # None: the first visit
    since = st.session_state[BASELINE]
    visits.record(me)
    if since is None:
        st.caption("Welcome. From your next visit, this page opens with what changed since you last looked: "
                   "segments that finished building, fell under 300, were archived, expired or failed, and your "
                   "uploads that finished or paused.")
        return
    found = changes(store, pf.items(), since=since, linkedin=session.settings().api_base_url, owner=me, accounts=[a.urn for a in pf.accounts.accounts])
    with st.container(border=True, key="since_last_visit_box"):
        st.markdown(f"**Since your last visit** ({when(since, st.context.timezone)})")
        if not found:
            st.caption("Nothing changed in these accounts since then.")
            return
        counts: dict[str, int] = {}
        for c in found:
            counts[c.kind] = counts.get(c.kind, 0) + 1
        st.caption(" · ".join(f"{n} {k.replace('_', ' ')}" for k, n in counts.items()))
        st.dataframe([c.to_row() for c in found], hide_index=True, width="stretch", placeholder="n/a", key="since_table",
                     height=min(36 * (len(found) + 1) + 3, 260),
                     column_config={"Details": st.column_config.TextColumn(width="large"),
                                    "Segment ID": st.column_config.NumberColumn(format="%d"),
                                    "Audience size": st.column_config.NumberColumn(format="localized")})
