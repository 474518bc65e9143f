"""The sandbox's own control panel under /_sandbox: JSON in, JSON out, for demos and
tests. Nothing here exists at LinkedIn; nothing here ever shows a token string.

    GET    /_sandbox/state                      clock, settings, demo members, grants, counts
    POST   /_sandbox/tokens/expire-access       {"access_token"} | {"member"} | {} (all)
    POST   /_sandbox/tokens/expire-refresh      same targets
    POST   /_sandbox/tokens/revoke              same targets
    GET    /_sandbox/settings                   every setting
    POST   /_sandbox/settings                   {"name": value, ...} -> the new settings
    POST   /_sandbox/clock/advance              {"seconds": N}: segment statuses move too
    GET    /_sandbox/faults                     queued faults
    POST   /_sandbox/faults                     {"kind": "429"|"500"|"503"|"slow"|"drop"|
                                                 "succeed_then_500"|"succeed_then_drop",
                                                 "count", "path_prefix", "method",
                                                 "delay_seconds", "retry_after"} (faults.py)
    DELETE /_sandbox/faults                     clear them
    POST   /_sandbox/reset                      back to the seed
    POST   /_sandbox/portfolio                  {"member": "urn:li:person:...", "accounts": 50,
                                                 "segments_per_account": 100}: that many extra
                                                 ACTIVE accounts the member manages, with
                                                 segments (deterministic) -> {"accounts",
                                                 "segments", "account_ids"}; the member
                                                 may then sign in on the consent screen
                                                 (a load test's five analysts)
    GET    /_sandbox/segments/{id}/members      what a segment holds: live, published, the 7-day window
                                                 counts, and its stored keys (hashes, ad ids,
                                                 company keys; never a raw email);
                                                 ?keys=false leaves the keys out

Only scripts and the app's own server call these, never a web page, so a browser's
cross-site request is refused before it does anything (``refusal``): a POST or DELETE
must say ``Content-Type: application/json`` (which no HTML form can send, and which a
script on another site can send only after a CORS preflight this server never grants),
and a request whose ``Origin`` (or ``Sec-Fetch-Site``) names another site gets 403, as does
one whose ``Host`` is not a name the sandbox answers on (``hosts``: DNS rebinding). The demo
registration's redirect hosts and the served host names (``LOCKED_SETTINGS``) cannot be
changed here at all: they decide where the consent screen may send a code, and who reaches it.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .access import world_of
from .faults import Fault
from .hosts import foreign_host
from .settings import SettingsError
from .tokens import Grant, TokenStore
from .world import World

log = logging.getLogger(__name__)

# Settings a control request may not change: where the consent screen may send codes, and
# which host names the controls and the consent screen answer on.
LOCKED_SETTINGS = ("redirect_hosts", "served_hosts")
_WRITES = ("POST", "PUT", "PATCH", "DELETE")


def _bad(message: str) -> Response:
    return JSONResponse({"error": message}, status_code=400)


def _own_origin(request: Request) -> str:
    """This server's origin as the browser sees it (the app's own when mounted under /sandbox)."""
    return f"{request.url.scheme}://{request.url.netloc}".lower()


def refusal(request: Request) -> Response | None:
    """Why a control request is refused (a 403 or 415 answer), or None when it may go on."""
    wrong_host = foreign_host(request, world_of(request).settings.served_hosts)
    if wrong_host:
        log.warning("control %s refused: reached through a host name it does not answer on", request.url.path)
        return JSONResponse({"error": wrong_host}, status_code=403)
    origin = request.headers.get("origin")
    if origin is not None and origin.strip().lower().rstrip("/") != _own_origin(request):
        log.warning("control %s refused: cross-origin request", request.url.path)
        return JSONResponse({"error": "the sandbox controls take no cross-site requests"}, status_code=403)
    if request.headers.get("sec-fetch-site", "").lower() in ("cross-site", "same-site"):
        log.warning("control %s refused: cross-site request", request.url.path)
        return JSONResponse({"error": "the sandbox controls take no cross-site requests"}, status_code=403)
    if request.method in _WRITES:
        media = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
        if media != "application/json":
            return JSONResponse({"error": "send the body as JSON (Content-Type: application/json)"},
                                status_code=415)
    return None


def _guarded(endpoint):
    """``endpoint`` behind ``refusal``."""
    async def guarded(request: Request) -> Response:
        return refusal(request) or await endpoint(request)

    guarded.__name__ = getattr(endpoint, "__name__", "control")
    return guarded


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
        patch = await _body(request)
        locked = [name for name in LOCKED_SETTINGS if isinstance(patch, dict) and name in patch]
        if locked:
            raise ValueError(f"{locked[0]} cannot be changed through the controls: it decides where the "
                             "consent screen may send a code and who may reach it (start the sandbox with other "
                             "settings instead)")
        world.settings = world.settings.patched(patch)
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


MAX_PORTFOLIO = 1000
MAX_SEGMENTS_PER_ACCOUNT = 5000  # past the finder's 1,000 a page, so a benchmark can show paging


def _count(body: dict, name: str, *, minimum: int, maximum: int = MAX_PORTFOLIO) -> int:
    value = body.get(name)
    if not isinstance(value, int) or isinstance(value, bool) or not minimum <= value <= maximum:
        raise ValueError(f"{name} must be an integer from {minimum} to {maximum}")
    return value


async def portfolio(request: Request) -> Response:
    """Extra accounts and segments for one member, for benchmarks."""
    world = world_of(request)
    try:
        body = await _body(request)
        if not isinstance(body, dict) or set(body) - {"member", "accounts", "segments_per_account"}:
            raise ValueError('the body takes "member", "accounts" and "segments_per_account"')
        member = world.member(body.get("member") or "") if isinstance(body.get("member"), str) else None
        if member is None:
            raise ValueError("member must be the URN of a sandbox member")
        accounts = _count(body, "accounts", minimum=1)
        per_account = _count(body, "segments_per_account", minimum=0, maximum=MAX_SEGMENTS_PER_ACCOUNT)
    except ValueError as exc:
        return _bad(str(exc))
    made = world.add_portfolio(member.urn, accounts=accounts, segments_per_account=per_account)
    log.info("control portfolio: %d accounts x %d segments for %s", accounts, per_account, member.urn)
    return JSONResponse({"accounts": len(made), "segments": len(made) * per_account, "account_ids": made})


def _counts(counts) -> dict[str, int] | None:
    return None if counts is None else {"input": counts.input, "matched": counts.matched, "audience": counts.audience}


async def segment_members(request: Request) -> Response:
    """A segment's stored membership, for tests that assert exactly what was synced."""
    world = world_of(request)
    raw = request.path_params["segment_id"]
    segment = world.segments.get(int(raw)) if raw.isdigit() else None
    if segment is None:
        return JSONResponse({"error": f"no segment {raw}"}, status_code=404)
    world.segment_json(segment)  # settles what is due
    members = segment.members
    body: dict[str, Any] = {
        "segment": segment.id,
        "type": segment.type,
        "status": world.segment_status(segment),
        "counts": _counts(segment.counts()),  # live, including what is still processing
        "published": _counts(segment.published),  # all LinkedIn has processed: the audience the API shows
        "recent": _counts(segment.recent(world.now_ms())),  # input and matched of the 7-day window, as shown
        "baseline": _counts(segment.baseline),  # seeded members the sandbox holds no keys for
    }
    with_keys = request.query_params.get("keys", "true").lower() != "false"
    if members is None or members.kind == "USER":
        body["matched_members"] = len(members.members()) if members is not None else 0
        if with_keys:
            body["keys"] = members.keys() if members is not None else {}
    else:
        matched = members.companies()
        body["organizations"] = sorted(world.companies[i].id for i in matched)
        if with_keys:
            body["keys"] = members.keys()
    return JSONResponse(body)


async def reset(request: Request) -> Response:
    world = world_of(request)
    world.reset()
    return JSONResponse(world.snapshot())


routes = [
    Route("/_sandbox/state", _guarded(state), methods=["GET"]),
    Route("/_sandbox/tokens/expire-access", _guarded(_token_control("expire-access")), methods=["POST"]),
    Route("/_sandbox/tokens/expire-refresh", _guarded(_token_control("expire-refresh")), methods=["POST"]),
    Route("/_sandbox/tokens/revoke", _guarded(_token_control("revoke")), methods=["POST"]),
    Route("/_sandbox/settings", _guarded(get_settings), methods=["GET"]),
    Route("/_sandbox/settings", _guarded(post_settings), methods=["POST"]),
    Route("/_sandbox/clock/advance", _guarded(advance_clock), methods=["POST"]),
    Route("/_sandbox/faults", _guarded(get_faults), methods=["GET"]),
    Route("/_sandbox/faults", _guarded(add_fault), methods=["POST"]),
    Route("/_sandbox/faults", _guarded(clear_faults), methods=["DELETE"]),
    Route("/_sandbox/reset", _guarded(reset), methods=["POST"]),
    Route("/_sandbox/portfolio", _guarded(portfolio), methods=["POST"]),
    Route("/_sandbox/segments/{segment_id}/members", _guarded(segment_members), methods=["GET"]),
]
