"""A client for the sandbox's demo controls (``/_sandbox/...``): expire, revoke, clock, faults.

Used by the app's Sandbox page and by tests; it speaks HTTP, so it works the same
with the sandbox mounted in the app or running alone. Every POST and DELETE carries a
JSON body (``{}`` when there is nothing to say): the controls refuse anything else.
"""

from __future__ import annotations

from typing import Any

import requests

from linkedin.api.errors import ConnectionFailed, LinkedInError


class SandboxControl:
    """Drive the sandbox at ``base_url`` (e.g. ``http://127.0.0.1:8501/sandbox``)."""

    def __init__(self, base_url: str, *, session: requests.Session | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.session = session or requests.Session()

    def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        if body is None and method != "GET":
            body = {}  # the controls take JSON only
        try:
            resp = self.session.request(method, f"{self.base_url}/_sandbox/{path}", json=body, timeout=30)
        except requests.RequestException as exc:
            raise ConnectionFailed(f"The sandbox could not be reached ({type(exc).__name__})") from None
        data = resp.json() if resp.content else None
        if resp.status_code >= 400:
            message = (data.get("message") or data.get("error")) if isinstance(data, dict) else None
            raise LinkedInError(message or f"The sandbox refused: HTTP {resp.status_code}", status=resp.status_code)
        return data

    def state(self) -> dict[str, Any]:
        return self._call("GET", "state")

    def _target(self, access_token: str | None) -> dict[str, Any] | None:
        return {"access_token": access_token} if access_token else None

    def expire_access(self, access_token: str | None = None) -> int:
        """Make the access token expire now (the next call gets 65602)."""
        return self._call("POST", "tokens/expire-access", self._target(access_token))["affected"]

    def revoke(self, access_token: str | None = None) -> int:
        """Revoke the grant (65601 on use, invalid_grant on refresh)."""
        return self._call("POST", "tokens/revoke", self._target(access_token))["affected"]

    def expire_refresh(self, access_token: str | None = None) -> int:
        """Make the refresh token expire now (refresh answers invalid_grant)."""
        return self._call("POST", "tokens/expire-refresh", self._target(access_token))["affected"]

    def update_settings(self, **values: Any) -> dict[str, Any]:
        return self._call("POST", "settings", values)

    def advance_clock(self, seconds: float) -> dict[str, Any]:
        return self._call("POST", "clock/advance", {"seconds": seconds})

    def inject_fault(self, kind: str, *, count: int = 1, path_prefix: str | None = None,
                     delay_seconds: float | None = None, method: str | None = None,
                     retry_after: int | None = None) -> Any:
        """Queue a fault (the sandbox's faults.py lists the kinds); ``method`` narrows it to one
        HTTP method, ``retry_after`` gives a 429 the header LinkedIn itself never sends."""
        body: dict[str, Any] = {"kind": kind, "count": count}
        if path_prefix:
            body["path_prefix"] = path_prefix
        if delay_seconds is not None:
            body["delay_seconds"] = delay_seconds
        if method is not None:
            body["method"] = method
        if retry_after is not None:
            body["retry_after"] = retry_after
        return self._call("POST", "faults", body)

    def clear_faults(self) -> Any:
        return self._call("DELETE", "faults")

    def reset(self) -> Any:
        return self._call("POST", "reset")
