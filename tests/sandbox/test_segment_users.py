"""POST /rest/dmpSegments/{id}/users over HTTP: BATCH_CREATE, per-element results, strict
validation, matching against the synthetic population, counts and statuses, rate limits,
and the exact membership the sandbox ends up holding."""

from __future__ import annotations

import hashlib
import time

import pytest

SEGMENTS = "/rest/dmpSegments"
OURS = "MATCHED_AUDIENCES_WORKBENCH"


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def sha512(text: str) -> str:
    return hashlib.sha512(text.encode()).hexdigest()


def add(value: str, id_type: str = "SHA256_EMAIL", action: str = "ADD", **extra) -> dict:
    return {"action": action, "userIds": [{"idType": id_type, "idValue": value}], **extra}


@pytest.fixture
def token(sandbox) -> str:
    # Segments take members at once and process instantly unless a test says otherwise.
    sandbox.settings(segment_visibility_delay_seconds=0, segment_build_seconds=0, segment_update_seconds=0)
    return sandbox.token("r_ads rw_dmp_segments")["access_token"]


def account_id(world, name: str) -> int:
    return next(a.id for a in world.ad_accounts.values() if a.name == name)


def new_segment(sandbox, token, world, *, kind: str = "USER", account: str = "Northwind - Brand US") -> int:
    r = sandbox.rest("POST", SEGMENTS, token, json={
        "name": "Test segment", "account": f"urn:li:sponsoredAccount:{account_id(world, account)}",
        "sourcePlatform": OURS, "type": kind, "destinations": [{"destination": "LINKEDIN"}]})
    assert r.status_code == 201, r.text
    return int(r.headers["x-restli-id"])


def send(sandbox, token, segment_id: int, elements: list, *, method: str | None = "BATCH_CREATE", path="users"):
    return sandbox.rest("POST", f"{SEGMENTS}/{segment_id}/{path}", token, json={"elements": elements},
                        restli_method=method)


def members(sandbox, segment_id: int, keys: bool = True) -> dict:
    r = sandbox.control("GET", f"/segments/{segment_id}/members" + ("" if keys else "?keys=false"))
    assert r.status_code == 200, r.text
    return r.json()


def segment(sandbox, token, segment_id: int) -> dict:
    return sandbox.rest("GET", f"{SEGMENTS}/{segment_id}", token).json()


def people(world, n: int, *, opted_out: bool = False):
    return [m for m in world.population.members[3:] if m.opted_out == opted_out][:n]


# -- the request --------------------------------------------------------------------------

@pytest.mark.parametrize("method", [None, "CREATE", "BATCH_UPDATE"])
def test_batch_create_header_is_required(sandbox, token, world, method):
    sid = new_segment(sandbox, token, world)
    r = send(sandbox, token, sid, [add("a" * 64)], method=method)
    assert r.status_code == 400 and "BATCH_CREATE" in r.json()["message"]


def test_batch_size_limit(sandbox, token, world):
    sid = new_segment(sandbox, token, world)
    too_many = [add(sha256(f"p{i}@x.example")) for i in range(5001)]
    r = send(sandbox, token, sid, too_many)
    assert r.status_code == 400 and "5000" in r.json()["message"]
    assert members(sandbox, sid)["counts"]["input"] == 0  # nothing applied
    r = send(sandbox, token, sid, too_many[:5000])
    assert r.status_code == 200 and len(r.json()["elements"]) == 5000
    sandbox.settings(max_batch_elements=2)
    assert send(sandbox, token, sid, too_many[:3]).status_code == 400


def test_empty_batch_is_fine(sandbox, token, world):
    sid = new_segment(sandbox, token, world)
    r = send(sandbox, token, sid, [])
    assert r.status_code == 200 and r.json() == {"elements": []}
    for bad in ({}, {"elements": "x"}, []):
        r = sandbox.rest("POST", f"{SEGMENTS}/{sid}/users", token, json=bad, restli_method="BATCH_CREATE")
        assert r.status_code == 400


def test_per_element_results_and_partial_validation(sandbox, token, world):
    sid = new_segment(sandbox, token, world)
    good, bad = sha256("a@b.example"), sha256("c@d.example").upper()
    r = send(sandbox, token, sid, [add(good), add(bad), add(good, action="REMOVE"), {"action": "ADD"}])
    assert r.status_code == 200
    assert r.json() == {"elements": [
        {"status": 201},
        {"status": 400, "message": "SHA256_EMAIL idValue must be lower-case hex", "batchIndex": 1},
        {"status": 201},
        {"status": 400, "message": "without userIds, firstName and lastName are required", "batchIndex": 3},
    ]}
    sandbox.settings(element_error_shape="error")
    r = send(sandbox, token, sid, [add(bad)])
    assert r.json() == {"elements": [{"status": 400, "batchIndex": 0, "error": {
        "status": 400, "message": "SHA256_EMAIL idValue must be lower-case hex"}}]}


def test_error_messages_never_echo_an_id_value(sandbox, token, world):
    sid = new_segment(sandbox, token, world)
    r = send(sandbox, token, sid, [add("Someone@Example.com"), add("Someone@Example.com", "GOOGLE_AID")])
    assert "Someone" not in r.text and all(e["status"] == 400 for e in r.json()["elements"])


H = sha256("x@y.example")


@pytest.mark.parametrize("element, message", [
    (add(H[:63]), "SHA256_EMAIL idValue must be 64 hexadecimal characters"),
    (add(H + "0"), "SHA256_EMAIL idValue must be 64 hexadecimal characters"),
    (add("g" * 64), "SHA256_EMAIL idValue must be 64 hexadecimal characters"),
    (add(H.upper()), "SHA256_EMAIL idValue must be lower-case hex"),
    (add(H, "SHA512_EMAIL"), "SHA512_EMAIL idValue must be 128 hexadecimal characters"),
    (add(sha512("x@y.example").upper(), "SHA512_EMAIL"), "SHA512_EMAIL idValue must be lower-case hex"),
    # Without its hyphens LinkedIn would not match it: the device reports the 8-4-4-4-12 form.
    (add("a7e1c2d40b5f4e6a9c3d1f2e3a4b5c6d", "GOOGLE_AID"),
     "GOOGLE_AID idValue must be a UUID in its 8-4-4-4-12 form (lower-case hex digits and hyphens)"),
    (add("A7E1C2D4-0B5F-4E6A-9C3D-1F2E3A4B5C6D", "GOOGLE_AID"), "GOOGLE_AID idValue must be lower case"),
    (add("not an id", "GOOGLE_AID"),
     "GOOGLE_AID idValue must be a UUID in its 8-4-4-4-12 form (lower-case hex digits and hyphens)"),
    (add("EA7583CD-A667-48BC-B806-42ECB2B48606", "APPLE_IDFA"),
     "idType must be one of SHA256_EMAIL, SHA512_EMAIL, GOOGLE_AID"),
    (add(H, "EMAIL"), "idType must be one of SHA256_EMAIL, SHA512_EMAIL, GOOGLE_AID"),
    (add(H, "BIZO_ID"), "idType must be one of SHA256_EMAIL, SHA512_EMAIL, GOOGLE_AID"),
    ({"action": "ADD", "userIds": [{"idType": "SHA256_EMAIL", "idValue": 5}]}, "SHA256_EMAIL idValue must be a string"),
    ({"action": "ADD", "userIds": [{"idType": "SHA256_EMAIL", "idValue": H, "x": 1}]},
     "each userIds entry must be exactly {idType, idValue}"),
    ({"action": "ADD", "userIds": []}, "without userIds, firstName and lastName are required"),
    ({"action": "ADD", "userIds": {"idType": "SHA256_EMAIL"}}, "userIds must be a non-empty array of {idType, idValue}"),
    ({"action": "ADD", "userId": {"idType": "SHA256_EMAIL", "idValue": H}}, "unrecognized field 'userId'"),
    (add(H, action="UPSERT"), "action must be ADD or REMOVE"),
    ({"userIds": [{"idType": "SHA256_EMAIL", "idValue": H}]}, "action must be ADD or REMOVE"),
    ("ADD", "each element must be a JSON object"),
    (add(H, firstName="A" * 36), "firstName must be at most 35 characters"),
    (add(H, lastName="B" * 36), "lastName must be at most 35 characters"),
    (add(H, title="T" * 51), "title must be at most 50 characters"),
    (add(H, company="C" * 51), "company must be at most 50 characters"),
    (add(H, firstName=7), "firstName must be a string"),
    (add(H, country="USA"), "country must be an ISO 3166-1 alpha-2 code in upper case, such as US"),
    (add(H, country="us"), "country must be an ISO 3166-1 alpha-2 code in upper case, such as US"),
    (add(H, country="XX"), "country must be an ISO 3166-1 alpha-2 code in upper case, such as US"),
    (add(H, email="x@y.example"), "unrecognized field 'email'"),
])
def test_element_validation(sandbox, token, world, element, message):
    sid = new_segment(sandbox, token, world)
    r = send(sandbox, token, sid, [element])
    assert r.json() == {"elements": [{"status": 400, "message": message, "batchIndex": 0}]}


@pytest.mark.parametrize("element", [
    add(H, firstName="A" * 35, lastName="B" * 35, title="T" * 50, company="C" * 50, country="GB"),
    add("a7e1c2d4-0b5f-4e6a-9c3d-1f2e3a4b5c6d", "GOOGLE_AID"),
    add(sha512("x@y.example"), "SHA512_EMAIL"),
    {"action": "REMOVE", "userIds": [{"idType": "SHA256_EMAIL", "idValue": H},
                                     {"idType": "GOOGLE_AID", "idValue": "00000000-0000-4000-8000-000000000123"}]},
])
def test_valid_elements(sandbox, token, world, element):
    sid = new_segment(sandbox, token, world)
    assert send(sandbox, token, sid, [element]).json() == {"elements": [{"status": 201}]}


def test_id_type_settings(sandbox, token, world):
    sid = new_segment(sandbox, token, world)
    idfa = add("EA7583CD-A667-48BC-B806-42ECB2B48606", "APPLE_IDFA")
    sandbox.settings(apple_idfa_accepted=True, google_aid_without_hyphens=True)
    r = send(sandbox, token, sid, [idfa, add("ea7583cd-a667-48bc-b806-42ecb2b48606", "APPLE_IDFA"),
                                   add("a7e1c2d40b5f4e6a9c3d1f2e3a4b5c6d", "GOOGLE_AID")])
    assert [e["status"] for e in r.json()["elements"]] == [201, 400, 201]


# -- which segments take users --------------------------------------------------------------

def test_wrong_segments(sandbox, token, world):
    company = new_segment(sandbox, token, world, kind="COMPANY")
    r = send(sandbox, token, company, [add(H)])
    assert r.status_code == 400 and "COMPANY" in r.json()["message"]
    upload = new_segment(sandbox, token, world, kind="USER_LIST_UPLOAD")
    assert send(sandbox, token, upload, [add(H)]).status_code == 400
    assert send(sandbox, token, 123, [add(H)]).json()["message"] == "Could not find DMP segment with ID 123"
    closed = {world.segment_status(s): s.id for s in world.segments if s.type == "USER"}
    for status in ("EXPIRED", "ERROR"):
        r = send(sandbox, token, closed[status], [add(H)])
        assert r.status_code == 400 and status in r.json()["message"]
    ours = world.settings.partner_source_platform
    archived = next(s.id for s in world.segments
                    if s.type == "USER" and s.source_platform == ours and world.segment_status(s) == "ARCHIVED")
    assert send(sandbox, token, archived, [add(H)]).status_code == 200  # a change brings it back
    assert segment(sandbox, token, archived)["destinations"][0]["status"] == "READY"


def test_predictive_audiences_and_other_platforms_segments_take_no_upload(sandbox, token, world):
    """LinkedIn builds its predictive audiences itself; another partner's streaming segment is
    filled by that partner (the stricter reading, [U]; ``streaming_into_other_platforms``)."""
    sandbox.settings(segment_visibility_delay_seconds=0)
    usable = ("BUILDING", "UPDATING", "READY", "ARCHIVED")
    open_users = [s for s in world.segments if s.type == "USER" and world.segment_status(s) in usable]
    predictive = next(s for s in open_users if s.source_platform == "LINKEDIN_BUSINESS_OBJECTIVE_BASED_AUDIENCES")
    other = next(s for s in open_users if s.source_platform == "SEGMENT")
    r = send(sandbox, token, predictive.id, [add(H)])
    assert (r.status_code, r.json()["message"]) == (400, (
        f"DMP segment {predictive.id} is a predictive audience (LINKEDIN_BUSINESS_OBJECTIVE_BASED_AUDIENCES): "
        "LinkedIn chooses its members, no users can be added or removed"))
    r = send(sandbox, token, other.id, [add(H)])
    assert (r.status_code, r.json()["message"]) == (
        400, f"DMP segment {other.id} has sourcePlatform SEGMENT: only that platform streams users into it")
    sandbox.settings(streaming_into_other_platforms="accept")
    assert send(sandbox, token, other.id, [add(H)]).status_code == 200
    assert send(sandbox, token, predictive.id, [add(H)]).status_code == 400


def test_viewers_and_strangers_cannot_change_members(sandbox, world):
    sandbox.settings(segment_visibility_delay_seconds=0)
    brand = next(s for s in world.segments.of_account(account_id(world, "Northwind - Brand US"))
                 if s.type == "USER" and world.segment_status(s) == "READY")
    coop = next(s for s in world.segments.of_account(account_id(world, "Northwind - Partner Co-op")) if s.type == "USER")
    vic = sandbox.token("r_ads rw_dmp_segments", member="V1cV1ewer0")["access_token"]
    avery = sandbox.token("r_ads rw_dmp_segments")["access_token"]
    noa = sandbox.token("r_ads rw_dmp_segments", member="N0aNewc0mr")["access_token"]
    for tok, sid in ((vic, brand.id), (avery, coop.id), (noa, brand.id)):
        r = send(sandbox, tok, sid, [add(H)])
        assert r.status_code == 403
        assert r.json()["message"] == "Not enough permissions to access: dmpSegmentUsers.BATCH_CREATE.20260801"


# -- matching, counts, membership ----------------------------------------------------------

def test_matching_counts_and_exact_membership(sandbox, token, world):
    sid = new_segment(sandbox, token, world)
    live = people(world, 40)
    opted = people(world, 5, opted_out=True)
    strangers = [sha256(f"nobody{i}@nowhere.example") for i in range(30)]
    elements = [add(sha256(m.email)) for m in live + opted] + [add(h) for h in strangers]
    elements.append(add(sha256(live[0].email)))  # a duplicate element: one record
    assert {e["status"] for e in send(sandbox, token, sid, elements).json()["elements"]} == {201}
    got = segment(sandbox, token, sid)
    assert got["inputCount"] == 75
    assert got["destinations"][0]["matchedCount"] == 45
    assert got["destinations"][0]["audienceSize"] == 40  # opted-out members never count
    assert got["destinations"][0]["status"] == "READY"
    held = members(sandbox, sid)
    assert set(held["keys"]["SHA256_EMAIL"]) == {sha256(m.email) for m in live + opted} | set(strangers)
    assert held["counts"] == {"input": 75, "matched": 45, "audience": 40} and held["matched_members"] == 45
    # remove some, re-add one, remove something never added
    removing = [add(sha256(m.email), action="REMOVE") for m in live[:10]] + [add(strangers[0], action="REMOVE")]
    removing += [add(sha256("never@added.example"), action="REMOVE"), add(sha256(live[20].email))]
    assert {e["status"] for e in send(sandbox, token, sid, removing).json()["elements"]} == {201}
    held = members(sandbox, sid)
    assert set(held["keys"]["SHA256_EMAIL"]) == {sha256(m.email) for m in live[10:] + opted} | set(strangers[1:])
    assert held["counts"] == {"input": 35 + 29, "matched": 35, "audience": 30}
    assert "@" not in str(held)  # hashes only, never an address


def test_every_match_key(sandbox, token, world):
    sid = new_segment(sandbox, token, world)
    m = people(world, 6)
    no_work = next(p for p in people(world, 400) if p.work_email not in p.known_emails)
    elements = [
        add(sha256(m[0].email)),
        add(sha512(m[1].email), "SHA512_EMAIL"),
        add(m[2].android_ad_id, "GOOGLE_AID"),
        add(sha256("unknown@mail.example"), firstName=m[3].first_name.upper(), lastName=m[3].last_name,
            company=m[3].employer + ", Inc."),
        add(sha256("unknown2@mail.example"), firstName=m[4].first_name, lastName=m[4].last_name),  # no company
        add(sha256(no_work.work_email)),  # LinkedIn does not know this address
        add(sha256(m[5].email.upper())),  # not normalized before hashing: no match
    ]
    send(sandbox, token, sid, elements)
    assert members(sandbox, sid, keys=False)["counts"]["matched"] == 4


def test_business_emails_match_worse_than_personal_ones(world):
    sample = [m for m in world.population.members[3:2003]]
    known = lambda address: world.population.by_email(address) is not None  # noqa: E731
    work = sum(known(m.work_email) for m in sample) / len(sample)
    personal = sum(any(known(e) and "@" + e.split("@")[1] in (
        "@gmail.example", "@outlook.example", "@proton.example") for e in m.known_emails) for m in sample) / len(sample)
    assert 0.35 < work < 0.6 and personal > 0.7


def test_one_person_with_several_ids(sandbox, token, world):
    sid = new_segment(sandbox, token, world)
    person = people(world, 1)[0]
    both = {"action": "ADD", "userIds": [{"idType": "SHA256_EMAIL", "idValue": sha256(person.email)},
                                         {"idType": "GOOGLE_AID", "idValue": person.android_ad_id}]}
    send(sandbox, token, sid, [both, add(sha256(person.email))])
    held = members(sandbox, sid)
    assert held["counts"] == {"input": 1, "matched": 1, "audience": 1}
    assert set(held["keys"]) == {"SHA256_EMAIL", "GOOGLE_AID"}
    send(sandbox, token, sid, [add(person.android_ad_id, "GOOGLE_AID", action="REMOVE")])
    held = members(sandbox, sid)
    assert held["counts"] == {"input": 0, "matched": 0, "audience": 0} and held["keys"] == {}


def test_statuses_and_counts_follow_the_clock(sandbox, token, world):
    sandbox.settings(segment_build_seconds=120, segment_update_seconds=30)
    sid = new_segment(sandbox, token, world)
    batch = [add(sha256(m.email)) for m in people(world, 50)]
    send(sandbox, token, sid, batch[:30])
    got = segment(sandbox, token, sid)
    assert got["destinations"][0]["status"] == "BUILDING" and "inputCount" not in got
    sandbox.advance(121)
    got = segment(sandbox, token, sid)
    assert got["destinations"][0]["status"] == "READY" and got["inputCount"] == 30
    send(sandbox, token, sid, batch[30:])
    got = segment(sandbox, token, sid)
    assert got["destinations"][0]["status"] == "UPDATING" and got["inputCount"] == 30  # old counts until done
    assert members(sandbox, sid, keys=False)["counts"]["input"] == 50  # stored already
    sandbox.advance(20)
    send(sandbox, token, sid, [add(batch[0]["userIds"][0]["idValue"], action="REMOVE")])  # extends the update
    sandbox.advance(20)
    assert segment(sandbox, token, sid)["destinations"][0]["status"] == "UPDATING"
    sandbox.advance(11)
    got = segment(sandbox, token, sid)
    assert got["destinations"][0]["status"] == "READY" and got["inputCount"] == 49
    assert got["destinations"][0]["matchedCount"] == 49
    assert got["lastModified"] < got["destinations"][0]["lastModified"]


def test_changes_during_the_first_build_extend_it(sandbox, token, world):
    sandbox.settings(segment_build_seconds=10, segment_update_seconds=30)
    sid = new_segment(sandbox, token, world)
    sandbox.advance(5)
    send(sandbox, token, sid, [add(H)])
    sandbox.advance(10)
    assert segment(sandbox, token, sid)["destinations"][0]["status"] == "BUILDING"
    sandbox.advance(30)
    got = segment(sandbox, token, sid)
    assert got["destinations"][0]["status"] == "READY" and got["inputCount"] == 1


def test_adding_to_a_seeded_segment_adds_to_its_counts(sandbox, token, world):
    seeded = next(s for s in world.segments.of_account(account_id(world, "Northwind - Brand US"))
                  if s.name == "Newsletter subscribers (US)")
    before = segment(sandbox, token, seeded.id)
    send(sandbox, token, seeded.id, [add(sha256(m.email)) for m in people(world, 10)])
    after = segment(sandbox, token, seeded.id)
    assert after["inputCount"] == before["inputCount"] + 10
    assert after["destinations"][0]["audienceSize"] == before["destinations"][0]["audienceSize"] + 10
    held = members(sandbox, seeded.id)
    assert held["baseline"]["input"] == before["inputCount"] and len(held["keys"]["SHA256_EMAIL"]) == 10


# -- rate limits ---------------------------------------------------------------------------

def test_users_rate_limit_per_member_per_minute(sandbox, token, world):
    sandbox.settings(users_calls_per_minute=3, companies_calls_per_minute=1)
    sid = new_segment(sandbox, token, world)
    company_sid = new_segment(sandbox, token, world, kind="COMPANY")
    for _ in range(3):
        assert send(sandbox, token, sid, [add(H)]).status_code == 200
    r = send(sandbox, token, sid, [add(H)])
    assert r.status_code == 429 and "retry-after" not in {k.lower() for k in r.headers}
    assert r.json()["status"] == 429
    # companies have their own bucket; another member has their own too
    assert send(sandbox, token, company_sid, [{"action": "ADD", "companyName": "X"}], path="companies").status_code == 200
    assert send(sandbox, token, company_sid, [{"action": "ADD", "companyName": "X"}], path="companies").status_code == 429
    sandbox.advance(61)
    assert send(sandbox, token, sid, [add(H)]).status_code == 200


THROTTLED = {"status": 429, "code": "TOO_MANY_REQUESTS",
             "message": "Resource level throttle limit for calls to this resource is reached."}


def into_minute(sandbox, world, second: float) -> None:
    """Move the sandbox clock to ``second`` seconds into the next minute."""
    sandbox.advance(60 - world.clock.now() % 60 + second)


def test_the_daily_quota_holds_past_the_minute_until_midnight_utc(sandbox, token, world):
    sandbox.settings(users_calls_per_day=2)
    sid = new_segment(sandbox, token, world)
    sandbox.advance(86_400 - world.clock.now() % 86_400 + 3600)  # 01:00 UTC: the day's calls start
    assert [send(sandbox, token, sid, [add(H)]).status_code for _ in range(2)] == [200, 200]
    refused = send(sandbox, token, sid, [add(H)])
    assert refused.status_code == 429 and refused.json() == THROTTLED
    assert "retry-after" not in {k.lower() for k in refused.headers}
    sandbox.advance(61)
    assert send(sandbox, token, sid, [add(H)]).status_code == 429  # a new minute is not a new day
    sandbox.advance(23 * 3600 - 62)
    assert send(sandbox, token, sid, [add(H)]).status_code == 429  # 23:59 UTC
    sandbox.advance(61)
    assert send(sandbox, token, sid, [add(H)]).status_code == 200  # past midnight UTC


def test_refused_calls_count_against_neither_quota(sandbox, token, world):
    sandbox.settings(users_calls_per_minute=1, users_calls_per_day=2)
    sid = new_segment(sandbox, token, world)
    into_minute(sandbox, world, 5)
    assert [send(sandbox, token, sid, [add(H)]).status_code for _ in range(4)] == [200, 429, 429, 429]
    sandbox.advance(60)
    assert send(sandbox, token, sid, [add(H)]).status_code == 200  # the second call of the day


@pytest.mark.parametrize("window, at_next_minute", [("sliding", 429), ("clock", 200)])
def test_the_minute_slides_or_is_the_clocks(sandbox, token, world, window, at_next_minute):
    sandbox.settings(users_calls_per_minute=2, per_minute_window=window)
    sid = new_segment(sandbox, token, world)
    into_minute(sandbox, world, 10)
    assert [send(sandbox, token, sid, [add(H)]).status_code for _ in range(3)] == [200, 200, 429]
    into_minute(sandbox, world, 0.5)  # ~50 s after the calls, in the next minute
    assert send(sandbox, token, sid, [add(H)]).status_code == at_next_minute
    sandbox.advance(10)  # a whole minute after the calls
    assert send(sandbox, token, sid, [add(H)]).status_code == 200


def test_default_limits_are_linkedins(sandbox):
    settings = sandbox.control("GET", "/settings").json()
    assert settings["users_calls_per_minute"] == 600 and settings["companies_calls_per_minute"] == 300
    assert settings["users_calls_per_day"] == 10_000 and settings["companies_calls_per_day"] == 10_000
    assert settings["per_minute_window"] == "sliding"
    assert settings["max_batch_elements"] == 5000 and settings["segment_visibility_delay_seconds"] == 5


def test_a_big_upload_is_fast_and_exact(sandbox, token, world):
    sid = new_segment(sandbox, token, world)
    hashes = [sha256(f"person{i}@bulk.example") for i in range(50_000)]
    started = time.perf_counter()
    for start in range(0, len(hashes), 5000):
        r = send(sandbox, token, sid, [add(h) for h in hashes[start:start + 5000]])
        assert r.status_code == 200
    elapsed = time.perf_counter() - started
    assert elapsed < 10, elapsed
    held = members(sandbox, sid)
    assert held["counts"]["input"] == 50_000 and held["keys"]["SHA256_EMAIL"] == sorted(hashes)


def test_people_known_by_name_alone(sandbox, token, world):
    """[P] "no valid ID -> names required": first + last name (+ company) match; a setting refuses them."""
    sid = new_segment(sandbox, token, world)
    someone = people(world, 1)[0]
    by_name = {"action": "ADD", "userIds": [], "firstName": someone.first_name, "lastName": someone.last_name,
               "company": someone.employer}
    no_ids_key = {k: v for k, v in by_name.items() if k != "userIds"}
    half = {"action": "ADD", "firstName": someone.first_name}
    answer = send(sandbox, token, sid, [by_name, no_ids_key, half]).json()["elements"]
    assert [e["status"] for e in answer] == [201, 201, 400]
    assert answer[2]["message"] == "without userIds, firstName and lastName are required"
    held = members(sandbox, sid)
    assert held["counts"]["input"] == 1 and held["matched_members"] == 1
    remove = {**by_name, "action": "REMOVE", "firstName": someone.first_name.upper()}
    assert send(sandbox, token, sid, [remove]).json() == {"elements": [{"status": 201}]}
    assert members(sandbox, sid)["counts"]["input"] == 0
    sandbox.settings(name_only_users="reject")
    assert send(sandbox, token, sid, [by_name]).json()["elements"][0]["status"] == 400
