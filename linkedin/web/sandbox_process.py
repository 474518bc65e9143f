"""The built-in sandbox in its own process, started by the app in sandbox mode.

Mounted in the app's server, the sandbox parsed and matched a million-element send in the
app's own process, holding the GIL, and every analyst's pages stalled until it was done.
Here it is ``python -m linkedin.sandbox`` beside the app: the parent binds a loopback port,
hands the listening socket to the child (no other process can take the port in between),
waits until it answers, and stops it when the app exits. The child also watches its stdin,
a pipe only the parent holds: when the parent dies, even killed, the child ends too.

The child serves its paths under the mount (``/sandbox``), as the app's mount did, so the
app's reverse proxy (``sandbox_proxy``) forwards a browser's request unchanged. The child
gets no ``LINKEDIN_*`` variable: it needs none of the app's secrets.
"""

from __future__ import annotations

import collections
import logging
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[2]  # the folder that holds the linkedin package
START_TIMEOUT = 60.0  # building the synthetic world takes about a second; a loaded machine, more
STOP_TIMEOUT = 5.0  # between SIGTERM and SIGKILL
TAIL_LINES = 20  # of the child's output, kept for the message when it fails
_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback: never through an http_proxy


class SandboxFailed(RuntimeError):
    """The sandbox process did not start, or stopped: the message says how, in words an operator can act on."""


class SandboxProcess:
    """``python -m linkedin.sandbox`` on a free loopback port: ``start()``, ``url``, ``problem()``, ``stop()``."""

    def __init__(self, *, mount: str = "/sandbox", seed: int = 7, population: int | None = None,
                 public_hosts: tuple[str, ...] = (), python: str = sys.executable, log_level: str = "warning",
                 start_timeout: float = START_TIMEOUT) -> None:
        """``public_hosts``: host names a demo shown on purpose is reached by, passed on as ``--public-host``
        (the proxy forwards the browser's Host, so the sandbox's own host checks see what the browser used)."""
        self.mount = mount
        self.host = "127.0.0.1"
        self.port = 0
        self._command_tail = ["--mount", mount, "--seed", str(seed), "--log-level", log_level,
                              "--until-stdin-closes", *(["--population", str(population)] if population else []),
                              *[arg for name in public_hosts for arg in ("--public-host", name)]]
        self._python = python
        self._start_timeout = start_timeout
        self._tail: collections.deque[str] = collections.deque(maxlen=TAIL_LINES)
        self._process: subprocess.Popen | None = None
        self._stopping = False

    @property
    def url(self) -> str:
        """The sandbox's base URL on loopback, mount included (``http://127.0.0.1:PORT/sandbox``)."""
        return f"http://{self.host}:{self.port}{self.mount}"

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    def start(self) -> "SandboxProcess":
        """Start the child and wait until it answers; SandboxFailed with its last words if it does not."""
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        try:
            sock.bind((self.host, 0))
            sock.listen(128)
            self.port = sock.getsockname()[1]
            env = {k: v for k, v in os.environ.items() if not k.startswith("LINKEDIN_")}
            env["PYTHONUNBUFFERED"] = "1"
            self._process = subprocess.Popen(
                [self._python, "-m", "linkedin.sandbox", "--fd", str(sock.fileno()), *self._command_tail],
                cwd=ROOT, env=env, pass_fds=(sock.fileno(),), stdin=subprocess.PIPE,
                stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            )
        finally:
            sock.close()  # the child holds it now: when it ends, connections are refused at once
        threading.Thread(target=self._relay_output, name=f"sandbox-output-{self.port}", daemon=True).start()
        self._wait_until_serving()
        threading.Thread(target=self._watch, name=f"sandbox-watch-{self.port}", daemon=True).start()
        log.info("the built-in sandbox runs in its own process (pid %s) at %s", self.pid, self.url)
        return self

    def _wait_until_serving(self) -> None:
        deadline = time.monotonic() + self._start_timeout
        while True:
            problem = self.problem()
            if problem:
                raise SandboxFailed(problem)
            if time.monotonic() > deadline:
                self.stop()
                raise SandboxFailed(f"the built-in LinkedIn sandbox did not answer within {self._start_timeout:.0f} s"
                                    f"{self._last_words()}")
            if self._answers():
                return
            time.sleep(0.05)

    def _answers(self) -> bool:
        try:
            with _DIRECT.open(self.url + "/_sandbox/settings", timeout=1):
                return True
        except urllib.error.HTTPError:
            return True  # it answered: serving
        except (urllib.error.URLError, OSError):
            return False

    def problem(self) -> str | None:
        """Why the sandbox cannot answer (its process ended, and how), or None while it runs."""
        if self._process is None:
            return "the built-in LinkedIn sandbox was not started"
        code = self._process.poll()
        if code is None:
            return None
        how = f"was stopped by signal {-code}" if code < 0 else f"exited with code {code}"
        return (f"the built-in LinkedIn sandbox (pid {self._process.pid}) {how}; restart the app to start a new "
                f"one{self._last_words()}")

    def _last_words(self) -> str:
        lines = [line for line in self._tail if line.strip()]
        return f". Its last output: {lines[-1].strip()[:300]}" if lines else ""

    def _relay_output(self) -> None:
        """The child's log lines to ours (they never hold a token: the sandbox logs no query, header or body)."""
        assert self._process is not None and self._process.stdout is not None
        for raw in self._process.stdout:
            line = raw.decode("utf-8", "replace").rstrip()
            self._tail.append(line)
            print(f"sandbox: {line}", file=sys.stderr, flush=True)

    def _watch(self) -> None:
        assert self._process is not None
        self._process.wait()
        if not self._stopping:
            log.error("%s", self.problem())

    def stop(self) -> None:
        """Stop the child (SIGTERM, then SIGKILL after STOP_TIMEOUT); safe to call twice."""
        self._stopping = True
        proc = self._process
        if proc is None or proc.poll() is not None:
            return
        proc.terminate()
        try:
            proc.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(STOP_TIMEOUT)
        if proc.stdin:
            proc.stdin.close()
