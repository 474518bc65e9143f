"""What a segment's numbers mean, in words every front door shows the same (linkedin-api.md §5.4).

Two rules live here, and only here:

- **The counts are a 7-day window.** ``inputCount`` and ``matchedCount`` cover the uploads
  of the last 7 days; ``audienceSize`` covers everything ever uploaded. So the match rate
  is the last 7 days' ("62% (last 7 days)"), never the segment's lifetime rate, and a
  segment with an audience but no counts (absent, or both zero) has had "no recent
  uploads": that is not a 0% match rate.
- **Readiness is two facts.** *Targetable*: LinkedIn lets campaigns use BUILDING,
  UPDATING, READY and ARCHIVED segments; EXPIRED, FAILED and ERROR cannot be used.
  *Serving*: a targetable segment delivers ads only with an audience of at least 300.
  UPDATING or ARCHIVED alone never makes a segment "not ready".

Functions of values only: no HTTP, no clock, nothing of tables or pages. ``segments``
builds on this module (``Segment.match_rate_text``, ``Segment.readiness``).
"""

from __future__ import annotations

from dataclasses import dataclass

COUNTS_WINDOW_DAYS = 7  # matchedCount and inputCount: the uploads of the last 7 days (§5.4)
MIN_AUDIENCE = 300  # LinkedIn serves a segment from 300 matched members (HELP a1489764)
FIRST_BUILD_HOURS = 48  # the first build takes up to 48 h (matched-audiences FAQ)
ARCHIVE_DAYS = 30  # not used or modified for 30 days -> ARCHIVED
EXPIRE_DAYS = 90  # not edited or used in a campaign for 90 days -> EXPIRED, data gone

TARGETABLE = frozenset({"BUILDING", "UPDATING", "READY", "ARCHIVED"})  # usable in campaign targeting
UNUSABLE = frozenset({"EXPIRED", "FAILED", "ERROR"})

WINDOW = f"last {COUNTS_WINDOW_DAYS} days"
NO_RECENT_UPLOADS = "no recent uploads"
NO_COUNTS = "n/a"  # LinkedIn sent no counts and no audience: still building, or unknown
COUNTS_NOTE = (f"Input, matched and match rate cover the uploads of the {WINDOW}; "
               "the audience size covers everything uploaded.")


def match_rate(matched: int | None, inputs: int | None) -> float | None:
    """LinkedIn's match rate, matched / input; None when either is missing or nothing was input."""
    if matched is None or not inputs:
        return None
    return matched / inputs


def rate_text(rate: float | None) -> str:
    """A bare rate for people: ``"n/a"`` without one, else a rounded percentage (``"<1%"`` when tiny)."""
    if rate is None:
        return NO_COUNTS
    if 0 < rate < 0.005:
        return "<1%"
    return f"{rate:.0%}"


def no_recent_uploads(matched: int | None, inputs: int | None, audience_size: int | None) -> bool:
    """An audience without counts in LinkedIn's window: both counts absent or zero (§5.4).

    LinkedIn drops the counts of a segment not fed for 7 days while its audience stays;
    whether it then omits them or sends zeros is not documented, so both read the same.
    """
    return audience_size is not None and not matched and not inputs


def match_rate_text(matched: int | None, inputs: int | None, audience_size: int | None) -> str:
    """``"62% (last 7 days)"``; ``"no recent uploads"``; ``"n/a"`` while LinkedIn has no numbers at all."""
    rate = match_rate(matched, inputs)
    if rate is not None:
        return f"{rate_text(rate)} ({WINDOW})"
    if no_recent_uploads(matched, inputs, audience_size):
        return NO_RECENT_UPLOADS
    return NO_COUNTS


class Counts:
    """The numbers' words for anything with LinkedIn's ``matched_count``, ``input_count`` and
    ``audience_size`` (a segment as read, a stored snapshot of one): one place for all of them."""

    matched_count: int | None
    input_count: int | None
    audience_size: int | None

    @property
    def match_rate(self) -> float | None:
        """matchedCount / inputCount over the last 7 days' uploads; None without counts (or input)."""
        return match_rate(self.matched_count, self.input_count)

    @property
    def match_rate_text(self) -> str:
        """``"62% (last 7 days)"``, ``"no recent uploads"`` or ``"n/a"``."""
        return match_rate_text(self.matched_count, self.input_count, self.audience_size)

    @property
    def no_recent_uploads(self) -> bool:
        """An audience, but no counts in LinkedIn's 7-day window (absent or zero)."""
        return no_recent_uploads(self.matched_count, self.input_count, self.audience_size)


@dataclass(frozen=True)
class Readiness:
    """Can campaigns target the segment, and will it serve ads (an audience of at least 300)?

    ``label`` names both facts ("targetable, not serving"), ``detail`` says why in a few
    words ("212 of the 300 members it needs"), ``reason`` in a sentence with what to do.
    """

    targetable: bool
    serving: bool
    label: str
    detail: str
    reason: str

    @property
    def ready(self) -> bool:
        """It delivers ads now: targetable with an audience of at least 300."""
        return self.targetable and self.serving

    @property
    def text(self) -> str:
        """``"targetable, not serving: 212 of the 300 members it needs"``."""
        return f"{self.label}: {self.detail}"

    @property
    def headline(self) -> str:
        """``text`` opening a sentence: ``"Targetable, not serving: 212 of the 300 members it needs"``."""
        return self.text[:1].upper() + self.text[1:]


SERVING = "targetable, serving"
NOT_SERVING = "targetable, not serving"
NOT_TARGETABLE = "not targetable, not serving"
LABELS = (SERVING, NOT_SERVING, NOT_TARGETABLE)

_WHILE = {  # what a targetable status adds to the reason
    "BUILDING": f"LinkedIn is still matching the members (the first build takes up to {FIRST_BUILD_HOURS} h); "
                "campaigns can use it meanwhile.",
    "UPDATING": "LinkedIn is applying recent changes; campaigns keep using it meanwhile.",
    "READY": "",
    "ARCHIVED": f"Archived: not used or changed for {ARCHIVE_DAYS} days. It can still be targeted; using it in a "
                f"campaign or updating it brings it back before it expires ({EXPIRE_DAYS} days).",
}


def readiness(status: str | None, audience_size: int | None) -> Readiness:
    """The two facts for a status and an audience size (linkedin-api.md §5.4)."""
    if status in TARGETABLE:
        note = _WHILE[status]
        if audience_size is not None and audience_size >= MIN_AUDIENCE:
            says = note or "LinkedIn can show ads to this audience."
            return Readiness(True, True, SERVING, f"{audience_size:,} members", says)
        if audience_size is None:
            says = note or f"LinkedIn reports no audience size yet; it serves from {MIN_AUDIENCE} members."
            return Readiness(True, False, NOT_SERVING, "no audience size yet", says)
        says = (f"Only {audience_size:,} matched members: LinkedIn serves a segment from {MIN_AUDIENCE}. "
                "Add more members.")
        return Readiness(True, False, NOT_SERVING, f"{audience_size:,} of the {MIN_AUDIENCE} members it needs",
                         f"{says} {note}".strip())
    if status == "EXPIRED":
        return Readiness(False, False, NOT_TARGETABLE, "expired, its data deleted",
                         f"Not used for {EXPIRE_DAYS} days: LinkedIn deleted its data. Create the segment again.")
    if status in ("FAILED", "ERROR"):
        return Readiness(False, False, NOT_TARGETABLE, f"LinkedIn reports {status}",
                         f"LinkedIn reports {status}: it cannot be used. Create it again or contact LinkedIn.")
    if status is None:
        return Readiness(False, False, NOT_TARGETABLE, "no status",
                         "LinkedIn sent no status for this segment.")
    return Readiness(False, False, NOT_TARGETABLE, f"unknown status {status}",
                     f"LinkedIn reports status {status!r}, which the app does not know.")
