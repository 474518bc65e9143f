"""``python -m linkedin sandbox --port N`` serves LinkedIn's paths at its root, in its own process."""

import subprocess
import sys
import time
from pathlib import Path

import requests

from linkedin.demo.server import free_port

ROOT = Path(__file__).resolve().parents[2]


def test_sandbox_command_serves_linkedin_paths():
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "linkedin", "sandbox", "--port", str(port), "--log-level", "warning"],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                resp = requests.get(f"http://127.0.0.1:{port}/rest/adAccountUsers?q=authenticatedUser", timeout=2)
                break
            except requests.ConnectionError:
                assert proc.poll() is None, proc.stdout.read().decode()
                assert time.monotonic() < deadline, "the sandbox did not start in 30 s"
                time.sleep(0.2)
        assert resp.status_code == 401
        assert resp.json() == {"message": "Empty oauth2_access_token", "serviceErrorCode": 401, "status": 401}
        state = requests.get(f"http://127.0.0.1:{port}/_sandbox/state", timeout=5).json()
        assert "tokens" in state and state["tokens"] == []
    finally:
        proc.terminate()
        proc.wait(10)
