"""AppTest: what a sync page keeps and what it forgets (issue 14.8, 14.9, 14.15).

A new table starts clean (no results, mode or segment of the last one); the options and
mapping of the table in hand survive a visit to another page; a pasted list with no header
maps by itself; a new file is read and prepared once, off the script thread, and a page shown
again while it is read waits for that work. On a real sandbox, as in ``test_sync_pages``.
"""

from __future__ import annotations

import threading

from linkedin.tables import preparation
from tests.app.test_sync_pages import (  # noqa: F401  (env and world are fixtures)
    CONTACTS,
    connect,
    create_segment,
    env,
    metrics,
    ok,
    page,
    paste,
    people_csv,
    send,
    sha,
    stored_emails,
    texts,
    upload,
    world,
)
from ui import table_input
from ui.background import Work


def test_a_new_table_starts_clean_without_the_last_results_mode_or_segment(monkeypatch, env, world):
    connect(monkeypatch, env)
    at = upload(page(), "users", "first.csv", people_csv(world, 10, 40))
    seg_id = create_segment(at, "users", "Clean slate")
    send(at, "users")
    assert "**Upload finished.**" in texts(at)
    at.radio(key="users_mode").set_value("mirror").run()
    assert at.selectbox(key="users_segment").value == seg_id

    upload(at, "users", "second.csv", people_csv(world, 500, 505))
    assert "**Upload finished.**" not in texts(at)
    assert not [s for s in at.subheader if s.value in ("Results", "Sending")]
    assert "Added" not in metrics(at)  # the last upload's counts are gone with it
    assert at.selectbox(key="users_segment").value == 0  # "Create a new segment": nothing preselected
    at.selectbox(key="users_segment").set_value(seg_id).run()
    assert at.radio(key="users_mode").value == "add"  # never mirror by inheritance
    assert (metrics(at)["To add"], metrics(at)["To remove"]) == ("5", "0")


def test_the_same_table_after_another_page_keeps_its_options_mode_and_segment(monkeypatch, env, world):
    connect(monkeypatch, env)
    at = upload(page(), "users", "first.csv", people_csv(world, 10, 40))
    seg_id = create_segment(at, "users", "Kept while away")
    at.checkbox(key="users_sha512").check().run()
    at.checkbox(key="users_fixes").uncheck().run()
    at.radio(key="users_mode").set_value("remove").run()
    ok(at)

    at.switch_page("pages/audiences.py").run()
    ok(at)
    at.switch_page("pages/people.py").run()
    ok(at)
    assert at.checkbox(key="users_sha512").value is True
    assert at.checkbox(key="users_fixes").value is False
    assert at.checkbox(key="users_idfa").value is False
    assert at.selectbox(key="users_segment").value == seg_id
    assert at.radio(key="users_mode").value == "remove"
    # the options are the ones the table is prepared with: no new preparation, the same preview
    assert metrics(at)["To remove"] == "30"


def test_a_pasted_list_of_emails_maps_to_email(monkeypatch, env, world):
    connect(monkeypatch, env)
    at = paste(page(), "users", "\n".join(m.email for m in world.members[:5]))
    assert at.selectbox(key="users_map_email").value == "column 1"
    assert metrics(at)["Unique to send"] == "5"


def test_a_pasted_list_of_domains_maps_to_website(monkeypatch, env):
    connect(monkeypatch, env)
    at = paste(page("companies"), "companies", "acme.com\nhttps://www.contoso.com\nglobex.co.uk\n")
    assert at.selectbox(key="companies_map_companywebsite").value == "column 1"
    assert metrics(at)["Unique to send"] == "3"


# -- removals: who goes before, undo after (issue 14.12) ----------------------------------------

def test_a_small_removal_shows_the_rows_that_go_and_takes_a_checkbox(monkeypatch, env, world):
    connect(monkeypatch, env)
    at = upload(page(), "users", "all.csv", people_csv(world, 10, 50))
    seg_id = create_segment(at, "users", "Small removal")
    send(at, "users")
    upload(at, "users", "few.csv", people_csv(world, 10, 15))
    at.selectbox(key="users_segment").set_value(seg_id).run()
    at.radio(key="users_mode").set_value("remove").run()
    ok(at)
    assert "**This removes 5 people from “Small removal”**: 5 of the 40 this app sent to it, **12%**." in texts(at)
    head, rows = [d.value for d in at.dataframe if "email" in d.value.columns]  # the mapping's, the removal's
    assert list(rows.index) == [2, 3, 4, 5, 6]  # the file's rows, as the spreadsheet numbers them
    assert list(rows["email"].str.strip().str.lower()) == [m.email.lower() for m in world.members[10:15]]
    assert at.button(key="users_send").disabled
    at.checkbox(key="users_confirm_remove_5").check().run()
    assert not at.button(key="users_send").disabled


def test_a_large_mirror_asks_for_the_name_and_can_be_undone(monkeypatch, env, world):
    connect(monkeypatch, env)
    at = upload(page(), "users", "all.csv", people_csv(world, 10, 50))
    seg_id = create_segment(at, "users", "Big mirror")
    send(at, "users")
    upload(at, "users", "few.csv", people_csv(world, 10, 20))
    at.selectbox(key="users_segment").set_value(seg_id).run()
    at.radio(key="users_mode").set_value("mirror").run()
    ok(at)
    assert "**This removes 30 people from “Big mirror”**: 30 of the 40 this app sent to it, **75%**." in texts(at)
    sample = next(d.value for d in at.dataframe if "Sent as" in d.value.columns)
    assert len(sample) == 10 and set(sample["Sent as"].str.split().str[0]) == {"SHA256_EMAIL"}
    box = at.text_input(key="users_confirm_name_mirror_30")
    box.input("big mirror").run()  # not the name: capitals count
    assert at.button(key="users_send").disabled
    assert "That is not the segment's name" in texts(at)
    at.text_input(key="users_confirm_name_mirror_30").input("Big mirror").run()
    send(at, "users")
    assert len(stored_emails(env.url, seg_id)) == 10

    assert "**Undo this upload's removals:** add the 30 people it removed back to “Big mirror”." in texts(at)
    at.button(key=next(b.key for b in at.button if (b.key or "").startswith("users_undo_"))).click().run()
    ok(at)
    assert "**Upload finished.** 30 accepted by LinkedIn, of 30 sent." in texts(at)
    assert stored_emails(env.url, seg_id) == {sha(m.email) for m in world.members[10:50]}
    assert not [b for b in at.button if (b.key or "").startswith("users_undo_")]  # an undo is not undone


def test_a_removal_on_a_segment_live_campaigns_use_warns_before_sending(monkeypatch, env, world):
    """Issue 15.4: a mirror or removal on a segment an ACTIVE campaign targets names the campaign first."""
    from linkedin.insights import portfolio
    from linkedin.sandbox.campaigns import Campaign

    connect(monkeypatch, env)
    at = upload(page(), "users", "all.csv", people_csv(world, 10, 20))
    seg_id = create_segment(at, "users", "Used by a campaign")
    send(at, "users")
    made = world.segments.get(seg_id)
    world.campaigns.add(Campaign(id=world.campaigns.new_id(), account_id=made.account_id, name="Spring webinar push",
                                 status="ACTIVE", includes=(made.ad_segment_id,)))
    portfolio.CACHE.clear()  # the segment list is read again, with the segment's ad segment URN

    upload(at, "users", "few.csv", people_csv(world, 10, 15))
    at.selectbox(key="users_segment").set_value(seg_id).run()
    at.radio(key="users_mode").set_value("add").run()
    ok(at)
    assert "Spring webinar push" not in texts(at)  # adding takes no one out: nothing to warn about
    at.radio(key="users_mode").set_value("mirror").run()
    ok(at)
    assert ("1 live campaign(s) use this segment (“Spring webinar push”): members removed now stop seeing their "
            "ads") in texts(at)


def test_a_new_file_is_read_and_prepared_once_with_the_guessed_mapping(monkeypatch, env):
    connect(monkeypatch, env)
    calls = []
    real = preparation.prepare
    monkeypatch.setattr(preparation, "prepare", lambda *a, **k: calls.append(k["mapping"]) or real(*a, **k))
    at = upload(page(), "users", "contacts_sample.csv", CONTACTS.read_bytes())
    assert metrics(at)["Rows read"] == "416"
    loaded = at.session_state["sync.users.loaded"]
    assert (loaded.reading, loaded.work) == (None, None)  # handed over: nothing kept twice
    at.selectbox(key="users_map_country").set_value("").run()  # another mapping: prepared again
    assert [m.get("country") for m in calls] == ["country", None]


def test_coming_back_while_the_file_is_still_read_waits_for_it_and_shows_the_report(monkeypatch, env):
    """A run stopped while a file is read (the analyst opened another page) leaves the work
    going; the page, shown again, waits for that work instead of reading the file again."""
    connect(monkeypatch, env)
    at = page()
    at.switch_page("pages/uploads.py").run()
    go = threading.Event()
    opts = {"allow_idfa": False, "apply_fixes": True, "also_sha512": False}
    given = ("file:slow", "slow.csv", CONTACTS.read_bytes())

    def slow(say):
        go.wait(10)
        return table_input._open(given, "users", opts, say)

    at.session_state["sync.users.loaded"] = table_input.Loaded(
        "file:slow", None, None, name="slow.csv", reading=Work(slow, "Checking 416 rows of slow.csv…"))
    threading.Timer(0.3, go.set).start()
    at.switch_page("pages/people.py").run()
    ok(at)
    assert "Using **slow.csv** (416 rows), loaded earlier in this session." in texts(at)
    assert metrics(at)["Rows read"] == "416"
