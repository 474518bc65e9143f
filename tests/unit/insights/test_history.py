"""Segment snapshots in the store: one row per stretch of identical readings."""

from linkedin.api.segments import Segment
from linkedin.insights.history import History, Snapshot
from linkedin.store import Store

API = "https://api.linkedin.com"  # the LinkedIn these ledgers and histories belong to

ACCOUNT = "urn:li:sponsoredAccount:1"


def seg(seg_id=1, status="BUILDING", size=None, matched=None, inputs=1000, modified=1_000):
    dest = {"destination": "LINKEDIN", "status": status}
    if size is not None:
        dest.update(audienceSize=size, matchedCount=matched)
    return Segment.from_api({"id": seg_id, "name": f"S{seg_id}", "account": ACCOUNT, "inputCount": inputs,
                             "lastModified": modified, "destinations": [dest]})


def test_identical_readings_extend_one_row_and_changes_start_new_ones():
    history = History(Store(":memory:"), linkedin=API)
    assert history.record([seg()], at=100.0) == 1
    assert history.record([seg()], at=160.0) == 0
    assert history.record([seg(status="READY", size=800, matched=900, modified=2_000)], at=220.0) == 1
    assert history.record([seg(status="READY", size=800, matched=900, modified=2_000)], at=280.0) == 0
    assert history.record([seg()], at=340.0) == 1  # back to an earlier state: a new stretch, not a merge
    assert history.of(1, accounts=[ACCOUNT]) == [
        Snapshot(1, ACCOUNT, "S1", "BUILDING", 1000, None, None, 1_000, 100.0, 160.0),
        Snapshot(1, ACCOUNT, "S1", "READY", 1000, 900, 800, 2_000, 220.0, 280.0),
        Snapshot(1, ACCOUNT, "S1", "BUILDING", 1000, None, None, 1_000, 340.0, 340.0),
    ]
    assert history.of(1, accounts=[ACCOUNT])[1].match_rate == 0.9
    assert history.of(2, accounts=[ACCOUNT]) == []


def test_seen_at_never_moves_back():
    history = History(Store(":memory:"), linkedin=API)
    history.record([seg()], at=500.0)
    history.record([seg()], at=400.0)  # a slow reader finishing late
    assert [(s.taken_at, s.seen_at) for s in history.of(1, accounts=[ACCOUNT])] == [(500.0, 500.0)]


def test_many_segments_in_one_call_and_the_table_survives_a_second_history(tmp_db):
    store = Store(tmp_db)
    history = History(store, linkedin=API)
    many = [seg(i, status="READY", size=i, matched=i) for i in range(1, 1201)]  # > sqlite's parameter chunk
    assert history.record(many, at=1.0) == 1200
    assert History(Store(tmp_db), linkedin=API).record(many, at=2.0) == 0  # same file, table reused
    changed = many[:-1] + [seg(1200, status="ARCHIVED", size=1200, matched=1200)]
    assert history.record(changed, at=3.0) == 1
    assert store.db["segment_snapshots"].count == 1201
    assert [s.status for s in history.of(1200, accounts=[ACCOUNT])] == ["READY", "ARCHIVED"]
    assert history.of(7, accounts=[ACCOUNT])[0].seen_at == 3.0


def test_history_is_handed_out_only_for_the_readers_accounts():
    history = History(Store(":memory:"), linkedin=API)
    history.record([seg(1)], at=100.0)
    other = Segment.from_api({"id": 2, "name": "Theirs", "account": "urn:li:sponsoredAccount:2", "inputCount": 5,
                              "destinations": [{"destination": "LINKEDIN", "status": "BUILDING"}]})
    history.record([other], at=100.0)
    assert [s.name for s in history.of(1, accounts=[ACCOUNT])] == ["S1"]
    assert history.of(2, accounts=[ACCOUNT]) == []  # another account's segment: nothing, not even its name
    assert history.of(1, accounts=[]) == []
    assert [s.name for s in history.of(2, accounts=[ACCOUNT, "urn:li:sponsoredAccount:2"])] == ["Theirs"]
