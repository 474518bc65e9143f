"""The counts' 7-day window over HTTP (linkedin-api.md §5.4): inputCount and matchedCount cover
the uploads of the last 7 days, audienceSize everything; with nothing in the window the counts
are left out (the stricter reading) or sent as zeros (settings.no_recent_uploads_counts)."""

from __future__ import annotations

import pytest

from .test_segment_users import account_id, add, new_segment, people, segment, send, sha256

DAY = 86_400


@pytest.fixture
def token(sandbox) -> str:
    sandbox.settings(segment_visibility_delay_seconds=0, segment_build_seconds=0, segment_update_seconds=0)
    return sandbox.token("r_ads rw_dmp_segments")["access_token"]


def numbers(got: dict) -> tuple:
    """(inputCount, matchedCount, audienceSize, status), None for a field LinkedIn left out."""
    dest = got["destinations"][0]
    return got.get("inputCount"), dest.get("matchedCount"), dest.get("audienceSize"), dest["status"]


def fed(sandbox, token, world) -> int:
    """A new segment given 40 members LinkedIn knows and 10 strangers, processed at once."""
    sid = new_segment(sandbox, token, world)
    strangers = [add(sha256(f"nobody{i}@nowhere.example")) for i in range(10)]
    send(sandbox, token, sid, [add(sha256(m.email)) for m in people(world, 40)] + strangers)
    return sid


def test_counts_leave_the_window_after_7_days_and_the_audience_stays(sandbox, token, world):
    sid = fed(sandbox, token, world)
    assert numbers(segment(sandbox, token, sid)) == (50, 40, 40, "READY")
    sandbox.advance(7 * DAY - 60)
    assert numbers(segment(sandbox, token, sid)) == (50, 40, 40, "READY")  # still this week's upload
    sandbox.advance(DAY + 60)
    got = segment(sandbox, token, sid)
    assert numbers(got) == (None, None, 40, "READY")
    assert "inputCount" not in got and list(got["destinations"][0]) == [
        "destination", "destinationSegmentId", "status", "audienceSize", "created", "lastModified"]
    destination = sandbox.rest("GET", f"/rest/dmpSegments/{sid}/destinations/LINKEDIN", token).json()
    assert destination == got["destinations"][0]
    # A new upload opens the window again, with only itself in it; the audience keeps everything.
    send(sandbox, token, sid, [add(sha256(m.email)) for m in people(world, 50)[40:]])
    assert numbers(segment(sandbox, token, sid)) == (10, 10, 50, "READY")
    sandbox.advance(8 * DAY)
    assert numbers(segment(sandbox, token, sid)) == (None, None, 50, "READY")


def test_the_zeros_setting_sends_zero_counts_when_nothing_was_uploaded_this_week(sandbox, token, world):
    assert sandbox.state()["settings"]["no_recent_uploads_counts"] == "absent"  # the stricter reading by default
    sandbox.settings(no_recent_uploads_counts="zeros")
    sid = fed(sandbox, token, world)
    sandbox.advance(8 * DAY)
    got = segment(sandbox, token, sid)
    assert numbers(got) == (0, 0, 40, "READY")
    assert list(got["destinations"][0]) == [
        "destination", "destinationSegmentId", "status", "audienceSize", "matchedCount", "created", "lastModified"]
    bad = sandbox.control("POST", "/settings", {"no_recent_uploads_counts": "maybe"})
    assert bad.status_code == 400 and "no_recent_uploads_counts must be one of absent, zeros" in bad.text


def test_seeded_counts_go_after_8_days_and_idle_segments_have_none(sandbox, token, world):
    brand = {s.name: s for s in world.segments.of_account(account_id(world, "Northwind - Brand US"))}
    newsletter = brand["Newsletter subscribers (US)"]
    audience = newsletter.published.audience
    assert numbers(segment(sandbox, token, newsletter.id)) == (48_000, 29_760, audience, "READY")
    holiday = segment(sandbox, token, brand["Holiday campaign 2025"].id)  # 40 days without a change
    assert numbers(holiday) == (None, None, brand["Holiday campaign 2025"].published.audience, "ARCHIVED")
    sandbox.advance(8 * DAY)
    assert numbers(segment(sandbox, token, newsletter.id)) == (None, None, audience, "READY")
