"""Company segments end to end against the sandbox: add, mirror, remove, resume after faults.

The sandbox's matched organizations after each step are compared with the intended companies.
"""

import pandas as pd
import pytest
import requests

from linkedin.api import segment_creation, segments
from linkedin.api.client import RetryPolicy
from linkedin.demo.controls import SandboxControl
from linkedin.store import Store
from linkedin.sync.sender import Sender
from linkedin.sync.upload import Sync, Target
from linkedin.tables.preparation import prepare
from tests.integration.helpers import connect_sandbox
from tests.integration.test_sync_sandbox import OWNER, manageable_account


def companies(world, start, stop) -> pd.DataFrame:
    """Rows in LinkedIn's company template, keyed in a different way for each third of them."""
    rows = []
    for i, c in enumerate(world.app.state.sandbox.companies[start:stop], start=start):
        row = {"companyname": c.name, "companywebsite": "", "companyemaildomain": "", "linkedincompanypageurl": "",
               "stocksymbol": c.ticker.lower(), "industry": c.industry, "city": c.city, "state": c.state,
               "companycountry": c.country, "zipcode": c.postal_code}
        if i % 3 == 0:
            row["companywebsite"] = f"https://www.{c.website_domain}/about?x=1"
        elif i % 3 == 1:
            row["linkedincompanypageurl"] = f"linkedin.com/company/{c.slug}/"
        else:
            row["linkedincompanypageurl"] = f"https://www.linkedin.com/company/{c.id}"
        rows.append(row)
    return pd.DataFrame(rows)


def organizations(world, segment_id) -> set[int]:
    body = requests.get(f"{world.url}/_sandbox/segments/{segment_id}/members", timeout=10).json()
    return set(body["organizations"])


def ids(world, start, stop) -> set[int]:
    return {c.id for c in world.app.state.sandbox.companies[start:stop]}


def test_add_mirror_remove_and_resume(world, conn):
    store = conn.store
    account = manageable_account(conn)
    created = segment_creation.create(conn.client(), account_urn=account, name="ABM test", kind="companies")
    target = Target(created.id, created.name, account, "companies", created_at=created.created_at)
    client = conn.client(retry=RetryPolicy(tries=2, base=0.01, cap=0.05))
    sender = Sender(client, store, kind="companies", batch_size=10, sleep=lambda s: None)

    first = prepare(companies(world, 0, 30), "companies")
    assert len(first) == 30
    sync = Sync(client, store, first, target, sender=sender)
    run = sync.run(sync.start(sync.plan("add"), owner=OWNER))
    assert run.state == "done" and run.accepted == 30
    assert organizations(world, target.segment_id) == ids(world, 0, 30)
    seg = segments.get(conn.client(), target.segment_id)
    assert seg.input_count == 30

    second = prepare(companies(world, 20, 45), "companies")  # 10 stay, 20 go, 15 arrive
    sync = Sync(client, store, second, target, sender=sender)
    plan = sync.plan("mirror")
    assert (len(plan.add), len(plan.remove), len(plan.unchanged)) == (15, 20, 10)
    run_id = sync.start(plan, owner=OWNER)
    control = SandboxControl(world.url)
    control.inject_fault("500", count=5, path_prefix=f"/rest/dmpSegments/{target.segment_id}/companies")
    run = sync.run(run_id)
    assert run.state == "paused" and run.accepted == 0
    control.clear_faults()
    run = sync.run(run_id)
    assert run.state == "done" and run.accepted == 35
    assert organizations(world, target.segment_id) == ids(world, 20, 45)

    third = prepare(companies(world, 20, 25), "companies")
    sync = Sync(client, store, third, target, sender=sender)
    run = sync.run(sync.start(sync.plan("remove"), owner=OWNER))
    assert run.state == "done"
    assert organizations(world, target.segment_id) == ids(world, 25, 45)


def test_company_elements_carry_the_extra_fields(world, conn):
    table = prepare(companies(world, 0, 3), "companies")
    first = table.elements("ADD")[0]
    c = world.app.state.sandbox.companies[0]
    assert first["companyWebsiteDomain"] == c.website_domain
    assert first["companyName"] == c.name
    assert {"city", "country"} <= set(first)
    second = table.elements("ADD")[1]
    assert second["companyPageUrl"].endswith(world.app.state.sandbox.companies[1].slug)


def test_a_company_keyed_differently_in_the_new_table_stays_after_a_mirror(world, conn):
    """Same company, new key (page URL instead of website): removes go first, so it ends in the segment."""
    store = conn.store
    account = manageable_account(conn)
    created = segment_creation.create(conn.client(), account_urn=account, name="Rekeyed", kind="companies")
    target = Target(created.id, created.name, account, "companies")
    c = world.app.state.sandbox.companies[0]
    by_site = pd.DataFrame([{"companyname": c.name, "companywebsite": c.website_domain}])
    by_page = pd.DataFrame([{"companyname": c.name, "linkedincompanypageurl": f"linkedin.com/company/{c.slug}"}])
    for table in (by_site, by_page):
        sync = Sync(conn.client(), store, prepare(table, "companies"), target)
        assert sync.run(sync.start(sync.plan("mirror"), owner=OWNER)).state == "done"
    assert organizations(world, target.segment_id) == {c.id}
