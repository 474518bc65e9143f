"""Contract tests of the OAuth calls against LinkedIn's documented shapes (responses)."""

from urllib.parse import parse_qs, urlparse

import pytest
import requests
import responses

from linkedin.api.errors import ConnectionFailed, MalformedResponse, NeedsConsent, OAuthError
from linkedin.api.oauth import OAuth, Token, assess, parse_scopes
from linkedin.api.settings import Settings

SETTINGS = Settings(
    client_id="cid",
    client_secret="csecret",
    redirect_uri="https://app.example/oauth/linkedin/callback",
    cookie_secret="x" * 32,
    scopes=("r_ads", "rw_dmp_segments"),
)
TOKEN_URL = "https://www.linkedin.com/oauth/v2/accessToken"
INTROSPECT_URL = "https://www.linkedin.com/oauth/v2/introspectToken"
NOW = 1_800_000_000.0


class Clock:
    def __init__(self, now=NOW):
        self.now = now

    def __call__(self):
        return self.now


def body(call):
    return {k: v[0] for k, v in parse_qs(call.request.body).items()}


def test_authorization_url_has_space_delimited_scopes_state_and_redirect():
    url = OAuth(SETTINGS).authorization_url("STATE123")
    parsed = urlparse(url)
    assert f"{parsed.scheme}://{parsed.netloc}{parsed.path}" == "https://www.linkedin.com/oauth/v2/authorization"
    q = parse_qs(parsed.query)
    assert q == {
        "response_type": ["code"],
        "client_id": ["cid"],
        "redirect_uri": ["https://app.example/oauth/linkedin/callback"],
        "scope": ["r_ads rw_dmp_segments"],
        "state": ["STATE123"],
    }
    assert "scope=r_ads+rw_dmp_segments" in url or "scope=r_ads%20rw_dmp_segments" in url


@responses.activate
def test_exchange_sends_credentials_in_the_body_and_tracks_both_expiries():
    responses.post(
        TOKEN_URL,
        json={
            "access_token": "AT1",
            "expires_in": 5184000,
            "refresh_token": "RT1",
            "refresh_token_expires_in": 31536000,
            "scope": "r_ads,rw_dmp_segments",
        },
    )
    token = OAuth(SETTINGS, clock=Clock()).exchange("CODE")
    call = responses.calls[0]
    assert body(call) == {
        "grant_type": "authorization_code",
        "code": "CODE",
        "client_id": "cid",
        "client_secret": "csecret",
        "redirect_uri": "https://app.example/oauth/linkedin/callback",
    }
    assert "Authorization" not in call.request.headers  # not HTTP Basic
    assert call.request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert token.access_token == "AT1" and token.refresh_token == "RT1"
    assert token.scopes == ("r_ads", "rw_dmp_segments")
    assert token.access_expires_at == NOW + 5184000
    assert token.refresh_expires_at == NOW + 31536000
    assert token.consented_at == NOW


@responses.activate
def test_refresh_sends_exactly_the_refresh_grant_and_never_extends_the_refresh_life():
    first = Token("AT1", NOW + 100, ("r_ads", "rw_dmp_segments"), "RT1", NOW + 1000, NOW, NOW)
    clock = Clock(NOW + 200)
    # LinkedIn's answer claims more refresh life than is left: we keep the original bound.
    responses.post(TOKEN_URL, json={"access_token": "AT2", "expires_in": 5184000, "refresh_token": "RT1",
                                    "refresh_token_expires_in": 999999, "scope": "r_ads,rw_dmp_segments"})
    second = OAuth(SETTINGS, clock=clock).refresh(first)
    assert body(responses.calls[0]) == {
        "grant_type": "refresh_token",
        "refresh_token": "RT1",
        "client_id": "cid",
        "client_secret": "csecret",
    }
    assert second.access_token == "AT2"
    assert second.access_expires_at == NOW + 200 + 5184000
    assert second.refresh_expires_at == NOW + 1000
    assert second.consented_at == NOW


@responses.activate
def test_refresh_follows_a_shrinking_refresh_life():
    first = Token("AT1", NOW, ("r_ads",), "RT1", NOW + 1000, NOW, NOW)
    responses.post(TOKEN_URL, json={"access_token": "AT2", "expires_in": 400, "refresh_token_expires_in": 400})
    second = OAuth(SETTINGS, clock=Clock(NOW + 500)).refresh(first)
    assert second.refresh_expires_at == NOW + 900
    assert second.refresh_token == "RT1"  # same refresh token kept when none is returned
    assert second.scopes == ("r_ads",)


@responses.activate
def test_invalid_grant_on_refresh_means_consent_and_is_not_retried():
    first = Token("AT1", NOW, ("r_ads",), "RT1", NOW + 1000, NOW, NOW)
    responses.post(TOKEN_URL, status=400, json={"error": "invalid_grant", "error_description": "The provided authorization grant or refresh token is invalid, expired or revoked."})
    with pytest.raises(NeedsConsent):
        OAuth(SETTINGS, clock=Clock()).refresh(first)
    assert len(responses.calls) == 1


def test_refresh_without_refresh_token_or_past_its_expiry_needs_consent_without_a_call():
    oauth = OAuth(SETTINGS, clock=Clock())
    with pytest.raises(NeedsConsent, match="no refresh token"):
        oauth.refresh(Token("AT", NOW - 1, ("r_ads",)))
    with pytest.raises(NeedsConsent, match="refresh token expired"):
        oauth.refresh(Token("AT", NOW - 1, ("r_ads",), "RT", NOW - 1))


@responses.activate
@pytest.mark.parametrize(
    "kwargs, error",
    [
        ({"body": "<html>oops</html>", "status": 200}, MalformedResponse),
        ({"json": {"expires_in": 10}}, MalformedResponse),
        ({"json": {"access_token": "A", "expires_in": "soon"}}, MalformedResponse),
        ({"json": {"access_token": "A"}}, MalformedResponse),
        ({"status": 401, "json": {"error": "invalid_client", "error_description": "Client authentication failed"}}, OAuthError),
        ({"body": requests.ConnectionError("refused")}, ConnectionFailed),
    ],
)
def test_bad_token_answers_become_typed_errors(kwargs, error):
    responses.post(TOKEN_URL, **kwargs)
    with pytest.raises(error) as caught:
        OAuth(SETTINGS, clock=Clock()).exchange("CODE")
    assert "csecret" not in str(caught.value)


@responses.activate
def test_introspection_reads_status_and_scopes():
    responses.post(INTROSPECT_URL, json={"active": False, "client_id": "cid", "status": "revoked",
                                         "expires_at": 1897497620, "scope": "r_ads,rw_dmp_segments", "auth_type": "3L"})
    result = OAuth(SETTINGS).introspect(Token("AT", NOW, ()))
    assert body(responses.calls[0]) == {"client_id": "cid", "client_secret": "csecret", "token": "AT"}
    assert (result.active, result.status, result.scopes, result.expires_at) == (False, "revoked", ("r_ads", "rw_dmp_segments"), 1897497620.0)


def test_parse_scopes_accepts_commas_spaces_and_oauthlib_lists():
    assert parse_scopes("r_ads,rw_dmp_segments") == ("r_ads", "rw_dmp_segments")
    assert parse_scopes(["r_ads,rw_dmp_segments"]) == ("r_ads", "rw_dmp_segments")
    assert parse_scopes("openid profile") == ("openid", "profile")
    assert parse_scopes(None) == ()


def test_assess_from_stored_expiry_times():
    token = Token("AT", NOW + 1000, (), "RT", NOW + 5000)
    assert assess(token, now=NOW)[0] == "ok"
    assert assess(token, now=NOW + 800)[0] == "refresh_due"  # within the 300 s skew
    assert assess(token, now=NOW + 6000)[0] == "needs_consent"
    assert assess(Token("AT", NOW - 1, ()), now=NOW)[0] == "needs_consent"


def test_token_round_trips_through_a_dict_and_hides_secrets_in_repr():
    token = Token("AT-secret", NOW, ("r_ads",), "RT-secret", NOW + 1, NOW, NOW)
    assert Token.from_dict(token.to_dict()) == token
    assert "secret" not in repr(token)
