"""Smoke test: the app starts on the sandbox, renders in Chromium, and serves the sandbox under /sandbox."""

from urllib.parse import urlencode

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e


def test_app_renders_and_sandbox_rejects_unknown_client(app_server, page: Page):
    page.goto(app_server.url)
    app = page.get_by_test_id("stApp")
    expect(app).to_be_visible()
    # The first script run has finished (the attribute is "initial", then "running" before that).
    expect(app).to_have_attribute("data-test-script-state", "notRunning", timeout=30_000)
    expect(page.get_by_test_id("stException")).to_have_count(0)

    query = urlencode(
        {
            "response_type": "code",
            "client_id": "unknown-client-id",
            "redirect_uri": app_server.url + "/oauth/linkedin/callback",
            "state": "smoke-test-state",
            "scope": "r_ads rw_dmp_segments",
        }
    )
    response = page.goto(f"{app_server.sandbox_url}/oauth/v2/authorization?{query}")
    assert response is not None
    assert response.status == 400
    # An unknown client must get an error page, never a redirect to the (unverified) redirect_uri.
    assert response.request.redirected_from is None
    assert page.url.startswith(app_server.sandbox_url + "/oauth/v2/authorization")
    expect(page.locator("body")).to_contain_text("client_id is invalid")  # LinkedIn's own wording
