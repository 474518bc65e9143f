"""Destructive syncs against the sandbox: the preview of what goes, and the undo that adds it back
(issue 14.12). Every test checks what the sandbox holds."""

from __future__ import annotations

import pandas as pd
import pytest

from linkedin.api import segment_creation
from linkedin.api.client import RetryPolicy
from linkedin.sync import removals
from linkedin.sync.runs import Uploads
from linkedin.sync.sender import Sender
from linkedin.sync.upload import Sync, Target, source_without_table
from linkedin.tables.preparation import prepare
from tests.integration.test_company_sync_sandbox import companies, ids, organizations
from tests.integration.test_sync_sandbox import OWNER, fast, manageable_account, new_target, people, sha, stored


def emails(world, start, stop) -> set[str]:
    return {sha(m.email) for m in world.app.state.sandbox.members[start:stop]}


def sent(conn, world, target, start, stop, mode):
    store = conn.store
    client, sender = fast(conn, store)
    table = prepare(people(world, start, stop), "users")
    sync = Sync(client, store, table, target, sender=sender)
    plan = sync.plan(mode)
    return table, plan, sync.run(sync.start(plan, owner=OWNER))


def test_a_mirror_preview_gives_the_share_and_a_sample_of_the_members_that_go(world, conn):
    target = new_target(conn, "Preview mirror")
    sent(conn, world, target, 0, 40, "add")
    table = prepare(people(world, 30, 40), "users")
    plan = Sync(conn.client(), conn.store, table, target).plan("mirror")
    preview = removals.preview(conn.store, table, plan, target.segment_id, linkedin=conn.settings.api_base_url)
    assert (preview.removing, preview.sent_by_app, preview.ledger_size) == (30, 30, 40)
    assert preview.share == 0.75 and preview.needs_typed_confirmation
    assert preview.rows == ()  # they are in no row of this table
    assert len(preview.sample) == removals.SAMPLE
    key, words = preview.sample[0]
    assert key == min(plan.remove) and words == f"SHA256_EMAIL {key[:12]}…"


def test_a_remove_preview_gives_the_first_rows_of_the_table(world, conn):
    target = new_target(conn, "Preview remove")
    sent(conn, world, target, 0, 40, "add")
    frame = pd.concat([people(world, 100, 103), people(world, 0, 5)])  # 3 never sent, then 5 sent
    table = prepare(frame, "users")
    plan = Sync(conn.client(), conn.store, table, target).plan("remove")
    preview = removals.preview(conn.store, table, plan, target.segment_id, linkedin=conn.settings.api_base_url,
                               n=4)
    assert (preview.removing, preview.sent_by_app, preview.ledger_size) == (8, 5, 40)
    assert preview.share == 5 / 40 and not preview.needs_typed_confirmation
    assert preview.rows == (1, 2, 3, 4)  # the DataFrame's first rows (no header row)
    assert preview.sample == ()


def test_undo_adds_back_what_a_mirror_removed_without_the_file(world, conn):
    target = new_target(conn, "Undo me")
    sent(conn, world, target, 0, 40, "add")
    _, _, mirror = sent(conn, world, target, 30, 50, "mirror")  # 30 go, 10 stay, 10 arrive
    assert stored(world, target.segment_id) == emails(world, 30, 50)

    undo = removals.plan_undo(conn.store, mirror, linkedin=conn.settings.api_base_url)
    assert (len(undo.keys), undo.back_already, undo.not_rebuildable) == (30, 0, 0)
    with pytest.raises(ValueError, match="only the member who ran an upload can undo it"):
        removals.start_undo(conn.store, undo, owner="someone else")
    undo_id = removals.start_undo(conn.store, undo, owner=OWNER)
    run = Uploads(conn.store).get(undo_id)
    assert (run.mode, run.total, run.needs_file) == ("undo", 30, False)
    client, sender = fast(conn, conn.store)
    ended = sender.run(undo_id, source_without_table(run, conn.store, linkedin=conn.settings.api_base_url))  # as a resume without the table would
    assert (ended.state, ended.accepted) == ("done", 30)
    assert stored(world, target.segment_id) == emails(world, 0, 50)

    again = removals.plan_undo(conn.store, mirror, linkedin=conn.settings.api_base_url)  # they are back: nothing left to undo
    assert (len(again.keys), again.back_already) == (0, 30)


def test_undo_adds_back_companies_from_their_kept_identifiers(world, conn):
    store = conn.store
    account = manageable_account(conn)
    made = segment_creation.create(conn.client(), account_urn=account, name="Undo companies", kind="companies")
    target = Target(made.id, made.name, account, "companies", created_at=made.created_at)
    client = conn.client(retry=RetryPolicy(tries=6, base=0.05, cap=0.2))
    sender = Sender(client, store, kind="companies", sleep=lambda s: None)
    for frame, mode in ((companies(world, 0, 12), "add"), (companies(world, 0, 3), "mirror")):
        sync = Sync(client, store, prepare(frame, "companies"), target, sender=sender)
        last = sync.run(sync.start(sync.plan(mode), owner=OWNER))
    assert organizations(world, made.id) == ids(world, 0, 3)

    undo = removals.plan_undo(store, last, linkedin=conn.settings.api_base_url)
    assert (len(undo.keys), undo.not_rebuildable) == (9, 0)
    run_id = removals.start_undo(store, undo, owner=OWNER)
    ended = sender.run(run_id, removals.source(store, made.id, linkedin=conn.settings.api_base_url))
    assert (ended.state, ended.accepted) == ("done", 9)
    assert organizations(world, made.id) == ids(world, 0, 12)

