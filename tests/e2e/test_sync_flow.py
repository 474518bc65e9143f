"""MA-105..MA-107 in a real browser: upload the sample files, read the report, create a segment,
preview, send, watch it finish, read the results, and check what the sandbox now holds."""

import csv
import io
import re
from pathlib import Path

import pytest
import requests
from playwright.sync_api import Page, expect

from linkedin.tables.preparation import prepare
from tests.e2e.flows import connect, create_segment, main, open_page, wait_for_app

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
CONTACTS = ROOT / "data" / "contacts_sample.csv"
COMPANIES = ROOT / "data" / "companies_sample.csv"


def metric(page: Page, label: str):
    return main(page).get_by_test_id("stMetric").filter(has=page.get_by_text(label, exact=True))


def members_of(app_server, segment_id: int) -> dict:
    resp = requests.get(f"{app_server.sandbox_url}/_sandbox/segments/{segment_id}/members", timeout=10)
    resp.raise_for_status()
    return resp.json()


def upload(page: Page, path: Path) -> None:
    page.locator("input[type=file]").set_input_files(str(path))
    wait_for_app(page)


def send_and_finish(page: Page, total: int) -> None:
    main(page).get_by_role("button", name="Send to LinkedIn").click()
    # While it runs: the status with LinkedIn's post-create wait, then the bar reaches the total.
    expect(main(page).get_by_text("Upload finished.")).to_be_visible(timeout=60_000)
    wait_for_app(page)
    expect(main(page).get_by_test_id("stProgress")).to_contain_text(f"{total:,} of {total:,} sent")
    expect(page.get_by_test_id("stException")).to_have_count(0)


def download_results(page: Page) -> list[dict]:
    with page.expect_download() as info:
        main(page).get_by_role("button", name="Download the results (CSV)").click()
    return list(csv.DictReader(io.StringIO(Path(info.value.path()).read_text(encoding="utf-8"))))


def test_contact_sample_from_upload_to_the_segment(app_server, page: Page):
    prepared = prepare(CONTACTS, "users")
    q = prepared.quality
    connect(page, app_server.url)
    open_page(page, "People segments")
    expect(main(page).get_by_role("heading", name="People segments")).to_be_visible()

    upload(page, CONTACTS)
    expect(main(page).get_by_text("LinkedIn's contact template recognised")).to_be_visible()
    expect(metric(page, "Rows read")).to_contain_text(f"{q.rows:,}")
    expect(metric(page, "Rejected")).to_contain_text(f"{q.rejected_rows:,}")
    expect(metric(page, "Duplicates")).to_contain_text(f"{q.duplicates:,}")
    expect(metric(page, "Unique to send")).to_contain_text(f"{q.unique:,}")
    expect(main(page).get_by_text("business addresses").first).to_be_visible()
    expect(main(page).get_by_role("button", name="Export in LinkedIn's template (CSV)")).to_be_visible()

    segment_id = create_segment(page, "E2E sample contacts")
    expect(metric(page, "To add")).to_contain_text(f"{len(prepared):,}")
    expect(metric(page, "To remove")).to_contain_text("0")

    send_and_finish(page, len(prepared))
    expect(metric(page, "Rows rejected locally")).to_contain_text(f"{q.rejected_rows:,}")
    rows = download_results(page)
    assert len(rows) == q.rows  # one line per row of the file
    accepted = [r for r in rows if r["result"] == "accepted by LinkedIn"]
    expect(metric(page, "Rows accepted")).to_contain_text(f"{len(accepted):,}")
    assert {r["result"] for r in rows} <= {"accepted by LinkedIn", "rejected by LinkedIn", "rejected locally"}

    held = members_of(app_server, segment_id)
    frame = prepared.frame
    accepted_rows = {int(r["row"]) for r in accepted}
    sent = frame[frame["row"].isin(accepted_rows)]
    assert set(held["keys"]["SHA256_EMAIL"]) == set(sent["SHA256_EMAIL"].dropna())
    expect(main(page).get_by_text("on LinkedIn now")).to_be_visible()

    # The Uploads page lists the run as done.
    open_page(page, "Uploads")
    expect(main(page).get_by_role("heading", name="Uploads")).to_be_visible()
    expect(main(page).get_by_test_id("stDataFrame")).to_be_visible()
    expect(page.get_by_test_id("stException")).to_have_count(0)


def test_company_sample_from_upload_to_the_segment(app_server, page: Page):
    prepared = prepare(COMPANIES, "companies")
    cov = prepared.quality.coverage
    connect(page, app_server.url)
    open_page(page, "Company segments")
    expect(main(page).get_by_role("heading", name="Company segments")).to_be_visible()

    upload(page, COMPANIES)
    expect(main(page).get_by_text("LinkedIn's company template recognised")).to_be_visible()
    expect(metric(page, "Unique to send")).to_contain_text(f"{prepared.quality.unique:,}")
    expect(metric(page, "Name only (worst)")).to_contain_text(f"{cov.name_only:,}")
    expect(metric(page, "Page URL or organization id (best)")).to_contain_text(f"{cov.page:,}")

    segment_id = create_segment(page, "E2E target accounts")
    expect(metric(page, "To add")).to_contain_text(f"{len(prepared):,}")
    send_and_finish(page, len(prepared))
    rows = download_results(page)
    accepted = [r for r in rows if r["result"] == "accepted by LinkedIn"]
    assert accepted
    held = members_of(app_server, segment_id)
    assert held["type"] == "COMPANY"
    kept = {int(r["row"]) for r in accepted} & set(prepared.rows.tolist())
    assert len(held["keys"]) == len(kept)  # one stored company key per company sent and accepted


def test_stop_mid_upload_then_resume_sends_the_rest_once(app_server, page: Page, tmp_path):
    """Two batches (6,000 rows); Stop while the first is on its way (LinkedIn answers slowly), Resume."""
    emails = [f"stop.resume.{i}@example.org" for i in range(6000)]
    path = tmp_path / "six-thousand.csv"
    path.write_text("email\n" + "\n".join(emails) + "\n", encoding="utf-8")
    connect(page, app_server.url)
    open_page(page, "People segments")
    upload(page, path)
    expect(metric(page, "Unique to send")).to_contain_text("6,000")
    segment_id = create_segment(page, "E2E stop and resume")
    requests.post(f"{app_server.sandbox_url}/_sandbox/faults", timeout=10, json={
        "kind": "slow", "count": 1, "delay_seconds": 4, "path_prefix": f"/rest/dmpSegments/{segment_id}/users"})

    main(page).get_by_role("button", name="Send to LinkedIn").click()
    stop = main(page).get_by_role("button", name="Stop")
    expect(stop).to_be_visible()
    expect(main(page).get_by_test_id("stExpander").first).to_be_visible()  # the live status
    stop.click()
    expect(main(page).get_by_text("Upload paused")).to_be_visible(timeout=30_000)
    expect(main(page).get_by_text("Stopped by you. Resume to send the rest.")).to_be_visible()
    wait_for_app(page)
    before = members_of(app_server, segment_id)["keys"].get("SHA256_EMAIL", [])
    assert len(before) < 6000  # it did stop before the end

    main(page).get_by_role("button", name="Resume").click()
    expect(main(page).get_by_text("Upload finished.")).to_be_visible(timeout=60_000)
    wait_for_app(page)
    expect(main(page).get_by_test_id("stProgress")).to_contain_text("6,000 of 6,000 sent")
    held = members_of(app_server, segment_id)["keys"]["SHA256_EMAIL"]
    assert len(held) == 6000
    expect(metric(page, "Added")).to_contain_text("6,000")


def test_a_click_while_sending_neither_loses_nor_repeats_work(app_server, page: Page, tmp_path):
    """Streamlit starts a new script run at once on a click; the upload carries on by itself."""
    path = tmp_path / "carry-on.csv"
    path.write_text("email\n" + "\n".join(f"carry.on.{i}@example.org" for i in range(6000)) + "\n", encoding="utf-8")
    connect(page, app_server.url)
    open_page(page, "People segments")
    upload(page, path)
    segment_id = create_segment(page, "E2E carry on")
    requests.post(f"{app_server.sandbox_url}/_sandbox/faults", timeout=10, json={
        "kind": "slow", "count": 1, "delay_seconds": 4, "path_prefix": f"/rest/dmpSegments/{segment_id}/users"})
    main(page).get_by_role("button", name="Send to LinkedIn").click()
    expect(main(page).get_by_role("button", name="Stop")).to_be_visible()
    main(page).get_by_text("Paste", exact=True).click()  # any widget: the script reruns mid-upload
    expect(main(page).get_by_text("Upload finished.")).to_be_visible(timeout=60_000)
    wait_for_app(page)
    expect(metric(page, "Added")).to_contain_text("6,000")
    assert len(members_of(app_server, segment_id)["keys"]["SHA256_EMAIL"]) == 6000


def test_a_rate_limit_wait_counts_down_live_then_the_upload_finishes(app_server, page: Page, tmp_path):
    """A 429 while sending: the status counts the wait down each second in place, then carries on.

    LinkedIn's own 429 (no Retry-After) waits into the next minute, up to a minute in real time
    here; this one asks for 4 s with Retry-After so the browser sees the same countdown sooner."""
    path = tmp_path / "throttled.csv"
    path.write_text("email\n" + "\n".join(f"throttled.{i}@example.org" for i in range(50)) + "\n", encoding="utf-8")
    connect(page, app_server.url)
    open_page(page, "People segments")
    upload(page, path)
    segment_id = create_segment(page, "E2E throttled")
    requests.post(f"{app_server.sandbox_url}/_sandbox/faults", timeout=10, json={
        "kind": "429", "count": 1, "retry_after": 4, "path_prefix": f"/rest/dmpSegments/{segment_id}/users"})
    main(page).get_by_role("button", name="Send to LinkedIn").click()
    for seconds in (3, 2):  # the same warning, rewritten each second
        expect(main(page).get_by_text(f"LinkedIn asked the app to wait: retrying in {seconds} s.")).to_be_visible(
            timeout=10_000)
    expect(main(page).get_by_text("Upload finished.")).to_be_visible(timeout=60_000)
    wait_for_app(page)
    # Two waits: LinkedIn's few seconds after a create, then the 429's.
    waits = main(page).get_by_text(re.compile(r"Waited twice, \d+ s in all: once for LinkedIn's rate limit "
                                              r"\(HTTP 429\); once for LinkedIn to set up the new segment"))
    expect(waits).to_be_visible()
    waits.click()
    expect(main(page).get_by_text("4 s: LinkedIn asked the app to wait (HTTP 429)")).to_be_visible()
    assert len(members_of(app_server, segment_id)["keys"]["SHA256_EMAIL"]) == 50
