"""Who the token belongs to: OIDC /v2/userinfo, /rest/me, and the members' photos."""

from __future__ import annotations

from html import escape

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

import linkedin.sandbox.errors as errors

from .access import require, world_of
from .population import Member


def sandbox_url(request: Request, path: str) -> str:
    """An absolute URL of a sandbox path, honouring the mount point."""
    return f"{request.url.scheme}://{request.url.netloc}{request.scope.get('root_path', '')}{path}"


def picture_url(request: Request, member: Member) -> str:
    return sandbox_url(request, f"/_sandbox/avatars/{member.id}.svg")


async def userinfo(request: Request) -> Response:
    """GET /v2/userinfo: OpenID Connect claims; profile and email claims need their scopes."""
    caller = require(request, scopes=("openid",), resource="userinfo.GET.{version}", versioned=False)
    member = world_of(request).member(caller.member)
    if member is None:  # pragma: no cover - grants only name seeded members
        raise errors.invalid_token()
    body: dict = {"sub": member.id}
    if "profile" in caller.scopes:
        body.update(
            name=member.name, given_name=member.first_name, family_name=member.last_name,
            picture=picture_url(request, member), locale={"country": member.country, "language": "en"},
        )
    if "email" in caller.scopes:
        body.update(email=member.email, email_verified=True)
    return JSONResponse(body)


async def me(request: Request) -> Response:
    """GET /rest/me: the member's id and localized names (needs r_basicprofile)."""
    # LinkedIn names this resource with a fixed date whatever version was asked for.
    caller = require(request, scopes=("r_basicprofile",), resource="partnerApiMe.GET.20230601")
    member = world_of(request).member(caller.member)
    if member is None:  # pragma: no cover
        raise errors.invalid_token()
    return JSONResponse({"id": member.id, "localizedFirstName": member.first_name, "localizedLastName": member.last_name})


async def avatar(request: Request) -> Response:
    """A member's photo: an SVG with initials, so `picture` works offline."""
    member = world_of(request).member(request.path_params["member_id"])
    if member is None:
        return Response("Not Found", status_code=404, media_type="text/plain")
    initials = escape(member.first_name[:1] + member.last_name[:1])
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100" viewBox="0 0 100 100">'
        '<circle cx="50" cy="50" r="50" fill="#0A66C2"/>'
        f'<text x="50" y="62" font-size="36" text-anchor="middle" fill="#fff" font-family="sans-serif">{initials}</text>'
        "</svg>"
    )
    return Response(svg, media_type="image/svg+xml")


routes = [
    Route("/v2/userinfo", userinfo, methods=["GET"]),
    Route("/rest/me", me, methods=["GET"]),
    Route("/_sandbox/avatars/{member_id}.svg", avatar, methods=["GET"]),
]
