"""The sandbox in its own process (``linkedin.web.sandbox_process``) behind the app's proxy
(``linkedin.web.sandbox_proxy``): started once, stopped at exit or when its parent dies, a
crash said in words, and the proxy's bounds. Real processes and real HTTP throughout."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
import requests
from starlette.applications import Starlette
from starlette.routing import Mount

from linkedin.web import resources
from linkedin.web.sandbox_process import SandboxFailed, SandboxProcess
from linkedin.web.sandbox_proxy import SandboxProxy
from tests.conftest import serve_asgi
from tests.sandbox.conftest import SandboxClient

ROOT = Path(__file__).resolve().parents[2]


def sandbox_children() -> list[psutil.Process]:
    found = []
    for child in psutil.Process().children():
        try:
            if "linkedin.sandbox" in " ".join(child.cmdline()):
                found.append(child)
        except psutil.NoSuchProcess:  # it ended between the listing and the look
            pass
    return found


def gone(pid: int, within: float) -> bool:
    """Whether the process ends (or is a zombie) within the bound; the watcher may reap it at any moment."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            if psutil.Process(pid).status() == psutil.STATUS_ZOMBIE:
                return True
        except psutil.NoSuchProcess:
            return True
        time.sleep(0.05)
    return False


@pytest.fixture
def process():
    found = SandboxProcess().start()
    yield found
    found.stop()


def proxied(process: SandboxProcess, **bounds):
    return serve_asgi(Starlette(routes=[Mount("/sandbox", app=SandboxProxy(process, **bounds))]))


def test_the_app_starts_one_sandbox_process_and_stops_it_at_exit(monkeypatch):
    monkeypatch.setattr(resources, "_process", None)
    exits = []
    monkeypatch.setattr(resources.atexit, "register", exits.append)
    first = resources.sandbox_process()
    try:
        assert resources.sandbox_process() is first
        assert [p.pid for p in sandbox_children()] == [first.pid]
        assert exits == [first.stop]  # what runs at the interpreter's exit
        command = psutil.Process(first.pid).cmdline()
        assert command[1:4] + command[5:] == ["-m", "linkedin.sandbox", "--fd", "--mount", "/sandbox", "--seed", "7",
                                              "--log-level", "warning", "--until-stdin-closes"]
    finally:
        exits[0]()
    assert gone(first.pid, within=1)
    with pytest.raises(requests.ConnectionError):
        requests.get(first.url + "/_sandbox/state", timeout=2)


def test_the_child_holds_none_of_the_apps_secrets(monkeypatch):
    monkeypatch.setenv("LINKEDIN_TOKEN_KEY", "not-for-the-sandbox-0123456789abcdef0123")
    found = SandboxProcess().start()
    try:
        assert not [name for name in psutil.Process(found.pid).environ() if name.startswith("LINKEDIN_")]
    finally:
        found.stop()


def test_the_child_ends_when_its_parent_is_killed():
    parent = subprocess.Popen(
        [sys.executable, "-c", "import sys, time\n"
         "from linkedin.web.sandbox_process import SandboxProcess\n"
         "print(SandboxProcess().start().pid, flush=True)\n"
         "time.sleep(600)\n"],
        cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        child = int(parent.stdout.readline())
        assert psutil.pid_exists(child)
        parent.send_signal(signal.SIGKILL)  # no atexit, no cleanup: only the child's stdin tells it
        parent.wait(10)
        assert gone(child, within=10)
    finally:
        parent.kill()


def test_a_child_that_cannot_start_says_why():
    with pytest.raises(SandboxFailed) as caught:
        SandboxProcess(log_level="chatty").start()  # it raises while setting up its logging
    message = str(caught.value)
    assert message.startswith("the built-in LinkedIn sandbox (pid ")
    assert message.endswith(") exited with code 1; restart the app to start a new one. Its last output: "
                            "ValueError: Unknown level: 'CHATTY'")


def test_a_crashed_sandbox_is_said_in_words(process, caplog):
    with proxied(process) as server:
        client = SandboxClient(server.url + "/sandbox")
        assert client.control("GET", "/state").status_code == 200
        with caplog.at_level(logging.ERROR, logger="linkedin.web.sandbox_process"):
            os.kill(process.pid, signal.SIGKILL)
            assert gone(process.pid, within=5)
            time.sleep(0.2)  # the watcher thread logs it
        expected = (f"the built-in LinkedIn sandbox (pid {process.pid}) was stopped by signal 9; restart the app "
                    "to start a new one")
        answer = client.control("GET", "/state")
        assert (answer.status_code, answer.json()) == (502, {"status": 502, "message": expected})
        assert [r.getMessage() for r in caplog.records] == [expected]


def test_a_body_over_the_bound_is_refused_before_it_is_forwarded(process):
    with proxied(process, max_request_bytes=1024 * 1024) as server:
        client = SandboxClient(server.url + "/sandbox")
        client.control("POST", "/reset")
        big = client.http.post(client.url("/_sandbox/faults"), data=b"{" + b" " * (1024 * 1024) + b"}", timeout=10,
                               headers={"content-type": "application/json"})
        assert (big.status_code, big.json()["message"]) == (413, "the request's body is over 1 MiB")

        def chunks():
            yield b'{"kind": "429",'
            yield b" " * (1024 * 1024)
            yield b"}"
        streamed = client.http.post(client.url("/_sandbox/faults"), data=chunks(), timeout=10,
                                    headers={"content-type": "application/json"})  # no length: chunked
        assert streamed.status_code == 413
        assert client.state()["faults"] == []  # neither reached the sandbox
        assert client.control("POST", "/faults", {"kind": "429"}).status_code == 200


def test_an_answer_slower_than_the_bound_gets_504(process):
    with proxied(process, read_timeout=0.5) as server:
        client = SandboxClient(server.url + "/sandbox")
        client.control("POST", "/reset")
        client.control("POST", "/faults", {"kind": "slow", "delay_seconds": 3})
        answer = client.api("/rest/adAccountUsers", None)
        assert (answer.status_code, answer.json()["message"]) == (
            504, "the built-in LinkedIn sandbox did not answer within 0.5 s")


def test_no_token_or_code_reaches_the_logs(process, caplog, capfd):
    with proxied(process) as server, caplog.at_level(logging.DEBUG):
        client = SandboxClient(server.url + "/sandbox")
        client.control("POST", "/reset")
        client.control("POST", "/faults", {"kind": "500"})
        code = client.code("r_ads openid profile")
        tok = client.exchange(code).json()
        assert client.api("/rest/me", tok["access_token"]).status_code == 500  # logged by the sandbox as a fault
        assert client.api("/rest/me", "not-a-token").status_code == 401
        time.sleep(0.3)  # the child's lines reach our stderr through a thread
    said = caplog.text + "".join(capfd.readouterr())
    for secret in (code, tok["access_token"], tok["refresh_token"], "not-a-token"):
        assert secret not in said
