"""Sign-off evidence without a sandbox: the call recorder, the reports' escaping, the kept runs, errors.

The recorder is checked against LinkedIn's documented answers (``responses``), including a
token refresh, which goes through requests-oauthlib's own session; the reports are checked
with hostile names (HTML, Markdown table syntax) and a planted token.
"""

import json
import re

import pytest
import responses

from linkedin.api.connection import Connection
from linkedin.api.errors import ExpiredToken
from linkedin.api.oauth import OAuth, Token
from linkedin.api.settings import Settings
from linkedin.signoff import Call, Evidence, Options, Run, Runs, html, markdown, run_check
from linkedin.signoff.calls import CallLog, batch_shape, redact
from linkedin.signoff.environment import Context
from linkedin.signoff.evidence import Outcome, failed, passed
from linkedin.signoff.runner import Check
from linkedin.store import Store

API = "https://api.linkedin.com"
TOKEN_URL = "https://www.linkedin.com/oauth/v2/accessToken"
SETTINGS = Settings(client_id="cid", client_secret="csecret", redirect_uri="https://a/cb", cookie_secret="x" * 32)
NOW = 1_800_000_000.0
ACCESS = "AQX-access-token-that-must-never-appear"
REFRESH = "AQR-refresh-token-that-must-never-appear"
HOSTILE = '<script>alert("x")</script> | **bold** [link](https://evil.example) `tick`'


def connection(store=None) -> Connection:
    store = store or Store(":memory:")
    conn = Connection(SETTINGS, store, "sid-1", oauth=OAuth(SETTINGS, clock=lambda: NOW), clock=lambda: NOW)
    conn.connect(Token(ACCESS, NOW + 5184000, ("r_ads", "rw_dmp_segments"), REFRESH, NOW + 31536000, NOW, NOW),
                 member_urn="urn:li:person:abc", member_name="Avery Analyst")
    return conn


def a_run(**changes) -> Run:
    evidence = (
        Evidence("MA-101", "List all ad accounts", "pass", NOW, NOW + 0.5,
                 (Call("GET", "/rest/adAccounts?q=search", 200, "rid-1", at=NOW, ms=12.0),),
                 (("Accounts", HOSTILE),)),
        Evidence("MA-105", "Create segments", "fail", NOW + 1, NOW + 2,
                 (Call("POST", "/rest/dmpSegments", 403, "rid-2", error="ACCESS_DENIED", at=NOW + 1),),
                 (("Segment", HOSTILE),), todo=f"Rename “{HOSTILE}”"),
        Evidence("MA-003", "Detect expiry", "skipped", NOW + 2, NOW + 2, (), (("Stored expiry", "soon"),),
                 reason="LinkedIn cannot be made to expire a token"),
    )
    values = dict(id="run1", started_at=NOW, finished_at=NOW + 3, sandbox=False, writing=True,
                  target="api.linkedin.com", version="202608", segment_name=HOSTILE, evidence=evidence)
    values.update(changes)
    return Run(**values)


# -- the recorder ---------------------------------------------------------------------------

def test_redact_hides_codes_states_and_tokens_and_keeps_the_rest_readable():
    assert redact("q=account&account=urn%3Ali%3AsponsoredAccount%3A1") == "q=account&account=urn:li:sponsoredAccount:1"
    shown = redact("response_type=code&code=SECRETCODE&state=S1&scope=r_ads+rw_dmp_segments&access_token=AT")
    assert "SECRETCODE" not in shown and "S1" not in shown and "AT" not in shown.split("access_token=")[1]
    assert "code=***" in shown and "state=***" in shown and "scope=r_ads" in shown


def test_batch_shape_keeps_field_names_and_action_counts_never_values():
    body = json.dumps({"elements": [
        {"action": "ADD", "userIds": [{"idType": "SHA256_EMAIL", "idValue": "ab" * 32}], "firstName": "Sam"},
        {"action": "ADD", "userIds": [{"idType": "GOOGLE_AID", "idValue": "0" * 32}]},
        {"action": "REMOVE", "userIds": [{"idType": "SHA256_EMAIL", "idValue": "cd" * 32}]},
    ]}).encode()
    fields, actions = batch_shape(body)
    assert fields == ("firstName", "userIds:GOOGLE_AID", "userIds:SHA256_EMAIL")
    assert actions == (("ADD", 2), ("REMOVE", 1))
    assert batch_shape(b"not json") == ((), ())


@responses.activate
def test_the_recorder_sees_the_401_the_refresh_and_the_retry_but_no_token():
    conn = connection()
    responses.get(API + "/rest/adAccountUsers?q=authenticatedUser&count=1", status=401,
                  json={"status": 401, "serviceErrorCode": 65602, "code": "EXPIRED_ACCESS_TOKEN", "message": "expired"},
                  headers={"x-li-request-id": "rid-401"})
    responses.post(TOKEN_URL, json={"access_token": "AT2-new", "expires_in": 5184000, "refresh_token": REFRESH,
                                    "refresh_token_expires_in": 31000000, "scope": "r_ads,rw_dmp_segments"})
    responses.get(API + "/rest/adAccountUsers?q=authenticatedUser&count=1", json={"elements": []},
                  headers={"x-li-request-id": "rid-200"})
    client = conn.client()
    log = CallLog()
    with log.watching(client.session, conn.oauth.session):
        client.get("/rest/adAccountUsers", params={"q": "authenticatedUser", "count": 1})
    calls = log.since(0)
    assert [(c.method, c.path.split("?")[0], c.status) for c in calls] == [
        ("GET", "/rest/adAccountUsers", 401), ("POST", "/oauth/v2/accessToken", 200), ("GET", "/rest/adAccountUsers", 200)]
    assert calls[0].service_error_code == 65602 and calls[0].error == "65602 EXPIRED_ACCESS_TOKEN"
    assert calls[0].request_id == "rid-401"
    recorded = json.dumps([c.to_dict() for c in calls])
    for secret in (ACCESS, REFRESH, "AT2-new", "csecret", "Bearer"):
        assert secret not in recorded
    # The adapters are put back: later calls are not recorded.
    client.get("/rest/adAccountUsers", params={"q": "authenticatedUser", "count": 1})
    assert len(log.since(0)) == 3


@responses.activate
def test_the_recorder_strips_the_sandbox_mount_and_notes_a_failed_connection():
    import requests

    session = requests.Session()
    log = CallLog(base_paths=["/sandbox"])
    responses.get("http://127.0.0.1:8501/sandbox/rest/me", json={})
    responses.get("http://127.0.0.1:8501/sandbox/rest/down", body=requests.ConnectionError("refused"))
    with log.watching(session):
        session.get("http://127.0.0.1:8501/sandbox/rest/me")
        with pytest.raises(requests.ConnectionError):
            session.get("http://127.0.0.1:8501/sandbox/rest/down")
    first, second = log.since(0)
    assert first.path == "/rest/me" and first.status == 200
    assert second.status is None and second.error == "no answer"


# -- reports --------------------------------------------------------------------------------

def _cells(line: str) -> int:
    """Markdown table cells: pipes not escaped by a backslash."""
    return len(re.findall(r"(?<!\\)\|", line)) - 1


def test_markdown_neutralises_html_and_table_syntax_in_every_value():
    text = markdown(a_run())
    assert "<script>" not in text and "&lt;script&gt;" in text
    assert "[link](" not in text and "\\[link\\]\\(" in text
    hostile_rows = [line for line in text.splitlines() if line.startswith(("| Accounts |", "| Segment |"))]
    assert len(hostile_rows) == 2 and all(_cells(line) == 2 for line in hostile_rows)  # the | stayed in its cell
    assert "| PASS |" in text and "| FAIL |" in text and "| SKIPPED |" in text
    assert "**What to do:**" in text and "**Skipped:** LinkedIn cannot be made to expire a token" in text
    assert "GET /rest/adAccounts?q=search" in text and "rid\\-1" not in text and "rid-1" in text


def test_html_is_self_contained_and_escapes_every_value():
    page = html(a_run())
    assert page.startswith("<!doctype html>") and page.rstrip().endswith("</html>")
    assert "<script" not in page.lower()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert "default-src 'none'" in page  # nothing is loaded, even if something slipped through
    assert not re.search(r"""(src|href)=["'](https?:)?//""", page)
    assert re.findall(r'href="([^"]+)"', page) == ["#MA-101", "#MA-105", "#MA-003"]
    assert "1 requirement(s) failed" in page


def test_reports_stored_runs_and_logs_never_hold_the_token_of_the_connection(caplog):
    caplog.set_level("DEBUG")
    store = Store(":memory:")
    conn = connection(store)

    def crashing(ctx):
        raise RuntimeError(f"boom with {ctx.connection.token().access_token}")

    def expired(ctx):
        raise ExpiredToken("The token used in the request has expired", status=401, service_error_code=65602)

    ctx = Context(conn, Options())
    found = [run_check(ctx, Check("MA-002", "crash", crashing)), run_check(ctx, Check("MA-003", "expired", expired))]
    run = a_run(evidence=tuple(found))
    Runs(store).save(run, owner="me")
    stored = store.db.execute("select run from signoff_runs").fetchone()[0]
    assert "MA-002 crashed with RuntimeError" in caplog.text  # the log says where it broke...
    for text in (markdown(run), html(run), stored, json.dumps(run.to_dict()), caplog.text):  # ...never the token
        assert ACCESS not in text and REFRESH not in text
    assert found[0].status == "fail" and ("Error", "unexpected RuntimeError") in found[0].summary
    assert found[1].status == "fail" and "renews it automatically" in found[1].todo
    assert ("serviceErrorCode", "65602") in found[1].summary


# -- data -----------------------------------------------------------------------------------

def test_a_run_round_trips_through_json():
    run = a_run()
    assert Run.from_dict(json.loads(json.dumps(run.to_dict()))) == run
    assert (run.passed, run.failed, run.skipped) == (1, 1, 1)


def test_runs_keep_the_newest_twenty_per_member_only():
    store = Store(":memory:")
    runs = Runs(store)
    for i in range(25):
        runs.save(a_run(id=f"a{i}", started_at=NOW + i), owner="member-a")
    runs.save(a_run(id="b0"), owner="member-b")
    kept = runs.latest("member-a")
    assert [r.id for r in kept] == [f"a{i}" for i in range(24, 4, -1)]
    assert [r.id for r in runs.latest("member-b")] == ["b0"]
    assert runs.get("member-b", "a24") is None  # one member never sees another's run
    assert runs.get("member-a", "a24") == kept[0]


@pytest.mark.parametrize("name, message", [("   ", "Give the test segments a name"),
                                           ("x" * 121, "keep it under 120")])
def test_a_bad_segment_name_is_refused_in_words(name, message):
    with pytest.raises(ValueError, match=message):
        Options(segment_name=name)
    assert Options(segment_name="  My   test ").segment_name == "My test"


def test_an_evidence_status_must_be_known():
    with pytest.raises(ValueError):
        Evidence("MA-001", "t", "maybe", NOW, NOW)
    assert isinstance(passed([("a", 1)]), Outcome) and failed(None, "do this").todo == "do this"
