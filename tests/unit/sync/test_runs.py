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
    rows = uploads.store.db.execute("select seq, key, action, status from run_items where run_id = ? order by seq",
                                    [run_id]).fetchall()
    assert rows == [(0, "k0", "REMOVE", "pending"), (1, "k1", "REMOVE", "pending"),
                    *[(2 + i, k, "ADD", "pending") for i, k in enumerate(hexed)]]
    assert uploads.get(run_id).total == 5
