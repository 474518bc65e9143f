"""The home page's "Since your last visit" in a real browser: connect, let the sandbox clock move
segments from BUILDING to READY and one to ARCHIVED, come back, and read what changed. Then the
Match insights page with its tabs."""

import pytest
from playwright.sync_api import Page, expect

from linkedin.demo.controls import SandboxControl
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.flows import connect, main, open_page, wait_for_app

pytestmark = pytest.mark.e2e


def test_since_last_visit_after_the_sandbox_clock_moves(app_server, page: Page):
    page.set_viewport_size({"width": 1440, "height": 1000})
    connect(page, app_server.url)
    expect(main(page).get_by_text("From your next visit, this page opens with what changed")).to_be_visible()
    expect(main(page).get_by_text("Refreshed")).to_be_visible()

    # Four days pass at LinkedIn: first builds end (BUILDING -> READY); 27 idle days become 31 (ARCHIVED).
    SandboxControl(app_server.sandbox_url).advance_clock(4 * 86400)

    page.goto(app_server.url + "/")  # a new visit: a new Streamlit session
    wait_for_app(page)
    main(page).get_by_role("button", name="Refresh").click()  # read LinkedIn now, not the cached reading
    wait_for_app(page)
    box = page.locator(".st-key-since_last_visit_box")
    expect(box.get_by_text("Since your last visit")).to_be_visible()
    expect(box.get_by_text("ready", exact=False).first).to_be_visible()
    expect(box.get_by_text("archived", exact=False).first).to_be_visible()
    expect(box.get_by_test_id("stDataFrame")).to_be_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "since-last-visit.png"))
    expect(page.get_by_test_id("stException")).to_have_count(0)

    open_page(page, "Match insights")
    expect(main(page).get_by_role("heading", name="Match insights")).to_be_visible()
    page.get_by_role("tab", name="Where each segment is used").click()
    expect(main(page).get_by_text("campaign(s) in this account")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "insights-campaigns.png"), full_page=True)
    expect(page.get_by_test_id("stException")).to_have_count(0)
