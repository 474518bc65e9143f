"""The one app registered with the sandbox: public demo credentials and its redirect rule."""

from __future__ import annotations

import hmac
from collections.abc import Iterable
from urllib.parse import urlsplit

# Short on purpose: these are public demo credentials, not secrets.
DEMO_CLIENT_ID = "sandbox-demo-client"
DEMO_CLIENT_SECRET = "sandbox-demo-secret"
DEMO_APP_NAME = "Matched Audiences Workbench (sandbox)"


def known_client(client_id: str | None) -> bool:
    return client_id == DEMO_CLIENT_ID


def client_authenticates(client_id: str, client_secret: str) -> bool:
    return known_client(client_id) and hmac.compare_digest(client_secret.encode(), DEMO_CLIENT_SECRET.encode())


def redirect_allowed(redirect_uri: str | None, *, hosts: Iterable[str]) -> bool:
    """LinkedIn matches the registered redirect URI exactly; the demo registration lists
    every http(s) URI on a loopback host, so any local port and path works."""
    if not redirect_uri:
        return False
    try:
        parts = urlsplit(redirect_uri)
        host = parts.hostname
        parts.port  # noqa: B018 - raises on a malformed port
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and host is not None and host in set(hosts) and not parts.fragment
