"""AppTest of the Audiences and Ad accounts pages on a real sandbox (MA-101..MA-104).

The app runs in-process with its settings pointed at a live sandbox; AppTest cannot send
cookies, so ``ui.session.connection`` returns a Connection made through the sandbox's
consent screen. Plotly charts are UnknownElements here: their figure JSON is in ``proto.spec``.
"""

import base64
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from linkedin.insights import portfolio
from linkedin.insights.history import History
from linkedin.web import resources as context
from tests.integration.helpers import NOA, VIC, connect_sandbox
from ui import segments_table, session
from ui.format import plain

APP = str(Path(__file__).resolve().parents[2] / "app.py")
AVERY_URN = "urn:li:person:Av3ryAn4ly"


@pytest.fixture
def env(app_env):
    portfolio.CACHE.clear()
    yield app_env
    portfolio.CACHE.clear()


@pytest.fixture
def world(env):
    return env.app.state.sandbox


def connect(monkeypatch, env, member=None):
    store = context.store(context.settings(None))
    conn = connect_sandbox(env.url, store, member=member)
    conn.settings = context.settings(None)  # the app's own settings, as the OAuth callback would give
    monkeypatch.setattr(session, "connection", lambda: conn)
    return conn


def run(page: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60).run()
    if page:
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [e.value for e in at.error] + [w.value for w in at.warning]
    parts += [s.value for s in at.success] + [i.value for i in at.info] + [c.value for c in at.caption]
    parts += [x.label for x in at.expander]
    return "\n".join(str(p) for p in parts)


def table(at: AppTest, column: str):
    """The dataframe that has ``column``."""
    found = [d.value for d in at.dataframe if column in d.value.columns]
    assert found, f"no table with a {column!r} column"
    return found[0]


def charts(at: AppTest) -> dict[str, dict]:
    """Plotly figures by title."""
    out = {}
    for el in at.get("plotly_chart"):
        spec = json.loads(el.proto.spec)
        out[spec["layout"]["title"]["text"]] = spec
    return out


def values(data) -> list:
    """A trace's x or y: plain JSON, or plotly's base64 typed array for numpy data."""
    if isinstance(data, dict) and "bdata" in data:
        return np.frombuffer(base64.b64decode(data["bdata"]), dtype=data["dtype"]).tolist()
    return list(data or [])


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def avery_segments(world):
    return [s for r in world.roles_of(AVERY_URN) for s in world.segments.of_account(r.account_id)]


def select_row(at: AppTest, row: int, table: str = "segments") -> AppTest:
    """Select a row of the segments (or attention) table as drawn last, as a click in the browser does."""
    key = at.session_state[segments_table.KEYS][table]
    at.session_state[key] = {"selection": {"rows": [row], "columns": [], "cells": []}}
    return at.run()


def account_label(at: AppTest, name: str) -> str:
    return next(o for o in at.selectbox(key="audiences_account").options if o.startswith(name + " ("))


# -- Audiences ------------------------------------------------------------------------------

def test_audiences_is_the_default_page_with_every_segment_charts_and_attention(monkeypatch, env, world):
    connect(monkeypatch, env)
    at = run()
    assert at.title[0].value == "Audiences"
    segs = table(at, "segment_id")
    assert sorted(segs["segment_id"]) == sorted(s.id for s in avery_segments(world))
    assert metric(at, "Segments") == str(len(segs))
    assert "Refreshed 0 s ago" in texts(at)
    building = segs[segs["status"] == "BUILDING"]
    assert (building["match_rate_text"] == "n/a").all() and building["audience_size"].isna().all()
    assert set(segs.loc[segs["source"].str.startswith("★"), "source"]) == {"★ this app"}
    assert set(segs["source"]) == {"★ this app", "list upload", "Segment", "LinkedIn predictive"}
    figures = charts(at)
    assert {t.split(" of ")[0].split(" (")[0] for t in figures} >= {"Match rate", "Audience size", "Segments by status per account"}
    status_chart = figures["Segments by status per account"]
    assert {t["name"] for t in status_chart["data"]} == {"READY", "BUILDING", "UPDATING", "ARCHIVED", "EXPIRED", "FAILED", "ERROR"}
    attention = table(at, "Severity")
    assert {"error", "warning"} <= set(attention["Severity"])
    assert any("Still building after" in w for w in attention["What"])
    assert any("READY but the audience is 0" in w for w in attention["What"])
    assert any("expires it and deletes its data" in w for w in attention["What"])


def test_filters_narrow_the_table_and_the_charts(monkeypatch, env, world):
    connect(monkeypatch, env)
    at = run()
    at.multiselect(key="audiences_status").set_value(["FAILED", "ERROR"]).run()
    segs = table(at, "segment_id")
    expected = [s.id for s in avery_segments(world) if world.segment_status(s) in ("FAILED", "ERROR")]
    assert sorted(segs["segment_id"]) == sorted(expected) and len(expected) >= 2
    assert set(segs["readiness"]) == {"not targetable, not serving"}
    assert set(segs["why"]) == {"LinkedIn reports FAILED: it cannot be used. Create it again or contact LinkedIn.",
                                "LinkedIn reports ERROR: it cannot be used. Create it again or contact LinkedIn."}
    assert sum(sum(values(t["x"])) for t in charts(at)["Segments by status per account"]["data"]) == len(expected)

    at.multiselect(key="audiences_status").set_value([]).run()
    at.text_input(key="audiences_search").input("webinar").run()
    names = list(table(at, "segment_id")["name"])
    assert names and all("webinar" in n.lower() for n in names)
    at.text_input(key="audiences_search").input("").run()
    at.toggle(key="audiences_ours").set_value(True).run()
    ours = table(at, "segment_id")
    assert (ours["source"] == "★ this app").all()
    assert len(ours) == sum(1 for s in avery_segments(world) if s.source_platform == "MATCHED_AUDIENCES_WORKBENCH")


def test_one_account_and_selecting_a_segment_opens_its_detail_with_history(monkeypatch, env, world):
    conn = connect(monkeypatch, env)
    at = run()
    at.selectbox(key="audiences_account").set_value(account_label(at, "Northwind - Brand US")).run()
    segs = table(at, "segment_id")
    brand = next(a for a in world.ad_accounts.values() if a.name == "Northwind - Brand US")
    assert list(segs["segment_id"]) == [s.id for s in world.segments.of_account(brand.id)]
    row = int(segs.index[segs["name"] == "Newsletter subscribers (US)"][0])
    select_row(at, row)
    assert not at.exception
    real = world.segments.get(int(segs.loc[row, "segment_id"]))
    assert [s.value for s in at.subheader][0] == plain("Newsletter subscribers (US)")  # a name shown as text
    assert f"`{real.destination_urn}`" in texts(at)
    reason = plain("LinkedIn can show ads to this audience.")  # reasons may quote LinkedIn: shown as text
    assert f"**Targetable, serving: {real.published.audience:,} members**. {reason}" in [s.value for s in at.success]
    assert metric(at, "Status") == "READY" and metric(at, "Match rate") == "62% (last 7 days)"
    assert metric(at, "Input (last 7 days)") == f"{real.published.input:,}"
    fields = table(at, "Field").set_index("Field")["Value"]
    assert fields["id"] == str(real.id) and fields["destinations[].destinationSegmentId"] == real.destination_urn
    assert fields["sourcePlatform"] == "MATCHED_AUDIENCES_WORKBENCH"
    assert "**Why this match rate**\n- " + plain(
        "This app has not sent anything to this segment, so its identifier mix is unknown.") in texts(at)  # created by this app (seeded), never sent to: no mix to explain it by
    history = next(s for t, s in charts(at).items() if t.startswith("History of Newsletter subscribers (US)"))
    assert values(history["data"][0]["y"])[-1] == real.published.audience
    # Read by the list and again by the detail, with the same values: one snapshot, seen twice.
    (snap,) = History(conn.store, linkedin=conn.settings.api_base_url).of(real.id, accounts=[f"urn:li:sponsoredAccount:{real.account_id}"])
    assert snap.seen_at > snap.taken_at and snap.audience_size == real.published.audience


@pytest.mark.parametrize("missing_counts", ["absent", "zeros"])
def test_a_week_without_uploads_shows_no_recent_uploads_never_a_zero_rate(monkeypatch, env, world, missing_counts):
    from linkedin.demo.controls import SandboxControl

    control = SandboxControl(env.url)
    control.update_settings(no_recent_uploads_counts=missing_counts)  # LinkedIn leaves the counts out, or sends 0
    control.advance_clock(8 * 86_400)  # nothing uploaded for 8 days: the counts leave the window, the audience stays
    connect(monkeypatch, env)
    at = run()
    at.selectbox(key="audiences_account").set_value(account_label(at, "Northwind - Brand US")).run()
    segs = table(at, "segment_id")
    real = next(s for s in avery_segments(world) if s.name == "Newsletter subscribers (US)")
    row = int(segs.index[segs["name"] == "Newsletter subscribers (US)"][0])
    assert (segs.loc[row, "status"], segs.loc[row, "match_rate_text"], segs.loc[row, "audience_size"]) == (
        "READY", "no recent uploads", real.published.audience)
    built = segs["audience_size"].notna()
    assert set(segs.loc[built, "match_rate_text"]) == {"no recent uploads"}
    assert set(segs.loc[~built, "match_rate_text"]) == {"n/a"}  # the ERROR one never had an audience
    assert not segs["match_rate_text"].str.contains("%").any()
    rate_chart = charts(at)["Match rate, last 7 days"]
    assert rate_chart["layout"]["annotations"][0]["text"] == (
        f"No match rates to show ({built.sum()} with no recent uploads, {(~built).sum()} without counts yet): "
        "LinkedIn computes them over the uploads of the last 7 days.")

    select_row(at, row)
    assert not at.exception
    assert metric(at, "Match rate") == "no recent uploads"
    assert metric(at, "Audience size") == f"{real.published.audience:,}"
    assert metric(at, "Input (last 7 days)") == ("n/a" if missing_counts == "absent" else "0")
    assert ("Input, matched and match rate cover the uploads of the last 7 days; the audience size covers "
            "everything uploaded.") in texts(at)


def test_an_account_without_segments_says_so_and_leads_to_a_first_segment(monkeypatch, env, world):
    connect(monkeypatch, env)
    at = run()
    at.selectbox(key="audiences_account").set_value(account_label(at, "Northwind - Careers Employer Brand")).run()
    assert not at.exception
    assert "No audiences in this account yet." in texts(at)
    assert metric(at, "Segments") == "0"
    # One click to a first segment, in this account, with the sandbox's sample files offered there.
    assert "sample files are ready to use" in texts(at)
    at.button(key="first_segment").click().run()
    assert not at.exception
    assert at.title[0].value == "People segments"
    assert at.button(key="users_sample").label == "Use the sample file contacts_sample.csv"
    at.button(key="users_sample").click().run()
    assert "LinkedIn's contact template recognised: every column maps as is." in [s.value for s in at.success]
    assert at.selectbox(key="users_account").value == next(
        a.urn for a in world.ad_accounts.values() if a.name == "Northwind - Careers Employer Brand")


def test_a_segment_deleted_after_the_list_gets_a_clear_message(monkeypatch, env, world):
    connect(monkeypatch, env)
    at = run()
    segs = table(at, "segment_id")
    gone = int(segs.loc[3, "segment_id"])
    world.segments.by_id.pop(gone)
    select_row(at, 3)
    assert not at.exception
    assert any("no longer exists on LinkedIn" in e.value for e in at.error)
    assert [s.value for s in at.subheader][0] == plain(segs.loc[3, "name"])  # the listed values still show
    assert charts(at)  # and the rest of the page renders


def test_an_account_the_member_lost_is_explained_and_the_rest_renders(monkeypatch, env, world):
    conn = connect(monkeypatch, env)
    listing, _ = portfolio.accounts_of(conn)  # the accounts were read before an admin removed Avery
    lost = next(a for a in listing.accounts if a.name == "Northwind - Recruiting")
    del world.account_users[(lost.id, AVERY_URN)]
    at = run()
    assert plain(f"{lost.label}: LinkedIn refused to list its audiences (HTTP 403)") in texts(at)
    assert len(table(at, "segment_id")) == len(avery_segments(world))  # everything else is there
    assert any(a == lost.label for a in table(at, "Severity")["Account"])
    at.selectbox(key="audiences_account").set_value(lost.label).run()  # no segment read: the reason still shows
    assert not at.exception
    assert list(table(at, "Severity")["Account"]) == [lost.label]


def test_a_version_linkedin_no_longer_serves_is_explained_with_the_setting_and_the_version_to_set(monkeypatch, env):
    monkeypatch.setenv("LINKEDIN_VERSION", "202511")  # sunset by LinkedIn on 2026-11-16
    context.settings.cache_clear()
    connect(monkeypatch, env)
    at = run()
    assert [e.value for e in at.error] == ["The ad accounts could not be read. " + plain(
        "Requested version 20251101 is not active. LinkedIn does not serve the API "
        "version this app is set to (202511). Set LINKEDIN_VERSION to 202608, the version this app is built and "
        "tested on (or remove the setting to use it), then restart the app.")]


def test_member_without_accounts_sees_an_empty_state_on_both_pages(monkeypatch, env):
    connect(monkeypatch, env, member=NOA)
    at = run()
    assert any("You have no ad accounts on LinkedIn yet" in i.value for i in at.info)
    at.switch_page("pages/accounts.py").run()
    assert not at.exception
    assert any("You have no ad accounts on LinkedIn yet" in i.value for i in at.info)
    assert not at.dataframe


def test_viewer_only_member_is_told_plainly(monkeypatch, env, world):
    connect(monkeypatch, env, member=VIC)
    at = run()
    attention = table(at, "Severity")
    member_wide = attention[attention["Account"] == "all accounts"]
    assert list(member_wide["What"].str.startswith("You are VIEWER on every ad account")) == [True]
    assert len(table(at, "segment_id")) == sum(
        len(world.segments.of_account(r.account_id)) for r in world.roles_of("urn:li:person:V1cV1ewer0"))
    at.switch_page("pages/accounts.py").run()
    assert any("You are VIEWER on every ad account" in w.value for w in at.warning)
    rows = table(at, "Role")
    assert set(rows["Role"]) == {"VIEWER"} and set(rows["Can manage audiences"]) == {"no (read only)"}


# -- Ad accounts ----------------------------------------------------------------------------

def test_accounts_page_lists_every_account_with_filters_and_search(monkeypatch, env, world):
    connect(monkeypatch, env)
    at = run("pages/accounts.py")
    assert at.title[0].value == "Ad accounts"
    rows = table(at, "Role")
    roles = {r.account_id: r.role for r in world.roles_of(AVERY_URN)}
    assert dict(zip(rows["ID"], rows["Role"])) == roles
    assert set(rows["Status"]) == {"ACTIVE", "CANCELED", "DRAFT", "PENDING_DELETION", "REMOVED"}
    status = dict(zip(rows["ID"], rows["Status"]))
    assert metric(at, "You can manage audiences in") == str(sum(
        1 for i, r in roles.items() if r != "VIEWER" and status[i] not in ("CANCELED", "PENDING_DELETION", "REMOVED")))

    at.multiselect(key="accounts_status").set_value(["CANCELED", "REMOVED"]).run()
    assert set(table(at, "Role")["Status"]) == {"CANCELED", "REMOVED"}
    at.multiselect(key="accounts_status").set_value([]).run()
    at.multiselect(key="accounts_role").set_value(["VIEWER"]).run()
    viewer = table(at, "Role")
    assert dict(zip(viewer["Status"], viewer["Can manage audiences"])) == {
        "ACTIVE": "no (read only)", "CANCELED": "no (closed account)"}
    at.multiselect(key="accounts_role").set_value([]).run()
    at.text_input(key="accounts_search").input("legacy").run()
    assert list(table(at, "Role")["Account"]) == ["Northwind - Legacy APAC"]
    some_id = str(next(iter(roles)))
    at.text_input(key="accounts_search").input(some_id).run()
    assert list(table(at, "Role")["ID"]) == [int(some_id)]
    at.text_input(key="accounts_search").input("no such account").run()
    assert any("No account matches these filters." in i.value for i in at.info)


def test_refresh_reads_again_and_says_when(monkeypatch, env, world):
    connect(monkeypatch, env)
    at = run("pages/accounts.py")
    assert len(table(at, "Role")) == 14
    world.add_portfolio(AVERY_URN, accounts=2, segments_per_account=1)
    at.run()
    assert len(table(at, "Role")) == 14  # cached for the TTL
    at.button(key="accounts_refresh").click().run()
    assert len(table(at, "Role")) == 16
    assert "Refreshed 0 s ago" in texts(at)


def test_refresh_after_linkedin_moved_on_shows_the_new_status_and_its_history(monkeypatch, env, world):
    from linkedin.demo.controls import SandboxControl

    connect(monkeypatch, env)
    at = run()
    at.selectbox(key="audiences_account").set_value(account_label(at, "Northwind - Brand US")).run()
    segs = table(at, "segment_id")
    row = int(segs.index[segs["name"] == "Trade show leads (just uploaded)"][0])
    assert segs.loc[row, "status"] == "BUILDING" and segs.loc[row, "match_rate_text"] == "n/a"

    SandboxControl(env.url).advance_clock(9 * 3600)  # LinkedIn finishes the first build
    at.button(key="audiences_refresh").click().run()
    segs = table(at, "segment_id")
    assert segs.loc[row, "status"] == "READY" and segs.loc[row, "match_rate_text"].endswith("% (last 7 days)")
    select_row(at, row)
    history = next(s for t, s in charts(at).items() if t.startswith("History of Trade show leads"))
    assert "(2 snapshot(s))" in history["layout"]["title"]["text"]
    assert values(history["data"][2]["text"]) == ["BUILDING", "READY"]  # the status changes, marked


def subheaders(at: AppTest) -> list[str]:
    return [s.value for s in at.subheader if s.value != "Charts"]


def test_the_open_segment_follows_its_id_through_filters_and_accounts(monkeypatch, env, world):
    connect(monkeypatch, env)
    at = run()
    segs = table(at, "segment_id")
    row = int(segs.index[segs["name"] == "Target accounts - Fortune 500"][0])
    chosen = int(segs.loc[row, "segment_id"])
    select_row(at, row)
    assert subheaders(at) == [plain("Target accounts - Fortune 500")]

    # A filter moves its row: the same segment stays open, and the table is drawn with its new row selected.
    at.multiselect(key="audiences_status").set_value(["READY"]).run()
    ready = table(at, "segment_id")
    moved = int(ready.index[ready["segment_id"] == chosen][0])
    assert moved != row and int(ready.loc[row, "segment_id"]) != chosen
    assert subheaders(at) == [plain("Target accounts - Fortune 500")]
    drawn = next(d for d in at.dataframe if "segment_id" in d.value.columns)
    assert json.loads(drawn.proto.selection_default)["selection"]["rows"] == [moved]  # its row, wherever it is

    # A click in the filtered table opens the segment of the row clicked, not of that position before.
    other = (moved + 1) % len(ready)
    select_row(at, other)
    assert subheaders(at) == [plain(ready.loc[other, "name"])]

    # Another account: that segment is not there, and nothing else opens in its place.
    at.multiselect(key="audiences_status").set_value([]).run()
    at.selectbox(key="audiences_account").set_value(account_label(at, "Northwind - Recruiting")).run()
    assert subheaders(at) == []
    select_row(at, 0)
    assert subheaders(at) == [plain(table(at, "segment_id").loc[0, "name"])]


def test_the_attention_list_opens_the_segment_it_names_and_its_count_is_the_headers(monkeypatch, env, world):
    connect(monkeypatch, env)
    at = run()
    attention = table(at, "Severity")
    assert metric(at, "Need attention") == str(len(attention))
    assert f"Attention: {len(attention)} item(s) across all accounts" in [x.label for x in at.expander]
    row = int(attention.index[attention["What"].str.startswith("Still building after")][0])
    select_row(at, row, table="attention")
    assert subheaders(at) == [plain(attention.loc[row, "Segment"])]
    segs = table(at, "segment_id")
    drawn = next(d for d in at.dataframe if "segment_id" in d.value.columns)
    opened = int(segs.index[segs["segment_id"] == attention.loc[row, "Segment ID"]][0])
    assert json.loads(drawn.proto.selection_default)["selection"]["rows"] == [opened]


def test_missing_values_read_n_a_and_what_matters_comes_first(monkeypatch, env, world):
    connect(monkeypatch, env)
    at = run()
    segs = next(d for d in at.dataframe if "segment_id" in d.value.columns)
    attention = next(d for d in at.dataframe if "Severity" in d.value.columns)
    assert (segs.proto.placeholder, attention.proto.placeholder) == ("n/a", "n/a")
    assert list(segs.value.columns[:7]) == ["name", "status", "match_rate_text", "audience_size", "readiness",
                                            "source", "why"]
    assert segs.proto.row_height > 64 and attention.proto.row_height > 64  # Streamlit wraps text from 4rem


def test_a_connection_with_no_segment_of_this_app_is_one_click_from_a_first_one(monkeypatch, env, world):
    monkeypatch.setenv("LINKEDIN_SOURCE_PLATFORM", "ANOTHER_PARTNER")  # every listed segment is some other tool's
    context.settings.cache_clear()
    connect(monkeypatch, env)
    at = run()
    assert metric(at, "Created by this app") == "0"
    assert "**None of these audiences was created with this app yet.**" in texts(at)
    assert len(table(at, "segment_id")) == len(avery_segments(world))  # the table is still there below
    at.button(key="first_segment").click().run()
    assert at.title[0].value == "People segments"


def test_a_viewer_everywhere_is_not_offered_a_first_segment(monkeypatch, env, world):
    monkeypatch.setenv("LINKEDIN_SOURCE_PLATFORM", "ANOTHER_PARTNER")
    context.settings.cache_clear()
    connect(monkeypatch, env, member=VIC)
    at = run()
    assert not [b for b in at.button if b.key == "first_segment"]


def test_the_attention_list_adds_campaign_use(monkeypatch, env, world):
    """Issue 15.4: a live campaign on a segment that cannot serve, and an unused segment's archive countdown,
    are in the Audiences page's attention list (one campaign finder call per account, per reading)."""
    from linkedin.sandbox.campaigns import Campaign

    failed = next(s for s in avery_segments(world) if s.fixed_status in ("FAILED", "EXPIRED"))
    world.campaigns.add(Campaign(id=world.campaigns.new_id(), account_id=failed.account_id, name="Always on",
                                 status="ACTIVE", includes=(failed.ad_segment_id,)))
    stopped = world.clock.now() - world.clock.offset  # LinkedIn's time stands still: the countdowns stay put
    monkeypatch.setattr(world.clock, "_source", lambda: stopped)
    connect(monkeypatch, env)
    at = run()
    attention = table(at, "Severity")
    used = attention[attention["What"].str.startswith("Used by live campaign(s) “Always on”")]
    assert list(used["Severity"]) == ["error"] and failed.name in set(used["Segment"])
    assert metric(at, "Need attention") == str(len(attention))
    unused = attention[attention["What"].str.startswith("No campaign uses it")]
    assert "info" not in set(unused["Severity"])  # archiving more than a week away: on the Match insights page
    at.run()  # a rerun reads no campaign again (the countdowns alone would move with the clock)
    pd.testing.assert_frame_equal(table(at, "Severity"), attention)
