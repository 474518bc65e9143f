"""Transport to LinkedIn's REST API: versioned headers, Rest.li queries, retries, pages.

One ``Client`` per connected member. It asks a token provider for the access token
and, on a 401 that a refresh can cure (65600 invalid, 65602 expired), asks it to
recover once and repeats the call once; a revoked token (65601) is never retried.
A 429 is waited out by LinkedIn's minute windows (``waits.rate_limit_wait``); a 5xx or
a lost connection is tried again only for calls that are safe to repeat (reads and
BATCH_CREATE), never for a create, which may have reached LinkedIn. Every wait is
reported to ``on_wait`` as a countdown. Retry decisions and back-off are pure
functions, tested directly.
"""

from __future__ import annotations

import logging
import random
import time
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Iterator, Mapping, Protocol

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from linkedin.api import restli
from linkedin.api.errors import (
    AuthError,
    ConnectionFailed,
    LinkedInError,
    MalformedResponse,
    NeedsConsent,
    RateLimited,
    VersionError,
    error_from_response,
)
from linkedin.api.settings import Settings
from linkedin.api.waits import RATE_LIMIT_PATIENCE, Wait, countdown, rate_limit_wait, unavailable_reason

log = logging.getLogger(__name__)

RETRYABLE_STATUSES = frozenset({429, 500, 502, 503, 504})
# Rest.li methods that may be sent twice: LinkedIn answers 201 to a repeated ADD or REMOVE.
REPEATABLE_METHODS = frozenset({"BATCH_CREATE"})
TIMEOUT = (5, 60)


class TokenProvider(Protocol):
    """Where the client gets its bearer token, and whom it asks to fix a 401."""

    def access_token(self) -> str: ...

    def recover(self, error: AuthError) -> bool:
        """Try to get a working token after ``error``; True if one more call makes sense."""
        ...


@dataclass(frozen=True)
class StaticToken:
    """A fixed token that cannot be refreshed (the CLI's LINKEDIN_ACCESS_TOKEN, tests)."""

    token: str = field(repr=False)

    def access_token(self) -> str:
        return self.token

    def recover(self, error: AuthError) -> bool:
        return False


class WatchedTokens:
    """A token provider that remembers whether a call failed because only consent would help
    (a sync that paused can then say it was that: the CLI's exit code 3)."""

    def __init__(self, inner: TokenProvider) -> None:
        self.inner = inner
        self.consent_needed = False

    def access_token(self) -> str:
        try:
            return self.inner.access_token()
        except LinkedInError as err:
            self.consent_needed = self.consent_needed or err.needs_consent
            raise

    def recover(self, error: AuthError) -> bool:
        recovered = self.inner.recover(error)
        self.consent_needed = self.consent_needed or not recovered
        return recovered


def headers(version: str, *, restli_method: str | None = None, json_body: bool = False) -> dict[str, str]:
    """The headers every ``/rest`` call carries (without Authorization)."""
    out = {"LinkedIn-Version": version, "X-Restli-Protocol-Version": "2.0.0"}
    if restli_method:
        out["X-RestLi-Method"] = restli_method
    if json_body:
        out["Content-Type"] = "application/json"
    return out


def is_retryable(status: int) -> bool:
    """Worth another try: LinkedIn's rate limit (no Retry-After is sent) and its 5xx."""
    return status in RETRYABLE_STATUSES


def backoff_delay(attempt: int, *, base: float = 1.0, cap: float = 60.0, rng: random.Random | None = None) -> float:
    """Seconds to wait before retry number ``attempt`` (1-based): full-jitter exponential."""
    ceiling = min(cap, base * (2 ** (attempt - 1)))
    return (rng or random).uniform(ceiling / 2, ceiling)


@dataclass(frozen=True)
class RetryPolicy:
    """How many times to try a 5xx answer and how to wait between tries; how long to keep
    trying a 429 (``waits.rate_limit_wait``)."""

    tries: int = 5
    base: float = 1.0
    cap: float = 60.0
    rate_limit_patience: float = RATE_LIMIT_PATIENCE


@dataclass(frozen=True)
class Response:
    """A successful answer: status, parsed JSON (or None) and headers."""

    status: int
    data: Any
    headers: Mapping[str, str]

    @property
    def created_id(self) -> str | None:
        """The id of a created entity: ``x-restli-id``, else ``x-linkedin-id``, else ``Location``."""
        h = {k.lower(): v for k, v in self.headers.items()}
        if h.get("x-restli-id"):
            return h["x-restli-id"]
        if h.get("x-linkedin-id"):
            return h["x-linkedin-id"]
        if h.get("location"):
            return h["location"].rstrip("/").rsplit("/", 1)[-1]
        return None


# Called when a wait starts and then each second with what is left (``Wait.left``).
WaitHook = Callable[[Wait], None]


@dataclass(frozen=True)
class RawJSON:
    """A request body already written as JSON (UTF-8 bytes), sent as it is: a batch of elements
    built from arrays (``sync.sender``) skips the dicts and the encoder."""

    text: bytes


class Client:
    """Calls LinkedIn's API for one member, through one pooled HTTP session."""

    def __init__(
        self,
        settings: Settings,
        tokens: TokenProvider,
        *,
        session: requests.Session | None = None,
        retry: RetryPolicy = RetryPolicy(),
        on_wait: WaitHook | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.settings = settings
        self.tokens = tokens
        self.retry = retry
        self.on_wait = on_wait
        self._sleep = sleep
        self._clock = clock
        self.session = session or _session()
        self.calls = 0

    def get(self, path: str, *, params: Mapping[str, Any] | None = None) -> Response:
        return self.request("GET", path, params=params)

    def post(self, path: str, *, json: "Any | RawJSON" = None, restli_method: str | None = None) -> Response:
        return self.request("POST", path, json=json, restli_method=restli_method)

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        restli_method: str | None = None,
    ) -> Response:
        """One logical call: a 429 waited out, a 5xx retried with back-off when the call is safe
        to repeat, refreshed once on a curable 401."""
        url = self.settings.api_base_url + path
        if params:
            url += "?" + restli.query(params)
        repeatable = method == "GET" or restli_method in REPEATABLE_METHODS
        started = self._clock()
        recovered = reconnected = False
        failures = throttled = 0
        while True:
            try:
                return self._send(method, url, path, json=json, restli_method=restli_method)
            except ConnectionFailed:
                # A pooled keep-alive connection the server closed while idle fails the next
                # request at once. Reads and BATCH_CREATE are sent once more on a fresh
                # connection; a create is not, since it may have reached LinkedIn.
                if reconnected or not repeatable:
                    raise
                reconnected = True
                log.info("%s %s: connection lost, sending once more", method, path)
            except AuthError as err:
                if recovered:
                    raise
                if err.needs_consent:
                    self.tokens.recover(err)  # lets the provider record that only consent helps
                    raise
                if not self.tokens.recover(err):
                    # No way to a working token without the member: say so, keeping LinkedIn's words.
                    raise NeedsConsent(err.message, status=err.status, service_error_code=err.service_error_code,
                                       code=err.code, request_id=err.request_id, body=err.body) from err
                recovered = True
            except RateLimited as err:
                # Refused before any work was done: safe to repeat, whatever the call.
                throttled += 1
                now = self._clock()
                delay = rate_limit_wait(throttled, now - started, err.retry_after, now=now,
                                        patience=self.retry.rate_limit_patience)
                if delay is None:
                    raise
                log.info("%s %s: HTTP 429 (%d), retry in %.1fs", method, path, throttled, delay)
                reason = "LinkedIn asked the app to wait" if err.retry_after else "LinkedIn's per-minute limit"
                self._wait(Wait(delay, delay, reason, 429))
            except VersionError as err:
                err.version = self.settings.version
                raise
            except LinkedInError as err:
                failures += 1
                if err.status is None or not is_retryable(err.status) or not repeatable or failures >= self.retry.tries:
                    raise
                delay = backoff_delay(failures, base=self.retry.base, cap=self.retry.cap)
                log.info("%s %s: HTTP %s, retry %d in %.1fs", method, path, err.status, failures, delay)
                self._wait(Wait(delay, delay, unavailable_reason(err.status), err.status))

    def _wait(self, wait: Wait) -> None:
        """Sleep through ``wait``, reporting it to ``on_wait`` each second (a countdown)."""
        hook = self.on_wait
        countdown(wait.seconds, sleep=self._sleep,
                  report=lambda left: hook(replace(wait, left=left)) if hook else None)

    def _send(self, method: str, url: str, path: str, *, json: Any, restli_method: str | None) -> Response:
        hdrs = {"Authorization": f"Bearer {self.tokens.access_token()}", "Accept": "application/json"}
        if path.startswith("/rest/"):
            hdrs.update(headers(self.settings.version, restli_method=restli_method, json_body=json is not None))
        elif json is not None:
            hdrs["Content-Type"] = "application/json"
        self.calls += 1
        body = {"data": json.text} if isinstance(json, RawJSON) else {"json": json}
        try:
            resp = self.session.request(method, url, headers=hdrs, timeout=TIMEOUT, **body)
        except requests.RequestException as exc:
            log.warning("%s %s: %s", method, path, type(exc).__name__)
            raise ConnectionFailed(f"Could not reach LinkedIn ({type(exc).__name__})") from None
        request_id = resp.headers.get("x-li-request-id") or resp.headers.get("x-li-uuid")
        log.info("%s %s -> %s (request id %s)", method, path, resp.status_code, request_id)
        data = _json(resp)
        if resp.status_code >= 400:
            raise error_from_response(resp.status_code, data, resp.headers)
        return Response(resp.status_code, data, dict(resp.headers))

    def elements(self, path: str, *, params: Mapping[str, Any], count: int = 100) -> Iterator[dict]:
        """Every element of a start/count collection, page after page."""
        start = 0
        while True:
            page = self.get(path, params={**params, "start": start, "count": count}).data
            items = _elements(page)
            yield from items
            total = (page.get("paging") or {}).get("total")
            start += len(items)
            if not items or len(items) < count or (isinstance(total, int) and start >= total):
                return

    def cursor_elements(self, path: str, *, params: Mapping[str, Any], page_size: int = 100) -> Iterator[dict]:
        """Every element of a cursor-paged collection (``pageToken`` / ``metadata.nextPageToken``)."""
        token: str | None = None
        seen: set[str] = set()
        while True:
            query = {**params, "pageSize": page_size}
            if token:
                query["pageToken"] = token
            page = self.get(path, params=query).data
            yield from _elements(page)
            token = (page.get("metadata") or {}).get("nextPageToken")
            if not token or token in seen:  # a repeated cursor would loop forever
                return
            seen.add(token)


def _elements(page: Any) -> list[dict]:
    if not isinstance(page, dict) or not isinstance(page.get("elements"), list):
        raise MalformedResponse("LinkedIn's answer has no list of elements")
    return [e for e in page["elements"] if isinstance(e, dict)]


def _json(resp: requests.Response) -> Any:
    if not resp.content:
        return None
    try:
        return resp.json()
    except ValueError:
        if resp.status_code >= 400:
            return {"message": f"LinkedIn answered HTTP {resp.status_code} without a JSON body"}
        raise MalformedResponse("LinkedIn's answer was not JSON", status=resp.status_code) from None


def _session() -> requests.Session:
    """A pooled session; urllib3 retries only connection set-up, never a sent request, and
    leaves a ``Retry-After`` to the client (urllib3 would otherwise fail the 429 outright)."""
    session = requests.Session()
    adapter = HTTPAdapter(max_retries=Retry(total=2, connect=2, read=0, status=0, backoff_factor=0.3,
                                            respect_retry_after_header=False))
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session
