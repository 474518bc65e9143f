"""The one app registered with the sandbox: public demo credentials, its products, its
``sourcePlatform`` and its redirect rule.

On LinkedIn an app's scopes come from the products it was approved for in the Developer
Portal, and an Audiences partner gets its own ``sourcePlatform`` enum value for the segments
it creates (there is no generic one). The demo registration documents both here: clients
configured for the sandbox use ``DEMO_SOURCE_PLATFORM``, and a consent that asks for a scope
of a product the registration lacks (``SandboxSettings.app_products``) is aborted.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterable
from urllib.parse import urlsplit

# Short on purpose: these are public demo credentials, not secrets.
DEMO_CLIENT_ID = "sandbox-demo-client"
DEMO_CLIENT_SECRET = "sandbox-demo-secret"
DEMO_APP_NAME = "Matched Audiences Workbench (sandbox)"
# The sourcePlatform LinkedIn "assigned" the demo registration; creating a segment with any
# other value (but LinkedIn's own LIST_UPLOAD) gets LinkedIn's 400.
DEMO_SOURCE_PLATFORM = "MATCHED_AUDIENCES_WORKBENCH"

# The Developer Portal's products and the scopes each one brings (linkedin-api.md §3).
PRODUCTS: dict[str, tuple[str, ...]] = {
    "Advertising API": ("r_ads", "rw_ads", "r_ads_reporting", "r_organization_social"),
    "Matched Audiences": ("rw_dmp_segments",),
    "Sign In with LinkedIn using OpenID Connect": ("openid", "profile", "email"),
    "Share on LinkedIn": ("w_member_social",),
    "Legacy profile": ("r_basicprofile", "r_liteprofile", "r_emailaddress"),
}


def product_of(scope: str) -> str | None:
    """The product that brings ``scope``, None for a scope no product has."""
    return next((name for name, scopes in PRODUCTS.items() if scope in scopes), None)


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
