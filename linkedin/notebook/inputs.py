"""What a caller without a UI needs around LinkedIn's errors: one-line input refusals, and consent that says how.

- ``BadInput`` (a ValueError): the caller's input cannot be used (an unknown account, a
  segment of the other type, a role that cannot write); the message names the problem.
- ``SignInAgain`` (a ``NeedsConsent``): only a person can fix the connection; its text
  says how (``python -m linkedin login`` or ``Audiences.connect()``). ``consent_guard``
  turns every needs-consent error of a call into it.
- ``WatchedTokens``: a token provider that remembers when a call failed for want of
  consent, so a sync that paused can say it was that (the CLI's exit code 3).
"""

from __future__ import annotations

import functools
from typing import Any

from linkedin.api.client import TokenProvider
from linkedin.api.errors import AuthError, LinkedInError, NeedsConsent
from linkedin.api.segments import Segment

KINDS = {"users": "users", "user": "users", "companies": "companies", "company": "companies"}


class BadInput(ValueError):
    """The caller's input cannot be used; the message names the problem in one line."""


class SignInAgain(NeedsConsent):
    """Only a person can fix the connection: LinkedIn needs consent again."""

    advice = "Sign in again: run `python -m linkedin login`, or `Audiences.connect()` in a notebook."

    def __str__(self) -> str:
        return f"{super().__str__()}. {self.advice}"


def consent_guard(method):
    """Turn any 'needs a person' error into SignInAgain, which says how to sign in."""

    @functools.wraps(method)
    def wrapper(*args, **kwargs):
        try:
            return method(*args, **kwargs)
        except LinkedInError as err:
            if err.needs_consent and not isinstance(err, SignInAgain):
                raise SignInAgain(err.message, status=err.status, service_error_code=err.service_error_code,
                                  code=err.code, request_id=err.request_id) from None
            raise

    return wrapper


class WatchedTokens:
    """A token provider that remembers whether a call failed because only consent would help."""

    def __init__(self, inner: TokenProvider) -> None:
        self.inner = inner
        self.consent_needed = False

    def access_token(self) -> str:
        try:
            return self.inner.access_token()
        except LinkedInError as err:
            self.consent_needed = self.consent_needed or err.needs_consent
            raise

    def recover(self, error: AuthError) -> bool:
        recovered = self.inner.recover(error)
        self.consent_needed = self.consent_needed or not recovered
        return recovered


def kind_of(kind: str) -> str:
    """``users`` or ``companies`` from any usual spelling (USER, company, ...)."""
    found = KINDS.get(str(kind).strip().lower())
    if found is None:
        raise BadInput(f"kind must be users or companies, not {kind!r}")
    return found


def segment_id(segment: Any) -> int:
    """A segment's numeric id from an int, a digit string, a URN or a Segment."""
    if isinstance(segment, Segment):
        return segment.id
    text = str(segment).strip().rsplit(":", 1)[-1]
    if isinstance(segment, bool) or not text.isdigit():
        raise BadInput(f"a segment is given by its numeric id, not {segment!r}")
    return int(text)
