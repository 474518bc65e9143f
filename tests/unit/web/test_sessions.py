"""Session ids, cookie names over http and https, and the Disconnect CSRF token."""

import pytest

from linkedin.api.settings import Settings
from linkedin.web import sessions

HTTP = Settings(client_id="", client_secret="", cookie_secret="cookie-secret-0123456789-abcdefghijkl", sandbox=True)
HTTPS = Settings(client_id="cid", client_secret="s", cookie_secret="cookie-secret-0123456789-abcdefghijkl",
                 redirect_uri="https://audiences.example.com/oauth/linkedin/callback")


def test_cookie_names_are_host_cookies_only_over_https():
    assert sessions.cookie_name(HTTP, "li_sid") == "li_sid"
    assert sessions.cookie_name(HTTPS, "li_sid") == "__Host-li_sid"
    assert sessions.cookie_name(HTTPS, "li_oauth_state") == "__Host-li_oauth_state"


def test_over_http_either_name_is_read_and_the_host_cookie_first():
    a, b = sessions.new_sid(), sessions.new_sid()
    both = {"li_sid": sessions.signed_sid(HTTP, a), "__Host-li_sid": sessions.signed_sid(HTTP, b)}
    assert sessions.read_sid(both, HTTP) == b
    assert sessions.read_sid({"li_sid": both["li_sid"]}, HTTP) == a
    assert sessions.read_sid({"li_sid": both["li_sid"]}, HTTPS) is None  # over https, only __Host-
    assert sessions.read_sid({}, HTTP) is None


@pytest.mark.parametrize("sid", ["cli", "browser-1", "", "x" * 42, "x" * 44, "a/b" + "c" * 40, 42])
def test_only_ids_of_a_browsers_shape_are_read(sid):
    assert not sessions.is_browser_sid(sid)
    assert sessions.session_id(sessions.serializer(HTTP, "sid").dumps(sid), HTTP) is None


def test_a_forged_or_foreign_cookie_names_no_session():
    sid = sessions.new_sid()
    other = Settings(client_id="", client_secret="", cookie_secret="another-secret-0123456789-abcdefghij")
    assert sessions.session_id(sessions.signed_sid(other, sid), HTTP) is None
    assert sessions.session_id("garbage", HTTP) is None
    assert sessions.session_id(sessions.serializer(HTTP, "state").dumps(sid), HTTP) is None  # another purpose
    assert sessions.session_id(sessions.signed_sid(HTTP, sid), HTTP) == sid


def test_the_logout_token_is_good_for_its_own_session_only():
    sid, other = sessions.new_sid(), sessions.new_sid()
    token = sessions.logout_token(HTTP, sid)
    assert sessions.logout_token_ok(HTTP, sid, token)
    assert not sessions.logout_token_ok(HTTP, other, token)
    assert not sessions.logout_token_ok(HTTP, sid, sessions.signed_sid(HTTP, sid))  # the cookie is not the token
    assert not sessions.logout_token_ok(HTTP, sid, "")
    assert not sessions.logout_token_ok(HTTP, None, token)


def test_hand_over_nonces_are_random_and_kept_only_as_hashes():
    a, b = sessions.new_nonce(), sessions.new_nonce()
    assert a != b and sessions.is_nonce(a) and not sessions.is_nonce("short") and not sessions.is_nonce("a" * 65)
    assert sessions.handoff_key(a) != a and len(sessions.handoff_key(a)) == 64
