"""The Audiences page as an analyst at 1440 x 1000 uses it (issue 14): a selected segment stays the
one selected through filters and accounts, the attention list opens what it names, the table shows
what matters first, the charts read round ticks in members and per cent, and a new analyst is one
click from a first segment made from the sandbox's sample file. Screenshots go to
test-artifacts/screenshots/ for a person to look at."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import SCREEN
from tests.e2e.flows import click_row, connect, main, wait_for_app
from ui.segments_table import WRAP_PX

pytestmark = pytest.mark.e2e


def detail(page: Page):
    return page.locator(".st-key-segment_detail")


def pick_status(page: Page, status: str) -> None:
    main(page).get_by_test_id("stMultiSelect").filter(has_text="Status").click()
    page.get_by_role("option", name=status, exact=True).click()
    page.keyboard.press("Escape")
    wait_for_app(page)


def pick_account(page: Page, name: str) -> None:
    box = main(page).get_by_role("combobox", name="Ad account")
    box.click()
    box.fill(name)  # the list is virtual: an option far down is not drawn until typed for
    page.get_by_role("option", name=re.compile("^" + re.escape(name))).click()
    wait_for_app(page)


def tick_labels(page: Page, chart, axis: str) -> list[str]:
    return chart.locator(f"g.{axis}tick text").all_text_contents()  # SVG text has no innerText


def test_the_open_segment_is_the_one_selected_through_filters_and_accounts(app_server, page: Page, screenshot):
    page.set_viewport_size(SCREEN)
    connect(page, app_server.url)
    # All accounts, segments by account then id: Brand US's newsletter, webinar, trade show, target accounts.
    click_row(page, "segments_table", 3, row_px=WRAP_PX)
    expect(detail(page).get_by_role("heading", name="Target accounts - Fortune 500")).to_be_visible()

    pick_status(page, "READY")  # its row moves up: the newsletter comes first, then it
    expect(detail(page).get_by_role("heading", name="Target accounts - Fortune 500")).to_be_visible()
    screenshot(page, "audiences - selection kept through a filter")
    click_row(page, "segments_table", 0, row_px=WRAP_PX)  # the first READY row, not the first row before
    expect(detail(page).get_by_role("heading", name="Newsletter subscribers (US)")).to_be_visible()

    pick_account(page, "Northwind - Recruiting")  # the newsletter is not there: no detail, none other
    expect(detail(page)).to_have_count(0)
    click_row(page, "segments_table", 0, row_px=WRAP_PX)
    expect(detail(page).get_by_role("heading", name="Past applicants")).to_be_visible()
    expect(page.get_by_test_id("stException")).to_have_count(0)


def test_attention_opens_what_it_names_and_the_table_leads_with_what_matters(app_server, page: Page, screenshot):
    page.set_viewport_size(SCREEN)
    connect(page, app_server.url)
    label = main(page).get_by_test_id("stExpander").get_by_text(re.compile(r"Attention: \d+ item"))
    count = re.search(r"Attention: (\d+) item", label.inner_text()).group(1)
    expect(main(page).get_by_test_id("stMetric").filter(has_text="Need attention")).to_contain_text(count)
    # The columns that matter fit beside the selection cell at 1440 px, with room for the start of why:
    # name 190, status 90, match rate 100, audience size 96, readiness 140, source 90.
    grid = page.locator(".st-key-segments_table").get_by_test_id("stDataFrame")
    assert grid.bounding_box()["width"] >= 35 + 190 + 90 + 100 + 96 + 140 + 90 + 150
    screenshot(page, "audiences - all accounts")

    # The first item is Brand US's broken CRM sync (errors first, then by account and name).
    click_row(page, "attention_table", 0, row_px=WRAP_PX)
    expect(detail(page).get_by_role("heading", name="CRM export (broken sync)")).to_be_visible()
    expect(detail(page).get_by_text("LinkedIn reports ERROR").first).to_be_visible()
    detail(page).scroll_into_view_if_needed()
    screenshot(page, "audiences - opened from the attention list")
    expect(page.get_by_test_id("stException")).to_have_count(0)


def test_charts_read_round_ticks_in_members_and_per_cent(app_server, page: Page, screenshot):
    page.set_viewport_size(SCREEN)
    connect(page, app_server.url)
    pick_account(page, "Northwind - Brand US")  # 14 segments, 0 to 120,000 members: a log axis
    main(page).get_by_role("tab", name="Audience size").click()
    chart = main(page).get_by_test_id("stPlotlyChart").filter(has_text="Audience size vs the 300 line")
    expect(chart).to_be_visible()
    chart.scroll_into_view_if_needed()
    expect(chart.locator("g.xtick text").first).to_be_visible()
    assert tick_labels(page, chart, "x") == ["1", "10", "100", "1k", "10k", "100k", "1M"]
    expect(chart.get_by_text("300: serves from here")).to_be_visible()
    screenshot(page, "audiences - audience size, one account")

    click_row(page, "segments_table", 0, row_px=WRAP_PX)
    history = detail(page).get_by_test_id("stPlotlyChart")
    history.scroll_into_view_if_needed()
    expect(history.locator("g.y2tick text").first).to_be_visible()
    assert tick_labels(page, history, "y2") == ["0%", "20%", "40%", "60%", "80%", "100%"]
    sizes = tick_labels(page, history, "y")
    assert sizes[0] == "0" and all(re.fullmatch(r"\d+(\.5)?k?", s) for s in sizes), sizes
    screenshot(page, "audiences - history")


def test_a_new_analyst_is_one_click_from_a_first_segment_with_the_sample_file(app_server, page: Page, screenshot):
    page.set_viewport_size(SCREEN)
    connect(page, app_server.url)
    pick_account(page, "Northwind - Careers Employer Brand")  # an account without segments
    expect(main(page).get_by_text("No audiences in this account yet.")).to_be_visible()
    screenshot(page, "audiences - first run")
    main(page).get_by_role("button", name="Create your first segment from a file").click()
    wait_for_app(page)
    expect(main(page).get_by_role("heading", name="People segments")).to_be_visible()
    main(page).get_by_role("button", name="Use the sample file contacts_sample.csv").click()
    wait_for_app(page)
    expect(main(page).get_by_text("LinkedIn's contact template recognised")).to_be_visible()
    account = main(page).get_by_role("combobox", name="Ad account")
    expect(account).to_have_value(re.compile(r"^Northwind - Careers Employer Brand"))
    expect(main(page).get_by_label("Name of the new segment")).to_be_visible()
    screenshot(page, "people - first segment from the sample file")
    expect(page.get_by_test_id("stException")).to_have_count(0)
