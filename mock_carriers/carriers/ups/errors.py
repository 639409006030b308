"""UPS error envelopes. Every UPS REST API (OAuth included) answers errors as
``{"response": {"errors": [{"code": "...", "message": "..."}]}}`` [SPEC Tracking.yaml ``Response``,
OAuthClientCredentials.yaml ``tokenErrorResponse``]; codes are strings.
"""

from __future__ import annotations

from fastapi import Request, Response

from mock_carriers.http.carrier_app import ErrorKind
from mock_carriers.http.jsonio import JSONResponse

# Track API [OBS UPS-API/api-documentation issues #12, #218]; sent with 400 [SPEC "Invalid request"].
INVALID_INQUIRY_NUMBER = ("TV1002", "Invalid inquiry number")
# Warning in a 200 body for numbers UPS has no data for [OBS issues #102, #166, #198].
NOT_FOUND_WARNING = ("TW0001", "Tracking Information Not Found")

# Gateway auth codes [SPEC UPSTrackAlert.yaml error table; 250002 text as observed in UPS answers,
# e.g. rawilk/laravel-ups#4 "Invalid Authentication Information. (250002)"].
TOKEN_MISSING = ("UJ0001", "Invalid token or token is not present")
TOKEN_INVALID = ("250002", "Invalid Authentication Information.")
TOKEN_EXPIRED = ("251004", "Bearer Token expired (oauth)")

# Required Track headers [SPEC UPSTrackAlert.yaml table: VSS002 / VSS004, the same gateway's codes
# for the same two headers; the Track API's own codes are not published — INFER].
MISSING_TRANS_ID = ("VSS002", "Missing transId")
MISSING_TRANSACTION_SRC = ("VSS004", "Missing transactionSrc")

# OAuth endpoint: wrong client credentials [OBS karrioapi/karrio#503: 401 "10401" "ClientId is
# Invalid"]. Missing Basic header (401) and bad grant_type (400): [INFER] same 104xx family.
CLIENT_INVALID = ("10401", "ClientId is Invalid")
AUTH_HEADER_MISSING = ("10401", "Invalid/Missing Authorization Header")
GRANT_TYPE_INVALID = ("10400", "Invalid/Missing grant_type")

# Gateway-level failures. 405 and 10004 are [SPEC UPSTrackAlert.yaml table]; 10429 is [OBS issue
# #123]; the 404 and 413 codes follow the 10000+status pattern of 10401/10429 [INFER].
_BY_KIND: dict[str, tuple[str, str]] = {
    "not_found": ("10404", "Resource not found"),
    "method_not_allowed": ("405", "Method Not Allowed."),
    "payload_too_large": ("10413", "Request Entity Too Large"),
    "internal": ("10004", "Something went wrong while processing your request, please try again later"),
}


def error_body(code: str, message: str) -> dict[str, object]:
    return {"response": {"errors": [{"code": code, "message": message}]}}


def ups_error(status: int, error: tuple[str, str], headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(error_body(*error), status_code=status, headers=headers)


def render_error(request: Request, status: int, kind: ErrorKind, message: str) -> Response:
    """Framework-level failures (path junk, wrong method, validation, huge bodies, crashes) in UPS's
    envelope. Bad requests keep the caller's description, as UPS's validation messages do."""
    if kind == "bad_request":
        return ups_error(status, ("10400", message or "Invalid request"))
    return ups_error(status, _BY_KIND.get(kind, _BY_KIND["internal"]))


# --- injected faults and rate limits (mock_carriers/faults.py) ----------------------------------
# 429 as UPS's gateway answers it [OBS issue #123, the Paperless API behind the same gateway]; UPS
# sends no rate-limit headers [DOC issue #8], so Retry-After appears only when the sandbox is told to.
RATE_LIMITED = ("10429", "Too Many Requests")
# 500 is the gateway's 10004 [SPEC]; 502/503/504 follow the 10000+status pattern of 10401/10429 [INFER].
_SERVER_ERRORS: dict[int, tuple[str, str]] = {
    500: _BY_KIND["internal"],
    502: ("10502", "Bad Gateway"),
    503: ("10503", "Service Unavailable"),
    504: ("10504", "Gateway Timeout"),
}


def rate_limited(request: Request, retry_after: int | None = None, daily: bool = False) -> Response:
    """UPS publishes no quotas, so a burst and a daily quota answer alike."""
    headers = {"Retry-After": str(retry_after)} if retry_after is not None else None
    return ups_error(429, RATE_LIMITED, headers=headers)


def server_error(request: Request, status: int) -> Response:
    return ups_error(status, _SERVER_ERRORS.get(status, _BY_KIND["internal"]))
