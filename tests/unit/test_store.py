"""The store keeps tokens encrypted at rest, in a private folder and private files."""

import json
import logging
import os
import shutil
import sqlite3
import stat
import time

import pytest

from linkedin.store import Store

KEY = "token-key-for-tests-0123456789-abcdefghijklmnop"
TOKEN = {"access_token": "AQX-access-token-secret-value", "refresh_token": "AQR-refresh-token-secret-value",
         "expires_at": 2_000_000_000.0, "scope": "r_ads,rw_dmp_segments"}


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def file_bytes(folder) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file())


def test_tokens_are_encrypted_at_rest_and_read_back_whole(tmp_path):
    store = Store(tmp_path / "data" / "app.db", token_key=KEY)
    store.save_connection("sid-1", token=TOKEN, state="connected", member_urn="urn:li:person:1")
    assert store.connection("sid-1")["token"] == TOKEN
    raw = store.db.execute("SELECT token FROM connections").fetchone()[0]
    assert raw.startswith("gAAAA") and "AQX" not in raw  # a Fernet token, nothing readable
    store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    on_disk = file_bytes(tmp_path / "data")
    assert b"AQX-access-token" not in on_disk and b"AQR-refresh-token" not in on_disk


def test_a_copy_of_the_database_without_the_key_holds_no_usable_token(tmp_path, caplog):
    Store(tmp_path / "app.db", token_key=KEY).save_connection("sid-1", token=TOKEN, state="connected")
    copy = tmp_path / "copy"
    copy.mkdir()
    for f in tmp_path.glob("app.db*"):
        shutil.copy(f, copy / f.name)
    with caplog.at_level(logging.WARNING, logger="linkedin.store"):
        other_key = Store(copy / "app.db", token_key="another-key-0123456789-abcdefghijklmnopq")
        row = other_key.connection("sid-1")
        assert other_key.connection("sid-1")["token"] is None
        assert len(caplog.records) == 1  # said once per store, and without the token
    assert row["token"] is None and row["state"] == "connected"  # Connection reads this as signed out
    assert Store(copy / "app.db").connection("sid-1")["token"] is None  # no key at all
    assert "AQX" not in caplog.text and "sid-1" not in caplog.text
    assert "cannot be read with this token key" in caplog.text


def test_a_file_store_without_a_key_refuses_to_write_a_token(tmp_path):
    store = Store(tmp_path / "app.db")
    with pytest.raises(ValueError, match="without a token key"):
        store.save_connection("sid-1", token=TOKEN)
    store.save_connection("sid-1", state="needs_consent")  # the rest of the row is not secret
    assert store.connection("sid-1")["token"] is None


def test_an_in_memory_store_makes_its_own_key():
    store = Store()
    store.save_connection("sid-1", token=TOKEN)
    assert store.connection("sid-1")["token"] == TOKEN


def test_plain_tokens_from_before_are_encrypted_when_a_store_with_the_key_opens_the_file(tmp_path):
    path = tmp_path / "app.db"
    old = sqlite3.connect(path)
    old.execute("CREATE TABLE connections (sid TEXT PRIMARY KEY, token TEXT, member_urn TEXT, member_name TEXT, "
                "state TEXT, reason TEXT, heartbeat TEXT, last_event TEXT, last_event_at FLOAT, created_at FLOAT, "
                "updated_at FLOAT)")
    old.execute("INSERT INTO connections (sid, token, state) VALUES ('cli', ?, 'connected')", [json.dumps(TOKEN)])
    old.commit()
    old.close()
    assert b"AQX-access-token" in path.read_bytes()

    store = Store(path, token_key=KEY)
    assert store.connection("cli")["token"] == TOKEN
    raw = store.db.execute("SELECT token FROM connections").fetchone()[0]
    assert raw.startswith("gAAAA")
    assert b"AQX-access-token" not in file_bytes(tmp_path)  # overwritten, not only superseded
    assert Store(path, token_key=KEY).connection("cli")["token"] == TOKEN  # migrated once, readable after


def test_forgotten_tokens_leave_no_bytes_behind(tmp_path):
    store = Store(tmp_path / "app.db", token_key=KEY)
    store.save_connection("sid-1", token=TOKEN, member_name="Avery Analyst")
    store.forget_connection("sid-1")
    store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert store.connection("sid-1") is None
    assert b"Avery Analyst" not in file_bytes(tmp_path)


@pytest.mark.parametrize("umask", [0o000, 0o022, 0o077])
def test_the_folder_is_0700_and_the_database_files_0600_whatever_the_umask(tmp_path, umask):
    old = os.umask(umask)
    try:
        store = Store(tmp_path / "data" / "nested" / "app.db", token_key=KEY)
        store.save_connection("sid-1", token=TOKEN)
    finally:
        os.umask(old)
    assert mode(tmp_path / "data") == 0o700 and mode(tmp_path / "data" / "nested") == 0o700
    files = sorted(p.name for p in (tmp_path / "data" / "nested").iterdir())
    assert files == ["app.db", "app.db-shm", "app.db-wal"]
    assert {f: mode(tmp_path / "data" / "nested" / f) for f in files} == dict.fromkeys(files, 0o600)


def test_an_existing_database_file_is_made_private_and_an_existing_folder_left_alone(tmp_path):
    (tmp_path / "shared").mkdir(mode=0o755)
    (tmp_path / "shared").chmod(0o755)
    db = tmp_path / "shared" / "app.db"
    db.touch(mode=0o644)
    db.chmod(0o644)
    Store(db, token_key=KEY)
    assert mode(db) == 0o600
    assert mode(tmp_path / "shared") == 0o755  # not ours to change: it may be /tmp


def test_a_hand_over_is_read_once_within_its_age_and_old_notes_go_away(monkeypatch):
    store = Store()
    store.hand_over("k1", "sid-1")
    assert store.handover("k1", 60) == "sid-1" and store.take_handover("k1", 60) == "sid-1"
    assert store.take_handover("k1", 60) is None
    store.hand_over("k2", "")
    assert store.take_handover("k2", 60) == ""  # noted: the browser holds no session
    store.hand_over("k3", "sid-3")
    clock = time.time() + 61
    monkeypatch.setattr(time, "time", lambda: clock)
    assert store.handover("k3", 60) is None  # too old to count
    clock += 3600
    store.hand_over("k4", "sid-4")
    assert [r["key"] for r in store.db["handoffs"].rows] == ["k4"]  # old notes never pile up
