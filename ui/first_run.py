"""The first step for an analyst with nothing made by this app yet: one click to "create your first
segment from a file", on the People segments page, in the account being looked at.

Shown on the Audiences page (the home page once connected) when the account, or every account,
has no segment this app created and the member may manage audiences somewhere. On the sandbox
the People page then offers the sample files (``ui.samples``).
"""

from __future__ import annotations

import streamlit as st

from linkedin.api.accounts import AccountList
from ui import segment_picker

LABEL = "Create your first segment from a file"


def offer(listing: AccountList, *, account_urn: str | None, empty: bool, sandbox: bool) -> bool:
    """The call to action, if this member can act on it (then True); ``empty``: the view has no segment."""
    manageable = [a.urn for a in listing.manageable]
    if not manageable:
        return False  # a viewer everywhere: the page says so elsewhere
    target = account_urn if account_urn in manageable else None
    with st.container(border=True, key="first_run"):
        what = ("None of these audiences was created with this app yet." if not empty
                else "No audiences in this account yet." if account_urn else "No audiences in any of your ad accounts yet.")
        samples = " On the sandbox, sample files are ready to use." if sandbox else ""
        st.markdown(f"**{what}** Bring a table of people (emails, names, companies): the app checks it, shows "
                    f"you the report and creates the segment.{samples}")
        if st.button(LABEL, type="primary", icon=":material/upload_file:", key="first_segment"):
            segment_picker.prefill("users", account=target)
            st.switch_page("pages/people.py")
    return True
