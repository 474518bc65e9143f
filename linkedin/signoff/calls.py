"""Record the HTTP calls a check makes, for its evidence, without ever seeing a token.

``CallLog.watching(session, ...)`` wraps each session's transport adapters for the length of
a ``with`` block. Wrapping the adapter rather than adding a response hook also catches the
token refreshes: requests-oauthlib makes its own session per refresh but borrows the
adapters of ``OAuth.session`` (see ``linkedin.api.oauth.OAuth._oauth``). What is kept of a call:
method, path and query (values of secret-looking parameters replaced by ``***``), status,
request id, LinkedIn's error code, and for ``/users`` and ``/companies`` batches the names
of the element fields and the count per action. Headers are never read, so the
Authorization header cannot leak; request bodies are read only for those batches, and only
their keys are kept.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from typing import Any, Callable, Iterable, Iterator
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit

import requests
from requests.adapters import BaseAdapter

from linkedin.signoff.evidence import Call

# Query parameters whose values never go into evidence (OAuth codes, states, tokens, secrets).
SECRET_PARAMS = frozenset({
    "code", "state", "access_token", "refresh_token", "token", "client_secret", "oauth2_access_token",
    "id_token", "assertion",
})
BATCH_SUFFIXES = ("/users", "/companies")


def redact(query: str) -> str:
    """The query with the values of ``SECRET_PARAMS`` replaced, readable (percent-decoded)."""
    if not query:
        return ""
    pairs = parse_qsl(query, keep_blank_values=True)
    if any(k.lower() in SECRET_PARAMS for k, _ in pairs):
        query = urlencode([(k, "***" if k.lower() in SECRET_PARAMS else v) for k, v in pairs], safe="*(),:")
    return unquote(query)


def batch_shape(body: Any) -> tuple[tuple[str, ...], tuple[tuple[str, int], ...]]:
    """Field names (``userIds`` as ``userIds:<idType>``) and per-action counts of a batch body."""
    if isinstance(body, (bytes, bytearray)):
        try:
            body = json.loads(body)
        except ValueError:
            return (), ()
    elements = body.get("elements") if isinstance(body, dict) else None
    if not isinstance(elements, list):
        return (), ()
    names: set[str] = set()
    actions: dict[str, int] = {}
    for element in elements:
        if not isinstance(element, dict):
            continue
        action = str(element.get("action") or "?")
        actions[action] = actions.get(action, 0) + 1
        for key, value in element.items():
            if key == "action":
                continue
            if key == "userIds" and isinstance(value, list):
                names.update(f"userIds:{i.get('idType')}" for i in value if isinstance(i, dict))
            else:
                names.add(key)
    return tuple(sorted(names)), tuple(sorted(actions.items()))


def _error(resp: requests.Response) -> tuple[str | None, int | None]:
    """LinkedIn's ``serviceErrorCode`` and ``code``, or OAuth's ``error``, of a failed answer."""
    if resp.status_code < 400:
        return None, None
    try:
        data = resp.json()
    except ValueError:
        return None, None
    if not isinstance(data, dict):
        return None, None
    sec = data.get("serviceErrorCode")
    sec = sec if isinstance(sec, int) and not isinstance(sec, bool) else None
    words = [str(sec)] if sec is not None else []
    for key in ("code", "error"):
        if isinstance(data.get(key), str) and data[key] not in words:
            words.append(data[key])
    return (" ".join(words) or None), sec


class _Tap(BaseAdapter):
    """An adapter that sends through another one and tells the log what happened."""

    def __init__(self, inner: BaseAdapter, log: "CallLog") -> None:
        super().__init__()
        self.inner = inner
        self.log = log

    def send(self, request, **kwargs):
        started = time.monotonic()
        try:
            resp = self.inner.send(request, **kwargs)
        except Exception:
            self.log.record(request, None, (time.monotonic() - started) * 1000)
            raise
        self.log.record(request, resp, (time.monotonic() - started) * 1000)
        return resp

    def close(self) -> None:
        self.inner.close()


class CallLog:
    """Every call made through the watched sessions, in order; thread-safe."""

    def __init__(self, *, base_paths: Iterable[str] = (), clock: Callable[[], float] = time.time) -> None:
        # "/sandbox" when the sandbox is mounted in the app: paths are shown as LinkedIn's.
        self.base_paths = tuple(sorted({p.rstrip("/") for p in base_paths if p.rstrip("/")}, key=len, reverse=True))
        self.clock = clock
        self._calls: list[Call] = []
        self._lock = threading.Lock()

    def record(self, request: requests.PreparedRequest, resp: requests.Response | None, ms: float) -> None:
        url = urlsplit(request.url or "")
        path = url.path or "/"
        for base in self.base_paths:
            if path == base or path.startswith(base + "/"):
                path = path[len(base):] or "/"
                break
        query = redact(url.query)
        fields, actions = ((), ())
        if request.method == "POST" and path.endswith(BATCH_SUFFIXES):
            fields, actions = batch_shape(request.body)
        error, sec = _error(resp) if resp is not None else ("no answer", None)
        request_id = None
        if resp is not None:
            request_id = resp.headers.get("x-li-request-id") or resp.headers.get("x-li-uuid")
        call = Call(
            method=str(request.method), path=path + (f"?{query}" if query else ""),
            status=resp.status_code if resp is not None else None, request_id=request_id, error=error,
            service_error_code=sec, fields=fields, actions=actions, at=self.clock(), ms=round(ms, 1),
        )
        with self._lock:
            self._calls.append(call)

    def mark(self) -> int:
        """A bookmark: ``since(mark)`` returns what came after it."""
        with self._lock:
            return len(self._calls)

    def since(self, mark: int) -> list[Call]:
        with self._lock:
            return list(self._calls[mark:])

    @contextlib.contextmanager
    def watching(self, *sessions: requests.Session) -> Iterator["CallLog"]:
        """Record every call through ``sessions`` until the block ends, then put them back as they were."""
        saved: list[tuple[requests.Session, dict[str, BaseAdapter]]] = []
        try:
            for session in dict.fromkeys(sessions):  # each session once
                adapters = dict(session.adapters)
                saved.append((session, adapters))
                for prefix, adapter in adapters.items():
                    session.adapters[prefix] = adapter if isinstance(adapter, _Tap) else _Tap(adapter, self)
            yield self
        finally:
            for session, adapters in saved:
                session.adapters.clear()
                session.adapters.update(adapters)
