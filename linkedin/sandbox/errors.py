"""LinkedIn's error bodies (linkedin-api.md §10) as exceptions that render themselves.

Two families: the API gateway's `{"status", "serviceErrorCode", "code", "message"}` and
the OAuth server's `{"error", "error_description"}`."""

from __future__ import annotations

import re
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response


class ApiError(Exception):
    """An error from api.linkedin.com, with LinkedIn's exact JSON body (and headers, rarely)."""

    def __init__(self, status: int, body: dict[str, Any], *, headers: dict[str, str] | None = None) -> None:
        super().__init__(body.get("message", ""))
        self.status = status
        self.body = body
        self.headers = headers or {}

    def response(self) -> Response:
        return JSONResponse(self.body, status_code=self.status, headers=self.headers)


class OAuthError(Exception):
    """An error from www.linkedin.com/oauth/v2 token endpoints."""

    def __init__(self, error: str, description: str, *, status: int = 400) -> None:
        super().__init__(description)
        self.error = error
        self.description = description
        self.status = status

    def response(self) -> Response:
        return JSONResponse({"error": self.error, "error_description": self.description}, status_code=self.status)


def api_error(status: int, message: str, *, code: str | None = None, service_error_code: int | None = None) -> ApiError:
    """A gateway error; `code` and `serviceErrorCode` appear only when LinkedIn sends them."""
    body: dict[str, Any] = {"status": status}
    if service_error_code is not None:
        body["serviceErrorCode"] = service_error_code
    if code is not None:
        body["code"] = code
    body["message"] = message
    return ApiError(status, body)


# The 401 family. The oldest gateway answers a missing token without a "code".
def empty_token() -> ApiError:
    return ApiError(401, {"message": "Empty oauth2_access_token", "serviceErrorCode": 401, "status": 401})


def invalid_token() -> ApiError:
    return api_error(401, "Invalid access token", code="INVALID_ACCESS_TOKEN", service_error_code=65600)


def revoked_token() -> ApiError:
    return api_error(
        401, "The token used in the request has been revoked by the user",
        code="REVOKED_ACCESS_TOKEN", service_error_code=65601,
    )


def expired_token() -> ApiError:
    return api_error(
        401, "The token used in the request has expired", code="EXPIRED_ACCESS_TOKEN", service_error_code=65602
    )


def version_missing() -> ApiError:
    return api_error(
        400, "A version must be present. Please specify a version by adding the LinkedIn-Version header.",
        code="VERSION_MISSING",
    )


def nonexistent_version(version: str) -> ApiError:
    """LinkedIn's answer to a version it does not serve, never published or sunset alike. It
    names the version as a date: "202504" -> "Requested version 20250401 is not active"
    (seen in public issue threads); "YYYYMM.RR" is assumed to read "YYYYMMRR" [P]."""
    dated = version
    if re.fullmatch(r"\d{6}", version):
        dated = version + "01"
    elif re.fullmatch(r"\d{6}\.\d{2}", version):
        dated = version[:6] + version[7:]
    return api_error(426, f"Requested version {dated} is not active", code="NONEXISTENT_VERSION")


def protocol_version_missing(got: str | None) -> ApiError:
    seen = "missing" if got is None else f"{got!r}"
    return api_error(
        400,
        f"The X-Restli-Protocol-Version header must be 2.0.0 (it is {seen}); "
        "Rest.li 2.0 query syntax such as List(...) is not understood otherwise.",
        code="INVALID_PROTOCOL_VERSION",
    )


def access_denied(resource: str) -> ApiError:
    return api_error(
        403, f"Not enough permissions to access: {resource}", code="ACCESS_DENIED", service_error_code=100
    )


def illegal_argument(message: str) -> ApiError:
    return api_error(400, message, code="ILLEGAL_ARGUMENT")


def not_found(message: str = "No virtual resource found") -> ApiError:
    return api_error(404, message, code="NOT_FOUND", service_error_code=0)


def too_many_requests(*, retry_after: int | None = None) -> ApiError:
    """LinkedIn's 429, per-minute and daily limits alike. LinkedIn sends no Retry-After
    (linkedin-api.md §10, §11); only a fault asked for one adds it."""
    error = api_error(
        429, "Resource level throttle limit for calls to this resource is reached.", code="TOO_MANY_REQUESTS"
    )
    if retry_after is not None:
        error.headers["Retry-After"] = str(retry_after)
    return error


def server_error(status: int = 500) -> ApiError:
    if status == 503:
        return api_error(503, "Service Unavailable", code="SERVICE_UNAVAILABLE")
    return api_error(status, "Internal Server Error", code="INTERNAL_SERVER_ERROR")


async def handle_api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return exc.response()


async def handle_oauth_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, OAuthError)
    return exc.response()
