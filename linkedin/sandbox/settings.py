"""The sandbox's knobs: token lifetimes, strictness, and every point where LinkedIn's
behaviour is uncertain (linkedin-api.md §12), so a test or demo can pick one answer."""

from __future__ import annotations

import dataclasses
import typing
from dataclasses import dataclass, field
from typing import Any

# Scopes the demo app registration may ask for; anything else gets an error redirect.
KNOWN_SCOPES = (
    "rw_dmp_segments",
    "r_ads",
    "rw_ads",
    "r_ads_reporting",
    "r_organization_social",
    "openid",
    "profile",
    "email",
    "r_basicprofile",
    "r_liteprofile",
    "r_emailaddress",
    "w_member_social",
)


class SettingsError(ValueError):
    """A settings patch names an unknown field or gives a value of the wrong type."""


@dataclass(frozen=True, kw_only=True)
class SandboxSettings:
    """Everything tunable about the sandbox; replaced whole, never mutated."""

    # Token lifetimes in seconds (linkedin-api.md §3): 60 days, 365 days from consent.
    access_token_ttl: int = 5_184_000
    refresh_token_ttl: int = 31_536_000
    code_ttl: int = 1800  # [U] LinkedIn says 30 minutes
    # Programmatic refresh tokens are an app enablement, not a scope.
    issue_refresh_tokens: bool = True
    rotate_refresh_tokens: bool = False
    refresh_revokes_previous_access: bool = False
    # Scopes silently left out of the grant, like an app lacking a product.
    withhold_scopes: tuple[str, ...] = ()
    known_scopes: tuple[str, ...] = KNOWN_SCOPES
    # The demo registration accepts any http(s) redirect URI on a loopback host.
    redirect_hosts: tuple[str, ...] = ("localhost", "127.0.0.1", "::1")
    # [U] error codes LinkedIn uses on the redirect back from the consent screen.
    cancel_error: str = "user_cancelled_authorize"
    cancel_error_description: str = "The user cancelled the authorization"
    unknown_scope_error: str = "invalid_scope"
    # [P] whether the token response carries "token_type": "Bearer".
    include_token_type: bool = False
    # [U] what introspecting a garbage token answers.
    introspect_unknown_status: int = 200
    introspect_unknown_body: dict = field(default_factory=lambda: {"active": False})
    # Versioning (linkedin-api.md §1): versions outside [oldest, newest] get 426.
    oldest_active_version: str = "202512"
    newest_version: str = "202611"
    require_restli_header: bool = True

    def __post_init__(self) -> None:
        for name in ("access_token_ttl", "refresh_token_ttl", "code_ttl"):
            if getattr(self, name) <= 0:
                raise SettingsError(f"{name} must be a positive number of seconds")
        for name in ("oldest_active_version", "newest_version"):
            value = getattr(self, name)
            if not (len(value) == 6 and value.isdigit()):
                raise SettingsError(f"{name} must look like YYYYMM, got {value!r}")
        if self.oldest_active_version > self.newest_version:
            raise SettingsError("oldest_active_version is newer than newest_version")

    def to_json(self) -> dict[str, Any]:
        """The settings as plain JSON values (tuples become lists)."""
        out: dict[str, Any] = {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            out[f.name] = list(value) if isinstance(value, tuple) else value
        return out

    def patched(self, patch: dict[str, Any]) -> SandboxSettings:
        """A copy with the fields in a JSON patch replaced; SettingsError names the bad field."""
        if not isinstance(patch, dict):
            raise SettingsError("settings must be a JSON object")
        hints = typing.get_type_hints(type(self))
        names = {f.name for f in dataclasses.fields(self)}
        changes: dict[str, Any] = {}
        for name, value in patch.items():
            if name not in names:
                raise SettingsError(f"unknown setting: {name}")
            changes[name] = _coerce(name, hints[name], value)
        try:
            return dataclasses.replace(self, **changes)
        except SettingsError:
            raise
        except (TypeError, ValueError) as exc:
            raise SettingsError(str(exc)) from exc


def _coerce(name: str, hint: Any, value: Any) -> Any:
    """Check one JSON value against a field's type; lists become tuples."""
    if hint is bool:
        ok = isinstance(value, bool)
    elif hint is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif hint is float:
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        value = float(value) if ok else value
    elif hint is str:
        ok = isinstance(value, str)
    elif hint is dict:
        ok = isinstance(value, dict)
    elif typing.get_origin(hint) is tuple:
        ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
        value = tuple(value) if ok else value
    else:  # pragma: no cover - a field type this checker does not know yet
        raise SettingsError(f"setting {name} cannot be changed at run time")
    if not ok:
        raise SettingsError(f"wrong type for setting {name}: {type(value).__name__}")
    return value
