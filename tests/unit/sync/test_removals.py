"""``sync.removals`` on a real in-memory store: who an undo can bring back, and how a kept identity reads."""

from __future__ import annotations

import pytest

from linkedin.store import Store
from linkedin.sync import removals
from linkedin.sync.ledger import Ledger
from linkedin.sync.runs import Uploads

EMAIL = {"userIds": [{"idType": "SHA256_EMAIL", "idValue": "a" * 64}]}
LINKEDIN = "https://api.linkedin.com"
ME = f"{LINKEDIN}|urn:li:person:me"  # a member key: the API address, then the member


def removal_run(store: Store, keys: list[str]) -> str:
    uploads = Uploads(store)
    run_id = uploads.create(owner=ME, segment_id=7, segment_name="Seven", account="urn:li:sponsoredAccount:1",
                            kind="users", mode="mirror", items=[(k, "REMOVE") for k in keys], needs_file=False)
    uploads.mark(run_id, [(i, "accepted", 201, None) for i in range(len(keys))])
    uploads.set_state(run_id, "done")
    return run_id


def test_an_undo_brings_back_only_members_whose_identity_was_kept():
    store = Store()
    run = Uploads(store).get(removal_run(store, ["k-email", "k-name-only", "k-back", "k-forgotten"]))
    removals.Removed(store, linkedin=LINKEDIN).record(7, [("k-email", EMAIL), ("k-name-only", {}), ("k-back", EMAIL)])
    Ledger(store, linkedin=LINKEDIN).record(7, "ADD", [("k-back", EMAIL)])  # sent again since
    undo = removals.plan_undo(store, run, linkedin=LINKEDIN)
    assert (undo.keys, undo.back_already, undo.not_rebuildable, undo.removed) == (
        frozenset({"k-email"}), 1, 2, 4)
    undo_id = removals.start_undo(store, undo, owner=ME)
    assert Uploads(store).pending(undo_id, limit=10) == [(0, "k-email", "ADD")]
    assert removals.source(store, 7, linkedin=LINKEDIN)(["k-email", "k-name-only", "k-unknown"]) == {"k-email": EMAIL}


def test_kept_identities_are_forgotten_after_thirty_days():
    store = Store()
    kept = removals.Removed(store, linkedin=LINKEDIN)
    kept.record(7, [("old", EMAIL)], now=1_000.0)
    kept.record(7, [("new", EMAIL)], now=1_000.0 + removals.KEPT_SECONDS + 1)
    assert set(kept.identities(7, ["old", "new"])) == {"new"}


@pytest.mark.parametrize("ids, words", [
    (EMAIL, "SHA256_EMAIL aaaaaaaaaaaa…"),
    ({"userIds": [{"idType": "GOOGLE_AID", "idValue": "38400000-8cf0-11bd-b23e-10b96e40000d"}]},
     "GOOGLE_AID 38400000-8cf…"),
    ({"companyName": "Acme", "companyWebsiteDomain": "acme.com"}, "companyName Acme · companyWebsiteDomain acme.com"),
    ({}, "no identifier kept (known by name only)"),
])
def test_a_kept_identity_reads_in_one_line(ids, words):
    assert removals.describe(ids) == words
