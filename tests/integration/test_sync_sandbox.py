"""Contact segments end to end against the sandbox: create, add, mirror, remove, resume, faults, expiry.

Every test checks the sandbox's final membership (its stored hashes) against what was intended.
"""

import hashlib

import pandas as pd
import pytest
import requests

from linkedin.api import segment_creation
from linkedin.api.client import RetryPolicy
from linkedin.demo.controls import SandboxControl
from linkedin.store import Store
from linkedin.sync.ledger import Ledger
from linkedin.sync.runs import Uploads
from linkedin.sync.sender import Sender
from linkedin.sync.upload import Sync, Target, results
from linkedin.tables.preparation import prepare
from tests.integration.helpers import SandboxTime, connect_sandbox

ACCOUNT = None
OWNER = "analyst"  # whose upload runs these are (the app keys them by member)


def sha(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()


def manageable_account(conn) -> str:
    from linkedin.api import accounts

    found = accounts.load(conn.client())
    return next(a.urn for a in found.accounts if a.can_manage and a.status == "ACTIVE")


def people(world, start, stop, *, names=True) -> pd.DataFrame:
    members = world.app.state.sandbox.members[start:stop]
    rows = [{"email": f"  {m.email.upper()} ", "firstname": m.first_name if names else "",
             "lastname": m.last_name if names else "", "jobtitle": m.title, "employeecompany": m.employer,
             "country": m.country} for m in members]
    return pd.DataFrame(rows)


def stored(world, segment_id) -> set[str]:
    body = requests.get(f"{world.url}/_sandbox/segments/{segment_id}/members", timeout=10).json()
    return set(body["keys"].get("SHA256_EMAIL", []))


def new_target(conn, name="Sync test") -> Target:
    account = manageable_account(conn)
    created = segment_creation.create(conn.client(), account_urn=account, name=name, kind="users")
    return Target(created.id, created.name, account, "users", created_at=created.created_at)


def fast(conn, store, batch_size=5000):
    client = conn.client(retry=RetryPolicy(tries=6, base=0.05, cap=0.2))
    return client, Sender(client, store, kind="users", batch_size=batch_size, sleep=lambda s: None)


def test_add_then_mirror_then_remove_leaves_exactly_the_intended_members(world, conn):
    store = conn.store
    target = new_target(conn)
    first = prepare(people(world, 10, 70), "users")
    client, sender = fast(conn, store)
    sync = Sync(client, store, first, target, sender=sender)
    plan = sync.plan("add")
    assert len(plan.add) == 60
    run = sync.run(sync.start(plan, owner=OWNER))
    assert run.state == "done" and run.accepted == 60 and run.rejected == 0
    assert stored(world, target.segment_id) == {sha(m.email) for m in world.app.state.sandbox.members[10:70]}

    second = prepare(people(world, 40, 90), "users")  # 30 stay, 30 go, 20 arrive
    sync = Sync(client, store, second, target, sender=sender)
    plan = sync.plan("mirror")
    assert (len(plan.add), len(plan.remove), len(plan.unchanged)) == (20, 30, 30)
    run = sync.run(sync.start(plan, owner=OWNER))
    assert run.state == "done" and run.accepted == 50
    assert stored(world, target.segment_id) == {sha(m.email) for m in world.app.state.sandbox.members[40:90]}

    third = prepare(people(world, 40, 45), "users")
    sync = Sync(client, store, third, target, sender=sender)
    run = sync.run(sync.start(sync.plan("remove"), owner=OWNER))
    assert run.state == "done"
    assert stored(world, target.segment_id) == {sha(m.email) for m in world.app.state.sandbox.members[45:90]}

    table = results(third, store, run.id)
    assert list(table["result"]) == ["accepted by LinkedIn"] * 5
    assert set(table["action"]) == {"REMOVE"}


def members_of(world, segment_id) -> dict[str, list[str]]:
    return requests.get(f"{world.url}/_sandbox/segments/{segment_id}/members", timeout=10).json()["keys"]


def test_a_mirror_of_people_known_by_name_only_converges(world, conn):
    """Names are what LinkedIn matched a person by name on, so they are what removes them: kept sealed
    in the ledger, sent back on removal, deleted with the member. Run twice, the second plan is empty."""
    store = conn.store
    target = new_target(conn, "Names only")
    client, sender = fast(conn, store)
    with_emails = people(world, 100, 110)
    by_name = people(world, 110, 120).assign(email="")  # first name, last name, title, company, country
    both = prepare(pd.concat([with_emails, by_name], ignore_index=True), "users")

    def mirror(prepared):
        sync = Sync(client, store, prepared, target, sender=sender)
        plan = sync.plan("mirror")
        return plan, (sync.run(sync.start(plan, owner=OWNER)) if plan.add or plan.remove else None)

    plan, run = mirror(both)
    assert (len(plan.add), run.state, run.accepted, run.rejected) == (20, "done", 20, 0)
    assert len(members_of(world, target.segment_id)["NAME"]) == 10
    kept = str(store.db.execute("select ids from ledger_parts").fetchall())
    assert "sealed" in kept
    assert not [m for m in world.app.state.sandbox.members[110:120] if m.last_name in kept]  # sealed, never plain
    assert mirror(both)[0].summary()["add"] + mirror(both)[0].summary()["remove"] == 0  # twice: nothing to do

    emails_only = prepare(with_emails, "users")
    plan, run = mirror(emails_only)
    assert (len(plan.remove), run.state, run.accepted, run.rejected) == (10, "done", 10, 0)
    assert "NAME" not in members_of(world, target.segment_id)
    assert stored(world, target.segment_id) == {sha(m.email) for m in world.app.state.sandbox.members[100:110]}
    plan, run = mirror(emails_only)
    assert (plan.summary()["add"], plan.summary()["remove"], run) == (0, 0, None)


def test_a_member_the_app_cannot_identify_is_not_sent_the_run_says_why_and_the_mirror_converges(world, conn):
    """A ledger row from before names were kept ({}): never sent as an element with no identifier."""
    from linkedin.sync.sender import UNREMOVABLE

    store = conn.store
    target = new_target(conn, "Old ledger")
    client, sender = fast(conn, store)
    table = prepare(people(world, 130, 135), "users")
    sync = Sync(client, store, table, target, sender=sender)
    sync.run(sync.start(sync.plan("add"), owner=OWNER))
    Ledger(store, linkedin=conn.settings.api_base_url).record_kept(target.segment_id, [("f" * 64, "{}")])
    plan = sync.plan("mirror")
    assert plan.summary()["remove"] == 1
    run = sync.run(sync.start(plan, owner=OWNER))
    assert (run.state, run.accepted, run.rejected) == ("done", 0, 1)
    assert Uploads(store).rejections(run.id) == [(UNREMOVABLE, 1)]
    assert sync.plan("mirror").summary()["remove"] == 0


def test_segment_visibility_delay_is_waited_out(world, conn):
    SandboxControl(world.url).update_settings(segment_visibility_delay_seconds=2)
    store = conn.store
    target = new_target(conn)
    client = conn.client(retry=RetryPolicy(tries=3, base=0.05))
    sync = Sync(client, store, prepare(people(world, 0, 5), "users"), target)
    notes = []
    run = sync.run(sync.start(sync.plan("add"), owner=OWNER), on_progress=lambda p: notes.append(p.note))
    assert run.state == "done" and run.accepted == 5
    assert any(n and "few seconds" in n for n in notes)


def test_interrupted_upload_resumes_without_resending(world, conn):
    store = conn.store
    target = new_target(conn)
    table = prepare(people(world, 100, 160), "users")
    client, sender = fast(conn, store, batch_size=10)
    sync = Sync(client, store, table, target, sender=sender)
    run_id = sync.start(sync.plan("add"), owner=OWNER)
    batches = [0]
    run = sync.run(run_id, on_progress=lambda p: batches.append(p.batches_done), should_stop=lambda: batches[-1] >= 3)
    assert run.state == "paused" and run.accepted == 30 and run.pending == 30
    calls_before = client.calls
    # A new process: new sender, same store, same table given again.
    client2, sender2 = fast(conn, store, batch_size=10)
    run = Sync(client2, store, table, target, sender=sender2).run(run_id)
    assert run.state == "done" and run.accepted == 60
    assert client2.calls == 3  # only the 30 pending went out
    assert calls_before >= 3
    assert stored(world, target.segment_id) == {sha(m.email) for m in world.app.state.sandbox.members[100:160]}


def test_rate_limits_and_server_errors_are_waited_out_and_shown(world, conn):
    store = conn.store
    target = new_target(conn)
    control = SandboxControl(world.url)
    control.inject_fault("429", count=2, path_prefix=f"/rest/dmpSegments/{target.segment_id}/users")
    control.inject_fault("503", count=1, path_prefix=f"/rest/dmpSegments/{target.segment_id}/users")
    time_ = SandboxTime(world.app.state.sandbox)  # a minute's wait moves the sandbox clock, nobody waits
    time_.to_second(10.0)  # the first 429's wait ends with the minute, inside the call's patience
    client = conn.client(retry=RetryPolicy(tries=6, base=0.05, cap=0.2), sleep=time_.sleep, clock=time_.now)
    sender = Sender(client, store, kind="users", batch_size=20, sleep=lambda s: None)
    sync = Sync(client, store, prepare(people(world, 200, 260), "users"), target, sender=sender)
    waits = []
    run = sync.run(sync.start(sync.plan("add"), owner=OWNER),
                   on_progress=lambda p: p.wait and p.wait.starting and p.wait.status
                   and waits.append((p.wait.status, p.wait.reason)))
    assert run.state == "done" and run.accepted == 60
    assert waits == [(429, "LinkedIn's per-minute limit")] * 2 + [(503, "LinkedIn was unavailable")]
    assert 60 <= time_.slept <= 125  # into the next minute, then a whole one
    assert stored(world, target.segment_id) == {sha(m.email) for m in world.app.state.sandbox.members[200:260]}


def test_persistent_failure_pauses_cleanly_and_resumes(world, conn):
    store = conn.store
    target = new_target(conn)
    control = SandboxControl(world.url)
    client, sender = fast(conn, store, batch_size=20)
    sync = Sync(client, store, prepare(people(world, 300, 340), "users"), target, sender=sender)
    run_id = sync.start(sync.plan("add"), owner=OWNER)
    state = {"armed": False}

    def after_first_batch(p):
        if p.batches_done == 1 and not state["armed"]:
            state["armed"] = True
            control.inject_fault("500", count=10, path_prefix=f"/rest/dmpSegments/{target.segment_id}/users")

    run = sync.run(run_id, on_progress=after_first_batch)
    assert run.state == "paused" and run.accepted == 20 and "Resume" in run.message
    control.clear_faults()
    run = sync.run(run_id)
    assert run.state == "done" and run.accepted == 40
    assert len(stored(world, target.segment_id)) == 40


def test_access_token_expiring_mid_upload_is_refreshed(world, conn):
    store = conn.store
    target = new_target(conn)
    control = SandboxControl(world.url)
    client, sender = fast(conn, store, batch_size=10)
    sync = Sync(client, store, prepare(people(world, 400, 430), "users"), target, sender=sender)
    expired = []

    def expire_once(p):
        if p.batches_done == 1 and not expired:
            expired.append(control.expire_access(conn.token().access_token))

    run = sync.run(sync.start(sync.plan("add"), owner=OWNER), on_progress=expire_once)
    assert expired == [1]
    assert run.state == "done" and run.accepted == 30
    assert "renewed" in conn.status().last_event


def test_refresh_token_expiring_mid_upload_pauses_until_reconnect(world, conn):
    store = conn.store
    target = new_target(conn)
    control = SandboxControl(world.url)
    client, sender = fast(conn, store, batch_size=10)
    table = prepare(people(world, 500, 530), "users")
    sync = Sync(client, store, table, target, sender=sender)
    run_id = sync.start(sync.plan("add"), owner=OWNER)

    def kill_both(p):
        if p.batches_done == 1:
            token = conn.token().access_token
            control.expire_refresh(token)
            control.expire_access(token)

    run = sync.run(run_id, on_progress=kill_both)
    assert run.state == "paused" and run.accepted == 10 and "Reconnect" in run.message
    assert conn.status().state == "needs_consent"
    # The analyst reconnects (same session), then resumes.
    fresh = connect_sandbox(world.url, store, sid=conn.sid)
    assert fresh.status().connected
    run = Sync(fresh.client(), store, table, target).run(run_id)
    assert run.state == "done" and run.accepted == 30
    assert stored(world, target.segment_id) == {sha(m.email) for m in world.app.state.sandbox.members[500:530]}
    assert [r.id for r in Uploads(store).latest(OWNER)][0] == run_id


def test_results_map_back_to_rows_with_duplicates_and_local_rejections(world, conn):
    store = conn.store
    target = new_target(conn)
    df = people(world, 600, 603)
    df = pd.concat([df, df.iloc[[0]], pd.DataFrame([{"email": "not-an-email", "firstname": "", "lastname": "",
                                                       "jobtitle": "", "employeecompany": "", "country": ""}])],
                   ignore_index=True)
    table = prepare(df, "users")
    client, sender = fast(conn, store)
    sync = Sync(client, store, table, target, sender=sender)
    run = sync.run(sync.start(sync.plan("add"), owner=OWNER))
    frame = results(table, store, run.id)
    assert len(frame) == 5
    first_row = int(frame["row"].min())
    by_row = dict(zip(frame["row"], frame["result"]))
    assert by_row[first_row] == "accepted by LinkedIn"
    dup = frame[frame["message"].str.contains("duplicate of row")]
    assert len(dup) == 1 and dup.iloc[0]["result"] == "accepted by LinkedIn"
    assert (frame["result"] == "rejected locally").sum() == 1


def test_a_table_of_people_cannot_go_to_a_company_segment(world, conn):
    account = manageable_account(conn)
    created = segment_creation.create(conn.client(), account_urn=account, name="Companies", kind="companies")
    with pytest.raises(ValueError, match="cannot go to a segment of companies"):
        Sync(conn.client(), conn.store, prepare(people(world, 0, 2), "users"),
             Target(created.id, created.name, account, "companies"))


def test_ad_ids_sent_before_the_canonical_form_keep_their_ledger_keys(world, conn):
    """Earlier versions sent GOOGLE_AID as 32 bare digits and kept that in the ledger. The key is
    the same today, so a mirror neither removes nor re-adds those members; and when one is
    removed, the REMOVE carries the canonical form, which LinkedIn matches."""
    store = conn.store
    target = new_target(conn, "Ad ids from before")
    kept, gone = world.app.state.sandbox.members[20:22]
    client, sender = fast(conn, store)
    # The segment holds both (as LinkedIn would), and the ledger remembers them the old way.
    both = [{"action": "ADD", "userIds": [{"idType": "GOOGLE_AID", "idValue": m.android_ad_id}]} for m in (kept, gone)]
    assert [e["status"] for e in client.post(f"/rest/dmpSegments/{target.segment_id}/users", json={"elements": both},
                                             restli_method="BATCH_CREATE").data["elements"]] == [201, 201]
    bare = {m: m.android_ad_id.replace("-", "") for m in (kept, gone)}
    Ledger(store, linkedin=conn.settings.api_base_url).record(target.segment_id, "ADD", [
        (hashlib.sha256(f"GOOGLE_AID:{bare[m]}".encode()).hexdigest(),
         {"userIds": [{"idType": "GOOGLE_AID", "idValue": bare[m]}]}) for m in (kept, gone)])

    table = prepare(pd.DataFrame({"googleaid": [kept.android_ad_id.upper()]}), "users")
    sync = Sync(client, store, table, target, sender=sender)
    plan = sync.plan("mirror")
    assert (len(plan.add), len(plan.remove), len(plan.unchanged)) == (0, 1, 1)
    run = sync.run(sync.start(plan, owner=OWNER))
    assert (run.state, run.accepted, run.rejected) == ("done", 1, 0)
    held = requests.get(f"{world.url}/_sandbox/segments/{target.segment_id}/members", timeout=10).json()["keys"]
    assert set(held.get("GOOGLE_AID", [])) == {kept.android_ad_id}
    again = Sync(client, store, table, target, sender=sender).plan("mirror")
    assert (len(again.add), len(again.remove), len(again.unchanged)) == (0, 0, 1)
