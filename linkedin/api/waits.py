"""Waiting before LinkedIn is asked again: the 429 rule, Retry-After, and the countdown.

LinkedIn limits the streaming calls per member per minute (``/users`` 600, ``/companies``
300) on top of daily quotas that reset at midnight UTC, and its 429 carries no
``Retry-After`` (linkedin-api.md §10, §11). So a 429 is waited out into the next minute
window; a call still refused after a whole minute is not meeting the per-minute limit
(a daily quota, most likely) and gives up, which pauses an upload resumably. A
``Retry-After``, should a gateway ever send one, is honoured.

Every wait says what happened in the analyst's words, per cause (``Wait.cause``): LinkedIn's
rate limit (429), LinkedIn unavailable (5xx, worded per status by ``unavailable_reason``),
LinkedIn not reachable (no answer at all), or a new segment LinkedIn does not show yet;
``summary`` puts a run's waits in one line, grouped by cause. A 503 is never called a
rate limit.

Decisions are pure functions of values (the attempt, the time spent, the header, now);
the clock and sleep are the caller's, so tests never wait. Nothing here sends a request.
"""

from __future__ import annotations

import email.utils
import math
import random
from collections import Counter
from dataclasses import dataclass
from datetime import timezone
from typing import Callable, Iterable

MINUTE = 60.0
RATE_LIMIT_PATIENCE = 60.0  # seconds one call keeps trying a 429 without Retry-After
MAX_RETRY_AFTER = 15 * 60.0  # a Retry-After taking the call past this (in all) gives up instead
MAX_RATE_LIMITED_TRIES = 10  # a bound that holds even when the clock does not move
WINDOW_JITTER = 2.0  # seconds at most past the minute's start, so many clients do not retry at once

# Why the app waited, as an analyst would say it, by cause (``Wait.cause``); in this order in a summary.
CAUSES = {
    "rate_limit": "for LinkedIn's rate limit",
    "unavailable": "because LinkedIn was unavailable",
    "network": "because LinkedIn could not be reached",
    "not_visible": "because LinkedIn did not show the new segment yet",
    "settling": "for LinkedIn to set up the new segment",
}
_UNAVAILABLE = {
    500: "LinkedIn had an internal error",
    502: "LinkedIn's gateway got no answer from LinkedIn",
    503: "LinkedIn was unavailable",
    504: "LinkedIn took too long to answer",
}


def unavailable_reason(status: int) -> str:
    """A 5xx in words: "LinkedIn was unavailable" for 503, and so on; never a rate limit."""
    return _UNAVAILABLE.get(status, "LinkedIn failed on its side")


def cause_of(status: int | None) -> str:
    """The cause of a wait from the HTTP status behind it (None: no answer came back)."""
    if status == 429:
        return "rate_limit"
    if status is not None and status >= 500:
        return "unavailable"
    if status == 404:
        return "not_visible"
    return "network"


def retry_after_seconds(value: str | None, *, now: float) -> float | None:
    """The seconds a ``Retry-After`` header asks for: delta-seconds or an HTTP date (RFC 9110
    §10.2.3), counted from ``now`` (epoch seconds); None when absent or unreadable."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    if text.isdigit():
        return float(int(text))
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, when.timestamp() - now)


def rate_limit_wait(
    attempt: int,
    elapsed: float,
    retry_after: str | None,
    *,
    now: float,
    patience: float = RATE_LIMIT_PATIENCE,
    jitter: float = WINDOW_JITTER,
    rng: random.Random | None = None,
) -> float | None:
    """Seconds to wait after the ``attempt``-th 429 (1-based) of one call, or None to give up.

    ``elapsed``: seconds since the call was first sent; ``now``: epoch seconds.

    - With ``Retry-After``: what it asks, unless that takes the call past
      ``MAX_RETRY_AFTER`` seconds in all.
    - Without (LinkedIn's way): until the next minute window starts, plus up to ``jitter``
      seconds; once ``patience`` seconds have passed the call gives up, so it waits at
      least that long before giving up, and at most about two minutes.
    - Never more than ``MAX_RATE_LIMITED_TRIES`` tries, whatever the clock says.

    >>> rate_limit_wait(1, 0.0, None, now=1_800_000_042.0, jitter=0)
    18.0
    >>> rate_limit_wait(3, 61.0, None, now=1_800_000_103.0) is None
    True
    >>> rate_limit_wait(1, 0.0, "7", now=1_800_000_042.0)
    7.0
    """
    if attempt >= MAX_RATE_LIMITED_TRIES:
        return None
    asked = retry_after_seconds(retry_after, now=now)
    if asked is not None:
        return None if elapsed + asked > MAX_RETRY_AFTER else asked
    if elapsed >= patience:
        return None
    return (MINUTE - now % MINUTE) + (rng or random).uniform(0.0, jitter)


@dataclass(frozen=True)
class Wait:
    """One wait before LinkedIn is asked (again), as the front doors show it: reported when
    it starts and then each second with what is left, a countdown."""

    seconds: float  # the whole wait
    left: float  # still to wait: ``seconds`` on the first report
    reason: str  # "LinkedIn's per-minute limit"
    status: int | None = None  # the HTTP status that caused it; None for no answer or our own wait
    then: str = "retrying"  # what happens when it ends
    cause: str = ""  # a key of CAUSES; "" reads it from ``status`` (``cause_of``)

    @property
    def kind(self) -> str:
        """The cause, one of ``CAUSES``."""
        return self.cause or cause_of(self.status)

    @property
    def because(self) -> str:
        """The reason with its HTTP status, for a log of pauses: "LinkedIn was unavailable (HTTP 503)"."""
        return f"{self.reason} (HTTP {self.status})" if self.status else self.reason

    @property
    def starting(self) -> bool:
        """True on the first report of this wait (a log of pauses records it once)."""
        return self.left >= self.seconds

    @property
    def text(self) -> str:
        """"LinkedIn's per-minute limit: retrying in 42 s"."""
        return f"{self.reason}: {self.then} in {math.ceil(self.left)} s"


def summary(waits: Iterable[Wait]) -> str:
    """A run's waits in one line, by cause: "Waited 3 times, 65 s in all: twice for LinkedIn's rate
    limit (HTTP 429); once because LinkedIn was unavailable (HTTP 503)"; "" when there were none."""
    waits = list(waits)
    if not waits:
        return ""
    seen = Counter((w.kind, w.status) for w in waits)
    order = list(CAUSES)
    parts = []
    for (kind, status), n in sorted(seen.items(), key=lambda c: (order.index(c[0][0]), c[0][1] or 0)):
        parts.append(f"{_times(n)} {CAUSES[kind]}" + (f" (HTTP {status})" if status else ""))
    total = sum(w.seconds for w in waits)
    return f"Waited {_times(len(waits))}, {total:.0f} s in all: " + "; ".join(parts)


def _times(n: int) -> str:
    return "once" if n == 1 else "twice" if n == 2 else f"{n} times"


def countdown(seconds: float, *, sleep: Callable[[float], None], report: Callable[[float], None],
              step: float = 1.0) -> None:
    """Sleep ``seconds`` in steps of at most ``step``, calling ``report(left)`` before each."""
    done = 0.0
    while seconds - done > 1e-9:
        left = seconds - done
        report(left)
        nap = min(step, left)
        sleep(nap)
        done += nap
