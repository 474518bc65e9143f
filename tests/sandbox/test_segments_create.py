"""POST /rest/dmpSegments over HTTP: 201 with x-restli-id, validation, roles, the settings
for LinkedIn's uncertain parts, and the wait before a new segment takes members."""

from __future__ import annotations

import pytest

from .conftest import AVERY

SEGMENTS = "/rest/dmpSegments"
OURS = "MATCHED_AUDIENCES_WORKBENCH"


@pytest.fixture
def token(sandbox) -> str:
    return sandbox.token("r_ads rw_dmp_segments")["access_token"]


def account_id(world, name: str) -> int:
    return next(a.id for a in world.ad_accounts.values() if a.name == name)


def body(account_id: int, **over) -> dict:
    out = {"name": "Webinar attendees", "account": f"urn:li:sponsoredAccount:{account_id}", "sourcePlatform": OURS,
           "type": "USER", "destinations": [{"destination": "LINKEDIN"}]}
    out.update(over)
    return {k: v for k, v in out.items() if v is not None}


def create(sandbox, token, payload) -> tuple[int, str]:
    r = sandbox.rest("POST", SEGMENTS, token, json=payload)
    assert r.status_code == 201, r.text
    assert r.content == b""
    return int(r.headers["x-restli-id"]), r.headers["location"]


def test_create_then_read(sandbox, token, world):
    brand = account_id(world, "Northwind - Brand US")
    segment_id, location = create(sandbox, token, body(brand, sourceSegmentId="crm-42", description="From the CRM"))
    assert location == f"/rest/dmpSegments/{segment_id}"
    assert segment_id > max(s.id for s in world.segments if s.id != segment_id)
    got = sandbox.rest("GET", f"{SEGMENTS}/{segment_id}", token).json()
    now_ms = sandbox.state()["now"] * 1000
    assert got == {
        "id": segment_id, "name": "Webinar attendees", "account": f"urn:li:sponsoredAccount:{brand}", "type": "USER",
        "sourcePlatform": OURS, "sourceSegmentId": "crm-42", "description": "From the CRM",
        "created": got["created"], "lastModified": got["created"],
        "destinations": [{"destination": "LINKEDIN", "destinationSegmentId": got["destinations"][0]["destinationSegmentId"],
                          "status": "BUILDING", "created": got["created"], "lastModified": got["created"]}],
    }
    assert abs(got["created"] - now_ms) < 5000
    found = sandbox.rest("GET", SEGMENTS, token,
                         query=f"q=account&account=urn%3Ali%3AsponsoredAccount%3A{brand}&sourceSegmentId=crm-42").json()
    assert [s["id"] for s in found["elements"]] == [segment_id]


def test_build_ends_after_the_setting(sandbox, token, world):
    sandbox.settings(segment_build_seconds=600)
    segment_id, _ = create(sandbox, token, body(account_id(world, "Northwind - Brand US")))
    sandbox.advance(599)
    assert sandbox.rest("GET", f"{SEGMENTS}/{segment_id}", token).json()["destinations"][0]["status"] == "BUILDING"
    sandbox.advance(2)
    got = sandbox.rest("GET", f"{SEGMENTS}/{segment_id}", token).json()
    # Built with nothing uploaded: an audience of 0, and no counts in the 7-day window.
    assert "inputCount" not in got and got["destinations"][0]["status"] == "READY"
    assert got["destinations"][0]["audienceSize"] == 0 and "matchedCount" not in got["destinations"][0]


@pytest.mark.parametrize("kind", ["USER", "COMPANY", "USER_LIST_UPLOAD", "COMPANY_LIST_UPLOAD"])
def test_every_type(sandbox, token, world, kind):
    platform = "LIST_UPLOAD" if kind.endswith("LIST_UPLOAD") else OURS
    segment_id, _ = create(sandbox, token, body(account_id(world, "Northwind - Recruiting"), type=kind,
                                                sourcePlatform=platform))
    assert world.segments.get(segment_id).type == kind


@pytest.mark.parametrize("over, field", [
    ({"name": None}, "name"),
    ({"account": None}, "account"),
    ({"sourcePlatform": None}, "sourcePlatform"),
    ({"type": None}, "type"),
    ({"destinations": None}, "destinations"),
    ({"name": "  "}, "name"),
    ({"name": 5}, "name"),
    ({"type": "PEOPLE"}, "type"),
    ({"sourcePlatform": "SOME_OTHER_PARTNER"}, "sourcePlatform"),
    ({"account": "urn:li:organization:1"}, "account"),
    ({"account": "123"}, "account"),
    ({"destinations": []}, "destinations"),
    ({"destinations": [{"destination": "FACEBOOK"}]}, "destinations/0/destination"),
    ({"destinations": "LINKEDIN"}, "destinations"),
    ({"colour": "blue"}, "colour"),
    ({"sourceSegmentId": 7}, "sourceSegmentId"),
])
def test_validation(sandbox, token, world, over, field):
    r = sandbox.rest("POST", SEGMENTS, token, json=body(account_id(world, "Northwind - Brand US"), **over))
    assert r.status_code == 400, r.text
    assert r.json()["message"].startswith(f"ERROR :: /{field} :: ")


def test_body_must_be_a_json_object(sandbox, token):
    r = sandbox.http.post(sandbox.url(SEGMENTS), data=b"not json", headers={
        "Authorization": f"Bearer {token}", "LinkedIn-Version": "202608", "X-Restli-Protocol-Version": "2.0.0"})
    assert r.status_code == 400
    assert sandbox.rest("POST", SEGMENTS, token, json=["a"]).status_code == 400


@pytest.mark.parametrize("member, account", [
    ("Av3ryAn4ly", "Northwind - Partner Co-op"),  # VIEWER
    ("V1cV1ewer0", "Northwind - Brand US"),  # VIEWER
    ("Av3ryAn4ly", "Contoso - Awareness"),  # no role
    ("N0aNewc0mr", "Northwind - Brand US"),  # no role
])
def test_only_non_viewer_roles_create(sandbox, world, member, account):
    tok = sandbox.token("r_ads rw_dmp_segments", member=member)["access_token"]
    r = sandbox.rest("POST", SEGMENTS, tok, json=body(account_id(world, account)))
    assert r.status_code == 403
    assert r.json() == {"status": 403, "serviceErrorCode": 100, "code": "ACCESS_DENIED",
                        "message": "Not enough permissions to access: dmpSegments.CREATE.20260801"}


@pytest.mark.parametrize("role_account", ["Northwind - Recruiting", "Northwind - Demand Gen EMEA",
                                          "Northwind - Creative Studio", "Northwind - Brand US"])
def test_every_other_role_creates(sandbox, token, world, role_account):
    create(sandbox, token, body(account_id(world, role_account)))


def test_create_needs_rw_dmp_segments(sandbox, world):
    tok = sandbox.token("r_ads rw_ads")["access_token"]
    assert sandbox.rest("POST", SEGMENTS, tok, json=body(account_id(world, "Northwind - Brand US"))).status_code == 403


def test_access_policy_is_ignored_or_refused(sandbox, token, world):
    brand = account_id(world, "Northwind - Brand US")
    create(sandbox, token, body(brand, accessPolicy="PRIVATE"))
    sandbox.settings(access_policy_on_create="reject")
    r = sandbox.rest("POST", SEGMENTS, token, json=body(brand, accessPolicy="PRIVATE"))
    assert r.status_code == 400 and r.json()["message"].startswith("ERROR :: /accessPolicy :: unrecognized field")


def test_duplicate_source_segment_id_conflicts(sandbox, token, world):
    brand, other = account_id(world, "Northwind - Brand US"), account_id(world, "Northwind - Recruiting")
    first, _ = create(sandbox, token, body(brand, sourceSegmentId="list-7"))
    r = sandbox.rest("POST", SEGMENTS, token, json=body(brand, sourceSegmentId="list-7"))
    assert r.status_code == 409 and str(first) in r.json()["message"]
    create(sandbox, token, body(other, sourceSegmentId="list-7"))  # another account: fine
    create(sandbox, token, body(brand, sourceSegmentId="list-7", type="USER_LIST_UPLOAD", sourcePlatform="LIST_UPLOAD"))
    sandbox.settings(reject_duplicate_source_segment_id=False)
    create(sandbox, token, body(brand, sourceSegmentId="list-7"))


def test_partner_source_platform_is_a_setting(sandbox, token, world):
    brand = account_id(world, "Northwind - Brand US")
    sandbox.settings(partner_source_platform="ACME_PARTNER")
    assert sandbox.rest("POST", SEGMENTS, token, json=body(brand)).status_code == 400
    segment_id, _ = create(sandbox, token, body(brand, sourcePlatform="ACME_PARTNER"))
    assert world.segments.get(segment_id).source_platform == "ACME_PARTNER"


def test_a_new_segment_takes_members_only_after_the_delay(sandbox, token, world):
    segment_id, _ = create(sandbox, token, body(account_id(world, "Northwind - Brand US")))
    payload = {"elements": [{"action": "ADD", "userIds": [{"idType": "SHA256_EMAIL", "idValue": "a" * 64}]}]}
    for path in ("users", "companies"):
        r = sandbox.rest("POST", f"{SEGMENTS}/{segment_id}/{path}", token, json=payload, restli_method="BATCH_CREATE")
        assert r.status_code == 404
        assert r.json()["message"] == f"Could not find DMP segment with ID {segment_id}"
    assert sandbox.rest("GET", f"{SEGMENTS}/{segment_id}", token).status_code == 200  # readable at once
    sandbox.advance(5)
    r = sandbox.rest("POST", f"{SEGMENTS}/{segment_id}/users", token, json=payload, restli_method="BATCH_CREATE")
    assert r.status_code == 200 and r.json() == {"elements": [{"status": 201}]}
    sandbox.settings(segment_visibility_delay_seconds=0)
    fresh, _ = create(sandbox, token, body(account_id(world, "Northwind - Brand US"), name="Another"))
    r = sandbox.rest("POST", f"{SEGMENTS}/{fresh}/users", token, json=payload, restli_method="BATCH_CREATE")
    assert r.status_code == 200


def test_state_counts_segments(sandbox, token, world):
    before = sandbox.state()["segments"]
    create(sandbox, token, body(account_id(world, "Northwind - Brand US")))
    assert sandbox.state()["segments"] == before + 1
    assert world.role_on(AVERY, account_id(world, "Northwind - Brand US")) == "ACCOUNT_MANAGER"
