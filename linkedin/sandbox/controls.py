"""The sandbox's own control panel under /_sandbox: JSON in, JSON out, for demos and
tests. Nothing here exists at LinkedIn; nothing here ever shows a token string."""

from __future__ import annotations

import json
import logging
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .access import world_of
from .faults import Fault
from .settings import SettingsError
from .tokens import Grant, TokenStore
from .world import World

log = logging.getLogger(__name__)


def _bad(message: str) -> Response:
    return JSONResponse({"error": message}, status_code=400)


async def _body(request: Request) -> Any:
    """The JSON body, `{}` when empty; ValueError when it is not JSON."""
    raw = await request.body()
    if not raw.strip():
        return {}
    try:
        return json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ValueError(f"the body is not JSON: {exc.msg}") from None


def _targets(world: World, body: Any) -> list[Grant]:
    """Grants named by `{"access_token": ...}`, `{"member": urn}`, or all of them."""
    if not isinstance(body, dict) or set(body) - {"access_token", "member"}:
        raise ValueError('the body may only hold "access_token" or "member"')
    for key in ("access_token", "member"):
        if key in body and not isinstance(body[key], str):
            raise ValueError(f"{key} must be a string")
    return world.tokens.select(access_token=body.get("access_token"), member=body.get("member"))


async def state(request: Request) -> Response:
    return JSONResponse(world_of(request).snapshot())


def _token_control(action: str):
    async def endpoint(request: Request) -> Response:
        world = world_of(request)
        try:
            grants = _targets(world, await _body(request))
        except ValueError as exc:
            return _bad(str(exc))
        now = world.clock.now()
        if action == "expire-access":
            affected = TokenStore.expire_access(grants, now=now)
        elif action == "expire-refresh":
            affected = TokenStore.expire_refresh(grants, now=now)
        else:
            affected = TokenStore.revoke(grants)
        log.info("control %s affected %d grant(s)", action, affected)
        return JSONResponse({"affected": affected})

    return endpoint


async def get_settings(request: Request) -> Response:
    return JSONResponse(world_of(request).settings.to_json())


async def post_settings(request: Request) -> Response:
    """Replace some settings; they apply to tokens and codes issued from now on."""
    world = world_of(request)
    try:
        world.settings = world.settings.patched(await _body(request))
    except (SettingsError, ValueError) as exc:
        return _bad(str(exc))
    return JSONResponse(world.settings.to_json())


async def advance_clock(request: Request) -> Response:
    world = world_of(request)
    try:
        body = await _body(request)
    except ValueError as exc:
        return _bad(str(exc))
    seconds = body.get("seconds") if isinstance(body, dict) else None
    if not isinstance(seconds, (int, float)) or isinstance(seconds, bool) or seconds < 0:
        return _bad("seconds must be a non-negative number")
    world.clock.advance(seconds)
    return JSONResponse({"now": int(world.clock.now()), "clock_offset": world.clock.offset})


async def get_faults(request: Request) -> Response:
    return JSONResponse({"faults": world_of(request).faults.to_json()})


async def add_fault(request: Request) -> Response:
    world = world_of(request)
    try:
        fault = Fault.from_json(await _body(request))
    except ValueError as exc:
        return _bad(str(exc))
    world.faults.add(fault)
    return JSONResponse({"faults": world.faults.to_json()})


async def clear_faults(request: Request) -> Response:
    world = world_of(request)
    world.faults.clear()
    return JSONResponse({"faults": []})


async def reset(request: Request) -> Response:
    world = world_of(request)
    world.reset()
    return JSONResponse(world.snapshot())


routes = [
    Route("/_sandbox/state", state, methods=["GET"]),
    Route("/_sandbox/tokens/expire-access", _token_control("expire-access"), methods=["POST"]),
    Route("/_sandbox/tokens/expire-refresh", _token_control("expire-refresh"), methods=["POST"]),
    Route("/_sandbox/tokens/revoke", _token_control("revoke"), methods=["POST"]),
    Route("/_sandbox/settings", get_settings, methods=["GET"]),
    Route("/_sandbox/settings", post_settings, methods=["POST"]),
    Route("/_sandbox/clock/advance", advance_clock, methods=["POST"]),
    Route("/_sandbox/faults", get_faults, methods=["GET"]),
    Route("/_sandbox/faults", add_fault, methods=["POST"]),
    Route("/_sandbox/faults", clear_faults, methods=["DELETE"]),
    Route("/_sandbox/reset", reset, methods=["POST"]),
]
