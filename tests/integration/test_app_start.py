"""``streamlit run app.py`` refuses to start with a weak secret, or with real LinkedIn and no redirect URI (#9, #12);
on the sandbox it runs the sandbox in a process of its own, once, and stops it with itself (#16)."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
import requests

from linkedin.demo.server import free_port

ROOT = Path(__file__).resolve().parents[2]


def start(tmp_path, **settings: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LINKEDIN_")}
    env.update(LINKEDIN_DB_PATH=str(tmp_path / "data" / "app.db"), **settings)
    cmd = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(free_port()),
           "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"]
    return subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)


@pytest.mark.parametrize(("settings", "says"), [
    ({"LINKEDIN_COOKIE_SECRET": "too-short"},
     "error: LINKEDIN_COOKIE_SECRET cannot be used: it is 9 bytes long; use 32 or more random bytes."),
    ({"LINKEDIN_TOKEN_KEY": "paste-another-generated-value-here"},
     "error: LINKEDIN_TOKEN_KEY cannot be used: it is the example's placeholder, not a secret."),
    ({"LINKEDIN_CLIENT_ID": "86realclientid", "LINKEDIN_CLIENT_SECRET": "real-client-secret"},
     "error: LINKEDIN_REDIRECT_URI is not set: with real LinkedIn the app needs its public callback address"),
])
def test_the_app_refuses_to_start_and_says_why_in_one_line(tmp_path, settings, says):
    done = start(tmp_path, **settings)
    assert done.returncode != 0
    output = done.stdout + done.stderr
    assert "Traceback" not in output
    assert [line for line in output.splitlines() if line.startswith("error: ")][0].startswith(says)


def serving(tmp_path, **settings: str):
    """``streamlit run app.py`` on the sandbox, until it answers /_stcore/health: (process, port)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LINKEDIN_")}
    env.update(LINKEDIN_DB_PATH=str(tmp_path / "data" / "app.db"), **settings)
    port = free_port()
    cmd = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
           "--server.address", "127.0.0.1", "--server.headless", "true", "--server.fileWatcherType", "none",
           "--browser.gatherUsageStats", "false"]
    app = subprocess.Popen(cmd, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while True:
        try:
            if requests.get(f"http://127.0.0.1:{port}/_stcore/health", timeout=2).status_code == 200:
                return app, port
        except requests.ConnectionError:
            pass
        assert app.poll() is None and time.monotonic() < deadline, "the app did not start"
        time.sleep(0.2)


def sandboxes_of(app: subprocess.Popen) -> list[psutil.Process]:
    return [p for p in psutil.Process(app.pid).children() if "linkedin.sandbox" in " ".join(p.cmdline())]


def test_on_the_sandbox_the_app_runs_it_in_a_process_of_its_own_and_stops_it(tmp_path):
    app, port = serving(tmp_path)
    try:
        [child] = sandboxes_of(app)
        state = requests.get(f"http://localhost:{port}/sandbox/_sandbox/state", timeout=10)
        assert state.status_code == 200 and state.json()["members"][0]["name"] == "Avery Analyst"
        for _ in range(3):  # every page view runs app.py again: still one sandbox
            requests.get(f"http://127.0.0.1:{port}/", timeout=10)
        assert [p.pid for p in sandboxes_of(app)] == [child.pid]
        app.send_signal(signal.SIGTERM)
        app.wait(20)
        child.wait(10)  # psutil: raises TimeoutExpired if it outlives the app
    finally:
        app.kill()


def test_linkedin_sandbox_in_process_keeps_the_old_mount(tmp_path):
    app, port = serving(tmp_path, LINKEDIN_SANDBOX_IN_PROCESS="1")
    try:
        assert sandboxes_of(app) == []
        assert requests.get(f"http://localhost:{port}/sandbox/_sandbox/state", timeout=10).status_code == 200
    finally:
        app.kill()
        app.wait(10)
