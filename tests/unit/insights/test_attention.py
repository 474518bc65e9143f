"""The attention list: every rule, its countdowns, and its order."""

import pytest

from linkedin.api.accounts import Account, AccountList
from linkedin.api.segments import Segment
from linkedin.insights import attention
from linkedin.insights.portfolio import AccountSegments, Portfolio

DAY = 86400
NOW = 1_800_000_000.0
MANAGER = Account(1, "Brand", "ACTIVE", "BUSINESS", "USD", False, "ACCOUNT_MANAGER")
VIEWER = Account(2, "Partner", "ACTIVE", "BUSINESS", "USD", False, "VIEWER")


def seg(seg_id=1, status="READY", size=5000, *, created_days=1, changed_days=1, ours=False, archived_days=None):
    dest = {"destination": "LINKEDIN", "status": status}
    if archived_days is not None:
        dest["lastModified"] = int((NOW - archived_days * DAY) * 1000)
    if size is not None:
        dest.update(audienceSize=size, matchedCount=size)
    return Segment.from_api({
        "id": seg_id, "name": f"S{seg_id}", "account": MANAGER.urn, "inputCount": 10_000,
        "sourcePlatform": "ACME_AUDIENCES" if ours else "OTHER",
        "created": int((NOW - created_days * DAY) * 1000), "lastModified": int((NOW - changed_days * DAY) * 1000),
        "destinations": [dest]}, our_platform="ACME_AUDIENCES")


def kinds(segment, account=MANAGER, idle_days=14):
    return [(a.severity, a.kind) for a in attention.for_segment(account, segment, now=NOW, idle_days=idle_days)]


@pytest.mark.parametrize(
    "segment, expected",
    [
        (seg(), []),
        (seg(status="FAILED", size=None), [("error", "failed")]),
        (seg(status="ERROR", size=None, changed_days=200), [("error", "failed")]),  # nothing else matters then
        (seg(status="EXPIRED", size=None), [("error", "expired")]),
        (seg(status="BUILDING", size=None, created_days=1), []),
        (seg(status="BUILDING", size=None, created_days=3), [("warning", "stuck_building")]),
        (seg(status="READY", size=0), [("warning", "ready_empty")]),
        (seg(status="READY", size=299), [("warning", "under_300")]),
        (seg(status="UPDATING", size=120), [("warning", "under_300")]),
        (seg(status="BUILDING", size=120), []),  # still building: not final yet
        (seg(status="READY", size=300), []),
        (seg(changed_days=15), [("info", "idle")]),
        (seg(changed_days=25), [("warning", "idle")]),  # under a week to the archive
        (seg(status="ARCHIVED", changed_days=40), [("warning", "archived")]),
        (seg(status="ARCHIVED", size=50, changed_days=40), [("warning", "under_300"), ("warning", "archived")]),
        (seg(status="ARCHIVED", size=0, changed_days=40), [("warning", "under_300"), ("warning", "archived")]),
        (seg(status="UPDATING", size=9_000), []),  # targetable and serving: updating alone is no warning
        (seg(status=None, size=None), [("warning", "not_targetable")]),
        (seg(status="PROCESSING", size=5000), [("warning", "not_targetable")]),
        (seg(changed_days=45), []),  # still READY after 30 idle days: in use in a campaign, no countdown known
        (seg(status="UPDATING", changed_days=20), [("info", "idle")]),
        (seg(status="BUILDING", size=None, created_days=1, changed_days=20), []),
    ],
)
def test_rules(segment, expected):
    assert kinds(segment) == expected


def test_messages_say_not_serving_or_not_targetable_and_why():
    def message(segment):
        (item,) = attention.for_segment(MANAGER, segment, now=NOW)
        return item.message

    assert message(seg(status="READY", size=212)) == (
        "Not serving (under 300): 212 of the 300 members it needs. Add members to reach it.")
    assert message(seg(status="READY", size=0)) == (
        "Not serving (under 300): READY but the audience is 0: duplicates and opted-out members were removed, so it "
        "will never serve. Check the uploaded identifiers.")
    assert message(seg(status=None, size=None)) == (
        "Not targetable: LinkedIn sent no status for this segment. Campaigns cannot use it until LinkedIn reports "
        "a usable status.")
    assert message(seg(status="ARCHIVED", changed_days=40)) == (
        "Archived (not used or changed for 30 days), still targetable. LinkedIn expires it and deletes its data in "
        "50 days unless it is used in a campaign or updated.")


def test_idle_countdowns_to_archive_and_expiry():
    (item,) = attention.for_segment(MANAGER, seg(changed_days=20), now=NOW)
    assert item.archive_in == pytest.approx(10 * DAY) and item.expire_in == pytest.approx(70 * DAY)
    assert item.message == ("Not changed for 20 days: unless used in a campaign or updated, LinkedIn archives it "
                            "in 10 days and expires it in 70 days.")
    assert item.to_row()["Archived in (days)"] == 10.0 and item.to_row()["Expires in (days)"] == 70.0
    (archived,) = attention.for_segment(MANAGER, seg(status="ARCHIVED", changed_days=89.5), now=NOW)
    assert archived.archive_in is None and archived.expire_in == pytest.approx(0.5 * DAY)
    assert "in 12 h unless" in archived.message
    # Used in a campaign after its last change: archived later, so it expires later too.
    (late,) = attention.for_segment(MANAGER, seg(status="ARCHIVED", changed_days=89.5, archived_days=10), now=NOW)
    assert late.expire_in == pytest.approx(50 * DAY)


def test_idle_threshold_is_a_parameter():
    assert kinds(seg(changed_days=8), idle_days=7) == [("info", "idle")]
    assert kinds(seg(changed_days=8), idle_days=14) == []


def portfolio(*parts, accounts=None):
    listing = AccountList(tuple(accounts or [p.account for p in parts]))
    return Portfolio(listing, tuple(parts), NOW)


def test_viewer_holding_our_segments_unreadable_accounts_and_order():
    pf = portfolio(
        AccountSegments(MANAGER, (seg(1, changed_days=20), seg(2, status="FAILED", size=None)), NOW),
        AccountSegments(VIEWER, (seg(3, ours=True),), NOW),
        AccountSegments(Account(3, "Gone", "ACTIVE", "BUSINESS", "USD", False, "ACCOUNT_MANAGER"), (), NOW,
                        error="Gone (3): LinkedIn refused to list its audiences (HTTP 403)"),
    )
    items = attention.collect(pf, now=NOW)
    assert [(a.severity, a.kind, a.account, a.segment) for a in items] == [
        ("error", "failed", "Brand (1)", "S2"),
        ("error", "unreadable", "Gone (3)", None),
        ("warning", "viewer", "Partner (2)", None),
        ("info", "idle", "Brand (1)", "S1"),
    ]
    assert "1 segment(s) of this app" in items[2].message


def test_viewer_only_member_gets_one_clear_warning():
    pf = portfolio(AccountSegments(VIEWER, (seg(3, ours=True),), NOW))
    items = attention.collect(pf, now=NOW)
    assert [(a.kind, a.account) for a in items] == [("viewer", "all accounts")]
    assert items[0].message.startswith("You are VIEWER on every ad account")


def test_viewer_without_our_segments_is_not_flagged():
    pf = portfolio(AccountSegments(MANAGER, (), NOW), AccountSegments(VIEWER, (seg(4),), NOW))
    assert attention.collect(pf, now=NOW) == []


def test_merge_keeps_one_archive_countdown_per_segment_and_orders_by_urgency():
    from linkedin.insights.attention import Attention, merge

    idle = Attention("warning", "idle", "Brand", "urn:li:sponsoredAccount:1", "archives in 3 days", 7, "Seven",
                     archive_in=3 * 86_400)
    unused = Attention("warning", "unused", "Brand", "urn:li:sponsoredAccount:1", "No campaign uses it", 7, "Seven",
                       archive_in=3 * 86_400)
    other = Attention("info", "unused", "Brand", "urn:li:sponsoredAccount:1", "No campaign uses it", 8, "Eight",
                      archive_in=20 * 86_400)
    live = Attention("error", "live_not_targetable", "Brand", "urn:li:sponsoredAccount:1", "Used by live", 7, "Seven")
    assert merge([idle], [unused, other, live]) == [live, idle, other]
