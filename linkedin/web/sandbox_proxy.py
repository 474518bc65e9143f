"""``/sandbox`` in the app: a small reverse proxy to the sandbox in its own process.

The browser reaches the sandbox through the app (the consent screen, and scripts or the CLI
calling ``http://127.0.0.1:8501/sandbox``). Each request goes on to the sandbox process
unchanged: same method, path (``/sandbox/...``: the child serves under that mount, so its
forms and links keep the prefix), query, body and headers, the browser's ``Host`` and
``Origin`` included. The sandbox therefore judges a request exactly as it did when it was
mounted in the app: its controls compare ``Origin`` with the host the browser used, and a
page on another site, or a DNS-rebound one, is refused by the same checks. Only hop-by-hop
headers are dropped; the answer comes back streamed, status and headers as they are.

Bounded: a request body over ``MAX_REQUEST_BYTES`` gets 413 before anything is forwarded;
connecting waits ``CONNECT_TIMEOUT``, each read of the answer ``READ_TIMEOUT``. When the
sandbox drops a connection (its "drop" fault), the caller's is dropped too, as LinkedIn's
would be. When its process has ended, every request gets 502 saying so. Nothing here logs a
query string, a header or a body: they carry OAuth codes and tokens.

HTTP/1.1 is spoken with h11 (uvicorn's own parser, installed with Streamlit) over asyncio
streams, on the app's event loop: no thread, no second HTTP client library.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Protocol

import h11
from starlette.types import Receive, Scope, Send

from linkedin.sandbox.faults import drop_connection

log = logging.getLogger(__name__)

MAX_REQUEST_BYTES = 16 * 1024 * 1024  # a batch of 5,000 elements with every field is about 3 MB
CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 120.0  # the client waits 60 s for an answer; the sandbox's "slow" fault may take longer
READ_CHUNK = 256 * 1024
# Headers that describe one connection, not the message (RFC 9110 7.6.1), the length we set ourselves,
# and Expect (the body was read whole before the request is forwarded: nothing to wait for).
HOP_BY_HOP = frozenset({b"connection", b"keep-alive", b"proxy-authenticate", b"proxy-authorization", b"te",
                        b"trailer", b"trailers", b"transfer-encoding", b"upgrade", b"content-length", b"expect"})


class Upstream(Protocol):
    """Where the sandbox listens (``SandboxProcess``), and why it cannot answer."""

    host: str
    port: int

    def problem(self) -> str | None: ...


class TooLarge(Exception):
    """The request's body is over MAX_REQUEST_BYTES."""


class SandboxProxy:
    """An ASGI app forwarding every HTTP request to ``upstream`` unchanged (see the module docstring)."""

    def __init__(self, upstream: Upstream, *, max_request_bytes: int = MAX_REQUEST_BYTES,
                 connect_timeout: float = CONNECT_TIMEOUT, read_timeout: float = READ_TIMEOUT) -> None:
        self.upstream = upstream
        self.max_request_bytes = max_request_bytes
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            if scope["type"] == "websocket":
                await send({"type": "websocket.close", "code": 1008})
            return
        problem = self.upstream.problem()
        if problem:
            await _answer(send, 502, problem)
            return
        try:
            body = await self._body(scope, receive)
        except TooLarge:
            await _answer(send, 413, f"the request's body is over {self.max_request_bytes // (1024 * 1024)} MiB")
            return
        try:
            reader, writer = await asyncio.wait_for(
                asyncio.open_connection(self.upstream.host, self.upstream.port), self.connect_timeout)
        except (OSError, TimeoutError):
            problem = self.upstream.problem() or "the built-in LinkedIn sandbox could not be reached"
            log.warning("sandbox proxy: %s %s: %s", scope["method"], scope["path"], problem)
            await _answer(send, 502, problem)
            return
        try:
            await self._exchange(scope, body, reader, writer, send)
        finally:
            writer.close()

    async def _body(self, scope: Scope, receive: Receive) -> bytes:
        declared = _header(scope, b"content-length")
        if declared.isdigit() and int(declared) > self.max_request_bytes:
            raise TooLarge
        parts, size = [], 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_request_bytes:
                raise TooLarge
            parts.append(chunk)
            if not message.get("more_body", False):
                break
        return b"".join(parts)

    async def _exchange(self, scope: Scope, body: bytes, reader: asyncio.StreamReader,
                        writer: asyncio.StreamWriter, send: Send) -> None:
        conn = h11.Connection(h11.CLIENT)
        target = (scope.get("raw_path") or scope["path"].encode()) + (
            b"?" + scope["query_string"] if scope.get("query_string") else b"")
        headers = [(k, v) for k, v in scope["headers"] if k.lower() not in HOP_BY_HOP]
        headers += [(b"content-length", str(len(body)).encode()), (b"connection", b"close")]
        if not any(k.lower() == b"host" for k, _ in headers):
            headers.append((b"host", f"{self.upstream.host}:{self.upstream.port}".encode()))
        try:
            writer.write(conn.send(h11.Request(method=scope["method"], target=target, headers=headers)))
        except h11.LocalProtocolError:  # a header HTTP/1.1 cannot carry on
            await _answer(send, 400, "the request cannot be forwarded to the sandbox as it is")
            return
        if body:
            writer.write(conn.send(h11.Data(data=body)))
        writer.write(conn.send(h11.EndOfMessage()))
        started = False
        try:
            await writer.drain()
            while True:
                event = conn.next_event()
                if event is h11.NEED_DATA:
                    conn.receive_data(await asyncio.wait_for(reader.read(READ_CHUNK), self.read_timeout))
                elif isinstance(event, h11.Response):
                    kept = [(k, v) for k, v in event.headers if k not in (b"connection", b"keep-alive",
                                                                          b"transfer-encoding")]
                    await send({"type": "http.response.start", "status": event.status_code, "headers": kept})
                    started = True
                elif isinstance(event, h11.Data):
                    await send({"type": "http.response.body", "body": bytes(event.data), "more_body": True})
                elif isinstance(event, h11.EndOfMessage):
                    await send({"type": "http.response.body", "body": b"", "more_body": False})
                    return
        except TimeoutError:
            log.warning("sandbox proxy: %s %s: no answer within %g s", scope["method"], scope["path"],
                        self.read_timeout)
            if not started:
                await _answer(send, 504, f"the built-in LinkedIn sandbox did not answer within "
                                         f"{self.read_timeout:g} s")
                return
            raise
        except (h11.RemoteProtocolError, OSError):
            # The sandbox closed the connection mid-answer, or before it: pass the drop on.
            problem = self.upstream.problem()
            if problem and not started:
                await _answer(send, 502, problem)
                return
            drop_connection()


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope["headers"]:
        if key.lower() == name:
            return value.decode("latin-1").strip()
    return ""


async def _answer(send: Send, status: int, message: str) -> None:
    """A JSON error in LinkedIn's shape (``status``, ``message``): the client and the controls show ``message``."""
    body = json.dumps({"status": status, "message": message}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
