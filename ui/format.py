"""Human formatting for the pages: dates, countdowns, and outside text shown as plain text.

Text the app did not write (segment, account, member and file names, column names, cells,
LinkedIn's messages) goes into Markdown only through ``plain`` (or ``code``), so a segment
named ``[click](http://evil)`` shows those characters instead of a link. Tables of such text
go to ``st.dataframe``, which shows every cell as text (``st.table``'s cells are Markdown:
``plain`` each one).
"""

from __future__ import annotations

import re
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


JOINER = "\u2060"  # WORD JOINER: invisible, and no line break either
_TRIGGERS = re.compile(r"(?i)(?<=:)(?=\S)|(?<=\bwww)(?=\.)|(?<=@)")


def inert(text: str) -> str:
    """``text`` with an invisible word joiner after every ``:`` followed by a character, after
    the ``www`` of ``www.`` and after every ``@``.

    Some of what Streamlit's Markdown does works on the text left once backslash escapes are
    read, so escaping alone does not stop it: bare addresses become links (``http://...``,
    ``www...``, emails) and ``:material/home:`` or ``:smile:`` become an icon or an emoji. In
    Chromium a segment named ``[x](http://evil) :material/home:`` showed, escaped, with
    ``http://evil`` linked and a home icon (tests/e2e/test_visibility.py). The joiner keeps
    the characters the reader sees and breaks those patterns."""
    return _TRIGGERS.sub(JOINER, text)


def plain(text: str) -> str:
    """``text`` (from LinkedIn or a file) escaped so that Streamlit's Markdown shows it as it is:
    no link (written or bare: ``http://...``, ``www...``, an email address), image, HTML, colour
    (``:red[...]``), icon (``:material/...:``), emoji (``:smile:``) or formula (``$``). Whitespace
    runs become one space."""
    return inert(" ".join(str(text).split())).translate(_MARKDOWN)


def code(text: str) -> str:
    """``text`` as a Markdown code span, whatever backticks it holds (a fence longer than its
    longest run of them, CommonMark's rule): shown exactly, never as Markdown or HTML."""
    text = " ".join(str(text).split())
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"
