"""The "Basics" checks, MA-001 to MA-006: consent and scopes, heartbeat, expiry, refresh, reconnect.

On the sandbox each check provokes what it must show (the sandbox's controls expire or
revoke the live token) and watches the app's own machinery react, then reconnects through
the consent screen, into the same session, so the run can go on. Real LinkedIn cannot be
made to expire a token, so there those checks are skipped with the reason and show the
detection logic's inputs instead: the stored expiry times and the last renewal.
"""

from __future__ import annotations

from datetime import datetime, timezone

from linkedin.api.client import Response
from linkedin.api.connection import MEANINGS, identify
from linkedin.api.errors import AuthError, ExpiredToken, RevokedToken
from linkedin.api.oauth import REFRESH_SKEW, Token, assess
from linkedin.api.settings import REQUIRED_SCOPES
from linkedin.demo import signin as sandbox_login
from linkedin.signoff.environment import Context
from linkedin.signoff.evidence import Call, Outcome, failed, passed, skipped

PROBE_PATH = "/rest/adAccountUsers"
TOKEN_PATH = "/oauth/v2/accessToken"
RECONNECT_ROUTE = "/oauth/linkedin/start"
NOT_FORCEABLE = ("LinkedIn cannot be made to expire or revoke a token on demand (the sandbox can: run the check "
                 "there to see it happen). Shown instead: what the app watches to detect it.")


def iso(epoch: float | None) -> str:
    """A UTC time for evidence: reports are read far from the browser's time zone."""
    if epoch is None:
        return "unknown"
    return datetime.fromtimestamp(epoch, timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")


def left(seconds: float) -> str:
    """``59 days 23 h`` / ``4 min`` / ``expired``."""
    if seconds <= 0:
        return "expired"
    days, rest = divmod(int(seconds), 86400)
    hours, rest = divmod(rest, 3600)
    if days:
        return f"{days} days {hours} h"
    if hours:
        return f"{hours} h {rest // 60} min"
    return f"{rest // 60} min {rest % 60} s"


def probe(ctx: Context) -> Response:
    """The cheapest real API call: one role of the member (the heartbeat's call too)."""
    return ctx.client.get(PROBE_PATH, params={"q": "authenticatedUser", "count": 1})


def _token_calls(calls: list[Call]) -> list[Call]:
    return [c for c in calls if c.path.split("?")[0] == TOKEN_PATH]


def _saw(calls: list[Call], status: int, service_error_code: int) -> bool:
    """Did LinkedIn answer ``status`` with this ``serviceErrorCode`` among ``calls``?"""
    return any(c.status == status and c.service_error_code == service_error_code for c in calls)


def _token_facts(ctx: Context, token: Token) -> list[tuple[str, object]]:
    """What the detection logic works from: stored expiry times, the last renewal."""
    now = ctx.clock()
    state, sentence = assess(token, now=now)
    facts: list[tuple[str, object]] = [
        ("Access token expires (stored)", f"{iso(token.access_expires_at)} ({left(token.access_expires_at - now)} left)"),
        ("Last renewal or consent", iso(token.obtained_at)),
        ("Verdict of the stored times", f"{state}: {sentence}"),
        ("Renewed ahead of expiry", f"{REFRESH_SKEW // 60} min before the stored expiry, before any call"),
    ]
    if token.refresh_token:
        rt = token.refresh_expires_at
        facts.append(("Refresh token expires (stored)",
                      f"{iso(rt)} ({left(rt - now)} left)" if rt else "LinkedIn gave no expiry"))
    else:
        facts.append(("Refresh token", "none: LinkedIn gives them to approved partners only"))
    return facts


def _current_token(ctx: Context) -> Token | None:
    status = ctx.connection.status()
    return status.token if status.connected else None


def _not_connected() -> Outcome:
    return failed([("Connection", "not connected")],
                  "Connect LinkedIn (Connect page), then run the sign-off check again.")


# MA-001 ---------------------------------------------------------------------------------------

def oauth_consent(ctx: Context) -> Outcome:
    """The granted scopes include the required ones; on the sandbox, the consent screen lists them."""
    status = ctx.connection.status()
    if status.token is None:
        return _not_connected()
    token = status.token
    missing = token.missing_scopes()
    summary: list[tuple[str, object]] = [
        ("Connection", status.state),
        ("Scopes the app asks for", ", ".join(ctx.settings.scopes)),
        ("Scopes LinkedIn granted", ", ".join(token.scopes) or "none"),
        ("Required scopes (" + ", ".join(REQUIRED_SCOPES) + ")", "all granted" if not missing else
         "missing: " + ", ".join(missing)),
        ("Consent given", iso(token.consented_at)),
    ]
    screen_ok = True
    if ctx.sandbox:
        screen = sandbox_login.open_consent(ctx.settings, session=ctx.http)
        screen_ok = all(s in screen.scopes for s in REQUIRED_SCOPES)
        summary.append(("Consent screen", f"HTTP {screen.status}: lists {', '.join(screen.scopes)}; "
                                          f"Allow / Cancel; {len(screen.members)} demo members to sign in as"))
    else:
        summary.append(("Consent screen", "LinkedIn's own (/oauth/v2/authorization), opened by Connect LinkedIn "
                                          f"and Reconnect ({RECONNECT_ROUTE})"))
    if status.connected:
        urn, _ = identify(ctx.client, token.scopes)
        summary.append(("Member identified", "yes (OpenID userinfo)" if urn else "no (openid/profile not granted)"))
    if not status.connected:
        return failed(summary, "LinkedIn needs the member to sign in again: press Reconnect, then run the check again.")
    if missing:
        return failed(summary, "Ask LinkedIn to enable the Advertising API and Matched Audiences products for the app, "
                               "then reconnect so the consent grants " + ", ".join(missing) + ".")
    if not screen_ok:
        return failed(summary, "The consent screen does not list the required scopes: check LINKEDIN_SCOPES.")
    return passed(summary)


# MA-002 ---------------------------------------------------------------------------------------

def heartbeat(ctx: Context) -> Outcome:
    """The app's own heartbeat: a real API call, then LinkedIn's introspection of the token."""
    beat = ctx.connection.check(ctx.client)
    summary = [
        ("Checked at", iso(beat.checked_at)),
        ("API call (adAccountUsers)", beat.api_call),
        ("Introspection", beat.introspection),
        ("Result", beat.message),
        ("How often", f"every {ctx.settings.heartbeat_seconds} s while a page is open, and on demand "
                      "(Connection → Check now)"),
    ]
    if beat.ok and beat.introspection == "active":
        return passed(summary)
    return failed(summary, "The token is not valid any more: reconnect LinkedIn, then run the check again.")


# MA-003 ---------------------------------------------------------------------------------------

def access_expiry(ctx: Context) -> Outcome:
    """Sandbox: expire the access token; the next call's 401 65602 is detected and cured by a refresh."""
    before = _current_token(ctx)
    if before is None:
        return _not_connected()
    if not ctx.sandbox:
        return skipped(NOT_FORCEABLE, _token_facts(ctx, before))
    if not before.refresh_token:
        return skipped("The sandbox issues no refresh tokens (Sandbox controls): an expired token then needs a reconnect "
                       "(MA-004).", _token_facts(ctx, before))
    ctx.control.expire_access(before.access_token)
    mark = ctx.log.mark()
    answer = probe(ctx)
    calls = ctx.log.since(mark)
    after = ctx.connection.status()
    detected = _saw(calls, 401, 65602)
    renewed = any(c.status == 200 for c in _token_calls(calls))
    replaced = after.token is not None and after.token.access_token != before.access_token
    summary = [
        ("Forced", "the sandbox expired the access token now (Sandbox controls → Expire access token)"),
        ("Next API call", "HTTP 401, serviceErrorCode 65602" if detected else "no 401 65602 seen"),
        ("Detected as", MEANINGS[ExpiredToken] if detected else "not detected"),
        ("Then", "renewed with the refresh token and the call repeated → HTTP "
                 f"{answer.status}" if renewed else "no renewal seen"),
        ("Access token replaced", "yes" if replaced else "no"),
        ("New access token expires", iso(after.token.access_expires_at) if after.token else "unknown"),
        ("Connection's last event", after.last_event or "none"),
    ]
    if detected and renewed and replaced and answer.status == 200:
        return passed(summary)
    return failed(summary, "The app did not detect the expired token and renew it: check the client's 401 handling "
                           "(linkedin/api/client.py) and the refresh (linkedin/api/connection.py).")


# MA-004 ---------------------------------------------------------------------------------------

def reconnect_after_revoke(ctx: Context) -> Outcome:
    """Sandbox: revoke the grant; the 401 65601 marks the connection as needing consent; reconnect."""
    before = _current_token(ctx)
    if before is None:
        return _not_connected()
    if not ctx.sandbox:
        status = ctx.connection.status()
        return skipped(NOT_FORCEABLE, [
            ("Connection now", status.state),
            ("On a 401 no refresh can cure", "the connection is marked “sign-in needed” (65601 revoked, or the "
                                             "refresh failed) and every page shows Reconnect"),
            ("Reconnect", f"{RECONNECT_ROUTE} → LinkedIn's consent screen, in a new tab so the page's work stays"),
            *_token_facts(ctx, before),
        ])
    ctx.control.revoke(before.access_token)
    mark = ctx.log.mark()
    try:
        probe(ctx)
        error = None
    except AuthError as err:
        error = err
    calls = ctx.log.since(mark)
    status = ctx.connection.status()
    detected = error is not None and _saw(calls, 401, 65601) and status.state == "needs_consent"
    summary: list[tuple[str, object]] = [
        ("Forced", "the sandbox revoked the app's access (as when the member removes the app on LinkedIn)"),
        ("Next API call", "HTTP 401, serviceErrorCode 65601" if _saw(calls, 401, 65601) else "no 401 65601 seen"),
        ("Detected as", status.reason or MEANINGS[RevokedToken] if detected else "not detected"),
        ("App state", f"{status.state}: pages show Reconnect ({RECONNECT_ROUTE})"),
    ]
    if not detected:
        return failed(summary, "The app did not mark the connection as needing consent after a revoked token.")
    return _reconnect(ctx, summary)


def _reconnect(ctx: Context, summary: list[tuple[str, object]]) -> Outcome:
    """Consent again on the sandbox, as the same member, into the same session; then prove it works."""
    done = sandbox_login.reconnect(ctx.connection, session=ctx.http)
    status = ctx.connection.status()
    answer = probe(ctx)
    summary += [
        ("OAuth flow re-triggered", "consent screen → Allow (as the same demo member) → code → tokens"),
        ("Kept in", "the same session: the browser stays signed in"),
        ("Granted scopes", ", ".join(done.token.scopes)),
        ("After reconnect", f"{status.state}; API call → HTTP {answer.status}"),
    ]
    if status.connected and answer.status == 200:
        return passed(summary)
    return failed(summary, "The reconnect did not give a working connection: connect again from the Connect page.")


# MA-005 ---------------------------------------------------------------------------------------

def refresh(ctx: Context) -> Outcome:
    """Mint a new access token with the refresh token and use it."""
    before = _current_token(ctx)
    if before is None:
        return _not_connected()
    if not before.refresh_token:
        return skipped("LinkedIn gave this app no refresh token (only approved partners get them): the member "
                       "reconnects when the access token expires.", _token_facts(ctx, before))
    if not ctx.writing:
        return skipped("Renewing replaces this connection's access token: allow writing checks to run it.",
                       _token_facts(ctx, before))
    mark = ctx.log.mark()
    after = ctx.connection.refresh(because="the sign-off check asked for a renewal", force=True)
    renewed = any(c.status == 200 for c in _token_calls(ctx.log.since(mark)))
    answer = probe(ctx)
    summary = [
        ("Refresh call", "POST /oauth/v2/accessToken (grant_type=refresh_token) → "
                         + ("200" if renewed else "no successful call seen")),
        ("New access token", "minted" if after.access_token != before.access_token else "the same as before"),
        ("Access token expires", f"{iso(before.access_expires_at)} → {iso(after.access_expires_at)}"),
        ("Refresh token expires", f"{iso(after.refresh_expires_at)} (a renewal never extends it)"),
        ("API call with the new token", f"HTTP {answer.status}"),
        ("Automatic renewal", f"{REFRESH_SKEW // 60} min before the stored expiry, and after a 401 65600/65602"),
    ]
    if renewed and after.access_token != before.access_token and answer.status == 200:
        return passed(summary)
    return failed(summary, "The refresh did not mint a working access token: check the app's client id and secret, "
                           "and that LinkedIn enabled refresh tokens for the app.")


# MA-006 ---------------------------------------------------------------------------------------

def refresh_expiry(ctx: Context) -> Outcome:
    """Sandbox: expire the refresh token (and the access token); renewal fails; consent is asked; reconnect."""
    before = _current_token(ctx)
    if before is None:
        return _not_connected()
    if not ctx.sandbox:
        return skipped(NOT_FORCEABLE, [
            *_token_facts(ctx, before),
            ("When it expires", "the renewal is refused (invalid_grant), the connection is marked “sign-in needed” "
                                f"and every page shows Reconnect ({RECONNECT_ROUTE})"),
        ])
    if not before.refresh_token:
        return skipped("The sandbox issues no refresh tokens (Sandbox controls), so there is none to expire.",
                       _token_facts(ctx, before))
    ctx.control.expire_refresh(before.access_token)
    ctx.control.expire_access(before.access_token)
    mark = ctx.log.mark()
    try:
        probe(ctx)
        error = None
    except AuthError as err:
        error = err
    calls = ctx.log.since(mark)
    status = ctx.connection.status()
    refused = [c for c in _token_calls(calls) if c.status and c.status >= 400]
    detected = error is not None and bool(refused) and status.state == "needs_consent"
    summary: list[tuple[str, object]] = [
        ("Forced", "the sandbox expired the refresh token, then the access token"),
        ("Next API call", "HTTP 401, serviceErrorCode 65602" if _saw(calls, 401, 65602) else "no 401 65602 seen"),
        ("Renewal", f"POST {TOKEN_PATH} → {refused[0].status} ({refused[0].error})" if refused else "not refused"),
        ("Detected as", status.reason if detected else "not detected"),
        ("App state", f"{status.state}: pages show Reconnect ({RECONNECT_ROUTE})"),
    ]
    if not detected:
        return failed(summary, "The app did not notice that the refresh token is dead: check linkedin/api/connection.py.")
    return _reconnect(ctx, summary)
