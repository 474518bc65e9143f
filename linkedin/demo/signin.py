"""Sign in to the sandbox without a browser: its consent screen walked over HTTP as a demo member.

The sandbox's consent screen is plain HTML (the scopes asked for, a demo-member picker,
Allow / Cancel). The sign-off script, the command line, notebooks and tests walk it the way
a person would: open the screen, press Allow as a chosen member, take the code from the
redirect and exchange it exactly as the app's OAuth callback does. Only the sandbox allows
this: real LinkedIn's consent needs a person in a browser, so these functions refuse
settings that are not the sandbox's. ``connect`` gives a stored, connected ``Connection``
in one call (benchmarks and tests).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, replace
from html.parser import HTMLParser
from urllib.parse import parse_qs, urljoin, urlsplit

import requests

from linkedin.api.client import Client, StaticToken
from linkedin.api.connection import Connection, identify
from linkedin.api.errors import ConnectionFailed, MalformedResponse, OAuthError
from linkedin.api.oauth import LOOPBACK, OAuth, Token
from linkedin.api.settings import SANDBOX_SCOPES, Settings
from linkedin.sandbox import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_SOURCE_PLATFORM
from linkedin.store import Store

# Where the sandbox "redirects" after Allow; never fetched, only read from the Location header.
LOOPBACK_REDIRECT = "http://127.0.0.1/oauth/linkedin/callback"
TIMEOUT = 30


@dataclass(frozen=True)
class ConsentScreen:
    """What the sandbox's consent screen shows, and what pressing a button would send."""

    url: str  # the screen's address (no secret in it: client id, redirect, scopes, state)
    status: int
    scopes: tuple[str, ...]  # the scopes listed to the member
    members: tuple[tuple[str, str], ...]  # (person id, label) offered in the picker
    action: str
    hidden: dict[str, str]


class _Parser(HTMLParser):
    """The form (action, hidden fields), the member options and the listed scopes."""

    def __init__(self) -> None:
        super().__init__()
        self.action: str | None = None
        self.hidden: dict[str, str] = {}
        self.members: list[list[str]] = []
        self.scopes: list[str] = []
        self._in: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and self.action is None:
            self.action = a.get("action")
        elif tag == "input" and a.get("type") == "hidden" and a.get("name"):
            self.hidden[a["name"]] = a.get("value") or ""
        elif tag == "option":
            self.members.append([a.get("value") or "", ""])
            self._in = "option"
        elif tag == "code":
            self.scopes.append("")
            self._in = "code"

    def handle_data(self, data):
        if self._in == "option":
            self.members[-1][1] += data
        elif self._in == "code":
            self.scopes[-1] += data

    def handle_endtag(self, tag):
        if tag in ("option", "code"):
            self._in = None


def _require_sandbox(settings: Settings) -> None:
    """Only the sandbox (flagged, or served on a loopback address) can be signed in to this way."""
    if not settings.sandbox and urlsplit(settings.oauth_base_url).hostname not in LOOPBACK:
        raise ValueError(
            "Signing in without a browser works only on the sandbox: LinkedIn's consent screen needs a person."
        )


def _consent_settings(settings: Settings) -> Settings:
    """The settings with a loopback redirect (the sandbox accepts only those) and server-side URLs."""
    redirect = settings.redirect_uri
    if not redirect or urlsplit(redirect).hostname not in LOOPBACK:
        redirect = LOOPBACK_REDIRECT
    return replace(settings, redirect_uri=redirect, public_oauth_base_url=None)


def _http(session: requests.Session | None) -> requests.Session:
    if session is not None:
        return session
    http = requests.Session()
    http.trust_env = False  # the sandbox is on loopback: never through a proxy
    return http


def open_consent(settings: Settings, *, session: requests.Session | None = None,
                 state: str | None = None) -> ConsentScreen:
    """GET the consent screen for the app's configured scopes and read what it shows."""
    _require_sandbox(settings)
    consent = _consent_settings(settings)
    url = OAuth(consent).authorization_url(state or secrets.token_urlsafe(16))
    try:
        page = _http(session).get(url, timeout=TIMEOUT)
    except requests.RequestException as exc:
        raise ConnectionFailed(f"The sandbox's consent screen could not be reached ({type(exc).__name__})") from None
    if page.status_code != 200:
        raise OAuthError(f"The sandbox's consent screen answered HTTP {page.status_code}", status=page.status_code)
    parser = _Parser()
    parser.feed(page.text)
    if not parser.action:
        raise MalformedResponse("The sandbox's consent screen has no form")
    return ConsentScreen(
        url=url,
        status=page.status_code,
        scopes=tuple(s.strip() for s in parser.scopes if s.strip()),
        members=tuple((pid, label.strip()) for pid, label in parser.members),
        action=urljoin(page.url, parser.action),
        hidden=dict(parser.hidden),
    )


def pick(screen: ConsentScreen, member: str | None) -> str:
    """The person id of ``member`` (a name prefix like "Vic Viewer", an id or a URN); the first by default."""
    if not screen.members:
        raise MalformedResponse("The sandbox's consent screen offers no member to sign in as")
    if member is None:
        return screen.members[0][0]
    wanted = member.rsplit(":", 1)[-1] if member.startswith("urn:li:person:") else member
    for pid, label in screen.members:
        if wanted == pid or label.lower().startswith(wanted.lower()):
            return pid
    names = ", ".join(label.split(" (")[0] for _, label in screen.members)
    raise ValueError(f"The sandbox has no demo member {member!r}; pick one of: {names}.")


def authorization_code(settings: Settings, *, member: str | None = None,
                       session: requests.Session | None = None) -> str:
    """Walk the consent screen: Allow as ``member``; returns the authorization code."""
    http = _http(session)
    state = secrets.token_urlsafe(16)
    screen = open_consent(settings, session=http, state=state)
    data = dict(screen.hidden, decision="allow", member=pick(screen, member))
    try:
        answer = http.post(screen.action, data=data, allow_redirects=False, timeout=TIMEOUT)
    except requests.RequestException as exc:
        raise ConnectionFailed(f"The sandbox's consent screen could not be reached ({type(exc).__name__})") from None
    location = answer.headers.get("location") if answer.status_code in (302, 303) else None
    if not location:
        raise OAuthError(f"The sandbox did not redirect back after Allow (HTTP {answer.status_code})",
                         status=answer.status_code)
    query = parse_qs(urlsplit(location).query)
    if query.get("error"):
        raise OAuthError("The sandbox refused the consent", code=query["error"][0])
    if query.get("state") != [state]:
        raise OAuthError("The sandbox sent back a different state: the consent was refused for safety")
    if not query.get("code"):
        raise MalformedResponse("The sandbox redirected back without an authorization code")
    return query["code"][0]


@dataclass(frozen=True)
class Login:
    """The tokens of a consent, and who gave it."""

    token: Token
    member_urn: str | None
    member_name: str | None


def login(settings: Settings, *, member: str | None = None, session: requests.Session | None = None) -> Login:
    """Consent as ``member`` and exchange the code, like the app's callback; nothing is stored."""
    http = _http(session)
    token = sign_in(settings, member=member, session=http)
    member_urn, member_name = identify(Client(settings, StaticToken(token.access_token), session=http), token.scopes)
    return Login(token, member_urn, member_name)


def sign_in(settings: Settings, *, member: str | None = None, session: requests.Session | None = None) -> Token:
    """The tokens of a consent given as ``member`` (``login`` without the member lookup)."""
    http = _http(session)
    code = authorization_code(settings, member=member, session=http)
    return OAuth(_consent_settings(settings), session=http).exchange(code)


def connect(sandbox_url: str, store: Store, *, member: str | None = None, sid: str | None = None,
            scopes: tuple[str, ...] | None = None) -> Connection:
    """A connected ``Connection`` for ``member`` (default: the consent screen's first, Avery Analyst)
    of the sandbox at ``sandbox_url``, registered as its demo app, its tokens kept in ``store``;
    ``scopes`` are asked for instead of the default ones when given."""
    settings = Settings(
        client_id=DEMO_CLIENT_ID, client_secret=DEMO_CLIENT_SECRET, source_platform=DEMO_SOURCE_PLATFORM,
        scopes=SANDBOX_SCOPES if scopes is None else tuple(scopes),
        redirect_uri=LOOPBACK_REDIRECT,
        api_base_url=sandbox_url, oauth_base_url=sandbox_url, cookie_secret=secrets.token_urlsafe(32),
        db_path=store.path,
    )
    done = login(replace(settings, sandbox=True), member=member)
    conn = Connection(settings, store, sid or secrets.token_urlsafe(16))
    conn.connect(done.token, member_urn=done.member_urn, member_name=done.member_name)
    return conn


def reconnect(connection: Connection, *, member: str | None = None, session: requests.Session | None = None) -> Login:
    """Consent again and keep the new tokens in the SAME session (the browser stays signed in).

    ``member`` defaults to the member of this connection, so a reconnect never switches people.
    """
    if member is None:
        row = connection.store.connection(connection.sid) or {}
        member = row.get("member_urn")
    done = login(connection.settings, member=member, session=session)
    connection.connect(done.token, member_urn=done.member_urn, member_name=done.member_name)
    return done
