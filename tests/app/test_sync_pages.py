"""AppTest of People segments, Company segments and Uploads on a real sandbox (MA-105..MA-107).

The app runs in-process against a live sandbox (fast clock settings), connected as a demo
member through the consent screen; AppTest cannot send cookies, so ``ui.session.connection``
is replaced. Every send is checked against the sandbox's stored membership.
"""

from __future__ import annotations

import hashlib
import io
import re
from pathlib import Path

import openpyxl
import pytest
import requests
from streamlit.testing.v1 import AppTest

from linkedin.api import segment_creation, segments
from linkedin.demo.controls import SandboxControl
from linkedin.insights import portfolio
from linkedin.insights.history import History
from linkedin.insights.portfolio import member_key
from linkedin.sandbox.membership import company_key
from linkedin.sync import sender as members
from linkedin.sync.runs import Uploads
from linkedin.sync.upload import Sync, Target, results
from linkedin.tables.preparation import prepare
from linkedin.web import resources as context
from tests.integration.helpers import VIC, SandboxTime, connect_sandbox
from ui import session

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
CONTACTS = ROOT / "data" / "contacts_sample.csv"
COMPANIES = ROOT / "data" / "companies_sample.csv"


@pytest.fixture
def env(monkeypatch, app_env):
    SandboxControl(app_env.url).update_settings(
        segment_visibility_delay_seconds=0, segment_update_seconds=0, segment_build_seconds=0)
    monkeypatch.setattr(members, "VISIBILITY_WAIT", 0.0)  # the sandbox shows new segments at once
    portfolio.CACHE.clear()
    yield app_env
    portfolio.CACHE.clear()


@pytest.fixture
def world(env):
    return env.app.state.sandbox


def connect(monkeypatch, env, member=None, sid=None):
    store = context.store(context.settings(None))
    conn = connect_sandbox(env.url, store, member=member, sid=sid)
    conn.settings = context.settings(None)
    monkeypatch.setattr(session, "connection", lambda: conn)
    return conn


def page(kind: str = "users") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90).run()
    paths = {"users": "pages/people.py", "companies": "pages/companies.py", "uploads": "pages/uploads.py"}
    at.switch_page(paths[kind]).run()
    ok(at)
    return at


def ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def read(value: object) -> str:
    """Text as the analyst reads it: without the backslashes that keep outside text from acting as
    Markdown (``ui.format.plain``; tests/app/test_visibility.py checks they are there)."""
    return re.sub(r"\\(.)", r"\1", str(value))


def texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [e.value for e in at.error] + [w.value for w in at.warning]
    parts += [s.value for s in at.success] + [i.value for i in at.info] + [c.value for c in at.caption]
    parts += [x.label for x in at.expander]
    return "\n".join(read(p) for p in parts)


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def upload(at: AppTest, kind: str, name: str, data: bytes) -> AppTest:
    at.file_uploader(key=f"{kind}_file").set_value((name, data, "text/csv")).run()
    ok(at)
    return at


def paste(at: AppTest, kind: str, text: str) -> AppTest:
    at.radio(key=f"{kind}_how").set_value("Paste").run()
    at.text_area(key=f"{kind}_paste").input(text).run()
    ok(at)
    return at


def choose(at: AppTest, key: str, starts: str) -> None:
    box = at.selectbox(key=key)
    box.select_index(next(i for i, o in enumerate(box.options) if o.startswith(starts))).run()
    ok(at)


def create_segment(at: AppTest, kind: str, name: str) -> int:
    at.selectbox(key=f"{kind}_segment").set_value(0).run()
    at.text_input(key=f"{kind}_new_name").input(name).run()
    at.button(key=f"{kind}_create").click().run()
    ok(at)
    assert f"Segment “{name}” created" in texts(at)
    seg_id = at.selectbox(key=f"{kind}_segment").value
    assert seg_id and seg_id != 0
    return seg_id


def send(at: AppTest, kind: str) -> AppTest:
    at.button(key=f"{kind}_send").click().run()
    ok(at)
    return at


def followed(at: AppTest, path: str, title: str) -> None:
    """After a button's st.switch_page: AppTest showed the new page once but reruns the old one,
    so go there as the browser would have."""
    ok(at)
    assert at.title[0].value == title
    at.switch_page(path).run()
    ok(at)


def people_csv(world, start: int, stop: int, *, names: bool = True) -> bytes:
    lines = ["email,firstname,lastname" if names else "email"]
    for m in world.members[start:stop]:
        lines.append(f" {m.email.upper()} ,{m.first_name},{m.last_name}" if names else m.email)
    return ("\n".join(lines) + "\n").encode()


def sha(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()


def sandbox_segment(url: str, segment_id: int) -> dict:
    return requests.get(f"{url}/_sandbox/segments/{segment_id}/members", timeout=10).json()


def stored_emails(url: str, segment_id: int) -> set[str]:
    return set(sandbox_segment(url, segment_id)["keys"].get("SHA256_EMAIL", []))


def frame_with(at: AppTest, column: str):
    found = [d.value for d in at.dataframe if column in d.value.columns]
    assert found, f"no table with a {column!r} column"
    return found[0]


# -- 1. bringing a table, 2. the report ----------------------------------------------------------

def test_sample_upload_shows_the_template_and_the_report(monkeypatch, env):
    connect(monkeypatch, env)
    at = upload(page(), "users", "contacts_sample.csv", CONTACTS.read_bytes())
    q = prepare(CONTACTS, "users").quality  # the same file through the library
    assert "LinkedIn's contact template recognised" in texts(at)
    m = metrics(at)
    assert (m["Rows read"], m["Matchable"], m["Rejected"], m["Duplicates"], m["Unique to send"]) == (
        f"{q.rows:,}", f"{q.matchable:,}", f"{q.rejected_rows:,}", f"{q.duplicates:,}", f"{q.unique:,}")
    assert (m["Plain addresses"], m["Personal (free-mail)"], m["Business"]) == (
        f"{q.emails.raw:,}", f"{q.emails.free_mail:,}", f"{q.emails.business:,}")
    assert q.rejected_rows > 0 and q.duplicates > 0  # the sample is messy on purpose
    fields = frame_with(at, "LinkedIn field").set_index("LinkedIn field")
    assert fields.loc["Email", "Invalid"] == q.field("email").invalid > 0
    assert "missing @" in fields.loc["Email", "Problems"]
    for sentence in q.advice:
        assert sentence in texts(at)
    assert any("business addresses" in a for a in q.advice)
    issues = frame_with(at, "problem")
    assert len(issues) == len(q.issues)
    labels = [b.label for b in at.get("download_button")]
    assert any(label.startswith(f"Download the {q.rejected_rows} rejected row(s)") for label in labels)
    assert "Export in LinkedIn's template (CSV)" in labels


def test_bad_files_get_a_specific_message_never_a_traceback(monkeypatch, env):
    connect(monkeypatch, env)
    at = upload(page(), "users", "ragged.csv", b"email,first\na@b.example,x\nc@d.example,y,z,w\n")
    assert any("row 3 of ragged.csv has 4 values but the header has 2 columns" in read(e.value) for e in at.error)
    assert not at.metric  # no report for a table that was not read
    upload(at, "users", "broken.xlsx", b"PK\x03\x04 not really a zip")
    assert any("broken.xlsx is not a CSV or Excel file (it looks like a damaged zip archive)" in read(e.value) for e in at.error)
    upload(at, "users", "packed.csv", b"\x1f\x8b\x08\x00" + b"secret@acme.com" * 20)
    assert any("packed.csv is not a CSV or Excel file (it looks like a gzip-compressed file)" in read(e.value)
               for e in at.error)
    assert "secret@acme.com" not in texts(at)
    upload(at, "users", "old.csv", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64)
    assert any("old Excel .xls file: save it as .xlsx or CSV" in read(e.value) for e in at.error)
    upload(at, "users", "empty.csv", b"email,firstname\n")
    assert any("empty.csv has a header row but no data rows" in read(e.value) for e in at.error)
    upload(at, "users", "companies_sample.csv", COMPANIES.read_bytes())  # LinkedIn's company template
    assert any("this is a company list: use the companies page / `sync companies`" in read(e.value) for e in at.error)
    upload(at, "users", "firms.csv", b"company name,website,city\nAcme,acme.com,Austin\n")
    assert any("This looks like a list of companies: the Company segments page takes those" in read(w.value)
               for w in at.warning)
    upload(at, "users", "nothing.csv", b"colour,size\nred,3\n")
    assert any("Nothing can be sent yet" in read(e.value) and "need email, googleaid" in read(e.value) for e in at.error)


def test_an_xlsx_file_is_read(monkeypatch, env, world):
    connect(monkeypatch, env)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["E-mail", "First Name", "Last Name"])
    for m in world.members[:7]:
        sheet.append([m.email, m.first_name, m.last_name])
    data = io.BytesIO()
    book.save(data)
    at = upload(page(), "users", "people.xlsx", data.getvalue())
    assert metrics(at)["Rows read"] == "7" and metrics(at)["Unique to send"] == "7"
    assert at.selectbox(key="users_map_email").value == "E-mail"


def test_mapping_by_hand_changes_the_report(monkeypatch, env, world):
    connect(monkeypatch, env)
    rows = [f"n/a,{m.email},{m.first_name}" for m in world.members[:5]]
    at = paste(page(), "users", "work email,private,who\n" + "\n".join(rows))
    assert at.selectbox(key="users_map_email").value == "work email"  # the header says so, wrongly
    assert metrics(at)["Matchable"] == "0" and metrics(at)["Rejected"] == "5"
    assert "**Nothing can be sent:** nothing in pasted text can be sent" in texts(at)
    at.selectbox(key="users_map_email").set_value("private").run()
    ok(at)
    assert metrics(at)["Matchable"] == "5" and metrics(at)["Unique to send"] == "5"
    at.selectbox(key="users_map_firstname").set_value("private").run()
    assert any("The mapping needs fixing" in e.value and "column 'private' is mapped to both" in e.value
               for e in at.error)
    assert not at.metric
    at.selectbox(key="users_map_firstname").set_value("who").run()
    ok(at)
    fields = frame_with(at, "LinkedIn field")
    assert list(fields["Column"]) == ["private", "who"]


def test_a_file_of_invalid_rows_is_refused_and_no_segment_step_follows(monkeypatch, env):
    connect(monkeypatch, env)
    at = upload(page(), "users", "invalid.csv", b"email\nnot an email\nstill not\n")
    assert "**Nothing can be sent:** nothing in invalid.csv can be sent: none of its 2 rows has a usable " \
           "identifier" in texts(at)
    assert metrics(at)["Rejected"] == "2"
    assert "3. Choose the segment" not in [h.value for h in at.subheader]
    at = upload(page(), "users", "blank.csv", b"email,notes\n,x\n,y\n")
    assert "nothing in blank.csv can be sent: all 2 rows are blank in the mapped columns" in texts(at)
    assert "3. Choose the segment" not in [h.value for h in at.subheader]


def test_two_columns_with_the_same_name_are_refused_naming_them(monkeypatch, env):
    connect(monkeypatch, env)
    at = upload(page(), "users", "dup.csv", b"email,E-Mail\na@b.com,c@d.com\n")
    assert "dup.csv has two columns with the same name: 'email' (column 1) and 'E-Mail' (column 2)" in texts(at)
    assert not at.metric


def test_the_contact_template_on_the_companies_page_is_refused_until_mapped_by_hand(monkeypatch, env):
    connect(monkeypatch, env)
    header = "email,firstname,lastname,jobtitle,employeecompany,country,googleaid"
    at = upload(page("companies"), "companies", "contacts.csv", f"{header}\na@acme.com,A,B,CEO,Acme,US,\n".encode())
    assert "this is a contact list: use the people page / `sync users`" in texts(at)
    assert not at.metric
    at.selectbox(key="companies_map_companyname").set_value("employeecompany").run()
    ok(at)
    assert "this is a contact list" not in texts(at) and metrics(at)["Rows read"] == "1"


def test_emails_in_the_first_name_column_are_not_sent_and_the_report_says_so(monkeypatch, env, world):
    connect(monkeypatch, env)
    rows = [f"{m.email},{m.email},{m.last_name}" for m in world.members[:3]]
    at = paste(page(), "users", "email,first name,last name\n" + "\n".join(rows))
    assert ("Column 'first name' (First name) holds email addresses in 3 cell(s): they are never sent as plain "
            "text. If it is the email column, map it to Email.") in texts(at)


def test_the_table_stays_when_coming_back_to_the_page(monkeypatch, env):
    connect(monkeypatch, env)
    at = upload(page(), "users", "contacts_sample.csv", CONTACTS.read_bytes())
    at.switch_page("pages/uploads.py").run()
    at.switch_page("pages/people.py").run()
    ok(at)
    assert "Using **contacts_sample.csv** (416 rows), loaded earlier in this session." in texts(at)
    assert metrics(at)["Rows read"] == "416"


# -- 3. the segment --------------------------------------------------------------------------------

def test_viewer_accounts_are_listed_and_refused(monkeypatch, env):
    connect(monkeypatch, env)
    at = upload(page(), "users", "contacts_sample.csv", CONTACTS.read_bytes())
    assert "Northwind - Partner Co-op (503298683) (VIEWER: read only)" in texts(at)
    choose(at, "users_account", "Northwind - Partner Co-op")
    assert any("You are VIEWER on Northwind - Partner Co-op" in read(e.value) for e in at.error)
    with pytest.raises(KeyError):
        at.selectbox(key="users_segment")
    assert not [b for b in at.button if b.key == "users_send"]


@pytest.mark.parametrize("name, status", [("Northwind - Events 2025", "CANCELED"),
                                          ("Northwind - Old Agency", "PENDING_DELETION"),
                                          ("Northwind - Retired Brand", "REMOVED")])
def test_closed_accounts_are_listed_and_refused_with_the_reason_before_any_call(monkeypatch, env, name, status):
    connect(monkeypatch, env)  # ACCOUNT_MANAGER there: the role alone would allow it
    at = upload(page(), "users", "contacts_sample.csv", CONTACTS.read_bytes())
    assert f"{name} (" in texts(at) and f") ({status})" in texts(at)  # under "Not manageable"
    choose(at, "users_account", name)
    assert any(f"is {status}.** LinkedIn serves no campaign from a closed account" in read(e.value) for e in at.error)
    with pytest.raises(KeyError):
        at.selectbox(key="users_segment")
    assert not [b for b in at.button if b.key in ("users_send", "users_create")]


def test_viewer_only_member_gets_the_report_but_no_segment(monkeypatch, env):
    connect(monkeypatch, env, member=VIC)
    at = upload(page(), "users", "contacts_sample.csv", CONTACTS.read_bytes())
    assert metrics(at)["Rows read"] == "416"
    assert any("You are VIEWER on every ad account" in w.value for w in at.warning)
    with pytest.raises(KeyError):
        at.selectbox(key="users_account")


def test_only_segments_of_the_right_type_are_offered(monkeypatch, env, world):
    connect(monkeypatch, env)
    at = upload(page(), "users", "contacts_sample.csv", CONTACTS.read_bytes())
    account = at.selectbox(key="users_account").value
    account_id = int(account.rsplit(":", 1)[1])
    offered = set(at.selectbox(key="users_segment").options[1:])
    ours = world.settings.partner_source_platform
    users = [s for s in world.segments.of_account(account_id)
             if s.type == "USER" and world.segment_status(s) not in ("EXPIRED", "FAILED", "ERROR")]
    usable_users = [s for s in users if s.source_platform == ours]
    assert len(offered) == len(usable_users) > 0
    assert all(f" · {s.id} · " in " ".join(offered) for s in usable_users)
    # Uploadable targets only: LinkedIn's predictive audiences and another tool's segments are named, not offered.
    foreign = {s.source_platform: s for s in users if s.source_platform != ours}
    assert set(foreign) == {"LINKEDIN_BUSINESS_OBJECTIVE_BASED_AUDIENCES", "SEGMENT"}
    assert not [o for o in offered if any(f" · {s.id} · " in o for s in foreign.values())]
    predictive, other = foreign["LINKEDIN_BUSINESS_OBJECTIVE_BASED_AUDIENCES"], foreign["SEGMENT"]
    assert f"{predictive.name}, a LinkedIn predictive audience: LinkedIn chooses its members" in texts(at)
    assert f"{other.name}, made by another tool (sourcePlatform SEGMENT), which fills it" in texts(at)


# -- 4. preview, 5-6. send and results ------------------------------------------------------------

def test_send_the_sample_into_a_new_segment(monkeypatch, env, world):
    conn = connect(monkeypatch, env)
    at = upload(page(), "users", "contacts_sample.csv", CONTACTS.read_bytes())
    seg_id = create_segment(at, "users", "Sample contacts")
    prepared = prepare(CONTACTS, "users")
    m = metrics(at)
    assert (m["To add"], m["To remove"], m["Unchanged"]) == (f"{len(prepared):,}", "0", "0")
    send(at, "users")
    assert "**Upload finished.**" in texts(at)
    run = Uploads(conn.store).latest(member_key(conn))[0]
    assert run.state == "done" and run.segment_id == str(seg_id) and run.total == len(prepared)
    expected = results(prepared, conn.store, run.id)["result"].value_counts()
    m = metrics(at)
    assert m["Rows accepted"] == f"{expected['accepted by LinkedIn']:,}"
    assert m["Rows rejected locally"] == f"{prepared.quality.rejected_rows:,}"
    assert m["Rows rejected by LinkedIn"] == f"{expected.get('rejected by LinkedIn', 0):,}"
    assert f"{run.total:,} of {run.total:,} sent" in [p.proto.text for p in at.get("progress")]
    # The sandbox holds exactly the hashed emails of the rows LinkedIn accepted.
    frame = prepared.frame
    accepted_keys = {k for k, (a, s, h, msg) in Uploads(conn.store).results(run.id).items() if s == "accepted"}
    sent = frame[frame["key"].isin(accepted_keys)]
    assert stored_emails(env.url, seg_id) == set(sent["SHA256_EMAIL"].dropna())
    assert len(stored_emails(env.url, seg_id)) == run.accepted - sent["SHA256_EMAIL"].isna().sum()
    # The segment read again after the upload, snapshotted for its history and the dashboard.
    assert m["Input (last 7 days)"] == f"{run.accepted:,}"
    assert History(conn.store, linkedin=conn.settings.api_base_url).of(seg_id, accounts=[run.account])[-1].input_count == run.accepted
    assert any(p.proto.page == "pages/audiences.py" or "audiences" in p.proto.page for p in at.get("page_link"))
    at.switch_page("pages/audiences.py").run()
    ok(at)
    listed = frame_with(at, "segment_id").set_index("segment_id")
    assert listed.loc[seg_id, "input_count"] == run.accepted  # not the cached count from before the upload
    # Nothing left to send for the same table.
    at.switch_page("pages/people.py").run()
    assert metrics(at)["To add"] == f"{expected.get('rejected by LinkedIn', 0):,}"


def test_rejections_are_never_a_green_finish_and_give_linkedins_reason(monkeypatch, env, world):
    connect(monkeypatch, env)
    SandboxControl(env.url).update_settings(name_only_users="reject")  # this LinkedIn needs an id on every person
    try:
        csv = b"email,firstname,lastname,employeecompany\n" + "".join(
            f"{m.email},,,\n" for m in world.members[600:603]).encode() + "".join(
            f",{m.first_name},{m.last_name},{m.employer}\n" for m in world.members[603:605]).encode()
        at = upload(page(), "users", "names.csv", csv)
        create_segment(at, "users", "Some by name")
        send(at, "users")
    finally:
        SandboxControl(env.url).update_settings(name_only_users="accept")
    assert [s.value for s in at.success if "Upload finished" in s.value] == []
    warning = next(read(w.value) for w in at.warning if "Upload finished with" in w.value)
    assert warning == ("**Upload finished with 2 rejected** and 3 accepted, of 5. Why:\n"
                       "- 2 × userIds must be a non-empty array of {idType, idValue}\n\n"
                       "The results below give the reason for each row.")
    rows = frame_with(at, "message")
    assert list(rows.loc[rows["result"] == "rejected by LinkedIn", "message"]) == [
        "userIds must be a non-empty array of {idType, idValue}"] * 2


def test_add_then_mirror_preview_and_result(monkeypatch, env, world):
    connect(monkeypatch, env)
    at = upload(page(), "users", "first.csv", people_csv(world, 10, 70))
    seg_id = create_segment(at, "users", "Mirror me")
    send(at, "users")
    assert stored_emails(env.url, seg_id) == {sha(m.email) for m in world.members[10:70]}

    upload(at, "users", "second.csv", people_csv(world, 40, 90))  # 30 stay, 30 go, 20 arrive
    assert at.selectbox(key="users_segment").value == 0  # a new table: the segment is chosen again
    at.selectbox(key="users_segment").set_value(seg_id).run()
    m = metrics(at)
    assert (m["To add"], m["To remove"], m["Unchanged"]) == ("20", "0", "30")
    at.radio(key="users_mode").set_value("mirror").run()
    m = metrics(at)
    assert (m["To add"], m["To remove"], m["Unchanged"], m["Sent by this app after"]) == ("20", "30", "30", "50")
    button = at.button(key="users_send")
    assert button.disabled  # removals need a confirmation: half the segment, so its name typed
    at.text_input(key="users_confirm_name_mirror_30").input("Mirror me").run()
    assert not at.button(key="users_send").disabled
    send(at, "users")
    assert "**Upload finished.**" in texts(at)
    assert stored_emails(env.url, seg_id) == {sha(m.email) for m in world.members[40:90]}
    m = metrics(at)
    assert (m["Added"], m["Removed"], m["Rejected by LinkedIn"], m["Still to send"]) == ("20", "30", "0", "0")
    assert (m["Rows accepted"], m["Not sent: no change"]) == ("20", "30")  # rows of the second table
    assert "30 member(s) removed are not in this table" in texts(at)


def test_removing_under_300_from_a_live_segment_is_warned(monkeypatch, env, world):
    conn = connect(monkeypatch, env)
    at = upload(page(), "users", "many.csv", people_csv(world, 0, 420))
    seg_id = create_segment(at, "users", "Live one")
    send(at, "users")
    at.button(key="users_reread").click().run()  # LinkedIn finished building: READY, audience >= 300
    seg = segments.get(conn.client(), seg_id)
    assert seg.readiness.ready, seg
    upload(at, "users", "few.csv", people_csv(world, 0, 200))
    at.selectbox(key="users_segment").set_value(seg_id).run()
    at.radio(key="users_mode").set_value("remove").run()
    portfolio.CACHE.clear()
    at.run()
    assert any("a live segment under 300 matched members stops serving ads" in w.value for w in at.warning)


def test_rate_limit_pauses_are_counted_down_and_listed(monkeypatch, env, world):
    conn = connect(monkeypatch, env)
    time_ = SandboxTime(world)  # the minute's waits move the sandbox clock: nobody waits
    countdown, plain_client = [], conn.client
    monkeypatch.setattr(conn, "client", lambda **kw: plain_client(
        sleep=lambda s: (countdown.append(s), time_.sleep(s)), clock=time_.now, **kw))
    at = upload(page(), "users", "few.csv", people_csv(world, 500, 520))
    seg_id = create_segment(at, "users", "Rate limited")
    SandboxControl(env.url).inject_fault("429", count=2, path_prefix=f"/rest/dmpSegments/{seg_id}/users")
    # The first 429 at ten seconds into a minute: its wait ends with the minute, well inside the
    # call's minute of patience, so the second 429 is waited out too. (A first 429 at a minute's
    # very start waits the whole minute and the call then gives up: tests/unit/api/test_waits.py.)
    time_.to_second(10.0)
    send(at, "users")
    assert "**Upload finished.**" in texts(at)
    assert 60 <= time_.slept <= 125 and len(countdown) >= 60  # a step a second, each shown in place
    waits = next(x for x in at.expander if x.label.startswith("Waited"))
    assert waits.label == f"Waited twice, {time_.slept:.0f} s in all: twice for LinkedIn's rate limit (HTTP 429)"
    captions = [c.value for c in waits.caption]
    assert len(captions) == 2 and all(c.endswith(" s: LinkedIn's per-minute limit (HTTP 429)") for c in captions)
    assert len(stored_emails(env.url, seg_id)) == 20


def test_a_503_is_called_linkedin_unavailable_never_a_rate_limit(monkeypatch, env, world):
    conn = connect(monkeypatch, env)
    slept, plain_client = [], conn.client
    monkeypatch.setattr(conn, "client", lambda **kw: plain_client(sleep=slept.append, **kw))
    at = upload(page(), "users", "few.csv", people_csv(world, 560, 570))
    seg_id = create_segment(at, "users", "Unavailable for a moment")
    SandboxControl(env.url).inject_fault("503", count=1, path_prefix=f"/rest/dmpSegments/{seg_id}/users")
    send(at, "users")
    assert "**Upload finished.**" in texts(at) and "rate limit" not in texts(at)
    waits = next(x for x in at.expander if x.label.startswith("Waited"))
    assert waits.label == (f"Waited once, {sum(slept):.0f} s in all: once because LinkedIn was unavailable "
                           "(HTTP 503)")
    assert [c.value for c in waits.caption] == [f"{sum(slept):.0f} s: LinkedIn was unavailable (HTTP 503)"]
    assert len(stored_emails(env.url, seg_id)) == 10


def test_a_new_segment_is_waited_for(monkeypatch, env, world):
    monkeypatch.setattr(members, "VISIBILITY_WAIT", 1.0)
    SandboxControl(env.url).update_settings(segment_visibility_delay_seconds=1)
    connect(monkeypatch, env)
    at = upload(page(), "users", "few.csv", people_csv(world, 530, 540))
    seg_id = create_segment(at, "users", "Brand new")
    send(at, "users")
    assert "**Upload finished.**" in texts(at)
    assert "LinkedIn needs a few seconds after creating a segment" in texts(at)
    assert len(stored_emails(env.url, seg_id)) == 10


def test_company_sample_report_and_send(monkeypatch, env, world):
    conn = connect(monkeypatch, env)
    at = upload(page("companies"), "companies", "companies_sample.csv", COMPANIES.read_bytes())
    prepared = prepare(COMPANIES, "companies")
    cov = prepared.quality.coverage
    assert "LinkedIn's company template recognised" in texts(at)
    m = metrics(at)
    assert m["Unique to send"] == f"{prepared.quality.unique:,}"
    assert (m["Page URL or organization id (best)"], m["Website or email domain (better)"], m["Name only (worst)"]) == (
        f"{cov.page:,}", f"{cov.domain:,}", f"{cov.name_only:,}")
    assert "name only matches worst, name + domain better, + LinkedIn page URL best" in texts(at)
    assert any("have only a name, which matches worst" in a for a in prepared.quality.advice)
    seg_id = create_segment(at, "companies", "Target accounts")
    assert "people (USER)" not in at.selectbox(key="companies_segment").label
    send(at, "companies")
    assert "**Upload finished.**" in texts(at)
    run = Uploads(conn.store).latest(member_key(conn))[0]
    assert run.kind == "companies" and run.state == "done"
    accepted = {k for k, (a, s, h, msg) in Uploads(conn.store).results(run.id).items() if s == "accepted"}
    rows = [r for r, k in zip(prepared.rows.tolist(), prepared.keys.to_pylist()) if k in accepted]
    expected = {company_key(e) for e in prepared.elements("ADD", rows)}
    assert set(sandbox_segment(env.url, seg_id)["keys"]) == expected
    per_row = results(prepared, conn.store, run.id)["result"]
    assert metrics(at)["Rows accepted"] == f"{int((per_row == 'accepted by LinkedIn').sum()):,}"


# -- 7. never lose work: pause, reconnect, resume; the Uploads page ---------------------------------

def test_expired_consent_pauses_and_resume_finishes_after_reconnect(monkeypatch, env, world):
    conn = connect(monkeypatch, env)
    at = upload(page(), "users", "people.csv", people_csv(world, 600, 640))
    seg_id = create_segment(at, "users", "Paused upload")
    token = conn.token().access_token
    control = SandboxControl(env.url)
    control.expire_refresh(token)
    control.expire_access(token)
    send(at, "users")
    assert "**Upload paused** with 40 of 40 still to send." in texts(at)
    assert "Reconnect LinkedIn, then resume" in texts(at)
    # The frame shows its Reconnect prompt (AppTest drops the frame's main-area elements after switch_page).
    assert conn.status().state == "needs_consent"
    assert "Reconnect LinkedIn first (the button at the top of the page), then Resume." in texts(at)
    run = Uploads(conn.store).latest(member_key(conn))[0]
    assert run.state == "paused" and run.pending == 40
    # The analyst reconnects (same browser session), then resumes the same upload.
    connect(monkeypatch, env, sid=conn.sid)
    at.button(key="users_resume").click().run()
    ok(at)
    assert "**Upload finished.**" in texts(at)
    assert Uploads(conn.store).get(run.id).state == "done"
    assert stored_emails(env.url, seg_id) == {sha(m.email) for m in world.members[600:640]}


def test_uploads_page_lists_runs_and_resumes_with_the_table_in_the_session(monkeypatch, env, world):
    conn = connect(monkeypatch, env)
    at = upload(page(), "users", "people.csv", people_csv(world, 700, 730))
    seg_id = create_segment(at, "users", "Resume from Uploads")
    SandboxControl(env.url).inject_fault("500", count=5, path_prefix=f"/rest/dmpSegments/{seg_id}/users")
    monkeypatch.setattr("linkedin.api.client.backoff_delay", lambda attempt, **kw: 0.01)
    send(at, "users")
    assert "**Upload paused** with 30 of 30 still to send." in texts(at)
    run = Uploads(conn.store).latest(member_key(conn))[0]

    at.switch_page("pages/uploads.py").run()
    ok(at)
    listed = frame_with(at, "Upload").set_index("Upload")
    assert listed.loc[run.id, "State"] == "paused" and listed.loc[run.id, "Pending"] == 30
    assert listed.loc[run.id, "Segment"] == f"Resume from Uploads ({seg_id})"
    assert "still in this session" in texts(at)
    at.button(key=f"uploads_resume_{run.id}").click().run()
    ok(at)
    assert at.title[0].value == "People segments"
    assert "**Upload finished.**" in texts(at)
    assert stored_emails(env.url, seg_id) == {sha(m.email) for m in world.members[700:730]}
    at.switch_page("pages/uploads.py").run()
    assert frame_with(at, "Upload").set_index("Upload").loc[run.id, "State"] == "done"


def test_a_new_session_resumes_by_uploading_the_same_file(monkeypatch, env, world):
    conn = connect(monkeypatch, env)
    data = people_csv(world, 800, 850)
    account = next(a for a in portfolio.accounts_of(conn)[0].manageable)
    made = segment_creation.create(conn.client(), account_urn=account.urn, name="Yesterday's upload", kind="users")
    prepared = prepare(data, "users")
    sync = Sync(conn.client(), conn.store, prepared, Target(made.id, made.name, account.urn, "users"),
                sender=members.Sender(conn.client(), conn.store, kind="users", batch_size=20))
    run_id = sync.start(sync.plan("add"), owner=member_key(conn))
    sync.run(run_id, should_stop=lambda: Uploads(conn.store).get(run_id).accepted >= 20)  # the tab was closed
    assert Uploads(conn.store).get(run_id).pending == 30

    at = page("uploads")  # a new browser session: no table in memory
    assert frame_with(at, "Upload").set_index("Upload").loc[run_id, "State"] == "paused"
    assert "Upload the same file again on **People segments**" in texts(at)
    assert not [b for b in at.button if b.key == f"uploads_resume_{run_id}"]
    at.button(key=f"uploads_open_{run_id}").click().run()
    followed(at, "pages/people.py", "People segments")
    upload(at, "users", "people.csv", data)
    assert at.selectbox(key="users_segment").value == made.id  # opened on that segment
    assert "An unfinished upload to this segment" in texts(at)
    at.button(key=f"users_resume_{run_id}").click().run()
    ok(at)
    assert "**Upload finished.**" in texts(at)
    run = Uploads(conn.store).get(run_id)
    assert run.state == "done" and run.accepted == 50
    assert stored_emails(env.url, made.id) == {sha(m.email) for m in world.members[800:850]}


def test_a_different_file_pauses_the_resume_saying_so(monkeypatch, env, world):
    conn = connect(monkeypatch, env)
    account = next(a for a in portfolio.accounts_of(conn)[0].manageable)
    made = segment_creation.create(conn.client(), account_urn=account.urn, name="Half done", kind="users")
    prepared = prepare(people_csv(world, 900, 920), "users")
    sync = Sync(conn.client(), conn.store, prepared, Target(made.id, made.name, account.urn, "users"))
    # The app stopped before the first batch: "running", nobody sends it.
    run_id = sync.start(sync.plan("add"), owner=member_key(conn))
    at = page("uploads")
    assert frame_with(at, "Upload").set_index("Upload").loc[run_id, "State"] == "interrupted"
    at.button(key=f"uploads_open_{run_id}").click().run()
    followed(at, "pages/people.py", "People segments")
    upload(at, "users", "other.csv", people_csv(world, 950, 960))
    at.button(key=f"users_resume_{run_id}").click().run()
    ok(at)
    assert "**Upload paused** with 20 of 20 still to send." in texts(at)
    assert "Upload the same file again to resume" in texts(at)
    assert stored_emails(env.url, made.id) == set()


def test_runs_resume_without_the_file_when_their_keys_are_the_elements(monkeypatch, env, world):
    conn = connect(monkeypatch, env)
    account = next(a for a in portfolio.accounts_of(conn)[0].manageable)
    made = segment_creation.create(conn.client(), account_urn=account.urn, name="Hashed only", kind="users")
    target = Target(made.id, made.name, account.urn, "users")
    emails_only = prepare(people_csv(world, 1000, 1020, names=False), "users")
    sync = Sync(conn.client(), conn.store, emails_only, target)
    assert sync.run(sync.start(sync.plan("add"), owner=member_key(conn))).accepted == 20
    leaving = prepare(people_csv(world, 1000, 1010, names=False), "users")
    removal = Sync(conn.client(), conn.store, leaving, target)
    remove_id = removal.start(removal.plan("remove"), owner=member_key(conn))  # cut off before sending
    adding = Sync(conn.client(), conn.store, prepare(people_csv(world, 1100, 1105, names=False), "users"), target)
    # Cut off too: hashed emails only, each key is the element.
    add_id = adding.start(adding.plan("add"), owner=member_key(conn))
    named = Sync(conn.client(), conn.store, prepare(people_csv(world, 1200, 1203), "users"), target)
    # Names were in the table: they are never stored.
    named_id = named.start(named.plan("add"), owner=member_key(conn))

    at = page("uploads")
    assert "no file is needed" in texts(at)
    assert [b for b in at.button if b.key == f"uploads_resume_{add_id}"]
    assert not [b for b in at.button if b.key == f"uploads_resume_{named_id}"]
    at.button(key=f"uploads_resume_{remove_id}").click().run()
    ok(at)
    assert "**Upload finished.**" in texts(at)
    assert "Per-row results need the table" in texts(at)
    assert stored_emails(env.url, made.id) == {sha(m.email) for m in world.members[1010:1020]}
    at = page("uploads")
    at.button(key=f"uploads_resume_{add_id}").click().run()
    ok(at)
    assert stored_emails(env.url, made.id) == {sha(m.email) for m in world.members[1010:1020] + world.members[1100:1105]}


def test_a_resume_into_a_closed_account_is_refused_with_the_reason_and_sends_nothing(monkeypatch, env, world):
    conn = connect(monkeypatch, env)
    closed = next(a for a in world.ad_accounts.values() if a.name == "Northwind - Events 2025")  # CANCELED
    seg = next(s for s in world.segments.of_account(closed.id)
               if s.type == "USER" and s.source_platform == world.settings.partner_source_platform)
    before = sandbox_segment(env.url, seg.id)["keys"]
    target = Target(seg.id, seg.name, f"urn:li:sponsoredAccount:{closed.id}", "users")  # no account in hand
    emails_only = Sync(conn.client(), conn.store, prepare(people_csv(world, 1300, 1305, names=False), "users"), target)
    run_id = emails_only.start(emails_only.plan("add"), owner=member_key(conn))  # cut off before sending

    at = page("uploads")
    at.button(key=f"uploads_resume_{run_id}").click().run()
    ok(at)
    assert "**Upload paused** with 5 of 5 still to send. Ad account Northwind - Events 2025" in texts(at)
    assert f"({closed.id}) is CANCELED: LinkedIn serves no campaign from it" in texts(at)
    assert sandbox_segment(env.url, seg.id)["keys"] == before
