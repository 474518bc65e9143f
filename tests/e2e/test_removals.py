"""Issue 14.12 in a real browser: a mirror that would remove most of a segment says how much and
who, asks for the segment's name, and can be undone from the results. Screenshots at 1440 x 1000
go to test-artifacts/ (git-ignored)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.flows import connect, main, open_page, wait_for_app
from tests.e2e.test_page_state import choose, segment_box, shot
from tests.e2e.test_sync_flow import create_segment, members_of, send_and_finish, upload

pytestmark = pytest.mark.e2e


def emails(start: int, stop: int) -> str:
    return "email\n" + "\n".join(f"undo.{i}@example.org" for i in range(start, stop)) + "\n"


def test_a_large_mirror_shows_who_goes_asks_for_the_name_and_can_be_undone(app_server, page: Page, tmp_path):
    page.set_viewport_size({"width": 1440, "height": 1000})
    first, second = tmp_path / "everyone.csv", tmp_path / "ten.csv"
    first.write_text(emails(0, 40), encoding="utf-8")
    second.write_text(emails(0, 10), encoding="utf-8")
    connect(page, app_server.url)
    open_page(page, "People segments")
    upload(page, first)
    segment_id = create_segment(page, "E2E big mirror")
    send_and_finish(page, 40)

    upload(page, second)
    choose(page, segment_box(page), "E2E big mirror")
    main(page).get_by_text("Mirror: make the segment equal to the table").click()
    wait_for_app(page)
    expect(main(page).get_by_text("This removes 30 people from “E2E big mirror”")).to_be_visible()
    expect(main(page).get_by_text("30 of the 40 this app sent to it, 75%")).to_be_visible()
    expect(main(page).get_by_text("Some of the people that go")).to_be_visible()
    send = main(page).get_by_role("button", name="Send to LinkedIn")
    expect(send).to_be_disabled()
    name = main(page).get_by_label(re.compile("To confirm, type its name"))
    name.fill("e2e big mirror")
    name.press("Enter")
    wait_for_app(page)
    expect(main(page).get_by_text("That is not the segment's name")).to_be_visible()
    expect(send).to_be_disabled()
    name.fill("E2E big mirror")
    name.press("Enter")
    wait_for_app(page)
    expect(send).to_be_enabled()
    shot(page, "6-mirror-preview")

    send.click()
    expect(main(page).get_by_text("Upload finished.")).to_be_visible(timeout=60_000)
    wait_for_app(page)
    assert len(members_of(app_server, segment_id)["keys"]["SHA256_EMAIL"]) == 10
    undo = main(page).get_by_role("button", name="Undo: add back 30 people")
    expect(undo).to_be_visible()
    shot(page, "7-undo-offered")

    undo.click()
    # The mirror's own result reads the same ("30 accepted ... of 30 sent"): wait for the undo's run first.
    expect(main(page).get_by_text(re.compile(r"· undo · upload \w+"))).to_be_visible(timeout=60_000)
    expect(main(page).get_by_text("Upload finished. 30 accepted by LinkedIn, of 30 sent.")).to_be_visible(
        timeout=60_000)
    wait_for_app(page)
    assert len(members_of(app_server, segment_id)["keys"]["SHA256_EMAIL"]) == 40
    expect(main(page).get_by_role("button", name=re.compile("^Undo"))).to_have_count(0)
    expect(page.get_by_test_id("stException")).to_have_count(0)
    shot(page, "8-undone")
