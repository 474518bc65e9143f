"""The process-wide objects the routes and the pages share: settings, store, sandbox.

Created once per process (the app has one server process). Per-member objects never
live here: a member's tokens are found through the session id in their cookie.
"""

from __future__ import annotations

import atexit
import functools
import threading

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


def sandbox_mount(settings: Settings):
    """What the app serves under /sandbox without LinkedIn credentials: by default a proxy to the
    sandbox in its own process, so its work (a million-element send) never stalls the pages;
    with ``sandbox_in_process`` (LINKEDIN_SANDBOX_IN_PROCESS) the sandbox itself, in this process.

    Raises SandboxFailed, saying why, when the sandbox process does not start."""
    if settings.sandbox_in_process:
        return sandbox_app()
    return _proxy()


@functools.cache
def sandbox_app():
    """The sandbox served in the app's own process (``LINKEDIN_SANDBOX_IN_PROCESS``)."""
    from linkedin.sandbox import create_app

    return create_app()


@functools.cache
def _proxy():
    from linkedin.web.sandbox_proxy import SandboxProxy

    return SandboxProxy(sandbox_process())


_process_lock = threading.Lock()
_process = None


def sandbox_process():
    """The sandbox's own process: started on first use, once per server process, stopped at exit.

    Raises SandboxFailed, saying why, when it does not start (the next call tries again)."""
    global _process
    from linkedin.web.sandbox_process import SandboxProcess

    with _process_lock:  # the first page views may ask at once, each on its own thread
        if _process is None:
            process = SandboxProcess()
            atexit.register(process.stop)
            _process = process.start()
        return _process
