"""Upload runs belong to the member who started them: listed and resumed by that member only."""

from __future__ import annotations

import pytest

from linkedin.store import Store
from linkedin.sync.runs import Uploads
from linkedin.tables import keyarrays

AVERY = "http://sandbox|urn:li:person:Av3ryAn4ly"
VIC = "http://sandbox|urn:li:person:V1cV1ewer0"


def start(uploads: Uploads, owner: str, segment_id: int = 1) -> str:
    return uploads.create(owner=owner, segment_id=segment_id, segment_name=f"S{segment_id}",
                          account="urn:li:sponsoredAccount:1", kind="users", mode="add",
                          items=[("k1", "ADD"), ("k2", "ADD")], needs_file=False)


def test_each_member_lists_and_finds_only_their_own_runs():
    uploads = Uploads(Store())
    averys = [start(uploads, AVERY, 1), start(uploads, AVERY, 2)]
    vics = start(uploads, VIC, 1)  # the same segment: ad accounts are shared, runs are not
    assert {r.id for r in uploads.latest(AVERY)} == set(averys)
    assert [r.id for r in uploads.latest(VIC)] == [vics]
    assert uploads.latest("http://sandbox|urn:li:person:N0aNewc0mr") == []
    assert uploads.owned(AVERY, averys[0]).owner == AVERY
    assert uploads.owned(VIC, averys[0]) is None and uploads.owned(AVERY, vics) is None
    assert uploads.get(vics).owner == VIC  # the sender's own look-up by id, for a run already in hand


def test_a_run_needs_an_owner():
    with pytest.raises(ValueError, match="needs an owner"):
        start(Uploads(Store()), "")


def test_runs_from_before_owners_belong_to_nobody(tmp_db):
    store = Store(tmp_db)
    with store.lock:  # the runs table as it was before owners were recorded, with one paused run
        store.db["runs"].create(
            {"id": str, "segment_id": str, "segment_name": str, "account": str, "kind": str, "mode": str,
             "state": str, "total": int, "needs_file": int, "created_at": float, "updated_at": float,
             "message": str}, pk="id")
        store.db["runs"].insert({"id": "old", "segment_id": "1", "segment_name": "S1", "account": "a",
                                 "kind": "users", "mode": "add", "state": "paused", "total": 2, "needs_file": 0,
                                 "created_at": 1.0, "updated_at": 1.0, "message": None})
    uploads = Uploads(Store(tmp_db))  # migrates: the owner column is added, the old run keeps none
    assert "owner" in store.db["runs"].columns_dict
    assert uploads.get("old").owner is None
    assert uploads.latest(AVERY) == [] and uploads.owned(AVERY, "old") is None
    new = start(uploads, AVERY)
    assert [r.id for r in uploads.latest(AVERY)] == [new]
    assert [r.id for r in Uploads(Store(tmp_db)).latest(AVERY)] == [new]  # a second open migrates nothing


def test_items_given_as_key_columns_are_written_in_order_after_the_pairs():
    uploads = Uploads(Store())
    hexed = [f"{i:064x}" for i in range(3)]
    run_id = uploads.create(owner=AVERY, segment_id=1, segment_name="S", account="a", kind="users", mode="mirror",
                            items=[("k0", "REMOVE")], needs_file=False,
                            columns=[("REMOVE", keyarrays.as_bytes(["k1"])), ("ADD", keyarrays.as_bytes(hexed))])
    rows = [item[:4] for item in uploads.items(run_id)]
    assert rows == [(0, "k0", "REMOVE", "pending"), (1, "k1", "REMOVE", "pending"),
                    *[(2 + i, k, "ADD", "pending") for i, k in enumerate(hexed)]]
    assert uploads.get(run_id).total == 5


def test_items_are_stored_a_part_at_a_time_and_answers_rewrite_only_their_part(monkeypatch):
    monkeypatch.setattr("linkedin.sync.runs.PART", 3)
    uploads = Uploads(Store())
    run_id = uploads.create(owner=AVERY, segment_id=1, segment_name="S", account="a", kind="users", mode="mirror",
                            items=[("r0", "REMOVE"), ("r1", "REMOVE")] + [(f"a{i}", "ADD") for i in range(7)],
                            needs_file=False)
    parts = uploads.store.db.execute("select action, first_seq, n from run_parts where run_id = ? order by part",
                                     [run_id]).fetchall()
    assert parts == [("REMOVE", 0, 2), ("ADD", 2, 3), ("ADD", 5, 3), ("ADD", 8, 1)]  # one action a part
    batch = uploads.pending_batch(run_id, limit=4, after=0)  # across parts and actions, after seq 0
    assert batch.seqs.tolist() == [1, 2, 3, 4] and batch.adds.tolist() == [False, True, True, True]
    assert batch.items()[:2] == [(1, "r1", "REMOVE"), (2, "a0", "ADD")]
    assert uploads.pending(run_id, limit=9, action="ADD")[-1] == (8, "a6", "ADD")
    uploads.mark(run_id, [(3, "rejected", 400, "bad"), (4, "rejected", None, None)],
                 pending_between=(1, 5, "accepted", 201))
    assert uploads.counts(run_id) == {"pending": 4, "accepted": 3, "rejected": 2}
    assert uploads.counts_by_action(run_id) == {("REMOVE", "pending"): 1, ("REMOVE", "accepted"): 1,
                                                ("ADD", "accepted"): 2, ("ADD", "rejected"): 2, ("ADD", "pending"): 3}
    assert uploads.rejected(run_id, limit=5) == [("a1", "ADD", 400, "bad"), ("a2", "ADD", None, None)]
    assert uploads.rejections(run_id) == [("LinkedIn gave no reason", 1), ("bad", 1)]
    assert uploads.results(run_id)["a3"] == ("ADD", "accepted", 201, None)
    uploads.mark(run_id, [(3, "accepted", 200, None)])  # a rejection answered again: its reason goes
    assert uploads.rejected(run_id, limit=5) == [("a2", "ADD", None, None)]
    assert uploads.store.db.execute("select count(*) from run_messages").fetchone() == (0,)
    columns: dict[tuple[str, str], list[str]] = {}
    for status, action, keys in uploads.key_parts(run_id):
        assert keys.dtype == "S64" and not keyarrays.full_width(keys)  # keys of another width than SHA-256's
        columns.setdefault((status, action), []).extend(keyarrays.strings(keys))
    assert columns[("accepted", "ADD")] == ["a0", "a1", "a3"] and columns[("pending", "REMOVE")] == ["r0"]


def test_runs_stored_an_item_a_row_are_moved_into_parts(tmp_db, monkeypatch):
    monkeypatch.setattr("linkedin.sync.runs.PART", 2)  # read and written two items at a time
    store = Store(tmp_db)
    key = "e" * 64
    with store.lock:  # run_items as it was: a row an item
        store.db["run_items"].create({"run_id": str, "seq": int, "key": str, "action": str, "status": str,
                                      "http_status": int, "message": str}, pk=("run_id", "seq"))
        store.db["run_items"].insert_all([
            {"run_id": "old", "seq": 0, "key": "r", "action": "REMOVE", "status": "accepted", "http_status": 201},
            {"run_id": "old", "seq": 1, "key": key, "action": "ADD", "status": "rejected", "http_status": 400,
             "message": "bad id"},
            {"run_id": "old", "seq": 2, "key": "a2", "action": "ADD", "status": "pending"}])
    uploads = Uploads(Store(tmp_db))
    assert "run_items" not in store.db.table_names()
    assert list(uploads.items("old")) == [(0, "r", "REMOVE", "accepted", 201, None),
                                          (1, key, "ADD", "rejected", 400, "bad id"),
                                          (2, "a2", "ADD", "pending", None, None)]
    assert uploads.pending("old", limit=5) == [(2, "a2", "ADD")]
