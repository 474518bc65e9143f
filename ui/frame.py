"""What every page shares: page config, sidebar status, messages, heartbeat, navigation."""

from __future__ import annotations

import time

import streamlit as st

from linkedin.api.connection import Status, member_label
from linkedin.web import resources as context
from linkedin.web.routes import AUTH_ERRORS, refusal_advice
from ui import closed_tabs, reconnect, session
from ui.format import plain, when


def _flash_from_query() -> None:
    """Turn the callback's ``?auth_error=`` / ``?connected=`` into a message kept for this session."""
    params = st.query_params
    if "auth_error" in params:
        key = params["auth_error"]
        text = AUTH_ERRORS.get(key, "The sign-in did not complete. Please connect again.")
        detail = params.get("auth_detail")
        if detail:
            text += f"\n\nLinkedIn said: {plain(detail)}"
        if key == "scope":
            text += "\n\n" + refusal_advice(detail or "", session.settings())
        st.session_state["flash"] = ("error", text)
    elif "reconnected" in params:
        st.session_state["flash"] = (
            "success",
            "Reconnected to LinkedIn. If you were working in another tab, go back to it: your work is still there.",
        )
    elif "connected" in params:
        st.session_state["flash"] = ("success", "Connected to LinkedIn.")
    elif "disconnected" in params:
        st.session_state["flash"] = ("info", "Disconnected: the app forgot your LinkedIn tokens.")
    else:
        return
    params.clear()


def _show_flash() -> None:
    flash = st.session_state.pop("flash", None)
    if flash:
        kind, text = flash
        getattr(st, kind)(text)


@st.fragment(run_every=1)
def _await_handover() -> None:
    """Rerun the whole page once the browser told the server which session it holds now."""
    if session.handover_arrived():
        st.rerun()


def _follow_the_browser() -> None:
    """This tab's session was replaced in another tab: pick up the new one without a reload.

    The page's own elements are not drawn meanwhile (``st.stop`` keeps their state), so
    the work in this tab (an uploaded file, a mapping) is there again a moment later.
    """
    if session.follow() != "waiting":
        return
    st.info("Picking up the LinkedIn sign-in made in another tab...", icon=":material/sync:")
    st.markdown(session.adopt_html(), unsafe_allow_html=True)
    _await_handover()
    st.stop()


def _sidebar(status: Status) -> None:
    settings = session.settings()
    with st.sidebar:
        if settings.sandbox:
            st.info(
                "**Sandbox mode**: an offline LinkedIn emulator; no real accounts or data. "
                "Set LINKEDIN_CLIENT_ID to use real LinkedIn.",
                icon=":material/science:",
            )
        if status.state == "disconnected":
            st.caption("Not connected to LinkedIn.")
            return
        name = plain(member_label(status.member_name, status.member_urn))
        if status.connected:
            st.success(f"Connected as **{name}**", icon=":material/link:")
        else:
            st.error(f"**{name}**: sign-in needed", icon=":material/link_off:")
        if status.connected:
            _heartbeat()


@st.fragment(run_every=session.settings().heartbeat_seconds)
def _heartbeat() -> None:
    """MA-002: check the token every ``heartbeat_seconds`` while the page is open."""
    conn = session.connection()
    if conn is None:
        return
    status = conn.status()
    last = status.heartbeat
    # A check from before the connection last changed (a reconnect, a renewal) says nothing of now.
    if (last is None or last.checked_at < (status.last_event_at or 0)
            or time.time() - last.checked_at >= session.settings().heartbeat_seconds - 1):
        last = conn.check()
    icon = ":material/check_circle:" if last.ok else ":material/warning:"
    st.caption(f"{icon} Heartbeat {when(last.checked_at, st.context.timezone)}: {plain(last.message)}")
    if conn.status().state != status.state:
        st.rerun()


def run() -> None:
    st.set_page_config(page_title="Matched Audiences Workbench", page_icon=":material/groups:", layout="wide")
    _flash_from_query()
    closed_tabs.watch()  # this session's memory goes soon after its tab does
    if session.replaced():
        _follow_the_browser()
    conn = session.connection()
    status = conn.status() if conn else Status("disconnected")
    _sidebar(status)
    settings = session.settings()

    connect = st.Page("pages/connect.py", title="Connect", icon=":material/login:", url_path="connect")
    connection = st.Page("pages/connection.py", title="Connection", icon=":material/link:", url_path="connection")
    signoff = st.Page("pages/signoff.py", title="Sign-off readiness", icon=":material/verified:", url_path="signoff")
    tools = []
    if context.drives_sandbox(settings, st.context.headers.get("host")):  # not to a DNS-rebound name
        tools.append(st.Page("pages/sandbox.py", title="Sandbox controls", icon=":material/science:", url_path="sandbox-controls"))
    audiences = st.Page("pages/audiences.py", title="Audiences", icon=":material/groups:", url_path="audiences", default=True)
    ad_accounts = st.Page("pages/accounts.py", title="Ad accounts", icon=":material/account_balance:", url_path="accounts")
    people = st.Page("pages/people.py", title="People segments", icon=":material/person_add:", url_path="people")
    companies = st.Page("pages/companies.py", title="Company segments", icon=":material/domain_add:", url_path="companies")
    uploads = st.Page("pages/uploads.py", title="Uploads", icon=":material/upload:", url_path="uploads")
    insights = st.Page("pages/insights.py", title="Match insights", icon=":material/insights:", url_path="insights")
    if status.state == "disconnected":
        pages = {"LinkedIn": [connect], "Demo": tools} if tools else [connect]
    else:
        pages = {"Audiences": [audiences, people, companies, uploads, insights, ad_accounts], "LinkedIn": [connection, signoff], **({"Demo": tools} if tools else {})}
    # Messages and the reconnect prompt live in one container that is always there, so the
    # page's own elements keep their positions whether or not a message is shown. Fragment
    # ids hang on those positions: a click on a fragment's button (Check now) made while a
    # rerun removes the prompt would otherwise name a fragment that no longer exists, and
    # Streamlit drops it.
    with st.container():
        _show_flash()
        if status.state == "needs_consent":
            reconnect.prompt(status)
    reconnect.shown(status.state)
    st.navigation(pages).run()
