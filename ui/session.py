"""This browser's settings, store and LinkedIn connection, as the pages see them.

The session id comes from the signed HttpOnly cookie set by the OAuth callback
(``st.context.cookies`` is a snapshot of the page load's cookies). Tests replace
``connection`` since AppTest cannot send cookies.
"""

from __future__ import annotations

import streamlit as st

from linkedin.api.connection import Connection
from linkedin.api.settings import Settings
from linkedin.store import Store
from linkedin.web import resources as context, routes


def settings() -> Settings:
    return context.settings(st.get_option("server.port"))


def store() -> Store:
    return context.store(settings())


def _cookie(name: str) -> str | None:
    try:
        return st.context.cookies.get(name)
    except Exception:  # AppTest has no cookies; there is no connection then
        return None


def connection() -> Connection | None:
    """The connection of this browser, or None when it never connected."""
    sid = routes.session_id(_cookie(routes.SID_COOKIE), settings())
    return Connection(settings(), store(), sid) if sid else None
