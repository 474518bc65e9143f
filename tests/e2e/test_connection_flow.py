"""MA-001..MA-006 in a real browser: connect, see the connection, expire and recover, reconnect, disconnect."""

import re

import pytest
from playwright.sync_api import Page, expect

from linkedin.api.settings import Settings
from linkedin.store import Store
from linkedin.web.sessions import session_id
from tests.e2e.conftest import TEST_COOKIE_SECRET
from tests.e2e.flows import connect, main, open_page, wait_for_app

pytestmark = pytest.mark.e2e


EXPIRED = "The access token expired on LinkedIn's side"


def sandbox_button(page: Page, app_url: str, name: str, done: str) -> None:
    """Press a sandbox control and wait for its confirmation ``done``.

    Waiting for the script state alone races: right after the click it may still read
    "notRunning" from before, and navigating away then drops the click.
    """
    open_page(page, "Sandbox controls")
    page.get_by_role("button", name=name).click()
    expect(main(page).get_by_text(done)).to_be_visible()
    wait_for_app(page)


def open_connection(page: Page, app_url: str) -> None:
    open_page(page, "Connection")
    expect(page.get_by_role("heading", name="LinkedIn connection")).to_be_visible()


def test_connect_cancel_shows_a_clear_message(app_server, page: Page):
    page.goto(app_server.url + "/")
    expect(main(page).get_by_text("rw_dmp_segments").first).to_be_visible()
    page.get_by_role("link", name="Connect LinkedIn").click()
    expect(page.get_by_text("Matched Audiences Workbench (sandbox)").first).to_be_visible()
    page.get_by_role("button", name="Cancel").click()
    expect(main(page).get_by_text("You cancelled on LinkedIn's consent screen")).to_be_visible()
    expect(page.get_by_role("link", name="Connect LinkedIn")).to_be_visible()


def test_forged_state_is_refused(app_server, page: Page):
    page.goto(app_server.url + "/")
    page.get_by_role("link", name="Connect LinkedIn").click()
    expect(page.get_by_role("button", name="Allow")).to_be_visible()
    # The attacker's callback carries a code and a state of their own.
    page.goto(app_server.url + "/oauth/linkedin/callback?code=attacker-code&state=forged")
    expect(main(page).get_by_text("did not belong to this browser's sign-in")).to_be_visible()
    assert not any(c["name"] == "li_sid" for c in page.context.cookies())


def test_whole_connection_lifecycle(app_server, page: Page):
    connect(page, app_server.url)
    # MA-001: member, scopes, expiries.
    open_connection(page, app_server.url)
    expect(page.get_by_role("heading", name="Avery Analyst")).to_be_visible()
    expect(main(page).get_by_text("Access token expires")).to_be_visible()
    expect(main(page).get_by_text(re.compile(r"in 5\d days"))).to_have_count(1)
    expect(main(page).get_by_text("Refresh token expires")).to_be_visible()
    sid_cookie = next(c for c in page.context.cookies() if c["name"] == "li_sid")
    assert sid_cookie["httpOnly"] and sid_cookie["sameSite"] == "Lax"

    # MA-002: heartbeat on demand.
    page.get_by_role("button", name="Check now").click()
    expect(main(page).get_by_text("LinkedIn accepted the connection.")).to_be_visible()

    # Reload and a new tab: still connected.
    page.reload()
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Avery Analyst")).to_be_visible()
    other = page.context.new_page()
    other.goto(app_server.url + "/")
    open_page(other, "Connection")
    expect(other.get_by_role("heading", name="Avery Analyst")).to_be_visible()
    other.close()

    # MA-003 + MA-005: LinkedIn expires the access token; the next call sees 65602 and renews it.
    sandbox_button(page, app_server.url, "Expire access token now", EXPIRED)
    open_connection(page, app_server.url)
    page.get_by_role("button", name="Check now").click()
    expect(main(page).get_by_text("LinkedIn accepted the connection.")).to_be_visible()
    expect(main(page).get_by_text(re.compile("renewed with the refresh token because LinkedIn reported that the access token had expired"))).to_be_visible()

    # Refresh now, on demand.
    page.get_by_role("button", name="Refresh now").click()
    expect(main(page).get_by_text("because you pressed Refresh now")).to_be_visible()

    # MA-006: the refresh token expires too; the next renewal fails and the app asks for consent.
    sandbox_button(page, app_server.url, "Expire access token now", EXPIRED)
    sandbox_button(page, app_server.url, "Expire refresh token now", "The refresh token expired on LinkedIn's side")
    open_connection(page, app_server.url)
    page.get_by_role("button", name="Check now").click()
    expect(main(page).get_by_text("LinkedIn needs you to sign in again.").first).to_be_visible()
    reconnect = page.get_by_role("link", name="Reconnect LinkedIn")
    expect(reconnect).to_be_visible()

    # MA-004: one click, in a new tab, so this tab keeps its work. The sign-in gets a new session
    # id; this tab picks it up without a reload (the marker below would not survive one).
    page.evaluate("window.__notReloaded = true")
    old_cookie = session_cookie(page.context)
    with page.context.expect_page() as new_tab:
        reconnect.click()
    consent = new_tab.value
    consent.get_by_role("button", name="Allow").click()
    expect(main(consent).get_by_text("Reconnected to LinkedIn.")).to_be_visible()
    consent.close()
    assert session_cookie(page.context) != old_cookie
    page.get_by_role("button", name="Continue").click()
    wait_for_app(page)
    expect(page.get_by_role("link", name="Reconnect LinkedIn")).to_have_count(0)
    page.get_by_role("button", name="Check now").click()
    expect(main(page).get_by_text("LinkedIn accepted the connection.")).to_be_visible()
    assert page.evaluate("window.__notReloaded") is True

    # Disconnect: the server forgets the tokens, the browser the cookie.
    page.get_by_role("button", name="Disconnect").click()
    expect(main(page).get_by_text("Disconnected: the app forgot your LinkedIn tokens.")).to_be_visible()
    expect(page.get_by_role("link", name="Connect LinkedIn")).to_be_visible()
    assert not any(c["name"] == "li_sid" for c in page.context.cookies())
    page.goto(app_server.url + "/")
    wait_for_app(page)
    expect(page.get_by_role("link", name="Connect LinkedIn")).to_be_visible()
    expect(page.get_by_test_id("stSidebarNavLink").filter(has_text="Connection")).to_have_count(0)


def test_revoked_access_asks_for_consent(app_server, page: Page):
    connect(page, app_server.url)
    sandbox_button(page, app_server.url, "Revoke access", "Access revoked on LinkedIn's side")
    open_connection(page, app_server.url)
    page.get_by_role("button", name="Check now").click()
    expect(main(page).get_by_text("Access was revoked on LinkedIn's side").first).to_be_visible()
    expect(page.get_by_role("link", name="Reconnect LinkedIn")).to_be_visible()


def session_cookie(context) -> str | None:
    return next((c["value"] for c in context.cookies() if c["name"] == "li_sid"), None)


def stored(app_server, sid: str) -> dict | None:
    """The app's row for ``sid``, read with the token key the app generated beside its database."""
    key = (app_server.db_path.parent / ".token_key").read_text()
    return Store(app_server.db_path, token_key=key).connection(sid)


def test_disconnect_is_a_post_that_a_link_or_another_sites_form_cannot_fake(app_server, page: Page):
    connect(page, app_server.url)
    raw = session_cookie(page.context)
    sid = session_id(raw, Settings(client_id="", client_secret="", cookie_secret=TEST_COOKIE_SECRET))
    assert stored(app_server, sid)["state"] == "connected"
    # A GET (a link, an image on another site) forgets nothing.
    assert page.request.get(app_server.url + "/oauth/linkedin/logout", max_redirects=0).status == 405
    # A POST without this page's token (a form on another site) is refused.
    forged = page.request.post(app_server.url + "/oauth/linkedin/logout", form={"csrf": "forged"}, max_redirects=0)
    assert (forged.status, forged.headers["location"]) == (303, "/?auth_error=logout_refused")
    assert session_cookie(page.context) == raw and stored(app_server, sid)["state"] == "connected"

    open_connection(page, app_server.url)
    page.get_by_role("button", name="Disconnect").click()
    expect(main(page).get_by_text("Disconnected: the app forgot your LinkedIn tokens.")).to_be_visible()
    assert session_cookie(page.context) is None and stored(app_server, sid) is None


def test_a_session_cookie_planted_before_consent_never_opens_the_new_connection(app_server, browser, page: Page):
    """Session fixation: the attacker signs in, plants their cookie in the victim's browser, the victim consents."""
    attacker = browser.new_context(base_url=app_server.url)
    theirs = attacker.new_page()
    connect(theirs, app_server.url, member="Vic")
    planted = session_cookie(attacker)
    page.context.add_cookies([{"name": "li_sid", "value": planted, "url": app_server.url}])

    page.goto(app_server.url + "/oauth/linkedin/start?next=/")
    page.get_by_role("button", name="Allow").click()  # the victim, as Avery Analyst
    expect(page.get_by_text("Connected to LinkedIn.")).to_be_visible()
    wait_for_app(page)
    mine = session_cookie(page.context)
    assert mine and mine != planted
    settings = Settings(client_id="", client_secret="", cookie_secret=TEST_COOKIE_SECRET)
    assert stored(app_server, session_id(planted, settings)) is None
    assert stored(app_server, session_id(mine, settings))["member_name"] == "Avery Analyst"

    # The planted cookie opens nothing: the attacker's tab, reloaded, is signed out.
    theirs.reload()
    expect(theirs.get_by_role("link", name="Connect LinkedIn")).to_be_visible()
    expect(theirs.get_by_text("Connected as")).to_have_count(0)
    attacker.close()
