"""The app's local database (sqlite-utils): connections (tokens, held only on the server).

Later issues add the sync ledger, segment snapshots and upload runs here. Raw emails
never reach this file. One ``Store`` per process; sqlite serialises the writers.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

import sqlite_utils


class Store:
    """Thin, typed access to the tables the app keeps."""

    def __init__(self, path: str | Path = ":memory:") -> None:
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(str(path), check_same_thread=False, timeout=30, isolation_level=None)
        self.db = sqlite_utils.Database(conn)
        if str(path) != ":memory:":
            self.db.enable_wal()
        self.lock = threading.RLock()
        self._migrate()

    @property
    def path(self) -> str:
        """The file behind this store (":memory:" for an in-memory one)."""
        for _, name, path in self.db.execute("PRAGMA database_list").fetchall():
            if name == "main":
                return path or ":memory:"
        return ":memory:"

    def _migrate(self) -> None:
        with self.lock:
            self.db["connections"].create(
                {
                    "sid": str,
                    "token": str,
                    "member_urn": str,
                    "member_name": str,
                    "state": str,  # connected | needs_consent
                    "reason": str,
                    "heartbeat": str,
                    "last_event": str,
                    "last_event_at": float,
                    "created_at": float,
                    "updated_at": float,
                },
                pk="sid",
                if_not_exists=True,
            )

    # connections -----------------------------------------------------------------

    def connection(self, sid: str) -> dict[str, Any] | None:
        """The row of one browser session, with ``token`` and ``heartbeat`` decoded."""
        with self.lock:
            try:
                row = self.db["connections"].get(sid)
            except sqlite_utils.db.NotFoundError:
                return None
        row = dict(row)
        for key in ("token", "heartbeat"):
            row[key] = json.loads(row[key]) if row.get(key) else None
        return row

    def save_connection(self, sid: str, **values: Any) -> None:
        """Insert or update the row of ``sid`` with the given columns."""
        for key in ("token", "heartbeat"):
            if key in values and values[key] is not None and not isinstance(values[key], str):
                values[key] = json.dumps(values[key])
        now = time.time()
        with self.lock:
            if self.db["connections"].count_where("sid = ?", [sid]):
                self.db["connections"].update(sid, {**values, "updated_at": now})
            else:
                self.db["connections"].insert({"sid": sid, **values, "created_at": now, "updated_at": now})

    def forget_connection(self, sid: str) -> None:
        with self.lock:
            self.db["connections"].delete_where("sid = ?", [sid])
