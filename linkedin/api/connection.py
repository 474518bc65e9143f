"""The member's LinkedIn connection as one browser session (or the CLI) holds it.

Tokens live in the store under an opaque session id. ``Connection`` hands out a valid
access token, renewing it with the refresh token before it expires or when LinkedIn
says it expired (MA-003, MA-005), runs the heartbeat (MA-002), and records when only
the member can fix things by consenting again (MA-004, MA-006). One lock per session
id keeps two tabs from refreshing at once.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import Callable

from linkedin.api.client import Client
from linkedin.api.errors import (
    AuthError,
    ExpiredToken,
    InvalidToken,
    LinkedInError,
    NeedsConsent,
    RevokedToken,
)
from linkedin.api.oauth import Heartbeat, OAuth, Token, assess
from linkedin.api.settings import Settings
from linkedin.store import Store

log = logging.getLogger(__name__)

_LOCKS: dict[str, threading.Lock] = {}
_LOCKS_GUARD = threading.Lock()

# What a 401 means for the analyst, keyed by its error class (MA-003).
MEANINGS: dict[type[LinkedInError], str] = {
    InvalidToken: "LinkedIn no longer recognised the access token",
    ExpiredToken: "LinkedIn reported that the access token had expired",
    RevokedToken: "Access was revoked on LinkedIn's side (by you in LinkedIn's settings, or by LinkedIn)",
}


def _lock(sid: str) -> threading.Lock:
    with _LOCKS_GUARD:
        return _LOCKS.setdefault(sid, threading.Lock())


@dataclass(frozen=True)
class Status:
    """What the pages show about the connection."""

    state: str  # disconnected | connected | needs_consent
    token: Token | None = None
    member_name: str | None = None
    member_urn: str | None = None
    reason: str | None = None
    heartbeat: Heartbeat | None = None
    last_event: str | None = None
    last_event_at: float | None = None

    @property
    def connected(self) -> bool:
        return self.state == "connected"


class Connection:
    """One session's tokens: valid-token supply, refresh, heartbeat, consent detection."""

    def __init__(
        self,
        settings: Settings,
        store: Store,
        sid: str,
        *,
        oauth: OAuth | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.settings = settings
        self.store = store
        self.sid = sid
        self.clock = clock
        self.oauth = oauth or OAuth(settings, clock=clock)

    # reading -----------------------------------------------------------------------

    def status(self) -> Status:
        """The stored state, after renewing a token that is due (so pages show the truth)."""
        row = self.store.connection(self.sid)
        if not row or not row.get("token"):
            return Status("disconnected")
        if row["state"] == "connected":
            try:
                self.token()
            except LinkedInError:
                pass  # recorded in the row by token()
            row = self.store.connection(self.sid) or row
        return Status(
            state=row["state"],
            token=Token.from_dict(row["token"]),
            member_name=row.get("member_name"),
            member_urn=row.get("member_urn"),
            reason=row.get("reason"),
            heartbeat=Heartbeat.from_dict(row["heartbeat"]) if row.get("heartbeat") else None,
            last_event=row.get("last_event"),
            last_event_at=row.get("last_event_at"),
        )

    def token(self) -> Token:
        """A token believed valid: renewed first when its expiry time says so.

        Raises NeedsConsent when only the member can help (no connection, revoked,
        refresh token expired or absent).
        """
        row = self.store.connection(self.sid)
        if not row or not row.get("token"):
            raise NeedsConsent("LinkedIn is not connected")
        if row["state"] == "needs_consent":
            raise NeedsConsent(row.get("reason") or "LinkedIn needs you to sign in again")
        token = Token.from_dict(row["token"])
        state, sentence = assess(token, now=self.clock())
        if state == "ok":
            return token
        if state == "needs_consent":
            self._needs_consent(sentence)
            raise NeedsConsent(sentence)
        return self.refresh(because="the access token was about to expire", stale=token)

    # TokenProvider for Client ------------------------------------------------------

    def access_token(self) -> str:
        return self.token().access_token

    def recover(self, error: AuthError) -> bool:
        """After a 401: refresh once for invalid/expired tokens; record consent otherwise."""
        meaning = MEANINGS.get(type(error), "LinkedIn refused the access token")
        if error.needs_consent:
            self._needs_consent(meaning)
            return False
        try:
            because = meaning if meaning.startswith("LinkedIn") else meaning[0].lower() + meaning[1:]
            self.refresh(because=because, force=True)
        except NeedsConsent:
            return False
        return True

    # changing ----------------------------------------------------------------------

    def connect(self, token: Token, *, member_urn: str | None, member_name: str | None) -> None:
        """Store the tokens of a fresh consent (a reconnect may keep the same session id).

        The last heartbeat goes: it judged the tokens this consent replaces, and a failed one
        would otherwise say "not valid" of the new ones until the next check."""
        self.store.save_connection(
            self.sid,
            token=token.to_dict(),
            member_urn=member_urn,
            member_name=member_name,
            state="connected",
            reason=None,
            heartbeat=None,
            last_event="Connected to LinkedIn.",
            last_event_at=self.clock(),
        )

    def refresh(self, *, because: str = "you asked for it", stale: Token | None = None, force: bool = False) -> Token:
        """Mint a new access token with the refresh token (MA-005); NeedsConsent if impossible (MA-006).

        Serialised per session: if another tab renewed the token meanwhile, that one is used.
        """
        with _lock(self.sid):
            row = self.store.connection(self.sid)
            if not row or not row.get("token"):
                raise NeedsConsent("LinkedIn is not connected")
            current = Token.from_dict(row["token"])
            if stale is not None and current.access_token != stale.access_token:
                return current  # someone else refreshed first
            if not force and stale is None and row["state"] == "needs_consent":
                raise NeedsConsent(row.get("reason") or "LinkedIn needs you to sign in again")
            try:
                token = self.oauth.refresh(current)
            except NeedsConsent as err:
                self._needs_consent(err.message)
                raise
            now = self.clock()
            self.store.save_connection(
                self.sid,
                token=token.to_dict(),
                state="connected",
                reason=None,
                last_event=f"Access token renewed with the refresh token because {because}.",
                last_event_at=now,
            )
            log.info("session token refreshed")
            return token

    def check(self, client: Client | None = None) -> Heartbeat:
        """The heartbeat (MA-002): one real API call, then LinkedIn's introspection of the token.

        The API call goes first so that a 401 (65600/65601/65602) is detected and cured
        the way every other call would be; introspection then confirms the token in use.
        """
        now = self.clock()
        try:
            self.token()
        except LinkedInError as err:
            beat = Heartbeat(now, False, "not checked", "not called", err.explain())
            self.store.save_connection(self.sid, heartbeat=beat.to_dict())
            return beat

        client = client or self.client()
        try:
            resp = client.get("/rest/adAccountUsers", params={"q": "authenticatedUser", "count": 1})
            api_call, ok, message = f"HTTP {resp.status}", True, "LinkedIn accepted the connection."
        except LinkedInError as err:
            api_call, ok = f"{'HTTP ' + str(err.status) if err.status else 'no answer'}: {err.message}", False
            message = err.explain()

        row = self.store.connection(self.sid) or {}
        introspection = "not checked"
        if row.get("state") == "connected":
            try:
                intro = self.oauth.introspect(Token.from_dict(row["token"]))
                introspection = intro.status
                if intro.status == "revoked":
                    self._needs_consent(MEANINGS[RevokedToken])
                elif not intro.active:
                    ok, message = False, "LinkedIn's introspection says the access token is not active."
            except LinkedInError as err:
                introspection = f"error: {err.message}"
        row = self.store.connection(self.sid) or {}
        if row.get("state") == "needs_consent":
            ok, message = False, row.get("reason") or "LinkedIn needs you to sign in again."
        beat = Heartbeat(self.clock(), ok, introspection, api_call, message)
        self.store.save_connection(self.sid, heartbeat=beat.to_dict())
        return beat

    def client(self, **kwargs) -> Client:
        """An API client that draws its token from this connection."""
        return Client(self.settings, self, **kwargs)

    def forget(self) -> None:
        """Disconnect: the tokens leave the server."""
        self.store.forget_connection(self.sid)

    def _needs_consent(self, reason: str) -> None:
        self.store.save_connection(
            self.sid, state="needs_consent", reason=reason, last_event=reason, last_event_at=self.clock()
        )


def identify(client: Client, scopes: tuple[str, ...]) -> tuple[str | None, str | None]:
    """The connected member's URN and name.

    The name needs OpenID userinfo (``openid profile``) or ``/rest/me`` (``r_basicprofile``),
    which the app asks for only when configured. Without them the member is known by id
    alone, from their own ad account roles (``adAccountUsers?q=authenticatedUser``, which
    ``r_ads`` allows); (None, None) when even that says nothing (no ad account yet)."""
    try:
        if "openid" in scopes:
            data = client.get("/v2/userinfo").data or {}
            sub = data.get("sub")
            return (f"urn:li:person:{sub}" if sub else None), data.get("name")
        if "r_basicprofile" in scopes:
            data = client.get("/rest/me").data or {}
            name = " ".join(p for p in (data.get("localizedFirstName"), data.get("localizedLastName")) if p)
            return (f"urn:li:person:{data['id']}" if data.get("id") else None), name or None
        if "r_ads" in scopes:
            data = client.get("/rest/adAccountUsers", params={"q": "authenticatedUser", "count": 1}).data or {}
            roles = data.get("elements") if isinstance(data, dict) else None
            user = roles[0].get("user") if roles and isinstance(roles[0], dict) else None
            return (user if isinstance(user, str) and user.startswith("urn:li:person:") else None), None
    except LinkedInError as err:
        log.info("could not identify the member: %s", err.status)
    return None, None


def member_label(member_name: str | None, member_urn: str | None) -> str:
    """How the app names the connected member: by name when LinkedIn said it, else by member id."""
    if member_name:
        return member_name
    if member_urn:
        return f"Member {member_urn.rsplit(':', 1)[-1]}"
    return "LinkedIn member"

