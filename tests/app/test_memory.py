"""A session lets go of its large objects when the analyst clears the file (issue 16).

The app runs in-process (AppTest) on a live sandbox, as in ``test_sync_pages``: a table is
uploaded, prepared and sent, then removed from the uploader. Weak references to the table read,
its preparation and the loaded-table record must then die with one collection: nothing in the
session (the job, the tables kept for Resume, the per-row results, a download button's deferred
file) may still hold them. Not timed; the browser benchmark measures the memory itself.
"""

from __future__ import annotations

import gc
import weakref

from linkedin.insights.portfolio import member_key
from linkedin.sync.runs import Uploads
from tests.app.test_sync_pages import CONTACTS, connect, create_segment, env, metrics, ok, page, send, texts, upload

__all__ = ["env"]  # the fixture, used by name


def _held(at) -> tuple[weakref.ref, weakref.ref, weakref.ref]:
    loaded = at.session_state["sync.users.loaded"]
    assert loaded.prepared is not None
    return weakref.ref(loaded), weakref.ref(loaded.table), weakref.ref(loaded.prepared)


def test_clearing_the_file_releases_the_table_and_its_preparation(monkeypatch, env):
    conn = connect(monkeypatch, env)
    at = upload(page(), "users", "contacts_sample.csv", CONTACTS.read_bytes())
    create_segment(at, "users", "Released after clearing")
    send(at, "users")
    assert "**Upload finished.**" in texts(at)
    refs = _held(at)
    assert at.session_state["sync.users.job"].prepared is refs[2]()  # the job shows results from it

    at.file_uploader(key="users_file").set_value(None).run()
    ok(at)
    gc.collect()
    assert [r() is None for r in refs] == [True, True, True]
    # What stays on the page is what needs no table: the run's counts, from the store.
    assert "**Upload finished.**" in texts(at)
    run = Uploads(conn.store).latest(member_key(conn))[0]
    assert metrics(at)["Added"] == f"{run.accepted:,}"
    assert "Per-row results need the table" in texts(at)
    assert "sync.users.loaded" not in at.session_state


def test_another_file_releases_the_last_one(monkeypatch, env):
    connect(monkeypatch, env)
    at = upload(page(), "users", "contacts_sample.csv", CONTACTS.read_bytes())
    create_segment(at, "users", "Released after another file")
    send(at, "users")
    refs = _held(at)

    lines = CONTACTS.read_text().splitlines()
    upload(at, "users", "fewer.csv", ("\n".join(lines[:50]) + "\n").encode())
    gc.collect()
    assert [r() is None for r in refs] == [True, True, True]
    assert at.session_state["sync.users.loaded"].table.num_rows == 49
