"""What a segment's numbers mean (linkedin-api.md §5.4): the 7-day match rate and readiness as two facts."""

import pytest

from linkedin.api.segment_numbers import Readiness, match_rate, match_rate_text, no_recent_uploads, rate_text, readiness


@pytest.mark.parametrize(
    "matched, inputs, rate, text",
    [(1400, 2000, 0.7, "70%"), (None, 2000, None, "n/a"), (5, None, None, "n/a"), (0, 0, None, "n/a"),
     (0, 10, 0.0, "0%"), (1, 1000, 0.001, "<1%"), (2, 3, 2 / 3, "67%")],
)
def test_match_rate_is_matched_over_input(matched, inputs, rate, text):
    assert match_rate(matched, inputs) == rate
    assert rate_text(rate) == text


@pytest.mark.parametrize(
    "matched, inputs, audience, text",
    [
        (29_760, 48_000, 27_000, "62% (last 7 days)"),
        (0, 60, 0, "0% (last 7 days)"),  # uploads this week, none matched: a real 0%
        (1, 1000, 900, "<1% (last 7 days)"),
        (None, None, 27_000, "no recent uploads"),  # LinkedIn dropped the counts, the audience stays
        (0, 0, 27_000, "no recent uploads"),  # ... or sent zeros: never "0%"
        (None, 0, 27_000, "no recent uploads"),
        (None, None, 0, "no recent uploads"),  # built, emptied long ago
        (None, None, None, "n/a"),  # building: no numbers at all yet
        (0, 0, None, "n/a"),
        (5, None, 300, "n/a"),  # a matched count without input: nothing to divide
    ],
)
def test_match_rate_text_says_the_window_or_no_recent_uploads(matched, inputs, audience, text):
    assert match_rate_text(matched, inputs, audience) == text
    assert no_recent_uploads(matched, inputs, audience) == (text == "no recent uploads")


@pytest.mark.parametrize(
    "status, size, expected",
    [
        ("READY", 300, Readiness(True, True, "targetable, serving", "300 members",
                                 "LinkedIn can show ads to this audience.")),
        ("READY", 212, Readiness(True, False, "targetable, not serving", "212 of the 300 members it needs",
                                 "Only 212 matched members: LinkedIn serves a segment from 300. Add more members.")),
        ("READY", 0, Readiness(True, False, "targetable, not serving", "0 of the 300 members it needs",
                               "Only 0 matched members: LinkedIn serves a segment from 300. Add more members.")),
        ("READY", None, Readiness(True, False, "targetable, not serving", "no audience size yet",
                                  "LinkedIn reports no audience size yet; it serves from 300 members.")),
        ("BUILDING", None, Readiness(
            True, False, "targetable, not serving", "no audience size yet",
            "LinkedIn is still matching the members (the first build takes up to 48 h); campaigns can use it "
            "meanwhile.")),
        ("UPDATING", 9_200, Readiness(
            True, True, "targetable, serving", "9,200 members",
            "LinkedIn is applying recent changes; campaigns keep using it meanwhile.")),
        ("UPDATING", 120, Readiness(
            True, False, "targetable, not serving", "120 of the 300 members it needs",
            "Only 120 matched members: LinkedIn serves a segment from 300. Add more members. LinkedIn is applying "
            "recent changes; campaigns keep using it meanwhile.")),
        ("ARCHIVED", 18_000, Readiness(
            True, True, "targetable, serving", "18,000 members",
            "Archived: not used or changed for 30 days. It can still be targeted; using it in a campaign or "
            "updating it brings it back before it expires (90 days).")),
        ("EXPIRED", 5_000, Readiness(False, False, "not targetable, not serving", "expired, its data deleted",
                                     "Not used for 90 days: LinkedIn deleted its data. Create the segment again.")),
        ("FAILED", None, Readiness(False, False, "not targetable, not serving", "LinkedIn reports FAILED",
                                   "LinkedIn reports FAILED: it cannot be used. Create it again or contact LinkedIn.")),
        ("ERROR", None, Readiness(False, False, "not targetable, not serving", "LinkedIn reports ERROR",
                                  "LinkedIn reports ERROR: it cannot be used. Create it again or contact LinkedIn.")),
        (None, None, Readiness(False, False, "not targetable, not serving", "no status",
                               "LinkedIn sent no status for this segment.")),
        ("PROCESSING", None, Readiness(False, False, "not targetable, not serving", "unknown status PROCESSING",
                                       "LinkedIn reports status 'PROCESSING', which the app does not know.")),
    ],
)
def test_readiness_is_targetable_and_serving(status, size, expected):
    assert readiness(status, size) == expected


def test_updating_and_archived_with_an_audience_are_ready_and_unusable_statuses_never_are():
    assert [readiness(s, 5_000).ready for s in ("BUILDING", "UPDATING", "READY", "ARCHIVED")] == [True] * 4
    assert [readiness(s, 5_000).ready for s in ("EXPIRED", "FAILED", "ERROR", None)] == [False] * 4


def test_readiness_text_names_both_facts_and_why():
    assert readiness("READY", 212).text == "targetable, not serving: 212 of the 300 members it needs"
    assert readiness("READY", 48_000).text == "targetable, serving: 48,000 members"
    assert readiness("EXPIRED", None).text == "not targetable, not serving: expired, its data deleted"
    assert readiness("READY", 212).headline == "Targetable, not serving: 212 of the 300 members it needs"
