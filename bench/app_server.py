"""The app server a browser benchmark drives, and what it reads of that process (issue 16).

``start`` runs the app as ``bin/run`` does on the sandbox (``streamlit run app.py`` on 127.0.0.1,
a free port, its own sqlite file and secrets) and, unless the built-in sandbox is asked for,
LinkedIn's sandbox in its own process with LINKEDIN_API_BASE_URL and LINKEDIN_OAUTH_BASE_URL
pointing at it. ``RssSampler`` samples VmRSS, the process's CPU and page faults and the whole
machine's CPU, in a thread; ``cpu_seconds`` reads utime + stime from /proc/PID/stat. Used by
``bench/browser_upload.py``; written so other browser benchmarks can share it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from linkedin.demo.server import free_port

ROOT = Path(__file__).resolve().parents[1]
COOKIE_SECRET = "bench-browser-upload-cookie-secret-not-for-production"
TOKEN_KEY = "bench-browser-upload-token-key-not-for-production-01"


def status_kib(pid: int, name: str) -> int:
    with open(f"/proc/{pid}/status") as fh:
        for line in fh:
            if line.startswith(name + ":"):
                return int(line.split()[1])
    return 0


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process (/proc/PID/stat fields 14 and 15), in seconds."""
    return _stat(pid)[0]


def _stat(pid: int) -> tuple[float, int]:
    """(utime + stime in seconds, minor page faults) of a process (/proc/PID/stat fields 14, 15, 10)."""
    with open(f"/proc/{pid}/stat") as fh:
        fields = fh.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK"), int(fields[7])


def machine_busy_seconds() -> float:
    """CPU seconds every core of the machine spent not idle since boot (/proc/stat's first line)."""
    with open("/proc/stat") as fh:
        fields = [int(x) for x in fh.readline().split()[1:]]
    idle = fields[3] + fields[4]  # idle, iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


class RssSampler(threading.Thread):
    """VmRSS of one process every ``period`` seconds, until stopped; ``peak(since)`` in KiB.

    Each sample also reads the process's CPU seconds and page faults and the machine's CPU
    seconds, so that ``cpu(since, until)`` tells what the process and everything else (the
    browser, the sandbox) spent in a window, and the process's faults (memory it touched for the
    first time since it was mapped or given back): the way to see whether a slow step waited
    for its own work, for the kernel or for the cores."""

    def __init__(self, pid: int, period: float = 0.1) -> None:
        super().__init__(daemon=True)
        self.pid, self.period, self.samples = pid, period, []  # (monotonic, KiB, CPU s, machine CPU s, faults)
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.is_set():
            try:
                cpu, faults = _stat(self.pid)
                self.samples.append((time.monotonic(), status_kib(self.pid, "VmRSS"), cpu, machine_busy_seconds(),
                                     faults))
            except OSError:
                return
            self._halt.wait(self.period)

    def peak(self, since: float = 0.0, until: float = float("inf")) -> int:
        return max((s[1] for s in self.samples if since <= s[0] <= until), default=0)

    def cpu(self, since: float, until: float) -> tuple[float, float, int]:
        """(this process's, everything else's) CPU seconds and this process's page faults between
        the samples nearest ``since`` and ``until`` (within a period)."""
        inside = [s for s in self.samples if since - self.period <= s[0] <= until + self.period]
        if len(inside) < 2:
            return 0.0, 0.0, 0
        first, last = min(inside, key=lambda s: abs(s[0] - since)), min(inside, key=lambda s: abs(s[0] - until))
        own = last[2] - first[2]
        return round(own, 2), round(last[3] - first[3] - own, 2), last[4] - first[4]

    def now(self) -> int:
        return status_kib(self.pid, "VmRSS")

    def stop(self) -> None:
        self._halt.set()
        self.join()


def wait_http(url: str, proc: subprocess.Popen, log: Path) -> None:
    """Until ``url`` answers 200; exits with the log's tail when ``proc`` ends or two minutes pass."""
    deadline = time.monotonic() + 120
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            sys.exit(f"{url} did not answer; log:\n{log.read_text(errors='replace')[-3000:]}")
        time.sleep(0.25)


@dataclass
class Servers:
    app: subprocess.Popen
    base: str  # the app, as the browser reaches it
    control: str  # the sandbox's root (its /_sandbox controls)
    log: Path
    sandbox: subprocess.Popen | None = None

    @property
    def port(self) -> int:
        """The app's port."""
        return int(self.base.rsplit(":", 1)[1])

    def stop(self) -> None:
        for proc in (self.app, self.sandbox):
            if proc is None:
                continue
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()


def start(tmp: Path, mounted: bool, extra_env: dict[str, str] | None = None) -> Servers:
    """The app (and, unless ``mounted``, the sandbox in its own process) on free ports; ``extra_env``
    is added to the app's environment (``LINKEDIN_SANDBOX_IN_PROCESS``, say)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LINKEDIN_")}  # no client id: the sandbox
    env.update(LINKEDIN_DB_PATH=str(tmp / "app.db"), LINKEDIN_COOKIE_SECRET=COOKIE_SECRET,
               LINKEDIN_TOKEN_KEY=TOKEN_KEY, PYTHONUNBUFFERED="1", **(extra_env or {}))
    sandbox = None
    if not mounted:
        sport = free_port()
        slog = tmp / "sandbox.log"
        with open(slog, "wb") as out:
            sandbox = subprocess.Popen([sys.executable, "-m", "linkedin", "sandbox", "--port", str(sport),
                                        "--log-level", "warning"], cwd=ROOT, stdin=subprocess.DEVNULL,
                                       stdout=out, stderr=subprocess.STDOUT)
        control = f"http://127.0.0.1:{sport}"
        wait_http(control + "/_sandbox/state", sandbox, slog)
        env.update(LINKEDIN_API_BASE_URL=control, LINKEDIN_OAUTH_BASE_URL=control)
    port = free_port()
    log = tmp / "streamlit.log"
    with open(log, "wb") as out:
        app = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
                                "--server.address", "127.0.0.1", "--server.headless", "true",
                                "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false"],
                               cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT)
    wait_http(f"http://127.0.0.1:{port}/_stcore/health", app, log)
    base = f"http://localhost:{port}"
    return Servers(app, base, control if sandbox else base + "/sandbox", log, sandbox)


def control(root: str, path: str, body: dict) -> dict:
    req = urllib.request.Request(f"{root}/_sandbox{path}", data=json.dumps(body).encode(), method="POST",
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=120) as resp:
        return json.loads(resp.read())
