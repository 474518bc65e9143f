"""Adding and removing segment members in batches (linkedin-api.md §6, §7, §8, §11).

    POST /rest/dmpSegments/{id}/users      X-RestLi-Method: BATCH_CREATE
        {"elements": [{"action": "ADD"|"REMOVE", "userIds": [{"idType": "SHA256_EMAIL"|
        "SHA512_EMAIL"|"GOOGLE_AID"|"APPLE_IDFA", "idValue": "..."}], "firstName"?,
        "lastName"?, "title"?, "company"?, "country"?}]}
    POST /rest/dmpSegments/{id}/companies  X-RestLi-Method: BATCH_CREATE
        {"elements": [{"action", "companyName"?, "companyWebsiteDomain"?,
        "companyEmailDomain"?, "organizationUrn"?, "companyPageUrl"?, "stockSymbol"?,
        "industries"?, "city"?, "state"?, "country"?, "postalCode"?}]} (>= 1 identifier)

    -> 200 {"elements": [{"status": 201}, {"status": 400, "message": "...", "batchIndex": 1}]}
       one result per element, in order; valid elements apply even when others fail
       (settings.element_error_shape "error" gives {"status": 400, "error": {"status":
       400, "message"}, "batchIndex"}). A re-ADD or a REMOVE of something absent is 201.

Whole-request errors: 400 without the BATCH_CREATE header, with more than
settings.max_batch_elements elements, on a segment of the other type or a list-upload
type, or on an EXPIRED, FAILED or ERROR segment, on one of LinkedIn's predictive audiences, and
on another partner's segment unless settings.streaming_into_other_platforms is "accept"; 403 for a VIEWER or no role; 404
"Could not find DMP segment with ID N" for an unknown segment and, just after it was
created, for settings.segment_visibility_delay_seconds; 429 (no Retry-After) past
settings.users_calls_per_minute / companies_calls_per_minute calls per member in a minute,
or users_calls_per_day / companies_calls_per_day since midnight UTC (ratelimit.py)."""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

import linkedin.sandbox.errors as errors

from .access import require, world_of
from .elements import Rules, check_company, check_user
from .membership import company_key
from .segment_api import SEGMENTS_SCOPE, may_manage, segment_not_found
from .segments import Segment
from .world import World

_OK = {"status": 201}
_CLOSED = ("EXPIRED", "FAILED", "ERROR")
PREDICTIVE = "LINKEDIN_BUSINESS_OBJECTIVE_BASED_AUDIENCES"  # LinkedIn builds these itself


def _element_error(index: int, message: str, shape: str) -> dict[str, Any]:
    if shape == "error":
        return {"status": 400, "error": {"status": 400, "message": message}, "batchIndex": index}
    return {"status": 400, "message": message, "batchIndex": index}


async def _batch(request: Request, *, kind: str) -> tuple[World, Segment, list[Any]]:
    """The checks every batch call goes through, in LinkedIn's order; the elements."""
    resource = "dmpSegmentUsers" if kind == "USER" else "dmpSegmentCompanies"
    caller = require(request, scopes=SEGMENTS_SCOPE, resource=f"{resource}.BATCH_CREATE.{{version}}")
    world = world_of(request)
    path = "users" if kind == "USER" else "companies"
    method = request.headers.get("x-restli-method", "")
    if method.strip().upper() != "BATCH_CREATE":
        raise errors.illegal_argument(
            f"/dmpSegments/{{id}}/{path} only supports BATCH_CREATE: send the header X-RestLi-Method: BATCH_CREATE"
        )
    settings = world.settings
    per_minute, per_day = ((settings.users_calls_per_minute, settings.users_calls_per_day) if kind == "USER"
                           else (settings.companies_calls_per_minute, settings.companies_calls_per_day))
    if not world.rate_limits.allow(caller.member, path, per_minute=per_minute, per_day=per_day,
                                   now=world.clock.now(), window=settings.per_minute_window):
        raise errors.too_many_requests()
    raw = request.path_params["segment_id"]
    segment = world.segments.get(int(raw)) if raw.isdigit() else None
    if segment is None or world.now_ms() < segment.visible_ms:
        raise segment_not_found(raw)
    if not may_manage(world, caller, segment.account_id):
        raise errors.access_denied(f"{resource}.BATCH_CREATE.{caller.version}01")
    if segment.type != kind:
        raise errors.illegal_argument(
            f"DMP segment {segment.id} is of type {segment.type}: only {kind} segments take {path}"
        )
    status = world.segment_status(segment)
    if status in _CLOSED:
        raise errors.illegal_argument(f"DMP segment {segment.id} is {status}: its {path} can no longer be changed")
    if segment.source_platform == PREDICTIVE:
        raise errors.illegal_argument(
            f"DMP segment {segment.id} is a predictive audience ({PREDICTIVE}): LinkedIn chooses its members, "
            f"no {path} can be added or removed")
    if (segment.source_platform != settings.partner_source_platform
            and settings.streaming_into_other_platforms == "refuse"):
        raise errors.illegal_argument(
            f"DMP segment {segment.id} has sourcePlatform {segment.source_platform}: only that platform streams "
            f"{path} into it")
    try:
        body = json.loads(await request.body())
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise errors.illegal_argument("The request body is not valid JSON") from None
    elements = body.get("elements") if isinstance(body, dict) else None
    if not isinstance(elements, list):
        raise errors.illegal_argument('The request body must be {"elements": [...]}')
    if len(elements) > settings.max_batch_elements:
        raise errors.illegal_argument(
            f"Too many elements in a batch: {len(elements)}, at most {settings.max_batch_elements} are allowed"
        )
    return world, segment, elements


async def add_users(request: Request) -> Response:
    world, segment, elements = await _batch(request, kind="USER")
    rules = Rules(world.settings)
    shape = world.settings.element_error_shape
    members = world.membership(segment)
    match = world.matcher.match_user
    results: list[dict[str, Any]] = []
    changed = False
    for index, element in enumerate(elements):
        checked = check_user(element, rules)
        if isinstance(checked, str):
            results.append(_element_error(index, checked, shape))
            continue
        action, ids, first, last, company = checked
        if action == "ADD":
            members.add(ids, match(ids, first, last, company))
        else:
            members.remove(ids)
        changed = True
        results.append(_OK)
    if changed:
        world.members_changed(segment)
    return JSONResponse({"elements": results})


async def add_companies(request: Request) -> Response:
    world, segment, elements = await _batch(request, kind="COMPANY")
    rules = Rules(world.settings)
    shape = world.settings.element_error_shape
    members = world.membership(segment)
    use_ticker = world.settings.stock_symbol == "accepted"
    results: list[dict[str, Any]] = []
    changed = False
    for index, element in enumerate(elements):
        checked = check_company(element, rules)
        if isinstance(checked, str):
            results.append(_element_error(index, checked, shape))
            continue
        action, fields = checked
        company = world.matcher.match_company(fields, use_ticker=use_ticker)
        if action == "ADD":
            members.add(company_key(fields), company)
        else:
            members.remove(company_key(fields), company)
        changed = True
        results.append(_OK)
    if changed:
        world.members_changed(segment)
    return JSONResponse({"elements": results})


routes = [
    Route("/rest/dmpSegments/{segment_id}/users", add_users, methods=["POST"]),
    Route("/rest/dmpSegments/{segment_id}/companies", add_companies, methods=["POST"]),
]
