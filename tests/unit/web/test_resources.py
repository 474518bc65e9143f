"""The process-wide store: one per file, even when the first requests arrive together."""

import threading

import pytest

from linkedin.api.settings import Settings
from linkedin.web import resources


def test_the_first_sign_ins_arriving_together_share_one_store(tmp_path):
    """Five analysts' first callbacks open the store on five server threads at once: each gets the
    same store and none meets "database is locked" (bench/team_load.py found it)."""
    settings = Settings(client_id="", client_secret="", sandbox=True, db_path=str(tmp_path / "team.db"),
                        token_key="token-key-for-this-test-0123456789-abcdefgh")
    start, got, errors = threading.Barrier(8), [], []

    def open_it():
        start.wait()
        try:
            got.append(resources.store(settings))
        except Exception as exc:  # noqa: BLE001 - any error is the finding
            errors.append(repr(exc))

    threads = [threading.Thread(target=open_it) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(got) == 8 and len({id(s) for s in got}) == 1
    assert resources.store(settings) is got[0]


@pytest.mark.parametrize("host,drives", [
    ("localhost:8501", True), ("127.0.0.1:8501", True), ("[::1]:8501", True), ("LOCALHOST", True),
    ("demo.example:8501", True), ("evil.example:8501", False), ("localhost.evil.example", False),
    ("127.0.0.1.nip.io:8501", False), (None, True),  # no Host at all is no browser (AppTest)
])
def test_the_sandbox_controls_page_answers_on_the_sandboxs_own_host_names(host, drives):
    """The app's Sandbox controls page drives the sandbox from the server over 127.0.0.1: a page of a
    DNS-rebound name must not get there through it."""
    settings = Settings(client_id="", client_secret="", sandbox=True, sandbox_hosts=("demo.example",))
    assert resources.drives_sandbox(settings, host) is drives
    assert resources.drives_sandbox(Settings(client_id="id", client_secret="s"), "localhost:8501") is False
