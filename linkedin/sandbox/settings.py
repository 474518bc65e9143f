"""The sandbox's knobs: token lifetimes, strictness, and every point where LinkedIn's
behaviour is uncertain (linkedin-api.md §12), so a test or demo can pick one answer."""

from __future__ import annotations

import dataclasses
import re
import typing
from dataclasses import dataclass, field
from typing import Any

from .registration import DEMO_SOURCE_PLATFORM, PRODUCTS

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


# LinkedIn's Marketing API versions that answer today (linkedin-api.md §1): one a month,
# but not every month (there was no 202512), each kept about a year. Sunset, and so
# refused with 426: 202511 (on 2026-11-16) and everything before, 202505 and 202507 among
# them. The newest the docs show is 202608, the client's default; later ones are added
# here when LinkedIn publishes them.
ACTIVE_VERSIONS = ("202601", "202602", "202603", "202604", "202605", "202606", "202607", "202608")
_VERSION = re.compile(r"^\d{4}(0[1-9]|1[0-2])(\.\d{2})?$")

_CHOICES = {
    "access_policy_on_create": ("ignore", "reject"),
    "per_minute_window": ("sliding", "clock"),
    "segment_finder_without_paging": ("all", "refuse_over_100"),
    "element_error_shape": ("message", "error"),
    "stock_symbol": ("accepted", "ignored", "rejected"),
    "industries_shape": ("string", "list", "either"),
    "name_only_users": ("accept", "reject"),
    "streaming_into_other_platforms": ("refuse", "accept"),
    "no_recent_uploads_counts": ("absent", "zeros"),
    "campaign_finder_start_count": ("refuse", "ignore"),
}


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
    # The products the demo registration was approved for (registration.PRODUCTS). As on
    # LinkedIn, a consent asking for a scope of a product the app lacks is aborted with
    # `unauthorized_scope_error`: nothing is silently left out of the grant.
    app_products: tuple[str, ...] = tuple(PRODUCTS)
    known_scopes: tuple[str, ...] = KNOWN_SCOPES
    # The demo registration accepts any http(s) redirect URI on a loopback host.
    redirect_hosts: tuple[str, ...] = ("localhost", "127.0.0.1", "::1")
    # The host names the controls and the consent screen answer on (hosts.py: DNS rebinding).
    # A demo exposed on purpose names its host here and in redirect_hosts, at start only.
    served_hosts: tuple[str, ...] = ("localhost", "127.0.0.1", "::1")
    # [U] error codes LinkedIn uses on the redirect back from the consent screen.
    cancel_error: str = "user_cancelled_authorize"
    cancel_error_description: str = "The user cancelled the authorization"
    unknown_scope_error: str = "invalid_scope"
    unauthorized_scope_error: str = "unauthorized_scope_error"  # seen in public issue threads
    # [P] whether the token response carries "token_type": "Bearer".
    include_token_type: bool = False
    # [U] what introspecting a garbage token answers.
    introspect_unknown_status: int = 200
    introspect_unknown_body: dict = field(default_factory=lambda: {"active": False})
    # Versioning (linkedin-api.md §1): exactly these LinkedIn-Version values answer (a
    # "YYYYMM.RR" release only when listed); any other gets 426 NONEXISTENT_VERSION.
    versions: tuple[str, ...] = ACTIVE_VERSIONS
    require_restli_header: bool = True

    # -- DMP segments (linkedin-api.md §5) ---------------------------------------------
    # The sourcePlatform enum LinkedIn gives this partner app; creating with any other
    # value than it or `extra_source_platforms` is refused.
    partner_source_platform: str = DEMO_SOURCE_PLATFORM
    extra_source_platforms: tuple[str, ...] = ("LIST_UPLOAD",)
    # Sandbox seconds a new segment spends BUILDING (LinkedIn: up to 48 h), and UPDATING
    # after its members change (LinkedIn: near real time).
    segment_build_seconds: int = 120
    segment_update_seconds: int = 30
    # Not used or modified for this many days: ARCHIVED, then EXPIRED (§5.4).
    segment_archive_days: int = 30
    segment_expire_days: int = 90
    # [U] §12.12: how long /users and /companies answer 404 after a segment is created.
    segment_visibility_delay_seconds: float = 5.0
    # [U] §12.6: accessPolicy on create ("ignore" or "reject"), and on reads.
    access_policy_on_create: str = "ignore"
    include_access_policy: bool = False
    # §12.11: a second segment with the same account, sourcePlatform and sourceSegmentId
    # gets 409, as when two creators race.
    reject_duplicate_source_segment_id: bool = True
    # §5.2: the account finder with neither start nor count returns every segment ("all",
    # as LinkedIn documents for it), or, like LinkedIn's other start/count finders, 400
    # when that is more than 100 ("refuse_over_100") [U].
    segment_finder_without_paging: str = "all"
    # [U] §5.4: inputCount and matchedCount cover the uploads of the last 7 days [D]; with
    # no upload in that window LinkedIn either leaves both out, as while BUILDING
    # ("absent", the stricter reading), or sends them as 0 ("zeros"). audienceSize stays.
    no_recent_uploads_counts: str = "absent"

    # -- ad campaigns (linkedin-contract.md, "Campaigns") ----------------------------------
    # [U] adCampaigns?q=search pages by cursor since 202401 (pageSize/pageToken); whether
    # it still takes start/count is not documented: "refuse" answers 400 (the stricter
    # reading), "ignore" answers as if they were absent.
    campaign_finder_start_count: str = "refuse"

    # -- /users and /companies (§6, §7, §8, §11) -----------------------------------------
    max_batch_elements: int = 5000  # [C] §12.3
    users_calls_per_minute: int = 600  # per member; [D] §12.4 (500 in older versions)
    companies_calls_per_minute: int = 300  # per member [D]
    # [U] §11: daily quotas per member are not published (the Developer Portal shows an
    # app's); they reset at midnight UTC [D], on the sandbox clock here.
    users_calls_per_day: int = 10_000
    companies_calls_per_day: int = 10_000
    # [U] whether "a minute" slides with each call ("sliding", the stricter) or is the
    # clock's minute ("clock"). A refused call counts in neither; a 429 has no Retry-After.
    per_minute_window: str = "sliding"
    apple_idfa_accepted: bool = False  # [U] §12.1
    # [P] people with no id but first + last name (+ company): "accept" or "reject"
    name_only_users: str = "accept"
    # [U] whether /users and /companies take members into a streaming segment another
    # partner created (its sourcePlatform is not this app's): "refuse" (the stricter reading:
    # partners find and fill their own segments by sourcePlatform) or "accept". LinkedIn's
    # predictive audiences (LINKEDIN_BUSINESS_OBJECTIVE_BASED_AUDIENCES) take no upload either way.
    streaming_into_other_platforms: str = "refuse"
    # GOOGLE_AID is the device's lower-case 8-4-4-4-12 UUID, hyphens kept (LinkedIn's example;
    # linkedin-api.md §6). [U] whether LinkedIn also takes the 32 hex digits without hyphens:
    # refused by default, the stricter reading, since it would not match what Android reports.
    google_aid_without_hyphens: bool = False
    # [P] §12.5: per-element errors as {"status", "message", "batchIndex"} ("message")
    # or {"status", "error": {"message"}, "batchIndex"} ("error").
    element_error_shape: str = "message"
    # [U] §12.2: stockSymbol "accepted" (validated, matched on), "ignored" or "rejected";
    # industries as a "string", a "list", or "either".
    stock_symbol: str = "accepted"
    industries_shape: str = "string"

    def __post_init__(self) -> None:
        unknown = [p for p in self.app_products if p not in PRODUCTS]
        if unknown:
            raise SettingsError(f"app_products: no product named {unknown[0]!r} (known: {', '.join(PRODUCTS)})")
        for name in ("access_token_ttl", "refresh_token_ttl", "code_ttl"):
            if getattr(self, name) <= 0:
                raise SettingsError(f"{name} must be a positive number of seconds")
        for value in self.versions:
            if not _VERSION.match(value):
                raise SettingsError(f"versions must look like YYYYMM (or YYYYMM.RR), got {value!r}")
        for name, allowed in _CHOICES.items():
            if getattr(self, name) not in allowed:
                raise SettingsError(f"{name} must be one of {', '.join(allowed)}")
        for name in ("segment_build_seconds", "segment_update_seconds", "max_batch_elements",
                     "users_calls_per_minute", "companies_calls_per_minute", "users_calls_per_day",
                     "companies_calls_per_day"):
            if getattr(self, name) < 0:
                raise SettingsError(f"{name} must not be negative")
        if self.segment_visibility_delay_seconds < 0:
            raise SettingsError("segment_visibility_delay_seconds must not be negative")
        if not 0 < self.segment_archive_days <= self.segment_expire_days:
            raise SettingsError("segment_archive_days must be positive and at most segment_expire_days")

    @property
    def creatable_source_platforms(self) -> tuple[str, ...]:
        return (self.partner_source_platform, *self.extra_source_platforms)

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
