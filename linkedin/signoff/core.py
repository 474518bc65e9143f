"""The "Core" checks, MA-101 to MA-104: accounts with status, all our segments, their status,
and one segment's match rate, audience size and readiness. All read-only, so they run on
real LinkedIn too, through the same library calls as the Ad accounts and Audiences pages.
"""

from __future__ import annotations

from collections import Counter
from typing import Iterable

from linkedin.api import accounts, segments
from linkedin.api.accounts import AccountList
from linkedin.api.segment_numbers import COUNTS_NOTE
from linkedin.api.segments import Segment
from linkedin.insights import portfolio
from linkedin.insights.portfolio import AccountSegments
from linkedin.signoff.environment import Context
from linkedin.signoff.evidence import Outcome, failed, passed, skipped

LISTED = 8  # accounts named one by one in a summary; the rest are counted


def tally(values: Iterable[object], *, sep: str = ", ") -> str:
    """``READY 12, BUILDING 3`` (most common first); ``none`` when empty."""
    counts = Counter(str(v) for v in values)
    return sep.join(f"{k} {n}" for k, n in counts.most_common()) or "none"


def account_list(ctx: Context) -> AccountList:
    """The member's accounts, read once per run (MA-101 reads them; later checks reuse them)."""
    if "accounts" not in ctx.memo:
        ctx.memo["accounts"] = accounts.load(ctx.client)
    return ctx.memo["accounts"]


def account_segments(ctx: Context) -> list[AccountSegments]:
    """Every account's segments, read once per run (MA-102)."""
    if "parts" not in ctx.memo:
        ctx.memo["parts"] = portfolio.read_accounts(ctx.client, account_list(ctx).accounts)
    return ctx.memo["parts"]


def _all(parts: list[AccountSegments]) -> list[Segment]:
    return [s for p in parts for s in p.segments]


# MA-101 ---------------------------------------------------------------------------------------

def ad_accounts(ctx: Context) -> Outcome:
    """Every ad account of the member, with its status and the member's role."""
    found = account_list(ctx)
    listed = found.accounts
    summary: list[tuple[str, object]] = [
        ("Ad accounts", len(listed)),
        ("By status", tally(a.status for a in listed)),
        ("Your role", tally(a.role for a in listed)),
        ("Where you can manage audiences", len(found.manageable)),
        ("Accounts", "; ".join(f"{a.name} ({a.id}): {a.status}" for a in listed[:LISTED])
         + (f"; and {len(listed) - LISTED} more" if len(listed) > LISTED else "")),
    ]
    summary += [("Problem", p) for p in found.problems]
    if not listed:
        return failed(summary, "The connected member has no ad account: connect as a member with a role on one "
                               "(Campaign Manager → Account settings → Manage access).")
    unknown = [a for a in listed if a.status == "UNKNOWN"]
    if unknown:
        return failed(summary, f"{len(unknown)} account(s) came without a status: see the problems above.")
    return passed(summary)


# MA-102 ---------------------------------------------------------------------------------------

def our_segments(ctx: Context) -> Outcome:
    """The segment finder per account (one call each, all segments at once); ours are counted apart."""
    parts = account_segments(ctx)
    everything = _all(parts)
    ours = [s for s in everything if s.ours]
    errors = [p for p in parts if p.error]
    summary: list[tuple[str, object]] = [
        ("Accounts read", f"{len(parts) - len(errors)} of {len(parts)}"),
        ("Segments", len(everything)),
        (f"Created by this app (sourcePlatform {ctx.settings.source_platform or 'not set'})", len(ours)),
        ("Per account", "; ".join(
            f"{p.account.name}: {sum(s.ours for s in p.segments)} ours of {len(p.segments)}" for p in parts[:LISTED])
         + (f"; and {len(parts) - LISTED} more" if len(parts) > LISTED else "") or "no account"),
    ]
    summary += [("Could not read", p.error) for p in errors]
    summary += [("Problem", x) for p in parts for x in p.problems]
    if not parts:
        return failed(summary, "There is no ad account to read segments from (see MA-101).")
    if errors:
        return failed(summary, "Some accounts' segments could not be read: see why above; check the member's role "
                               "and that the app has rw_dmp_segments.")
    return passed(summary)


# MA-103 ---------------------------------------------------------------------------------------

def segment_statuses(ctx: Context) -> Outcome:
    """The status of every segment, read again now (LinkedIn keeps it in ``destinations[]``): the
    finder calls are this check's evidence, not MA-102's list read earlier."""
    parts = portfolio.read_accounts(ctx.client, account_list(ctx).accounts)
    ctx.memo["parts"] = parts  # the freshest read, for MA-104's choice
    everything = _all(parts)
    ours = [s for s in everything if s.ours]
    without = [s for s in everything if s.status is None]
    summary: list[tuple[str, object]] = [
        ("Segments", len(everything)),
        ("By status", tally(s.status or "no status" for s in everything)),
        ("Ours by status", tally(s.status or "no status" for s in ours)),
        ("By readiness", tally((s.readiness.label for s in everything), sep="; ")),  # labels hold commas
        ("No recent uploads", sum(1 for s in everything if s.no_recent_uploads)),
    ]
    if not everything:
        return skipped("The member's accounts hold no segment yet: create one (MA-105) and run again.", summary)
    if without:
        summary.append(("Without a status", ", ".join(f"{s.name} ({s.id})" for s in without[:LISTED])))
        return failed(summary, "LinkedIn sent some segments without a status: open them on the Audiences page; "
                               "if it persists, report the segment ids to LinkedIn.")
    return passed(summary)


# MA-104 ---------------------------------------------------------------------------------------

def _pick(candidates: list[Segment]) -> Segment | None:
    """Ours and READY with uploads this week first (it has every number), then any READY, then ours, then any."""
    for test in (lambda s: s.ours and s.status == "READY" and s.audience_size is not None and s.match_rate is not None,
                 lambda s: s.status == "READY" and s.audience_size is not None and s.match_rate is not None,
                 lambda s: s.status == "READY" and s.audience_size is not None,
                 lambda s: s.ours, lambda s: True):
        found = [s for s in candidates if test(s)]
        if found:
            return found[0]
    return None


def segment_numbers(ctx: Context) -> Outcome:
    """One segment read fresh by id: match rate (last 7 days), audience size and readiness (two facts)."""
    chosen = _pick(_all(account_segments(ctx)))
    if chosen is None:
        return skipped("The member's accounts hold no segment yet: create one (MA-105) and run again.")
    seg = segments.get(ctx.client, chosen.id)
    ready = seg.readiness
    summary: list[tuple[str, object]] = [
        ("Segment", f"{seg.name} ({seg.id})" + (", created by this app" if seg.ours else "")),
        ("Status", seg.status or "none"),
        ("Input count (last 7 days)", seg.input_count if seg.input_count is not None else "n/a"),
        ("Matched count (last 7 days)", seg.matched_count if seg.matched_count is not None else "n/a"),
        ("Match rate", seg.match_rate_text),
        ("Audience size (all input)", seg.audience_size if seg.audience_size is not None else "n/a"),
        ("Readiness", f"{ready.text}. {ready.reason}"),
        ("Destination segment", seg.destination_segment_urn or "not assigned yet"),
        ("What the counts cover", COUNTS_NOTE),
    ]
    if seg.status is None:
        return failed(summary, "LinkedIn sent the segment without a status: see its notes on the Audiences page.")
    # Counts may be absent on a READY segment (no upload in the last 7 days); its audience may not.
    if seg.status == "READY" and seg.audience_size is None:
        return failed(summary, "A READY segment came without its audience size: report the segment id to LinkedIn.")
    return passed(summary)
