"""The 429 wait rule, Retry-After and the countdown: pure functions, no HTTP, no waiting."""

import random

import pytest

from linkedin.api.waits import (
    MAX_RATE_LIMITED_TRIES,
    MAX_RETRY_AFTER,
    Wait,
    cause_of,
    countdown,
    rate_limit_wait,
    retry_after_seconds,
    summary,
    unavailable_reason,
)

MINUTE_START = 1_800_000_000.0  # a whole minute (1_800_000_000 is divisible by 60)


@pytest.mark.parametrize("value, seconds", [
    (None, None),
    ("", None),
    ("  ", None),
    ("0", 0.0),
    ("7", 7.0),
    (" 120 ", 120.0),
    ("-3", None),
    ("soon", None),
    ("1.5", None),  # RFC 9110: delta-seconds are whole
    ("Fri, 15 Jan 2027 08:00:30 GMT", 30.0),
    ("Fri, 15 Jan 2027 07:59:00 GMT", 0.0),  # a date in the past: no wait
])
def test_retry_after_is_seconds_or_an_http_date(value, seconds):
    now = 1_800_000_000.0 + 0  # 2027-01-15 08:00:00 UTC
    assert retry_after_seconds(value, now=now) == seconds


def test_without_retry_after_the_wait_ends_in_the_next_minute_window():
    assert rate_limit_wait(1, 0.0, None, now=MINUTE_START + 18, jitter=0) == 42.0
    assert rate_limit_wait(1, 0.0, None, now=MINUTE_START + 59.5, jitter=0) == 0.5
    assert rate_limit_wait(1, 0.0, None, now=MINUTE_START, jitter=0) == 60.0
    rng = random.Random(3)
    waits = [rate_limit_wait(1, 0.0, None, now=MINUTE_START + 18, rng=rng) for _ in range(50)]
    assert all(42.0 <= w <= 44.0 for w in waits) and len(set(waits)) > 1  # a small jitter


def test_without_retry_after_a_call_waits_at_least_a_minute_before_giving_up():
    # Walk the rule with a clock that moves by the waits and one second per call.
    for first in (0.0, 0.2, 30.0, 59.9):
        now, elapsed, attempt, waited = MINUTE_START + first, 0.0, 0, []
        while True:
            attempt += 1
            delay = rate_limit_wait(attempt, elapsed, None, now=now, rng=random.Random(attempt))
            if delay is None:
                break
            waited.append(delay)
            now += delay + 1.0
            elapsed += delay + 1.0
        assert 60.0 <= elapsed <= 125.0, (first, waited)
        assert 2 <= attempt <= 4


def test_a_call_gives_up_once_a_minute_has_passed():
    assert rate_limit_wait(2, 59.9, None, now=MINUTE_START + 59.9, jitter=0) == pytest.approx(0.1)
    assert rate_limit_wait(2, 60.0, None, now=MINUTE_START + 1) is None
    assert rate_limit_wait(2, 30.0, None, now=MINUTE_START + 1, patience=10) is None  # the policy's patience


def test_retry_after_is_honoured_in_seconds_or_as_a_date():
    assert rate_limit_wait(1, 0.0, "3", now=MINUTE_START + 18) == 3.0
    assert rate_limit_wait(4, 100.0, "3", now=MINUTE_START + 18) == 3.0  # not bound to the minute rule
    assert rate_limit_wait(1, 0.0, "Fri, 15 Jan 2027 08:01:00 GMT", now=MINUTE_START) == 60.0


def test_a_retry_after_past_the_longest_wait_gives_up():
    assert rate_limit_wait(1, 0.0, str(int(MAX_RETRY_AFTER)), now=MINUTE_START) == MAX_RETRY_AFTER
    assert rate_limit_wait(1, 1.0, str(int(MAX_RETRY_AFTER)), now=MINUTE_START) is None
    assert rate_limit_wait(1, 0.0, "86400", now=MINUTE_START) is None  # "come back tomorrow": pause instead


def test_tries_are_bounded_even_when_the_clock_stands_still():
    assert rate_limit_wait(MAX_RATE_LIMITED_TRIES - 1, 0.0, None, now=MINUTE_START) is not None
    assert rate_limit_wait(MAX_RATE_LIMITED_TRIES, 0.0, None, now=MINUTE_START) is None
    assert rate_limit_wait(MAX_RATE_LIMITED_TRIES, 0.0, "1", now=MINUTE_START) is None


def test_countdown_reports_each_second_and_sleeps_the_whole_wait():
    reported, slept = [], []
    countdown(3.5, sleep=slept.append, report=reported.append)
    assert reported == [3.5, 2.5, 1.5, 0.5]
    assert slept == [1.0, 1.0, 1.0, 0.5]
    reported.clear()
    countdown(0.0, sleep=slept.append, report=reported.append)
    assert reported == []


def test_a_wait_says_what_and_when_in_words():
    wait = Wait(42.0, 42.0, "LinkedIn's per-minute limit", 429)
    assert wait.starting and wait.text == "LinkedIn's per-minute limit: retrying in 42 s"
    later = Wait(42.0, 41.3, "LinkedIn's per-minute limit", 429)
    assert not later.starting and later.text == "LinkedIn's per-minute limit: retrying in 42 s"
    assert Wait(5.0, 0.4, "LinkedIn needs a few seconds", then="sending").text == "LinkedIn needs a few seconds: sending in 1 s"


@pytest.mark.parametrize("status, kind, reason", [
    (429, "rate_limit", None),
    (500, "unavailable", "LinkedIn had an internal error"),
    (502, "unavailable", "LinkedIn's gateway got no answer from LinkedIn"),
    (503, "unavailable", "LinkedIn was unavailable"),
    (504, "unavailable", "LinkedIn took too long to answer"),
    (599, "unavailable", "LinkedIn failed on its side"),
    (404, "not_visible", None),
    (None, "network", None),
])
def test_each_cause_is_named_from_the_status_and_a_5xx_is_never_a_rate_limit(status, kind, reason):
    assert cause_of(status) == kind
    if reason:
        assert unavailable_reason(status) == reason


def test_a_runs_waits_are_summed_up_per_cause_in_the_analysts_words():
    waits = [Wait(42.0, 42.0, "LinkedIn's per-minute limit", 429), Wait(60.0, 60.0, "LinkedIn's per-minute limit", 429),
             Wait(3.0, 3.0, "LinkedIn was unavailable", 503),
             Wait(5.0, 5.0, "LinkedIn needs a few seconds", then="sending", cause="settling"),
             Wait(1.0, 1.0, "LinkedIn could not be reached", cause="network")]
    assert summary(waits) == ("Waited 5 times, 111 s in all: twice for LinkedIn's rate limit (HTTP 429); "
                              "once because LinkedIn was unavailable (HTTP 503); once because LinkedIn could not be "
                              "reached; once for LinkedIn to set up the new segment")
    assert summary(waits[2:3]) == "Waited once, 3 s in all: once because LinkedIn was unavailable (HTTP 503)"
    assert summary([]) == ""
    assert [w.because for w in waits[1:3]] == ["LinkedIn's per-minute limit (HTTP 429)",
                                               "LinkedIn was unavailable (HTTP 503)"]
