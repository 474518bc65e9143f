"""The campaigns that use the member's segments, read once per reading of the segment list.

``insights.usage`` joins LinkedIn's campaigns with the segments; this module keeps one
``CampaignMap`` per browser session and per reading of the portfolio (``Portfolio.loaded_at``:
Refresh, or the cache's expiry, reads the campaigns again), so the Audiences page's attention
list and the Match insights page cost one campaign finder call per account between them.
"""

from __future__ import annotations

from typing import Iterable

import streamlit as st

from linkedin.api.accounts import Account
from linkedin.api.connection import Connection
from linkedin.insights import usage
from linkedin.insights.attention import Attention

_KEY = "campaign_use"  # session state: (accounts, loaded_at) -> CampaignMap


def read(conn: Connection, accounts: Iterable[Account], loaded_at: float) -> usage.CampaignMap:
    """The campaigns of ``accounts`` (LinkedInError propagates: the caller says it in words)."""
    accounts = list(accounts)
    key = (tuple(sorted(a.urn for a in accounts)), loaded_at)
    held = st.session_state.get(_KEY)
    if held is None or held[0] != key:
        held = (key, usage.read(conn.client(), accounts))
        st.session_state[_KEY] = held
    return held[1]


def attention(conn: Connection, items: list, accounts: Iterable[Account], loaded_at: float, *,
              now: float) -> list[Attention]:
    """What campaign use adds to an attention list: live campaigns on a segment that cannot serve,
    and segments no campaign uses with LinkedIn's archive countdown (``usage.attention``)."""
    return usage.attention(items, read(conn, accounts, loaded_at), now=now)
