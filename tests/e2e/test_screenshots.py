"""Every page at 1440 x 1000, as an analyst first sees it: saved under test-artifacts/screenshots/
(git-ignored; CI keeps it for a failed run) for a person to look at, and checked for what shows
on any page: no exception, no "None" where a value is missing, no emoji (boxes on Linux)."""

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import SCREEN
from tests.e2e.flows import connect, main, open_page, wait_for_app
from tests.unit.ui.test_no_emoji import emoji_in

pytestmark = pytest.mark.e2e

SIGNED_OUT = ["Connect", "Sandbox controls"]
SIGNED_IN = ["Audiences", "People segments", "Company segments", "Uploads", "Ad accounts", "Connection",
             "Sign-off readiness", "Sandbox controls"]


def shown_well(page: Page) -> None:
    expect(page.get_by_test_id("stException")).to_have_count(0)
    expect(main(page).get_by_text("None", exact=True)).to_have_count(0)
    assert emoji_in(page.get_by_test_id("stApp").inner_text()) == []


def test_every_page_is_saved_as_a_screenshot(app_server, page: Page, screenshot):
    page.set_viewport_size(SCREEN)
    page.goto(app_server.url + "/")
    wait_for_app(page)
    for title in SIGNED_OUT:
        open_page(page, title)
        shown_well(page)
        assert screenshot(page, f"signed-out {title}").stat().st_size > 10_000

    connect(page, app_server.url)
    for title in SIGNED_IN:
        open_page(page, title)
        shown_well(page)
        assert screenshot(page, title).stat().st_size > 10_000
