"""Per-member call quotas on /users and /companies (linkedin-api.md §11): a per-minute limit
(600 and 300 by default) on top of a daily one that resets at midnight UTC.

Everything reads the sandbox clock, so advancing it opens the next minute or day. The
minute slides with each call, or is the clock's minute (`settings.per_minute_window`);
a refused call counts in neither. LinkedIn's 429 carries no Retry-After, and says nothing
of which limit was met."""

from __future__ import annotations

from collections import deque

MINUTE_SECONDS = 60.0
DAY_SECONDS = 86_400.0


class RateLimiter:
    """Calls of each (member, endpoint) in the current minute and the current UTC day."""

    def __init__(self) -> None:
        self._minute: dict[tuple[str, str], deque[float]] = {}
        self._day: dict[tuple[str, str], tuple[int, int]] = {}  # (day number, calls that day)

    def clear(self) -> None:
        self._minute.clear()
        self._day.clear()

    def allow(self, member: str, bucket: str, *, per_minute: int, per_day: int, now: float,
              window: str = "sliding") -> bool:
        """Count one call of `member` to `bucket` unless a limit is met; False means answer 429."""
        key = (member, bucket)
        today = int(now // DAY_SECONDS)
        day, used = self._day.get(key, (today, 0))
        if day != today:
            used = 0
        if used >= per_day:
            return False
        opened = now - MINUTE_SECONDS if window == "sliding" else now - now % MINUTE_SECONDS - 1e-9
        calls = self._minute.setdefault(key, deque())
        while calls and calls[0] <= opened:
            calls.popleft()
        if len(calls) >= per_minute:
            return False
        calls.append(now)
        self._day[key] = (today, used + 1)
        return True
