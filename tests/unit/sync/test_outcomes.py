"""Row counts of a run from the store (``sync.outcomes``) agree with the per-row results file."""

from __future__ import annotations

from pathlib import Path

from linkedin.store import Store
from linkedin.sync import outcomes
from linkedin.sync.runs import Uploads
from linkedin.sync.upload import results
from linkedin.tables.preparation import prepare

CONTACTS = Path(__file__).resolve().parents[3] / "data" / "contacts_sample.csv"
OWNER = "http://sandbox|urn:li:person:Av3ryAn4ly"


def _run(store: Store, prepared, *, rejected_every: int, pending_every: int) -> str:
    """A run of every key of ``prepared`` but the first ten (already in the segment): some
    accepted, every n-th rejected, every m-th still pending."""
    keys = prepared.keys.to_pylist()
    uploads = Uploads(store)
    run_id = uploads.create(owner=OWNER, segment_id=1, segment_name="S", account="a", kind="users", mode="add",
                            items=[(k, "ADD") for k in keys[10:]], needs_file=True)
    answers = []
    for seq in range(len(keys) - 10):
        if seq % pending_every == 0:
            continue
        rejected = seq % rejected_every == 0
        answers.append((seq, "rejected" if rejected else "accepted", 400 if rejected else 201,
                        "Invalid" if rejected else None))
    uploads.mark(run_id, answers)
    return run_id


def test_row_counts_are_the_results_files_counts():
    store = Store()
    prepared = prepare(CONTACTS, "users")
    run_id = _run(store, prepared, rejected_every=7, pending_every=11)
    expected = results(prepared, store, run_id)["result"].value_counts()
    counts = outcomes.row_counts(prepared, store, run_id)
    assert counts == outcomes.RowCounts(
        accepted=expected["accepted by LinkedIn"], rejected=expected["rejected by LinkedIn"],
        pending=expected["pending"], unchanged=expected["not sent (no change needed)"],
        rejected_locally=expected["rejected locally"], duplicates=len(prepared.duplicates), removed_in_table=0)
    assert counts.accepted + counts.rejected + counts.pending + counts.unchanged + counts.rejected_locally \
        == prepared.quality.rows


def test_counts_read_a_part_at_a_time_match_one_part(monkeypatch):
    store = Store()
    prepared = prepare(CONTACTS, "users")
    whole = outcomes.row_counts(prepared, store, _run(store, prepared, rejected_every=5, pending_every=13))
    monkeypatch.setattr("linkedin.sync.runs.PART", 7)  # the run stored seven items a part
    parted = _run(store, prepared, rejected_every=5, pending_every=13)
    assert Uploads(store).store.db.execute("select count(*) from run_parts where run_id = ?", [parted]).fetchone()[0] > 9
    assert outcomes.row_counts(prepared, store, parted) == whole


def test_refused_rows_are_the_results_files_rejected_rows():
    store = Store()
    prepared = prepare(CONTACTS, "users")
    run_id = _run(store, prepared, rejected_every=9, pending_every=1000)
    frame = results(prepared, store, run_id)
    expected = frame[frame["result"] == "rejected by LinkedIn"]
    got = outcomes.refused(prepared, store, run_id)
    assert got["row"].tolist() == expected["row"].tolist()
    assert set(got["http_status"]) == {400} and set(got["action"]) == {"ADD"}
    assert outcomes.refused(prepared, store, run_id, limit=3)["row"].tolist() == expected["row"].tolist()[:3]


def test_a_mirrors_removals_in_the_table_are_counted_by_key():
    store = Store()
    prepared = prepare(CONTACTS, "users")
    keys = prepared.keys.to_pylist()
    uploads = Uploads(store)
    run_id = uploads.create(owner=OWNER, segment_id=1, segment_name="S", account="a", kind="users", mode="remove",
                            items=[(k, "REMOVE") for k in keys[:4]] + [("not-in-the-table", "REMOVE")],
                            needs_file=True)
    uploads.mark(run_id, [(seq, "accepted", 201, None) for seq in range(5)])
    assert outcomes.row_counts(prepared, store, run_id).removed_in_table == 4


def test_keys_of_another_width_are_matched_a_chunk_at_a_time(monkeypatch):
    store = Store()
    prepared = prepare(CONTACTS, "users")
    keys = prepared.keys.to_pylist()
    uploads = Uploads(store)
    run_id = uploads.create(owner=OWNER, segment_id=1, segment_name="S", account="a", kind="users", mode="add",
                            items=[(k, "ADD") for k in keys[:5]] + [("short", "ADD")], needs_file=True)
    uploads.mark(run_id, [(0, "rejected", 400, "Invalid")] + [(seq, "accepted", 201, None) for seq in range(1, 6)])
    expected = outcomes.row_counts(prepared, store, run_id)
    assert (expected.accepted, expected.rejected) == (4 + _repeats(prepared, keys[1:5]), 1 + _repeats(prepared, keys[:1]))
    monkeypatch.setattr(outcomes, "CHUNK", 2)
    assert outcomes.row_counts(prepared, store, run_id) == expected


def _repeats(prepared, keys: list[str]) -> int:
    """Rows not sent because they repeat one of ``keys``' rows (they share its fate)."""
    rows = {row for key, row in zip(prepared.keys.to_pylist(), prepared.rows.tolist()) if key in keys}
    return sum(1 for kept in prepared.duplicates["kept_row"] if kept in rows)
