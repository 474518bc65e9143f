"""Connect LinkedIn (MA-001): what will be asked and why, then LinkedIn's consent screen."""

import streamlit as st

from linkedin.api.settings import OPTIONAL_SCOPES, REQUIRED_SCOPES
from ui import session

settings = session.settings()
st.title("Connect LinkedIn")
st.write(
    "The workbench reads your ad accounts and Matched Audiences and keeps your segments in sync. "
    "To do that, LinkedIn asks you to grant these permissions to the app:"
)
rows = [{"Permission": s, "Needed": "required", "Why": REQUIRED_SCOPES[s]} for s in REQUIRED_SCOPES if s in settings.scopes]
rows += [{"Permission": s, "Needed": "optional", "Why": OPTIONAL_SCOPES[s]} for s in OPTIONAL_SCOPES if s in settings.scopes]
rows += [{"Permission": s, "Needed": "configured", "Why": ""} for s in settings.scopes if s not in REQUIRED_SCOPES and s not in OPTIONAL_SCOPES]
st.table(rows)
st.caption(
    "You accept all of them or none on LinkedIn's screen. Your tokens stay on this server; "
    "the browser only gets an opaque session cookie."
)
if settings.sandbox:
    st.info(
        "You are on the **sandbox**: the consent screen is the built-in LinkedIn emulator, "
        "where you pick a demo member (Avery Analyst manages many ad accounts, Vic Viewer only views, "
        "Noa Newcomer has none).",
        icon=":material/science:",
    )
# A same-tab link: Streamlit's link buttons open a new tab, and the consent screen
# should come back to this tab.
st.markdown(
    '<a href="/oauth/linkedin/start?next=/" target="_self" class="li-connect">Connect LinkedIn</a>'
    "<style>.li-connect{display:inline-block;background:#0A66C2;color:#fff !important;padding:.55rem 1.4rem;"
    "border-radius:1.5rem;font-weight:600;text-decoration:none}.li-connect:hover{background:#004182}</style>",
    unsafe_allow_html=True,
)
