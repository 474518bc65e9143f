"""AppTest of the Match insights page (funnel, identifier mix, campaign usage, overlap) and of the home
page's "Since your last visit", on a real sandbox with real uploads through the library."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from linkedin.api import segment_creation
from linkedin.demo.controls import SandboxControl
from linkedin.insights import portfolio
from linkedin.insights.portfolio import member_key
from linkedin.insights.visits import Visits
from linkedin.sync.upload import Sync, Target
from linkedin.tables.preparation import prepare
from linkedin.web import resources as context
from tests.app.test_dashboard_pages import APP, connect, table, texts

ACCOUNT = "Northwind - Sandbox Test"


@pytest.fixture
def env(app_env):
    SandboxControl(app_env.url).update_settings(segment_visibility_delay_seconds=0, segment_build_seconds=0,
                                                segment_update_seconds=0)
    portfolio.CACHE.clear()
    yield app_env
    portfolio.CACHE.clear()


def upload(conn, world, name: str, start: int, stop: int) -> tuple[int, str]:
    """A new users segment in the managed account and one run of sandbox members' emails into it."""
    account = next(a for a in world.ad_accounts.values() if a.name == ACCOUNT)
    urn = f"urn:li:sponsoredAccount:{account.id}"
    seg = segment_creation.create(conn.client(), account_urn=urn, name=name, kind="users")
    emails = [m.email for m in world.members[start:stop]] + ["nope"] * 3
    prepared = prepare(pd.DataFrame({"email": emails}), "users")
    sync = Sync(conn.client(), conn.store, prepared, Target(seg.id, name, urn, "users"))
    run_id = sync.start(sync.plan("add"), owner=member_key(conn))
    sync.run(run_id)
    return seg.id, run_id


def page(at_first: AppTest | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("pages/insights.py").run()
    assert not at.exception, [e.value for e in at.exception]
    at.selectbox(key="insights_account").select_index(
        next(i for i, o in enumerate(at.selectbox(key="insights_account").options) if o.startswith(ACCOUNT))).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def figure(at: AppTest, key_text: str) -> dict:
    for el in at.get("plotly_chart"):
        spec = json.loads(el.proto.spec)
        if key_text in spec["layout"]["title"]["text"]:
            return spec
    raise AssertionError(f"no chart titled with {key_text!r}")


def test_insights_page_shows_funnel_mix_campaigns_and_overlap(monkeypatch, env):
    conn = connect(monkeypatch, env)
    world = env.app.state.sandbox
    upload(conn, world, "Insights one", 0, 300)
    upload(conn, world, "Insights two", 200, 400)
    at = page()
    text = texts(at)
    # funnel: the newest run; the page read the segment (READY at once here), so LinkedIn's steps are in
    funnel = table(at, "step")
    assert list(funnel["count"][:5]) == [203, 200, 200, 200, 200]
    assert not funnel["count"].isna().any()
    assert "**Biggest loss:** " in text
    spec = figure(at, "Funnel of the upload to Insights two")
    assert spec["data"][0]["type"] == "funnel"
    # mix: both segments, personal share against match rate
    mixes = table(at, "personal")
    assert sorted(mixes["segment"]) == ["Insights one", "Insights two"]
    assert figure(at, "Match rate")["data"][0]["mode"] == "markers+text"
    # campaigns: the account's campaigns read, the new segments unused (archive countdown)
    usage = table(at, "campaign_status")
    assert set(usage[usage["segment"].str.startswith("Insights")]["use"]) == {"unused"}
    attention = table(at, "Archived in (days)")
    assert any("No campaign uses it" in w for w in attention["What"])
    # overlap: two segments -> a Venn view and the matrix
    pairs = table(at, "jaccard")
    assert pairs[["shared", "size_a", "size_b"]].values.tolist() == [[100, 300, 200]] or \
        pairs[["shared", "size_a", "size_b"]].values.tolist() == [[100, 200, 300]]
    assert "Two segments" in figure(at, "Two segments")["layout"]["title"]["text"]
    assert figure(at, "Overlap of what this app sent")["data"][0]["type"] == "heatmap"


def test_funnel_waits_for_linkedin_while_the_segment_builds(monkeypatch, env):
    SandboxControl(env.url).update_settings(segment_build_seconds=3600)
    conn = connect(monkeypatch, env)
    upload(conn, env.app.state.sandbox, "Still building", 0, 50)
    at = page()
    assert "LinkedIn has not reported yet (usually within 48 h)" in texts(at)
    funnel = table(at, "step")
    assert list(funnel["count"][:5]) == [53, 50, 50, 50, 50]
    assert funnel["count"].isna().tolist()[-2:] == [True, True]


def test_insights_page_without_uploads_says_where_they_come_from(monkeypatch, env):
    connect(monkeypatch, env)
    text = texts(page())
    assert "No upload of yours to this account yet" in text
    assert "This app has not sent anything to the segments of this account yet" in text


def test_home_shows_what_changed_since_the_last_visit(monkeypatch, env):
    conn = connect(monkeypatch, env)
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert "From your next visit, this page opens with what changed" in texts(at)
    assert Visits(context.store(context.settings(None))).last(member_key(conn)) is not None
    SandboxControl(env.url).advance_clock(4 * 86400)  # BUILDING -> READY, 27 idle days -> ARCHIVED
    portfolio.CACHE.clear()
    at = AppTest.from_file(APP, default_timeout=60).run()  # a new session: a new visit
    assert not at.exception, [e.value for e in at.exception]
    assert "Since your last visit" in texts(at)
    found = table(at, "Details")
    assert {"ready", "archived"} <= set(found["What"])
    ready = found[found["What"] == "ready"].iloc[0]
    assert ready["Details"].startswith("Finished building: match rate ")
    assert "Partner contacts (CRM sync)" in set(found[found["What"] == "archived"]["Segment"])
    at.run()  # a rerun of the same session keeps the same baseline
    assert {"ready", "archived"} <= set(table(at, "Details")["What"])
