"""One mapping function picks the error class from LinkedIn's body and status."""

import pytest

from linkedin.api import errors as e


@pytest.mark.parametrize(
    "status, body, cls",
    [
        (401, {"status": 401, "serviceErrorCode": 65600, "code": "INVALID_ACCESS_TOKEN", "message": "Invalid access token"}, e.InvalidToken),
        (401, {"status": 401, "serviceErrorCode": 65601, "code": "REVOKED_ACCESS_TOKEN", "message": "revoked"}, e.RevokedToken),
        (401, {"status": 401, "serviceErrorCode": 65602, "code": "EXPIRED_ACCESS_TOKEN", "message": "expired"}, e.ExpiredToken),
        (401, {"status": 401, "code": "EXPIRED_ACCESS_TOKEN", "message": "expired"}, e.ExpiredToken),
        (401, {"message": "Empty oauth2_access_token", "serviceErrorCode": 401, "status": 401}, e.AuthError),
        (400, {"status": 400, "code": "VERSION_MISSING", "message": "A version must be present."}, e.VersionError),
        (426, {"status": 426, "code": "NONEXISTENT_VERSION", "message": "Requested version 202101 is not active"}, e.VersionError),
        (403, {"status": 403, "serviceErrorCode": 100, "code": "ACCESS_DENIED", "message": "Not enough permissions"}, e.PermissionDenied),
        (404, {"message": "Could not find DMP segment with ID 1"}, e.NotFound),
        (409, {}, e.Conflict),
        (429, None, e.RateLimited),
        (500, "<html>", e.ServerError),
        (503, {"message": "Service Unavailable"}, e.ServerError),
        (418, {}, e.LinkedInError),
    ],
)
def test_error_class_from_response(status, body, cls):
    err = e.error_from_response(status, body, {"x-li-request-id": "RID"})
    assert type(err) is cls
    assert err.status == status
    assert err.request_id == "RID"
    assert err.explain()


def test_revoked_needs_consent_but_expired_does_not():
    assert e.RevokedToken("x").needs_consent
    assert not e.ExpiredToken("x").needs_consent
    assert not e.InvalidToken("x").needs_consent
    assert e.NeedsConsent("x").needs_consent


def test_str_names_status_code_and_request_id_but_never_a_token():
    err = e.error_from_response(401, {"serviceErrorCode": 65602, "code": "EXPIRED_ACCESS_TOKEN", "message": "expired"}, {"X-LI-Request-Id": "abc"})
    assert str(err) == "expired | HTTP 401 | EXPIRED_ACCESS_TOKEN | request id abc"


def test_a_429_keeps_its_retry_after_when_one_comes():
    assert e.error_from_response(429, {"status": 429}, {}).retry_after is None  # LinkedIn's way
    assert e.error_from_response(429, {"status": 429}, {"Retry-After": "30"}).retry_after == "30"


@pytest.mark.parametrize("status, body, version, advice", [
    (426, {"status": 426, "code": "NONEXISTENT_VERSION", "message": "Requested version 20251201 is not active"},
     "202512", "LinkedIn does not serve the API version this app is set to (202512). Set LINKEDIN_VERSION to 202608, "
               "the version this app is built and tested on (or remove the setting to use it), then restart the app."),
    (426, {"status": 426, "code": "NONEXISTENT_VERSION", "message": "Requested version 20260801 is not active"},
     "202608", "LinkedIn no longer serves this app's API version (202608). Set LINKEDIN_VERSION to the newest version "
               "on LinkedIn's versioning page (learn.microsoft.com/linkedin/marketing/versioning) and update the app, "
               "then restart it."),
    (400, {"status": 400, "code": "VERSION_MISSING", "message": "A version must be present."},
     None, "LinkedIn needs an API version on every call: set LINKEDIN_VERSION to 202608 (or remove the setting to "
           "use it), then restart the app."),
])
def test_a_version_error_names_the_setting_and_the_version_to_set(status, body, version, advice):
    err = e.error_from_response(status, body)
    err.version = version
    assert err.advice == advice
    assert err.explain() == f"{body['message'].rstrip('.')}. {advice}"
