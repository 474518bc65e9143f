"""`python -m linkedin.sandbox` serves the sandbox on the port it is given."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]


def test_module_runs_a_server():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "-m", "linkedin.sandbox", "--port", str(port), "--log-level", "warning"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    try:
        http = requests.Session()
        http.trust_env = False
        deadline = time.monotonic() + 15
        while True:
            try:
                r = http.get(f"http://127.0.0.1:{port}/_sandbox/state", timeout=1)
                break
            except requests.ConnectionError:
                assert proc.poll() is None, proc.stderr.read().decode()
                assert time.monotonic() < deadline, "the sandbox did not start"
                time.sleep(0.05)
        assert r.status_code == 200
        assert r.json()["members"][0]["name"] == "Avery Analyst"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
