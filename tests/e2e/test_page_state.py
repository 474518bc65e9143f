"""Issue 14.8 and 14.9 in a real browser: a new file starts clean at once, and the work on
the table in hand survives a visit to another page. Screenshots at 1440 x 1000 go to
test-artifacts/ (git-ignored)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, TimeoutError as PlaywrightTimeout, expect

from tests.e2e.conftest import ARTIFACTS
from tests.e2e.flows import connect, main, open_page, wait_for_app
from tests.e2e.test_sync_flow import create_segment, metric, send_and_finish, upload

pytestmark = pytest.mark.e2e

SHA512 = "Also send each plain email's SHA-512 hash (SHA512_EMAIL) besides its SHA-256"
FIXES = "Change country names and 3-letter codes to ISO 2-letter codes (e.g. Germany → DE)"


def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"page_state-{name}.png"), full_page=True)


def segment_box(page: Page):
    return main(page).get_by_role("combobox", name="Segment of people (USER)")


def choose(page: Page, box, text: str) -> None:
    """Pick an option of a select box by typing part of it, as a person can. A click that lands
    while the page is drawn again can leave the box closed: then it is clicked again."""
    option = page.get_by_role("option", name=re.compile(re.escape(text))).first
    for _ in range(3):
        wait_for_app(page)
        box.click()
        page.keyboard.type(text)
        try:
            option.wait_for(timeout=5_000)
            break
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
    option.click()
    wait_for_app(page)


# In the page: at the first change of the main block that shows the new file's "Checking" note,
# what else the block holds then (the last file's results, report or name).
WATCH_CHECKING = """() => {
  window.__checking = null;
  const root = document.querySelector('[data-testid="stMainBlockContainer"]');
  const look = () => {
    if (window.__checking !== null) return;
    const text = root.innerText;
    if (text.includes("Checking 300,000 rows of big.csv")) {
      window.__checking = {finished: text.includes("Upload finished."), rowsRead: text.includes("Rows read"),
                           firstFile: text.includes("first.csv")};
    }
  };
  new MutationObserver(look).observe(root, {subtree: true, childList: true, characterData: true});
}"""


def options(page: Page) -> None:
    """Open the Options expander (closed by default)."""
    main(page).get_by_test_id("stExpander").filter(has_text="Options").locator("summary").click()


def test_a_new_file_replaces_the_last_report_and_results_at_once(app_server, page: Page, tmp_path):
    page.set_viewport_size({"width": 1440, "height": 1000})
    first = tmp_path / "first.csv"
    first.write_text("email\n" + "\n".join(f"first.{i}@example.org" for i in range(40)) + "\n", encoding="utf-8")
    big = tmp_path / "big.csv"  # big enough that checking it takes a moment
    big.write_text("email\n" + "\n".join(f"big.{i}@example.org" for i in range(300_000)) + "\n", encoding="utf-8")
    connect(page, app_server.url)
    open_page(page, "People segments")
    upload(page, first)
    create_segment(page, "E2E clean slate")
    send_and_finish(page, 40)
    main(page).get_by_text("Mirror: make the segment equal to the table").click()
    wait_for_app(page)
    expect(main(page).get_by_role("radio", name="Mirror: make the segment equal to the table")).to_be_checked()
    shot(page, "1-after-first-upload")

    # The check of the new file lasts a fraction of a second: what the page shows while it runs is
    # read in the browser at the change that draws its note (polling for it from the test could
    # miss it, and did once, on a quick run), then compared here.
    page.evaluate(WATCH_CHECKING)
    page.locator("input[type=file]").set_input_files(str(big))
    page.wait_for_function("() => window.__checking !== null", timeout=30_000)
    # While the new file is read and checked ("Checking", counted before it is read), nothing of
    # the last one is on screen.
    assert page.evaluate("() => window.__checking") == {"finished": False, "rowsRead": False, "firstFile": False}
    if main(page).get_by_text("Checking 300,000 rows of big.csv…").is_visible():
        shot(page, "2-checking-the-new-file")

    wait_for_app(page)
    expect(metric(page, "Rows read")).to_contain_text("300,000")
    expect(main(page).get_by_text("Upload finished.")).to_have_count(0)
    expect(metric(page, "Added")).to_have_count(0)
    expect(segment_box(page)).to_have_value(re.compile("Create a new segment"))  # no segment preselected
    choose(page, segment_box(page), "E2E clean slate")
    expect(main(page).get_by_role("radio", name="Add the table's people")).to_be_checked()  # never mirror
    expect(metric(page, "To remove")).to_contain_text("0")
    shot(page, "3-new-file-ready")


def test_options_mode_and_segment_survive_a_visit_to_another_page(app_server, page: Page, tmp_path):
    page.set_viewport_size({"width": 1440, "height": 1000})
    path = tmp_path / "kept.csv"
    path.write_text("email,country\n" + "\n".join(f"kept.{i}@example.org,Germany" for i in range(30)) + "\n",
                    encoding="utf-8")
    connect(page, app_server.url)
    open_page(page, "People segments")
    upload(page, path)
    create_segment(page, "E2E kept while away")
    options(page)
    main(page).get_by_text(SHA512).click()
    wait_for_app(page)
    main(page).get_by_text(FIXES).click()
    wait_for_app(page)
    main(page).get_by_text("Remove the table's people").click()
    wait_for_app(page)
    shot(page, "4-options-chosen")

    open_page(page, "Audiences")
    expect(main(page).get_by_role("heading", name="Audiences")).to_be_visible()
    open_page(page, "People segments")
    expect(main(page).get_by_text(re.compile(r"Using kept\.csv \(30 rows\)"))).to_be_visible()
    expect(segment_box(page)).to_have_value(re.compile("E2E kept while away"))
    expect(main(page).get_by_role("radio", name="Remove the table's people")).to_be_checked()
    options(page)
    expect(main(page).get_by_role("checkbox", name=SHA512)).to_be_checked()
    expect(main(page).get_by_role("checkbox", name=FIXES)).not_to_be_checked()
    shot(page, "5-back-on-the-page")
