"""Steps a person takes, shared by browser tests: connect through the sandbox consent screen, open a
page, create a segment."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from ui.format import inert


def wait_for_app(page: Page) -> None:
    """Wait until Streamlit finished running the script for the page shown."""
    app = page.get_by_test_id("stApp")
    expect(app).to_have_attribute("data-test-script-state", "notRunning", timeout=30_000)


def connect(page: Page, app_url: str, *, member: str | None = None) -> None:
    """From a disconnected app: Connect LinkedIn -> consent screen -> Allow -> back, connected."""
    page.goto(app_url + "/")
    page.get_by_role("link", name="Connect LinkedIn").click()
    expect(page.get_by_role("button", name="Allow")).to_be_visible()
    if member:
        _pick(page, member)
    page.get_by_role("button", name="Allow").click()
    expect(page.get_by_text("Connected to LinkedIn.")).to_be_visible()
    wait_for_app(page)


def _pick(page: Page, member: str) -> None:
    options = page.locator("select#member option")
    for i in range(options.count()):
        text = options.nth(i).inner_text()
        if text.startswith(member):
            page.locator("select#member").select_option(index=i)
            return
    raise AssertionError(f"no demo member named {member!r} on the consent screen")


def open_page(page: Page, title: str) -> None:
    """Open a page through the sidebar navigation, as a person would."""
    page.get_by_test_id("stSidebarNavLink").filter(has_text=title).click()
    wait_for_app(page)


def main(page: Page):
    """The page's main area (the sidebar repeats some texts)."""
    return page.get_by_test_id("stMainBlockContainer")


def create_segment(page: Page, name: str) -> int:
    """Create a segment named ``name`` from the people or company page; returns its id.

    The confirmation shows the name as the page renders text (``ui.format.inert``: word joiners
    after ``:`` and ``@``), so that is what is looked for."""
    box = main(page).get_by_label("Name of the new segment")
    box.fill(name)
    box.press("Enter")
    wait_for_app(page)
    main(page).get_by_role("button", name="Create segment").click()
    note = main(page).get_by_text(re.compile(rf"Segment “{re.escape(inert(name))}” created \((\d+)\)"))
    expect(note).to_be_visible()
    return int(re.search(r"created \((\d+)\)", note.inner_text()).group(1))


HEADER_PX = 35  # a dataframe's header row
ROW_PX = 35  # glide-data-grid's default row height in st.dataframe


def click_row(page: Page, container_key: str, row: int, *, row_px: int = ROW_PX) -> None:
    """Select a row of the dataframe inside ``st.container(key=container_key)``: the grid is a canvas,
    so click the row's selection cell (the first column)."""
    grid = page.locator(f".st-key-{container_key}").get_by_test_id("stDataFrame")
    expect(grid).to_have_count(1)  # a table drawn anew replaces the old one a moment after the run
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + 12, box["y"] + HEADER_PX + row_px * (row + 0.5))
    wait_for_app(page)
