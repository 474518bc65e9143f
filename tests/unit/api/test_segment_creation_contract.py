"""Creating a segment exactly once (linkedin-api.md §5.1, §5.2) against LinkedIn's answers (responses):
the exact create, and what follows a 5xx or a lost connection."""

import json

import pytest
import requests
import responses
from responses import matchers

from linkedin.api import segment_creation
from linkedin.api.accounts import Account
from linkedin.api.client import Client, StaticToken
from linkedin.api.errors import BadRequest, NotManageable, ServerError
from linkedin.api.segment_creation import RECENT_SECONDS, Created, made_by_attempt, request_body
from linkedin.api.segments import Segment
from linkedin.api.settings import Settings

API = "https://api.linkedin.com"
OUR_SOURCE_PLATFORM = "ACME_AUDIENCES"  # the sourcePlatform LinkedIn assigned this (imaginary) partner
SETTINGS = Settings(client_id="cid", client_secret="csecret", redirect_uri="https://a/cb", cookie_secret="x" * 32,
                    source_platform=OUR_SOURCE_PLATFORM)
ACCOUNT = "urn:li:sponsoredAccount:123456"
CREATE = API + "/rest/dmpSegments"
LOOKUP = (API + "/rest/dmpSegments?q=account&account=urn%3Ali%3AsponsoredAccount%3A123456"
          f"&sourcePlatform={OUR_SOURCE_PLATFORM}&start=0&count=1000")
NOW = 1_800_000_000.0
BODY = {"name": "Spring webinar", "account": ACCOUNT, "type": "USER", "sourcePlatform": OUR_SOURCE_PLATFORM,
        "destinations": [{"destination": "LINKEDIN"}]}
HEADERS = {"Authorization": "Bearer T", "LinkedIn-Version": "202608", "X-Restli-Protocol-Version": "2.0.0",
           "Content-Type": "application/json"}
SERVER_ERROR = {"status": 500, "code": "INTERNAL_SERVER_ERROR", "message": "Internal Server Error"}


def segment(seg_id, *, name="Spring webinar", created=NOW, type="USER", platform=OUR_SOURCE_PLATFORM, **extra):
    return {"id": seg_id, "name": name, "account": ACCOUNT, "type": type, "sourcePlatform": platform,
            "created": int(created * 1000), "lastModified": int(created * 1000),
            "destinations": [{"destination": "LINKEDIN", "status": "BUILDING"}], **extra}


def create(**kw):
    client = Client(SETTINGS, StaticToken("T"), sleep=lambda s: None)
    return segment_creation.create(client, account_urn=ACCOUNT, name="  Spring   webinar ", kind="users",
                                   clock=lambda: NOW, **kw)


def posted(call):
    """(method, url, LinkedIn's headers, body) of one call, as sent."""
    request = call.request
    sent = {k: request.headers[k] for k in HEADERS if k in request.headers}
    return request.method, request.url, sent, json.loads(request.body) if request.body else None


@responses.activate
def test_create_sends_the_exact_body_and_headers_and_reads_the_id():
    responses.post(CREATE, status=201, headers={"x-restli-id": "9821736", "Location": "/rest/dmpSegments/9821736"})
    assert create() == Created(9821736, "Spring webinar", ACCOUNT, "USER", NOW)
    assert [posted(c) for c in responses.calls] == [("POST", CREATE, HEADERS, BODY)]
    assert "X-RestLi-Method" not in responses.calls[0].request.headers


@responses.activate
def test_a_create_that_made_the_segment_before_a_500_uses_it_and_sends_nothing_again():
    responses.post(CREATE, status=500, json=SERVER_ERROR)
    responses.get(LOOKUP, json={"elements": [segment(70, name="Spring webinar", created=NOW - 3 * 86400),
                                             segment(71, created=NOW + 1)],
                                "paging": {"start": 0, "count": 1000, "links": [], "total": 2}})
    assert create() == Created(71, "Spring webinar", ACCOUNT, "USER", NOW)
    get_headers = {k: v for k, v in HEADERS.items() if k != "Content-Type"}
    assert [posted(c) for c in responses.calls] == [("POST", CREATE, HEADERS, BODY),
                                                    ("GET", LOOKUP, get_headers, None)]


@responses.activate
def test_a_create_whose_connection_was_lost_looks_before_sending_again():
    responses.post(CREATE, body=requests.ConnectionError("reset by peer"))
    responses.get(LOOKUP, json={"elements": [segment(72, created=NOW)], "paging": {"total": 1}})
    assert create().id == 72
    assert [c.request.method for c in responses.calls] == ["POST", "GET"]


@responses.activate
def test_a_create_that_really_failed_is_sent_once_more_with_the_same_body():
    responses.post(CREATE, status=503, json={"status": 503, "message": "Service Unavailable"})
    responses.post(CREATE, status=201, headers={"x-restli-id": "73"})
    # Same name but old, same name but COMPANY, another name: none is the one this attempt made.
    responses.get(LOOKUP, json={"elements": [segment(60, created=NOW - RECENT_SECONDS - 1),
                                             segment(61, type="COMPANY"), segment(62, name="Spring webinars")],
                                "paging": {"total": 3}})
    assert create().id == 73
    assert [posted(c)[:2] for c in responses.calls] == [("POST", CREATE), ("GET", LOOKUP), ("POST", CREATE)]
    assert posted(responses.calls[2]) == ("POST", CREATE, HEADERS, BODY)


@responses.activate
def test_a_second_failure_is_reported_not_retried_again():
    responses.post(CREATE, status=500, json=SERVER_ERROR)
    responses.get(LOOKUP, json={"elements": [], "paging": {"total": 0}})
    with pytest.raises(ServerError):
        create()
    assert [c.request.method for c in responses.calls] == ["POST", "GET", "POST"]


@responses.activate
def test_a_refused_create_is_not_looked_up_or_repeated():
    responses.post(CREATE, status=400, json={"status": 400, "message": "ERROR :: /name :: must not be blank\n"})
    with pytest.raises(BadRequest):
        create()
    assert len(responses.calls) == 1


@responses.activate
def test_the_source_segment_id_is_part_of_the_match_when_given():
    body = {**BODY, "sourceSegmentId": "crm-42"}
    responses.post(CREATE, status=500, json=SERVER_ERROR, match=[matchers.json_params_matcher(body)])
    responses.get(LOOKUP, json={"elements": [segment(80, sourceSegmentId="crm-41"), segment(81, sourceSegmentId="crm-42")]})
    assert create(source_segment_id="crm-42").id == 81


def parsed(**kw):
    return Segment.from_api(segment(kw.pop("seg_id", 1), **kw))


@pytest.mark.parametrize("candidate, chosen", [
    (parsed(created=NOW + 2), True),
    (parsed(created=NOW - RECENT_SECONDS + 1), True),
    (parsed(created=NOW + RECENT_SECONDS + 1), False),  # clocks apart by more than the window
    (parsed(created=NOW - RECENT_SECONDS - 1), False),  # an older segment of the same name
    (parsed(name="spring webinar"), False),
    (parsed(type="COMPANY"), False),
    (parsed(platform="LIST_UPLOAD"), False),
])
def test_the_segment_an_attempt_made_is_found_by_name_type_platform_and_time(candidate, chosen):
    body = request_body(account_urn=ACCOUNT, name="Spring webinar", kind="users", source_platform=OUR_SOURCE_PLATFORM)
    assert made_by_attempt([candidate], body, asked_at=NOW) == (candidate if chosen else None)


def test_the_newest_of_several_matches_is_the_one():
    body = request_body(account_urn=ACCOUNT, name="Spring webinar", kind="users", source_platform=OUR_SOURCE_PLATFORM)
    older, newer = parsed(seg_id=1, created=NOW - 60), parsed(seg_id=2, created=NOW + 1)
    assert made_by_attempt([newer, older], body, asked_at=NOW) is newer


@pytest.mark.parametrize("kw, message", [
    ({"kind": "people"}, "kind must be 'users' or 'companies', not 'people'"),
    ({"name": "   "}, "Give the segment a name."),
    ({"name": "x" * 256}, "The segment name has 256 characters; keep it under 255."),
])
def test_bad_names_and_kinds_never_reach_linkedin(kw, message):
    with pytest.raises(ValueError) as caught:
        request_body(**{"account_urn": ACCOUNT, "name": "ok", "kind": "users", "source_platform": OUR_SOURCE_PLATFORM, **kw})
    assert str(caught.value) == message


@responses.activate
@pytest.mark.parametrize("status", ["CANCELED", "PENDING_DELETION", "REMOVED"])
def test_creating_in_a_closed_account_is_refused_with_the_reason_before_any_call(status):
    closed = Account(123456, "Old brand", status, "BUSINESS", "USD", False, "ACCOUNT_MANAGER")
    client = Client(SETTINGS, StaticToken("T"), sleep=lambda s: None)
    with pytest.raises(NotManageable, match=f"Old brand \\(123456\\) is {status}"):
        segment_creation.create(client, account=closed, name="Spring webinar", kind="users", clock=lambda: NOW)
    assert (len(responses.calls), client.calls) == (0, 0)


@responses.activate
def test_creating_with_the_account_in_hand_sends_to_its_urn():
    responses.post(CREATE, status=201, headers={"x-restli-id": "77"})
    open_ = Account(123456, "Brand", "ACTIVE", "BUSINESS", "USD", False, "CAMPAIGN_MANAGER")
    client = Client(SETTINGS, StaticToken("T"), sleep=lambda s: None)
    made = segment_creation.create(client, account=open_, name="Spring webinar", kind="users", clock=lambda: NOW)
    assert (made, json.loads(responses.calls[0].request.body)) == (Created(77, "Spring webinar", ACCOUNT, "USER", NOW), BODY)
