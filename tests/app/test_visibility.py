"""AppTest: who sees what, and outside text shown as text.

Two analysts on one server (Avery Analyst and Vic Viewer, each in their own session) never
see each other's uploads; a browser session that comes back signed in as someone else
drops the upload it was looking after. Segment names, file names and column names that look
like Markdown or HTML show as those characters, never as a link, an image or a tag.
"""

from __future__ import annotations

import re

from streamlit.testing.v1 import AppTest

from linkedin.api import segment_creation
from linkedin.demo.controls import SandboxControl
from linkedin.insights import portfolio
from linkedin.insights.portfolio import member_key
from linkedin.sync.runs import Uploads
from linkedin.sync.upload import Sync, Target
from linkedin.tables.preparation import prepare
from tests.app.test_sync_pages import (  # noqa: F401 - env and world are fixtures
    connect,
    env,
    frame_with,
    ok,
    page,
    people_csv,
    send,
    texts,
    upload,
    world,
)
from tests.integration.helpers import VIC
from ui import segments_table
from ui.format import plain

SEGMENT = ("[click](http://evil.example) ![x](http://img.example/x.png) www.evil.example :red[z] $x^2$ "
           ":material/home: :smile:")
FILE = "![x](http://img.example) <img src=x onerror=alert(1)>.csv"
COLUMN = "<img src=x onerror=alert(1)> a@evil.example"
# What Markdown or HTML would act on: links, images, tags, colours and formulas unless escaped
# (looked for once the escaped characters are taken out); bare addresses, icons and emoji unless
# broken by the word joiner (looked for in the text as read, escapes resolved).
MARKUP = re.compile(r"\]\(http|<img|!\[x\]|\[click\]|:red\[|\$x")
BARE = re.compile(r"https?://|\bwww\.|@\w|:material|:smile")


def shown(at: AppTest) -> list[str]:
    """Every text the page renders as Markdown: bodies, captions, alerts, headings and labels."""
    parts = [e.value for kind in ("markdown", "caption", "info", "warning", "error", "success", "subheader", "title")
             for e in at.get(kind)]
    parts += [x.label for x in at.expander] + [s.label for s in at.status]
    parts += [w.label for kind in ("button", "checkbox", "toggle", "metric", "selectbox", "radio", "text_input")
              for w in at.get(kind)]
    return [str(p) for p in parts]


def as_text(at: AppTest) -> None:
    """No text the page renders holds a link, image, tag, colour, formula or bare address."""
    leaked = [text for text in shown(at)
              if MARKUP.search(re.sub(r"\\.", "", text)) or BARE.search(re.sub(r"\\(.)", r"\1", text))]
    assert not leaked, leaked


def averys_paused_run(monkeypatch, env, world) -> tuple[object, str]:
    """Avery's connection and an upload of hers that stopped before the end (resumable)."""
    avery = connect(monkeypatch, env)
    account = next(a for a in portfolio.accounts_of(avery)[0].manageable)
    made = segment_creation.create(avery.client(), account_urn=account.urn, name="Avery's list", kind="users")
    sync = Sync(avery.client(), avery.store, prepare(people_csv(world, 1300, 1310, names=False), "users"),
                Target(made.id, made.name, account.urn, "users"))
    return avery, sync.start(sync.plan("add"), owner=member_key(avery))  # never sent: nobody sends it now


def test_two_analysts_never_see_each_others_uploads(monkeypatch, env, world):
    avery, run_id = averys_paused_run(monkeypatch, env, world)
    at = page("uploads")
    assert frame_with(at, "Upload")["Upload"].tolist() == [run_id]
    assert [b for b in at.button if b.key == f"uploads_resume_{run_id}"]

    vic = connect(monkeypatch, env, member=VIC)  # another analyst, another browser, the same server
    assert member_key(vic) != member_key(avery) and vic.store is avery.store
    at = page("uploads")
    assert "No uploads yet." in texts(at)
    assert not at.dataframe and not [b for b in at.button if run_id in str(b.key)]
    assert run_id not in "\n".join(shown(at))

    connect(monkeypatch, env)  # Avery again, in a new session: her run is still hers
    assert frame_with(page("uploads"), "Upload")["Upload"].tolist() == [run_id]


def test_a_session_signed_in_as_someone_else_drops_the_upload_it_looked_after(monkeypatch, env, world):
    connect(monkeypatch, env)
    at = upload(page(), "users", "people.csv", people_csv(world, 1400, 1420))
    at.selectbox(key="users_segment").set_value(0).run()
    at.text_input(key="users_new_name").input("Stopped upload").run()
    at.button(key="users_create").click().run()
    seg_id = at.selectbox(key="users_segment").value
    SandboxControl(env.url).inject_fault("500", count=5, path_prefix=f"/rest/dmpSegments/{seg_id}/users")
    monkeypatch.setattr("linkedin.api.client.backoff_delay", lambda attempt, **kw: 0.01)
    send(at, "users")
    assert "**Upload paused** with 20 of 20 still to send." in texts(at)

    connect(monkeypatch, env, member=VIC)  # the same browser session, now Vic's connection
    at.switch_page("pages/people.py").run()
    ok(at)
    assert "Upload paused" not in texts(at) and "Stopped upload" not in "\n".join(shown(at))
    assert not [b for b in at.button if b.key == "users_resume"]


def test_names_that_look_like_markdown_or_html_show_as_text(monkeypatch, env, world):
    conn = connect(monkeypatch, env)
    rows = [f"email,firstname,{COLUMN}"] + [f"{m.email},{m.first_name},<b>{m.last_name}</b>"
                                             for m in world.members[1500:1510]]
    at = upload(page(), "users", FILE, ("\n".join(rows) + "\n").encode())
    as_text(at)
    assert f"of {plain(FILE)}" in "\n".join(x.label for x in at.expander)  # the mapping names the file
    assert plain(f"Columns not used: {COLUMN}.") in [i.value for i in at.info]

    at.selectbox(key="users_segment").set_value(0).run()
    at.text_input(key="users_new_name").input(SEGMENT).run()
    at.button(key="users_create").click().run()
    ok(at)
    as_text(at)
    assert any(s.value.startswith(f"Segment “{plain(SEGMENT)}” created") for s in at.success)
    seg_id = at.selectbox(key="users_segment").value
    SandboxControl(env.url).inject_fault("500", count=5, path_prefix=f"/rest/dmpSegments/{seg_id}/users")
    monkeypatch.setattr("linkedin.api.client.backoff_delay", lambda attempt, **kw: 0.01)
    send(at, "users")  # paused by LinkedIn's errors: every step of the page shows the names
    as_text(at)
    assert f"{plain(FILE)} → “{plain(SEGMENT)}”" in "\n".join(shown(at))

    at.switch_page("pages/uploads.py").run()  # the resumable run, named
    ok(at)
    as_text(at)
    run = Uploads(conn.store).latest(member_key(conn))[0]
    assert f"**{plain(SEGMENT)}** ({seg_id})" in "\n".join(shown(at))
    assert f"The table it was sent from ({plain(FILE)}) is still in this session." in shown(at)
    assert frame_with(at, "Upload").set_index("Upload").loc[run.id, "Segment"] == f"{SEGMENT} ({seg_id})"

    at.button(key=f"uploads_resume_{run.id}").click().run()  # sent to the end
    at.switch_page("pages/people.py").run()
    ok(at)
    as_text(at)
    assert f"**“{plain(SEGMENT)}” on LinkedIn now**" in shown(at)

    portfolio.CACHE.clear()
    at.switch_page("pages/audiences.py").run()  # the dashboard and the segment's detail
    ok(at)
    listed = frame_with(at, "segment_id")
    assert SEGMENT in listed["name"].tolist()  # a table cell: text as it is
    table_key = at.session_state[segments_table.KEYS]["segments"]  # the table as drawn: its rows' ids in its key
    at.session_state[table_key] = {"selection": {"rows": [int(listed.index[listed["segment_id"] == seg_id][0])],
                                                 "columns": [], "cells": []}}
    at.run()
    ok(at)
    as_text(at)
    assert [s.value for s in at.subheader][0] == plain(SEGMENT)
