"""The Marketing API under /rest: the route table of every resource module, plus
LinkedIn's answer to a resource that does not exist.

    account_api   adAccountUsers (authenticatedUser, accounts, complex key), adAccounts
                  (q=search, cursor pages, get)                       linkedin-api.md §4
    campaign_api  adAccounts/{id}/adCampaigns (q=search, cursor pages, get)
    segment_api   dmpSegments (create, finder by account, get, destination)        §5
    batch_api     dmpSegments/{id}/users and /companies (BATCH_CREATE)      §6, §7, §8

Each module's docstring lists its endpoints and their exact shapes."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

import linkedin.sandbox.account_api as account_api
import linkedin.sandbox.batch_api as batch_api
import linkedin.sandbox.campaign_api as campaign_api
import linkedin.sandbox.errors as errors
import linkedin.sandbox.segment_api as segment_api

from .access import require


async def unknown_resource(request: Request) -> Response:
    """Any other /rest path: the gateway still checks the token and version first."""
    require(request, scopes=(), resource="")
    raise errors.not_found()


routes = [*account_api.routes, *campaign_api.routes, *segment_api.routes, *batch_api.routes]
# Mounted after every other /rest route.
fallback_routes = [
    Route("/rest/{path:path}", unknown_resource, methods=["GET", "POST", "PUT", "DELETE", "PATCH"]),
]
