"""The CLI's loopback sign-in: only the answer with our state ends the wait; idle connections, port 80 and the timeout."""

import socket
import threading
import time

import pytest
import requests

from linkedin.api.errors import OAuthError
from linkedin.api.settings import Settings
from linkedin.notebook import login

REAL = Settings(client_id="cid", client_secret="s", redirect_uri="https://app.example/cb")
SANDBOX = Settings(client_id="cid", client_secret="s", sandbox=True)


def later(seconds, fn, *args, **kwargs):
    """Run ``fn`` in a thread after ``seconds``; its result (or exception) in the returned list."""
    out = []

    def run():
        time.sleep(seconds)
        try:
            out.append(fn(*args, **kwargs))
        except Exception as exc:  # noqa: BLE001 - handed to the test
            out.append(exc)

    threading.Thread(target=run, daemon=True).start()
    return out


def test_requests_without_this_sign_ins_state_are_turned_away_and_the_wait_goes_on():
    with login.Loopback("http://127.0.0.1:0/linkedin/callback", "the-state") as loop:
        url = loop.uri
        answers = later(0.1, lambda: [
            requests.get(url, params={"code": "evil", "state": "other"}, timeout=5).status_code,
            requests.get(url, params={"code": "evil"}, timeout=5).status_code,
            requests.get(url.replace("/linkedin/callback", "/elsewhere"), params={"state": "the-state"}, timeout=5).status_code,
            requests.get(url, params={"code": "good", "state": "the-state"}, timeout=5).status_code,
        ])
        assert loop.wait(10) == {"code": "good", "state": "the-state"}
    deadline = time.monotonic() + 5
    while not answers and time.monotonic() < deadline:
        time.sleep(0.01)
    assert answers == [[400, 400, 404, 200]]


def test_an_error_answer_with_our_state_ends_the_wait():
    with login.Loopback("http://127.0.0.1:0/cb", "s1") as loop:
        later(0.1, requests.get, loop.uri, params={"error": "user_cancelled_login", "state": "s1"}, timeout=5)
        assert loop.wait(10) == {"error": "user_cancelled_login", "state": "s1"}


def test_a_silent_connection_is_dropped_and_the_wait_goes_on():
    with login.Loopback("http://127.0.0.1:0/cb", "s1", idle_timeout=0.3) as loop:
        port = int(loop.uri.split(":")[2].split("/")[0])
        silent = socket.create_connection(("127.0.0.1", port), timeout=5)
        later(0.1, requests.get, loop.uri, params={"code": "c", "state": "s1"}, timeout=5)
        started = time.monotonic()
        assert loop.wait(10)["code"] == "c"
        assert time.monotonic() - started < 3
        assert silent.recv(1) == b""  # closed by the server
        silent.close()


def test_the_wait_ends_after_the_timeout_given():
    with login.Loopback("http://127.0.0.1:0/cb", "s1") as loop:
        started = time.monotonic()
        with pytest.raises(OAuthError, match=r"no answer from LinkedIn's consent screen within 0.5 s"):
            loop.wait(0.5)
        assert time.monotonic() - started < 2


def test_browser_consent_passes_its_timeout_to_the_wait():
    said = []
    started = time.monotonic()
    with pytest.raises(OAuthError, match="within 1 s"):
        login.browser_consent(SANDBOX, open_browser=False, say=said.append, timeout=1, environ={})
    assert time.monotonic() - started < 3 and said[0].startswith("Sign in to LinkedIn in your browser.")
    with pytest.raises(ValueError, match="positive number of seconds"):
        login.browser_consent(SANDBOX, open_browser=False, say=said.append, timeout=0, environ={})


@pytest.mark.parametrize("uri", ["http://localhost/linkedin/callback", "http://127.0.0.1/cb", "http://[::1]/cb"])
def test_a_redirect_uri_without_a_port_is_refused_rather_than_listening_on_80(uri):
    with pytest.raises(ValueError, match="must name its port .* without one the sign-in would listen on port 80"):
        login.redirect_uri(REAL, {login.REDIRECT_ENV: uri})


def test_the_default_redirect_uris_name_their_port():
    assert login.redirect_uri(REAL, {}) == "http://localhost:8485/linkedin/callback"
    assert login.redirect_uri(SANDBOX, {}) == "http://127.0.0.1:0/linkedin/callback"
    assert login.redirect_uri(REAL, {login.REDIRECT_ENV: "http://127.0.0.1:80/cb"}) == "http://127.0.0.1:80/cb"  # said on purpose
