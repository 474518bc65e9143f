"""The Marketing API under /rest: ad account users for now (linkedin-api.md §4), plus
LinkedIn's answer to a resource that does not exist."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from . import errors
from .access import require, world_of
from .paging import Page

ADS_READ = ("r_ads", "rw_ads")


async def ad_account_users(request: Request) -> Response:
    """GET /rest/adAccountUsers?q=authenticatedUser: the caller's roles, start/count paged."""
    finder = request.query_params.get("q")
    caller = require(request, scopes=ADS_READ, resource=f"adAccountUsers.FINDER-{finder or 'GET_ALL'}.{{version}}")
    if finder != "authenticatedUser":
        raise errors.illegal_argument(f"Unsupported finder: q={finder}" if finder else "A finder (q=) is required")
    page = Page.from_query(request.query_params)
    roles = world_of(request).roles_of(caller.member)
    return JSONResponse(page.answer([r.to_api() for r in roles]))


async def unknown_resource(request: Request) -> Response:
    """Any other /rest path: the gateway still checks the token and version first."""
    require(request, scopes=(), resource="")
    raise errors.not_found()


routes = [
    Route("/rest/adAccountUsers", ad_account_users, methods=["GET"]),
]
# Mounted after every other /rest route.
fallback_routes = [
    Route("/rest/{path:path}", unknown_resource, methods=["GET", "POST", "PUT", "DELETE", "PATCH"]),
]
