"""The edge every request crosses: a request id on each response, injected faults, and
one log line per request (method, path, status, request id; never a token)."""

from __future__ import annotations

import asyncio
import base64
import logging
import secrets
from typing import TYPE_CHECKING

from starlette.types import ASGIApp, Message, Receive, Scope, Send

import linkedin.sandbox.errors as errors

from .faults import AFTER_SUCCESS, drop_connection

if TYPE_CHECKING:
    from .world import World

log = logging.getLogger(__name__)

REQUEST_ID_HEADER = "x-li-request-id"


def new_request_id() -> str:
    # LinkedIn's request ids look like base64 of 16 random bytes.
    return base64.b64encode(secrets.token_bytes(16)).decode()


def route_path(scope: Scope) -> str:
    """The path below the sandbox's mount point ("/rest/me" even when mounted at /sandbox)."""
    path: str = scope["path"]
    root: str = scope.get("root_path", "")
    if root and path.startswith(root) and path[len(root):len(root) + 1] in ("/", ""):
        return path[len(root):] or "/"
    return path


class Gateway:
    """Pure ASGI middleware in front of all sandbox routes."""

    def __init__(self, app: ASGIApp, *, world: World) -> None:
        self.app = app
        self.world = world

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = new_request_id()
        path = route_path(scope)
        status = 0

        async def stamped_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", []))
                headers.append((REQUEST_ID_HEADER.encode(), request_id.encode()))
                message = {**message, "headers": headers}
            await send(message)

        if scope["method"] == "POST" and _header(scope, b"x-http-method-override").upper() == b"GET":
            scope, receive = await _untunnel(scope, receive)
        fault = self.world.faults.take(path, scope["method"])
        if fault is not None:
            log.info("fault %s on %s %s (request %s)", fault.kind, scope["method"], path, request_id)
            if fault.kind in AFTER_SUCCESS:
                await self.app(scope, receive, _discard)  # LinkedIn does the work; the answer is lost
            if fault.kind in ("drop", "succeed_then_drop"):
                drop_connection()
                return
            if fault.kind == "slow":
                await asyncio.sleep(fault.delay_seconds)
            else:
                error = (errors.too_many_requests(retry_after=fault.retry_after) if fault.kind == "429"
                         else errors.server_error(500 if fault.kind in AFTER_SUCCESS else int(fault.kind)))
                await error.response()(scope, receive, stamped_send)
                log.debug("%s %s -> %s (request %s)", scope["method"], path, status, request_id)
                return
        await self.app(scope, receive, stamped_send)
        log.debug("%s %s -> %s (request %s)", scope["method"], path, status, request_id)


async def _discard(message: Message) -> None:
    """Where the answer of a call faulted after success goes: nowhere."""


def _header(scope: Scope, name: bytes) -> bytes:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return value.strip()
    return b""


async def _untunnel(scope: Scope, receive: Receive) -> tuple[Scope, Receive]:
    """Rest.li query tunneling (linkedin-api.md §2): a GET whose query string is too long
    arrives as a POST with `X-HTTP-Method-Override: GET` and the query as a form body."""
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    query = body if not scope.get("query_string") else scope["query_string"] + b"&" + body
    headers = [(k, v) for k, v in scope["headers"] if k.lower() not in (b"content-type", b"content-length")]

    async def empty() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    return {**scope, "method": "GET", "query_string": query, "headers": headers}, empty
