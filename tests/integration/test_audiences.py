"""The notebook API (``from linkedin import Audiences``) against the sandbox over real HTTP.

DataFrame shapes and dtypes, the reports' HTML (readable, and free of the analyst's raw
values), what each call sends (checked in the sandbox's own membership), interruption and
resume, the typed errors, and the ways to connect.
"""

from __future__ import annotations

import hashlib
import io
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import replace

import pandas as pd
import plotly.graph_objects as go
import pytest
import requests

from linkedin import Audiences, BadInput, SignInAgain
from linkedin.api.errors import NeedsConsent
from linkedin.demo.controls import SandboxControl
from linkedin.insights.portfolio import COLUMNS as SEGMENT_COLUMNS
from linkedin.notebook import login as login_mod
from linkedin.notebook.audiences import ACCOUNT_COLUMNS, UPLOAD_COLUMNS
from linkedin.store import Store
from linkedin.sync.upload import email_source, needs_file
from linkedin.tables import exports
from linkedin.tables.preparation import prepare
from tests.integration.helpers import sandbox_settings, without_delays

MANAGED = "Northwind - Sandbox Test"
VIEWER = "Northwind - Partner Co-op"


@pytest.fixture(scope="module")
def world(sandbox_server_module):
    return without_delays(sandbox_server_module)


@pytest.fixture(scope="module")
def aud(world):
    with Audiences.sandbox(world.url) as aud:
        yield aud


@pytest.fixture(scope="module")
def users_segment(aud):
    return aud.create_segment(account=MANAGED, name="API users", kind="users").id


@pytest.fixture(scope="module")
def companies_segment(aud):
    return aud.create_segment(account=MANAGED, name="API companies", kind="COMPANY").id


def people(world, start, stop, *, names=True) -> pd.DataFrame:
    rows = [{"email": f" {m.email.upper()} ", **({"firstname": m.first_name, "lastname": m.last_name} if names else {})}
            for m in world.app.state.sandbox.members[start:stop]]
    return pd.DataFrame(rows)


def hashes(world, start, stop) -> set[str]:
    return {hashlib.sha256(m.email.lower().encode()).hexdigest() for m in world.app.state.sandbox.members[start:stop]}


def stored(world, segment_id) -> set[str]:
    body = requests.get(f"{world.url}/_sandbox/segments/{segment_id}/members", timeout=10).json()
    return set(body.get("keys", {}).get("SHA256_EMAIL", []))


def no_raw_values(text: str, frame: pd.DataFrame) -> None:
    for value in frame.to_numpy().ravel():
        if isinstance(value, str) and "@" in value:
            assert value.strip() not in text and value.strip().lower() not in text


# import and connect ----------------------------------------------------------------

def test_import_linkedin_stays_light_until_audiences_is_used():
    code = ("import sys, linkedin; assert 'pandas' not in sys.modules and 'linkedin.notebook.audiences' not in sys.modules; "
            "from linkedin import Audiences; assert 'linkedin.notebook.audiences' in sys.modules; print(Audiences.__name__)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                          cwd=os.path.dirname(os.path.dirname(os.path.dirname(__file__))))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "Audiences"


def test_sandbox_without_url_serves_one_in_process_and_close_stops_it():
    aud = Audiences.sandbox()
    url = aud.settings.api_base_url
    try:
        assert url.startswith("http://127.0.0.1:")
        assert aud.status().member_name == "Avery Analyst"
        assert len(aud.accounts()) > 0
    finally:
        aud.close()
    with pytest.raises(requests.ConnectionError):
        requests.get(url + "/_sandbox/state", timeout=2)


def test_connect_reuses_the_command_lines_login_and_never_prompts(world, tmp_path):
    settings = sandbox_settings(world.url, tmp_path / "app.db")
    store = Store(tmp_path / "app.db", token_key=settings.token_key)
    with pytest.raises(SignInAgain, match="python -m linkedin login"):
        Audiences.connect(settings=settings, store=store, login_if_needed=False, environ={})
    login_mod.sign_in(settings, store, member="Vic Viewer")  # what `python -m linkedin login` stores
    aud = Audiences.connect(settings=settings, store=store, login_if_needed=False, environ={})
    assert aud.source == "store" and aud.connection.sid == login_mod.CLI_SID
    assert aud.status().member_name == "Vic Viewer"
    token = store.connection(login_mod.CLI_SID)["token"]["access_token"]
    given = Audiences.connect(settings=settings, store=store, environ={"LINKEDIN_ACCESS_TOKEN": token})
    assert given.source == "LINKEDIN_ACCESS_TOKEN" and given.connection is None
    assert given.accounts()["role"].eq("VIEWER").any()


def test_a_revoked_login_raises_sign_in_again_saying_how(world):
    with Audiences.sandbox(world.url) as mine:
        SandboxControl(world.url).revoke(mine.connection.token().access_token)
        with pytest.raises(SignInAgain) as caught:
            mine.accounts(refresh=True)
    assert isinstance(caught.value, NeedsConsent)
    text = str(caught.value)
    assert "python -m linkedin login" in text and "Audiences.connect()" in text
    assert "Bearer" not in text


# reading ---------------------------------------------------------------------------

def test_accounts_frame(aud):
    frame = aud.accounts()
    assert list(frame.columns) == ACCOUNT_COLUMNS
    assert frame["id"].dtype == "int64" and frame["can_manage"].dtype == bool
    by_name = frame.set_index("name")
    assert by_name.loc[VIEWER, "role"] == "VIEWER" and not by_name.loc[VIEWER, "can_manage"]
    assert by_name.loc[MANAGED, "can_manage"]
    assert frame.attrs["problems"] == []


def test_segments_frame_of_one_account_and_of_all(aud, users_segment):
    one = aud.segments(account=MANAGED)
    assert list(one.columns) == list(SEGMENT_COLUMNS)
    assert set(one["account"]) == {MANAGED} and users_segment in set(one["segment_id"])
    assert str(one["match_rate"].dtype) == "Float64" and str(one["audience_size"].dtype) == "Int64"
    assert one.set_index("segment_id").loc[users_segment, "ours"]
    assert list(SEGMENT_COLUMNS)[-5:] == ["counts_window_days", "no_recent_uploads", "targetable", "serving",
                                          "readiness_text"]
    mine = one.set_index("segment_id").loc[users_segment]
    assert (mine["counts_window_days"], mine["targetable"], mine["readiness"]) == (7, True, "targetable, not serving")
    everything = aud.segments()
    assert list(everything.columns) == list(SEGMENT_COLUMNS)
    assert len(everything) > len(one) and everything["account"].nunique() > 1


def test_charts_are_the_apps_plotly_figures(aud, users_segment):
    for figure in (aud.chart_match_rates(account=MANAGED), aud.chart_audience_sizes(), aud.chart_statuses(),
                   aud.chart_history(users_segment)):
        assert isinstance(figure, go.Figure) and figure.layout.title.text


# checking, planning, syncing -----------------------------------------------------

def test_check_report_frames_and_html_without_raw_values(aud, world):
    df = pd.concat([people(world, 0, 8), pd.DataFrame([{"email": "not-an-email", "firstname": "X"},
                                                        {"email": " " + world.app.state.sandbox.members[0].email}])],
                   ignore_index=True)
    report = aud.check(df, kind="users")
    assert report.summary["rows"] == 10 and report.summary["unique"] == 8
    assert list(report.frame.columns) == ["field", "label", "column", "given", "valid", "fixed", "invalid", "problems"]
    assert report.frame.set_index("field").loc["email", "invalid"] == 1
    assert list(report.rejected["row"]) == [9] and list(report.duplicates["row"]) == [10]
    html = report._repr_html_()
    assert "<table" in html and "Data quality" in html and "to send" in html
    assert "cannot be sent: see <code>.rejected</code>" in html
    no_raw_values(html + repr(report) + report.text(), df)


def test_plan_sends_nothing_and_shows_adds_and_removes(aud, world, users_segment):
    plan = aud.plan(people(world, 0, 5), segment=users_segment, mode="mirror")
    assert plan.counts == {"add": 5, "remove": 0, "unchanged": 0, "in_ledger": 0, "after": 5}
    assert list(plan.frame.columns) == ["row", "action", "key"] and set(plan.frame["action"]) == {"ADD"}
    assert list(plan.frame["row"]) == [1, 2, 3, 4, 5]
    assert "Sync plan (nothing sent)" in plan._repr_html_()
    assert stored(world, users_segment) == set()


def test_sync_then_mirror_results_per_row(aud, world, users_segment):
    first = aud.sync(people(world, 10, 40), segment=users_segment, mode="add", progress=False)
    assert (first.state, first.accepted, first.rejected, first.pending) == ("done", 30, 0, 0) and first.ok
    assert stored(world, users_segment) == hashes(world, 10, 40)

    df = pd.concat([people(world, 30, 50), pd.DataFrame([{"email": "nope"}])], ignore_index=True)
    second = aud.sync(df, segment=users_segment, mode="mirror", progress=False)
    assert second.plan.counts["add"] == 10 and second.plan.counts["remove"] == 20
    assert second.plan.counts["unchanged"] == 10
    assert stored(world, users_segment) == hashes(world, 30, 50)
    frame = second.frame
    assert list(frame.columns) == ["row", "action", "result", "http_status", "message"]
    assert len(frame) == 21 and list(frame["row"]) == list(range(1, 22))
    assert frame.set_index("row").loc[21, "result"] == "rejected locally"
    assert frame["result"].value_counts().to_dict() == {"accepted by LinkedIn": 10, "not sent (no change needed)": 10,
                                                        "rejected locally": 1}
    written = pd.read_csv(io.BytesIO(exports.to_csv(frame)), dtype=str, keep_default_na=False)
    assert set(written["http_status"]) == {"201", ""}  # an integer, never 201.0, and empty where nothing was sent
    html = second._repr_html_()
    assert "Sync result" in html and "accepted by LinkedIn" in html and second.run_id in html
    no_raw_values(html + second.text() + repr(second), df)
    uploads = aud.uploads()
    assert list(uploads.columns) == UPLOAD_COLUMNS
    assert uploads.iloc[0]["id"] == second.run_id and str(uploads["created"].dtype).startswith("datetime64")


def test_companies_sync_and_the_other_kind_refused(aud, world, companies_segment, users_segment):
    companies = world.app.state.sandbox.companies[:12]
    df = pd.DataFrame([{"Company Name": c.name, "Website": c.website_domain} for c in companies])
    result = aud.sync(df, segment=companies_segment, progress=False)
    assert result.ok and result.accepted == 12
    with pytest.raises(BadInput, match="is a COMPANY segment: it takes companies, not users"):
        aud.sync(people(world, 0, 3), segment=companies_segment, kind="users", progress=False)
    with pytest.raises(BadInput, match="is a USER segment"):
        aud.plan(df, segment=users_segment, kind="companies")


def test_bad_input_is_refused_before_anything_is_sent(aud, world, users_segment):
    viewer_segment = aud.segments(account=VIEWER).query("type == 'users'")["segment_id"].iloc[0]
    canceled = "Northwind - Events 2025"  # ACCOUNT_MANAGER on a CANCELED account
    everything = aud.segments()
    open_users = everything[(everything["type"] == "users") & (everything["role"] != "VIEWER")
                            & everything["status"].isin(["READY", "BUILDING", "UPDATING"])]
    predictive = open_users[open_users["source_platform"] == "LINKEDIN_BUSINESS_OBJECTIVE_BASED_AUDIENCES"].iloc[0]
    others = open_users[open_users["source_platform"] == "SEGMENT"].iloc[0]
    canceled_segment = aud.segments(account=canceled).query("type == 'users'")["segment_id"].iloc[0]
    cases = [
        (lambda: aud.sync(people(world, 0, 2), segment=predictive["segment_id"], progress=False),
         "is a LinkedIn predictive audience: LinkedIn chooses its members: this app uploads no member to it"),
        (lambda: aud.sync(people(world, 0, 2), segment=others["segment_id"], progress=False),
         r"is made by another tool \(sourcePlatform SEGMENT\), which fills it: this app uploads no member to it"),
        (lambda: aud.create_segment(account=canceled, name="no", kind="users"),
         r"cannot create a segment: ad account Northwind - Events 2025 \(\d+\) is CANCELED"),
        (lambda: aud.sync(people(world, 0, 2), segment=canceled_segment, progress=False),
         r"cannot change its audiences: ad account Northwind - Events 2025 \(\d+\) is CANCELED: LinkedIn serves"),
        (lambda: aud.create_segment(account=VIEWER, name="no", kind="users"),
         r"cannot create a segment: your role on ad account Northwind - Partner Co-op \(\d+\) is VIEWER"),
        (lambda: aud.sync(people(world, 0, 2), segment=viewer_segment, progress=False),
         r"cannot change its audiences: your role on ad account Northwind - Partner Co-op \(\d+\) is VIEWER"),
        (lambda: aud.segments(account="No Such Account"), "no ad account 'No Such Account'"),
        (lambda: aud.plan(people(world, 0, 2), segment=users_segment, mode="replace"), "mode must be one of"),
        (lambda: aud.check(people(world, 0, 2), kind="people"), "kind must be users or companies"),
        (lambda: aud.plan(people(world, 0, 2), segment="abc"), "numeric id"),
        (lambda: aud.resume("nope"), "no upload run 'nope'"),
        (lambda: aud.sync(pd.DataFrame({"email": ["not an email", "x@y"]}), segment=users_segment, mode="mirror",
                          progress=False), "nothing in DataFrame can be sent: none of its 2 rows"),
        (lambda: aud.plan(pd.DataFrame({"email": ["", " "]}), segment=users_segment),
         "nothing in DataFrame can be sent: all 2 rows are blank"),
    ]
    before = len(aud.uploads())
    for call, message in cases:
        with pytest.raises(ValueError, match=message):
            call()
    assert len(aud.uploads()) == before  # no run was started


def test_an_interrupted_sync_stays_paused_and_resumes(aud, world, users_segment, capsys):
    SandboxControl(world.url).inject_fault("slow", count=1, delay_seconds=3,
                                           path_prefix=f"/rest/dmpSegments/{users_segment}/users")
    df = people(world, 100, 120)
    before = len(aud.uploads())

    def interrupt_once_the_run_is_written():
        deadline = time.monotonic() + 20
        while len(aud.uploads()) == before and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.5)  # the batch is in flight, held by the slow fault
        os.kill(os.getpid(), signal.SIGINT)

    threading.Thread(target=interrupt_once_the_run_is_written, daemon=True).start()
    with pytest.raises(KeyboardInterrupt):
        aud.sync(df, segment=users_segment, progress=False)
    run = aud.uploads().iloc[0]
    assert run["state"] == "paused" and run["pending"] == 20 and run["needs_file"]
    assert f"aud.resume('{run['id']}', df)" in capsys.readouterr().err
    with pytest.raises(BadInput, match="give the same file again"):
        aud.resume(run["id"])
    done = aud.resume(run["id"], df, progress=False)
    assert done.state == "done" and done.accepted == 20 and len(done.frame) == 20
    assert hashes(world, 100, 120) <= stored(world, users_segment)


def test_a_run_of_sha256_emails_resumes_without_the_table(aud, world, users_segment):
    SandboxControl(world.url).inject_fault("drop", count=2, path_prefix=f"/rest/dmpSegments/{users_segment}/users")
    paused = aud.sync(people(world, 200, 210, names=False), segment=users_segment, progress=False)
    assert paused.state == "paused" and not paused.run.needs_file and not paused.ok and not paused.needs_consent
    assert "Sync result" in paused._repr_html_() and f"aud.resume(&#x27;{paused.run_id}&#x27;)" in paused._repr_html_()
    done = aud.resume(paused.run_id, progress=False)
    assert done.state == "done" and done.accepted == 10
    assert list(done.frame.columns) == ["key", "action", "result", "http_status", "message"]
    assert set(done.frame["key"]) == hashes(world, 200, 210)
    assert hashes(world, 200, 210) <= stored(world, users_segment)


def test_progress_bar_draws_on_the_given_file(aud, world, users_segment, tmp_path):
    with open(tmp_path / "bar.txt", "w") as bar:
        aud.sync(people(world, 600, 625), segment=users_segment, progress=bar)
    drawn = (tmp_path / "bar.txt").read_text()
    assert "25/25" in drawn and "accepted=25" in drawn


def test_history_frame(aud, users_segment):
    frame = aud.history(users_segment)
    assert list(frame.columns) == ["segment_id", "name", "status", "input_count", "matched_count", "audience_size",
                                   "match_rate", "taken_at", "seen_at", "match_rate_text", "counts_window_days"]
    assert set(frame["counts_window_days"]) == {7}
    assert frame["match_rate_text"].iloc[-1].endswith("% (last 7 days)")
    assert len(frame) >= 1 and set(frame["segment_id"]) == {users_segment}
    assert str(frame["taken_at"].dtype) == "datetime64[ns, UTC]" or str(frame["taken_at"].dtype).startswith(
        "datetime64")
    assert frame["taken_at"].is_monotonic_increasing


# resuming without the table: only when every key is the element ---------------------

@pytest.mark.parametrize("frame, kind, needs", [
    (pd.DataFrame({"email": ["a@example.org", " B@Example.org", "c@example.org"]}), "users", False),
    (pd.DataFrame({"email": [hashlib.sha256(b"a@example.org").hexdigest()]}), "users", False),
    (pd.DataFrame({"email": ["a@example.org"], "firstname": ["Ann"]}), "users", True),
    (pd.DataFrame({"email": [hashlib.sha512(b"a@example.org").hexdigest()]}), "users", True),
    (pd.DataFrame({"googleaid": ["38400000-8cf0-11bd-b23e-10b96e40000d"]}), "users", True),
    (pd.DataFrame({"companyname": ["Acme"]}), "companies", True),
])
def test_needs_file(frame, kind, needs):
    prepared = prepare(frame, kind)
    assert needs_file(prepared) is needs
    if not needs:  # the rebuilt elements are exactly what the table would send
        built = prepared.elements("ADD", prepared.rows.tolist())
        keys = prepared.keys.to_pylist()
        assert [{"action": "ADD", **email_source(keys)[k]} for k in keys] == built


# who sees what ---------------------------------------------------------------------

def test_members_sharing_a_store_see_and_resume_only_their_own_uploads(world, aud, users_segment, tmp_path):
    """One store, analysts taking turns (a shared machine): runs are their owner's, history is per account."""
    settings = sandbox_settings(world.url, tmp_path / "team.db")
    store = Store(tmp_path / "team.db", token_key=settings.token_key)
    avery = Audiences.connect(settings=settings, store=store, member="Avery Analyst", environ={})
    df = people(world, 200, 205, names=False)
    SandboxControl(world.url).inject_fault("503", count=20, path_prefix=f"/rest/dmpSegments/{users_segment}/users")
    avery.retry = replace(avery.retry, tries=1)
    paused = avery.sync(df, segment=users_segment, progress=False)  # LinkedIn down: paused, resumable
    SandboxControl(world.url).clear_faults()
    assert paused.state == "paused" and list(avery.uploads()["id"]) == [paused.run_id]
    assert len(avery.history(users_segment, refresh=False)) > 0  # her account's segment: its snapshots

    vic = Audiences.connect(settings=settings, store=store, member="Vic Viewer", environ={})
    assert vic.uploads().empty
    for call in (lambda: vic.upload(paused.run_id), lambda: vic.resume(paused.run_id)):
        with pytest.raises(BadInput, match=f"no upload run '{paused.run_id}' of yours"):
            call()
    assert vic.history(users_segment, refresh=False).empty  # not one of Vic's accounts
    shared = vic.segments(account="Northwind - Brand US")["segment_id"].iloc[0]
    assert len(vic.history(shared, refresh=False)) > 0  # an account Vic shares with Avery: its snapshots

    token = store.connection(login_mod.CLI_SID)["token"]["access_token"]
    avery_again = Audiences.connect(settings=settings, store=store, member="Avery Analyst", environ={})
    assert list(avery_again.uploads()["id"]) == [paused.run_id]
    assert avery_again.resume(paused.run_id, progress=False).state == "done"
    given = Audiences.connect(settings=settings, store=store, environ={"LINKEDIN_ACCESS_TOKEN": token})
    assert given.uploads().empty  # Vic's token: LinkedIn names Vic as its holder
    assert len(given.history(shared, refresh=False)) > 0


def test_a_given_token_owns_the_runs_of_the_member_linkedin_names(world, tmp_path):
    settings = sandbox_settings(world.url, tmp_path / "app.db")
    store = Store(tmp_path / "app.db", token_key=settings.token_key)
    avery = Audiences.connect(settings=settings, store=store, member="Avery Analyst", environ={})
    run_id = avery.sync(people(world, 210, 212, names=False), segment=avery.create_segment(
        account=MANAGED, name="Token owner", kind="users").id, progress=False).run_id
    token = store.connection(login_mod.CLI_SID)["token"]["access_token"]
    given = Audiences.connect(settings=settings, store=store, environ={"LINKEDIN_ACCESS_TOKEN": token})
    assert given.source == "LINKEDIN_ACCESS_TOKEN" and list(given.uploads()["id"]) == [run_id]
    assert given.upload(run_id).owner == avery.upload(run_id).owner
