"""Match insights of one ad account, in four tabs: the funnel of an upload, why this match rate
(identifier mix against match rate), where each segment is used (campaigns), and overlap.

The library decides (``insights.funnel``, ``mix``, ``usage``, ``overlap``); this shows the
steps. Campaigns are read once per account and portfolio reading (one finder call), kept in
the session so reruns cost nothing."""

from __future__ import annotations

import time

import streamlit as st

from linkedin.api.accounts import Account
from linkedin.api.connection import Connection
from linkedin.api.errors import LinkedInError
from linkedin.insights import funnel, insight_charts, mix, overlap, portfolio, usage
from linkedin.insights.attention import Attention
from linkedin.sync.ledger import Ledger
from linkedin.sync.runs import Uploads
from ui import campaign_use, session
from ui.format import plain, when

SHARES = {"personal": "personal emails", "name_only": "name-only people", "ad_id": "mobile ad ids",
          "hashed": "pre-hashed emails", "page": "company page URLs", "domain_only": "company domains only"}


def render() -> None:
    st.title("Match insights")
    conn = session.connection()
    if conn is None:
        st.info("Connect LinkedIn first: the insights come from your ad accounts and your uploads.")
        st.stop()
    try:
        listing, _ = portfolio.accounts_of(conn)
    except LinkedInError as err:
        st.error(f"The ad accounts could not be read. {plain(err.explain())}")
        st.stop()
    if not listing.accounts:
        st.info("You have no ad accounts on LinkedIn yet, so there is nothing to analyse.")
        st.stop()
    by_label = {a.label: a for a in listing.accounts}
    account = by_label[st.selectbox("Ad account", list(by_label), key="insights_account")]
    try:
        pf = portfolio.portfolio_of(conn, account_urns=[account.urn])
    except LinkedInError as err:
        st.error(f"The segments could not be read. {plain(err.explain())}")
        st.stop()
    items = pf.items()
    tabs = st.tabs(["Funnel of an upload", "Why this match rate", "Where each segment is used", "Overlap"])
    with tabs[0]:
        _funnel(conn, account, [a.urn for a in listing.accounts])
    with tabs[1]:
        _mix(conn, items)
    with tabs[2]:
        _campaigns(conn, account, items, pf.loaded_at)
    with tabs[3]:
        _overlap(items)


def _funnel(conn: Connection, account: Account, accounts: list[str]) -> None:
    runs = [r for r in Uploads(session.store()).latest(portfolio.member_key(conn)) if r.account == account.urn]
    if not runs:
        st.info("No upload of yours to this account yet. Send a table from People segments or Company segments: "
                "its funnel shows here.", icon=":material/filter_alt:")
        return
    tz = st.context.timezone
    labels = {f"{r.segment_name} · {when(r.created_at, tz)} · {r.mode} ({r.id})": r for r in runs}
    run = labels[st.selectbox("Upload", list(labels), key="insights_run")]
    found = funnel.of_run(session.store(), run, accounts=accounts, linkedin=session.settings().api_base_url)
    if found.biggest_loss:
        st.markdown(f"**Biggest loss:** {plain(found.biggest_loss)}")
    if not found.reported:
        st.info(f"{funnel.NOT_REPORTED}. The matched count and audience size appear here once the app reads the "
                "segment after LinkedIn processed the upload (open Audiences or press Refresh there).",
                icon=":material/hourglass_top:")
    st.plotly_chart(insight_charts.funnel(found), key="funnel_chart", width="stretch")
    st.dataframe(found.frame()[["step", "count", "note"]], hide_index=True, width="stretch", placeholder="n/a", key="funnel_table",
                 column_config={"count": st.column_config.NumberColumn(format="localized")})


def _mix(conn: Connection, items: list) -> None:
    mixes = mix.frame([s for _, s in items], session.store())
    if mixes.empty:
        st.info("This app has not sent anything to the segments of this account yet: the identifier mix comes "
                "from its uploads (counts only, no raw data).", icon=":material/insights:")
        return
    kinds = sorted(mixes["kind"].unique())
    shares = [k for k in SHARES if k in ("page", "domain_only")] if kinds == ["companies"] else list(SHARES)
    share = st.radio("Against", shares, format_func=SHARES.get, horizontal=True, key="insights_share")
    st.plotly_chart(insight_charts.mix(mixes, share=share), key="mix_chart", width="stretch")
    st.dataframe(mixes, hide_index=True, width="stretch", placeholder="n/a", key="mix_table",
                 column_config={c: st.column_config.NumberColumn(format="percent")
                                for c in ["match_rate", *SHARES, "company_name_only"]})
    names = {f"{r.segment} ({r.segment_id})": int(r.segment_id) for r in mixes.itertuples()}
    chosen = st.selectbox("Advice for", list(names), key="insights_advice_for")
    for line in mix.advice(names[chosen], mixes):
        st.markdown(f"- {plain(line)}")


def _campaigns(conn: Connection, account: Account, items: list, loaded_at: float) -> None:
    try:
        found = campaign_use.read(conn, [account], loaded_at)
    except LinkedInError as err:
        st.error(f"The campaigns could not be read. {plain(err.explain())}")
        return
    for problem in found.problems:
        st.warning(plain(problem))
    todo: list[Attention] = usage.attention(items, found, now=time.time())
    st.caption(f"{len(found.campaigns)} campaign(s) in this account; a campaign uses a segment through its "
               "audience-matching targeting (the segment's ad segment URN).")
    if todo:
        st.markdown(f"**Attention: {len(todo)} item(s)**")
        st.dataframe([a.to_row() for a in todo], hide_index=True, width="stretch", placeholder="n/a", key="usage_attention",
                     column_config={"What": st.column_config.TextColumn(width="large")})
    table = usage.frame(items, found)
    st.dataframe(table, hide_index=True, width="stretch", placeholder="n/a", key="usage_table",
                 column_config={"segment_id": st.column_config.NumberColumn("Segment ID", format="%d"),
                                "segment": "Segment", "account": "Ad account", "ad_segment": "Ad segment URN",
                                "campaign_id": st.column_config.NumberColumn("Campaign ID", format="%d"),
                                "campaign": "Campaign", "campaign_status": "Campaign status", "use": "Use",
                                "live": "Live"})


def _overlap(items: list) -> None:
    ledger = Ledger(session.store(), linkedin=session.settings().api_base_url)
    sent = {f"{s.name} ({s.id})": s.id for _, s in items if ledger.count(s.id)}
    if len(sent) < 2:
        st.info("The overlap compares what this app sent to two or more segments of this account (by hashed key; "
                "nothing raw is needed and nothing is sent). Fewer than two have uploads yet.",
                icon=":material/join_inner:")
        return
    chosen = st.multiselect(f"Segments (2 to {overlap.MAX_SEGMENTS})", list(sent), default=list(sent)[:4],
                            max_selections=overlap.MAX_SEGMENTS, key="insights_overlap")
    if len(chosen) < 2:
        st.caption("Choose at least two segments.")
        return
    found = overlap.of_segments(ledger, {label: sent[label] for label in chosen})
    if len(chosen) == 2:
        st.plotly_chart(insight_charts.venn(found), key="venn_chart", width="stretch")
    st.plotly_chart(insight_charts.overlap_matrix(found), key="overlap_chart", width="stretch")
    st.dataframe(found.pairs(), hide_index=True, width="stretch", placeholder="n/a", key="overlap_pairs",
                 column_config={c: st.column_config.NumberColumn(format="percent")
                                for c in ("share_of_a", "share_of_b", "jaccard")})
