"""Injected faults: throttling, server errors, slow replies and dropped connections.

Queued by the controls, consumed by the gateway middleware one request at a time, so a
test can say "the next 3 calls to /rest/ get 429" and watch the client's back-off.

    429, 500, 503        answered instead of the call (a 429 with "retry_after": N also
                         carries Retry-After: N, which LinkedIn never sends)
    slow                 the call is answered `delay_seconds` late
    drop                 the connection is closed without an answer
    succeed_then_500     the call is done (a create creates), then answered 500
    succeed_then_drop    the call is done, then the connection is closed without an answer

`method` ("POST") narrows a fault to one HTTP method: a create and the finder share a path."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Any

KINDS = ("429", "500", "503", "slow", "drop", "succeed_then_500", "succeed_then_drop")
AFTER_SUCCESS = ("succeed_then_500", "succeed_then_drop")
METHODS = ("GET", "POST", "PUT", "DELETE", "PATCH")
# Without a path_prefix a fault hits only the API hosts' paths, never OAuth or controls.
DEFAULT_PREFIXES = ("/rest/", "/v2/")
# The controls are never faulted, so a test can always clear what it queued.
EXEMPT_PREFIX = "/_sandbox"


@dataclass(kw_only=True)
class Fault:
    kind: str
    remaining: int
    path_prefix: str | None = None
    delay_seconds: float = 0.0
    method: str | None = None
    retry_after: int | None = None

    def matches(self, path: str, method: str = "GET") -> bool:
        if self.remaining <= 0 or path.startswith(EXEMPT_PREFIX):
            return False
        if self.method is not None and method.upper() != self.method:
            return False
        if self.path_prefix is None:
            return path.startswith(DEFAULT_PREFIXES)
        return path.startswith(self.path_prefix)

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind, "remaining": self.remaining, "path_prefix": self.path_prefix,
            "delay_seconds": self.delay_seconds, "method": self.method, "retry_after": self.retry_after,
        }

    @classmethod
    def from_json(cls, body: Any) -> Fault:
        """A fault from the controls' JSON; ValueError says what is wrong."""
        if not isinstance(body, dict):
            raise ValueError("a fault must be a JSON object")
        unknown = set(body) - {"kind", "count", "path_prefix", "delay_seconds", "method", "retry_after"}
        if unknown:
            raise ValueError(f"unknown fault field: {sorted(unknown)[0]}")
        kind = str(body.get("kind", ""))
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}")
        count = body.get("count", 1)
        if not isinstance(count, int) or isinstance(count, bool) or count < 1:
            raise ValueError("count must be a positive integer")
        prefix = body.get("path_prefix")
        if prefix is not None and (not isinstance(prefix, str) or not prefix.startswith("/")):
            raise ValueError("path_prefix must be a path starting with /")
        delay = body.get("delay_seconds", 1.0 if kind == "slow" else 0.0)
        if not isinstance(delay, (int, float)) or isinstance(delay, bool) or not 0 <= delay <= 120:
            raise ValueError("delay_seconds must be a number between 0 and 120")
        method = body.get("method")
        if method is not None and method not in METHODS:
            raise ValueError(f"method must be one of {', '.join(METHODS)}")
        retry_after = body.get("retry_after")
        if retry_after is not None and (kind != "429" or not isinstance(retry_after, int)
                                        or isinstance(retry_after, bool) or retry_after < 0):
            raise ValueError("retry_after is a whole number of seconds, for a 429 only")
        return cls(kind=kind, remaining=count, path_prefix=prefix, delay_seconds=float(delay), method=method,
                   retry_after=retry_after)


class FaultQueue:
    """Faults in the order they were queued; the first match serves each request."""

    def __init__(self) -> None:
        self.faults: list[Fault] = []

    def add(self, fault: Fault) -> None:
        self.faults.append(fault)

    def clear(self) -> None:
        self.faults.clear()

    def take(self, path: str, method: str = "GET") -> Fault | None:
        """Consume one use of the first fault matching this route path and method."""
        for fault in self.faults:
            if fault.matches(path, method):
                fault.remaining -= 1
                if fault.remaining <= 0:
                    self.faults.remove(fault)
                return fault
        return None

    def to_json(self) -> list[dict[str, Any]]:
        return [f.to_json() for f in self.faults]


class DroppedConnection(ConnectionAbortedError):
    """Raised when the server under us gave no way to close the socket silently."""


def drop_connection() -> None:
    """Close the client's connection without a byte of response.

    ASGI offers no way to do this: a server answers an app that raises or returns
    silently with a 500. So find the server's per-request object up the await chain
    (uvicorn's RequestResponseCycle: it has `transport`, `disconnected` and
    `response_started`), mark it disconnected and abort its transport; the client sees
    a reset connection. Elsewhere (e.g. a test client) raise DroppedConnection."""
    frame = sys._getframe(1)
    for _ in range(200):
        if frame is None:
            break
        cycle = frame.f_locals.get("self")
        transport = getattr(cycle, "transport", None)
        if transport is not None and hasattr(cycle, "disconnected") and hasattr(cycle, "response_started"):
            cycle.disconnected = True
            (getattr(transport, "abort", None) or transport.close)()
            return
        frame = frame.f_back
    raise DroppedConnection("sandbox fault: connection dropped")
