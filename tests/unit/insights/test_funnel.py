"""The funnel of an upload run: its steps, the biggest loss in words, and LinkedIn's steps from snapshots."""

from __future__ import annotations

from linkedin.api.segments import Segment
from linkedin.insights.funnel import NOT_REPORTED, Step, biggest_loss, build, of_run, published_after
from linkedin.insights.history import History, Snapshot
from linkedin.store import Store
from linkedin.sync.profiles import Profile, Profiles
from linkedin.sync.runs import Run, Uploads

LINKEDIN = "https://api.linkedin.com"

ACCOUNT = "urn:li:sponsoredAccount:1"


def run(**kw) -> Run:
    base = dict(id="r1", segment_id="7", segment_name="Leads", account=ACCOUNT, kind="users", mode="add",
                state="done", total=600, pending=0, accepted=580, rejected=20, needs_file=False, created_at=100.0,
                updated_at=200.0, message=None, owner="me")
    return Run(**{**base, **kw})


PROFILE = Profile(kind="users", rows=1000, valid=620, unique=600, to_add=600)


def snap(taken: float, status="READY", matched=400, size=370) -> Snapshot:
    return Snapshot(7, ACCOUNT, "Leads", status, 600, matched, size, 1, taken, taken)


def test_every_step_with_linkedin_reported_and_the_biggest_loss_named():
    funnel = build(run(), PROFILE, {"accepted": 580, "rejected": 20}, snap(300.0))
    assert [(s.name, s.count) for s in funnel.steps] == [
        ("Rows in the file", 1000), ("Valid", 620), ("Unique", 600), ("Sent", 600), ("Accepted by LinkedIn", 580),
        ("Matched (LinkedIn, 7 days)", 400), ("Audience size", 370)]
    assert funnel.biggest_loss == "38% of the rows had no usable email, mobile ad id or name."
    assert funnel.reported


def test_linkedin_steps_wait_for_a_ready_snapshot_taken_after_the_run():
    funnel = build(run(), PROFILE, {"accepted": 580, "rejected": 20}, None)
    assert [(s.count, s.note) for s in funnel.steps[-2:]] == [(None, NOT_REPORTED), (None, NOT_REPORTED)]
    assert NOT_REPORTED == "LinkedIn has not reported yet (usually within 48 h)"
    assert not funnel.reported
    # before the run ended, still UPDATING, or without counts: not LinkedIn's answer to it
    snaps = [snap(150.0), snap(250.0, status="UPDATING"), snap(260.0, matched=None), snap(300.0), snap(400.0)]
    assert published_after(snaps, 200.0) == snap(300.0)
    assert published_after(snaps[:3], 200.0) is None


def test_a_paused_run_names_what_is_not_sent_yet():
    funnel = build(run(state="paused", pending=500), PROFILE, {"accepted": 100, "pending": 500}, None)
    assert funnel.steps[3] == Step("Sent", 100, "500 not sent yet")
    assert funnel.biggest_loss == "50% of the rows were not sent yet (the run is paused)."


def test_a_second_run_of_the_same_table_loses_rows_to_what_was_sent_before():
    profile = Profile(kind="companies", rows=100, valid=95, unique=90, unchanged=80, to_add=10)
    funnel = build(run(kind="companies"), profile, {"accepted": 10}, None)
    assert funnel.biggest_loss == "80% of the rows were already in the segment (sent by an earlier run)."


def test_no_loss_is_no_sentence_and_an_empty_file_has_none():
    assert biggest_loss([Step("Rows in the file", 5), Step("Valid", 5)], kind="users") is None
    assert biggest_loss([Step("Rows in the file", 0), Step("Valid", 0)], kind="users") is None


def test_a_run_without_a_profile_says_why_its_first_steps_are_unknown():
    funnel = build(run(), None, {"accepted": 580, "rejected": 20}, None)
    assert [s.count for s in funnel.steps[:3]] == [None, None, None]
    assert funnel.steps[0].note == "not recorded for runs from before this version"
    assert funnel.biggest_loss is None  # nothing to compare the loss with


def test_of_run_reads_profile_items_and_snapshots_from_the_store():
    store = Store(":memory:")
    uploads = Uploads(store)
    run_id = uploads.create(owner="me", segment_id=7, segment_name="Leads", account=ACCOUNT, kind="users",
                            mode="add", items=[("k1", "ADD"), ("k2", "ADD"), ("k3", "ADD")], needs_file=False)
    uploads.mark(run_id, [(0, "accepted", 200, None), (1, "accepted", 200, None), (2, "rejected", 400, "bad")])
    uploads.set_state(run_id, "done")
    Profiles(store).save(run_id, segment_id=7, account=ACCOUNT,
                         profile=Profile(kind="users", rows=5, valid=4, unique=3, to_add=3))
    the_run = uploads.get(run_id)
    History(store, linkedin=LINKEDIN).record([Segment.from_api({"id": 7, "name": "Leads", "account": ACCOUNT, "inputCount": 3,
                                             "destinations": [{"destination": "LINKEDIN", "status": "READY",
                                                               "matchedCount": 2, "audienceSize": 2}]})],
                          at=the_run.updated_at + 60)
    funnel = of_run(store, the_run, accounts=[ACCOUNT], linkedin=LINKEDIN)
    assert [s.count for s in funnel.steps] == [5, 4, 3, 3, 2, 2, 2]
    assert of_run(store, the_run, accounts=["urn:li:sponsoredAccount:2"], linkedin=LINKEDIN).steps[-1].count is None
