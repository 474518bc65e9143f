"""A browser's session: its id, the cookies that carry it, and the tokens that guard changing it.

The browser holds only an opaque session id, signed (itsdangerous), in an HttpOnly cookie;
the tokens stay in the store under that id. Rules kept here:

- A browser's id is always ``new_sid()``'s shape (43 URL-safe characters), so an id kept for
  another front door (the CLI's ``"cli"``) can never be used from a browser, signed or not.
- Every sign-in gets a new id (no fixation: an id planted in the browser before consent
  never names the new connection); the callback forgets the old one.
- Served over https (a https redirect URI) the cookies are ``__Host-`` cookies, ``Secure``,
  ``Path=/`` and without a Domain, so no other host can set or shadow them; over http they
  keep their plain names.
- Disconnecting is a POST carrying ``logout_token(sid)``: another site can neither read it
  nor make one, so it cannot sign a member out.
- A tab whose id was replaced (the member signed in again in another tab) picks up the
  browser's new id through a hand-over: the tab's server side draws a nonce, the browser
  fetches ``/oauth/linkedin/adopt?n=<nonce>`` from that same tab with its current cookie,
  and the route notes which id that cookie names. Only a same-origin request counts, so
  another site cannot hand its own nonce a member's session.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from typing import Mapping

from itsdangerous import BadSignature, URLSafeTimedSerializer

from linkedin.api.settings import Settings

SID_COOKIE = "li_sid"
STATE_COOKIE = "li_oauth_state"
HOST_PREFIX = "__Host-"
STATE_AGE = 600  # ten minutes to finish the consent screen
SID_AGE = 400 * 86400  # outlives the refresh token; the server decides what is valid
HANDOFF_AGE = 600.0  # a hand-over nonce is good for ten minutes
_SID_SHAPE = re.compile(r"[A-Za-z0-9_-]{43}")
_NONCE_SHAPE = re.compile(r"[A-Za-z0-9_-]{32,64}")


def new_sid() -> str:
    """A fresh browser session id: 256 random bits."""
    return secrets.token_urlsafe(32)


def is_browser_sid(sid: object) -> bool:
    """True for ids of ``new_sid()``'s shape; the CLI's and any other reserved id are not."""
    return isinstance(sid, str) and _SID_SHAPE.fullmatch(sid) is not None


def cookie_name(settings: Settings, name: str) -> str:
    """``__Host-<name>`` when served over https, else ``name``."""
    return HOST_PREFIX + name if settings.secure_cookies else name


def serializer(settings: Settings, purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(settings.cookie_secret, salt=f"linkedin.{purpose}")


def signed_sid(settings: Settings, sid: str) -> str:
    """The session cookie's value."""
    return serializer(settings, "sid").dumps(sid)


def session_id(raw_cookie: str | None, settings: Settings) -> str | None:
    """The session id in a signed session cookie's value, or None if absent, forged or not a browser's."""
    if not raw_cookie:
        return None
    try:
        sid = serializer(settings, "sid").loads(raw_cookie, max_age=SID_AGE)
    except BadSignature:
        return None
    return sid if is_browser_sid(sid) else None


def read_sid(cookies: Mapping[str, str], settings: Settings) -> str | None:
    """The session id in a request's cookies: the ``__Host-`` cookie, or over http the plain one."""
    names = [HOST_PREFIX + SID_COOKIE] + ([] if settings.secure_cookies else [SID_COOKIE])
    for name in names:
        sid = session_id(cookies.get(name), settings)
        if sid:
            return sid
    return None


def logout_token(settings: Settings, sid: str) -> str:
    """The CSRF token a Disconnect POST carries: ``sid`` signed for that one purpose."""
    return serializer(settings, "logout").dumps(sid)


def logout_token_ok(settings: Settings, sid: str | None, token: str | None) -> bool:
    """Whether ``token`` was made by ``logout_token`` for this very session."""
    if not sid or not token:
        return False
    try:
        named = serializer(settings, "logout").loads(token, max_age=SID_AGE)
    except BadSignature:
        return False
    return isinstance(named, str) and secrets.compare_digest(named, sid)


def new_nonce() -> str:
    """A hand-over nonce, drawn by a tab's server side."""
    return secrets.token_urlsafe(32)


def is_nonce(value: object) -> bool:
    return isinstance(value, str) and _NONCE_SHAPE.fullmatch(value) is not None


def handoff_key(nonce: str) -> str:
    """What the store keeps for a nonce: its hash, so the table alone redeems nothing."""
    return hashlib.sha256(nonce.encode()).hexdigest()
