"""Per-member per-minute call limits (linkedin-api.md §11): /users 600 a minute,
/companies 300 by default. Windows slide on the sandbox clock, so advancing it resets
them. A refused call does not count; LinkedIn's 429 carries no Retry-After."""

from __future__ import annotations

from collections import deque

WINDOW_SECONDS = 60.0


class RateLimiter:
    def __init__(self) -> None:
        self._calls: dict[tuple[str, str], deque[float]] = {}

    def clear(self) -> None:
        self._calls.clear()

    def allow(self, member: str, bucket: str, *, limit: int, now: float) -> bool:
        """Count one call of `member` to `bucket` unless `limit` calls were made in the
        last minute; False means answer 429."""
        calls = self._calls.setdefault((member, bucket), deque())
        while calls and calls[0] <= now - WINDOW_SECONDS:
            calls.popleft()
        if len(calls) >= limit:
            return False
        calls.append(now)
        return True
