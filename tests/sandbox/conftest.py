"""Fixtures: the sandbox served by a real uvicorn on a free port, and a small client
that walks LinkedIn's consent flow the way a browser would."""

from __future__ import annotations

import contextlib
import socket
import sys
import threading
import time
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import requests
import uvicorn

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # pytest.ini has pythonpath = .; this covers other runners
    sys.path.insert(0, str(ROOT))

from linkedin.sandbox import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, create_app  # noqa: E402

REDIRECT_URI = "http://localhost:8501/oauth/linkedin/callback"
VERSION = "202608"
AVERY = "urn:li:person:Av3ryAn4ly"
VIC = "urn:li:person:V1cV1ewer0"
NOA = "urn:li:person:N0aNewc0mr"


@contextlib.contextmanager
def serve(app) -> Iterator[str]:
    """Run `app` with uvicorn in a background thread; yield its base URL."""
    # Bound here (no race for the port) with an explicit IPPROTO_TCP: asyncio sets
    # TCP_NODELAY only on sockets whose proto says TCP, and without it every keep-alive
    # request waits 40 ms on Nagle + delayed ACK.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off",
                            access_log=False, timeout_graceful_shutdown=2)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


class Form(HTMLParser):
    """The first <form> of a page: its action and the fields a browser would submit."""

    def __init__(self) -> None:
        super().__init__()
        self.action: str | None = None
        self.fields: dict[str, str] = {}
        self.options: list[str] = []
        self.buttons: list[tuple[str, str, str]] = []  # (name, value, text)
        self._button: dict | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and self.action is None:
            self.action = a.get("action")
        elif tag == "input" and a.get("type") == "hidden":
            self.fields[a["name"]] = a.get("value", "")
        elif tag == "option":
            self.options.append(a["value"])
            if "selected" in a:
                self.fields["member"] = a["value"]
        elif tag == "button":
            self._button = {"name": a.get("name", ""), "value": a.get("value", ""), "text": ""}

    def handle_data(self, data):
        if self._button is not None:
            self._button["text"] += data

    def handle_endtag(self, tag):
        if tag == "button" and self._button is not None:
            b = self._button
            self.buttons.append((b["name"], b["value"], b["text"].strip()))
            self._button = None


def parse_form(html: str) -> Form:
    form = Form()
    form.feed(html)
    return form


class SandboxClient:
    """Talks to a running sandbox like our app and a browser would."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.http = requests.Session()
        self.http.trust_env = False  # never route 127.0.0.1 through a proxy

    def url(self, path: str) -> str:
        return self.base + path

    # -- controls ------------------------------------------------------------------------
    def control(self, method: str, path: str, body=None) -> requests.Response:
        if body is None and method != "GET":
            body = {}  # the controls take JSON only
        return self.http.request(method, self.url("/_sandbox" + path), json=body, timeout=10)

    def state(self) -> dict:
        return self.control("GET", "/state").json()

    def settings(self, **patch) -> dict:
        r = self.control("POST", "/settings", patch)
        assert r.status_code == 200, r.text
        return r.json()

    def advance(self, seconds: float) -> dict:
        return self.control("POST", "/clock/advance", {"seconds": seconds}).json()

    # -- OAuth ---------------------------------------------------------------------------
    def consent_page(self, *, scope: str, state: str = "xyz", client_id: str = DEMO_CLIENT_ID,
                     redirect_uri: str = REDIRECT_URI) -> requests.Response:
        params = {"response_type": "code", "client_id": client_id, "redirect_uri": redirect_uri,
                  "scope": scope, "state": state}
        return self.http.get(self.url("/oauth/v2/authorization"), params=params, allow_redirects=False, timeout=10)

    def decide(self, page: requests.Response, *, decision: str = "allow", member: str | None = None) -> requests.Response:
        form = parse_form(page.text)
        data = dict(form.fields, decision=decision)
        if member is not None:
            data["member"] = member
        action = urljoin(page.url, form.action)
        return self.http.post(action, data=data, allow_redirects=False, timeout=10)

    def code(self, scope: str = "r_ads rw_dmp_segments", *, member: str | None = None, state: str = "xyz") -> str:
        r = self.decide(self.consent_page(scope=scope, state=state), member=member)
        assert r.status_code == 302, r.text
        query = parse_qs(urlsplit(r.headers["location"]).query)
        assert query["state"] == [state]
        return query["code"][0]

    def token_request(self, **form) -> requests.Response:
        data = {"client_id": DEMO_CLIENT_ID, "client_secret": DEMO_CLIENT_SECRET, **form}
        return self.http.post(self.url("/oauth/v2/accessToken"), data=data, timeout=10)

    def exchange(self, code: str, *, redirect_uri: str = REDIRECT_URI) -> requests.Response:
        return self.token_request(grant_type="authorization_code", code=code, redirect_uri=redirect_uri)

    def token(self, scope: str = "r_ads rw_dmp_segments", *, member: str | None = None) -> dict:
        r = self.exchange(self.code(scope, member=member))
        assert r.status_code == 200, r.text
        return r.json()

    def refresh(self, refresh_token: str) -> requests.Response:
        return self.token_request(grant_type="refresh_token", refresh_token=refresh_token)

    def introspect(self, token: str, **override) -> requests.Response:
        data = {"client_id": DEMO_CLIENT_ID, "client_secret": DEMO_CLIENT_SECRET, "token": token, **override}
        return self.http.post(self.url("/oauth/v2/introspectToken"), data=data, timeout=10)

    # -- API -----------------------------------------------------------------------------
    def api(self, path: str, token: str | None, *, version: str | None = VERSION, restli: bool = True,
            params=None, method: str = "GET") -> requests.Response:
        headers = {}
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        if version is not None:
            headers["LinkedIn-Version"] = version
        if restli:
            headers["X-Restli-Protocol-Version"] = "2.0.0"
        return self.http.request(method, self.url(path), headers=headers, params=params, timeout=10)

    def rest(self, method: str, path: str, token: str | None, *, query: str | None = None, json=None,
             restli_method: str | None = None, version: str | None = VERSION) -> requests.Response:
        """A /rest call with the query string exactly as given (Rest.li encodings kept)."""
        headers = {"X-Restli-Protocol-Version": "2.0.0"}
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        if version is not None:
            headers["LinkedIn-Version"] = version
        if restli_method is not None:
            headers["X-RestLi-Method"] = restli_method
        url = self.url(path) + (f"?{query}" if query else "")
        return self.http.request(method, url, headers=headers, json=json, timeout=60)


@pytest.fixture(scope="session")
def served():
    """One sandbox server for the whole session; tests reset it before use."""
    app = create_app()
    with serve(app) as base:
        yield app, base


@pytest.fixture
def sandbox(served) -> Iterator[SandboxClient]:
    app, base = served
    client = SandboxClient(base)
    assert client.control("POST", "/reset").status_code == 200
    yield client
    client.http.close()


@pytest.fixture
def world(served, sandbox):
    """The running sandbox's state object, for assertions the HTTP API cannot make."""
    return served[0].state.sandbox
