"""Connect to a running sandbox the way a member would: consent screen, code, exchange.

``connect_sandbox(url, store, member="Vic Viewer")`` returns a real ``Connection`` whose
tokens came from the sandbox's OAuth endpoints, for integration tests and AppTest.
"""

from __future__ import annotations

import secrets
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit

import requests

from linkedin.auth import OAuth
from linkedin.client import Client, StaticToken
from linkedin.config import Settings
from linkedin.connection import Connection, identify
from linkedin.store import Store

CLIENT_ID = "sandbox-demo-client"
CLIENT_SECRET = "sandbox-demo-secret"
REDIRECT_URI = "http://localhost/cb"
SCOPES = "r_ads rw_dmp_segments openid profile"
AVERY, VIC, NOA = "Avery Analyst", "Vic Viewer", "Noa Newcomer"


def sandbox_settings(sandbox_url: str, db_path: str | Path = ":memory:") -> Settings:
    """Settings of an app registered with the sandbox's demo client, talking to ``sandbox_url``."""
    return Settings(
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        redirect_uri=REDIRECT_URI,
        api_base_url=sandbox_url,
        oauth_base_url=sandbox_url,
        cookie_secret="x" * 32,
        db_path=str(db_path),
    )


class _ConsentForm(HTMLParser):
    """The consent page's form: action, hidden fields, and the members to sign in as."""

    def __init__(self) -> None:
        super().__init__()
        self.action: str | None = None
        self.hidden: dict[str, str] = {}
        self.members: list[tuple[str, str]] = []  # (person id, label)
        self._option: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and self.action is None:
            self.action = a.get("action")
        elif tag == "input" and a.get("type") == "hidden":
            self.hidden[a["name"]] = a.get("value") or ""
        elif tag == "option":
            self._option = a.get("value")
            self.members.append((self._option or "", ""))

    def handle_data(self, data):
        if self._option is not None:
            pid, label = self.members[-1]
            self.members[-1] = (pid, label + data)

    def handle_endtag(self, tag):
        if tag == "option":
            self._option = None


def _pick(form: _ConsentForm, member: str | None) -> str | None:
    """The person id for a member given by name ("Vic Viewer"), id or URN; the first one by default."""
    if member is None:
        return form.members[0][0] if form.members else None
    wanted = member.rsplit(":", 1)[-1] if member.startswith("urn:li:person:") else member
    for pid, label in form.members:
        if wanted == pid or label.strip().lower().startswith(wanted.lower()):
            return pid
    raise AssertionError(f"no member {member!r} on the consent screen: {[label for _, label in form.members]}")


def authorization_code(sandbox_url: str, *, member: str | None = None, scope: str = SCOPES) -> str:
    """Walk the consent screen (Allow) and return the authorization code."""
    http = requests.Session()
    http.trust_env = False
    state = secrets.token_urlsafe(8)
    page = http.get(
        f"{sandbox_url}/oauth/v2/authorization",
        params={"response_type": "code", "client_id": CLIENT_ID, "redirect_uri": REDIRECT_URI,
                "scope": scope, "state": state},
        timeout=10,
    )
    assert page.status_code == 200, page.text[:300]
    form = _ConsentForm()
    form.feed(page.text)
    assert form.action, "the consent page has no form"
    data = dict(form.hidden, decision="allow")
    pid = _pick(form, member)
    if pid:
        data["member"] = pid
    answer = http.post(urljoin(page.url, form.action), data=data, allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text[:300]
    query = parse_qs(urlsplit(answer.headers["location"]).query)
    assert query.get("state") == [state], query
    return query["code"][0]


def connect_sandbox(sandbox_url: str, store: Store, *, member: str | None = None, sid: str | None = None) -> Connection:
    """A connected ``Connection`` for ``member`` (default: the consent screen's first, Avery Analyst)."""
    settings = sandbox_settings(sandbox_url, store_path(store))
    code = authorization_code(sandbox_url, member=member)
    oauth = OAuth(settings)
    token = oauth.exchange(code)
    member_urn, member_name = identify(Client(settings, StaticToken(token.access_token)), token.scopes)
    conn = Connection(settings, store, sid or secrets.token_urlsafe(16), oauth=oauth)
    conn.connect(token, member_urn=member_urn, member_name=member_name)
    return conn


def store_path(store: Store) -> str:
    """The file behind a store (":memory:" for an in-memory one)."""
    for _, name, path in store.db.execute("PRAGMA database_list").fetchall():
        if name == "main":
            return path or ":memory:"
    return ":memory:"
