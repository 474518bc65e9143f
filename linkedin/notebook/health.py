"""The health of a token given from outside (``LINKEDIN_ACCESS_TOKEN``), where no expiry is stored.

Apart from ``audiences`` because it is the one check that reads LinkedIn without a stored
connection: one cheap API call (the heartbeat's) and LinkedIn's introspection, which says
whether the token is alive, until when, and with which scopes.
"""

from __future__ import annotations

import time
from typing import Callable

from linkedin.api.client import Client
from linkedin.api.errors import LinkedInError
from linkedin.api.oauth import Heartbeat, OAuth, Token
from linkedin.api.settings import REQUIRED_SCOPES, Settings
from linkedin.notebook.reports import Health


def token_health(source: str, settings: Settings, client: Client, access_token: str, *,
                 clock: Callable[[], float] = time.time) -> Health:
    """``Health`` of ``access_token``: the API call decides the state, introspection the rest."""
    now = clock()
    try:
        client.get("/rest/adAccountUsers", params={"q": "authenticatedUser", "count": 1})
        api_call, ok, message, state = "HTTP 200", True, "LinkedIn accepted the token.", "connected"
    except LinkedInError as err:
        api_call, ok, message = f"HTTP {err.status}" if err.status else "no answer", False, err.explain()
        state = "needs_consent" if err.needs_consent else "connected"
    expires, scopes, intro = None, (), "not checked"
    try:
        found = OAuth(settings).introspect(Token(access_token, 0, ()))
        intro, expires, scopes = found.status, found.expires_at, found.scopes
    except LinkedInError as err:
        intro = f"error: {err.message}"
    missing = tuple(s for s in REQUIRED_SCOPES if scopes and s not in scopes)
    return Health(source, state, None, None, expires, None, scopes, missing, Heartbeat(now, ok, intro, api_call, message))
