"""dmpSegments read side over HTTP: the account finder with and without start/count, get by
id, LinkedIn's exact shape, the seeded portfolio, and statuses moving with the clock."""

from __future__ import annotations

import re

import pytest

SEGMENTS = "/rest/dmpSegments"
DAY = 86_400


@pytest.fixture
def token(sandbox) -> str:
    return sandbox.token("r_ads rw_dmp_segments")["access_token"]


def account_id(world, name: str) -> int:
    return next(a.id for a in world.ad_accounts.values() if a.name == name)


def finder(sandbox, token, account: int, extra: str = "", *, status: int = 200) -> dict:
    r = sandbox.rest("GET", SEGMENTS, token, query=f"q=account&account=urn%3Ali%3AsponsoredAccount%3A{account}{extra}")
    assert r.status_code == status, r.text
    return r.json()


def by_name(body: dict) -> dict[str, dict]:
    return {e["name"]: e for e in body["elements"]}


def test_without_start_and_count_every_segment_comes_at_once(sandbox, token, world):
    big = account_id(world, "Northwind - Enterprise ABM")
    body = finder(sandbox, token, big)
    assert len(body["elements"]) == 120
    assert body["paging"] == {"start": 0, "count": 120, "links": [], "total": 120}
    ids = [e["id"] for e in body["elements"]]
    assert ids == sorted(ids) and len(set(ids)) == 120


def test_start_and_count_page(sandbox, token, world):
    big = account_id(world, "Northwind - Enterprise ABM")
    everything = [e["id"] for e in finder(sandbox, token, big)["elements"]]
    first = finder(sandbox, token, big, "&start=0&count=50")
    last = finder(sandbox, token, big, "&start=100&count=50")
    assert first["paging"] == {"start": 0, "count": 50, "links": [], "total": 120}
    assert [e["id"] for e in first["elements"]] == everything[:50]
    assert [e["id"] for e in last["elements"]] == everything[100:]
    only_count = finder(sandbox, token, big, "&count=7")
    assert only_count["paging"]["start"] == 0 and len(only_count["elements"]) == 7
    only_start = finder(sandbox, token, big, "&start=115")
    assert only_start["paging"]["count"] == 10 and len(only_start["elements"]) == 5
    assert finder(sandbox, token, big, "&count=1001", status=400)["code"] == "ILLEGAL_ARGUMENT"
    assert finder(sandbox, token, big, "&start=-1", status=400)["status"] == 400


def test_start_and_count_are_honoured_exactly_up_to_1000(sandbox, token, world):
    big = account_id(world, "Northwind - Enterprise ABM")
    everything = [e["id"] for e in finder(sandbox, token, big)["elements"]]
    pages = [finder(sandbox, token, big, f"&start={start}&count=1000") for start in (0, 120)]
    assert [p["paging"] for p in pages] == [{"start": 0, "count": 1000, "links": [], "total": 120},
                                            {"start": 120, "count": 1000, "links": [], "total": 120}]
    assert [e["id"] for e in pages[0]["elements"]] == everything and pages[1]["elements"] == []
    assert [e["id"] for e in finder(sandbox, token, big, "&start=37&count=3")["elements"]] == everything[37:40]
    assert finder(sandbox, token, big, "&start=0&count=1001", status=400) == {
        "status": 400, "code": "ILLEGAL_ARGUMENT", "message": "Invalid value for param: count, must be at most 1000"}


def test_without_paging_more_than_100_can_be_refused_like_the_other_finders(sandbox, token, world):
    big = account_id(world, "Northwind - Enterprise ABM")
    sandbox.settings(segment_finder_without_paging="refuse_over_100")
    assert finder(sandbox, token, big, status=400) == {
        "status": 400, "code": "ILLEGAL_ARGUMENT",
        "message": "More than 100 results: send start and count (count at most 1000) to page through them"}
    assert len(finder(sandbox, token, big, "&start=0&count=1000")["elements"]) == 120
    small = account_id(world, "Northwind - Brand US")
    assert finder(sandbox, token, small)["elements"]  # 100 or fewer still come at once


def test_an_active_account_without_segments(sandbox, token, world):
    empty = account_id(world, "Northwind - Careers Employer Brand")
    assert world.ad_accounts[empty].status == "ACTIVE"
    assert finder(sandbox, token, empty) == {"elements": [], "paging": {"start": 0, "count": 0, "links": [], "total": 0}}


def test_exact_shape_ready_and_building(sandbox, token, world):
    segs = by_name(finder(sandbox, token, account_id(world, "Northwind - Brand US")))
    ready = segs["Newsletter subscribers (US)"]
    assert list(ready) == ["id", "name", "account", "type", "sourcePlatform", "sourceSegmentId", "inputCount",
                           "created", "lastModified", "destinations"]
    assert ready["account"] == f"urn:li:sponsoredAccount:{account_id(world, 'Northwind - Brand US')}"
    assert ready["sourcePlatform"] == "MATCHED_AUDIENCES_WORKBENCH"
    [dest] = ready["destinations"]
    assert list(dest) == ["destination", "destinationSegmentId", "status", "audienceSize", "matchedCount",
                          "created", "lastModified"]
    assert dest["destination"] == "LINKEDIN" and dest["status"] == "READY"
    assert re.fullmatch(r"urn:li:adSegment:\d+", dest["destinationSegmentId"])
    assert dest["audienceSize"] >= 300 and dest["audienceSize"] <= dest["matchedCount"] <= ready["inputCount"]
    for stamp in (ready["created"], ready["lastModified"], dest["created"], dest["lastModified"]):
        assert isinstance(stamp, int) and 1_500_000_000_000 < stamp < 4_000_000_000_000
    building = segs["Trade show leads (just uploaded)"]
    assert building["destinations"][0]["status"] == "BUILDING"
    assert "inputCount" not in building
    assert "matchedCount" not in building["destinations"][0] and "audienceSize" not in building["destinations"][0]
    assert "description" not in ready and "accessPolicy" not in ready
    upload = segs["Churned customers 2024"]
    assert "sourceSegmentId" not in upload and upload["sourcePlatform"] == "LIST_UPLOAD"


def _all_segments(sandbox, token, world) -> list[dict]:
    out = []
    for role in world.roles_of("urn:li:person:Av3ryAn4ly"):
        out += finder(sandbox, token, role.account_id)["elements"]
    return out


def test_the_demo_portfolio_has_every_case(sandbox, token, world):
    segments = _all_segments(sandbox, token, world)
    statuses = {s["destinations"][0]["status"] for s in segments}
    assert statuses == {"BUILDING", "UPDATING", "READY", "ARCHIVED", "EXPIRED", "FAILED", "ERROR"}
    ready = [s for s in segments if s["destinations"][0]["status"] == "READY"]
    sizes = [s["destinations"][0]["audienceSize"] for s in ready]
    assert any(size >= 300 for size in sizes) and any(0 < size < 300 for size in sizes) and 0 in sizes
    assert {s["type"] for s in segments} == {"USER", "COMPANY", "USER_LIST_UPLOAD", "COMPANY_LIST_UPLOAD"}
    assert {s["sourcePlatform"] for s in segments} == {
        "MATCHED_AUDIENCES_WORKBENCH", "LIST_UPLOAD", "SEGMENT", "LINKEDIN_BUSINESS_OBJECTIVE_BASED_AUDIENCES"}
    for s in segments:
        dest = s["destinations"][0]
        if "matchedCount" in dest and s["inputCount"] and dest["status"] == "READY" and dest["matchedCount"]:
            assert 0.19 <= dest["matchedCount"] / s["inputCount"] <= 0.9, s["name"]
            if s["type"].startswith("USER"):
                assert dest["audienceSize"] < dest["matchedCount"]
    building_long = [s for s in segments if s["name"] == "Product signups (slow build)"][0]
    assert building_long["destinations"][0]["status"] == "BUILDING"
    assert sandbox.state()["now"] * 1000 - building_long["created"] > 48 * 3600 * 1000


def test_source_platform_and_source_segment_id_filters(sandbox, token, world):
    brand = account_id(world, "Northwind - Brand US")
    everything = finder(sandbox, token, brand)["elements"]
    ours = finder(sandbox, token, brand, "&sourcePlatform=MATCHED_AUDIENCES_WORKBENCH")["elements"]
    uploads = finder(sandbox, token, brand, "&sourcePlatform=LIST_UPLOAD")["elements"]
    assert ours and uploads and len(ours) + len(uploads) < len(everything)
    assert {s["sourcePlatform"] for s in ours} == {"MATCHED_AUDIENCES_WORKBENCH"}
    one = ours[0]
    found = finder(sandbox, token, brand, f"&sourceSegmentId={one['sourceSegmentId']}")["elements"]
    assert [s["id"] for s in found] == [one["id"]]
    assert finder(sandbox, token, brand, "&sourceSegmentId=nothing-like-it")["paging"]["total"] == 0


def test_account_param_encodings(sandbox, token, world):
    brand = account_id(world, "Northwind - Brand US")
    raw = sandbox.rest("GET", SEGMENTS, token, query=f"q=account&account=urn:li:sponsoredAccount:{brand}")
    assert raw.status_code == 200 and raw.json()["paging"]["total"] == 14
    for bad in (f"List(urn%3Ali%3AsponsoredAccount%3A{brand})", "urn%3Ali%3Aorganization%3A1", "12"):
        r = sandbox.rest("GET", SEGMENTS, token, query=f"q=account&account={bad}")
        assert r.status_code == 400 and "account" in r.json()["message"]
    assert sandbox.rest("GET", SEGMENTS, token, query="q=account").status_code == 400
    assert sandbox.rest("GET", SEGMENTS, token, query="q=other").status_code == 400


def test_roles_decide_who_reads(sandbox, token, world):
    brand, contoso = account_id(world, "Northwind - Brand US"), account_id(world, "Contoso - Awareness")
    r = sandbox.rest("GET", SEGMENTS, token, query=f"q=account&account=urn%3Ali%3AsponsoredAccount%3A{contoso}")
    assert r.status_code == 403 and r.json() == {
        "status": 403, "serviceErrorCode": 100, "code": "ACCESS_DENIED",
        "message": "Not enough permissions to access: dmpSegments.FINDER-account.20260801"}
    vic = sandbox.token("r_ads rw_dmp_segments", member="V1cV1ewer0")["access_token"]
    assert finder(sandbox, vic, brand)["paging"]["total"] == 14  # VIEWER reads
    noa = sandbox.token("r_ads rw_dmp_segments", member="N0aNewc0mr")["access_token"]
    finder(sandbox, noa, brand, status=403)
    ads_only = sandbox.token("r_ads")["access_token"]
    finder(sandbox, ads_only, brand, status=403)


def test_get_by_id(sandbox, token, world):
    brand = account_id(world, "Northwind - Brand US")
    listed = finder(sandbox, token, brand)["elements"][3]
    r = sandbox.rest("GET", f"{SEGMENTS}/{listed['id']}", token)
    assert r.status_code == 200 and r.json() == listed
    dest = sandbox.rest("GET", f"{SEGMENTS}/{listed['id']}/destinations/LINKEDIN", token)
    assert dest.status_code == 200 and dest.json() == listed["destinations"][0]
    missing = sandbox.rest("GET", f"{SEGMENTS}/123", token)
    assert missing.status_code == 404 and missing.json()["message"] == "Could not find DMP segment with ID 123"
    contoso_segment = world.segments.of_account(account_id(world, "Contoso - Awareness"))[0]
    assert sandbox.rest("GET", f"{SEGMENTS}/{contoso_segment.id}", token).status_code == 403


def test_access_policy_is_a_setting(sandbox, token, world):
    brand = account_id(world, "Northwind - Brand US")
    sandbox.settings(include_access_policy=True)
    segment = finder(sandbox, token, brand)["elements"][0]
    assert segment["accessPolicy"] == "PRIVATE" and list(segment).index("accessPolicy") < list(segment).index("created")


def _statuses(sandbox, token, account) -> dict[str, str]:
    return {s["name"]: s["destinations"][0]["status"] for s in finder(sandbox, token, account)["elements"]}


def test_statuses_move_with_the_clock(sandbox, token, world):
    brand = account_id(world, "Northwind - Brand US")
    before = by_name(finder(sandbox, token, brand))
    assert before["Webinar attendees Q2"]["destinations"][0]["status"] == "UPDATING"
    old_input = before["Webinar attendees Q2"]["inputCount"]
    sandbox.advance(3600)  # the update ends: READY, with the new counts
    after = by_name(finder(sandbox, token, brand))
    webinar = after["Webinar attendees Q2"]
    assert webinar["destinations"][0]["status"] == "READY" and webinar["inputCount"] > old_input
    assert webinar["destinations"][0]["lastModified"] > before["Webinar attendees Q2"]["destinations"][0]["lastModified"]
    sandbox.advance(8 * 3600)  # the first builds end: counts appear
    building = by_name(finder(sandbox, token, brand))["Trade show leads (just uploaded)"]
    assert building["destinations"][0]["status"] == "READY" and building["inputCount"] == 3400
    assert building["destinations"][0]["matchedCount"] == round(3400 * 0.48)
    states = _statuses(sandbox, token, brand)
    assert states["Partner contacts (CRM sync)"] == "READY"
    sandbox.advance(4 * DAY)  # 27 idle days + 4: archived
    states = _statuses(sandbox, token, brand)
    assert states["Partner contacts (CRM sync)"] == "ARCHIVED"
    assert states["Enterprise IT buyers"] == "EXPIRED"  # was 86 days idle
    assert states["Event badge scans (bad file)"] == "FAILED" and states["CRM export (broken sync)"] == "ERROR"
    sandbox.advance(95 * DAY)
    token = sandbox.token("r_ads rw_dmp_segments")["access_token"]  # the first one expired (60 days)
    states = _statuses(sandbox, token, brand)
    live = {s.name for s in world.segments.of_account(brand) if s.ad_segment_id in world.campaigns.live_ad_segments()}
    assert live and {states[n] for n in live} <= {"READY", "UPDATING"}  # an ACTIVE campaign keeps them in use
    assert {s for n, s in states.items()
            if n not in ("Event badge scans (bad file)", "CRM export (broken sync)", *live)} == {"EXPIRED"}


def test_archive_and_expiry_days_are_settings(sandbox, token, world):
    brand = account_id(world, "Northwind - Brand US")
    sandbox.settings(segment_archive_days=1, segment_expire_days=2)
    states = _statuses(sandbox, token, brand)
    assert states["Newsletter subscribers (US)"] in ("ARCHIVED", "EXPIRED", "READY")
    assert states["Holiday campaign 2025"] == "EXPIRED"
