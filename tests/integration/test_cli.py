"""``python -m linkedin`` end to end: every command in a subprocess, over real HTTP, against the sandbox.

One sandbox serves the module (in a thread of the test process); each command runs as
a cron job would, with LINKEDIN_API_BASE_URL / LINKEDIN_OAUTH_BASE_URL pointing at it and
its own sqlite file. Checked: the text and ``--json`` shapes, the exit codes (0 ok, 1
LinkedIn refused rows, 2 bad usage or input, 3 sign in again, 130 interrupted), dry
runs that send nothing, faults waited out, paused runs resumed, and that no token is
ever printed.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pandas as pd
import pytest
import requests

from linkedin.demo.controls import SandboxControl
from linkedin.demo.server import free_port
from tests.integration.helpers import without_delays

ROOT = Path(__file__).resolve().parents[2]
AVERY_ACCOUNT = "Northwind - Sandbox Test"  # ACTIVE, ACCOUNT_MANAGER for Avery Analyst
VIEWER_ACCOUNT = "Northwind - Partner Co-op"  # ACTIVE, VIEWER for Avery Analyst
OUTPUTS: list[str] = []  # everything the commands printed, searched for tokens at the end


def environment(sandbox_url: str | None, db: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LINKEDIN_")}
    env.update({"LINKEDIN_DB_PATH": str(db), "PYTHONUNBUFFERED": "1"})
    if sandbox_url:
        env.update({"LINKEDIN_API_BASE_URL": sandbox_url, "LINKEDIN_OAUTH_BASE_URL": sandbox_url})
    env.update(extra)
    return env


def cli(env: dict[str, str], *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, "-m", "linkedin", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=timeout, stdin=subprocess.DEVNULL)
    OUTPUTS.extend([done.stdout, done.stderr])
    return done


def stored_token(db: Path) -> dict:
    """The CLI's tokens, opened with the key it generated beside its database."""
    from linkedin.store import Store

    return Store(db, token_key=(db.parent / ".token_key").read_text()).connection("cli")["token"]


def as_json(done: subprocess.CompletedProcess) -> dict:
    assert done.stdout.strip(), done.stderr
    return json.loads(done.stdout)


def one_line_error(done: subprocess.CompletedProcess) -> str:
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith(("error: ", "python -m linkedin")), lines[0]
    return lines[0]


@pytest.fixture(scope="module")
def world(sandbox_server_module):
    return without_delays(sandbox_server_module)


@pytest.fixture(scope="module")
def env(world, tmp_path_factory):
    """A CLI signed in as Avery Analyst through the sandbox's consent screen."""
    env = environment(world.url, tmp_path_factory.mktemp("cli") / "app.db")
    done = cli(env, "login", "--member", "Avery")
    assert done.returncode == 0, done.stderr
    assert "Signed in as Avery Analyst" in done.stdout
    return env


@pytest.fixture(scope="module")
def ids(world, env):
    """The two accounts by name -> id, and one new USER and one new COMPANY segment."""
    accounts = {a["name"]: a["id"] for a in as_json(cli(env, "accounts", "--json"))["accounts"]}
    made = {}
    for kind in ("USER", "COMPANY"):
        done = cli(env, "create-segment", "--account", str(accounts[AVERY_ACCOUNT]), "--name", f"CLI {kind}",
                   "--type", kind, "--json")
        assert done.returncode == 0, done.stderr
        made[kind] = as_json(done)["id"]
    return {"account": accounts[AVERY_ACCOUNT], "viewer": accounts[VIEWER_ACCOUNT], **made}


def people_csv(world, path: Path, start: int, stop: int, *, names: bool = True) -> Path:
    members = world.app.state.sandbox.members[start:stop]
    rows = [{"email": m.email, **({"firstname": m.first_name, "lastname": m.last_name} if names else {})}
            for m in members]
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


def hashes(world, start: int, stop: int) -> set[str]:
    import hashlib

    return {hashlib.sha256(m.email.strip().lower().encode()).hexdigest()
            for m in world.app.state.sandbox.members[start:stop]}


def stored(world, segment_id: int) -> set[str]:
    body = requests.get(f"{world.url}/_sandbox/segments/{segment_id}/members", timeout=10).json()
    return set(body.get("keys", {}).get("SHA256_EMAIL", []))


def organizations(world, segment_id: int) -> list[int]:
    body = requests.get(f"{world.url}/_sandbox/segments/{segment_id}/members", timeout=10).json()
    return body.get("organizations", [])


def runs(db: str) -> list[dict]:
    with sqlite3.connect(db) as conn:
        conn.row_factory = sqlite3.Row
        try:
            return [dict(r) for r in conn.execute("select * from runs order by created_at")]
        except sqlite3.OperationalError:  # no sync yet: no table
            return []


# signing in ------------------------------------------------------------------------

def test_login_goes_through_the_browser_consent_and_a_loopback_redirect(world, tmp_path):
    env = environment(world.url, tmp_path / "app.db")
    proc = subprocess.Popen([sys.executable, "-m", "linkedin", "login", "--no-browser", "--timeout", "60"], cwd=ROOT,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            stdin=subprocess.DEVNULL)
    try:
        url = None
        deadline = time.monotonic() + 30
        while url is None and time.monotonic() < deadline:
            line = proc.stderr.readline()
            assert line or proc.poll() is None, "login ended before printing the consent address"
            if line.startswith("http"):
                url = line.strip()
        assert url and url.startswith(world.url + "/oauth/v2/authorization?")
        # Another local program first: a connection that says nothing, then a request without our state.
        # Both are turned away and the CLI keeps waiting for the real answer.
        loopback = parse_qs(urlsplit(url).query)["redirect_uri"][0]
        idle = socket.create_connection((urlsplit(loopback).hostname, urlsplit(loopback).port), timeout=30)
        stray = requests.get(loopback, params={"code": "someone-elses-code", "state": "not-this-sign-in"}, timeout=30)
        assert stray.status_code == 400 and idle.recv(1) == b""  # the silent one was dropped first
        idle.close()
        assert proc.poll() is None
        # The member's browser: the consent screen, Allow, then the redirect to the CLI's loopback server.
        from tests.integration.helpers import _ConsentForm, without_delays

        browser = requests.Session()
        page = browser.get(url, timeout=10)
        form = _ConsentForm()
        form.feed(page.text)
        back = browser.post(requests.compat.urljoin(page.url, form.action),
                            data=dict(form.hidden, decision="allow", member=form.members[0][0]), timeout=10)
        assert back.status_code == 200 and "Signed in to LinkedIn" in back.text
        assert back.url.startswith("http://127.0.0.1:") and "/linkedin/callback?code=" in back.url
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    OUTPUTS.extend([out, err])
    assert proc.returncode == 0, err
    assert "Signed in as Avery Analyst" in out
    status = as_json(cli(env, "status", "--json"))
    assert status["state"] == "connected" and status["member"]["name"] == "Avery Analyst"


def test_login_timeout_is_honoured(world, tmp_path):
    started = time.monotonic()
    done = cli(environment(world.url, tmp_path / "app.db"), "login", "--no-browser", "--timeout", "1")
    assert time.monotonic() - started < 20  # not the 300 s default
    assert done.returncode == 1
    assert "no answer from LinkedIn's consent screen within 1 s; nothing was connected" in done.stderr


def test_login_cancelled_on_the_consent_screen_connects_nothing(world, tmp_path):
    env = environment(world.url, tmp_path / "app.db")
    proc = subprocess.Popen([sys.executable, "-m", "linkedin", "login", "--no-browser", "--timeout", "60"], cwd=ROOT,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            stdin=subprocess.DEVNULL)
    try:
        url = next(line.strip() for line in iter(proc.stderr.readline, "") if line.startswith("http"))
        from tests.integration.helpers import _ConsentForm

        page = requests.get(url, timeout=10)
        form = _ConsentForm()
        form.feed(page.text)
        requests.post(requests.compat.urljoin(page.url, form.action), data=dict(form.hidden, decision="cancel"),
                      timeout=10)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 1
    assert "did not grant access" in err
    assert cli(env, "status").returncode == 3


def test_login_as_an_unknown_sandbox_member_is_bad_input(world, tmp_path):
    done = cli(environment(world.url, tmp_path / "app.db"), "login", "--member", "Nobody Here")
    assert done.returncode == 2
    assert "no demo member 'Nobody Here'" in one_line_error(done)


# reading ---------------------------------------------------------------------------

def test_status_reports_token_health_as_text_and_json(env):
    done = cli(env, "status")
    assert done.returncode == 0
    assert "connected as Avery Analyst" in done.stdout and "rw_dmp_segments" in done.stdout
    data = as_json(cli(env, "status", "--json"))
    assert set(data) == {"source", "state", "ok", "member", "access_expires_at", "refresh_expires_at", "scopes",
                         "missing_scopes", "heartbeat", "reason", "setup"}
    assert data["setup"] == []  # the sandbox's registration documents its own sourcePlatform
    assert data["source"] == "store" and data["ok"] is True and data["missing_scopes"] == []
    assert {"r_ads", "rw_dmp_segments"} <= set(data["scopes"])
    assert data["access_expires_at"] < data["refresh_expires_at"]
    assert set(data["heartbeat"]) == {"ok", "checked_at", "introspection", "api_call", "message"}
    assert data["heartbeat"]["introspection"] == "active"


def test_status_names_a_missing_source_platform_first_on_real_linkedin(world, tmp_path):
    env = environment(world.url, tmp_path / "app.db", LINKEDIN_CLIENT_ID="sandbox-demo-client",
                      LINKEDIN_CLIENT_SECRET="sandbox-demo-secret", LINKEDIN_COOKIE_SECRET="cli-test-cookie-secret-0123456789-abcdef")
    done = cli(env, "status")
    assert done.stdout.splitlines()[0].startswith("Setup: LINKEDIN_SOURCE_PLATFORM is not set: LinkedIn gives each")
    assert as_json(cli(env, "status", "--json"))["setup"][0].startswith("LINKEDIN_SOURCE_PLATFORM is not set")


def test_status_without_a_login_says_so_and_exits_3(world, tmp_path):
    env = environment(world.url, tmp_path / "app.db")
    done = cli(env, "status", "--json")
    assert done.returncode == 3
    assert as_json(done)["state"] == "disconnected"
    done = cli(env, "accounts")
    assert done.returncode == 3
    assert "python -m linkedin login" in one_line_error(done)


def test_accounts_table_and_json(env):
    table = cli(env, "accounts")
    assert table.returncode == 0
    header = table.stdout.splitlines()[0].split()
    assert header == ["id", "name", "status", "role", "can_manage"]
    assert AVERY_ACCOUNT in table.stdout
    data = as_json(cli(env, "accounts", "--json"))
    assert set(data) == {"accounts", "problems"}
    first = data["accounts"][0]
    assert set(first) == {"id", "name", "status", "role", "can_manage", "type", "currency", "test", "urn"}
    by_name = {a["name"]: a for a in data["accounts"]}
    assert by_name[VIEWER_ACCOUNT]["role"] == "VIEWER" and by_name[VIEWER_ACCOUNT]["can_manage"] is False
    assert by_name[AVERY_ACCOUNT]["can_manage"] is True and isinstance(by_name[AVERY_ACCOUNT]["id"], int)


def test_segments_table_and_json(env, ids):
    table = cli(env, "segments", "--account", str(ids["account"]))
    assert table.returncode == 0
    assert "segment_id" in table.stdout and "CLI USER" in table.stdout
    header = table.stdout.splitlines()[1].split()
    assert header == ["segment_id", "name", "type", "status", "input_7d", "matched_7d", "match_rate", "audience_size",
                      "readiness"]
    assert table.stdout.splitlines()[-1] == ("input_7d, matched_7d and match_rate cover the uploads of the last 7 "
                                             "days; audience_size covers everything uploaded.")
    data = as_json(cli(env, "segments", "--account", AVERY_ACCOUNT, "--json"))
    assert set(data) == {"account", "segments", "problems"}
    assert data["account"] == {"id": ids["account"], "name": AVERY_ACCOUNT, "role": "ACCOUNT_MANAGER",
                               "can_manage": True}
    mine = {s["id"]: s for s in data["segments"]}
    assert set(mine[ids["USER"]]) == {"id", "name", "type", "status", "input_count", "matched_count", "match_rate",
                                      "audience_size", "readiness", "ready", "why", "ours", "source_platform",
                                      "created", "last_modified", "destination_segment_urn", "counts_window_days",
                                      "no_recent_uploads", "match_rate_text", "targetable", "serving",
                                      "readiness_text"}
    assert mine[ids["USER"]]["type"] == "users" and mine[ids["COMPANY"]]["type"] == "companies"
    user = mine[ids["USER"]]
    assert {k: user[k] for k in ("counts_window_days", "targetable", "readiness")} == {
        "counts_window_days": 7, "targetable": True, "readiness": "targetable, not serving"}
    assert mine[ids["USER"]]["ours"] is True


def test_segments_of_an_unknown_account_is_bad_input(env):
    done = cli(env, "segments", "--account", "123")
    assert done.returncode == 2
    assert "no ad account '123'" in one_line_error(done)


def test_create_segment_text_and_refusals(env, ids):
    done = cli(env, "create-segment", "--account", str(ids["account"]), "--name", "Made by text", "--type", "user")
    assert done.returncode == 0 and done.stdout.startswith("Created segment ")
    viewer = cli(env, "create-segment", "--account", str(ids["viewer"]), "--name", "No", "--type", "USER")
    assert viewer.returncode == 2
    assert "cannot create a segment: your role on ad account Northwind - Partner Co-op" in one_line_error(viewer)
    bad = cli(env, "create-segment", "--account", str(ids["account"]), "--name", "No", "--type", "PEOPLE")
    assert bad.returncode == 2 and "invalid choice" in one_line_error(bad)


def test_usage_errors_exit_2(env):
    for args in (["sync", "users"], ["frobnicate"], ["uploads", "--file", "x.csv"], ["segments"],
                 ["sync", "users", "x.csv", "--segment", "1", "--mode", "replace"]):
        done = cli(env, *args)
        assert done.returncode == 2, (args, done.stderr)
        one_line_error(done)


# syncing ---------------------------------------------------------------------------

def test_dry_run_prints_quality_and_plan_and_sends_nothing(world, env, ids, tmp_path):
    table = people_csv(world, tmp_path / "people.csv", 0, 40)
    done = cli(env, "sync", "users", str(table), "--segment", str(ids["USER"]), "--mode", "mirror", "--dry-run")
    assert done.returncode == 0, done.stderr
    assert "Quality of people.csv (users)" in done.stdout and "to send: 40" in done.stdout
    assert "add 40, remove 0" in done.stdout and "Dry run: nothing was sent." in done.stdout
    data = as_json(cli(env, "sync", "users", str(table), "--segment", str(ids["USER"]), "--mode", "add",
                       "--dry-run", "--json"))
    assert data["dry_run"] is True and data["quality"]["unique"] == 40
    plan = data["plan"]
    assert (plan["mode"], plan["add"], plan["remove"], plan["unchanged"]) == ("add", 40, 0, 0)
    assert plan["segment"] == {"id": ids["USER"], "name": "CLI USER", "account": f"urn:li:sponsoredAccount:{ids['account']}",
                               "kind": "users"}
    assert plan["preview"]["add_rows"] == list(range(2, 12))
    assert stored(world, ids["USER"]) == set()
    assert not any(r["segment_id"] == str(ids["USER"]) for r in runs(env["LINKEDIN_DB_PATH"]))


def test_sync_add_then_mirror_leaves_exactly_the_file(world, env, ids, tmp_path):
    first = people_csv(world, tmp_path / "first.csv", 100, 150)
    done = cli(env, "sync", "users", str(first), "--segment", str(ids["USER"]), "--mode", "add")
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""  # no progress bar: stderr is not a terminal
    assert "done: 50 accepted, 0 rejected by LinkedIn, 0 pending" in done.stdout
    assert stored(world, ids["USER"]) == hashes(world, 100, 150)

    second = people_csv(world, tmp_path / "second.csv", 130, 170)
    results = tmp_path / "results.csv"
    data = as_json(cli(env, "sync", "users", str(second), "--segment", str(ids["USER"]), "--mode", "mirror",
                       "--json", "--results", str(results)))
    assert data["run"]["state"] == "done" and data["run"]["accepted"] == 50  # 20 added, 30 removed
    assert (data["plan"]["add"], data["plan"]["remove"], data["plan"]["unchanged"]) == (20, 30, 20)
    assert data["failures"] == [] and data["needs_consent"] is False
    assert set(data) >= {"dry_run", "quality", "run", "needs_consent", "results", "failures", "plan"}
    assert stored(world, ids["USER"]) == hashes(world, 130, 170)
    per_row = pd.read_csv(results)
    assert list(per_row.columns) == ["row", "action", "result", "http_status", "message"]
    assert len(per_row) == 40 and "@" not in per_row.to_csv()  # no personal data in the results file


def test_progress_is_drawn_on_stderr_when_it_is_a_terminal(world, env, ids, tmp_path):
    import fcntl
    import pty
    import struct
    import termios

    people = people_csv(world, tmp_path / "p.csv", 500, 525, names=False)
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 160, 0, 0))  # a terminal's size
    try:
        proc = subprocess.Popen([sys.executable, "-m", "linkedin", "sync", "users", str(people), "--segment",
                                 str(ids["USER"]), "--mode", "add"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                                stderr=slave, stdin=subprocess.DEVNULL, text=True)
        os.close(slave)
        drawn = b""
        while True:
            try:
                chunk = os.read(master, 4096)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            drawn += chunk
        out, _ = proc.communicate(timeout=60)
    finally:
        os.close(master)
    assert proc.returncode == 0
    text = drawn.decode("utf-8", "replace")
    assert "25/25" in text and "accepted=25" in text  # the bar, on the terminal
    assert "member/s" not in out and "accepted=" not in out  # and never on stdout


def test_bad_input_is_one_line_and_exit_2(world, env, ids, tmp_path):
    people = people_csv(world, tmp_path / "p.csv", 0, 5)
    nothing = tmp_path / "nothing.csv"
    nothing.write_text("colour,size\nred,3\n")
    invalid = tmp_path / "invalid.csv"
    invalid.write_text("email\nnot an email\nstill not\n")
    blank = tmp_path / "blank.csv"
    blank.write_text("email,notes\n,x\n,y\n")
    dup = tmp_path / "dup.csv"
    dup.write_text("email,Email\na@b.com,c@d.com\n")
    template = tmp_path / "template.csv"
    template.write_text("email,firstname,lastname,jobtitle,employeecompany,country,googleaid\na@b.com,A,B,C,Acme,US,\n")
    segments_of_viewer = as_json(cli(env, "segments", "--account", str(ids["viewer"]), "--json"))["segments"]
    viewer_users = next(s["id"] for s in segments_of_viewer if s["type"] == "users")
    cases = {
        "missing.csv: No such file or directory": ["sync", "users", str(tmp_path / "missing.csv"), "--segment",
                                                   str(ids["USER"]), "--mode", "add"],
        "no column can be used to match": ["sync", "users", str(nothing), "--segment", str(ids["USER"]), "--mode",
                                           "add"],
        "nothing in invalid.csv can be sent: none of its 2 rows has a usable identifier":
            ["sync", "users", str(invalid), "--segment", str(ids["USER"]), "--mode", "add"],
        "nothing in blank.csv can be sent: all 2 rows are blank": ["sync", "users", str(blank), "--segment",
                                                                   str(ids["USER"]), "--mode", "mirror"],
        "dup.csv has two columns with the same name: 'email' (column 1) and 'Email' (column 2)":
            ["sync", "users", str(dup), "--segment", str(ids["USER"]), "--mode", "add"],
        "this is a contact list: use the people page / `sync users`":
            ["sync", "companies", str(template), "--segment", str(ids["COMPANY"]), "--mode", "add"],
        "column 'e-mail' (for email) is not in p.csv": ["sync", "users", str(people), "--segment", str(ids["USER"]),
                                                        "--mode", "add", "--map", "email=e-mail"],
        "is a COMPANY segment: it takes companies, not users": ["sync", "users", str(people), "--segment",
                                                               str(ids["COMPANY"]), "--mode", "add"],
        ") is VIEWER, which can read audiences but not change them": ["sync", "users", str(people), "--segment",
                                                                     str(viewer_users), "--mode", "add"],
        "LinkedIn has no segment with this id": ["sync", "users", str(people), "--segment", "1", "--mode", "add"],
        "no upload run 'nope'": ["uploads", "--resume", "nope"],
    }
    before = as_json(cli(env, "uploads", "--json"))
    for expected, args in cases.items():
        done = cli(env, *args)
        assert done.returncode == 2, (args, done.stdout, done.stderr)
        assert expected in one_line_error(done), (expected, done.stderr)
    assert as_json(cli(env, "uploads", "--json")) == before  # no run was started


def test_binary_files_are_refused_in_one_line_without_their_bytes_or_a_traceback(env, ids, tmp_path):
    import gzip
    import random
    secret = b"email,first\nsecret@acme.com,Ann\n" * 20
    files = {"people.csv.gz": gzip.compress(secret), "noise.csv": random.Random(3).randbytes(5000),
             "people.zip": _zip("people.csv", secret)}
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
        done = cli(env, "sync", "users", str(tmp_path / name), "--segment", str(ids["USER"]), "--mode", "add")
        assert done.returncode == 2, (name, done.stderr)
        assert "is not a CSV or Excel file (it looks like" in one_line_error(done)
        assert len(done.stderr.strip().splitlines()) == 1, done.stderr
        assert not any(w in done.stderr for w in ("Traceback", "Warning", "Exception ignored", "secret"))


def _zip(name: str, data: bytes) -> bytes:
    import io
    import zipfile
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(name, data)
    return out.getvalue()


def test_rows_linkedin_rejects_exit_1_with_the_rows(world, env, ids, tmp_path):
    control = SandboxControl(world.url)
    companies = world.app.state.sandbox.companies
    listed = [c for c in companies if c.ticker][:3]
    unlisted = [c for c in companies if not c.ticker][:3]
    path = tmp_path / "companies.csv"
    pd.DataFrame([{"companyname": c.name, "companywebsite": c.website_domain, "stocksymbol": c.ticker}
                  for c in [*unlisted, *listed]]).to_csv(path, index=False)
    control.update_settings(stock_symbol="rejected")  # this LinkedIn refuses elements with a stockSymbol
    try:
        done = cli(env, "sync", "companies", str(path), "--segment", str(ids["COMPANY"]), "--mode", "add")
        data = as_json(cli(env, "sync", "companies", str(path), "--segment", str(ids["COMPANY"]), "--mode", "add",
                           "--json"))
    finally:
        control.update_settings(stock_symbol="accepted")
    assert done.returncode == 1, done.stderr
    assert "3 accepted, 3 rejected by LinkedIn" in done.stdout
    rejected_rows = [line.split()[0] for line in done.stdout.splitlines() if "rejected by LinkedIn  400" in line]
    assert rejected_rows == ["5", "6", "7"]  # header is row 1: the listed companies are rows 5-7
    assert [f["row"] for f in data["failures"]] == [5, 6, 7]
    assert all(f["http_status"] == 400 and f["message"] for f in data["failures"])
    assert data["rejections"] == [{"reason": "unrecognized field 'stockSymbol'", "count": 3}]
    assert "Rejected 3 × unrecognized field 'stockSymbol'" in done.stdout


def test_faults_are_waited_out(world, env, ids, tmp_path):
    control = SandboxControl(world.url)
    # LinkedIn's own 429 has no Retry-After and costs a minute's wait (tested on the sandbox's
    # clock in tests/integration/test_limits_sandbox.py); a subprocess waits for real, so
    # this 429 asks for one second.
    control.inject_fault("429", count=2, path_prefix=f"/rest/dmpSegments/{ids['USER']}/users", retry_after=1)
    control.inject_fault("503", count=1, path_prefix=f"/rest/dmpSegments/{ids['USER']}/users")
    people = people_csv(world, tmp_path / "p.csv", 200, 230, names=False)
    done = cli(env, "sync", "users", str(people), "--segment", str(ids["USER"]), "--mode", "add", "--json")
    assert done.returncode == 0, done.stderr
    data = as_json(done)
    assert data["run"]["state"] == "done" and data["run"]["accepted"] == 30
    faults = requests.get(f"{world.url}/_sandbox/faults", timeout=10).json()["faults"]
    assert [f for f in faults if f["remaining"]] == []  # all three were met, and waited out
    assert hashes(world, 200, 230) <= stored(world, ids["USER"])


def test_a_paused_sync_resumes_with_uploads_resume_and_the_file(world, env, ids, tmp_path):
    control = SandboxControl(world.url)
    path = f"/rest/dmpSegments/{ids['COMPANY']}/companies"
    control.inject_fault("500", count=5, path_prefix=path)  # one call's every retry
    companies = world.app.state.sandbox.companies[20:40]
    table = tmp_path / "companies.csv"
    pd.DataFrame([{"companyname": c.name, "companywebsite": c.website_domain, "city": c.city}
                  for c in companies]).to_csv(table, index=False)
    done = cli(env, "sync", "companies", str(table), "--segment", str(ids["COMPANY"]), "--mode", "add", "--json")
    assert done.returncode == 1
    run = as_json(done)["run"]
    assert run["state"] == "paused" and run["pending"] == 20 and run["needs_file"] is True
    assert as_json(cli(env, "uploads", "--json"))["uploads"][0]["id"] == run["id"]
    listing = cli(env, "uploads")
    assert run["id"] in listing.stdout and "paused" in listing.stdout
    control.clear_faults()

    without = cli(env, "uploads", "--resume", run["id"])
    assert without.returncode == 2 and "add --file FILE" in one_line_error(without)
    resumed = cli(env, "uploads", "--resume", run["id"], "--file", str(table))
    assert resumed.returncode == 0, resumed.stderr
    assert f"Run {run['id']} done: 20 accepted" in resumed.stdout
    assert {c.id for c in companies} <= set(organizations(world, ids["COMPANY"]))


def test_a_run_of_hashed_emails_resumes_without_its_file(world, env, ids, tmp_path):
    control = SandboxControl(world.url)
    control.inject_fault("drop", count=2, path_prefix=f"/rest/dmpSegments/{ids['USER']}/users")  # sent twice, then paused
    people = people_csv(world, tmp_path / "p.csv", 300, 320, names=False)
    paused = as_json(cli(env, "sync", "users", str(people), "--segment", str(ids["USER"]), "--mode", "add",
                         "--json"))["run"]
    assert paused["state"] == "paused" and paused["needs_file"] is False
    control.clear_faults()
    done = cli(env, "uploads", "--resume", paused["id"], "--json")
    assert done.returncode == 0, done.stderr
    assert as_json(done)["run"]["accepted"] == 20
    assert hashes(world, 300, 320) <= stored(world, ids["USER"])


def test_ctrl_c_pauses_the_run_and_resume_finishes_it(world, env, ids, tmp_path):
    control = SandboxControl(world.url)
    control.inject_fault("slow", count=1, delay_seconds=4, path_prefix=f"/rest/dmpSegments/{ids['USER']}/users")
    people = people_csv(world, tmp_path / "p.csv", 400, 420, names=False)
    before = len(runs(env["LINKEDIN_DB_PATH"]))
    proc = subprocess.Popen([sys.executable, "-m", "linkedin", "sync", "users", str(people), "--segment",
                             str(ids["USER"]), "--mode", "add"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while len(runs(env["LINKEDIN_DB_PATH"])) == before:  # the run is on disk: the batch is on its way
        assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()
        time.sleep(0.05)
    time.sleep(0.5)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    OUTPUTS.extend([out, err])
    assert proc.returncode == 130, err
    run = runs(env["LINKEDIN_DB_PATH"])[-1]
    assert run["state"] == "paused"
    assert f"uploads --resume {run['id']}" in err
    control.clear_faults()
    done = cli(env, "uploads", "--resume", run["id"])
    assert done.returncode == 0, done.stderr
    assert hashes(world, 400, 420) <= stored(world, ids["USER"])


def test_uploads_are_the_signed_in_members_only(world, ids, tmp_path):
    """One machine, one store, analysts signing in in turn: each lists and resumes only their own runs."""
    env = environment(world.url, tmp_path / "shared.db")
    assert cli(env, "login", "--member", "Avery").returncode == 0
    control = SandboxControl(world.url)
    control.inject_fault("drop", count=2, path_prefix=f"/rest/dmpSegments/{ids['USER']}/users")
    people = people_csv(world, tmp_path / "p.csv", 600, 610, names=False)
    paused = as_json(cli(env, "sync", "users", str(people), "--segment", str(ids["USER"]), "--mode", "add",
                         "--json"))["run"]
    control.clear_faults()
    assert paused["state"] == "paused"
    assert [u["id"] for u in as_json(cli(env, "uploads", "--json"))["uploads"]] == [paused["id"]]

    assert cli(env, "login", "--member", "Vic").returncode == 0
    assert as_json(cli(env, "uploads", "--json")) == {"uploads": []}
    assert cli(env, "uploads").stdout.strip() == "(none)"
    refused = cli(env, "uploads", "--resume", paused["id"])
    assert refused.returncode == 2
    assert f"no upload run '{paused['id']}' of yours" in one_line_error(refused)
    assert hashes(world, 600, 610).isdisjoint(stored(world, ids["USER"]))  # nothing was sent for Vic

    assert cli(env, "login", "--member", "Avery").returncode == 0
    done = cli(env, "uploads", "--resume", paused["id"], "--json")
    assert done.returncode == 0, done.stderr
    assert hashes(world, 600, 610) <= stored(world, ids["USER"])


# the connection --------------------------------------------------------------------

def test_a_given_access_token_is_used_without_the_store(world, tmp_path):
    from linkedin.demo.signin import sign_in
    from tests.integration.helpers import sandbox_settings

    token = sign_in(sandbox_settings(world.url), member="Avery").access_token
    env = environment(world.url, tmp_path / "app.db", LINKEDIN_ACCESS_TOKEN=token)
    accounts = as_json(cli(env, "accounts", "--json"))["accounts"]
    assert AVERY_ACCOUNT in {a["name"] for a in accounts}
    status = as_json(cli(env, "status", "--json"))
    assert status["source"] == "LINKEDIN_ACCESS_TOKEN" and status["state"] == "connected"
    assert status["heartbeat"]["introspection"] == "active" and status["access_expires_at"]
    with sqlite3.connect(tmp_path / "app.db") as conn:
        assert conn.execute("select count(*) from connections").fetchone()[0] == 0
    assert not any(token in text for text in OUTPUTS)

    bad = environment(world.url, tmp_path / "app.db", LINKEDIN_ACCESS_TOKEN="not-a-token")
    done = cli(bad, "accounts")
    assert done.returncode == 3 and "Sign in again" in one_line_error(done)
    status = cli(bad, "status", "--json")
    assert status.returncode == 3
    assert as_json(status)["state"] == "needs_consent" and as_json(status)["heartbeat"]["ok"] is False


def test_a_revoked_login_exits_3_for_every_command(world, tmp_path):
    env = environment(world.url, tmp_path / "app.db")
    assert cli(env, "login", "--member", "Avery").returncode == 0
    token = stored_token(tmp_path / "app.db")
    SandboxControl(world.url).revoke(token["access_token"])
    for args in (["accounts"], ["status"], ["segments", "--account", AVERY_ACCOUNT]):
        done = cli(env, *args)
        assert done.returncode == 3, (args, done.stderr)
        assert "python -m linkedin login" in (done.stderr + done.stdout)
    assert not any(token["access_token"] in text or (token.get("refresh_token") or "~") in text for text in OUTPUTS)


def test_without_a_running_sandbox_the_error_says_what_to_start(tmp_path):
    closed = f"http://127.0.0.1:{free_port()}"
    done = cli(environment(closed, tmp_path / "app.db"), "login", "--member", "Avery")
    assert done.returncode == 1
    assert "python -m linkedin sandbox" in one_line_error(done)


def test_no_token_was_ever_printed_nor_stored_in_the_clear(env):
    token = stored_token(Path(env["LINKEDIN_DB_PATH"]))
    secrets = [token["access_token"], token.get("refresh_token")]
    with sqlite3.connect(env["LINKEDIN_DB_PATH"]) as conn:
        sealed = conn.execute("select token from connections where sid = 'cli'").fetchone()[0]
    assert sealed.startswith("gAAAA") and not any(s in sealed for s in secrets)
    assert OUTPUTS and all(s for s in secrets)
    for text in OUTPUTS:
        for secret in secrets:
            assert secret not in text


def test_a_database_opened_with_another_token_key_reads_as_signed_out(world, tmp_path):
    """A copied database (or a changed LINKEDIN_TOKEN_KEY) holds no usable token: sign in again, no traceback."""
    assert cli(environment(world.url, tmp_path / "app.db"), "login", "--member", "Avery").returncode == 0
    other = environment(world.url, tmp_path / "app.db", LINKEDIN_TOKEN_KEY="a-different-token-key-0123456789-abcdef")
    done = cli(other, "status", "--json")
    assert done.returncode == 3 and "Traceback" not in done.stderr
    assert as_json(done)["state"] == "disconnected"
    done = cli(other, "accounts")
    assert done.returncode == 3
    assert done.stderr.splitlines() == [  # why, then what to do
        "a stored connection's tokens cannot be read with this token key (LINKEDIN_TOKEN_KEY changed, or the "
        "database was copied): it reads as signed out",
        "error: LinkedIn is not connected. Sign in again: python -m linkedin login"]


def test_a_placeholder_secret_is_refused_before_anything_runs(world, tmp_path):
    env = environment(world.url, tmp_path / "app.db", LINKEDIN_TOKEN_KEY="paste-another-generated-value-here")
    done = cli(env, "status")
    assert done.returncode == 2
    assert one_line_error(done).startswith(
        "error: LINKEDIN_TOKEN_KEY cannot be used: it is the example's placeholder, not a secret.")
    assert not (tmp_path / "app.db").exists()
