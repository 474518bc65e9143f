"""Sign-off readiness in a real browser: connect through the consent screen, run, all pass, download the report."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.flows import connect, main, open_page, wait_for_app

pytestmark = pytest.mark.e2e

IDS = ("MA-001", "MA-002", "MA-003", "MA-004", "MA-005", "MA-006",
       "MA-101", "MA-102", "MA-103", "MA-104", "MA-105", "MA-106", "MA-107")


def test_signoff_runs_end_to_end_and_the_html_report_downloads(app_server, page: Page, tmp_path):
    connect(page, app_server.url)
    open_page(page, "Sign-off readiness")
    expect(main(page).get_by_role("heading", name="Sign-off readiness")).to_be_visible()

    main(page).get_by_role("button", name="Run the sign-off check").click()
    expect(main(page).get_by_text("Every requirement passed.")).to_be_visible(timeout=120_000)
    wait_for_app(page)
    expect(main(page).get_by_text(f"Done: {len(IDS)} passed, 0 failed, 0 skipped")).to_be_visible()
    for rid in IDS:
        expect(main(page).get_by_test_id("stExpander").filter(has_text=f"pass · {rid}")).to_have_count(1)
    expect(page.get_by_test_id("stException")).to_have_count(0)

    # The evidence of one requirement: the forced expiry, the 401 and the renewal.
    expander = main(page).get_by_test_id("stExpander").filter(has_text="pass · MA-003")
    expander.get_by_text("pass · MA-003 · Detect access-token expiry").click()
    expect(expander.get_by_test_id("stDataFrame").first).to_be_visible()

    with page.expect_download() as info:
        main(page).get_by_role("button", name="Download the report (HTML)").click()
    download = info.value
    assert re.fullmatch(r"signoff-\d{4}-\d\d-\d\d-\d{4}\.html", download.suggested_filename)
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    report = path.read_text(encoding="utf-8")
    assert "Every requirement passed." in report and "<script" not in report.lower()
    assert all(f'id="{rid}"' in report for rid in IDS)
    assert "65602 EXPIRED_ACCESS_TOKEN" in report and "invalid_grant" in report

    # The reconnects went into this browser's session: after a reload it is still signed in.
    page.reload()
    wait_for_app(page)
    expect(page.get_by_test_id("stSidebar").get_by_text("Connected as")).to_be_visible()
    expect(main(page).get_by_text("No run yet.")).to_have_count(0)  # the run is kept
