"""No emoji in the app's own text: fonts on Linux often lack them and show boxes (issue 14.16).

The app uses the Material icons Streamlit ships (``:material/...:``, an ``icon=`` argument)
instead. The scan covers every Python source the pages show text from: ``app.py``, ``pages/``,
``ui/`` and the library (its messages, reports, sandbox pages). A string test below keeps the
scan honest: it finds the emoji the app used to show.
"""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
SOURCES = sorted([ROOT / "app.py", *(ROOT / "pages").rglob("*.py"), *(ROOT / "ui").rglob("*.py"),
                  *(ROOT / "linkedin").rglob("*.py")])

# Code points drawn as emoji by default (Unicode's emoji-data.txt, Emoji_Presentation=Yes, in the
# BMP), the dingbats and pictographs around them, and the variation selector that turns a plain
# symbol (a warning sign, a skip mark) into its emoji form. Arrows, a star, quotes stay allowed:
# text fonts have them.
EMOJI_RANGES = (
    (0x231A, 0x231B), (0x23E9, 0x23FA), (0x25FD, 0x25FE), (0x2614, 0x2615), (0x2648, 0x2653), (0x267F, 0x267F),
    (0x2693, 0x2693), (0x26A1, 0x26A1), (0x26AA, 0x26AB), (0x26BD, 0x26BE), (0x26C4, 0x26C5), (0x26CE, 0x26CE),
    (0x26D4, 0x26D4), (0x26EA, 0x26EA), (0x26F2, 0x26F5), (0x26FA, 0x26FD), (0x2700, 0x27BF),
    (0x2B1B, 0x2B1C), (0x2B50, 0x2B50), (0x2B55, 0x2B55), (0xFE0F, 0xFE0F), (0x1F000, 0x1FAFF),
)


def emoji_in(text: str) -> list[str]:
    return [ch for ch in text if any(low <= ord(ch) <= high for low, high in EMOJI_RANGES)]


def test_the_scan_finds_the_emoji_the_app_used_to_show():
    assert emoji_in("✅ pass ❌ fail ⏭️ skipped ⚠️ ➕ new 😄") == ["✅", "❌", "⏭", "\ufe0f", "\ufe0f", "➕", "😄"]
    assert emoji_in("Germany → DE · ★ this app “quoted” – n/a …") == []


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_emoji_in_the_apps_own_text(path):
    found = [(number, "".join(emoji_in(line)), line.strip()[:80])
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if emoji_in(line)]
    assert found == [], f"use a Material icon (':material/name:' or icon=) instead: {found}"
