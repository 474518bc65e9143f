"""LinkedInError and its subclasses, chosen from a response by one mapping function.

Every error carries what an analyst needs (``explain``: what it means and what to do)
and what an engineer needs (status, LinkedIn's serviceErrorCode and code, the request
id). No error ever carries a token: messages come from LinkedIn's body or from us.

The tree (``error_from_response`` picks the class from LinkedIn's serviceErrorCode, then
its code, then the HTTP status):

    LinkedInError
    +-- ConnectionFailed      LinkedIn not reached (DNS, refused, timeout, dropped)
    +-- MalformedResponse     an answer outside the contract
    +-- AuthError             401
    |   +-- InvalidToken      65600: a refresh may fix it
    |   +-- ExpiredToken      65602: the refresh token mints a new one
    |   +-- RevokedToken      65601: only consent helps
    |   +-- NeedsConsent      no working token without the member
    |       +-- SignInAgain   the same, for callers without a UI: says how to sign in
    +-- OAuthError            the token endpoint refused a grant
    +-- PermissionDenied      403
    +-- NotFound              404
    +-- Conflict              409
    +-- RateLimited           429
    +-- ServerError           5xx
    +-- VersionError          400 VERSION_MISSING, 426 NONEXISTENT_VERSION
    +-- BadRequest            400
    +-- NotConfigured         refused before any call: a setting LinkedIn requires is missing
    +-- NotManageable         refused before any call: a closed account, or a role that only reads
"""

from __future__ import annotations

import functools
from typing import Any, Callable, Mapping, TypeVar

from linkedin.api.settings import DEFAULT_VERSION

_F = TypeVar("_F", bound=Callable[..., Any])


class LinkedInError(Exception):
    """Something LinkedIn (or the way to it) refused or failed."""

    advice = "Try again; if it keeps happening, note the request id and contact support."
    needs_consent = False  # True only when the member must go through LinkedIn's consent again

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        service_error_code: int | None = None,
        code: str | None = None,
        request_id: str | None = None,
        body: Any = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.service_error_code = service_error_code
        self.code = code
        self.request_id = request_id
        self.body = body

    def explain(self) -> str:
        """One or two sentences for the analyst: what happened and what to do."""
        return f"{self.message.rstrip('.')}. {self.advice}" if self.message else self.advice

    def __str__(self) -> str:
        parts = [self.message]
        if self.status:
            parts.append(f"HTTP {self.status}")
        if self.code:
            parts.append(self.code)
        if self.request_id:
            parts.append(f"request id {self.request_id}")
        return " | ".join(p for p in parts if p)


class ConnectionFailed(LinkedInError):
    """LinkedIn could not be reached (DNS, refused, timeout, dropped connection)."""

    advice = "LinkedIn could not be reached. Check the network and try again; nothing was lost."


class MalformedResponse(LinkedInError):
    """LinkedIn answered with something that is not what its contract promises."""

    advice = "LinkedIn sent an answer the app could not read. Try again in a moment."


class AuthError(LinkedInError):
    """The access token was not accepted (HTTP 401)."""

    advice = "The connection to LinkedIn is no longer valid. Reconnect your LinkedIn account."


class InvalidToken(AuthError):
    """65600: LinkedIn does not know this token; a refresh may fix it."""

    advice = "LinkedIn no longer recognises the app's access. The app will try to renew it; if that fails, reconnect."


class ExpiredToken(AuthError):
    """65602: the access token's 60 days are over; the refresh token can mint a new one."""

    advice = "The access token expired. The app renews it automatically when it can; otherwise reconnect."


class RevokedToken(AuthError):
    """65601: the member (or LinkedIn) revoked the app's access; only consent helps."""

    needs_consent = True
    advice = "Access to LinkedIn was revoked (from LinkedIn's settings, or by LinkedIn). Reconnect to grant it again."


class NeedsConsent(AuthError):
    """No way to get a working token without the member: refresh token dead or absent."""

    needs_consent = True
    advice = "LinkedIn needs you to sign in again. Reconnect: your work on this page stays where it is."


class SignInAgain(NeedsConsent):
    """Only a person can fix the connection, said to a caller without a UI (the CLI, a notebook)."""

    advice = "Sign in again: run `python -m linkedin login`, or `Audiences.connect()` in a notebook."

    def __str__(self) -> str:
        return f"{super().__str__()}. {self.advice}"


def consent_guard(method: _F) -> _F:
    """Turn any 'needs a person' error of ``method`` into ``SignInAgain``, which says how to sign in."""

    @functools.wraps(method)
    def wrapper(*args, **kwargs):
        try:
            return method(*args, **kwargs)
        except LinkedInError as err:
            if err.needs_consent and not isinstance(err, SignInAgain):
                raise SignInAgain(err.message, status=err.status, service_error_code=err.service_error_code,
                                  code=err.code, request_id=err.request_id) from None
            raise

    return wrapper  # type: ignore[return-value]


class OAuthError(LinkedInError):
    """The token endpoint refused a grant: ``error`` / ``error_description`` of RFC 6749."""

    advice = "LinkedIn refused the sign-in. Try connecting again."


class PermissionDenied(LinkedInError):
    """403: a scope, an API product or the member's role is missing."""

    advice = (
        "LinkedIn refused: the app lacks a permission (scope or API product), or your role on the "
        "ad account is not enough (VIEWER cannot manage audiences)."
    )


class NotFound(LinkedInError):
    """404."""

    advice = "LinkedIn could not find it. A segment created seconds ago may not be visible yet."


class Conflict(LinkedInError):
    """409: two writers raced."""


class RateLimited(LinkedInError):
    """429: LinkedIn's per-minute or daily limit. LinkedIn sends no Retry-After; ``retry_after``
    keeps the header should one come (the client honours it)."""

    retry_after: str | None = None
    advice = (
        "LinkedIn's rate limit did not clear within a minute: most likely the daily quota of this "
        "member or of the app is used up (LinkedIn resets it at midnight UTC). Resume later; nothing is lost."
    )


class ServerError(LinkedInError):
    """5xx: LinkedIn's side failed; worth retrying."""

    advice = "LinkedIn had a temporary problem. The app retries; try again later if it persists."


class VersionError(LinkedInError):
    """400 VERSION_MISSING or 426 NONEXISTENT_VERSION: a configuration problem, never retried.

    LinkedIn publishes a version each month (not every month: there was no 202512) and keeps
    each about a year. ``version`` is the one the client sent, when it says so."""

    version: str | None = None

    @property
    def advice(self) -> str:  # type: ignore[override]
        sent = f" ({self.version})" if self.version else ""
        if self.code == "VERSION_MISSING" or self.status == 400:
            return (f"LinkedIn needs an API version on every call: set LINKEDIN_VERSION to {DEFAULT_VERSION} (or "
                    "remove the setting to use it), then restart the app.")
        if self.version and self.version != DEFAULT_VERSION:
            return (f"LinkedIn does not serve the API version this app is set to{sent}. Set LINKEDIN_VERSION to "
                    f"{DEFAULT_VERSION}, the version this app is built and tested on (or remove the setting to use "
                    "it), then restart the app.")
        return (f"LinkedIn no longer serves this app's API version{sent}. Set LINKEDIN_VERSION to the newest "
                "version on LinkedIn's versioning page (learn.microsoft.com/linkedin/marketing/versioning) and "
                "update the app, then restart it.")


class BadRequest(LinkedInError):
    """400: LinkedIn rejected the request's content."""

    advice = "LinkedIn rejected the request. Check the values named in the message."


class NotConfigured(LinkedInError):
    """A setting LinkedIn requires is missing, so the call is not made (the message names it)."""

    advice = "Set it (environment variable or [linkedin] in .streamlit/secrets.toml) and restart the app."

    def explain(self) -> str:
        return self.message


class NotManageable(LinkedInError):
    """Refused before any call: the ad account is closed (CANCELED, PENDING_DELETION, REMOVED)
    or the member's role there only reads (the message says which)."""

    advice = "Pick an open ad account where your role is Campaign Manager or higher."


_BY_SERVICE_CODE: dict[int, type[LinkedInError]] = {
    65600: InvalidToken,
    65601: RevokedToken,
    65602: ExpiredToken,
}
_BY_CODE: dict[str, type[LinkedInError]] = {
    "INVALID_ACCESS_TOKEN": InvalidToken,
    "REVOKED_ACCESS_TOKEN": RevokedToken,
    "EXPIRED_ACCESS_TOKEN": ExpiredToken,
    "VERSION_MISSING": VersionError,
    "NONEXISTENT_VERSION": VersionError,
}
_BY_STATUS: dict[int, type[LinkedInError]] = {
    400: BadRequest,
    401: AuthError,
    403: PermissionDenied,
    404: NotFound,
    409: Conflict,
    426: VersionError,
    429: RateLimited,
}


def error_from_response(status: int, body: Any, headers: Mapping[str, str] | None = None) -> LinkedInError:
    """The typed error for a failed API response (LinkedIn's ``{message, serviceErrorCode, status, code}``)."""
    headers = headers or {}
    data = body if isinstance(body, dict) else {}
    message = str(data.get("message") or data.get("error_description") or "") or f"LinkedIn answered HTTP {status}"
    sec = data.get("serviceErrorCode")
    service_code = sec if isinstance(sec, int) else None
    code = data.get("code") if isinstance(data.get("code"), str) else None
    cls = (
        _BY_SERVICE_CODE.get(service_code or 0)
        or _BY_CODE.get(code or "")
        or _BY_STATUS.get(status)
        or (ServerError if status >= 500 else LinkedInError)
    )
    error = cls(
        message,
        status=status,
        service_error_code=service_code,
        code=code,
        request_id=_request_id(headers),
        body=data or None,
    )
    if isinstance(error, RateLimited):
        error.retry_after = {k.lower(): v for k, v in headers.items()}.get("retry-after")
    return error


def _request_id(headers: Mapping[str, str]) -> str | None:
    lowered = {k.lower(): v for k, v in headers.items()}
    return lowered.get("x-li-request-id") or lowered.get("x-restli-id-request") or lowered.get("x-li-uuid")
