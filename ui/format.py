"""Human formatting for the pages: dates, countdowns, and outside text shown as plain text."""

from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo


def countdown(seconds: float) -> str:
    """``in 59 days 23 h``, ``in 1 min 5 s``, ``expired 3 min ago``."""
    past = seconds < 0
    left = int(abs(seconds))
    days, rest = divmod(left, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        text = f"{days} day{'s' if days != 1 else ''} {hours} h"
    elif hours:
        text = f"{hours} h {minutes} min"
    elif minutes:
        text = f"{minutes} min {secs} s"
    else:
        text = f"{secs} s"
    return f"expired {text} ago" if past else f"in {text}"


def when(epoch: float | None, tz: str | None = None) -> str:
    """A date and time in the viewer's time zone (UTC when unknown)."""
    if epoch is None:
        return "unknown"
    try:
        zone = ZoneInfo(tz) if tz else timezone.utc
    except (KeyError, ValueError):
        zone = timezone.utc
    return datetime.fromtimestamp(epoch, zone).strftime("%Y-%m-%d %H:%M:%S %Z")


_MARKDOWN = str.maketrans({c: "\\" + c for c in "\\`*_{}[]()<>#+-.!|~$:="})


def plain(text: str) -> str:
    """``text`` (from LinkedIn or a file) escaped so that Streamlit's Markdown shows it as it is:
    no link, image, HTML, colour (``:red[...]``), icon (``:material/...:``) or formula (``$``)."""
    return " ".join(str(text).split()).translate(_MARKDOWN)
