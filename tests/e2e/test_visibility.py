"""Who sees what, in real browsers: two analysts signed in at once (two browser contexts, so two
cookie jars) never see each other's connection or uploads; names that look like Markdown or HTML
show as text (no link, no image, no script); the sandbox's controls refuse another site's request."""

import re

import pytest
import requests
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS
from tests.e2e.flows import connect, create_segment, main, open_page, wait_for_app
from ui.format import inert

pytestmark = pytest.mark.e2e

SEGMENT = ("[click](http://evil.example) ![x](http://img.example/x.png) <img src=x onerror=alert(1)> "
           "www.evil.example :red[z] :material/home: :smile: $x^2$")
FILE = "![x](img.png) <img src=x onerror=alert(1)>.csv"
COLUMN = "<img src=y onerror=alert(2)> a@evil.example"
# As the page shows them: the same characters, with invisible word joiners where a bare address,
# an icon or an emoji would otherwise act (ui.format.inert). A colour, an icon, an emoji or a
# formula would not show these characters, so finding them is finding text.
SHOWN_SEGMENT, SHOWN_FILE, SHOWN_COLUMN = inert(SEGMENT), inert(FILE), inert(COLUMN)


def nothing_rendered(page: Page, dialogs: list[str]) -> None:
    """No link to the hostile hosts or by email, no image they name, no formula, icon or emoji made
    of a name, no script run: the names stayed text."""
    wait_for_app(page)
    hostile = ("a[href*='evil.example'], a[href^='mailto:'], img[src*='img.example'], img[src='img.png'], "
               "img[src='x'], img[src='y'], [data-testid=stMainBlockContainer] .katex")
    found = page.locator(hostile).evaluate_all(
        "els => els.map(e => e.parentElement.outerHTML.slice(0, 300))")
    assert found == [], found
    expect(main(page).get_by_role("img", name="home icon")).to_have_count(0)
    assert "😄" not in main(page).inner_text()
    assert dialogs == []


def signed_in(browser: Browser, app_server, member: str | None = None) -> tuple[Page, list[str]]:
    context = browser.new_context(base_url=app_server.url, viewport={"width": 1366, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    connect(page, app_server.url, member=member)
    return page, dialogs


def test_two_analysts_at_once_see_only_their_own_work_and_names_stay_text(app_server, browser: Browser):
    avery, avery_dialogs = signed_in(browser, app_server)
    vic, vic_dialogs = signed_in(browser, app_server, member="Vic Viewer")
    try:
        expect(avery.get_by_test_id("stSidebar").get_by_text("Connected as Avery Analyst")).to_be_visible()
        expect(vic.get_by_test_id("stSidebar").get_by_text("Connected as Vic Viewer")).to_be_visible()

        # Avery: a file, a column and a segment named like Markdown and HTML; the upload pauses.
        open_page(avery, "People segments")
        rows = [f"email,{COLUMN}"] + [f"hostile.{i}@example.org,<b>x</b>" for i in range(12)]
        avery.locator("input[type=file]").set_input_files(files=[
            {"name": FILE, "mimeType": "text/csv", "buffer": ("\n".join(rows) + "\n").encode()}])
        wait_for_app(avery)
        expect(main(avery).get_by_text(f"Columns not used: {SHOWN_COLUMN}.")).to_be_visible()
        segment_id = create_segment(avery, SEGMENT)
        requests.post(f"{app_server.sandbox_url}/_sandbox/faults", timeout=10, json={
            "kind": "500", "count": 5, "path_prefix": f"/rest/dmpSegments/{segment_id}/users"})
        main(avery).get_by_role("button", name="Send to LinkedIn").click()
        expect(main(avery).get_by_text("Upload paused")).to_be_visible(timeout=60_000)
        wait_for_app(avery)
        expect(main(avery).get_by_text(f"{SHOWN_FILE} → “{SHOWN_SEGMENT}”")).to_be_visible()
        nothing_rendered(avery, avery_dialogs)

        open_page(avery, "Uploads")
        expect(main(avery).get_by_text(re.compile(re.escape(SHOWN_SEGMENT) + rf" \({segment_id}\) ·"))).to_be_visible()
        expect(main(avery).get_by_text(f"The table it was sent from ({SHOWN_FILE}) is still in this session.")
               ).to_be_visible()
        expect(main(avery).get_by_role("button", name="Resume", exact=True)).to_be_visible()
        nothing_rendered(avery, avery_dialogs)

        # Vic, at the same time on the same server: none of it, and still Vic.
        open_page(vic, "Uploads")
        expect(main(vic).get_by_text("No uploads yet.")).to_be_visible()
        expect(main(vic).get_by_role("button", name="Resume")).to_have_count(0)
        vic_text = vic.get_by_test_id("stApp").inner_text()
        assert "Avery Analyst" not in vic_text and "evil.example" not in vic_text and str(segment_id) not in vic_text
        expect(vic.get_by_test_id("stSidebar").get_by_text("Connected as Vic Viewer")).to_be_visible()
        nothing_rendered(vic, vic_dialogs)

        # Avery again, after a reload (a new Streamlit session, the same cookie): hers, and still Avery.
        avery.reload()
        wait_for_app(avery)
        expect(avery.get_by_test_id("stSidebar").get_by_text("Connected as Avery Analyst")).to_be_visible()
        expect(main(avery).get_by_role("button", name="Resume", exact=True)).to_have_count(0)  # the table went
        expect(main(avery).get_by_role("button", name="Resume without the file")).to_be_visible()  # hashed emails
        expect(main(avery).get_by_text(re.compile(re.escape(SHOWN_SEGMENT) + rf" \({segment_id}\) ·"))).to_be_visible()
        nothing_rendered(avery, avery_dialogs)
    finally:
        avery.context.close()
        vic.context.close()


def test_another_sites_page_cannot_drive_the_sandbox_controls(app_server, page: Page):
    """A page of another origin (127.0.0.1 is not localhost to a browser) posts to the controls as a
    hostile site would, without a preflight: the sandbox refuses, and nothing changes."""
    before = requests.get(f"{app_server.sandbox_url}/_sandbox/state", timeout=10).json()["clock_offset"]
    page.goto(app_server.url.replace("localhost", "127.0.0.1") + "/_stcore/health")
    target = f"{app_server.sandbox_url}/_sandbox/clock/advance"
    page.evaluate("""async (url) => {
        await fetch(url, {method: "POST", mode: "no-cors", body: '{"seconds": 86400}',
                          headers: {"Content-Type": "text/plain"}}).catch(() => null);
        const form = document.createElement("form");
        form.method = "POST"; form.action = url; form.enctype = "text/plain";
        const field = document.createElement("input");
        field.name = '{"seconds": 86400, "x": "'; field.value = '"}';
        form.appendChild(field); document.body.appendChild(form); form.submit();
    }""", target)
    page.wait_for_load_state()
    expect(page.locator("body")).to_contain_text("cross-site")
    after = requests.get(f"{app_server.sandbox_url}/_sandbox/state", timeout=10).json()["clock_offset"]
    assert after == before


def test_a_dns_rebound_name_cannot_drive_the_sandbox(app_server, playwright):
    """DNS rebinding, played by Chromium's resolver: evil.example now points at 127.0.0.1, so a page
    of evil.example is same-origin with the app it reaches there (its Origin matches its Host). The
    sandbox's controls and consent screen answer only on loopback names, and the app leaves its
    Sandbox controls page (which drives the sandbox from the server) out of such a page's menu."""
    rebound = playwright.chromium.launch(executable_path=CHROMIUM, timeout=30_000,
                                         args=[*CHROMIUM_ARGS, "--host-resolver-rules=MAP evil.example 127.0.0.1"])
    try:
        page = rebound.new_page(viewport={"width": 1440, "height": 1000})
        evil = f"http://evil.example:{app_server.port}"
        before = requests.get(f"{app_server.sandbox_url}/_sandbox/state", timeout=10).json()["clock_offset"]
        page.goto(app_server.url + "/")  # at localhost the menu offers the Sandbox controls...
        wait_for_app(page)
        expect(page.get_by_test_id("stSidebarNavLink").filter(has_text="Sandbox controls")).to_have_count(1)
        page.goto(evil + "/")  # ...at the rebound name it does not
        wait_for_app(page)
        expect(page.get_by_role("link", name="Connect LinkedIn")).to_be_visible()  # the app itself loads
        expect(page.get_by_test_id("stSidebarNavLink").filter(has_text="Sandbox controls")).to_have_count(0)
        answers = page.evaluate("""async (base) => {
            const advance = await fetch(base + "/sandbox/_sandbox/clock/advance", {method: "POST",
                headers: {"Content-Type": "application/json"}, body: '{"seconds": 86400}'});
            const consent = await fetch(base + "/sandbox/oauth/v2/authorization?response_type=code&client_id=" +
                "sandbox-demo-client&scope=r_ads&redirect_uri=http%3A%2F%2Flocalhost%3A1%2Fcb");
            return [advance.status, (await advance.json()).error, consent.status, await consent.text()];
        }""", evil)
        assert answers[0] == 403 and answers[1].startswith("the sandbox answers only on localhost, 127.0.0.1, ::1")
        assert answers[2] == 403 and "Allow" not in answers[3]
        page.goto(evil + "/oauth/linkedin/start")  # Connect LinkedIn, from the rebound name
        expect(page.locator("body")).to_contain_text("The sandbox answers only on localhost")
        after = requests.get(f"{app_server.sandbox_url}/_sandbox/state", timeout=10).json()["clock_offset"]
        assert after == before
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "dns_rebinding_refused.png"))
    finally:
        rebound.close()
