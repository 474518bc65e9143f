"""Authorization codes, grants and their access and refresh tokens.

One consent makes one Grant; its refresh token lives refresh_token_ttl from the first exchange
and is never extended, each refresh mints an access token capped by what remains
(linkedin-api.md §3, "Lifetimes"). Token strings are opaque and never leave this store
except in the token endpoint's answer."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field

from .errors import OAuthError
from .settings import SandboxSettings

BAD_GRANT = "The provided authorization grant or refresh token is invalid, expired or revoked."
CODE_MISMATCH = (
    "Unable to retrieve access token: appid/redirect uri/code verifier does not match authorization code. "
    "Or authorization code expired."
)


def _token() -> str:
    # LinkedIn's tokens are long opaque strings starting "AQ"; the prefix is cosmetic.
    return "AQ" + secrets.token_urlsafe(48)


@dataclass(kw_only=True)
class AuthorizationCode:
    """A single-use code from the consent screen, bound to client and redirect URI."""

    code: str
    client_id: str
    redirect_uri: str
    member: str  # person URN
    scopes: tuple[str, ...]
    authorized_at: float
    expires_at: float
    used: bool = False


@dataclass(kw_only=True)
class AccessToken:
    token: str
    grant_id: str
    created_at: float
    expires_at: float
    revoked: bool = False

    def status(self, now: float) -> str:
        if self.revoked:
            return "revoked"
        return "expired" if now >= self.expires_at else "active"


@dataclass(kw_only=True)
class Grant:
    """What one consent gave one client for one member."""

    id: str  # short opaque id for the controls, never a token
    client_id: str
    member: str
    scopes: tuple[str, ...]
    authorized_at: float
    refresh_token: str | None = None
    refresh_created_at: float | None = None
    refresh_expires_at: float | None = None
    refresh_revoked: bool = False
    access_tokens: list[AccessToken] = field(default_factory=list)

    @property
    def current(self) -> AccessToken:
        return self.access_tokens[-1]

    def refresh_status(self, now: float) -> str | None:
        if self.refresh_token is None or self.refresh_expires_at is None:
            return None
        if self.refresh_revoked:
            return "revoked"
        return "expired" if now >= self.refresh_expires_at else "active"

    def summary(self, now: float) -> dict:
        """The grant for the controls' state view: statuses and expiries, no token strings."""
        return {
            "id": self.id,
            "client_id": self.client_id,
            "member": self.member,
            "scopes": list(self.scopes),
            "authorized_at": int(self.authorized_at),
            "access_status": self.current.status(now),
            "access_expires_at": int(self.current.expires_at),
            "access_tokens_issued": len(self.access_tokens),
            "refresh_status": self.refresh_status(now),
            "refresh_expires_at": None if self.refresh_expires_at is None else int(self.refresh_expires_at),
        }


class TokenStore:
    """Codes, grants and the token strings that lead to them."""

    def __init__(self) -> None:
        self.codes: dict[str, AuthorizationCode] = {}
        self.grants: dict[str, Grant] = {}
        self._access: dict[str, AccessToken] = {}
        self._refresh: dict[str, str] = {}  # refresh token -> grant id

    def clear(self) -> None:
        self.codes.clear()
        self.grants.clear()
        self._access.clear()
        self._refresh.clear()

    # -- consent and exchange ------------------------------------------------------------
    def issue_code(
        self, *, client_id: str, redirect_uri: str, member: str, scopes: Iterable[str], now: float, ttl: int
    ) -> str:
        code = "AQ" + secrets.token_urlsafe(32)
        self.codes[code] = AuthorizationCode(
            code=code, client_id=client_id, redirect_uri=redirect_uri, member=member,
            scopes=tuple(scopes), authorized_at=now, expires_at=now + ttl,
        )
        return code

    def redeem_code(
        self, code: str, *, client_id: str, redirect_uri: str, now: float, settings: SandboxSettings
    ) -> tuple[Grant, AccessToken]:
        """Exchange a code for a new grant; a code works once, before it expires."""
        record = self.codes.get(code)
        if record is None or record.used:
            raise OAuthError("invalid_grant", BAD_GRANT)
        if record.client_id != client_id or record.redirect_uri != redirect_uri:
            raise OAuthError("invalid_request", CODE_MISMATCH)
        if now >= record.expires_at:
            raise OAuthError("invalid_grant", BAD_GRANT)
        record.used = True
        grant = Grant(
            id=secrets.token_hex(4), client_id=client_id, member=record.member, scopes=record.scopes,
            authorized_at=record.authorized_at,
        )
        if settings.issue_refresh_tokens:
            grant.refresh_token = _token()
            grant.refresh_created_at = now
            # Counted from the first exchange (seconds after consent, so the answer says
            # exactly refresh_token_ttl) and never extended by later refreshes.
            grant.refresh_expires_at = now + settings.refresh_token_ttl
            self._refresh[grant.refresh_token] = grant.id
        self.grants[grant.id] = grant
        return grant, self._mint(grant, now=now, ttl=settings.access_token_ttl)

    def refresh(
        self, refresh_token: str, *, client_id: str, now: float, settings: SandboxSettings
    ) -> tuple[Grant, AccessToken]:
        """A new access token from a live refresh token, capped by the refresh token's life."""
        grant = self.grants.get(self._refresh.get(refresh_token, ""))
        if grant is None or grant.client_id != client_id or grant.refresh_status(now) != "active":
            raise OAuthError("invalid_grant", BAD_GRANT)
        assert grant.refresh_expires_at is not None
        remaining = int(grant.refresh_expires_at - now)
        if remaining <= 0:
            raise OAuthError("invalid_grant", BAD_GRANT)
        if settings.refresh_revokes_previous_access:
            for access in grant.access_tokens:
                access.revoked = True
        if settings.rotate_refresh_tokens:
            del self._refresh[refresh_token]
            grant.refresh_token = _token()
            grant.refresh_created_at = now
            self._refresh[grant.refresh_token] = grant.id
        return grant, self._mint(grant, now=now, ttl=min(settings.access_token_ttl, remaining))

    def _mint(self, grant: Grant, *, now: float, ttl: int) -> AccessToken:
        access = AccessToken(token=_token(), grant_id=grant.id, created_at=now, expires_at=now + ttl)
        grant.access_tokens.append(access)
        self._access[access.token] = access
        return access

    # -- lookups -------------------------------------------------------------------------
    def access(self, token: str) -> tuple[Grant, AccessToken] | None:
        """The grant and access token a bearer string names, or None."""
        access = self._access.get(token)
        if access is None:
            return None
        return self.grants[access.grant_id], access

    def grant_for_refresh(self, token: str) -> Grant | None:
        return self.grants.get(self._refresh.get(token, ""))

    def select(self, *, access_token: str | None = None, member: str | None = None) -> list[Grant]:
        """Grants chosen by one access token, by member URN, or all of them."""
        if access_token is not None:
            found = self.access(access_token)
            return [found[0]] if found else []
        if member is not None:
            return [g for g in self.grants.values() if g.member == member]
        return list(self.grants.values())

    # -- controls ------------------------------------------------------------------------
    @staticmethod
    def expire_access(grants: Iterable[Grant], *, now: float) -> int:
        """Make every live access token of these grants expire now."""
        count = 0
        for grant in grants:
            for access in grant.access_tokens:
                if access.status(now) == "active":
                    access.expires_at = now
            count += 1
        return count

    @staticmethod
    def expire_refresh(grants: Iterable[Grant], *, now: float) -> int:
        count = 0
        for grant in grants:
            if grant.refresh_expires_at is not None:
                grant.refresh_expires_at = min(grant.refresh_expires_at, now)
                count += 1
        return count

    @staticmethod
    def revoke(grants: Iterable[Grant]) -> int:
        """Revoke the access tokens and the refresh token, as a member removing the app does."""
        count = 0
        for grant in grants:
            for access in grant.access_tokens:
                access.revoked = True
            grant.refresh_revoked = True
            count += 1
        return count
