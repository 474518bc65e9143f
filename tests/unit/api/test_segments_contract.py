"""DMP segments (MA-102..MA-104) against LinkedIn's documented shapes (linkedin-api.md §5.3, §5.4)."""

import pytest
import responses

from linkedin.api import segments
from linkedin.api.client import Client, RetryPolicy, StaticToken
from linkedin.api.errors import MalformedResponse, NotFound
from linkedin.api.segment_numbers import Readiness
from linkedin.api.segments import OUR_SOURCE_PLATFORM, Segment
from linkedin.api.settings import Settings

API = "https://api.linkedin.com"
SETTINGS = Settings(client_id="cid", client_secret="csecret", redirect_uri="https://a/cb", cookie_secret="x" * 32)
ACCOUNT = "urn:li:sponsoredAccount:123456"
FINDER = API + "/rest/dmpSegments?q=account&account=urn%3Ali%3AsponsoredAccount%3A123456"

# LinkedIn's own example ("Monitor Status of the Company DMP Segments", linkedin-api.md §5.3).
DOC_EXAMPLE = {
    "id": 9821736, "name": "DMP Segment 1", "account": ACCOUNT, "type": "COMPANY",
    "sourcePlatform": "FAKE", "accessPolicy": "PRIVATE", "inputCount": 2, "created": 1634519022000,
    "lastModified": 1634592751000,
    "destinations": [{"destination": "LINKEDIN", "destinationSegmentId": "urn:li:adSegment:8596576", "status": "READY",
                      "audienceSize": 240000, "matchedCount": 2, "created": 1634519022000, "lastModified": 1637219449000}],
}
BUILDING = {"id": 5, "name": "New list", "account": ACCOUNT, "type": "USER", "sourcePlatform": OUR_SOURCE_PLATFORM,
            "inputCount": 1200, "created": 1700000000000, "lastModified": 1700000000000,
            "destinations": [{"destination": "LINKEDIN", "status": "BUILDING"}]}


def client():
    return Client(SETTINGS, StaticToken("T"), retry=RetryPolicy(tries=1))


@responses.activate
def test_finder_is_one_call_without_start_or_count_and_reads_every_number():
    responses.get(FINDER, json={"elements": [DOC_EXAMPLE, BUILDING], "paging": {"start": 0, "count": 2, "links": []}})
    found, problems = segments.find_by_account(client(), ACCOUNT)
    assert len(responses.calls) == 1
    assert responses.calls[0].request.url == FINDER  # no start, no count: all segments at once
    assert problems == []
    doc, new = found
    assert (doc.id, doc.name, doc.type, doc.source_platform, doc.status) == (9821736, "DMP Segment 1", "COMPANY", "FAKE", "READY")
    assert (doc.input_count, doc.matched_count, doc.audience_size) == (2, 2, 240000)
    assert doc.match_rate == 1.0
    assert doc.destination_segment_urn == "urn:li:adSegment:8596576"
    assert (doc.created_ms, doc.last_modified_ms, doc.activity_ms) == (1634519022000, 1634592751000, 1634592751000)
    assert doc.destination.last_modified_ms == 1637219449000
    assert doc.match_rate_text == "100% (last 7 days)"
    assert doc.readiness == Readiness(True, True, "targetable, serving", "240,000 members",
                                      "LinkedIn can show ads to this audience.")
    assert doc.ours is False and new.ours is True
    # Counts are absent while LinkedIn builds: no rate, no size, and a reason.
    assert (new.matched_count, new.audience_size, new.match_rate) == (None, None, None)
    assert (new.readiness.text, new.readiness.ready) == ("targetable, not serving: no audience size yet", False)
    assert (new.match_rate_text, new.no_recent_uploads) == ("n/a", False)


def test_a_segment_not_fed_for_a_week_keeps_its_audience_and_has_no_recent_uploads():
    dest = dict(DOC_EXAMPLE["destinations"][0])
    del dest["matchedCount"]
    absent = Segment.from_api({k: v for k, v in DOC_EXAMPLE.items() if k != "inputCount"} | {"destinations": [dest]})
    zeros = Segment.from_api(DOC_EXAMPLE | {"inputCount": 0,
                                            "destinations": [DOC_EXAMPLE["destinations"][0] | {"matchedCount": 0}]})
    for seg in (absent, zeros):
        assert (seg.audience_size, seg.match_rate, seg.match_rate_text, seg.no_recent_uploads) == (
            240000, None, "no recent uploads", True)
        assert seg.readiness.text == "targetable, serving: 240,000 members"


@responses.activate
def test_finder_by_source_platform_encodes_it():
    responses.get(FINDER + "&sourcePlatform=LIST_UPLOAD", json={"elements": []})
    assert segments.find_by_account(client(), ACCOUNT, source_platform="LIST_UPLOAD") == ([], [])


@responses.activate
def test_get_reads_one_segment_and_404_is_not_found():
    responses.get(API + "/rest/dmpSegments/9821736", json=DOC_EXAMPLE)
    responses.get(API + "/rest/dmpSegments/77", status=404,
                  json={"status": 404, "message": "Could not find DMP segment with ID 77"})
    assert segments.get(client(), 9821736).audience_size == 240000
    with pytest.raises(NotFound, match="Could not find DMP segment with ID 77"):
        segments.get(client(), 77)


@responses.activate
def test_an_answer_without_elements_is_a_specific_error():
    responses.get(FINDER, json={"unexpected": True})
    with pytest.raises(MalformedResponse, match="list of segments for urn:li:sponsoredAccount:123456 has no elements"):
        segments.find_by_account(client(), ACCOUNT)


@responses.activate
def test_fewer_elements_than_the_total_is_reported():
    responses.get(FINDER, json={"elements": [DOC_EXAMPLE], "paging": {"start": 0, "count": 10, "total": 3}})
    _, problems = segments.find_by_account(client(), ACCOUNT)
    assert problems == ["LinkedIn reported 3 segments for urn:li:sponsoredAccount:123456 but sent 1: the list may be incomplete."]


def test_odd_elements_are_skipped_or_annotated_never_fatal():
    weird = {"id": "12", "inputCount": "many", "destinations": {"status": "READY"}}
    found, problems = segments.parse([{"name": "no id"}, weird, "not an object"], account_urn=ACCOUNT)
    assert problems == [
        "Skipped segment #1 of urn:li:sponsoredAccount:123456: a segment LinkedIn sent has no numeric id (None).",
        "Skipped segment #3 of urn:li:sponsoredAccount:123456: a segment LinkedIn sent is not an object.",
    ]
    (seg,) = found
    assert (seg.id, seg.name, seg.account_urn, seg.input_count, seg.status) == (12, "Segment 12", ACCOUNT, None, None)
    assert seg.notes == (
        "inputCount is 'many', not a number: ignored",
        "destinations is not a list: status and counts unknown",
        "LinkedIn sent no destination, so there is no status or audience size",
        "the segment has no name",
    )
    assert seg.readiness.text == "not targetable, not serving: no status"


def test_the_linkedin_destination_wins_and_detail_keeps_every_field():
    data = dict(DOC_EXAMPLE, description="Top accounts", sourceSegmentId="crm-42",
                destinations=[{"destination": "OTHER", "status": "FAILED"}, DOC_EXAMPLE["destinations"][0]])
    seg = Segment.from_api(data)
    assert seg.status == "READY"
    fields = segments.detail_fields(seg)
    assert fields["destinations[1].destinationSegmentId"] == "urn:li:adSegment:8596576"
    assert fields["destinations[0].status"] == "FAILED"
    assert fields["accessPolicy"] == "PRIVATE"  # not interpreted, still shown
    assert (fields["sourceSegmentId"], fields["description"], fields["inputCount"]) == ("crm-42", "Top accounts", 2)
    assert seg.type_label == "companies"
