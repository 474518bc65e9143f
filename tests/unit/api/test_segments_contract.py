"""DMP segments (MA-102..MA-104) against LinkedIn's documented shapes (linkedin-api.md §5.3, §5.4)."""

import json
from dataclasses import replace

import pytest
import responses

from linkedin.api import segment_creation, segments
from linkedin.api.client import Client, RetryPolicy, StaticToken
from linkedin.api.errors import MalformedResponse, NotConfigured, NotFound
from linkedin.api.segment_numbers import Readiness
from linkedin.api.segments import Segment
from linkedin.api.settings import Settings

API = "https://api.linkedin.com"
OURS = "ACME_AUDIENCES"  # the sourcePlatform LinkedIn assigned this (imaginary) partner
SETTINGS = Settings(client_id="cid", client_secret="csecret", redirect_uri="https://a/cb", cookie_secret="x" * 32,
                    source_platform=OURS)
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
BUILDING = {"id": 5, "name": "New list", "account": ACCOUNT, "type": "USER", "sourcePlatform": OURS,
            "inputCount": 1200, "created": 1700000000000, "lastModified": 1700000000000,
            "destinations": [{"destination": "LINKEDIN", "status": "BUILDING"}]}


def client():
    return Client(SETTINGS, StaticToken("T"), retry=RetryPolicy(tries=1))


@responses.activate
def test_finder_is_one_call_with_start_and_count_and_reads_every_number():
    responses.get(FINDER + "&start=0&count=1000", json={"elements": [DOC_EXAMPLE, BUILDING],
                                                        "paging": {"start": 0, "count": 1000, "links": [], "total": 2}})
    found, problems = segments.find_by_account(client(), ACCOUNT)
    assert len(responses.calls) == 1
    assert responses.calls[0].request.url == FINDER + "&start=0&count=1000"
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
    responses.get(FINDER + "&sourcePlatform=LIST_UPLOAD&start=0&count=1000", json={"elements": []})
    assert segments.find_by_account(client(), ACCOUNT, source_platform="LIST_UPLOAD") == ([], [])


def numbered(first, n):
    return [{**BUILDING, "id": i, "name": f"Segment {i}"} for i in range(first, first + n)]


@responses.activate
def test_finder_follows_pages_of_1000_to_the_total_with_exact_requests():
    for start, n in ((0, 1000), (1000, 1000), (2000, 500)):
        responses.get(FINDER + f"&start={start}&count=1000", match=[responses.matchers.header_matcher(
            {"Authorization": "Bearer T", "LinkedIn-Version": "202608", "X-Restli-Protocol-Version": "2.0.0"})],
            json={"elements": numbered(start, n), "paging": {"start": start, "count": 1000, "links": [], "total": 2500}})
    found, problems = segments.find_by_account(client(), ACCOUNT)
    assert [c.request.url for c in responses.calls] == [
        API + "/rest/dmpSegments?q=account&account=urn%3Ali%3AsponsoredAccount%3A123456&start=0&count=1000",
        API + "/rest/dmpSegments?q=account&account=urn%3Ali%3AsponsoredAccount%3A123456&start=1000&count=1000",
        API + "/rest/dmpSegments?q=account&account=urn%3Ali%3AsponsoredAccount%3A123456&start=2000&count=1000",
    ]
    assert all(c.request.method == "GET" and c.request.body is None for c in responses.calls)
    assert [s.id for s in found] == list(range(2500)) and problems == []


@responses.activate
def test_finder_stops_at_an_exact_total_and_on_a_short_page_without_one():
    responses.get(FINDER + "&start=0&count=1000",
                  json={"elements": numbered(0, 1000), "paging": {"start": 0, "count": 1000, "total": 1000}})
    assert len(segments.find_by_account(client(), ACCOUNT)[0]) == 1000
    assert len(responses.calls) == 1  # the total is reached: no empty page asked for
    responses.get(FINDER + "&sourcePlatform=X&start=0&count=1000", json={"elements": numbered(0, 1000)})
    responses.get(FINDER + "&sourcePlatform=X&start=1000&count=1000", json={"elements": numbered(1000, 3)})
    assert len(segments.find_by_account(client(), ACCOUNT, source_platform="X")[0]) == 1003
    assert len(responses.calls) == 3  # no total: a full page asks for the next, a short one ends


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
    responses.get(FINDER + "&start=0&count=1000", json={"unexpected": True})
    with pytest.raises(MalformedResponse, match="list of segments for urn:li:sponsoredAccount:123456 has no elements"):
        segments.find_by_account(client(), ACCOUNT)


@responses.activate
def test_fewer_elements_than_the_total_is_reported():
    responses.get(FINDER + "&start=0&count=1000", json={"elements": [DOC_EXAMPLE],
                                                        "paging": {"start": 0, "count": 1000, "total": 3}})
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


@responses.activate
def test_create_without_a_source_platform_is_refused_before_any_call():
    unset = Client(replace(SETTINGS, source_platform=None), StaticToken("T"), retry=RetryPolicy(tries=1))
    with pytest.raises(NotConfigured) as caught:
        segment_creation.create(unset, account_urn=ACCOUNT, name="Q3 list", kind="users")
    assert len(responses.calls) == 0
    assert caught.value.explain().startswith("LINKEDIN_SOURCE_PLATFORM is not set: LinkedIn gives each approved")


@responses.activate
def test_create_sends_the_source_platform_linkedin_assigned_and_nothing_invented():
    responses.post(API + "/rest/dmpSegments", status=201, headers={"x-restli-id": "777"})
    created = segment_creation.create(client(), account_urn=ACCOUNT, name="Q3  list", kind="companies")
    assert (created.id, created.name, created.type) == (777, "Q3 list", "COMPANY")
    assert json.loads(responses.calls[0].request.body) == {
        "name": "Q3 list", "account": ACCOUNT, "type": "COMPANY", "sourcePlatform": OURS,
        "destinations": [{"destination": "LINKEDIN"}]}

