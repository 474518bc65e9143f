"""What the analyst is told is true (#14): a finished upload with rejections is no green
"Upload finished" and says LinkedIn's reason; closed ad accounts are refused with the reason;
only segments this app can fill are offered, the others named with why. Screenshots at
1440 x 1000 go to test-artifacts/ (git-ignored)."""

import re
from pathlib import Path

import pytest
import requests
from playwright.sync_api import Page, expect

from tests.e2e.conftest import ARTIFACTS
from tests.e2e.flows import connect, main, open_page, wait_for_app
from tests.e2e.test_sync_flow import CONTACTS, create_segment, upload

pytestmark = pytest.mark.e2e


def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"truth-{name}.png"), full_page=True)


def settings(app_server, **patch) -> None:
    requests.post(f"{app_server.sandbox_url}/_sandbox/settings", json=patch, timeout=10).raise_for_status()


def choose(page: Page, label: str, option: str) -> None:
    box = main(page).get_by_role("combobox", name=label)
    box.click()
    box.fill(option)  # Streamlit's select box filters as one types
    box.press("Enter")
    wait_for_app(page)


def test_rejections_give_linkedins_reason_never_a_green_finish(app_server, page: Page, tmp_path):
    page.set_viewport_size({"width": 1440, "height": 1000})
    path = tmp_path / "by_name.csv"
    path.write_text("email,firstname,lastname,employeecompany\n"
                    + "".join(f"named.{i}@example.org,,,\n" for i in range(3))
                    + "".join(f",Dana{i},Lopez{i},Acme Corp\n" for i in range(2)), encoding="utf-8")
    settings(app_server, name_only_users="reject")  # this LinkedIn needs an id on every person
    try:
        connect(page, app_server.url)
        open_page(page, "People segments")
        upload(page, path)
        create_segment(page, "E2E some by name")
        main(page).get_by_role("button", name="Send to LinkedIn").click()
        warning = main(page).get_by_text("Upload finished with 2 rejected")
        expect(warning).to_be_visible(timeout=60_000)
        wait_for_app(page)
    finally:
        settings(app_server, name_only_users="accept")
    expect(main(page).get_by_text("2 × userIds must be a non-empty array of {idType, idValue}")).to_be_visible()
    expect(main(page).get_by_text("Upload finished.", exact=True)).to_have_count(0)
    warning.scroll_into_view_if_needed()
    shot(page, "rejections")


def test_closed_accounts_are_refused_and_only_fillable_segments_are_offered(app_server, page: Page):
    page.set_viewport_size({"width": 1440, "height": 1000})
    connect(page, app_server.url)
    open_page(page, "People segments")
    upload(page, Path(CONTACTS))
    not_offered = main(page).get_by_text(re.compile(r"more not offered, since this app cannot upload to them"))
    expect(not_offered).to_be_visible()
    expect(not_offered).to_contain_text("a LinkedIn predictive audience: LinkedIn chooses its members")
    expect(not_offered).to_contain_text("made by another tool (sourcePlatform SEGMENT), which fills it")
    not_offered.scroll_into_view_if_needed()
    shot(page, "not-offered")

    choose(page, "Ad account", "Northwind - Events 2025")
    expect(main(page).get_by_text(re.compile(r"is CANCELED\. LinkedIn serves no campaign from a closed account"))) \
        .to_be_visible()
    expect(main(page).get_by_role("button", name="Create segment")).to_have_count(0)
    expect(main(page).get_by_role("button", name="Send to LinkedIn")).to_have_count(0)
    shot(page, "closed-account")
    open_page(page, "Ad accounts")  # the table is a canvas: its "no (closed account)" is seen on the screenshot
    shot(page, "accounts")
