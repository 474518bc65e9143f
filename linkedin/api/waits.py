"""Waiting before LinkedIn is asked again: the 429 rule, Retry-After, and the countdown.

LinkedIn limits the streaming calls per member per minute (``/users`` 600, ``/companies``
300) on top of daily quotas that reset at midnight UTC, and its 429 carries no
``Retry-After`` (linkedin-api.md §10, §11). So a 429 is waited out into the next minute
window; a call still refused after a whole minute is not meeting the per-minute limit
(a daily quota, most likely) and gives up, which pauses an upload resumably. A
``Retry-After``, should a gateway ever send one, is honoured.

Decisions are pure functions of values (the attempt, the time spent, the header, now);
the clock and sleep are the caller's, so tests never wait. Nothing here sends a request.
"""

from __future__ import annotations

import email.utils
import math
import random
from dataclasses import dataclass
from datetime import timezone
from typing import Callable

MINUTE = 60.0
RATE_LIMIT_PATIENCE = 60.0  # seconds one call keeps trying a 429 without Retry-After
MAX_RETRY_AFTER = 15 * 60.0  # a Retry-After taking the call past this (in all) gives up instead
MAX_RATE_LIMITED_TRIES = 10  # a bound that holds even when the clock does not move
WINDOW_JITTER = 2.0  # seconds at most past the minute's start, so many clients do not retry at once


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

    @property
    def starting(self) -> bool:
        """True on the first report of this wait (a log of pauses records it once)."""
        return self.left >= self.seconds

    @property
    def text(self) -> str:
        """"LinkedIn's per-minute limit: retrying in 42 s"."""
        return f"{self.reason}: {self.then} in {math.ceil(self.left)} s"


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
