"""The sandbox's one clock: real time plus an offset that demos and tests can advance."""

from __future__ import annotations

import time
from collections.abc import Callable


class Clock:
    """Epoch seconds as the sandbox sees them; everything that expires reads this."""

    def __init__(self, *, source: Callable[[], float] = time.time) -> None:
        self._source = source
        self.offset = 0.0

    def now(self) -> float:
        return self._source() + self.offset

    def now_ms(self) -> int:
        """Epoch milliseconds, the unit of LinkedIn's audit stamps."""
        return int(self.now() * 1000)

    def advance(self, seconds: float) -> float:
        """Move the sandbox time forward (never back) and return the new now."""
        if seconds < 0:
            raise ValueError("the clock only moves forward")
        self.offset += seconds
        return self.now()

    def reset(self) -> None:
        self.offset = 0.0
