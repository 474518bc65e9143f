"""What the sign-off checks run with: the connection, its settings and store, the options.

One ``Context`` per run. It owns the recorded HTTP traffic (``log``), one API client drawn
from the connection, the sandbox's control client when on the sandbox, and ``memo``, where
a check leaves what later checks reuse (the accounts of MA-101, the segments of MA-102, the
test segments of MA-105) so no check depends on another having run: each fetches what is
missing itself.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable
from urllib.parse import urlsplit

import requests

from linkedin.api.client import Client, RetryPolicy
from linkedin.api.connection import Connection
from linkedin.demo.controls import SandboxControl
from linkedin.insights.portfolio import member_key
from linkedin.signoff.calls import CallLog
from linkedin.store import Store

DEFAULT_SEGMENT_NAME = "Sign-off test"
NAME_MAX = 120  # the prefix; the kind and the date are added to it


@dataclass(frozen=True)
class Options:
    """What the analyst chose: may writing checks run on real LinkedIn, and the test segments' name.

    On the sandbox every check runs whatever ``allow_writing`` says: nothing there is real.
    """

    allow_writing: bool = False
    segment_name: str = DEFAULT_SEGMENT_NAME

    def __post_init__(self) -> None:
        clean = " ".join(str(self.segment_name or "").split())
        if not clean:
            raise ValueError("Give the test segments a name, e.g. “Sign-off test”.")
        if len(clean) > NAME_MAX:
            raise ValueError(f"The test segment name has {len(clean)} characters; keep it under {NAME_MAX}.")
        object.__setattr__(self, "segment_name", clean)


class Context:
    """The connection and everything a check needs around it, for one run."""

    def __init__(
        self,
        connection: Connection,
        options: Options = Options(),
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.connection = connection
        self.owner = member_key(connection)  # whose the run is, and the upload runs its writing checks start
        self.settings = connection.settings
        self.store: Store = connection.store
        self.options = options
        self.sandbox = bool(self.settings.sandbox)
        self.writing = self.sandbox or options.allow_writing
        self.sleep = sleep
        self.clock = clock
        bases = [urlsplit(self.settings.api_base_url).path, urlsplit(self.settings.oauth_base_url).path]
        self.log = CallLog(base_paths=bases, clock=clock)
        # Few, quick retries: a sign-off run should show a problem, not sit it out for minutes.
        self.client: Client = connection.client(retry=RetryPolicy(tries=3, base=0.5, cap=4.0), sleep=sleep)
        # The sandbox's controls and consent screen: its own session, so it is recorded too.
        self.http = requests.Session()
        self.http.trust_env = False
        self.control = SandboxControl(self.settings.api_base_url, session=self.http) if self.sandbox else None
        self.memo: dict[str, Any] = {}
        self.started_at = clock()

    def sessions(self) -> list[requests.Session]:
        """Every session whose calls are evidence: the API's, OAuth's (refresh, introspection), the sandbox's."""
        return [self.client.session, self.connection.oauth.session, self.http]

    def close(self) -> None:
        """Release the run's own connections (the API client's and the sandbox's)."""
        self.client.session.close()
        self.http.close()

    def segment_name(self, kind: str) -> str:
        """``Sign-off test – users – 2026-11-30 18:40 UTC``: clearly a test, and when."""
        when = datetime.fromtimestamp(self.started_at, timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
        return f"{self.options.segment_name} – {kind} – {when}"
