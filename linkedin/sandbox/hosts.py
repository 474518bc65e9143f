"""Which host names the sandbox answers its controls and consent screen on: DNS rebinding.

A page on ``evil.example`` whose name its owner then points at 127.0.0.1 talks to the
sandbox as a same-origin page: its requests carry ``Origin: http://evil.example:PORT`` and
``Host: evil.example:PORT``, so the controls' Origin check (``controls.refusal``) sees no
other site. The Host header gives it away: a browser that reached the sandbox on purpose
used a loopback name (``localhost``, ``127.0.0.1``, ``[::1]``) or one the operator named
when exposing a demo (``SandboxSettings.served_hosts``: ``LINKEDIN_SANDBOX_HOSTS`` in the
app, ``--public-host`` alone). Anything else is refused before the request does anything; the
app's Sandbox controls page, which drives the sandbox from the server, asks ``answers_on`` of
the browser's Host header too.
Nothing here exists at LinkedIn, whose own servers answer only on their own names.
"""

from __future__ import annotations

from collections.abc import Iterable

from starlette.requests import Request

from .settings import SandboxSettings

LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1")
_SHOWN = 80  # characters of a refused Host header repeated in the answer


def host_of(request: Request) -> str:
    """The host name the client used, lower case, without port or IPv6 brackets ("" when unreadable)."""
    try:
        return (request.url.hostname or "").lower().rstrip(".")
    except ValueError:
        return ""


def answers_on(host_header: str | None, served: Iterable[str]) -> bool:
    """True when a ``Host`` header ("localhost:8501", "[::1]:8501") names one of the ``served`` hosts.

    For a front door that drives the sandbox on a browser's behalf (the app's Sandbox controls
    page calls it over 127.0.0.1): the browser's Host must pass the same test as here."""
    host = (host_header or "").strip().lower()
    if host.startswith("["):
        host = host[1:host.find("]")] if "]" in host else ""
    elif host.count(":") == 1:
        host = host.split(":", 1)[0]
    return host.rstrip(".") in {h.lower() for h in served}


def foreign_host(request: Request, served: Iterable[str]) -> str | None:
    """Why this request came through a host name the sandbox does not answer on, or None."""
    host = host_of(request)
    if host in {h.lower() for h in served}:
        return None
    shown = request.headers.get("host", "")[:_SHOWN]
    return (f"the sandbox answers only on {', '.join(served)}, not on the host name {shown!r}: to show a demo "
            "on purpose, name that host (LINKEDIN_SANDBOX_HOSTS for the app, --public-host for the sandbox alone)")


def exposed(hosts: Iterable[str], settings: SandboxSettings | None = None) -> SandboxSettings:
    """``settings`` for a demo shown on purpose at ``hosts`` too: its controls and consent screen
    answer there, and the consent screen may send codes back there."""
    extra = tuple(h.strip().lower().strip("[]") for h in hosts if h.strip())
    base = settings or SandboxSettings()
    return base.patched({"served_hosts": list(dict.fromkeys((*base.served_hosts, *extra))),
                         "redirect_hosts": list(dict.fromkeys((*base.redirect_hosts, *extra)))})
