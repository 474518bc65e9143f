"""Match insights over real HTTP against the sandbox: the campaign reader, ``Audiences.funnel``,
``.campaigns``, ``.overlap``, and ``python -m linkedin insights`` in a subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from linkedin import Audiences, BadInput
from linkedin.api import campaigns as campaigns_mod
from linkedin.demo.controls import SandboxControl
from tests.integration.test_cli import cli, environment

ROOT = Path(__file__).resolve().parents[2]
MANAGED = "Northwind - Sandbox Test"


@pytest.fixture(scope="module")
def world(sandbox_server_module):
    SandboxControl(sandbox_server_module.url).update_settings(
        segment_visibility_delay_seconds=0, segment_build_seconds=0, segment_update_seconds=0)
    return sandbox_server_module


@pytest.fixture(scope="module")
def aud(world):
    with Audiences.sandbox(world.url) as aud:
        yield aud


def people(world, start: int, stop: int) -> pd.DataFrame:
    members = world.app.state.sandbox.members[start:stop]
    rows = [{"email": m.email} for m in members] + [{"email": "not an email"}] * 5 + [{"email": members[0].email}]
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def synced(aud, world):
    """Two segments of one account the app sent to, overlapping by 100 members."""
    a = aud.create_segment(account=MANAGED, name="Insights A", kind="users").id
    b = aud.create_segment(account=MANAGED, name="Insights B", kind="users").id
    run_a = aud.sync(people(world, 0, 400), segment=a, mode="add", progress=False).run_id
    aud.sync(people(world, 300, 500), segment=b, mode="add", progress=False)
    return {"a": a, "b": b, "run_a": run_a}


def test_the_campaign_reader_takes_one_call_per_account(aud, world):
    sandbox = world.app.state.sandbox
    account = next(a for a in sandbox.ad_accounts.values() if a.name == "Northwind - Enterprise ABM")
    client = aud.client()
    before = client.calls
    found, problems = campaigns_mod.find_by_account(client, f"urn:li:sponsoredAccount:{account.id}")
    assert client.calls - before == 1 and problems == []
    shown = [c for c in sandbox.campaigns.of_account(account.id) if c.status in campaigns_mod.SHOWN_STATUSES]
    assert [c.id for c in found] == [c.id for c in shown]
    assert [c.includes for c in found] == [tuple(f"urn:li:adSegment:{i}" for i in c.includes) for c in shown]


def test_funnel_of_a_run_fills_linkedins_steps_once_the_segment_is_read(aud, synced):
    before = aud.funnel(synced["run_a"])
    assert list(before["step"]) == ["Rows in the file", "Valid", "Unique", "Sent", "Accepted by LinkedIn",
                                    "Matched (LinkedIn, 7 days)", "Audience size"]
    assert list(before["count"][:5]) == [406, 401, 400, 400, 400]
    assert before["count"][5] is pd.NA and before["note"][5].startswith("LinkedIn has not reported yet")
    aud.segments(MANAGED)  # the app reads the segment: a snapshot
    after = aud.funnel(synced["run_a"])
    assert after["count"][5] is not pd.NA and 0 < after["count"][5] <= 400
    counts = list(after["count"])
    losses = [counts[i] - counts[i + 1] for i in range(len(counts) - 1)]
    assert max(losses) == counts[5] - counts[6] > 5  # every sandbox email is a member; opt-outs leave the audience
    assert after.attrs["biggest_loss"] == (f"{100 * (counts[5] - counts[6]) / 406:.0f}% of the rows matched but are "
                                           "not in the audience (duplicates, or members who opted out).")


def test_campaigns_frame_lists_every_segment_of_the_account(aud, world, synced):
    frame = aud.campaigns(MANAGED)
    assert list(frame.columns) == ["segment_id", "segment", "account", "ad_segment", "campaign_id", "campaign",
                                   "campaign_status", "use", "live"]
    new = frame[frame["segment_id"] == synced["a"]]
    assert list(new["use"]) == ["unused"]
    assert set(frame["use"]) <= {"include", "exclude", "unused"}


def test_overlap_of_two_segments_counts_shared_hashed_keys(aud, synced):
    frame = aud.overlap([synced["a"], synced["b"]])
    assert frame.to_numpy().tolist() == [[400, 100], [100, 200]]
    pair = frame.attrs["pairs"].iloc[0]
    assert (pair["shared"], pair["share_of_a"], pair["share_of_b"]) == (100, 0.25, 0.5)


def test_overlap_refuses_what_it_cannot_compare_in_words(aud, synced):
    with pytest.raises(BadInput, match="give 2 to 20 segments to compare, not 1"):
        aud.overlap([synced["a"]])
    with pytest.raises(BadInput, match="no segment '123' in your ad accounts"):
        aud.overlap([synced["a"], 123])


def test_cli_insights_json_and_text(world, tmp_path):
    env = environment(world.url, tmp_path / "app.db")
    assert cli(env, "login", "--member", "Avery").returncode == 0
    done = cli(env, "insights", "--account", MANAGED, "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert set(data) == {"account", "funnels", "mix", "campaign_usage", "attention", "overlap", "problems"}
    assert data["account"]["name"] == MANAGED and data["campaign_usage"]
    text = cli(env, "insights", "--account", MANAGED)
    assert text.returncode == 0 and "Campaign usage" in text.stdout and "Funnel of recent uploads" in text.stdout
    bad = cli(env, "insights", "--account", "No such account")
    assert bad.returncode == 2 and bad.stderr.startswith("error: no ad account 'No such account'")
    assert "Traceback" not in bad.stderr
