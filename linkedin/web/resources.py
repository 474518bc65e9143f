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
    """The settings, read once; ``app_port`` locates the sandbox mounted in the app."""
    return config.load(app_port=app_port)


@functools.cache
def store(path: str) -> Store:
    """The store at ``path`` (one per file per process)."""
    return Store(path)


@functools.cache
def sandbox_app():
    """The sandbox mounted under /sandbox when the app runs without LinkedIn credentials."""
    from linkedin.sandbox import create_app

    return create_app()
