"""This browser's settings, store and LinkedIn connection, as the pages see them.

The session id comes from the signed HttpOnly cookie set by the OAuth callback
(``st.context.cookies`` is a snapshot of the page load's cookies). A tab keeps the id it
found (pinned in its session state): when the member signs in again in another tab, the
callback gives the browser a new id and forgets the old one, and this tab then picks up
the new id through a hand-over (``follow``) rather than by a reload, which would lose its
work. Tests replace ``connection`` since AppTest cannot send cookies.
"""

from __future__ import annotations

import time

import streamlit as st

from linkedin.api.connection import Connection
from linkedin.api.settings import Settings
from linkedin.store import Store
from linkedin.web import resources as context, sessions
from linkedin.web.routes import ADOPT_PATH, LOGOUT_PATH

_PINNED = "_li_sid"  # the session id this tab works with
_FOLLOW = "_li_follow"  # (nonce, started_at) of a hand-over under way
FOLLOW_WAIT = 10.0  # seconds to wait for the browser's answer before showing the tab as signed out


def settings() -> Settings:
    return context.settings(st.get_option("server.port"))


def store() -> Store:
    return context.store(settings())


def _cookies() -> dict[str, str]:
    try:
        return dict(st.context.cookies)
    except Exception:  # AppTest has no cookies; there is no connection then
        return {}


def sid() -> str | None:
    """The session id of this tab: the one it picked up last ("" for none), else the page load's cookie's."""
    pinned = st.session_state.get(_PINNED)
    if pinned is not None:
        return pinned if sessions.is_browser_sid(pinned) else None
    return sessions.read_sid(_cookies(), settings())


def connection() -> Connection | None:
    """The connection of this browser, or None when it never connected."""
    found = sid()
    return Connection(settings(), store(), found) if found else None


def replaced() -> bool:
    """True when this tab's session is gone from the store (signed in again, or out, in another tab)."""
    found = sid()
    return bool(found) and store().connection(found) is None


def follow() -> str | None:
    """One step of picking up the browser's current session after this tab's was replaced.

    Returns "waiting" while the browser has not answered (render ``adopt_html()`` and
    come back), else None once done: the tab then works with the browser's new id, or
    with none when the browser holds no live session (or did not answer in time).
    """
    nonce, started = st.session_state.get(_FOLLOW) or (sessions.new_nonce(), time.time())
    st.session_state[_FOLLOW] = (nonce, started)
    if not handover_arrived():
        return "waiting"
    found = store().take_handover(sessions.handoff_key(nonce), sessions.HANDOFF_AGE)
    st.session_state.pop(_FOLLOW, None)
    st.session_state[_PINNED] = found if sessions.is_browser_sid(found) else ""  # "": the old cookie no longer counts
    return None


def handover_arrived() -> bool:
    """Whether the browser answered the hand-over under way (or the wait is over)."""
    nonce, started = st.session_state.get(_FOLLOW) or ("", 0.0)
    if not nonce or time.time() - started >= FOLLOW_WAIT:
        return True
    return store().handover(sessions.handoff_key(nonce), sessions.HANDOFF_AGE) is not None


def adopt_html() -> str:
    """The invisible image whose request tells the server which session this browser holds now."""
    nonce = st.session_state[_FOLLOW][0]
    return f'<img src="{ADOPT_PATH}?n={nonce}" alt="" width="1" height="1" style="position:absolute;opacity:0">'


def disconnect_form() -> str:
    """Disconnect as a same-tab POST carrying this session's CSRF token (no script needed)."""
    found = sid()
    token = sessions.logout_token(settings(), found) if found else ""
    return (
        f'<form method="post" action="{LOGOUT_PATH}" class="li-disconnect">'
        f'<input type="hidden" name="csrf" value="{token}">'
        '<button type="submit">Disconnect</button></form>'
        "<style>.li-disconnect button{background:none;border:1px solid #b3261e;color:#b3261e;border-radius:.5rem;"
        "padding:.35rem 1rem;font-weight:600;cursor:pointer}.li-disconnect button:hover{background:#fdecea}</style>"
    )
