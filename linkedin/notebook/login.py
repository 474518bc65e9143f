"""Signing in from a terminal or a notebook: LinkedIn's consent in the browser, back to a loopback address.

There is no web app to come back to, so for the length of one sign-in a tiny HTTP server
listens on a loopback address (RFC 8252 §7.3) and receives LinkedIn's redirect with the
code. Only a request carrying the ``state`` we sent ends the wait: anything else (another
local program, a stale tab) is answered 400 and ignored; a connection that sends nothing
is dropped after ``IDLE_TIMEOUT`` seconds; the wait ends after ``timeout`` seconds (the
CLI's ``login --timeout``). The redirect URI must name its port, so nothing listens on
port 80 by accident. The tokens are then kept in the local store under the fixed session
id ``CLI_SID`` (a browser can never use it), where the CLI's next run and
``Audiences.connect()`` find them and renew them with the refresh token.

Real LinkedIn matches the redirect URI exactly, so register ``DEFAULT_REDIRECT_URI`` (or
your ``LINKEDIN_CLI_REDIRECT_URI``) in the app's Auth tab. The sandbox accepts any
loopback URI, so there a free port is picked; with ``member=`` the sandbox's consent
screen is answered over HTTP instead (``sandbox_login``), for scripts and tests;
``sandbox_sign_in`` does that for ``Audiences.sandbox()``, starting a sandbox when none is named.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import sys
import time
import webbrowser
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Callable, Mapping
from urllib.parse import parse_qs, urlsplit, urlunsplit

from linkedin.api import settings as config
from linkedin.api.client import Client, StaticToken
from linkedin.api.connection import Connection, identify
from linkedin.api.errors import OAuthError
from linkedin.api.oauth import OAuth, Token
from linkedin.api.settings import SANDBOX_SCOPES, Settings
from linkedin.demo import signin as sandbox_login
from linkedin.demo.server import LocalSandbox
from linkedin.store import Store

log = logging.getLogger(__name__)

TOKEN_ENV = "LINKEDIN_ACCESS_TOKEN"  # a token to use as is, bypassing the token store
CLI_SID = "cli"  # the store's session id of the command line's (and notebooks') login
REDIRECT_ENV = "LINKEDIN_CLI_REDIRECT_URI"
DEFAULT_REDIRECT_URI = "http://localhost:8485/linkedin/callback"
SANDBOX_REDIRECT_URI = "http://127.0.0.1:0/linkedin/callback"  # port 0: any free port
LOGIN_TIMEOUT = 300.0
IDLE_TIMEOUT = 5.0  # seconds a connection may stay silent before it is dropped
_LOOPBACK = {"localhost": "127.0.0.1", "127.0.0.1": "127.0.0.1", "::1": "::1"}

_DONE_PAGE = (b"<!doctype html><meta charset=utf-8><title>Signed in</title>"
              b"<body style='font-family:system-ui;margin:3em'><h1>%s</h1><p>%s</p></body>")


def _stderr(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def redirect_uri(settings: Settings, environ: Mapping[str, str] | None = None) -> str:
    """Where LinkedIn sends the browser back: ``LINKEDIN_CLI_REDIRECT_URI``, else the default."""
    env = os.environ if environ is None else environ
    uri = env.get(REDIRECT_ENV) or (SANDBOX_REDIRECT_URI if settings.sandbox else DEFAULT_REDIRECT_URI)
    parts = urlsplit(uri)
    if parts.scheme != "http" or parts.hostname not in _LOOPBACK:
        raise ValueError(f"{REDIRECT_ENV} must be an http:// address on localhost, 127.0.0.1 or [::1], not {uri!r}")
    try:
        port = parts.port
    except ValueError:
        port = None
    if port is None:
        raise ValueError(f"{REDIRECT_ENV} must name its port (e.g. {DEFAULT_REDIRECT_URI}), not {uri!r}: "
                         "without one the sign-in would listen on port 80")
    return uri


class Loopback:
    """A one-shot server on a loopback address that waits for LinkedIn's redirect carrying ``state``."""

    def __init__(self, uri: str, state: str, *, idle_timeout: float = IDLE_TIMEOUT) -> None:
        parts = urlsplit(uri)
        host = _LOOPBACK[parts.hostname or ""]
        if parts.port is None:
            raise ValueError(f"the loopback address {uri!r} must name its port")
        self.path = parts.path or "/"
        self.state = state
        self.received: dict[str, str] | None = None
        owner = self

        class Handler(BaseHTTPRequestHandler):
            timeout = idle_timeout  # a silent connection is dropped, and the wait goes on

            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                url = urlsplit(self.path)
                if url.path != owner.path:
                    self.send_error(404)
                    return
                answer = {k: v[0] for k, v in parse_qs(url.query).items()}
                if not secrets.compare_digest(answer.get("state", ""), owner.state):
                    log.info("ignored a request to the loopback address without this sign-in's state")
                    self.send_error(400, "This is not the answer to the sign-in under way; it was ignored.")
                    return
                owner.received = answer
                ok = "code" in owner.received
                title = b"Signed in to LinkedIn" if ok else b"LinkedIn did not sign you in"
                text = (b"You can close this tab and go back to the terminal or notebook." if ok
                        else b"Nothing was connected. Go back to the terminal or notebook to see why.")
                body = _DONE_PAGE % (title, text)
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:  # the query holds the code: never log it
                pass

        server_class = type("Server", (HTTPServer,), {"address_family": socket.AF_INET6 if ":" in host else socket.AF_INET})
        try:
            self.server = server_class((host, parts.port), Handler)
        except OSError as exc:
            raise ValueError(f"cannot listen on {uri} for LinkedIn's redirect: {exc.strerror or exc}") from None
        port = self.server.server_address[1]
        self.uri = urlunsplit(("http", f"{parts.hostname}:{port}", self.path, "", ""))

    def wait(self, timeout: float) -> dict[str, str]:
        """The redirect's query parameters; OAuthError when none came within ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while self.received is None:
            left = deadline - time.monotonic()
            if left <= 0:
                raise OAuthError(f"no answer from LinkedIn's consent screen within {timeout:g} s; nothing was connected")
            self.server.timeout = min(left, 1.0)
            self.server.handle_request()
        return self.received

    def close(self) -> None:
        self.server.server_close()

    def __enter__(self) -> "Loopback":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def browser_consent(settings: Settings, *, open_browser: bool = True, say: Callable[[str], None] = _stderr,
                    timeout: float = LOGIN_TIMEOUT, environ: Mapping[str, str] | None = None) -> Token:
    """Send the member to LinkedIn's consent screen and trade the code that comes back for tokens."""
    if not timeout > 0:
        raise ValueError(f"the sign-in timeout must be a positive number of seconds, not {timeout}")
    state = secrets.token_urlsafe(24)
    with Loopback(redirect_uri(settings, environ), state) as loop:
        settings = replace(settings, redirect_uri=loop.uri)
        oauth = OAuth(settings)
        url = oauth.authorization_url(state)
        say(f"Sign in to LinkedIn in your browser. If it does not open, open this address:\n{url}")
        if open_browser:
            try:
                webbrowser.open(url)
            except webbrowser.Error:
                pass
        answer = loop.wait(timeout)  # only an answer carrying ``state`` ends it
    if "code" not in answer:
        reason = answer.get("error_description") or answer.get("error") or "no authorization code"
        raise OAuthError(f"LinkedIn did not grant access: {reason}", code=answer.get("error"))
    return oauth.exchange(answer["code"])


def sign_in(settings: Settings, store: Store, *, member: str | None = None, open_browser: bool = True,
            say: Callable[[str], None] = _stderr, timeout: float = LOGIN_TIMEOUT, sid: str = CLI_SID,
            environ: Mapping[str, str] | None = None) -> Connection:
    """Consent (in the browser, or as sandbox ``member``), then keep the tokens under ``sid``."""
    if member is not None:
        token = sandbox_login.sign_in(settings, member=member)
    else:
        token = browser_consent(settings, open_browser=open_browser, say=say, timeout=timeout, environ=environ)
    missing = token.missing_scopes()
    if missing:
        say(f"Warning: LinkedIn did not grant {', '.join(missing)}: the app may lack the Audiences product.")
    return keep(settings, store, token, sid=sid)


def keep(settings: Settings, store: Store, token: Token, *, sid: str = CLI_SID) -> Connection:
    """Store a fresh consent's tokens under ``sid``, with who the member is; the connection to use."""
    member_urn, member_name = identify(Client(settings, StaticToken(token.access_token)), token.scopes)
    conn = Connection(settings, store, sid)
    conn.connect(token, member_urn=member_urn, member_name=member_name)
    log.info("signed in (session %s)", sid)
    return conn


def sandbox_sign_in(url: str | None = None, *, member: str | None = None, store: Store | None = None,
                    population: int | None = None, seed: int = 7) -> tuple[Settings, Store, Connection, LocalSandbox | None]:
    """Signed in to the sandbox as a demo member: its settings, the store, the connection, and
    the sandbox started here (None when ``url`` names a running one; the caller stops it).

    The store is in memory unless one is given, so a fresh sandbox never meets an old ledger."""
    from linkedin.sandbox import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_SOURCE_PLATFORM

    server = LocalSandbox(seed=seed, population=population).start() if url is None else None
    base = (url or server.url).rstrip("/")
    settings = Settings(client_id=DEMO_CLIENT_ID, client_secret=DEMO_CLIENT_SECRET, api_base_url=base,
                        source_platform=DEMO_SOURCE_PLATFORM, scopes=SANDBOX_SCOPES,
                        oauth_base_url=base, cookie_secret="-", db_path=":memory:", sandbox=True,
                        sandbox_base_url=base)
    store = store or Store(":memory:")
    try:
        token = sandbox_login.sign_in(settings, member=member)
        return settings, store, keep(settings, store, token), server
    except BaseException:
        if server is not None:
            server.stop()
        raise


def stored(*, settings: Settings | None = None, store: Store | None = None,
           environ: Mapping[str, str] | None = None) -> tuple[Settings, Store, Connection | StaticToken, str]:
    """The stored login as it is, without a call or a prompt: (settings, store, tokens, source).

    ``LINKEDIN_ACCESS_TOKEN`` in the environment wins (source ``TOKEN_ENV``, a ``StaticToken``);
    otherwise the CLI's ``Connection`` in the store (source "store"), connected or not."""
    env = os.environ if environ is None else environ
    settings = settings or config.load(environ=env)
    store = store or Store(settings.db_path, token_key=settings.token_key)
    given = (env.get(TOKEN_ENV) or "").strip()
    if given:
        return settings, store, StaticToken(given), TOKEN_ENV
    return settings, store, Connection(settings, store, CLI_SID), "store"
