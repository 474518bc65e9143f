"""The sign-off script end to end against a real sandbox over HTTP.

On the sandbox every requirement must pass by itself (expiries forced, reconnects done,
test segments created and filled); against "real LinkedIn" (the same sandbox with the
settings' sandbox flag off) only reading checks run unless writing is allowed. Every token
the connection ever held is looked for in the reports and the stored run.
"""

import dataclasses
import json

import pytest

from linkedin import signoff
from linkedin.demo.controls import SandboxControl
from linkedin.insights.portfolio import member_key
from linkedin.store import Store
from tests.integration.helpers import VIC, connect_sandbox

WRITING = ("MA-105", "MA-106", "MA-107")
FORCING = ("MA-003", "MA-004", "MA-006")


def connected(server, *, sandbox: bool, member=None, scopes=None):
    """A connection whose every token is remembered (to look for them in the evidence later)."""
    store = Store()
    seen: list[str] = []
    original = store.save_connection

    def save_connection(sid, **values):
        token = values.get("token")
        if token:
            data = json.loads(token) if isinstance(token, str) else token
            seen.extend(t for t in (data.get("access_token"), data.get("refresh_token")) if t)
        return original(sid, **values)

    store.save_connection = save_connection
    conn = connect_sandbox(server.url, store, member=member, scopes=scopes)
    conn.settings = dataclasses.replace(conn.settings, sandbox=sandbox)
    return conn, seen


def by_id(run):
    return {e.id: e for e in run.evidence}


def assert_no_token(run, store, seen):
    assert seen, "no token was recorded: the check of the reports would prove nothing"
    stored = store.db.execute("select run from signoff_runs where id = ?", [run.id]).fetchone()[0]
    for text in (signoff.markdown(run), signoff.html(run), stored):
        for token in seen:
            assert token not in text


def test_every_requirement_passes_on_the_sandbox_and_the_session_stays_connected(sandbox_server):
    conn, seen = connected(sandbox_server, sandbox=True)
    member_before = conn.status().member_urn
    live = []
    run = signoff.run(conn, on_start=lambda c: live.append(("start", c.id)),
                      on_done=lambda c, e: live.append(("done", c.id)))

    found = by_id(run)
    assert list(found) == list(signoff.IDS)
    assert {i: e.status for i, e in found.items()} == {i: "pass" for i in signoff.IDS}, \
        {i: (e.todo, e.summary) for i, e in found.items() if e.status != "pass"}
    assert live[:2] == [("start", "MA-001"), ("done", "MA-001")] and len(live) == 2 * len(signoff.IDS)
    # Every requirement's evidence is calls it made itself; MA-103 read every account's segments again.
    assert {i: bool(e.calls) for i, e in found.items()} == {i: True for i in signoff.IDS}
    def finder(e):
        return [c.status for c in e.calls if c.path.startswith("/rest/dmpSegments?q=account")]
    assert finder(found["MA-103"]) == finder(found["MA-102"]) and set(finder(found["MA-103"])) == {200}

    # MA-003: the 401 65602, the renewal and the repeated call, in that order.
    calls = [(c.path.split("?")[0], c.status, c.service_error_code) for c in found["MA-003"].calls]
    assert calls[-3:] == [("/rest/adAccountUsers", 401, 65602), ("/oauth/v2/accessToken", 200, None),
                          ("/rest/adAccountUsers", 200, None)]
    # MA-006: the refresh is refused, then the consent screen, the code exchange, a working call.
    paths = [(c.path.split("?")[0], c.status) for c in found["MA-006"].calls]
    assert ("/oauth/v2/accessToken", 400) in paths and ("/oauth/v2/authorization", 200) in paths
    assert paths[-1] == ("/rest/adAccountUsers", 200)
    assert any(c.error == "invalid_grant" for c in found["MA-006"].calls)

    # The reconnects went into the same session, as the same member.
    status = conn.status()
    assert status.connected and status.member_urn == member_before

    # MA-105..107: two clearly named segments, with exactly what the checks say is left in them.
    world = sandbox_server.app.state.sandbox
    made = [s for s in world.segments if s.name.startswith("Sign-off test – ")]
    assert sorted((s.type, s.name.split(" – ")[1]) for s in made) == [("COMPANY", "companies"), ("USER", "users")]
    control = SandboxControl(sandbox_server.url)
    for seg in made:
        body = control.session.get(f"{sandbox_server.url}/_sandbox/segments/{seg.id}/members", timeout=10).json()
        stored = sum(len(v) for v in body["keys"].values()) if isinstance(body["keys"], dict) else len(body["keys"])
        assert stored == 2  # MA-106 leaves one, MA-107 adds one
    sent = {f for c in found["MA-107"].calls for f in c.fields}
    assert {"firstName", "lastName", "title", "company", "country", "companyWebsiteDomain", "companyEmailDomain",
            "companyPageUrl", "stockSymbol", "industries", "city", "state", "postalCode"} <= sent

    assert [r.id for r in signoff.Runs(conn.store).latest(member_key(conn))] == [run.id]
    assert_no_token(run, conn.store, seen)


def test_read_only_off_the_sandbox_runs_no_writing_and_no_forcing_check(sandbox_server):
    conn, seen = connected(sandbox_server, sandbox=False)
    world = sandbox_server.app.state.sandbox
    segments_before = len(world.segments)
    token_before = conn.token().access_token

    run = signoff.run(conn, signoff.Options())
    found = by_id(run)
    for rid in (*WRITING, *FORCING, "MA-005"):
        assert found[rid].status == "skipped" and found[rid].reason, rid
    assert "allow" in found["MA-105"].reason.lower()
    assert "cannot be made to expire" in found["MA-003"].reason
    # What the detection logic works from is shown instead of forcing anything.
    assert "Access token expires (stored)" in dict(found["MA-003"].summary)
    for rid in ("MA-001", "MA-002", "MA-101", "MA-102", "MA-103", "MA-104"):
        assert found[rid].status == "pass", (rid, found[rid].todo)
    assert not any(c.method == "POST" and "/rest/" in c.path for e in run.evidence for c in e.calls)
    assert not any("/_sandbox/" in c.path for e in run.evidence for c in e.calls)
    assert len(world.segments) == segments_before
    assert conn.token().access_token == token_before  # nothing renewed, nothing revoked
    assert not run.writing and run.target == "127.0.0.1"
    assert_no_token(run, conn.store, seen)


def test_writing_allowed_off_the_sandbox_creates_and_fills_the_named_test_segments(sandbox_server):
    conn, _ = connected(sandbox_server, sandbox=False)
    run = signoff.run(conn, signoff.Options(allow_writing=True, segment_name="Demo prep"))
    found = by_id(run)
    assert all(found[r].status == "pass" for r in (*WRITING, "MA-005")), {r: found[r].todo for r in WRITING}
    assert all(found[r].status == "skipped" for r in FORCING)
    world = sandbox_server.app.state.sandbox
    assert len([s for s in world.segments if s.name.startswith("Demo prep – ")]) == 2
    # No sandbox control was used: on real LinkedIn there is none.
    assert not any("/_sandbox/" in c.path for e in run.evidence for c in e.calls)


def test_a_viewer_gets_failures_that_say_what_to_do(sandbox_server):
    conn, _ = connected(sandbox_server, sandbox=True, member=VIC)
    run = signoff.run(conn, only=("MA-101", "MA-105", "MA-106"))
    found = by_id(run)
    assert list(found) == ["MA-101", "MA-105", "MA-106"]
    assert found["MA-101"].status == "pass"
    assert found["MA-105"].status == "fail" and "VIEWER" in found["MA-105"].todo
    assert found["MA-106"].status == "fail" and "MA-105" in found["MA-106"].todo


def test_a_missing_scope_fails_the_consent_check(sandbox_server):
    """A connection made while LINKEDIN_SCOPES left rw_dmp_segments out."""
    conn, _ = connected(sandbox_server, sandbox=True, scopes=("r_ads",))
    run = signoff.run(conn, only=("MA-001",), keep=False)
    (found,) = run.evidence
    assert found.status == "fail" and "rw_dmp_segments" in found.todo
    assert dict(found.summary)["Required scopes (r_ads, rw_dmp_segments)"] == "missing: rw_dmp_segments"
    assert signoff.Runs(conn.store).latest(member_key(conn)) == []


def test_an_unknown_requirement_is_refused_in_words(sandbox_server):
    conn, _ = connected(sandbox_server, sandbox=True)
    with pytest.raises(ValueError, match="Unknown requirement"):
        signoff.run(conn, only=("MA-999",))


def test_ma_104_passes_on_a_ready_segment_with_no_recent_uploads_and_says_so(sandbox_server):
    SandboxControl(sandbox_server.url).advance_clock(8 * 86_400)  # nothing uploaded for 8 days: no counts
    conn, _ = connected(sandbox_server, sandbox=False)
    found = by_id(signoff.run(conn, only=("MA-103", "MA-104")))
    assert found["MA-104"].status == "pass", found["MA-104"].todo
    summary = dict(found["MA-104"].summary)
    audience = int(summary["Audience size (all input)"])
    assert {k: summary[k] for k in ("Status", "Input count (last 7 days)", "Matched count (last 7 days)",
                                     "Match rate", "Readiness")} == {
        "Status": "READY", "Input count (last 7 days)": "n/a", "Matched count (last 7 days)": "n/a",
        "Match rate": "no recent uploads",
        "Readiness": f"targetable, serving: {audience:,} members. LinkedIn can show ads to this audience."}
    assert int(dict(found["MA-103"].summary)["No recent uploads"]) > 0
    assert "| Match rate | no recent uploads |" in signoff.markdown(signoff.run(conn, only=("MA-104",)))


def test_a_check_that_passes_without_a_call_of_its_own_fails(sandbox_server, monkeypatch):
    conn, _ = connected(sandbox_server, sandbox=True)
    lazy = signoff.runner.Check("MA-103", "Read the status of all uploaded segments",
                                lambda ctx: signoff.evidence.passed([("Segments", "as MA-102 read them")]))
    monkeypatch.setattr(signoff.runner, "CHECKS", tuple(lazy if c.id == "MA-103" else c for c in signoff.runner.CHECKS))
    run = signoff.run(conn, only=("MA-102", "MA-103"), keep=False)
    found = by_id(run)
    assert (found["MA-102"].status, bool(found["MA-102"].calls)) == ("pass", True)
    assert (found["MA-103"].status, found["MA-103"].calls, found["MA-103"].todo) == ("fail", (), signoff.runner.NO_CALL)
    assert found["MA-103"].summary == (("Segments", "as MA-102 read them"), ("Calls made", "0"))


def test_ma_103_alone_reads_the_accounts_and_their_segments_itself(sandbox_server):
    conn, _ = connected(sandbox_server, sandbox=True)
    run = signoff.run(conn, only=("MA-103",), keep=False)
    paths = [c.path.split("?")[0] for c in run.evidence[0].calls]
    assert run.evidence[0].status == "pass" and {"/rest/adAccountUsers", "/rest/dmpSegments"} <= set(paths)
