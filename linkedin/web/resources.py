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
    """The settings' store, its tokens encrypted with their token key: one per file per process.

    Made under a lock: the first sign-ins of a team arrive together, each on its own server
    thread, and two stores migrating one new file at once meet "database is locked" (found by
    bench/team_load.py, five analysts connecting at once; ``functools.cache`` does not lock)."""
    key = (settings.db_path, settings.token_key)
    with _stores_lock:
        found = _stores.get(key)
        if found is None:
            found = _stores[key] = Store(settings.db_path, token_key=settings.token_key)
        return found


_stores: dict[tuple[str, str], Store] = {}
_stores_lock = threading.Lock()


def drives_sandbox(settings: Settings, host_header: str | None) -> bool:
    """Whether a browser that reached the app as ``host_header`` may drive the sandbox's controls
    through it (the Sandbox controls page): the same host names the sandbox itself answers on
    (loopback ones and ``LINKEDIN_SANDBOX_HOSTS``), so DNS rebinding cannot go round its check.
    No Host header at all is no browser (a browser always sends one): Streamlit's AppTest."""
    from linkedin.sandbox.hosts import LOOPBACK_HOSTS, answers_on

    if not settings.sandbox:
        return False
    return not host_header or answers_on(host_header, (*LOOPBACK_HOSTS, *settings.sandbox_hosts))


def sandbox_mount(settings: Settings):
    """What the app serves under /sandbox without LinkedIn credentials: by default a proxy to the
    sandbox in its own process, so its work (a million-element send) never stalls the pages;
    with ``sandbox_in_process`` (LINKEDIN_SANDBOX_IN_PROCESS) the sandbox itself, in this process.
    Either way its controls and consent screen answer on loopback names and on
    ``settings.sandbox_hosts`` (a demo shown on purpose).

    Raises SandboxFailed, saying why, when the sandbox process does not start."""
    if settings.sandbox_in_process:
        return sandbox_app(settings.sandbox_hosts)
    return _proxy(settings.sandbox_hosts)


@functools.cache
def sandbox_app(hosts: tuple[str, ...] = ()):
    """The sandbox served in the app's own process (``LINKEDIN_SANDBOX_IN_PROCESS``)."""
    from linkedin.sandbox import create_app
    from linkedin.sandbox.hosts import exposed

    return create_app(exposed(hosts) if hosts else None)


@functools.cache
def _proxy(hosts: tuple[str, ...] = ()):
    from linkedin.web.sandbox_proxy import SandboxProxy

    return SandboxProxy(sandbox_process(hosts))


_process_lock = threading.Lock()
_process = None


def sandbox_process(hosts: tuple[str, ...] = ()):
    """The sandbox's own process: started on first use, once per server process, stopped at exit;
    ``hosts`` go to it as ``--public-host``.

    Raises SandboxFailed, saying why, when it does not start (the next call tries again)."""
    global _process
    from linkedin.web.sandbox_process import SandboxProcess

    with _process_lock:  # the first page views may ask at once, each on its own thread
        if _process is None:
            process = SandboxProcess(public_hosts=hosts)
            atexit.register(process.stop)
            _process = process.start()
        return _process
