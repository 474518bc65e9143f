"""Assembles the sandbox: one World, LinkedIn's routes at their own paths, the controls,
and the gateway middleware in front of them all."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.middleware import Middleware

import linkedin.sandbox.controls as controls
import linkedin.sandbox.oauth as oauth
import linkedin.sandbox.profile as profile
import linkedin.sandbox.restapi as restapi

from .errors import ApiError, OAuthError, handle_api_error, handle_oauth_error
from .gateway import Gateway
from .settings import SandboxSettings
from .world import DEFAULT_COMPANIES, DEFAULT_POPULATION, World


def create_app(
    settings: SandboxSettings | None = None,
    *,
    seed: int = 7,
    population_size: int = DEFAULT_POPULATION,
    company_count: int = DEFAULT_COMPANIES,
) -> Starlette:
    """A LinkedIn sandbox as an ASGI app, standalone at "/" or mounted anywhere.

    `app.state.sandbox` is the World: clock, settings, members, companies, tokens, ad
    accounts, segments. `population_size` synthetic members (plus the three demo ones)
    are what uploads match against: the default starts fast; benchmarks that upload a
    million people want more (hash indexes are built on first use, ~1 s per million)."""
    world = World(settings, seed=seed, population_size=population_size, company_count=company_count)
    app = Starlette(
        routes=[*oauth.routes, *profile.routes, *restapi.routes, *controls.routes, *restapi.fallback_routes],
        middleware=[Middleware(Gateway, world=world)],
        exception_handlers={ApiError: handle_api_error, OAuthError: handle_oauth_error},
    )
    app.state.sandbox = world
    return app
