"""Settings: where LinkedIn is, who we are to it, and where we keep our state.

Read from the environment first, then ``[linkedin]`` in ``.streamlit/secrets.toml``.
With no client id the app runs on the built-in sandbox, served under ``/sandbox`` by the
app's own server (from a process of its own, behind a small proxy: ``linkedin/web``), so
nothing else needs configuring.

Two secrets guard what the server keeps: the cookie secret signs the browser's cookies,
the token key encrypts the tokens in the database. Each comes from its setting or, when
unset, is generated once into a 0600 file beside the database (``.cookie_secret``,
``.token_key``), created atomically so two processes starting together agree. ``load``
refuses an empty, short (under 32 bytes) or placeholder secret with ``SettingsError``.
"""

from __future__ import annotations

import os
import secrets
import tempfile
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
REDIRECT_URI_HELP = (
    "LINKEDIN_REDIRECT_URI is not set: with real LinkedIn the app needs its public callback address, exactly as "
    "registered under Authorized redirect URLs in the LinkedIn app's Auth tab (for example "
    "https://audiences.example.com/oauth/linkedin/callback). It is never guessed from a request's Host header."
)

_ENV = {
    "client_id": "LINKEDIN_CLIENT_ID",
    "client_secret": "LINKEDIN_CLIENT_SECRET",
    "redirect_uri": "LINKEDIN_REDIRECT_URI",
    "version": "LINKEDIN_VERSION",
    "api_base_url": "LINKEDIN_API_BASE_URL",
    "oauth_base_url": "LINKEDIN_OAUTH_BASE_URL",
    "cookie_secret": "LINKEDIN_COOKIE_SECRET",
    "token_key": "LINKEDIN_TOKEN_KEY",
    "db_path": "LINKEDIN_DB_PATH",
    "scopes": "LINKEDIN_SCOPES",
    "heartbeat_seconds": "LINKEDIN_HEARTBEAT_SECONDS",
    "source_platform": "LINKEDIN_SOURCE_PLATFORM",
    "sandbox_hosts": "LINKEDIN_SANDBOX_HOSTS",
    "sandbox_in_process": "LINKEDIN_SANDBOX_IN_PROCESS",
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
    # Encrypts the tokens at rest (the store derives its cipher from it); "" for none.
    token_key: str = field(default="", repr=False)
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
    # Host names a sandbox demo shown on purpose is reached by, besides loopback ones: the mounted
    # sandbox's controls and consent screen answer on no other (DNS rebinding; sandbox/hosts.py).
    sandbox_hosts: tuple[str, ...] = ()
    # The built-in sandbox runs in the app's own process (the old mount) instead of its own: its work
    # then stalls every page (bench/sandbox_process.py); for comparisons and debugging only.
    sandbox_in_process: bool = False

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

        Cookies are host-bound, so on the sandbox the callback comes back to the host the
        browser used (with the sandbox mounted in the app, the consent screen is on that
        host too); real LinkedIn's redirect URI is always the configured one, since the
        Host header is the browser's (or an attacker's) to choose. Server-side calls keep
        using the loopback address.
        """
        base = public_base.rstrip("/")
        changes: dict[str, str] = {}
        if not self.redirect_uri and self.sandbox:  # real LinkedIn: configured, never from the Host header
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


class SettingsError(ValueError):
    """A setting that must not be used as it is (a weak or placeholder secret, a missing redirect URI)."""


MIN_SECRET_BYTES = 32
# The example values of .streamlit/secrets.toml.example and the usual stand-ins: never secrets.
PLACEHOLDERS = frozenset({
    "paste-the-generated-value-here", "paste-another-generated-value-here", "changeme", "change-me", "change_me",
    "secret", "your-secret", "your-secret-here", "replace-me", "todo", "xxx", "example",
})
# Per secret: its variable, its secrets.toml name, the file it is generated into.
SECRETS = {
    "cookie_secret": ("LINKEDIN_COOKIE_SECRET", "cookie_secret", ".cookie_secret"),
    "token_key": ("LINKEDIN_TOKEN_KEY", "token_key", ".token_key"),
}


def secret_problem(value: str) -> str | None:
    """Why ``value`` cannot be a secret (empty, under 32 bytes, a placeholder), or None."""
    text = value.strip()
    if not text:
        return "it is empty"
    if text.lower() in PLACEHOLDERS or "paste" in text.lower():
        return "it is the example's placeholder, not a secret"
    if len(set(text)) == 1:
        return "it is one character repeated, not a secret"
    if len(text.encode()) < MIN_SECRET_BYTES:
        return f"it is {len(text.encode())} bytes long; use {MIN_SECRET_BYTES} or more random bytes"
    return None


def _checked(name: str, value: str, fix: str) -> str:
    problem = secret_problem(value)
    if problem:
        raise SettingsError(f"{SECRETS[name][0]} cannot be used: {problem}. {fix}")
    return value.strip()


def generated_secret(path: Path) -> str:
    """The secret kept in ``path``, generated on first use: mode 0600, written whole before it is visible.

    The value goes to a temporary 0600 file in the same folder, which is then linked to
    ``path`` only if nothing is there yet: a reader never sees a half-written file, and
    two processes starting at once both end up with the one that was linked first.
    """
    try:
        value = path.read_text()
        if path.stat().st_mode & 0o077:
            path.chmod(0o600)  # kept from an older version or copied in: readable by the owner only
        return value
    except FileNotFoundError:
        pass
    from linkedin.store import private_folder  # lazy: sqlite-utils costs ~0.4 s, and only a first start needs it

    private_folder(path.parent)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".")  # 0600
    try:
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_urlsafe(48))
            fh.flush()
            os.fsync(fh.fileno())
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass  # another process was first: use its secret
        except OSError:  # a file system without hard links: rename, atomic too, and a rare race lost
            if not path.exists():
                os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path.read_text()


def _secret(name: str, raw: Mapping[str, object], db_path: str) -> str:
    """A secret from the settings, else the generated file beside the database; checked either way."""
    variable, key, file_name = SECRETS[name]
    if name in raw:
        return _checked(name, str(raw[name]), (
            f"Set {variable} (or {key} in [linkedin] of .streamlit/secrets.toml) to {MIN_SECRET_BYTES}+ random "
            "bytes, e.g. the output of: python -c \"import secrets; print(secrets.token_urlsafe(48))\"; or leave "
            "it unset to have one generated and kept beside the database."))
    path = Path(db_path).parent / file_name
    return _checked(name, generated_secret(path), (
        f"It was read from {path}: delete that file to have a new one generated (for the token key, everyone "
        "then signs in again), or set the variable."))


def _names(value: object) -> tuple[str, ...]:
    """A list of names from "a, b c" (the environment) or ["a", "b"] (secrets.toml)."""
    items = value.replace(",", " ").split() if isinstance(value, str) else value if isinstance(value, list) else []
    return tuple(str(item).strip() for item in items if str(item).strip())
def _yes(value: object) -> bool:
    """A switch from the environment ("1", "true", "yes", "on") or secrets.toml (a boolean)."""
    return value is True or str(value or "").strip().lower() in ("1", "true", "yes", "on")


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
        elif name in SECRETS and (var in env or name in file_values):
            raw[name] = ""  # set, but empty: refused below rather than silently generated

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
        cookie_secret=_secret("cookie_secret", raw, db_path),
        token_key=_secret("token_key", raw, db_path),
        db_path=db_path,
        scopes=tuple(scopes) if scopes else DEFAULT_SCOPES,
        heartbeat_seconds=int(raw.get("heartbeat_seconds") or 300),
        sandbox=sandbox,
        source_platform=str(raw["source_platform"]) if raw.get("source_platform") else None,
        sandbox_hosts=_names(raw.get("sandbox_hosts")),
        sandbox_in_process=_yes(raw.get("sandbox_in_process")),
    )
    if settings.token_key == settings.cookie_secret:
        raise SettingsError("LINKEDIN_TOKEN_KEY must differ from LINKEDIN_COOKIE_SECRET: one signs cookies, the "
                            "other encrypts tokens, and a leak of one must not give away the other.")
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
