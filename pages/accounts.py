"""Ad accounts (MA-101): every account of the connected member, its status and the member's role."""

import streamlit as st

from linkedin.api import accounts
from linkedin.api.errors import LinkedInError
from linkedin.insights import portfolio
from ui import reconnect, session
from ui.format import plain

st.title("Ad accounts")
conn = session.connection()
if conn is None:
    st.info("Connect LinkedIn first: the accounts come from your LinkedIn member.")
    st.stop()

left, right = st.columns([4, 1])
refresh = right.button("Refresh", icon=":material/refresh:", key="accounts_refresh", help="Read again from LinkedIn now")
try:
    listing, loaded_at = portfolio.accounts_of(conn, refresh=refresh)
except LinkedInError as err:
    reconnect.failed(err, "The ad accounts could not be read.")
    st.stop()
age = max(0, int(portfolio.CACHE.clock() - loaded_at))
left.caption(f"Refreshed {age} s ago: kept for {int(portfolio.CACHE.ttl)} s, then read again from LinkedIn.")
for problem in listing.problems:
    st.warning(plain(problem), icon=":material/report:")

if not listing.accounts:
    st.info(
        "**You have no ad accounts on LinkedIn yet.** Create one in Campaign Manager, or ask an account manager "
        "to add you to an existing one; then press Refresh.",
        icon=":material/account_balance:",
    )
    st.stop()
if listing.viewer_only:
    st.warning(
        "**You are VIEWER on every ad account.** You can read audiences but not create or change them. "
        "Ask an account manager for a Campaign Manager (or higher) role.",
        icon=":material/visibility:",
    )

a, b, c = st.columns(3)
status_filter = a.multiselect("Status", accounts.STATUSES, key="accounts_status", placeholder="All statuses")
roles_present = sorted({acc.role for acc in listing.accounts})
role_filter = b.multiselect("Your role", roles_present, key="accounts_role", placeholder="All roles")
text = c.text_input("Search by name or ID", key="accounts_search")
shown = accounts.select(listing.accounts, statuses=status_filter, roles=role_filter, text=text)

m1, m2, m3 = st.columns(3)
m1.metric("Accounts", len(listing.accounts))
m2.metric("You can manage audiences in", len(listing.manageable))
m3.metric("Shown", len(shown))
if not shown:
    st.info("No account matches these filters.")
else:
    st.dataframe(
        [acc.to_row() for acc in shown],
        hide_index=True,
        placeholder="n/a",
        width="stretch",
        column_config={
            "ID": st.column_config.NumberColumn(format="%d"),
            "Test": st.column_config.CheckboxColumn(help="A test account: its campaigns never serve"),
            "Can manage audiences": st.column_config.TextColumn(help="Managing audiences needs a role other than VIEWER"),
        },
        key="accounts_table",
    )
