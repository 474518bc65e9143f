"""A segment id on another LinkedIn (the sandbox or real LinkedIn: another API address) is another
segment: the ledger and the segment history never mix them, and rows from before they were
keyed so are given the LinkedIn their upload runs went to."""

import sqlite3

from linkedin.api.segments import Segment
from linkedin.insights.history import History
from linkedin.store import Store
from linkedin.sync.ledger import Ledger

REAL = "https://api.linkedin.com"
SANDBOX = "http://127.0.0.1:8501/sandbox"
KEY = "k" * 40
ACCOUNT = "urn:li:sponsoredAccount:1"


def seg(seg_id, status="READY", size=1000):
    return Segment.from_api({"id": seg_id, "name": f"S{seg_id}", "account": ACCOUNT, "inputCount": 10,
                             "destinations": [{"destination": "LINKEDIN", "status": status, "audienceSize": size}]})


def test_the_same_segment_id_on_two_linkedins_keeps_two_ledgers():
    store = Store()
    real, sandbox = Ledger(store, linkedin=REAL), Ledger(store, linkedin=SANDBOX)
    real.record(77, "ADD", [("a", {"userIds": []}), ("b", {"userIds": []})])
    sandbox.record(77, "ADD", [("c", {"userIds": []})])
    assert (real.keys(77), sandbox.keys(77), real.count(77), sandbox.count(77)) == ({"a", "b"}, {"c"}, 2, 1)
    assert sandbox.plan(77, ["c"], "mirror").summary() == {"add": 0, "remove": 0, "unchanged": 1, "in_ledger": 1,
                                                          "after": 1}
    sandbox.record(77, "REMOVE", [("a", {})])  # the sandbox's REMOVE never touches real LinkedIn's record
    assert real.keys(77) == {"a", "b"}


def test_the_same_segment_id_on_two_linkedins_keeps_two_histories():
    store = Store()
    History(store, linkedin=REAL).record([seg(77, size=50_000)], at=1.0)
    History(store, linkedin=SANDBOX).record([seg(77, status="BUILDING", size=None)], at=2.0)
    assert [s.audience_size for s in History(store, linkedin=REAL).of(77, accounts=[ACCOUNT])] == [50_000]
    assert [s.status for s in History(store, linkedin=SANDBOX).of(77, accounts=[ACCOUNT])] == ["BUILDING"]


def old_store(path):
    """A store file as the app wrote it before the ledger and history were keyed by LinkedIn."""
    db = sqlite3.connect(path)
    db.executescript("""
        create table ledger (segment_id text, key text, ids text, sent_at float, primary key (segment_id, key));
        create table runs (id text primary key, owner text, segment_id text, segment_name text, account text,
                           kind text, mode text, state text, total int, needs_file int, created_at float,
                           updated_at float, message text);
        create table segment_snapshots (id integer primary key, segment_id int, account_urn text, name text,
                           status text, input_count int, matched_count int, audience_size int,
                           last_modified_ms int, taken_at float, seen_at float);
    """)
    db.executemany("insert into runs (id, owner, segment_id, account) values (?, ?, ?, ?)", [
        ("r1", f"{SANDBOX}|urn:li:person:A", "77", "urn:li:sponsoredAccount:5"),
        ("r2", f"{REAL}|urn:li:person:B", "88", "urn:li:sponsoredAccount:6"),
        ("r3", None, "99", "urn:li:sponsoredAccount:7"),  # a run from before owners
    ])
    db.executemany("insert into ledger values (?, ?, '{}', 0)", [("77", "a"), ("88", "b"), ("99", "c")])
    db.executemany("insert into segment_snapshots (segment_id, account_urn, name, taken_at, seen_at) "
                   "values (?, ?, 'S', 0, 0)",
                   [(77, "urn:li:sponsoredAccount:5"), (55, "urn:li:sponsoredAccount:6"),
                    (66, "urn:li:sponsoredAccount:8")])
    db.commit()
    db.close()


def test_rows_from_before_take_the_linkedin_their_runs_went_to_else_the_openers(tmp_path):
    path = tmp_path / "app.db"
    old_store(path)
    store = Store(path, token_key=KEY)
    Ledger(store, linkedin=REAL)  # opened by a real-LinkedIn app: what no run tells goes to it
    History(store, linkedin=REAL)
    kept = {(base, seg): Ledger(store, linkedin=base).keys(seg) for base in (SANDBOX, REAL) for seg in ("77", "88", "99")}
    assert {where: keys for where, keys in kept.items() if keys} == {
        (SANDBOX, "77"): {"a"}, (REAL, "88"): {"b"}, (REAL, "99"): {"c"}}
    assert "ledger" not in store.db.table_names()  # a row a key no more: parts (``ledger_parts``)
    assert Ledger(store, linkedin=REAL).identities("88", ["b"]) == {"b": {}}
    assert store.db.execute("select linkedin, segment_id from segment_snapshots order by id").fetchall() == [
        (SANDBOX, 77),  # by its segment's run
        (REAL, 55),  # by its account's run
        (REAL, 66),  # no run: the opener's
    ]
    assert Ledger(Store(path, token_key=KEY), linkedin=SANDBOX).keys(77) == {"a"}  # reopened: nothing moves
    assert Ledger(store, linkedin=REAL).keys(77) == set()
