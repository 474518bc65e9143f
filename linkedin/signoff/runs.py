"""The sign-off runs kept in the app's store: the last ``KEEP`` per member, newest first.

One row per run in ``signoff_runs``: who it belongs to (``portfolio.member_key``: the API's
address and the member's URN, never a token), the counts for listing, and the whole run as
JSON for the reports. A run holds no token and no raw email (see ``evidence``), so it is safe
to keep.
"""

from __future__ import annotations

import json

from linkedin.signoff.evidence import Run
from linkedin.store import Store

KEEP = 20
TABLE = "signoff_runs"


class Runs:
    """The ``signoff_runs`` table."""

    def __init__(self, store: Store, *, keep: int = KEEP) -> None:
        self.store = store
        self.keep = keep
        with store.lock:
            store.db[TABLE].create(
                {"id": str, "owner": str, "started_at": float, "finished_at": float, "sandbox": int, "writing": int,
                 "passed": int, "failed": int, "skipped": int, "run": str},
                pk="id", if_not_exists=True,
            )
            store.db[TABLE].create_index(["owner", "started_at"], if_not_exists=True)

    def save(self, run: Run, *, owner: str) -> None:
        """Keep ``run`` for ``owner``, then forget that owner's runs beyond the newest ``keep``."""
        with self.store.lock, self.store.db.atomic():
            self.store.db[TABLE].upsert({
                "id": run.id, "owner": owner, "started_at": run.started_at, "finished_at": run.finished_at,
                "sandbox": int(run.sandbox), "writing": int(run.writing), "passed": run.passed, "failed": run.failed,
                "skipped": run.skipped, "run": json.dumps(run.to_dict()),
            }, pk="id")
            self.store.db.execute(
                f"delete from {TABLE} where owner = ? and id not in "
                f"(select id from {TABLE} where owner = ? order by started_at desc limit ?)",
                [owner, owner, self.keep],
            )

    def latest(self, owner: str, *, limit: int = KEEP) -> list[Run]:
        """``owner``'s runs, newest first."""
        with self.store.lock:
            rows = self.store.db.execute(
                f"select run from {TABLE} where owner = ? order by started_at desc limit ?", [owner, limit]
            ).fetchall()
        return [Run.from_dict(json.loads(r[0])) for r in rows]

    def get(self, owner: str, run_id: str) -> Run | None:
        with self.store.lock:
            row = self.store.db.execute(f"select run from {TABLE} where owner = ? and id = ?", [owner, run_id]).fetchone()
        return Run.from_dict(json.loads(row[0])) if row else None
