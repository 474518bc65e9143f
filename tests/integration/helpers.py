"""Connect to a running sandbox the way a member would: consent screen, code, exchange.

``_ConsentForm`` parses the consent page independently of the library, for tests that act
as the browser (the CLI's loopback login).

``connect_sandbox(url, store, member="Vic Viewer")`` returns a real ``Connection`` whose
tokens came from the sandbox's OAuth endpoints, for integration tests and AppTest.

``SandboxTime(world)`` gives a client the sandbox's clock: its waits advance that clock
instead of passing, so a minute's rate-limit wait costs nothing and LinkedIn (the sandbox)
sees the minute go by.
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

from linkedin.api.connection import Connection
from linkedin.api.settings import SANDBOX_SCOPES, Settings
from linkedin.demo import signin as sandbox_login
from linkedin.demo.controls import SandboxControl
from linkedin.sandbox import DEMO_SOURCE_PLATFORM
from linkedin.store import Store

CLIENT_ID = "sandbox-demo-client"
CLIENT_SECRET = "sandbox-demo-secret"
REDIRECT_URI = "http://localhost/cb"
AVERY, VIC, NOA = "Avery Analyst", "Vic Viewer", "Noa Newcomer"
TOKEN_KEY = "integration-token-key-0123456789-abcdefghijkl"  # for stores on a file: Store(path, token_key=TOKEN_KEY)


def sandbox_settings(sandbox_url: str, db_path: str | Path = ":memory:") -> Settings:
    """Settings of an app registered with the sandbox's demo client, talking to ``sandbox_url``."""
    return Settings(
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        redirect_uri=REDIRECT_URI,
        api_base_url=sandbox_url,
        oauth_base_url=sandbox_url,
        cookie_secret="x" * 32,
        token_key=TOKEN_KEY,
        db_path=str(db_path),
        source_platform=DEMO_SOURCE_PLATFORM,
        scopes=SANDBOX_SCOPES,
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


def connect_sandbox(sandbox_url: str, store: Store, *, member: str | None = None, sid: str | None = None,
                    scopes: tuple[str, ...] | None = None) -> Connection:
    """A connected ``Connection`` for ``member`` (default: Avery Analyst): the library's own
    ``linkedin.demo.signin.connect``, which walks the sandbox's consent screen."""
    return sandbox_login.connect(sandbox_url, store, member=member, sid=sid, scopes=scopes)


class SandboxTime:
    """``Client(clock=t.now, sleep=t.sleep)`` on an in-process sandbox ``world``: a wait moves
    the sandbox's clock forward instead of passing; ``slept`` adds them up."""

    def __init__(self, world) -> None:
        self.clock = world.clock
        self.slept = 0.0

    def now(self) -> float:
        return self.clock.now()

    def sleep(self, seconds: float) -> None:
        self.slept += seconds
        self.clock.advance(seconds)

    def to_second(self, second: float) -> None:
        """Move the clock (not counted as slept) to ``second`` past the start of a minute, so a
        429's wait into the next minute window is the same whenever the test runs."""
        self.clock.advance((second - self.clock.now()) % 60.0)


def without_delays(server):
    """The sandbox ``server`` with LinkedIn's delays (a new segment's visibility, its build and its
    updates) set to zero, so a sync runs at once; returns the server."""
    SandboxControl(server.url).update_settings(
        segment_visibility_delay_seconds=0, segment_update_seconds=0, segment_build_seconds=0)
    return server
