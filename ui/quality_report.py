"""Step 2: the data-quality (people) or key-coverage (companies) report, before anything is sent."""

from __future__ import annotations

import streamlit as st

from linkedin.tables import exports
from linkedin.tables.prepared import Prepared
from linkedin.tables.quality import Quality
from linkedin.tables.templates import export_template
from ui.format import plain

# Cells with a problem listed on the page: a million-row file can have hundreds of thousands, which
# would cross the websocket as one table (seconds, and the browser's memory); the download has all.
ISSUES_SHOWN = 1_000


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "0%"


def render(kind: str, prepared: Prepared | None, quality: Quality | None = None) -> None:
    """The report of a prepared table, or only ``quality`` when nothing in it can be sent (no export)."""
    q: Quality = prepared.quality if prepared is not None else quality
    m1, m2, m3, m4, m5 = st.columns(5)
    m1.metric("Rows read", f"{q.rows:,}")
    m2.metric("Matchable", f"{q.matchable:,}", help="Rows with at least one identifier LinkedIn can match on")
    m3.metric("Rejected", f"{q.rejected_rows:,}", help="Rows with nothing to match on: never sent")
    m4.metric("Duplicates", f"{q.duplicates:,}",
              help=f"Rows naming the same {'person' if kind == 'users' else 'company'} as an earlier row once "
                   f"normalized ({q.exact_duplicates:,} identical as given): not sent twice")
    m5.metric("Unique to send", f"{q.unique:,}")

    if q.emails is not None:
        _emails(q)
    if q.coverage is not None:
        _coverage(q)
    for sentence in q.advice:
        st.info(plain(sentence), icon=":material/lightbulb:")  # may quote cells and column names

    st.markdown("**Fields**")
    st.dataframe(
        [{"LinkedIn field": f.label, "Column": f.column, "Given": f.given, "Valid": f.valid, "Fixed": f.fixed,
          "Invalid": f.invalid, "Problems": "; ".join(f"{p}: {n:,}" for p, n in f.problems)} for f in q.fields],
        hide_index=True, width="stretch", key=f"{kind}_fields", placeholder="n/a",
        column_config={"Problems": st.column_config.TextColumn(width="large"),
                       "Fixed": st.column_config.NumberColumn(help="Usable after the fix shown in the issues")},
    )
    if len(q.issues):
        with st.expander(f"Issues: {len(q.issues):,} cell(s) with a problem, each with its fix where there is one",
                         icon=":material/rule:"):
            shown = q.issues if len(q.issues) <= ISSUES_SHOWN else q.issues.head(ISSUES_SHOWN)
            if len(shown) < len(q.issues):
                st.caption(f"The first {ISSUES_SHOWN:,} of {len(q.issues):,}; the file below has them all.")
            st.dataframe(shown, hide_index=True, width="stretch", key=f"{kind}_issues", placeholder="n/a",
                         column_config={"row": st.column_config.NumberColumn("Row", format="%d"),
                                        "fixed": st.column_config.CheckboxColumn("Fixed")})
            if len(shown) < len(q.issues):
                issues = q.issues
                st.download_button(f"Download the {len(issues):,} issues (CSV)", lambda: exports.to_csv(issues),
                                   file_name="issues.csv", mime="text/csv", key=f"{kind}_issues_csv",
                                   icon=":material/download:", on_click="ignore")
    left, right = st.columns(2)
    rejected = q.rejected
    left.download_button(
        f"Download the {len(rejected):,} rejected row(s) with reasons (CSV)",
        lambda: exports.to_csv(rejected), file_name="rejected-rows.csv", mime="text/csv",
        key=f"{kind}_rejected_csv", icon=":material/download:", disabled=not len(rejected), on_click="ignore",
    )
    if prepared is None:
        return
    right.download_button(
        "Export in LinkedIn's template (CSV)", lambda: export_template(prepared, kind),
        file_name=f"linkedin-{'contact' if kind == 'users' else 'company'}-template.csv", mime="text/csv",
        key=f"{kind}_template_csv", icon=":material/ios_share:", on_click="ignore",
        help="The rows to send, normalized, in Campaign Manager's upload template"
             + (" (emails as SHA-256 hashes: raw addresses are never kept)" if kind == "users" else ""),
    )


def _emails(q: Quality) -> None:
    mix = q.emails
    st.markdown("**Emails**")
    c1, c2, c3, c4 = st.columns(4)
    c1.metric("Plain addresses", f"{mix.raw:,}")
    c2.metric("Already hashed", f"{mix.sha256 + mix.sha512:,}",
              help=f"SHA-256: {mix.sha256:,} · SHA-512: {mix.sha512:,}")
    c3.metric("Personal (free-mail)", f"{mix.free_mail:,}",
              help="gmail, outlook, ...: the addresses LinkedIn members sign up with")
    c4.metric("Business", f"{mix.business:,}", delta=f"{_pct(mix.business, mix.raw)} of plain addresses",
              delta_color="off", delta_arrow="off")
    if mix.raw and not any("business" in a for a in q.advice) and mix.business:
        st.caption("Business addresses match worse on LinkedIn than personal ones.")


def _coverage(q: Quality) -> None:
    cov = q.coverage
    st.markdown("**Match keys** (name only matches worst, name + domain better, + LinkedIn page URL best)")
    c1, c2, c3 = st.columns(3)
    for column, label, count in ((c1, "Page URL or organization id (best)", cov.page),
                                 (c2, "Website or email domain (better)", cov.domain),
                                 (c3, "Name only (worst)", cov.name_only)):
        column.metric(label, f"{count:,}", delta=f"{_pct(count, cov.total)} of companies", delta_color="off",
                      delta_arrow="off")
