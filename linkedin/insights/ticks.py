"""Round tick values for the dashboard's axes: 0, 20, 40 % or 1, 10, 100, 1k members, never 39 %.

Plotly picks its own ticks, and on an axis it lays over another (the history's match rate
beside its audience size) it aligns them to the other axis's grid, which reads
20/39/59/78/98 %. The charts therefore set every axis's range and ticks from here: a
linear axis steps by 1, 2 or 5 times a power of ten (whole numbers for counts), a
logarithmic one by powers of ten. Nothing here knows plotly; charts pass these to it.
"""

from __future__ import annotations

import math

RATE_TICKS = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)  # a match rate, always the whole 0-100 %
MAX_TICKS = 6  # a linear axis shows at most this many steps above 0


def step(top: float, *, most: int = MAX_TICKS, whole: bool = True) -> float:
    """The smallest of 1, 2, 5 x 10^k that covers ``top`` in at most ``most`` steps (>= 1 if ``whole``)."""
    if top <= 0:
        return 1.0
    power = 10.0 ** math.floor(math.log10(top / most))
    for factor in (1, 2, 5, 10):
        size = factor * power
        if top / size <= most + 1e-9:
            return max(size, 1.0) if whole else size
    return 10 * power  # not reached: 10 x power always fits


def linear(top: float, *, most: int = MAX_TICKS, whole: bool = True) -> tuple[list[float], list[float]]:
    """(range, tick values) of a linear axis from 0 that shows ``top`` with 5 % room, ending on a round tick."""
    roomy = top * 1.05
    size = step(roomy, most=most, whole=whole)
    count = max(1, math.ceil(roomy / size - 1e-9))
    values = [round(i * size, 10) for i in range(count + 1)]
    return [0.0, values[-1]], values


def log10_range(low: float, high: float) -> tuple[list[float], list[float]]:
    """(range in log10 units, as plotly wants it, tick values in data units) covering ``low``..``high``.

    The range starts at 1 (10^0) at the least, so a single member still draws a bar, and ends on the
    power of ten above ``high``.
    """
    first = max(0, math.floor(math.log10(max(low, 1))))
    last = max(first + 1, math.ceil(math.log10(max(high, 1)) + 1e-9))
    if 10**last <= high:
        last += 1
    return [float(first), float(last)], [10.0**k for k in range(first, last + 1)]


def short(value: float) -> str:
    """A count as a tick reads it: 300, 1k, 25k, 1M."""
    for size, suffix in ((1_000_000_000, "B"), (1_000_000, "M"), (1_000, "k")):
        if abs(value) >= size:
            scaled = value / size
            return f"{scaled:g}{suffix}" if scaled == round(scaled, 1) else f"{scaled:.1f}{suffix}"
    return f"{value:g}"
