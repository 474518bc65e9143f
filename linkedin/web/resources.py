"""The process-wide objects the routes and the pages share: settings, store, sandbox.

Created once per process (the app has one server process). Per-member objects never
live here: a member's tokens are found through the session id in their cookie.
"""

from __future__ import annotations

import functools

from linkedin.api import settings as config
from linkedin.api.settings import Settings
from linkedin.store import Store


@functools.cache
def settings(app_port: int | None = None) -> Settings:
    """The settings, read once; ``app_port`` locates the sandbox mounted in the app.

    Raises SettingsError (a weak secret; real LinkedIn without LINKEDIN_REDIRECT_URI) so
    the app refuses to start rather than serve with them."""
    found = config.load(app_port=app_port)
    if not found.sandbox and not found.redirect_uri:
        raise config.SettingsError(config.REDIRECT_URI_HELP)
    return found


def store(settings: Settings) -> Store:
    """The settings' store, its tokens encrypted with their token key (one per file per process)."""
    return _store(settings.db_path, settings.token_key)


@functools.cache
def _store(path: str, token_key: str) -> Store:
    return Store(path, token_key=token_key)


@functools.cache
def sandbox_app():
    """The sandbox mounted under /sandbox when the app runs without LinkedIn credentials."""
    from linkedin.sandbox import create_app

    return create_app()
