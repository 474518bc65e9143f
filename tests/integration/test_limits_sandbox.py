"""LinkedIn's limits end to end against the sandbox: per-minute and daily quotas during a sync,
a create whose answer is lost, the segment finder's pages, and versions LinkedIn does not serve.

Waits run on the sandbox's clock (``SandboxTime``): a minute's wait moves it forward and
costs nothing. Every sync is checked against the sandbox's stored membership.
"""

import dataclasses
import hashlib

import pandas as pd
import pytest
import requests

from linkedin.api import accounts, segment_creation, segments
from linkedin.api.client import Client, RetryPolicy
from linkedin.api.errors import VersionError
from linkedin.demo.controls import SandboxControl
from linkedin.store import Store
from linkedin.sync.sender import Sender
from linkedin.sync.upload import Sync, Target
from linkedin.tables.preparation import prepare
from tests.integration.helpers import SandboxTime, connect_sandbox

DAY = 86_400


@pytest.fixture
def time_(world):
    return SandboxTime(world.app.state.sandbox)


def sha(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()


def manageable_account(conn) -> str:
    return next(a.urn for a in accounts.load(conn.client()).accounts if a.can_manage and a.status == "ACTIVE")


def people(world, start, stop) -> pd.DataFrame:
    return pd.DataFrame([{"email": m.email} for m in world.app.state.sandbox.members[start:stop]])


def stored(world, segment_id) -> set[str]:
    body = requests.get(f"{world.url}/_sandbox/segments/{segment_id}/members", timeout=10).json()
    return set(body["keys"].get("SHA256_EMAIL", []))


def named(world, account_urn: str, name: str) -> list[int]:
    account_id = int(account_urn.rsplit(":", 1)[-1])
    return [s.id for s in world.app.state.sandbox.segments.of_account(account_id) if s.name == name]


def sync_of(conn, world, time_, rows, *, batch_size=10):
    """A sync of ``rows`` people into a new segment, its client on the sandbox's clock."""
    account = manageable_account(conn)
    created = segment_creation.create(conn.client(), account_urn=account, name="Quota test", kind="users")
    client = conn.client(retry=RetryPolicy(tries=3, base=0.05, cap=0.2), sleep=time_.sleep, clock=time_.now)
    sender = Sender(client, conn.store, kind="users", batch_size=batch_size, sleep=lambda s: None)
    target = Target(created.id, created.name, account, "users")
    return client, Sync(client, conn.store, prepare(people(world, *rows), "users"), target, sender=sender)


# -- rate limits ------------------------------------------------------------------------------

def test_a_sync_through_a_small_per_minute_quota_waits_for_each_minute_and_completes(world, conn, time_):
    SandboxControl(world.url).update_settings(users_calls_per_minute=2)
    client, sync = sync_of(conn, world, time_, (0, 100))
    waits = []
    run = sync.run(sync.start(sync.plan("add"), owner="limits-test"), on_progress=lambda p: p.wait and waits.append(p.wait))
    assert run.state == "done" and run.accepted == 100
    assert stored(world, sync.target.segment_id) == {sha(m.email) for m in world.app.state.sandbox.members[0:100]}
    started = [w for w in waits if w.starting]
    assert {(w.status, w.reason) for w in started} == {(429, "LinkedIn's per-minute limit")}
    assert 4 * 60 - 1 <= time_.slept <= 10 * 62  # ten batches, two a minute: four minutes at least
    assert all(w.text.startswith("LinkedIn's per-minute limit: retrying in ") for w in waits)


def test_an_exhausted_daily_quota_pauses_the_run_and_it_resumes_after_midnight_utc(world, conn, time_):
    SandboxControl(world.url).update_settings(users_calls_per_day=3)
    sandbox = world.app.state.sandbox
    sandbox.clock.advance(DAY - sandbox.clock.now() % DAY + 3600)  # 01:00 UTC: a whole day ahead
    client, sync = sync_of(conn, world, time_, (100, 160))
    run_id = sync.start(sync.plan("add"), owner="limits-test")
    run = sync.run(run_id)
    assert run.state == "paused" and run.accepted == 30 and run.pending == 30
    assert "daily quota" in run.message and "midnight UTC" in run.message and "Resume" in run.message
    assert 60 <= time_.slept <= 125  # a minute's wait at least before giving up
    assert len(stored(world, sync.target.segment_id)) == 30

    sandbox.clock.advance(DAY - sandbox.clock.now() % DAY + 1)  # past midnight UTC: a new day's quota
    calls_before = client.calls
    run = sync.run(run_id)
    assert run.state == "done" and run.accepted == 60
    assert client.calls - calls_before == 3  # only the 30 pending went out
    assert stored(world, sync.target.segment_id) == {sha(m.email) for m in sandbox.members[100:160]}


# -- creating exactly once ---------------------------------------------------------------------

@pytest.mark.parametrize("fault", ["succeed_then_500", "succeed_then_drop"])
def test_a_create_whose_answer_is_lost_leaves_exactly_one_segment(world, conn, fault):
    account = manageable_account(conn)
    SandboxControl(world.url).inject_fault(fault, method="POST", path_prefix="/rest/dmpSegments")
    client = conn.client()
    created = segment_creation.create(client, account_urn=account, name="Lost answer", kind="users")
    assert named(world, account, "Lost answer") == [created.id]
    assert client.calls == 2  # the create, then the look in the account; no second create
    assert segments.get(client, created.id).source_platform == client.settings.source_platform


def test_a_create_that_really_failed_is_sent_once_more(world, conn):
    account = manageable_account(conn)
    SandboxControl(world.url).inject_fault("500", method="POST", path_prefix="/rest/dmpSegments")
    client = conn.client()
    created = segment_creation.create(client, account_urn=account, name="Failed once", kind="users")
    assert named(world, account, "Failed once") == [created.id]
    assert client.calls == 3  # the create, the look, the create again


def test_an_older_segment_of_the_same_name_is_not_taken_for_the_new_one(world, conn, time_):
    account = manageable_account(conn)
    old = segment_creation.create(conn.client(), account_urn=account, name="Monthly list", kind="users")
    time_.sleep(3600)  # an hour later, the same name again
    SandboxControl(world.url).inject_fault("500", method="POST", path_prefix="/rest/dmpSegments")
    new = segment_creation.create(conn.client(), account_urn=account, name="Monthly list", kind="users",
                                  clock=time_.now)
    assert new.id != old.id and named(world, account, "Monthly list") == [old.id, new.id]


# -- the segment finder's pages ------------------------------------------------------------------

def test_the_finder_pages_through_an_account_and_needs_no_unpaged_exception(world, conn):
    sandbox = world.app.state.sandbox
    big = next(a for a in sandbox.ad_accounts.values() if a.name == "Northwind - Enterprise ABM")
    urn = f"urn:li:sponsoredAccount:{big.id}"
    every = [s.id for s in sandbox.segments.of_account(big.id)]
    client = conn.client()
    found, problems = segments.find_by_account(client, urn, page_size=50)
    assert [s.id for s in found] == every and len(every) == 120 and problems == []
    assert client.calls == 3  # 50 + 50 + 20, then paging.total is reached
    SandboxControl(world.url).update_settings(segment_finder_without_paging="refuse_over_100")
    assert [s.id for s in segments.find_by_account(client, urn)[0]] == every  # one page of 1,000


# -- versions -------------------------------------------------------------------------------------

@pytest.mark.parametrize("version, dated", [("202512", "20251201"), ("202511", "20251101")])
def test_a_version_linkedin_does_not_serve_is_explained_with_the_version_to_set(world, conn, version, dated):
    client = Client(dataclasses.replace(conn.settings, version=version), conn)
    with pytest.raises(VersionError) as caught:
        accounts.load(client)
    assert client.calls == 1  # never retried
    assert caught.value.explain() == (
        f"Requested version {dated} is not active. LinkedIn does not serve the API version this app is set to "
        f"({version}). Set LINKEDIN_VERSION to 202608, the version this app is built and tested on (or remove the "
        "setting to use it), then restart the app.")
