"""LinkedIn's OAuth 2.0 server (www.linkedin.com/oauth/v2): consent, token exchange and
refresh, introspection (linkedin-api.md §3)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from .access import world_of
from .consent import consent_page, error_page
from .errors import OAuthError
from .hosts import foreign_host
from .registration import DEMO_APP_NAME, client_authenticates, known_client, product_of, redirect_allowed
from .world import World

log = logging.getLogger(__name__)

DECISION_PATH = "/oauth/v2/authorization/decision"


class _BadAuthorization(Exception):
    """A request LinkedIn answers with its own error page instead of a redirect."""


class _RedirectError(Exception):
    """An error LinkedIn reports back to the app's redirect URI."""

    def __init__(self, error: str, description: str) -> None:
        super().__init__(description)
        self.error = error
        self.description = description


def with_query(url: str, params: Mapping[str, str]) -> str:
    """`url` with `params` added to its query string, keeping what it already has."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True) + list(params.items())
    return urlunsplit(parts._replace(query=urlencode(query)))


def _check_authorization(world: World, params: Mapping[str, str]) -> tuple[str, ...]:
    """Validate an authorization request; return the requested scopes in order."""
    if not known_client(params.get("client_id")):
        raise _BadAuthorization(f"The passed in client_id is invalid \"{params.get('client_id', '')}\"")
    if not redirect_allowed(params.get("redirect_uri"), hosts=world.settings.redirect_hosts):
        raise _BadAuthorization("The redirect_uri does not match the registered value")
    if params.get("response_type") != "code":
        raise _RedirectError("unsupported_response_type", "The response_type must be code")
    # Space-delimited (%20 or +, both arrive as a space); LinkedIn's answer is comma-separated.
    scopes = tuple(dict.fromkeys(params.get("scope", "").split()))
    if not scopes:
        raise _RedirectError(world.settings.unknown_scope_error, "The scope parameter is required")
    for scope in scopes:
        if scope not in world.settings.known_scopes:
            raise _RedirectError(
                world.settings.unknown_scope_error, f'Scope "{scope}" is not authorized for your application'
            )
        if product_of(scope) not in world.settings.app_products:  # the whole consent is aborted
            raise _RedirectError(
                world.settings.unauthorized_scope_error, f'Scope "{scope}" is not authorized for your application'
            )
    return scopes


def _error_redirect(params: Mapping[str, str], error: str, description: str) -> Response:
    back = {"error": error, "error_description": description}
    if params.get("state") is not None:
        back["state"] = params["state"]
    return RedirectResponse(with_query(params["redirect_uri"], back), status_code=302)


async def authorization(request: Request) -> Response:
    """GET /oauth/v2/authorization: the consent screen."""
    world = world_of(request)
    wrong_host = foreign_host(request, world.settings.served_hosts)
    if wrong_host:
        return HTMLResponse(error_page(wrong_host[0].upper() + wrong_host[1:] + "."), status_code=403)
    params = dict(request.query_params)
    try:
        scopes = _check_authorization(world, params)
    except _BadAuthorization as exc:
        return HTMLResponse(error_page(str(exc)), status_code=400)
    except _RedirectError as exc:
        return _error_redirect(params, exc.error, exc.description)
    hidden = {
        "client_id": params["client_id"], "redirect_uri": params["redirect_uri"],
        "response_type": "code", "scope": " ".join(scopes),
    }
    if "state" in params:
        hidden["state"] = params["state"]
    html = consent_page(
        action=request.scope.get("root_path", "") + DECISION_PATH,
        app_name=DEMO_APP_NAME, scopes=scopes, members=world.demo_members, hidden=hidden,
    )
    return HTMLResponse(html)


async def decision(request: Request) -> Response:
    """POST from the consent screen: Allow issues a code, Cancel reports an error."""
    world = world_of(request)
    wrong_host = foreign_host(request, world.settings.served_hosts)
    if wrong_host:
        return HTMLResponse(error_page(wrong_host[0].upper() + wrong_host[1:] + "."), status_code=403)
    form = await request.form()
    params = {k: v for k, v in form.items() if isinstance(v, str)}
    try:
        scopes = _check_authorization(world, params)
    except _BadAuthorization as exc:
        return HTMLResponse(error_page(str(exc)), status_code=400)
    except _RedirectError as exc:
        return _error_redirect(params, exc.error, exc.description)
    settings = world.settings
    if params.get("decision") != "allow":
        return _error_redirect(params, settings.cancel_error, settings.cancel_error_description)
    member = world.member(params.get("member", ""))
    if member is None or member not in world.demo_members:
        return HTMLResponse(error_page("Unknown member"), status_code=400)
    granted = list(scopes)  # the member accepts all the scopes asked for, or none
    code = world.tokens.issue_code(
        client_id=params["client_id"], redirect_uri=params["redirect_uri"], member=member.urn,
        scopes=granted, now=world.clock.now(), ttl=settings.code_ttl,
    )
    back = {"code": code}
    if params.get("state") is not None:
        back["state"] = params["state"]
    log.info("consent granted for %s (%d scopes)", member.urn, len(granted))
    return RedirectResponse(with_query(params["redirect_uri"], back), status_code=302)


async def _client_form(request: Request) -> FormData:
    """The form of a token-endpoint call after LinkedIn's checks on content type and client."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/x-www-form-urlencoded":
        raise OAuthError("invalid_request", "The request must be application/x-www-form-urlencoded")
    form = await request.form()
    for name in ("client_id", "client_secret"):
        if not form.get(name):
            raise OAuthError("invalid_request", f'A required parameter "{name}" is missing')
    if not client_authenticates(str(form["client_id"]), str(form["client_secret"])):
        raise OAuthError("invalid_client", "Client authentication failed", status=401)
    return form


def _required(form: FormData, name: str) -> str:
    value = form.get(name)
    if not isinstance(value, str) or not value:
        raise OAuthError("invalid_request", f'A required parameter "{name}" is missing')
    return value


async def access_token(request: Request) -> Response:
    """POST /oauth/v2/accessToken: authorization_code and refresh_token grants."""
    world = world_of(request)
    form = await _client_form(request)
    grant_type = _required(form, "grant_type")
    settings, now = world.settings, world.clock.now()
    if grant_type == "authorization_code":
        code, redirect_uri = _required(form, "code"), _required(form, "redirect_uri")
        grant, access = world.tokens.redeem_code(
            code, client_id=str(form["client_id"]), redirect_uri=redirect_uri, now=now, settings=settings
        )
    elif grant_type == "refresh_token":
        grant, access = world.tokens.refresh(
            _required(form, "refresh_token"), client_id=str(form["client_id"]), now=now, settings=settings
        )
    else:
        raise OAuthError("unsupported_grant_type", f"The grant type {grant_type!r} is not supported")
    body: dict = {"access_token": access.token, "expires_in": int(access.expires_at - now)}
    if grant.refresh_token is not None and grant.refresh_expires_at is not None:
        body["refresh_token"] = grant.refresh_token
        body["refresh_token_expires_in"] = int(grant.refresh_expires_at - now)
    body["scope"] = ",".join(grant.scopes)  # LinkedIn answers comma-separated scopes
    if settings.include_token_type:
        body["token_type"] = "Bearer"
    log.info("%s grant issued a token for %s (grant %s)", grant_type, grant.member, grant.id)
    return JSONResponse(body, headers={"cache-control": "no-store", "pragma": "no-cache"})


async def introspect_token(request: Request) -> Response:
    """POST /oauth/v2/introspectToken: status of an access (or refresh) token, epoch seconds."""
    world = world_of(request)
    form = await _client_form(request)
    token, now = _required(form, "token"), world.clock.now()
    found = world.tokens.access(token)
    if found is not None:
        grant, access = found
        status, created, expires = access.status(now), access.created_at, access.expires_at
    else:
        grant = world.tokens.grant_for_refresh(token)
        if grant is None or grant.refresh_expires_at is None:
            # [U] what LinkedIn says about a garbage token is a setting.
            settings = world.settings
            return JSONResponse(dict(settings.introspect_unknown_body), status_code=settings.introspect_unknown_status)
        status = grant.refresh_status(now) or "expired"
        created, expires = grant.refresh_created_at or grant.authorized_at, grant.refresh_expires_at
    return JSONResponse({
        "active": status == "active",
        "client_id": grant.client_id,
        "authorized_at": int(grant.authorized_at),
        "created_at": int(created),
        "status": status,
        "expires_at": int(expires),
        "scope": ",".join(grant.scopes),
        "auth_type": "3L",
    })


routes = [
    Route("/oauth/v2/authorization", authorization, methods=["GET"]),
    Route(DECISION_PATH, decision, methods=["POST"]),
    Route("/oauth/v2/accessToken", access_token, methods=["POST"]),
    Route("/oauth/v2/introspectToken", introspect_token, methods=["POST"]),
]
