"""Issue 14.10 in a real browser: when LinkedIn stops accepting the connection's tokens (here the
sandbox forgets them, as after a restart), every part of the page says so and offers Reconnect;
after the reconnect every part says Connected and the heartbeat is green at once."""

from __future__ import annotations

import pytest
import requests
from playwright.sync_api import Page, expect

from tests.e2e.conftest import ARTIFACTS
from tests.e2e.flows import connect, main, open_page, wait_for_app

pytestmark = pytest.mark.e2e


def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"connection_state-{name}.png"))


def sidebar(page: Page):
    return page.get_by_test_id("stSidebar")


def test_a_refused_token_is_shown_the_same_everywhere_with_reconnect(app_server, page: Page):
    page.set_viewport_size({"width": 1440, "height": 1000})
    connect(page, app_server.url)
    open_page(page, "Audiences")
    expect(main(page).get_by_role("heading", name="Audiences")).to_be_visible()
    expect(sidebar(page).get_by_text("Connected as")).to_be_visible()

    # LinkedIn forgets every token (the sandbox's state after a restart).
    requests.post(f"{app_server.sandbox_url}/_sandbox/reset", json={}, timeout=10).raise_for_status()
    main(page).get_by_role("button", name="Refresh").click()
    expect(main(page).get_by_text("The ad accounts could not be read.")).to_be_visible()
    wait_for_app(page)
    expect(sidebar(page).get_by_text("Connected as")).to_have_count(0)
    expect(sidebar(page).get_by_text("sign-in needed")).to_be_visible()
    expect(main(page).get_by_text("LinkedIn needs you to sign in again.").first).to_be_visible()
    reconnects = main(page).get_by_role("link", name="Reconnect LinkedIn")
    expect(reconnects).to_have_count(2)  # the prompt at the top and the page's own message
    shot(page, "1-refused")

    with page.context.expect_page() as new_tab:
        reconnects.last.click()
    consent = new_tab.value
    consent.get_by_role("button", name="Allow").click()
    expect(main(consent).get_by_text("Reconnected to LinkedIn.")).to_be_visible()
    consent.close()
    main(page).get_by_role("button", name="Continue").click()
    wait_for_app(page)
    expect(sidebar(page).get_by_text("Connected as")).to_be_visible()
    expect(sidebar(page).get_by_text("LinkedIn accepted the connection.")).to_be_visible()
    expect(main(page).get_by_role("link", name="Reconnect LinkedIn")).to_have_count(0)
    expect(main(page).get_by_text("The ad accounts could not be read.")).to_have_count(0)
    shot(page, "2-reconnected")
