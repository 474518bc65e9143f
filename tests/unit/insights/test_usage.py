"""Campaign usage: which campaigns include or exclude a segment, and what that adds to the attention list."""

from __future__ import annotations

from linkedin.api.accounts import Account
from linkedin.api.campaigns import Campaign, audience_segments
from linkedin.api.segments import Segment
from linkedin.insights.usage import AccountCampaigns, CampaignMap, Usage, attention, frame, removal_warning

BRAND = Account(1, "Brand", "ACTIVE", "BUSINESS", "USD", False, "ACCOUNT_MANAGER")
DAY = 86400.0
NOW = 1_800_000_000.0


def seg(seg_id: int, status: str = "READY", size: int | None = 5000, modified_days_ago: float = 3) -> Segment:
    return Segment.from_api({
        "id": seg_id, "name": f"S{seg_id}", "account": BRAND.urn, "lastModified": int((NOW - modified_days_ago * DAY) * 1000),
        "destinations": [{"destination": "LINKEDIN", "status": status, "destinationSegmentId": f"urn:li:adSegment:{seg_id}0",
                          **({"audienceSize": size, "matchedCount": size} if size is not None else {})}]})


def campaign(cid: int, status: str, includes=(), excludes=()) -> Campaign:
    return Campaign(cid, f"C{cid}", BRAND.urn, status, "SPONSORED_UPDATES",
                    tuple(f"urn:li:adSegment:{i}0" for i in includes), tuple(f"urn:li:adSegment:{i}0" for i in excludes))


MAP = CampaignMap.of([AccountCampaigns(BRAND, (campaign(1, "ACTIVE", includes=[1, 2], excludes=[3]),
                                               campaign(2, "PAUSED", includes=[1]),
                                               campaign(3, "ACTIVE", includes=[4])))])


def test_targeting_criteria_yield_included_and_excluded_ad_segments():
    criteria = {"include": {"and": [{"or": {"urn:li:adTargetingFacet:audienceMatchingSegments": ["urn:li:adSegment:1",
                                                                                                  "urn:li:adSegment:2"]}},
                                    {"or": {"urn:li:adTargetingFacet:locations": ["urn:li:geo:1"]}},
                                    {"or": {"urn:li:adTargetingFacet:audienceMatchingSegments": ["urn:li:adSegment:1"]}}]},
                "exclude": {"or": {"urn:li:adTargetingFacet:audienceMatchingSegments": ["urn:li:adSegment:3"]}}}
    assert audience_segments(criteria) == (("urn:li:adSegment:1", "urn:li:adSegment:2"), ("urn:li:adSegment:3",))
    assert audience_segments(None) == ((), ())
    assert audience_segments({"include": {"and": "oops"}}) == ((), ())


def test_usage_joins_segments_with_the_campaigns_that_name_them():
    use = MAP.usage(seg(1))
    assert [c.id for c in use.includes] == [1, 2] and use.excludes == ()
    assert use.text() == "included by 2 (1 live)"
    assert MAP.usage(seg(3)).text() == "excluded by 1 (1 live)"
    assert MAP.usage(seg(9)) == Usage() and Usage().text() == "no campaign"


def test_attention_adds_live_use_of_unusable_segments_and_unused_countdowns():
    items = [(BRAND, seg(1)), (BRAND, seg(2, size=120)), (BRAND, seg(4, status="EXPIRED", size=None)),
             (BRAND, seg(5, modified_days_ago=25)), (BRAND, seg(6, modified_days_ago=2))]
    found = attention(items, MAP, now=NOW)
    assert [(a.kind, a.segment_id, a.severity) for a in found] == [
        ("live_under_300", 2, "warning"), ("live_not_targetable", 4, "error"), ("unused", 5, "warning"),
        ("unused", 6, "info")]
    assert found[0].message == ("Used by live campaign(s) “C1”, but its audience is 120, under 300: it does not serve. "
                                "Add members to reach 300.")
    assert found[2].message == "No campaign uses it: unless one does, or it is updated, LinkedIn archives it in 5 days."
    assert round(found[2].archive_in / DAY) == 5


def test_a_mirror_or_removal_on_a_live_segment_is_warned_about():
    assert removal_warning(seg(1), MAP, mode="mirror") == (
        "1 live campaign(s) use this segment (“C1”): members removed now stop seeing their ads, and under 300 the "
        "segment stops serving them at all.")
    assert removal_warning(seg(1), MAP, mode="add") is None
    assert removal_warning(seg(9), MAP, mode="remove") is None


def test_the_usage_table_has_a_row_per_campaign_and_one_per_unused_segment():
    table = frame([(BRAND, seg(1)), (BRAND, seg(9))], MAP)
    assert table[["segment_id", "campaign_id", "use", "live"]].astype(object).to_dict("records") == [
        {"segment_id": 1, "campaign_id": 1, "use": "include", "live": True},
        {"segment_id": 1, "campaign_id": 2, "use": "include", "live": False},
        {"segment_id": 9, "campaign_id": None, "use": "unused", "live": False}]
