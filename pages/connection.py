"""The connection (MA-001 to MA-006): who, which scopes, token lifetimes, heartbeat, refresh."""

import time

import streamlit as st

from linkedin.api.connection import member_label
from linkedin.api.errors import LinkedInError
from linkedin.api.settings import REQUIRED_SCOPES, SCOPE_PRODUCTS, SOURCE_PLATFORM_HELP
from ui import reconnect, session
from ui.format import countdown, plain, when

conn = session.connection()
st.title("LinkedIn connection")
if conn is None:
    st.info("Not connected.")
    st.stop()
tz = st.context.timezone
# st.table cells are Markdown: Streamlit's Material icons, never emoji (fonts on Linux lack them)
GRANTED, NOT_GRANTED = ":green[:material/check_circle:] yes", ":red[:material/cancel:] no"


@st.fragment(run_every=15)
def overview() -> None:
    """Re-read every 15 s: countdowns move, and a token due for renewal is renewed (MA-003, MA-005)."""
    status = conn.status()
    token = status.token
    now = time.time()
    st.subheader(plain(member_label(status.member_name, status.member_urn)))
    if status.member_urn:
        st.caption(plain(status.member_urn))
    reconnect.agree(status.state)  # changed since the page was drawn: the sidebar and the top follow
    if status.state == "needs_consent":
        st.error(f"Sign-in needed: {plain(status.reason or '')}", icon=":material/link_off:")  # Reconnect: at the top

    missing = token.missing_scopes()
    if missing:
        products = sorted({SCOPE_PRODUCTS.get(s, "the matching") for s in missing})
        st.warning(
            "This connection lacks " + ", ".join(f"`{s}`" for s in missing) + ", so the app cannot manage "
            "audiences with it. LinkedIn grants every scope the app asks for or none: add the missing ones to "
            f"`LINKEDIN_SCOPES` (they need the {' and '.join(products)} product in the LinkedIn Developer "
            "Portal), then reconnect.",
            icon=":material/warning:",
        )
    if not conn.settings.source_platform:
        st.warning(SOURCE_PLATFORM_HELP, icon=":material/warning:")
    scopes = [{"Scope": plain(s), "Granted": GRANTED if s in token.scopes else NOT_GRANTED,
               "Needed": "required" if s in REQUIRED_SCOPES else "optional"}
              for s in dict.fromkeys([*REQUIRED_SCOPES, *token.scopes])]
    st.table(scopes)

    left, right = st.columns(2)
    left.metric("Access token expires", countdown(token.access_expires_at - now), border=True)
    left.caption(when(token.access_expires_at, tz))
    if token.refresh_token:
        right.metric("Refresh token expires", countdown((token.refresh_expires_at or now) - now), border=True)
        right.caption(
            f"{when(token.refresh_expires_at, tz)}: a year after you first connected; renewals never extend it."
        )
    else:
        right.metric("Refresh token", "none", border=True)
        right.caption("LinkedIn gave this app no refresh token: you will reconnect when the access token expires.")
    if status.last_event:
        st.caption(f"Last change, {when(status.last_event_at, tz)}: {plain(status.last_event)}")


overview()

st.subheader("Heartbeat")
st.caption("The app checks the token with LinkedIn's introspection and a real API call, periodically and on demand.")


@st.fragment
def heartbeat_panel() -> None:
    cols = st.columns(3)
    check = cols[0].button("Check now", icon=":material/monitor_heart:")
    refresh = cols[1].button("Refresh now", icon=":material/autorenew:")
    if check:
        with st.spinner("Checking with LinkedIn..."):
            conn.check()
    if refresh:
        try:
            conn.refresh(because="you pressed Refresh now", force=True)
            st.success("A new access token was minted with the refresh token.")
        except LinkedInError as err:
            st.error(plain(err.explain()))
    beat = conn.status().heartbeat
    if beat is None:
        st.info("No check yet.")
    else:
        (st.success if beat.ok else st.error)(f"{when(beat.checked_at, tz)}: {plain(beat.message)}")
        st.caption(f"Introspection: **{plain(beat.introspection)}** · API call (adAccountUsers): "
                   f"**{plain(beat.api_call)}**")
    if check or refresh:
        st.rerun()


heartbeat_panel()

st.divider()
st.markdown(session.disconnect_form(), unsafe_allow_html=True)
st.caption("Disconnect: the app forgets your tokens on this server and the session cookie in this browser.")
