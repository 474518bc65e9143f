"""The LinkedIn sandbox served in this process, on a free loopback port, in a background thread.

For notebooks and scripts (``Audiences.sandbox()``): no second terminal, no fixed port.
It is the same ASGI app as ``python -m linkedin sandbox``, served by uvicorn over real
HTTP, so the library talks to it exactly as it talks to LinkedIn.
"""

from __future__ import annotations

import socket
import threading
import time

from linkedin.api.errors import ConnectionFailed

START_TIMEOUT = 30.0
STOP_TIMEOUT = 10.0


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now (another process may take it before it binds)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LocalSandbox:
    """A running sandbox: ``url``, ``app`` (its Starlette app) and ``stop()``."""

    def __init__(self, *, seed: int = 7, population: int | None = None) -> None:
        import uvicorn

        from linkedin.sandbox import create_app

        self.app = create_app(seed=seed, population_size=population) if population else create_app(seed=seed)
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.bind(("127.0.0.1", 0))  # bound here and handed over: no race for the port
        self.port = self._sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(self.app, host="127.0.0.1", port=self.port, log_level="warning", access_log=False,
                                timeout_graceful_shutdown=2)
        self._server = uvicorn.Server(config)
        self._failure: list[BaseException] = []
        self._thread = threading.Thread(target=self._serve, name=f"linkedin-sandbox-{self.port}", daemon=True)

    def _serve(self) -> None:
        try:
            self._server.run(sockets=[self._sock])
        except BaseException as exc:  # uvicorn exits with SystemExit when startup fails
            self._failure.append(exc)

    def start(self) -> "LocalSandbox":
        self._thread.start()
        deadline = time.monotonic() + START_TIMEOUT
        while not self._server.started:
            if self._failure or not self._thread.is_alive():
                raise ConnectionFailed(f"The local sandbox did not start: {self._failure[:1] or 'its thread ended'}")
            if time.monotonic() > deadline:
                raise ConnectionFailed(f"The local sandbox did not start within {START_TIMEOUT:.0f} s")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        if self._thread.is_alive():
            self._thread.join(STOP_TIMEOUT)
        self._sock.close()
