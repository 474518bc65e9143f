"""Since your last visit: the fresh reading against the state stored at the last visit; nothing polled."""

from __future__ import annotations

from linkedin.api.accounts import Account
from linkedin.api.segments import Segment
from linkedin.insights.history import History
from linkedin.insights.visits import Change, Visits, changes
from linkedin.store import Store
from linkedin.sync.runs import Uploads

LINKEDIN = "https://api.linkedin.com"

BRAND = Account(1, "Brand", "ACTIVE", "BUSINESS", "USD", False, "ACCOUNT_MANAGER")


def seg(seg_id: int, status: str, size: int | None = None, matched: int | None = None, inputs: int = 1000) -> Segment:
    dest = {"destination": "LINKEDIN", "status": status}
    if size is not None:
        dest.update(audienceSize=size, matchedCount=matched)
    return Segment.from_api({"id": seg_id, "name": f"S{seg_id}", "account": BRAND.urn, "inputCount": inputs,
                             "destinations": [dest]})


def test_visits_remember_the_latest_time_per_member():
    visits = Visits(Store(":memory:"))
    assert visits.last("me") is None
    visits.record("me", 100.0)
    visits.record("me", 50.0)  # a slow tab finishing late never moves it back
    visits.record("you", 70.0)
    assert (visits.last("me"), visits.last("you")) == (100.0, 70.0)


def test_each_kind_of_segment_change_is_reported_once_in_words():
    store = Store(":memory:")
    history = History(store, linkedin=LINKEDIN)
    history.record([seg(1, "BUILDING"), seg(2, "READY", 5000, 6000), seg(3, "READY", 900, 950),
                    seg(4, "READY", 400, 500), seg(5, "ARCHIVED", 800, 900), seg(6, "READY", 800, 900),
                    seg(7, "BUILDING")], at=100.0)
    now = [seg(1, "READY", 700, 620), seg(2, "ARCHIVED", 5000, 6000), seg(3, "EXPIRED"), seg(4, "READY", 250, 280),
           seg(5, "ARCHIVED", 800, 900), seg(6, "FAILED"), seg(7, "BUILDING"), seg(8, "READY", 900, 950)]
    history.record(now, at=200.0)
    found = changes(store, [(BRAND, s) for s in now], since=150.0, linkedin=LINKEDIN)
    assert [(c.kind, c.segment_id) for c in found] == [
        ("failed", 6), ("expired", 3), ("archived", 2), ("under_300", 4), ("ready", 1)]
    ready = found[-1]
    assert ready == Change("ready", "Brand (1)", "S1", "Finished building: match rate 62% (last 7 days), audience 700.",
                           1, "62% (last 7 days)", 700)


def test_nothing_changed_when_the_last_visit_already_saw_this_state():
    store = Store(":memory:")
    History(store, linkedin=LINKEDIN).record([seg(1, "BUILDING")], at=100.0)
    History(store, linkedin=LINKEDIN).record([seg(1, "READY", 700, 620)], at=200.0)
    assert changes(store, [(BRAND, seg(1, "READY", 700, 620))], since=250.0, linkedin=LINKEDIN) == []


def test_snapshots_of_accounts_the_reader_cannot_see_are_never_compared():
    store = Store(":memory:")
    History(store, linkedin=LINKEDIN).record([seg(1, "BUILDING")], at=100.0)
    other = Account(2, "Other", "ACTIVE", "BUSINESS", "USD", False, "VIEWER")
    assert changes(store, [(BRAND, seg(1, "READY", 700, 620))], since=150.0, linkedin=LINKEDIN,
                   accounts=[other.urn]) == []


def test_uploads_that_finished_or_paused_since_the_visit_are_listed():
    store = Store(":memory:")
    uploads = Uploads(store)
    done = uploads.create(owner="me", segment_id=1, segment_name="Leads", account=BRAND.urn, kind="users",
                          mode="add", items=[("k1", "ADD")], needs_file=False)
    uploads.mark(done, [(0, "accepted", 200, None)])
    uploads.set_state(done, "done")
    paused = uploads.create(owner="me", segment_id=2, segment_name="Big", account=BRAND.urn, kind="users",
                            mode="add", items=[("k1", "ADD"), ("k2", "ADD")], needs_file=False)
    uploads.set_state(paused, "paused")
    uploads.create(owner="you", segment_id=3, segment_name="Theirs", account=BRAND.urn, kind="users", mode="add",
                   items=[("k1", "ADD")], needs_file=False)
    found = changes(store, [(BRAND, seg(1, "READY", 700, 620))], since=0.0, linkedin=LINKEDIN, owner="me")
    assert [(c.kind, c.subject, c.message) for c in found] == [
        ("upload_paused", "Big", "Upload paused with 2 still to send: resume it on the Uploads page."),
        ("upload_done", "Leads", "Upload finished: 1 accepted, 0 rejected by LinkedIn.")]
    assert changes(store, [], since=10 ** 12, linkedin=LINKEDIN, owner="me") == []
