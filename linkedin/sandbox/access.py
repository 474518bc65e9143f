"""The API gateway's checks on every /rest and /v2 call: bearer token, LinkedIn-Version,
Rest.li protocol header, and the scope an endpoint needs (linkedin-api.md §1, §2, §10)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from starlette.requests import Request

import linkedin.sandbox.errors as errors

from .tokens import AccessToken, Grant

if TYPE_CHECKING:
    from .world import World

_VERSION = re.compile(r"^(\d{6})(?:\.(\d{2}))?$")


@dataclass(frozen=True, kw_only=True)
class Caller:
    """Who is calling: the grant behind the bearer token and the API version asked for."""

    grant: Grant
    access: AccessToken
    version: str | None  # "202608" (the month part), None on unversioned /v2 paths

    @property
    def member(self) -> str:
        return self.grant.member

    @property
    def scopes(self) -> tuple[str, ...]:
        return self.grant.scopes


def world_of(request: Request) -> World:
    return request.app.state.sandbox


def bearer(request: Request, world: World) -> tuple[Grant, AccessToken]:
    """The live grant behind the Authorization header, or LinkedIn's 401 body."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise errors.empty_token()
    found = world.tokens.access(token)
    if found is None:
        raise errors.invalid_token()
    grant, access = found
    status = access.status(world.clock.now())
    if status == "revoked":
        raise errors.revoked_token()
    if status == "expired":
        raise errors.expired_token()
    return grant, access


def api_version(request: Request, world: World) -> str:
    """The month part of a LinkedIn-Version header that is one of `settings.versions`
    ("202608.01" -> "202608"); a never-published or sunset version gets 426."""
    raw = request.headers.get("linkedin-version")
    if raw is None or not raw.strip():
        raise errors.version_missing()
    raw = raw.strip()
    match = _VERSION.match(raw)
    if match is None or raw not in world.settings.versions:
        raise errors.nonexistent_version(raw)
    return match.group(1)


def restli_protocol(request: Request, world: World) -> None:
    if not world.settings.require_restli_header:
        return
    got = request.headers.get("x-restli-protocol-version")
    if got is None or got.strip() != "2.0.0":
        raise errors.protocol_version_missing(got)


def require(
    request: Request, *, scopes: Iterable[str], resource: str, versioned: bool = True
) -> Caller:
    """Run the gateway's checks in order (token, version, protocol, scope).

    `scopes`: any one of them is enough; empty means none needed. `resource` names the
    endpoint in LinkedIn's ACCESS_DENIED message; a "{version}" in it becomes the
    version date, as LinkedIn writes it ("adAccountUsers.FINDER.{version}" ->
    "adAccountUsers.FINDER.20260801", "NO_VERSION" on unversioned paths)."""
    world = world_of(request)
    grant, access = bearer(request, world)
    version = None
    if versioned:
        version = api_version(request, world)
        restli_protocol(request, world)
    wanted = tuple(scopes)
    if wanted and not set(wanted) & set(grant.scopes):
        raise errors.access_denied(resource.replace("{version}", f"{version}01" if version else "NO_VERSION"))
    return Caller(grant=grant, access=access, version=version)
