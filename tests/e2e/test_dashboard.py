"""MA-101..MA-104 in a real browser: connect, the Audiences page (table, charts), a segment's detail, Accounts."""

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.flows import click_row, connect, main, open_page
from ui.segments_table import WRAP_PX

pytestmark = pytest.mark.e2e


def test_dashboard_table_chart_and_segment_detail(app_server, page: Page):
    connect(page, app_server.url)
    # Once connected, Audiences is the default page.
    expect(main(page).get_by_role("heading", name="Audiences")).to_be_visible()
    expect(main(page).get_by_text("Refreshed")).to_be_visible()
    table = page.locator(".st-key-segments_table")
    expect(table).to_be_visible()
    expect(page.get_by_test_id("stPlotlyChart").first).to_be_visible()
    expect(main(page).get_by_text("Attention:")).to_be_visible()

    click_row(page, "segments_table", 0, row_px=WRAP_PX)
    # Accounts are listed by name, segments by id: the first row is Brand US's newsletter list.
    expect(main(page).get_by_role("heading", name="Newsletter subscribers (US)")).to_be_visible()
    expect(main(page).get_by_text("Destination segment URN")).to_be_visible()
    expect(main(page).get_by_text("urn:li:adSegment:").first).to_be_visible()
    expect(main(page).get_by_text("History of")).to_be_visible()
    expect(page.get_by_test_id("stException")).to_have_count(0)

    open_page(page, "Ad accounts")
    expect(main(page).get_by_role("heading", name="Ad accounts")).to_be_visible()
    expect(main(page).get_by_test_id("stDataFrame")).to_be_visible()
    expect(main(page).get_by_test_id("stMetric").filter(has_text="Accounts").first).to_contain_text("14")
    expect(page.get_by_test_id("stException")).to_have_count(0)
