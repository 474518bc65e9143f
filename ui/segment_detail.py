"""One segment's detail on the Audiences page: all its fields, the destination URN, readiness and history.

The segment is read again from LinkedIn once when its detail opens (and on demand), not on
every rerun; a newer list (Refresh, or the cache's TTL) means a new read. Values LinkedIn does
not send read "n/a".
"""

from __future__ import annotations

import streamlit as st

from linkedin.api import segment_numbers, segments
from linkedin.api.connection import Connection
from linkedin.api.errors import LinkedInError, NotFound
from linkedin.insights import charts, mix, portfolio
from linkedin.insights.history import History
from ui.format import code, plain, when

MISSING = "n/a"


def _count(value: int | None) -> str:
    return f"{value:,}" if value is not None else MISSING


def show(conn: Connection, pf: portfolio.Portfolio, account_urns: list[str], segment_id: int) -> None:
    """The detail of ``segment_id`` as listed in ``pf``; nothing when it is not there."""
    found = pf.find(segment_id)
    if found is None:
        return
    account, listed = found
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
    c1.metric("Status", seg.status or MISSING)
    c2.metric(f"Input ({segment_numbers.WINDOW})", _count(seg.input_count))
    c3.metric(f"Matched ({segment_numbers.WINDOW})", _count(seg.matched_count))
    c4.metric("Match rate", seg.match_rate_text)
    c5.metric("Audience size", _count(seg.audience_size))
    st.caption(segment_numbers.COUNTS_NOTE)
    if seg.ours:  # why this match rate: what the app sent, against the account's other segments (issue 15.3)
        mixes = mix.frame([s for a, s in pf.items() if a.urn == account.urn], conn.store)
        st.markdown("**Why this match rate**\n" + "\n".join(f"- {plain(line)}" for line in mix.advice(segment_id, mixes)))
    urn = code(seg.destination_segment_urn) if seg.destination_segment_urn else "not assigned yet"
    st.markdown(f"**Destination segment URN** (use it in campaign targeting): {urn}")
    tz = st.context.timezone
    shown = [{"Field": k, "Value": MISSING if v is None else str(v),
              "Meaning": when(v / 1000, tz) if k.endswith(("created", "lastModified")) and isinstance(v, int) else ""}
             for k, v in segments.detail_fields(seg).items()]
    st.dataframe(shown, hide_index=True, width="stretch", key="segment_fields", placeholder=MISSING)
    for note in seg.notes:
        st.caption(f"Note: {plain(note)}.")
    snaps = History(conn.store, linkedin=conn.settings.api_base_url).of(segment_id, accounts=account_urns)
    st.plotly_chart(charts.history(snaps, title=f"History of {seg.name} ({len(snaps)} snapshot(s))"),
                    key="history_chart", width="stretch")
