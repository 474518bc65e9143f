"""The sandbox mounted under /sandbox, as app.py mounts it: links and forms must follow."""

from __future__ import annotations

import pytest
from starlette.applications import Starlette
from starlette.routing import Mount

from linkedin.sandbox import create_app

from .conftest import SandboxClient, parse_form, serve


@pytest.fixture(scope="module")
def mounted():
    inner = create_app()
    with serve(Starlette(routes=[Mount("/sandbox", app=inner)])) as base:
        yield inner, SandboxClient(base + "/sandbox")


def test_consent_form_posts_under_the_mount(mounted):
    _, client = mounted
    page = client.consent_page(scope="r_ads")
    assert page.status_code == 200
    assert parse_form(page.text).action == "/sandbox/oauth/v2/authorization/decision"


def test_full_flow_under_the_mount(mounted):
    inner, client = mounted
    client.control("POST", "/reset")
    tok = client.token("r_ads openid profile")
    assert tok["scope"] == "r_ads,openid,profile"
    r = client.api("/rest/adAccountUsers", tok["access_token"], params={"q": "authenticatedUser"})
    assert r.status_code == 200 and r.json()["paging"]["total"] == 14
    info = client.api("/v2/userinfo", tok["access_token"], version=None).json()
    assert info["picture"] == client.url("/_sandbox/avatars/Av3ryAn4ly.svg")
    assert client.http.get(info["picture"]).status_code == 200
    assert len(inner.state.sandbox.tokens.grants) == 1


def test_faults_see_paths_below_the_mount(mounted):
    _, client = mounted
    client.control("POST", "/reset")
    client.control("POST", "/faults", {"kind": "429"})
    assert client.api("/rest/adAccountUsers", None).status_code == 429
    assert client.api("/rest/adAccountUsers", None).status_code == 401


def test_controls_under_the_mount_take_the_apps_own_origin_only(mounted):
    _, client = mounted
    app_origin = client.base.removesuffix("/sandbox")
    ok = client.http.post(client.url("/_sandbox/clock/advance"), json={"seconds": 1},
                          headers={"origin": app_origin}, timeout=10)
    assert ok.status_code == 200
    refused = client.http.post(client.url("/_sandbox/reset"), json={}, headers={"origin": "http://evil.example"},
                               timeout=10)
    assert refused.status_code == 403
