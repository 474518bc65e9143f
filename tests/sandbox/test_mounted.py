"""The sandbox under /sandbox, as app.py serves it: in the app's own process (the mount) and
in a process of its own behind the app's proxy (the default). Links and forms must follow,
and the controls must judge a browser's Origin the same way through either."""

from __future__ import annotations

import pytest
from starlette.applications import Starlette
from starlette.routing import Mount

from linkedin.sandbox import create_app
from linkedin.web.sandbox_process import SandboxProcess
from linkedin.web.sandbox_proxy import SandboxProxy

from .conftest import SandboxClient, parse_form, serve


@pytest.fixture(scope="module", params=["in the app's process", "in its own process"])
def mounted(request):
    if request.param == "in the app's process":
        inner = create_app()
        with serve(Starlette(routes=[Mount("/sandbox", app=inner)])) as base:
            yield SandboxClient(base + "/sandbox")
        return
    process = SandboxProcess().start()
    try:
        with serve(Starlette(routes=[Mount("/sandbox", app=SandboxProxy(process))])) as base:
            yield SandboxClient(base + "/sandbox")
    finally:
        process.stop()


def test_consent_form_posts_under_the_mount(mounted):
    page = mounted.consent_page(scope="r_ads")
    assert page.status_code == 200
    assert parse_form(page.text).action == "/sandbox/oauth/v2/authorization/decision"


def test_full_flow_under_the_mount(mounted):
    client = mounted
    client.control("POST", "/reset")
    tok = client.token("r_ads openid profile")
    assert tok["scope"] == "r_ads,openid,profile"
    r = client.api("/rest/adAccountUsers", tok["access_token"], params={"q": "authenticatedUser"})
    assert r.status_code == 200 and r.json()["paging"]["total"] == 14
    info = client.api("/v2/userinfo", tok["access_token"], version=None).json()
    assert info["picture"] == client.url("/_sandbox/avatars/Av3ryAn4ly.svg")  # the host the caller used
    assert client.http.get(info["picture"]).status_code == 200
    assert len(client.state()["tokens"]) == 1


def test_faults_see_paths_below_the_mount(mounted):
    client = mounted
    client.control("POST", "/reset")
    client.control("POST", "/faults", {"kind": "429"})
    assert client.api("/rest/adAccountUsers", None).status_code == 429
    assert client.api("/rest/adAccountUsers", None).status_code == 401


def test_a_dropped_connection_stays_dropped(mounted):
    client = mounted
    client.control("POST", "/reset")
    client.control("POST", "/faults", {"kind": "drop"})
    with pytest.raises(Exception) as caught:
        client.api("/rest/adAccountUsers", None)
    assert "Connection" in type(caught.value).__name__  # requests' ConnectionError: no answer at all
    assert client.api("/rest/adAccountUsers", None).status_code == 401


def test_controls_under_the_mount_take_the_apps_own_origin_only(mounted):
    client = mounted
    app_origin = client.base.removesuffix("/sandbox")
    ok = client.http.post(client.url("/_sandbox/clock/advance"), json={"seconds": 1},
                          headers={"origin": app_origin}, timeout=10)
    assert ok.status_code == 200
    refused = client.http.post(client.url("/_sandbox/reset"), json={}, headers={"origin": "http://evil.example"},
                               timeout=10)
    assert refused.status_code == 403
    rebound = client.http.post(client.url("/_sandbox/reset"), json={}, timeout=10,
                               headers={"origin": app_origin, "sec-fetch-site": "cross-site"})
    assert rebound.status_code == 403


def test_a_redirect_is_passed_back_not_followed(mounted):
    page = mounted.consent_page(scope="r_ads")
    answer = mounted.decide(page)
    assert answer.status_code == 302
    assert answer.headers["location"].startswith("http://localhost:8501/oauth/linkedin/callback?code=")
