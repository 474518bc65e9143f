"""Timing for the hostile-input tests: a bound is a ratio of two timings in one run, never a wall clock."""

from __future__ import annotations

import time
from typing import Callable

from linkedin.tables.table import TableError


def best_seconds(fn: Callable[[], object], *, tries: int = 3) -> float:
    """The best of ``tries`` runs of ``fn``, which may end in the refusal it is meant to reach (TableError)."""
    best = float("inf")
    for _ in range(tries):
        start = time.perf_counter()
        try:
            fn()
        except TableError:
            pass
        best = min(best, time.perf_counter() - start)
    return best
