"""The app's local database (sqlite-utils): connections (tokens, held only on the server).

Later issues add the sync ledger, segment snapshots and upload runs here. Raw emails
never reach this file. One ``Store`` per process; sqlite serialises the writers.

Tokens at rest are encrypted (Fernet: AES-128-CBC with an HMAC-SHA256) with a key derived
from the ``token_key`` the caller passes (the settings' LINKEDIN_TOKEN_KEY); a copy of the
database without that key holds no usable token, and a row the key cannot open reads as
"no token" (signed out), never as an error. The same key, stretched for another purpose,
seals the few personal fields a removal needs and nothing else can give (the names of a
person sent by name only: ``seal`` / ``unseal``, used by ``sync.ledger``); they are deleted
with the member. Rows written before encryption (plain JSON)
are encrypted when a store with a key opens the file. The folder is created 0700 and the
database files are 0600 whatever the umask; deleted rows are overwritten (secure_delete).
"""

from __future__ import annotations

import base64
import json
import logging
import os
import secrets
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

import sqlite_utils
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

log = logging.getLogger(__name__)

_KEY_INFO = b"linkedin-workbench: tokens at rest"
_PERSONAL_INFO = b"linkedin-workbench: personal fields at rest"  # another key: a token key never opens names
HANDOFF_KEPT = 3600.0  # seconds a hand-over note is kept at most, read or not
_PLAIN = "{"  # how a token row from before encryption starts (JSON); Fernet tokens start "gAAAA"


def private_folder(path: Path) -> None:
    """Create ``path`` and any missing parents, each 0700 whatever the umask; existing ones are left as they are."""
    missing = []
    while not path.exists():
        missing.append(path)
        path = path.parent
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=0o700)
        except FileExistsError:
            continue  # another process made it meanwhile
        folder.chmod(0o700)


def token_cipher(token_key: str, *, info: bytes = _KEY_INFO) -> Fernet:
    """The Fernet cipher of a token key: any secret of 32+ bytes, stretched by HKDF-SHA256 for ``info``."""
    raw = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(token_key.encode())
    return Fernet(base64.urlsafe_b64encode(raw))


class Store:
    """Thin, typed access to the tables the app keeps."""

    def __init__(self, path: str | Path = ":memory:", *, token_key: str | None = None) -> None:
        """Open (or create) the database at ``path``.

        ``token_key`` encrypts the tokens; without one, an in-memory store makes its own
        (nothing outlives it anyway), and a file store cannot keep tokens: it reads them
        as absent and refuses to write them, so none is ever written in the clear.
        """
        memory = str(path) == ":memory:"
        if not memory:
            private_folder(Path(path).parent)
            os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
            os.chmod(path, 0o600)  # sqlite gives its -wal and -shm files this file's mode
        conn = sqlite3.connect(str(path), check_same_thread=False, timeout=30, isolation_level=None)
        self.db = sqlite_utils.Database(conn)
        self.db.execute("PRAGMA secure_delete = ON")  # forgotten tokens leave no bytes behind
        if not memory:
            self.db.enable_wal()
        self.lock = threading.RLock()
        if token_key is None and memory:
            token_key = secrets.token_urlsafe(32)
        self._cipher = token_cipher(token_key) if token_key else None
        self._personal = token_cipher(token_key, info=_PERSONAL_INFO) if token_key else None
        self._unreadable: set[str] = set()
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
            # A tab's pick-up of the browser's new session id (linkedin.web.sessions): key -> sid.
            self.db["handoffs"].create({"key": str, "sid": str, "created_at": float}, pk="key", if_not_exists=True)
            self._encrypt_plain_tokens()

    def _encrypt_plain_tokens(self) -> None:
        """Rows from before encryption: read once, written back encrypted, the plain bytes overwritten."""
        if self._cipher is None:
            return
        plain = self.db.execute("SELECT sid, token FROM connections WHERE token LIKE '{%'").fetchall()
        for sid, token in plain:
            self.db["connections"].update(sid, {"token": self._seal(token)})
        if plain:
            log.info("encrypted %d stored connection(s) written before tokens were encrypted", len(plain))
            if self.path != ":memory:":
                self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    # connections -----------------------------------------------------------------

    def connection(self, sid: str) -> dict[str, Any] | None:
        """The row of one browser session, with ``token`` and ``heartbeat`` decoded."""
        with self.lock:
            try:
                row = self.db["connections"].get(sid)
            except sqlite_utils.db.NotFoundError:
                return None
        row = dict(row)
        row["token"] = self._open(sid, row.get("token"))
        row["heartbeat"] = json.loads(row["heartbeat"]) if row.get("heartbeat") else None
        return row

    def save_connection(self, sid: str, **values: Any) -> None:
        """Insert or update the row of ``sid`` with the given columns (``token`` a dict, kept encrypted)."""
        if values.get("token") is not None:
            token = values["token"]
            values["token"] = self._seal(token if isinstance(token, str) else json.dumps(token))
            self._unreadable.discard(sid)
        if values.get("heartbeat") is not None and not isinstance(values["heartbeat"], str):
            values["heartbeat"] = json.dumps(values["heartbeat"])
        now = time.time()
        with self.lock:
            if self.db["connections"].count_where("sid = ?", [sid]):
                self.db["connections"].update(sid, {**values, "updated_at": now})
            else:
                self.db["connections"].insert({"sid": sid, **values, "created_at": now, "updated_at": now})

    def forget_connection(self, sid: str) -> None:
        with self.lock:
            self.db["connections"].delete_where("sid = ?", [sid])

    # hand-overs ------------------------------------------------------------------------

    def hand_over(self, key: str, sid: str) -> None:
        """Note that ``key`` now names ``sid`` ("" for none)."""
        with self.lock:
            self.db["handoffs"].delete_where("created_at < ?", [time.time() - HANDOFF_KEPT])
            self.db["handoffs"].upsert({"key": key, "sid": sid, "created_at": time.time()}, pk="key")

    def handover(self, key: str, max_age: float) -> str | None:
        """The sid noted for ``key`` within ``max_age`` seconds ("" for none); None if none was noted."""
        with self.lock:
            self.db["handoffs"].delete_where("created_at < ?", [time.time() - max_age])
            rows = list(self.db["handoffs"].rows_where("key = ?", [key]))
        return rows[0]["sid"] if rows else None

    def take_handover(self, key: str, max_age: float) -> str | None:
        """``handover``, once: the note is deleted as it is read."""
        with self.lock:
            found = self.handover(key, max_age)
            self.db["handoffs"].delete_where("key = ?", [key])
        return found

    # which LinkedIn -------------------------------------------------------------------

    def linkedin_of_runs(self) -> tuple[dict[str, str], dict[str, str]]:
        """For rows written before the tables were keyed by LinkedIn (its API address): the
        address each segment id, and each ad account, was sent to, read from the upload runs'
        owners ("<API address>|<member>"). One seen with two addresses, or none, is left out."""
        with self.lock:
            if "runs" not in self.db.table_names():
                return {}, {}
            rows = self.db.execute("select segment_id, account, owner from runs where owner like '%|%'").fetchall()
        by_segment: dict[str, set[str]] = {}
        by_account: dict[str, set[str]] = {}
        for segment_id, account, owner in rows:
            base = owner.split("|", 1)[0]
            by_segment.setdefault(str(segment_id), set()).add(base)
            by_account.setdefault(str(account), set()).add(base)
        return ({k: next(iter(v)) for k, v in by_segment.items() if len(v) == 1},
                {k: next(iter(v)) for k, v in by_account.items() if len(v) == 1})

    # personal fields -------------------------------------------------------------------

    def seal(self, plain: str) -> str:
        """``plain`` (a personal field, such as a name) encrypted with this store's key, for a table to keep."""
        if self._personal is None:
            raise ValueError("this store was opened without a token key, so it cannot keep personal fields")
        return self._personal.encrypt(plain.encode()).decode("ascii")

    def unseal(self, sealed: str) -> str | None:
        """What ``seal`` hid; None when this key cannot open it (LINKEDIN_TOKEN_KEY changed)."""
        if self._personal is None:
            return None
        try:
            return self._personal.decrypt(sealed.encode("ascii")).decode()
        except (InvalidToken, ValueError):
            return None

    def _seal(self, plain: str) -> str:
        if self._cipher is None:
            raise ValueError("this store was opened without a token key, so it cannot keep tokens")
        return self._cipher.encrypt(plain.encode()).decode("ascii")

    def _open(self, sid: str, sealed: str | None) -> dict[str, Any] | None:
        """The token dict, or None when there is none or this key cannot open it (signed out)."""
        if not sealed:
            return None
        if self._cipher is not None and not sealed.startswith(_PLAIN):
            try:
                return json.loads(self._cipher.decrypt(sealed.encode("ascii")))
            except (InvalidToken, ValueError):
                pass
        if sid not in self._unreadable:  # once per row: the page asks on every rerun
            self._unreadable.add(sid)
            log.warning("a stored connection's tokens cannot be read with this token key "
                        "(LINKEDIN_TOKEN_KEY changed, or the database was copied): it reads as signed out")
        return None
