"""OAuth 2.0 with LinkedIn: the consent URL, code exchange, refresh, introspection, heartbeat.

requests-oauthlib does the protocol; this module adds LinkedIn's quirks (credentials in
the form body, comma-separated scopes, a refresh token whose life is counted from the
first consent and never extended) and turns every failure into a typed error.
"""

from __future__ import annotations

import logging
import os
import time
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Callable, Mapping
from urllib.parse import urlparse

import requests
from oauthlib.oauth2.rfc6749 import errors as oauth_errors
from requests_oauthlib import OAuth2Session

from linkedin.api.errors import (
    ConnectionFailed,
    MalformedResponse,
    NeedsConsent,
    OAuthError,
)
from linkedin.api.settings import REQUIRED_SCOPES, Settings

log = logging.getLogger(__name__)

REFRESH_SKEW = 300  # refresh this many seconds before the access token expires
LOOPBACK = {"localhost", "127.0.0.1", "::1"}


def parse_scopes(value: Any) -> tuple[str, ...]:
    """LinkedIn answers ``"r_ads,rw_dmp_segments"``; oauthlib may wrap it in a list. Normalise."""
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    out: list[str] = []
    for item in value:
        for scope in str(item).replace(",", " ").split():
            if scope not in out:
                out.append(scope)
    return tuple(out)


@dataclass(frozen=True)
class Token:
    """The tokens of one consent, with absolute expiry times (epoch seconds)."""

    access_token: str = field(repr=False)
    access_expires_at: float
    scopes: tuple[str, ...]
    refresh_token: str | None = field(default=None, repr=False)
    refresh_expires_at: float | None = None
    obtained_at: float = 0.0
    consented_at: float = 0.0

    @classmethod
    def from_response(cls, data: Mapping[str, Any], *, now: float) -> "Token":
        """The token of a first exchange (``grant_type=authorization_code``)."""
        access, expires_in = _access_fields(data)
        refresh = data.get("refresh_token") or None
        rt_in = _seconds(data.get("refresh_token_expires_in")) if refresh else None
        return cls(
            access_token=access,
            access_expires_at=now + expires_in,
            scopes=parse_scopes(data.get("scope")),
            refresh_token=refresh,
            refresh_expires_at=now + rt_in if rt_in is not None else None,
            obtained_at=now,
            consented_at=now,
        )

    def refreshed(self, data: Mapping[str, Any], *, now: float) -> "Token":
        """This token after a refresh: a new access token; the refresh life never grows."""
        access, expires_in = _access_fields(data)
        rt_in = _seconds(data.get("refresh_token_expires_in"))
        refresh_expires_at = self.refresh_expires_at
        if rt_in is not None:
            candidate = now + rt_in
            refresh_expires_at = candidate if refresh_expires_at is None else min(refresh_expires_at, candidate)
        scopes = parse_scopes(data.get("scope")) or self.scopes
        return replace(
            self,
            access_token=access,
            access_expires_at=now + expires_in,
            scopes=scopes,
            refresh_token=data.get("refresh_token") or self.refresh_token,
            refresh_expires_at=refresh_expires_at,
            obtained_at=now,
        )

    def can_refresh(self, now: float) -> bool:
        return bool(self.refresh_token) and (self.refresh_expires_at is None or self.refresh_expires_at > now)

    def access_expired(self, now: float, *, skew: float = 0) -> bool:
        return self.access_expires_at - skew <= now

    def missing_scopes(self, required: Mapping[str, str] | tuple[str, ...] = tuple(REQUIRED_SCOPES)) -> list[str]:
        return [s for s in required if s not in self.scopes]

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["scopes"] = list(self.scopes)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "Token":
        return cls(**{**data, "scopes": tuple(data.get("scopes") or ())})


def _seconds(value: Any) -> int | None:
    if value is None or value == "":
        return None
    try:
        seconds = int(value)
    except (TypeError, ValueError):
        raise MalformedResponse("LinkedIn's token answer has an expiry that is not a number") from None
    if seconds < 0:
        raise MalformedResponse("LinkedIn's token answer has a negative expiry")
    return seconds


def _access_fields(data: Mapping[str, Any]) -> tuple[str, int]:
    access = data.get("access_token")
    if not isinstance(access, str) or not access:
        raise MalformedResponse("LinkedIn's token answer has no access token")
    expires_in = _seconds(data.get("expires_in"))
    if expires_in is None:
        raise MalformedResponse("LinkedIn's token answer does not say when the access token expires")
    return access, expires_in


@dataclass(frozen=True)
class Introspection:
    """LinkedIn's view of a token (``/oauth/v2/introspectToken``); costs no API quota."""

    active: bool
    status: str  # active | expired | revoked | unknown
    expires_at: float | None
    scopes: tuple[str, ...]
    auth_type: str | None

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> "Introspection":
        if not isinstance(data, Mapping) or not isinstance(data.get("active"), bool):
            raise MalformedResponse("LinkedIn's introspection answer has no 'active' flag")
        active = data["active"]
        status = str(data.get("status") or ("active" if active else "unknown"))
        expires = data.get("expires_at")
        return cls(
            active=active,
            status=status,
            expires_at=float(expires) if isinstance(expires, (int, float)) else None,
            scopes=parse_scopes(data.get("scope")),
            auth_type=data.get("auth_type"),
        )


class OAuth:
    """LinkedIn's authorization-code flow for one app registration."""

    def __init__(
        self,
        settings: Settings,
        *,
        session: requests.Session | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.settings = settings
        self.session = session or requests.Session()
        self.clock = clock
        if urlparse(settings.token_url).hostname in LOOPBACK:
            # oauthlib insists on https; the sandbox speaks plain http on loopback only.
            os.environ.setdefault("OAUTHLIB_INSECURE_TRANSPORT", "1")

    def _oauth(self, **kwargs: Any) -> OAuth2Session:
        oauth = OAuth2Session(self.settings.client_id, **kwargs)
        oauth.mount("https://", self.session.get_adapter("https://"))
        oauth.mount("http://", self.session.get_adapter("http://"))
        return oauth

    def authorization_url(self, state: str) -> str:
        """The consent screen's URL; scopes space-delimited, as LinkedIn wants them here."""
        url, _ = OAuth2Session(
            self.settings.client_id, redirect_uri=self.settings.redirect_uri, scope=list(self.settings.scopes)
        ).authorization_url(self.settings.authorize_url, state=state)
        return url

    def exchange(self, code: str) -> Token:
        """Trade the authorization code for tokens (credentials in the form body)."""
        # Unscoped session: LinkedIn answers with comma-separated scopes, which a
        # scoped session reports as a changed scope.
        oauth = self._oauth(redirect_uri=self.settings.redirect_uri)
        data = self._call(
            lambda: oauth.fetch_token(
                self.settings.token_url,
                code=code,
                client_secret=self.settings.client_secret,
                include_client_id=True,
                timeout=30,
            )
        )
        return Token.from_response(data, now=self.clock())

    def refresh(self, token: Token) -> Token:
        """A new access token from the refresh token; NeedsConsent when that is impossible."""
        now = self.clock()
        if not token.refresh_token:
            raise NeedsConsent("This connection has no refresh token, so LinkedIn needs you to sign in again")
        if not token.can_refresh(now):
            raise NeedsConsent("The refresh token expired (a year after you first connected)")
        oauth = self._oauth(token={"access_token": token.access_token, "token_type": "Bearer"})
        try:
            data = self._call(
                lambda: oauth.refresh_token(
                    self.settings.token_url,
                    refresh_token=token.refresh_token,
                    client_id=self.settings.client_id,
                    client_secret=self.settings.client_secret,
                    timeout=30,
                )
            )
        except OAuthError as err:
            if err.code == "invalid_grant":
                raise NeedsConsent(
                    "LinkedIn no longer accepts the refresh token (expired or revoked)", status=400, code=err.code
                ) from None
            raise
        return token.refreshed(data, now=self.clock())

    def introspect(self, token: Token) -> Introspection:
        """Ask LinkedIn whether the access token is alive."""
        try:
            resp = self.session.post(
                self.settings.introspect_url,
                data={
                    "client_id": self.settings.client_id,
                    "client_secret": self.settings.client_secret,
                    "token": token.access_token,
                },
                timeout=30,
            )
        except requests.RequestException as exc:
            raise ConnectionFailed(f"Could not reach LinkedIn's introspection endpoint ({type(exc).__name__})") from None
        try:
            data = resp.json()
        except ValueError:
            raise MalformedResponse("LinkedIn's introspection answer was not JSON", status=resp.status_code) from None
        if resp.status_code >= 400:
            raise OAuthError(
                str(data.get("error_description") or data.get("message") or "introspection refused"),
                status=resp.status_code,
                code=data.get("error"),
            )
        return Introspection.from_api(data)

    def _call(self, fn: Callable[[], Mapping[str, Any]]) -> Mapping[str, Any]:
        """Run one token-endpoint call, mapping every failure to a LinkedInError."""
        try:
            return fn()
        except oauth_errors.OAuth2Error as exc:
            log.info("token endpoint refused: %s", exc.error)
            if isinstance(exc, oauth_errors.MissingTokenError):
                raise MalformedResponse("LinkedIn's token answer has no access token") from None
            raise OAuthError(exc.description or exc.error, status=exc.status_code, code=exc.error) from None
        except requests.RequestException as exc:
            raise ConnectionFailed(f"Could not reach LinkedIn's sign-in service ({type(exc).__name__})") from None
        except (ValueError, TypeError):
            raise MalformedResponse("LinkedIn's token answer could not be read") from None


@dataclass(frozen=True)
class Heartbeat:
    """The result of one token check: introspection and a functional API call."""

    checked_at: float
    ok: bool
    introspection: str  # active | expired | revoked | unknown | error: ...
    api_call: str  # e.g. "200 OK" or the error's meaning
    message: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "Heartbeat":
        return cls(**data)


def assess(token: Token, *, now: float, skew: float = REFRESH_SKEW) -> tuple[str, str]:
    """What the stored expiry times say: (state, sentence) with state one of
    ``ok``, ``refresh_due``, ``needs_consent``."""
    if token.access_expired(now, skew=skew):
        if token.can_refresh(now):
            return "refresh_due", "The access token is about to expire or has expired; it will be renewed."
        if token.refresh_token:
            return "needs_consent", "Both the access token and the refresh token have expired."
        return "needs_consent", "The access token has expired and this app has no refresh token."
    return "ok", "The access token is valid."
