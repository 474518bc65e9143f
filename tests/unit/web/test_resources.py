"""The process-wide store: one per file, even when the first requests arrive together."""

import threading

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
