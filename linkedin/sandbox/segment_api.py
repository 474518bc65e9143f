"""DMP segments under /rest/dmpSegments (linkedin-api.md §5), scope rw_dmp_segments.

    GET /rest/dmpSegments?q=account&account=urn%3Ali%3AsponsoredAccount%3A{id}
            [&sourcePlatform=X][&sourceSegmentId=Y][&start=0&count=100]
        the account's segments by id. With neither start nor count ALL come back at once
        ({"elements": [...], "paging": {"start": 0, "count": N, "links": [], "total": N}};
        settings.segment_finder_without_paging "refuse_over_100": 400 past 100 instead);
        with either, exactly that start/count page (count defaults to 10; above 1000 ->
        400). Any role on the account may read; none -> 403 ACCESS_DENIED.
    GET /rest/dmpSegments/{id}                       one segment; 404, or 403 without a role
    GET /rest/dmpSegments/{id}/destinations/LINKEDIN its destination object alone
    POST /rest/dmpSegments
        {"name", "account", "sourcePlatform", "type", "destinations": [{"destination":
        "LINKEDIN"}], "sourceSegmentId"?, "description"?} -> 201, empty body, the id in
        `x-restli-id` and `Location: /rest/dmpSegments/{id}`. 400 on a missing or unknown
        field, a type other than USER, COMPANY, USER_LIST_UPLOAD, COMPANY_LIST_UPLOAD, a
        destination other than LINKEDIN, or a sourcePlatform this app may not use
        (settings.partner_source_platform, settings.extra_source_platforms); 403 unless
        the caller has a role other than VIEWER on the account; 409 when the account
        already has a segment with the same sourcePlatform and sourceSegmentId.
        `accessPolicy` is ignored or refused per settings.access_policy_on_create.

A segment (§5.3): {"id", "name", "account", "type", "sourcePlatform", "sourceSegmentId"?,
"description"?, "accessPolicy"? (settings.include_access_policy), "inputCount", "created",
"lastModified", "destinations": [{"destination": "LINKEDIN", "destinationSegmentId":
"urn:li:adSegment:N", "status", "audienceSize", "matchedCount", "created",
"lastModified"}]}; the three counts are absent until the first build ends."""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

import linkedin.sandbox.errors as errors

from .access import Caller, require, world_of
from .account_api import account_id_of
from .paging import MAX_COUNT, Page
from .params import Query
from .segments import TYPES, Segment
from .world import World

SEGMENTS_SCOPE = ("rw_dmp_segments",)
CREATE_FIELDS = ("name", "account", "sourcePlatform", "type", "destinations", "sourceSegmentId", "description",
                 "accessPolicy")
REQUIRED = ("name", "account", "sourcePlatform", "type", "destinations")
READ_ONLY_ROLES = ("VIEWER",)
UNPAGED_MAX = 100  # [U] the most a start/count finder returns without start and count


def segment_not_found(segment_id: Any) -> errors.ApiError:
    # The exact words SEG's retry loop looks for after a create (§5.1).
    return errors.api_error(404, f"Could not find DMP segment with ID {segment_id}", code="NOT_FOUND")


def readable_segment(request: Request, caller: Caller, *, method: str) -> Segment:
    """The segment in the path, if the caller has any role on its account."""
    world = world_of(request)
    raw = request.path_params["segment_id"]
    segment = world.segments.get(int(raw)) if raw.isdigit() else None
    if segment is None:
        raise segment_not_found(raw)
    if world.role_on(caller.member, segment.account_id) is None:
        raise errors.access_denied(f"dmpSegments.{method}.{caller.version}01")
    return segment


def may_manage(world: World, caller: Caller, account_id: int) -> bool:
    """Managing audiences needs a role other than VIEWER (linkedin-api.md §3, "Roles")."""
    role = world.role_on(caller.member, account_id)
    return role is not None and role not in READ_ONLY_ROLES


async def find_by_account(request: Request) -> Response:
    finder = request.query_params.get("q")
    caller = require(request, scopes=SEGMENTS_SCOPE, resource=f"dmpSegments.FINDER-{finder or 'GET_ALL'}.{{version}}")
    query = Query.of(request)
    if query.finder() != "account":
        raise errors.illegal_argument(f"Unsupported finder: q={finder}" if finder else "A finder (q=) is required")
    raw_account = query.text("account")
    if raw_account is None:
        raise errors.illegal_argument("Missing required param: account")
    account_id = account_id_of(raw_account, param="account")
    world = world_of(request)
    if world.role_on(caller.member, account_id) is None:
        raise errors.access_denied(f"dmpSegments.FINDER-account.{caller.version}01")
    platform, source_id = query.text("sourcePlatform"), query.text("sourceSegmentId")
    found = [
        s for s in world.segments.of_account(account_id)
        if (platform is None or s.source_platform == platform)
        and (source_id is None or s.source_segment_id == source_id)
    ]
    if query.has("start") or query.has("count"):
        page = Page.from_query(request.query_params)
        chosen = found[page.start:page.start + page.count]
        return JSONResponse({
            "elements": [world.segment_json(s) for s in chosen],
            "paging": {"start": page.start, "count": page.count, "links": [], "total": len(found)},
        })
    # No start/count: every segment of the account in one answer, as LinkedIn documents for
    # this finder (§5.2); or, the other finders' rule, a 400 past 100 (a setting).
    if world.settings.segment_finder_without_paging == "refuse_over_100" and len(found) > UNPAGED_MAX:
        raise errors.illegal_argument(
            f"More than {UNPAGED_MAX} results: send start and count (count at most {MAX_COUNT}) to page through them")
    elements = [world.segment_json(s) for s in found]
    return JSONResponse({"elements": elements, "paging": {"start": 0, "count": len(elements), "links": [],
                                                          "total": len(elements)}})


async def get_segment(request: Request) -> Response:
    caller = require(request, scopes=SEGMENTS_SCOPE, resource="dmpSegments.GET.{version}")
    segment = readable_segment(request, caller, method="GET")
    return JSONResponse(world_of(request).segment_json(segment))


async def get_destination(request: Request) -> Response:
    caller = require(request, scopes=SEGMENTS_SCOPE, resource="dmpSegmentDestinations.GET.{version}")
    segment = readable_segment(request, caller, method="GET")
    if request.path_params["destination"] != "LINKEDIN":
        raise errors.not_found(f"Destination {request.path_params['destination']} not found")
    world = world_of(request)
    return JSONResponse(world.segment_json(segment)["destinations"][0])


def _field_error(field: str, problem: str) -> errors.ApiError:
    # Rest.li's data-validation wording.
    return errors.api_error(400, f"ERROR :: /{field} :: {problem}\n", code="ILLEGAL_ARGUMENT")


def _string(body: dict[str, Any], field: str, *, required: bool) -> str | None:
    value = body.get(field)
    if value is None:
        if required:
            raise _field_error(field, "field is required but not found and has no default value")
        return None
    if not isinstance(value, str):
        raise _field_error(field, f"{json.dumps(value)} is not a string")
    return value


def validate_create(body: Any, world: World) -> dict[str, Any]:
    """The create body's fields, checked as LinkedIn checks them; ApiError 400 otherwise."""
    if not isinstance(body, dict):
        raise errors.illegal_argument("The request body must be a JSON object")
    settings = world.settings
    for field in body:
        if field not in CREATE_FIELDS or (field == "accessPolicy" and settings.access_policy_on_create == "reject"):
            raise _field_error(field, "unrecognized field found but not allowed")
    for field in REQUIRED:
        if field not in body:
            raise _field_error(field, "field is required but not found and has no default value")
    name = _string(body, "name", required=True)
    if not name.strip():
        raise _field_error("name", "must not be blank")
    kind = _string(body, "type", required=True)
    if kind not in TYPES:
        raise _field_error("type", f'"{kind}" is not one of {", ".join(TYPES)}')
    platform = _string(body, "sourcePlatform", required=True)
    if platform not in settings.creatable_source_platforms:
        raise _field_error("sourcePlatform", f'"{platform}" is not a source platform this application may use')
    account = _string(body, "account", required=True)
    try:
        account_id = account_id_of(account, param="account")
    except errors.ApiError:
        raise _field_error("account", f'"{account}" is not a sponsored account URN') from None
    destinations = body["destinations"]
    if not isinstance(destinations, list) or not destinations:
        raise _field_error("destinations", "must be a non-empty array")
    for i, dest in enumerate(destinations):
        if not isinstance(dest, dict) or dest.get("destination") != "LINKEDIN" or set(dest) - {"destination"}:
            raise _field_error(f"destinations/{i}/destination", "only LINKEDIN is supported")
    policy = _string(body, "accessPolicy", required=False)
    return {
        "account_id": account_id, "name": name, "type": kind, "source_platform": platform,
        "source_segment_id": _string(body, "sourceSegmentId", required=False),
        "description": _string(body, "description", required=False), "access_policy": policy,
    }


async def create_segment(request: Request) -> Response:
    caller = require(request, scopes=SEGMENTS_SCOPE, resource="dmpSegments.CREATE.{version}")
    world = world_of(request)
    try:
        body = json.loads(await request.body())
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise errors.illegal_argument("The request body is not valid JSON") from None
    fields = validate_create(body, world)
    if not may_manage(world, caller, fields["account_id"]):
        raise errors.access_denied(f"dmpSegments.CREATE.{caller.version}01")
    source_id = fields["source_segment_id"]
    if source_id is not None and world.settings.reject_duplicate_source_segment_id:
        for other in world.segments.of_account(fields["account_id"]):
            if other.source_segment_id == source_id and other.source_platform == fields["source_platform"]:
                raise errors.api_error(
                    409, f"A DMP segment with sourceSegmentId {source_id} already exists: {other.id}", code="CONFLICT"
                )
    segment = world.create_segment(**fields)
    location = f"{request.scope.get('root_path', '')}/rest/dmpSegments/{segment.id}"
    return Response(status_code=201, headers={"x-restli-id": str(segment.id), "Location": location})



routes = [
    Route("/rest/dmpSegments", find_by_account, methods=["GET"]),
    Route("/rest/dmpSegments", create_segment, methods=["POST"]),
    Route("/rest/dmpSegments/{segment_id}", get_segment, methods=["GET"]),
    Route("/rest/dmpSegments/{segment_id}/destinations/{destination}", get_destination, methods=["GET"]),
]
