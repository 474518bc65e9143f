"""The OAuth routes the app serves beside its pages: start, callback, logout, adopt.

A redirect back from LinkedIn starts a new Streamlit session, so the flow lives in
plain Starlette handlers. ``state`` is bound to the browser by a signed, short-lived,
HttpOnly cookie (login CSRF would sign a victim into the attacker's ad account); the
tokens stay on the server under an opaque session id, new at every sign-in, and only
that id, signed, is sent to the browser (``sessions`` holds the cookie rules). Logout
is a POST with a CSRF token; a GET is refused (405). Failures come back to the app as
``?auth_error=<key>``, which the Connect page turns into a sentence (``AUTH_ERRORS``).
"""

from __future__ import annotations

import base64
import logging
import secrets
from typing import Callable
from urllib.parse import urlencode

from itsdangerous import BadSignature
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from linkedin.api.client import Client, StaticToken
from linkedin.api.connection import Connection, identify
from linkedin.api.errors import ConnectionFailed, LinkedInError, MalformedResponse, OAuthError
from linkedin.api.oauth import OAuth
from linkedin.api.settings import REDIRECT_URI_HELP, SCOPE_PRODUCTS, Settings
from linkedin.store import Store
from linkedin.web import sessions
from linkedin.web.sessions import SID_AGE, SID_COOKIE, STATE_AGE, STATE_COOKIE, cookie_name

log = logging.getLogger(__name__)

LOGOUT_PATH = "/oauth/linkedin/logout"
ADOPT_PATH = "/oauth/linkedin/adopt"
_PIXEL = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")  # 1x1 transparent GIF

AUTH_ERRORS: dict[str, str] = {
    "cancelled": "You cancelled on LinkedIn's consent screen, so nothing was connected. Connect again when ready.",
    "denied": "LinkedIn did not grant access. Try again, or check that the app is allowed to use the Audiences products.",
    "scope": "LinkedIn stopped the sign-in: the app asked for a permission it is not approved for, so nothing was connected.",
    "state_missing": (
        "The sign-in could not be verified: it took longer than 10 minutes, or it was started in another "
        "browser. Nothing was connected. Please connect again."
    ),
    "state_mismatch": (
        "The sign-in answer did not belong to this browser's sign-in, so it was refused for your safety. "
        "Nothing was connected. Please connect again."
    ),
    "no_code": "LinkedIn came back without an authorization code. Please connect again.",
    "unreachable": "LinkedIn's sign-in service could not be reached. Check the network, then connect again.",
    "bad_token_response": "LinkedIn's sign-in service sent an answer the app could not read. Please try again later.",
    "exchange_failed": "LinkedIn refused to complete the sign-in. Please connect again.",
    "logout_refused": (
        "The Disconnect request could not be verified as coming from this app, so nothing was changed. "
        "Open the Connection page and press Disconnect there."
    ),
}


SCOPE_ERRORS = frozenset({"unauthorized_scope_error", "invalid_scope"})
DETAIL_MAX = 300  # characters of LinkedIn's error_description carried back to the page


def refusal_advice(description: str, settings: Settings) -> str:
    """What to do when LinkedIn refused a scope: the product to request, from the scope its text names."""
    named = [s for s in settings.scopes if f'"{s}"' in description or f" {s} " in f" {description} "]
    products = sorted({SCOPE_PRODUCTS[s] for s in named if s in SCOPE_PRODUCTS})
    if products:
        return (f"In the LinkedIn Developer Portal, request the {' and '.join(products)} product for this app "
                f"(its Products tab), or leave {', '.join(named)} out of LINKEDIN_SCOPES; then connect again.")
    return ("Check in the LinkedIn Developer Portal which products this app is approved for (its Products tab), "
            "and that LINKEDIN_SCOPES asks only for their scopes; then connect again.")


def _safe_next(value: str | None) -> str:
    """Only same-site paths: never an open redirect."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return "/"


def _with_query(path: str, **params: str) -> str:
    return path + ("&" if "?" in path else "?") + urlencode(params)


class OAuthRoutes:
    """The handlers, bound to the app's settings and store."""

    def __init__(self, settings: Callable[[], Settings], store: Callable[[], Store]) -> None:
        self._settings = settings
        self._store = store

    def routes(self) -> list[Route]:
        return [
            Route("/oauth/linkedin/start", self.start, methods=["GET"]),
            Route("/oauth/linkedin/callback", self.callback, methods=["GET"]),
            Route(LOGOUT_PATH, self.logout, methods=["POST"]),
            Route(LOGOUT_PATH, self.logout_get, methods=["GET"]),  # said here: Streamlit's catch-all would answer
            Route(ADOPT_PATH, self.adopt, methods=["GET"]),
        ]

    def _browser_settings(self, request: Request) -> Settings:
        return self._settings().for_browser(str(request.base_url))

    def _cookie(self, response: Response, settings: Settings, name: str, value: str, age: int) -> None:
        # Lax, not Strict: the cookie must come back on LinkedIn's top-level redirect. Over
        # https the name is __Host-<name>, which browsers take only with Secure, Path=/ and no Domain.
        response.set_cookie(cookie_name(settings, name), value, max_age=age, httponly=True, samesite="lax",
                            secure=settings.secure_cookies, path="/")

    def _forget_cookie(self, response: Response, settings: Settings, name: str) -> None:
        response.delete_cookie(cookie_name(settings, name), path="/", secure=settings.secure_cookies,
                               httponly=True, samesite="lax")

    def start(self, request: Request) -> Response:
        """Send the browser to LinkedIn's consent screen with a fresh, browser-bound state."""
        settings = self._browser_settings(request)
        if not settings.redirect_uri:  # real LinkedIn without LINKEDIN_REDIRECT_URI: never guessed from Host
            return PlainTextResponse(REDIRECT_URI_HELP, status_code=500)
        state = secrets.token_urlsafe(32)
        payload = {"state": state, "next": _safe_next(request.query_params.get("next"))}
        response = RedirectResponse(OAuth(settings).authorization_url(state), status_code=302)
        self._cookie(response, settings, STATE_COOKIE, sessions.serializer(settings, "state").dumps(payload), STATE_AGE)
        return response

    def callback(self, request: Request) -> Response:
        """Check state, exchange the code, keep the tokens server-side, set the session cookie."""
        settings = self._browser_settings(request)
        query = request.query_params
        try:
            raw_state = request.cookies.get(cookie_name(settings, STATE_COOKIE), "")
            payload = sessions.serializer(settings, "state").loads(raw_state, max_age=STATE_AGE)
            expected, next_path = payload["state"], _safe_next(payload.get("next"))
        except (BadSignature, KeyError, TypeError):
            return self._fail(settings, "/", "state_missing")
        if not secrets.compare_digest(str(query.get("state", "")), str(expected)):
            log.warning("OAuth callback with a state that does not match this browser's")
            return self._fail(settings, next_path, "state_mismatch")
        if query.get("error"):
            error = query["error"]
            key = "cancelled" if "cancel" in error else "scope" if error in SCOPE_ERRORS else "denied"
            detail = "" if key == "cancelled" else str(query.get("error_description") or "")[:DETAIL_MAX]
            return self._fail(settings, next_path, key, detail)
        code = query.get("code")
        if not code:
            return self._fail(settings, next_path, "no_code")

        oauth = OAuth(settings)
        try:
            token = oauth.exchange(code)
        except ConnectionFailed:
            return self._fail(settings, next_path, "unreachable")
        except MalformedResponse:
            return self._fail(settings, next_path, "bad_token_response")
        except (OAuthError, LinkedInError) as err:
            log.info("code exchange refused: %s", err.code)
            return self._fail(settings, next_path, "exchange_failed")
        member_urn, member_name = identify(Client(settings, StaticToken(token.access_token)), token.scopes)

        # A new session id at every sign-in: an id planted in this browser before consent
        # (session fixation) never names the new connection, and its row is forgotten.
        store = self._store()
        old = sessions.read_sid(request.cookies, settings)
        sid = sessions.new_sid()
        Connection(settings, store, sid, oauth=oauth).connect(token, member_urn=member_urn, member_name=member_name)
        if old:
            Connection(settings, store, old).forget()
        response = RedirectResponse(_with_query(next_path, connected="1"), status_code=302)
        self._forget_cookie(response, settings, STATE_COOKIE)
        self._cookie(response, settings, SID_COOKIE, sessions.signed_sid(settings, sid), SID_AGE)
        return response

    async def logout(self, request: Request) -> Response:
        """Disconnect (a POST with the page's CSRF token): forget the tokens and the session cookie."""
        settings = self._browser_settings(request)
        sid = sessions.read_sid(request.cookies, settings)
        form = await request.form()
        # No session cookie counts as a refusal too: another site's form arrives without the
        # Lax cookie, and clearing it from there would sign the member out of this browser.
        if not sessions.logout_token_ok(settings, sid, str(form.get("csrf") or "")):
            log.warning("logout without this session's CSRF token: refused")
            return RedirectResponse("/?auth_error=logout_refused", status_code=303)
        Connection(settings, self._store(), sid).forget()
        response = RedirectResponse("/?disconnected=1", status_code=303)  # 303: the next request is a GET
        self._forget_cookie(response, settings, SID_COOKIE)
        self._forget_cookie(response, settings, STATE_COOKIE)
        return response

    def logout_get(self, request: Request) -> Response:
        """A link or an image cannot sign anyone out: 405, and where the Disconnect button is."""
        body = ("<!doctype html><meta charset=utf-8><title>Disconnect</title><p>Disconnect is a button on the "
                "app's <a href=\"/connection\">Connection page</a>; this address forgets nothing when opened.</p>")
        return HTMLResponse(body, status_code=405, headers={"Allow": "POST"})

    def adopt(self, request: Request) -> Response:
        """Hand-over (see ``sessions``): note which live session this browser's cookie names, for the tab's nonce."""
        nonce = request.query_params.get("n")
        if request.headers.get("sec-fetch-site") != "same-origin" or not sessions.is_nonce(nonce):
            return PlainTextResponse("refused", status_code=403, headers={"Cache-Control": "no-store"})
        settings = self._browser_settings(request)
        store = self._store()
        sid = sessions.read_sid(request.cookies, settings)
        live = sid if sid and store.connection(sid) is not None else ""
        store.hand_over(sessions.handoff_key(nonce), live)
        return Response(_PIXEL, media_type="image/gif", headers={"Cache-Control": "no-store"})

    def _fail(self, settings: Settings, next_path: str, key: str, detail: str = "") -> Response:
        """Back to the app with ``?auth_error=<key>`` (and LinkedIn's own words, when it gave any)."""
        params = {"auth_error": key, **({"auth_detail": detail} if detail else {})}
        response = RedirectResponse(_with_query(next_path, **params), status_code=302)
        self._forget_cookie(response, settings, STATE_COOKIE)
        return response
