"""What an analyst would otherwise miss, across all accounts: one "attention" list.

Rules (linkedin-api.md §5.4): readiness is two facts, so the list flags what cannot be
targeted (FAILED / ERROR / EXPIRED, or a status LinkedIn did not send or the app does not
know) and what is targetable but not serving (an audience under 300, READY with size 0);
UPDATING and ARCHIVED are targetable and never flagged for that alone. A first build past
48 h is stuck. A segment not used or changed for 30 days is archived and after 90 days
expires with its data gone (countdowns); a VIEWER role blocks managing audiences.
LinkedIn does not tell the app when a campaign uses a segment, so "idle" counts from
the segment's lastModified: a countdown is the earliest date it can happen, and a
segment still READY after 30 days without a change is evidently in use (no warning).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from linkedin.api.segment_numbers import ARCHIVE_DAYS, EXPIRE_DAYS, FIRST_BUILD_HOURS, MIN_AUDIENCE, TARGETABLE
from linkedin.api.segments import Segment

if TYPE_CHECKING:
    from linkedin.api.accounts import Account
    from linkedin.insights.portfolio import Portfolio

DAY = 86400.0
IDLE_DAYS = 14  # warn this long after the last change, well before the 30-day archive
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


@dataclass(frozen=True)
class Attention:
    """One thing to look at: where, what, how urgent, and the countdowns when they apply."""

    severity: str  # error | warning | info
    kind: str  # failed | expired | not_targetable | unreadable | stuck_building | ready_empty | under_300 | idle
    #            | archived | viewer
    account: str
    account_urn: str
    message: str
    segment_id: int | None = None
    segment: str | None = None
    archive_in: float | None = None  # seconds until LinkedIn archives it (negative: overdue)
    expire_in: float | None = None  # seconds until LinkedIn expires it

    def to_row(self) -> dict:
        return {
            "Severity": self.severity,
            "Account": self.account,
            "Segment": self.segment or "",
            "Segment ID": self.segment_id,
            "What": self.message,
            "Archived in (days)": _days(self.archive_in),
            "Expires in (days)": _days(self.expire_in),
        }


def _days(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / DAY, 1)


def days_text(seconds: float) -> str:
    days = seconds / DAY
    if days < 0:
        return "now (overdue)"
    if days < 1:
        return f"in {max(1, round(days * 24))} h"
    return f"in {int(days)} day{'s' if int(days) != 1 else ''}"


def for_segment(account: "Account", seg: Segment, *, now: float, idle_days: int = IDLE_DAYS) -> list[Attention]:
    """The warnings of one segment at ``now`` (epoch s)."""
    out: list[Attention] = []

    def add(severity: str, kind: str, message: str, **extra) -> None:
        out.append(Attention(severity, kind, account.label, account.urn, message, seg.id, seg.name, **extra))

    status, size = seg.status, seg.audience_size
    if status in ("FAILED", "ERROR"):
        add("error", "failed", f"LinkedIn reports {status}: the segment cannot be used. Create it again, or contact LinkedIn.")
        return out
    if status == "EXPIRED":
        add("error", "expired", f"Expired after {EXPIRE_DAYS} days without use: LinkedIn deleted its data. Create it again to use it.")
        return out
    if status not in TARGETABLE:
        add("warning", "not_targetable",
            f"Not targetable: {seg.readiness.reason} Campaigns cannot use it until LinkedIn reports a usable status.")
        return out
    if status == "BUILDING" and seg.created_ms:
        hours = (now - seg.created_ms / 1000) / 3600
        if hours > FIRST_BUILD_HOURS:
            add("warning", "stuck_building",
                f"Still building after {hours / 24:.1f} days (LinkedIn's first build takes up to {FIRST_BUILD_HOURS} h): "
                "check what was uploaded, or contact LinkedIn.")
    if status == "READY" and size == 0:
        add("warning", "ready_empty",
            f"Not serving (under {MIN_AUDIENCE}): READY but the audience is 0: duplicates and opted-out members were "
            "removed, so it will never serve. Check the uploaded identifiers.")
    elif status != "BUILDING" and size is not None and size < MIN_AUDIENCE:  # a build is not final yet
        add("warning", "under_300",
            f"Not serving (under {MIN_AUDIENCE}): {size:,} of the {MIN_AUDIENCE} members it needs. Add members to "
            "reach it.")

    activity = seg.activity_ms
    if activity:
        idle = now - activity / 1000
        expire_in = activity / 1000 + EXPIRE_DAYS * DAY - now
        if status == "ARCHIVED":
            # Archived after 30 idle days; expired after 90. LinkedIn's destination
            # lastModified marks the archiving, which bounds the expiry better when a
            # campaign used the segment after its last change.
            archived_ms = seg.destination.last_modified_ms if seg.destination else None
            if archived_ms:
                expire_in = max(expire_in, archived_ms / 1000 + (EXPIRE_DAYS - ARCHIVE_DAYS) * DAY - now)
            add("warning", "archived",
                f"Archived (not used or changed for {ARCHIVE_DAYS} days), still targetable. LinkedIn expires it and "
                f"deletes its data {days_text(expire_in)} unless it is used in a campaign or updated.",
                expire_in=expire_in)
        elif status in ("READY", "UPDATING") and idle_days * DAY <= idle < ARCHIVE_DAYS * DAY:
            # Past 30 idle days a READY segment must be in use (else LinkedIn would have
            # archived it): no countdown can be known then.
            archive_in = activity / 1000 + ARCHIVE_DAYS * DAY - now
            add("info" if archive_in > 7 * DAY else "warning", "idle",
                f"Not changed for {int(idle // DAY)} days: unless used in a campaign or updated, LinkedIn archives it "
                f"{days_text(archive_in)} and expires it {days_text(expire_in)}.",
                archive_in=archive_in, expire_in=expire_in)
    return out


def collect(portfolio: "Portfolio", *, now: float, idle_days: int = IDLE_DAYS) -> list[Attention]:
    """The attention list across all accounts, most urgent first."""
    out: list[Attention] = []
    listing = portfolio.accounts
    if listing.viewer_only:
        out.append(Attention(
            "warning", "viewer", "all accounts", "",
            "You are VIEWER on every ad account you can see: you can read audiences but not create or change them. "
            "Ask an account manager for a Campaign Manager (or higher) role.",
        ))
    for part in portfolio.parts:
        account = part.account
        if part.error:
            out.append(Attention("error", "unreadable", account.label, account.urn, part.error))
        ours = [s for s in part.segments if s.ours]
        if account.role == "VIEWER" and ours and not listing.viewer_only:
            out.append(Attention(
                "warning", "viewer", account.label, account.urn,
                f"You are VIEWER here, yet {len(ours)} segment(s) of this app live in this account: you can read "
                "them but not update them. Ask for a Campaign Manager (or higher) role.",
            ))
        for seg in part.segments:
            out.extend(for_segment(account, seg, now=now, idle_days=idle_days))
    return sorted(out, key=_urgency)


def merge(found: list[Attention], extra: list[Attention]) -> list[Attention]:
    """``found`` and ``extra`` (campaign use, ``usage.attention``) in one list, most urgent first;
    an extra countdown to archiving for a segment ``found`` already counts down is left out."""
    counted = {item.segment_id for item in found if item.archive_in is not None and item.segment_id is not None}
    kept = [item for item in extra if item.archive_in is None or item.segment_id not in counted]
    return sorted([*found, *kept], key=_urgency)


def _urgency(item: Attention) -> tuple:
    countdown = min((t for t in (item.archive_in, item.expire_in) if t is not None), default=float("inf"))
    return (SEVERITY_ORDER.get(item.severity, 9), countdown, item.account, item.segment or "")
