"""The connection's state as every part of a page shows it, and the way back when it failed.

One source of truth: the store's row for this session (``Connection.status``). The frame
draws the sidebar and the prompt at the top from it before the page runs; a page's own call
can change it (LinkedIn refused the token and the refresh token could not cure it). Then
``failed`` reruns the whole page once, so the sidebar, the top and the page tell the same
story, and offers Reconnect beside the page's own message (MA-004, MA-006).
"""

from __future__ import annotations

import streamlit as st

from linkedin.api.connection import Status
from linkedin.api.errors import LinkedInError
from ui import session
from ui.format import plain

RECONNECT_URL = "/oauth/linkedin/start?next=/%3Freconnected%3D1"
_SHOWN = "_li_state_shown"  # the connection state the frame drew in this script run


def shown(state: str) -> None:
    """The frame drew ``state`` (in the sidebar and at the top) for this script run."""
    st.session_state[_SHOWN] = state


def current() -> str:
    conn = session.connection()
    return conn.status().state if conn is not None else "disconnected"


def agree(state: str) -> None:
    """Rerun the whole page when the connection's ``state`` is not the one the frame drew."""
    if state != st.session_state.get(_SHOWN, state):
        st.rerun()


def button(key: str) -> None:
    """Reconnect: LinkedIn's consent screen in a new tab, so this page's work stays."""
    st.link_button("Reconnect LinkedIn", RECONNECT_URL, type="primary", icon=":material/login:",
                   key=f"reconnect_{key}")


def prompt(status: Status) -> None:
    """MA-004/MA-006: one click back through consent, in a new tab so this page's work stays."""
    reason = plain((status.reason or "").rstrip("."))
    st.warning(
        f"**LinkedIn needs you to sign in again.** {reason + '.' if reason else ''}\n\n"
        "Reconnect opens LinkedIn's consent screen in a new tab; when it is done, come back here "
        "and press Continue: nothing on this page is lost.",
        icon=":material/link_off:",
    )
    left, right = st.columns([1, 1])
    with left:
        button("top")
    if right.button("Continue", key="continue_after_reconnect"):
        st.rerun()


def failed(err: LinkedInError, what: str) -> None:
    """Say that ``what`` failed and why; with Reconnect when only a new sign-in helps.

    When the call that failed changed the connection's state, the page reruns first (once:
    the next run finds the state it draws), so no part of it still says "Connected"."""
    state = current()
    agree(state)
    st.error(f"{what} {plain(err.explain())}", icon=":material/error:")
    if state == "needs_consent" or err.needs_consent:
        button("page")
