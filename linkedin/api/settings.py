"""Settings: where LinkedIn is, who we are to it, and where we keep our state.

Read from the environment first, then ``[linkedin]`` in ``.streamlit/secrets.toml``.
With no client id the app runs on the built-in sandbox, which is mounted under
``/sandbox`` in the app's own server, so nothing else needs configuring.
"""

from __future__ import annotations

import os
import secrets
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Mapping

ROOT = Path(__file__).resolve().parents[2]  # the project folder: data/ and .streamlit/ are beside linkedin/
DEFAULT_VERSION = "202608"
LINKEDIN_OAUTH = "https://www.linkedin.com"
LINKEDIN_API = "https://api.linkedin.com"
SANDBOX_PREFIX = "/sandbox"

# What the app asks for, and why: shown on the Connect page.
REQUIRED_SCOPES: dict[str, str] = {
    "r_ads": "List your ad accounts and your role on each.",
    "rw_dmp_segments": "Read, create and update Matched Audiences (DMP segments) and their members.",
}
# Asked for only when configured (LINKEDIN_SCOPES): a scope of a product the app was not
# approved for aborts LinkedIn's whole consent (linkedin-api.md §3), and these need the
# "Sign In with LinkedIn using OpenID Connect" product.
OPTIONAL_SCOPES: dict[str, str] = {
    "openid": "Sign-in with OpenID Connect, to know who connected.",
    "profile": "Your name, so the app can show which member is connected.",
}
DEFAULT_SCOPES = tuple(REQUIRED_SCOPES)
# On the sandbox: its demo registration has the OpenID product too, so the demo shows members by name.
SANDBOX_SCOPES = DEFAULT_SCOPES + tuple(OPTIONAL_SCOPES)
# Which Developer Portal product brings a scope: what to request when LinkedIn refuses one.
SCOPE_PRODUCTS: dict[str, str] = {
    "r_ads": "Advertising API",
    "rw_ads": "Advertising API",
    "rw_dmp_segments": "Matched Audiences",
    "openid": "Sign In with LinkedIn using OpenID Connect",
    "profile": "Sign In with LinkedIn using OpenID Connect",
    "email": "Sign In with LinkedIn using OpenID Connect",
}
SOURCE_PLATFORM_HELP = (
    "LINKEDIN_SOURCE_PLATFORM is not set: LinkedIn gives each approved Audiences partner its own "
    "sourcePlatform value for the segments it creates (in the Audiences program's onboarding, with the "
    "Matched Audiences product in the Developer Portal). Set it to that value; until then no segment "
    "can be created (reading and syncing into existing segments still work)."
)

_ENV = {
    "client_id": "LINKEDIN_CLIENT_ID",
    "client_secret": "LINKEDIN_CLIENT_SECRET",
    "redirect_uri": "LINKEDIN_REDIRECT_URI",
    "version": "LINKEDIN_VERSION",
    "api_base_url": "LINKEDIN_API_BASE_URL",
    "oauth_base_url": "LINKEDIN_OAUTH_BASE_URL",
    "cookie_secret": "LINKEDIN_COOKIE_SECRET",
    "db_path": "LINKEDIN_DB_PATH",
    "scopes": "LINKEDIN_SCOPES",
    "heartbeat_seconds": "LINKEDIN_HEARTBEAT_SECONDS",
    "source_platform": "LINKEDIN_SOURCE_PLATFORM",
}


@dataclass(frozen=True)
class Settings:
    """Everything the library needs to talk to LinkedIn (or to the sandbox)."""

    client_id: str
    client_secret: str = field(repr=False)
    redirect_uri: str | None = None
    version: str = DEFAULT_VERSION
    api_base_url: str = LINKEDIN_API
    oauth_base_url: str = LINKEDIN_OAUTH
    cookie_secret: str = field(default="", repr=False)
    db_path: str = str(ROOT / "data" / "app.db")
    scopes: tuple[str, ...] = DEFAULT_SCOPES
    heartbeat_seconds: int = 300
    sandbox: bool = False
    # The app's own loopback address when the sandbox is mounted in it; the browser
    # reaches the sandbox through the host it used, the server through this.
    sandbox_base_url: str | None = None
    public_oauth_base_url: str | None = None
    # The sourcePlatform LinkedIn assigned this app; None until configured (no invented default).
    source_platform: str | None = None

    @property
    def authorize_url(self) -> str:
        return f"{self.public_oauth_base_url or self.oauth_base_url}/oauth/v2/authorization"

    @property
    def token_url(self) -> str:
        return f"{self.oauth_base_url}/oauth/v2/accessToken"

    @property
    def introspect_url(self) -> str:
        return f"{self.oauth_base_url}/oauth/v2/introspectToken"

    @property
    def secure_cookies(self) -> bool:
        return bool(self.redirect_uri and self.redirect_uri.startswith("https://"))

    def for_browser(self, public_base: str) -> "Settings":
        """These settings as seen from a browser that reached the app at ``public_base``.

        Cookies are host-bound, so the callback must come back to the host the browser
        used; with the sandbox mounted in the app, the consent screen is on that host
        too. Server-side calls keep using the loopback address.
        """
        base = public_base.rstrip("/")
        changes: dict[str, str] = {}
        if not self.redirect_uri:
            changes["redirect_uri"] = base + "/oauth/linkedin/callback"
        if self.sandbox and self.oauth_base_url == self.sandbox_base_url:
            changes["public_oauth_base_url"] = base + SANDBOX_PREFIX
        return replace(self, **changes) if changes else self


def _read_secrets(path: Path) -> Mapping[str, object]:
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError:
        return {}
    section = data.get("linkedin", {})
    return section if isinstance(section, dict) else {}


def _cookie_secret(db_path: str) -> str:
    """A fixed secret for signing cookies, so a restart does not log everyone out."""
    path = Path(db_path).parent / ".cookie_secret"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        value = secrets.token_urlsafe(48)
        path.write_text(value)
        path.chmod(0o600)
        return value


def load(
    *,
    environ: Mapping[str, str] | None = None,
    secrets_path: Path | None = None,
    app_port: int | None = None,
) -> Settings:
    """Build the settings from the environment and secrets.toml.

    ``app_port`` is the port of the app's own server: in sandbox mode the API and
    OAuth base URLs point at the sandbox mounted there, unless set explicitly.
    """
    env = os.environ if environ is None else environ
    file_values = _read_secrets(secrets_path or ROOT / ".streamlit" / "secrets.toml")
    raw: dict[str, object] = {}
    for name, var in _ENV.items():
        if env.get(var):
            raw[name] = env[var]
        elif file_values.get(name) not in (None, ""):
            raw[name] = file_values[name]

    client_id = str(raw.get("client_id") or "")
    sandbox = not client_id
    db_path = str(raw.get("db_path") or ROOT / "data" / "app.db")
    scopes = raw.get("scopes")
    if isinstance(scopes, str):
        scopes = tuple(s for s in scopes.replace(",", " ").split() if s)
    settings = Settings(
        client_id=client_id,
        client_secret=str(raw.get("client_secret") or ""),
        redirect_uri=str(raw["redirect_uri"]) if raw.get("redirect_uri") else None,
        version=str(raw.get("version") or DEFAULT_VERSION),
        api_base_url=str(raw.get("api_base_url") or LINKEDIN_API).rstrip("/"),
        oauth_base_url=str(raw.get("oauth_base_url") or LINKEDIN_OAUTH).rstrip("/"),
        cookie_secret=str(raw.get("cookie_secret") or "") or _cookie_secret(db_path),
        db_path=db_path,
        scopes=tuple(scopes) if scopes else DEFAULT_SCOPES,
        heartbeat_seconds=int(raw.get("heartbeat_seconds") or 300),
        sandbox=sandbox,
        source_platform=str(raw["source_platform"]) if raw.get("source_platform") else None,
    )
    if sandbox:
        from linkedin.sandbox import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_SOURCE_PLATFORM

        base = f"http://127.0.0.1:{app_port or 8501}{SANDBOX_PREFIX}"
        settings = replace(
            settings,
            client_id=DEMO_CLIENT_ID,
            client_secret=DEMO_CLIENT_SECRET,
            source_platform=settings.source_platform or DEMO_SOURCE_PLATFORM,
            scopes=settings.scopes if raw.get("scopes") else SANDBOX_SCOPES,
            sandbox_base_url=base,
            api_base_url=str(raw.get("api_base_url") or base).rstrip("/"),
            oauth_base_url=str(raw.get("oauth_base_url") or base).rstrip("/"),
        )
    return settings


def problems(settings: Settings) -> list[str]:
    """What is missing for real LinkedIn, in words an operator can act on."""
    if settings.sandbox:
        return []
    found = []
    if not settings.client_secret:
        found.append("LINKEDIN_CLIENT_SECRET is not set (or client_secret in [linkedin] of secrets.toml).")
    if not settings.source_platform:
        found.append(SOURCE_PLATFORM_HELP)
    return found
