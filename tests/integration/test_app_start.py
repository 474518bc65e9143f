"""``streamlit run app.py`` refuses to start with a weak secret, or with real LinkedIn and no redirect URI (#9, #12)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

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
