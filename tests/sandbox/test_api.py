"""The API gateway's strictness and the identity and ad-account endpoints, over HTTP."""

from __future__ import annotations

import pytest

from .conftest import AVERY, NOA, VIC

USERS = "/rest/adAccountUsers"
FINDER = {"q": "authenticatedUser"}


@pytest.fixture
def ads_token(sandbox) -> str:
    return sandbox.token("r_ads rw_dmp_segments")["access_token"]


# -- /v2/userinfo --------------------------------------------------------------------------

def test_userinfo_with_openid_profile_email(sandbox):
    tok = sandbox.token("openid profile email")["access_token"]
    r = sandbox.api("/v2/userinfo", tok, version=None, restli=False)
    assert r.status_code == 200
    body = r.json()
    assert body == {
        "sub": "Av3ryAn4ly", "name": "Avery Analyst", "given_name": "Avery", "family_name": "Analyst",
        "picture": body["picture"], "locale": {"country": "US", "language": "en"},
        "email": "avery.analyst@northwind.example", "email_verified": True,
    }
    assert body["picture"] == sandbox.url("/_sandbox/avatars/Av3ryAn4ly.svg")
    picture = sandbox.http.get(body["picture"])
    assert picture.headers["content-type"].startswith("image/svg+xml") and ">AA<" in picture.text


def test_userinfo_without_email_scope_has_no_email(sandbox):
    tok = sandbox.token("openid profile", member="V1cV1ewer0")["access_token"]
    body = sandbox.api("/v2/userinfo", tok, version=None).json()
    assert body["name"] == "Vic Viewer" and "email" not in body


def test_userinfo_without_openid_is_403(sandbox, ads_token):
    r = sandbox.api("/v2/userinfo", ads_token, version=None)
    assert r.status_code == 403
    assert r.json() == {"status": 403, "serviceErrorCode": 100, "code": "ACCESS_DENIED",
                        "message": "Not enough permissions to access: userinfo.GET.NO_VERSION"}


def test_userinfo_checks_the_token(sandbox):
    r = sandbox.api("/v2/userinfo", "AQgarbage", version=None)
    assert (r.status_code, r.json()["serviceErrorCode"]) == (401, 65600)


# -- /rest/me ------------------------------------------------------------------------------

def test_me_needs_r_basicprofile(sandbox, ads_token):
    r = sandbox.api("/rest/me", ads_token)
    assert r.status_code == 403
    assert r.json() == {"status": 403, "serviceErrorCode": 100, "code": "ACCESS_DENIED",
                        "message": "Not enough permissions to access: partnerApiMe.GET.20230601"}


def test_me_with_r_basicprofile(sandbox):
    tok = sandbox.token("r_basicprofile r_ads", member="N0aNewc0mr")["access_token"]
    r = sandbox.api("/rest/me", tok)
    assert r.status_code == 200
    assert r.json() == {"id": "N0aNewc0mr", "localizedFirstName": "Noa", "localizedLastName": "Newcomer"}


# -- header strictness ---------------------------------------------------------------------

def test_no_token_is_empty_oauth2_access_token(sandbox):
    r = sandbox.api(USERS, None, params=FINDER)
    assert r.status_code == 401
    assert r.json() == {"message": "Empty oauth2_access_token", "serviceErrorCode": 401, "status": 401}


def test_unknown_token_is_65600(sandbox):
    r = sandbox.api(USERS, "AQnot-a-token", params=FINDER)
    assert r.status_code == 401
    assert r.json() == {"status": 401, "serviceErrorCode": 65600, "code": "INVALID_ACCESS_TOKEN",
                        "message": "Invalid access token"}


def test_revoked_token_is_65601(sandbox, ads_token):
    sandbox.control("POST", "/tokens/revoke", {"access_token": ads_token})
    r = sandbox.api(USERS, ads_token, params=FINDER)
    assert r.status_code == 401
    assert r.json() == {"status": 401, "serviceErrorCode": 65601, "code": "REVOKED_ACCESS_TOKEN",
                        "message": "The token used in the request has been revoked by the user"}


def test_expired_token_is_65602(sandbox, ads_token):
    sandbox.advance(60 * 86_400)
    r = sandbox.api(USERS, ads_token, params=FINDER)
    assert r.status_code == 401
    assert r.json() == {"status": 401, "serviceErrorCode": 65602, "code": "EXPIRED_ACCESS_TOKEN",
                        "message": "The token used in the request has expired"}


def test_missing_version_is_400(sandbox, ads_token):
    r = sandbox.api(USERS, ads_token, params=FINDER, version=None)
    assert r.status_code == 400
    assert r.json() == {"status": 400, "code": "VERSION_MISSING", "message":
                        "A version must be present. Please specify a version by adding the LinkedIn-Version header."}


@pytest.mark.parametrize("version, named", [
    ("202512", "20251201"),  # LinkedIn published no version in December 2025
    ("202511", "20251101"),  # sunset on 2026-11-16
    ("202507", "20250701"),  # sunset
    ("202505", "20250501"),  # sunset
    ("202401", "20240101"),
    ("202609", "20260901"),  # not published when the sandbox's list was written
    ("202608.01", "20260801"),  # a release LinkedIn did not publish
    ("202613", "20261301"),
    ("2026-08", "2026-08"),
    ("20260801", "20260801"),
    ("latest", "latest"),
])
def test_a_version_linkedin_does_not_serve_is_426_named_as_linkedin_names_it(sandbox, ads_token, version, named):
    r = sandbox.api(USERS, ads_token, params=FINDER, version=version)
    assert r.status_code == 426
    assert r.json() == {"status": 426, "code": "NONEXISTENT_VERSION",
                        "message": f"Requested version {named} is not active"}


@pytest.mark.parametrize("version", ["202601", "202603", "202604", "202608"])
def test_published_versions_work(sandbox, ads_token, version):
    assert sandbox.api(USERS, ads_token, params=FINDER, version=version).status_code == 200


def test_the_published_versions_are_a_setting(sandbox, ads_token):
    assert sandbox.control("GET", "/settings").json()["versions"] == [
        "202601", "202602", "202603", "202604", "202605", "202606", "202607", "202608"]
    sandbox.settings(versions=["202608", "202608.01", "202609"])
    assert sandbox.api(USERS, ads_token, params=FINDER, version="202609").status_code == 200
    assert sandbox.api(USERS, ads_token, params=FINDER, version="202608.01").status_code == 200
    assert sandbox.api(USERS, ads_token, params=FINDER, version="202607").status_code == 426


def test_missing_restli_header_is_400(sandbox, ads_token):
    r = sandbox.api(USERS, ads_token, params=FINDER, restli=False)
    assert r.status_code == 400
    assert r.json()["code"] == "INVALID_PROTOCOL_VERSION"
    assert "X-Restli-Protocol-Version" in r.json()["message"]
    sandbox.settings(require_restli_header=False)
    assert sandbox.api(USERS, ads_token, params=FINDER, restli=False).status_code == 200


def test_missing_scope_is_403_naming_the_resource(sandbox):
    tok = sandbox.token("openid profile")["access_token"]
    r = sandbox.api(USERS, tok, params=FINDER)
    assert r.status_code == 403
    assert r.json() == {"status": 403, "serviceErrorCode": 100, "code": "ACCESS_DENIED", "message":
                        "Not enough permissions to access: adAccountUsers.FINDER-authenticatedUser.20260801"}


def test_every_response_has_a_fresh_request_id(sandbox, ads_token):
    ids = [sandbox.api(USERS, ads_token, params=FINDER).headers["x-li-request-id"],
           sandbox.api(USERS, None, params=FINDER).headers["x-li-request-id"],
           sandbox.consent_page(scope="r_ads").headers["x-li-request-id"],
           sandbox.control("GET", "/state").headers["x-li-request-id"]]
    assert len(set(ids)) == 4 and all(len(i) >= 16 for i in ids)


def test_unknown_rest_resource_is_404_after_the_checks(sandbox, ads_token):
    assert sandbox.api("/rest/noSuchThing", None).status_code == 401
    r = sandbox.api("/rest/noSuchThing", ads_token)
    assert r.status_code == 404 and r.json()["message"] == "No virtual resource found"


# -- /rest/adAccountUsers ------------------------------------------------------------------

def test_ad_account_users_shape_and_default_paging(sandbox, ads_token):
    r = sandbox.api(USERS, ads_token, params=FINDER)
    assert r.status_code == 200
    body = r.json()
    assert body["paging"] == {"start": 0, "count": 10, "links": [], "total": 14}
    assert len(body["elements"]) == 10
    first = body["elements"][0]
    assert set(first) == {"account", "user", "role", "changeAuditStamps", "version"}
    assert first["account"].startswith("urn:li:sponsoredAccount:")
    assert first["user"] == AVERY
    assert first["version"] == {"versionTag": "1"}
    created = first["changeAuditStamps"]["created"]["time"]
    assert isinstance(created, int) and created > 1_500_000_000_000  # epoch milliseconds
    assert {e["user"] for e in body["elements"]} == {AVERY}


def test_ad_account_users_pages_with_start_and_count(sandbox, ads_token):
    page1 = sandbox.api(USERS, ads_token, params={**FINDER, "start": 0, "count": 5}).json()
    page3 = sandbox.api(USERS, ads_token, params={**FINDER, "start": 10, "count": 5}).json()
    everything = sandbox.api(USERS, ads_token, params={**FINDER, "count": 100}).json()
    assert len(page1["elements"]) == 5 and len(page3["elements"]) == 4
    assert page3["paging"] == {"start": 10, "count": 5, "links": [], "total": 14}
    accounts = [e["account"] for e in everything["elements"]]
    assert len(set(accounts)) == 14
    assert [e["account"] for e in page1["elements"]] == accounts[:5]
    roles = {e["role"] for e in everything["elements"]}
    assert roles == {"ACCOUNT_BILLING_ADMIN", "ACCOUNT_MANAGER", "CAMPAIGN_MANAGER", "CREATIVE_MANAGER", "VIEWER"}


def test_ad_account_users_count_over_1000_is_400(sandbox, ads_token):
    r = sandbox.api(USERS, ads_token, params={**FINDER, "count": 1001})
    assert r.status_code == 400 and r.json()["status"] == 400


def test_viewer_and_newcomer(sandbox):
    vic = sandbox.token("r_ads", member="V1cV1ewer0")["access_token"]
    noa = sandbox.token("rw_ads", member="N0aNewc0mr")["access_token"]
    vic_roles = sandbox.api(USERS, vic, params=FINDER).json()
    assert vic_roles["paging"]["total"] == 3
    assert {e["role"] for e in vic_roles["elements"]} == {"VIEWER"}
    assert {e["user"] for e in vic_roles["elements"]} == {VIC}
    noa_roles = sandbox.api(USERS, noa, params=FINDER).json()
    assert noa_roles == {"elements": [], "paging": {"start": 0, "count": 10, "links": [], "total": 0}}
    assert NOA not in str(vic_roles)


def test_other_finders_are_rejected(sandbox, ads_token):
    assert sandbox.api(USERS, ads_token, params={"q": "nope"}).status_code == 400
    assert sandbox.api(USERS, ads_token).status_code == 400
