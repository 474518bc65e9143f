"""The OAuth routes the app serves beside its pages: start, callback, logout.

A redirect back from LinkedIn starts a new Streamlit session, so the flow lives in
plain Starlette handlers. ``state`` is bound to the browser by a signed, short-lived,
HttpOnly cookie (login CSRF would sign a victim into the attacker's ad account); the
tokens stay on the server under an opaque session id, and only that id, signed, is
sent to the browser. Failures come back to the app as ``?auth_error=<key>``, which the
Connect page turns into a sentence (``AUTH_ERRORS``).
"""

from __future__ import annotations

import logging
import secrets
from typing import Callable
from urllib.parse import urlencode

from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from linkedin.api.client import Client, StaticToken
from linkedin.api.connection import Connection, identify
from linkedin.api.errors import ConnectionFailed, LinkedInError, MalformedResponse, OAuthError
from linkedin.api.oauth import OAuth
from linkedin.api.settings import SCOPE_PRODUCTS, Settings
from linkedin.store import Store

log = logging.getLogger(__name__)

STATE_COOKIE = "li_oauth_state"
SID_COOKIE = "li_sid"
STATE_AGE = 600  # ten minutes to finish the consent screen
SID_AGE = 400 * 86400  # outlives the refresh token; the server decides what is valid

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


def _serializer(settings: Settings, purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(settings.cookie_secret, salt=f"linkedin.{purpose}")


def session_id(raw_cookie: str | None, settings: Settings) -> str | None:
    """The session id in a signed ``li_sid`` cookie, or None if absent or forged."""
    if not raw_cookie:
        return None
    try:
        sid = _serializer(settings, "sid").loads(raw_cookie, max_age=SID_AGE)
    except BadSignature:
        return None
    return sid if isinstance(sid, str) else None


def _safe_next(value: str | None) -> str:
    """Only same-site paths: never an open redirect."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return "/"


def _with_query(path: str, **params: str) -> str:
    return path + ("&" if "?" in path else "?") + urlencode(params)


class OAuthRoutes:
    """The three handlers, bound to the app's settings and store."""

    def __init__(self, settings: Callable[[], Settings], store: Callable[[], Store]) -> None:
        self._settings = settings
        self._store = store

    def routes(self) -> list[Route]:
        return [
            Route("/oauth/linkedin/start", self.start, methods=["GET"]),
            Route("/oauth/linkedin/callback", self.callback, methods=["GET"]),
            Route("/oauth/linkedin/logout", self.logout, methods=["GET", "POST"]),
        ]

    def _browser_settings(self, request: Request) -> Settings:
        return self._settings().for_browser(str(request.base_url))

    def _cookie(self, response: Response, settings: Settings, name: str, value: str, age: int) -> None:
        # Lax, not Strict: the cookie must come back on LinkedIn's top-level redirect.
        response.set_cookie(
            name, value, max_age=age, httponly=True, samesite="lax", secure=settings.secure_cookies, path="/"
        )

    def start(self, request: Request) -> Response:
        """Send the browser to LinkedIn's consent screen with a fresh, browser-bound state."""
        settings = self._browser_settings(request)
        state = secrets.token_urlsafe(32)
        payload = {"state": state, "next": _safe_next(request.query_params.get("next"))}
        response = RedirectResponse(OAuth(settings).authorization_url(state), status_code=302)
        self._cookie(response, settings, STATE_COOKIE, _serializer(settings, "state").dumps(payload), STATE_AGE)
        return response

    def callback(self, request: Request) -> Response:
        """Check state, exchange the code, keep the tokens server-side, set the session cookie."""
        settings = self._browser_settings(request)
        query = request.query_params
        try:
            payload = _serializer(settings, "state").loads(request.cookies.get(STATE_COOKIE, ""), max_age=STATE_AGE)
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

        store = self._store()
        sid = session_id(request.cookies.get(SID_COOKIE), settings) or secrets.token_urlsafe(32)
        Connection(settings, store, sid, oauth=oauth).connect(token, member_urn=member_urn, member_name=member_name)
        response = RedirectResponse(_with_query(next_path, connected="1"), status_code=302)
        response.delete_cookie(STATE_COOKIE, path="/")
        self._cookie(response, settings, SID_COOKIE, _serializer(settings, "sid").dumps(sid), SID_AGE)
        return response

    def logout(self, request: Request) -> Response:
        """Forget the tokens on the server and the session cookie in the browser."""
        settings = self._browser_settings(request)
        sid = session_id(request.cookies.get(SID_COOKIE), settings)
        if sid:
            Connection(settings, self._store(), sid).forget()
        response = RedirectResponse("/?disconnected=1", status_code=302)
        response.delete_cookie(SID_COOKIE, path="/")
        response.delete_cookie(STATE_COOKIE, path="/")
        return response

    def _fail(self, settings: Settings, next_path: str, key: str, detail: str = "") -> Response:
        """Back to the app with ``?auth_error=<key>`` (and LinkedIn's own words, when it gave any)."""
        params = {"auth_error": key, **({"auth_detail": detail} if detail else {})}
        response = RedirectResponse(_with_query(next_path, **params), status_code=302)
        response.delete_cookie(STATE_COOKIE, path="/")
        return response
