"""Shared fixtures for the whole suite.

- ``serve_asgi(app)``: context manager running any ASGI app with uvicorn in a background
  thread; yields a ``LiveServer`` (``.url``, ``.port``, ``.app``).
- ``asgi_server``: fixture form of ``serve_asgi``: ``asgi_server(app)`` starts a server,
  stopped at the end of the test (for fake LinkedIns and sandboxes built with options).
- ``sandbox_server``: ``linkedin.sandbox.create_app()`` served on a fresh port for one test;
  ``.url`` like ``http://127.0.0.1:PORT``, ``.app`` the Starlette app
  (``sandbox_server.app.state.sandbox`` for its controls).
- ``sandbox_server_module``: the same, shared by the tests of one module (their changes to the
  sandbox's state are shared too).
- ``tmp_db``: a path (``pathlib.Path``) for a sqlite file in the test's tmp dir; not created.
- Autouse: every ``LINKEDIN_*`` environment variable is removed for each test, so a
  developer's real credentials never reach a test. Set what a test needs with monkeypatch.
"""

from __future__ import annotations

import contextlib
import os
import socket
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

SERVER_START_TIMEOUT = 15.0  # seconds for uvicorn to bind and run the app's lifespan startup
SERVER_STOP_TIMEOUT = 10.0


@dataclass
class LiveServer:
    url: str  # "http://127.0.0.1:PORT", no trailing slash
    port: int
    app: Any  # the ASGI app being served


@contextlib.contextmanager
def serve_asgi(app: Any, *, timeout: float = SERVER_START_TIMEOUT) -> Iterator[LiveServer]:
    """Serve ``app`` with uvicorn on 127.0.0.1 in a daemon thread until the block exits."""
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)  # TCP_NODELAY on keep-alive
    sock.bind(("127.0.0.1", 0))  # bound here, handed to uvicorn: no free-port race
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=port,
        log_level="warning",
        access_log=False,
        lifespan="auto",
        timeout_graceful_shutdown=2,  # don't wait for clients' keep-alive connections
    )
    server = uvicorn.Server(config)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            server.run(sockets=[sock])
        except BaseException as exc:  # SystemExit too: uvicorn exits on a failed startup
            errors.append(exc)

    thread = threading.Thread(target=run, name=f"uvicorn-{port}", daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + timeout
        while not server.started:
            if errors or not thread.is_alive():
                pytest.fail(f"ASGI server on port {port} did not start: {errors[:1] or 'thread ended'}")
            if time.monotonic() > deadline:
                pytest.fail(f"ASGI server on port {port} did not start within {timeout:.0f} s")
            time.sleep(0.02)
        yield LiveServer(url=f"http://127.0.0.1:{port}", port=port, app=app)
    finally:
        server.should_exit = True
        thread.join(SERVER_STOP_TIMEOUT)
        if thread.is_alive():
            server.force_exit = True
            thread.join(SERVER_STOP_TIMEOUT)
        sock.close()


@pytest.fixture
def asgi_server() -> Iterator[Callable[[Any], LiveServer]]:
    """``asgi_server(app)`` -> LiveServer; every server started is stopped after the test."""
    with contextlib.ExitStack() as stack:
        yield lambda app: stack.enter_context(serve_asgi(app))


def _sandbox_app() -> Any:
    from linkedin.sandbox import create_app  # lazy: the package may not exist yet at collection

    return create_app()


@pytest.fixture
def sandbox_server() -> Iterator[LiveServer]:
    """A fresh LinkedIn sandbox for one test."""
    with serve_asgi(_sandbox_app()) as server:
        yield server


@pytest.fixture(scope="module")
def sandbox_server_module() -> Iterator[LiveServer]:
    """One LinkedIn sandbox shared by a module's tests (state changes are shared too)."""
    with serve_asgi(_sandbox_app()) as server:
        yield server


@pytest.fixture
def tmp_db(tmp_path: Path) -> Path:
    """Path of a not-yet-existing sqlite file inside the test's tmp dir."""
    return tmp_path / "test.db"


@pytest.fixture(autouse=True)
def _no_linkedin_env(monkeypatch) -> None:
    """Tests never see the developer's LINKEDIN_* settings (credentials, DB path...)."""
    for name in list(os.environ):
        if name.startswith("LINKEDIN_"):
            monkeypatch.delenv(name)
