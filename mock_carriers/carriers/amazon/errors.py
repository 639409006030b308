"""Amazon's error bodies: SP-API ``ErrorList`` for the Shipping API, LWA's OAuth body for the token
endpoint, and the ``render_error`` hook that routes framework failures through the right one.

Evidence: ``shippingV2.json`` → ``/shipping/v2/tracking`` ``get`` responses 400…503 (codes and
messages of the examples); SP-API gateway denials as quoted in amzn/selling-partner-api-models
issues #826, #943, #2147 (403, ``message`` before ``code``, ``details`` present); LWA bodies as
quoted in jlevers/selling-partner-api#578 (``{"error_description": …, "error": …}``).
"""

from __future__ import annotations

from typing import Any

from fastapi import Request, Response

from mock_carriers.http.carrier_app import ErrorKind
from mock_carriers.http.jsonio import JSONResponse

#: Default usage plan of getTracking (spec: 80 requests/s, burst 100). SP-API writes the rate as a
#: decimal (``0.0055``, ``2.0`` in public reports), hence the ``.0``.
RATE_LIMIT = "80.0"

INVALID_REQUEST_MESSAGE = "Request is missing or has invalid parameters"
NOT_FOUND_MESSAGE = "The requested resource is invalid or doesn't exist"
ACCESS_DENIED_MESSAGE = "Access to requested resource is denied."
TOO_LARGE_MESSAGE = "The request payload size is greater than maximum accepted size."
INTERNAL_MESSAGE = "Something went wrong while processing the request."
UNAVAILABLE_MESSAGE = (
    "Service temporarily unavailable or down for maintenance. Please try again after sometime."
)

#: Statuses whose documented response headers include ``x-amzn-RateLimit-Limit`` (spec: 200/400/404).
_RATE_LIMITED_STATUSES = frozenset({200, 400, 404})


def amazon_headers(request_id: str | None, status: int) -> dict[str, str]:
    headers: dict[str, str] = {}
    if request_id is not None:
        headers["x-amzn-RequestId"] = request_id
    if status in _RATE_LIMITED_STATUSES:
        headers["x-amzn-RateLimit-Limit"] = RATE_LIMIT
    return headers


def error_list(code: str, message: str, details: str | None = None) -> dict[str, Any]:
    error: dict[str, Any] = {"code": code, "message": message}
    if details is not None:
        error["details"] = details
    return {"errors": [error]}


def sp_error(
    request_id: str | None, status: int, code: str, message: str, details: str | None = None
) -> JSONResponse:
    """An SP-API ``ErrorList`` response with Amazon's headers."""
    return JSONResponse(
        error_list(code, message, details), status_code=status, headers=amazon_headers(request_id, status)
    )


def invalid_request(request_id: str | None, details: str) -> JSONResponse:
    return sp_error(request_id, 400, "InvalidRequest", INVALID_REQUEST_MESSAGE, details)


def not_found(request_id: str | None) -> JSONResponse:
    return sp_error(request_id, 404, "NotFound", NOT_FOUND_MESSAGE)


def access_denied(request_id: str | None, details: str) -> JSONResponse:
    """The SP-API gateway's denial: HTTP 403 for a missing, invalid or expired LWA token. The
    gateway writes ``message`` before ``code`` and always sends ``details`` (empty when it has none),
    unlike the application's ``ErrorList`` bodies."""
    body = {"errors": [{"message": ACCESS_DENIED_MESSAGE, "code": "Unauthorized", "details": details}]}
    return JSONResponse(body, status_code=403, headers=amazon_headers(request_id, 403))


def lwa_error(request_id: str | None, status: int, error: str, description: str) -> JSONResponse:
    """Login with Amazon's OAuth error body (``error_description`` first, as LWA writes it)."""
    body = {"error_description": description, "error": error}
    headers = {"x-amzn-RequestId": request_id} if request_id is not None else {}
    return JSONResponse(body, status_code=status, headers=headers)


def _local_path(request: Request) -> str:
    """The path below the carrier's mount prefix (``/amazon``)."""
    path = request.scope.get("path", "")
    root = request.scope.get("root_path", "")
    if root and path.startswith(root):
        path = path[len(root) :]
    return path or "/"


def is_lwa_path(request: Request) -> bool:
    return _local_path(request).startswith("/auth/")


def _request_id(request: Request) -> str | None:
    ctx = getattr(request.app.state, "ctx", None)
    return ctx.request_id("request") if ctx is not None else None


def render_error(request: Request, status: int, kind: ErrorKind, message: str) -> Response:
    """Every framework-level failure, in the envelope of the Amazon service owning the path."""
    request_id = _request_id(request)
    if is_lwa_path(request):
        if kind == "internal":
            return lwa_error(request_id, 500, "server_error", "Internal server error")
        if kind == "not_found":
            return lwa_error(request_id, 404, "invalid_request", "The requested resource is not found")
        if kind == "method_not_allowed":
            return lwa_error(request_id, 405, "invalid_request", "The HTTP method is not supported")
        if kind == "payload_too_large":
            return lwa_error(request_id, 413, "invalid_request", "The request is too large")
        return lwa_error(request_id, 400, "invalid_request", message)
    if kind == "not_found":
        return not_found(request_id)
    if kind == "method_not_allowed":
        # INFER: no documented body for a wrong method; the spec's generic client-error code.
        return sp_error(request_id, 405, "InvalidRequest", "The requested method is not supported.")
    if kind == "payload_too_large":
        return sp_error(request_id, 413, "InvalidRequest", TOO_LARGE_MESSAGE)
    if kind == "internal":
        if status == 503:
            return sp_error(request_id, 503, "ServiceUnavailable", UNAVAILABLE_MESSAGE)
        return sp_error(request_id, 500, "InternalError", INTERNAL_MESSAGE)
    return invalid_request(request_id, message)


# --- injected faults and rate limits (mock_carriers/faults.py) ----------------------------------
#: getTracking's documented 429 (spec example); SP-API sends no Retry-After, only x-amzn-RequestId.
TOO_MANY_REQUESTS_MESSAGE = "The total number of requests exceeded your allowed limit."
#: 502/504 come from the gateway in front of SP-API; the spec documents only 500 and 503 [INFER].
_SERVER_ERRORS: dict[int, tuple[str, str]] = {
    500: ("InternalError", INTERNAL_MESSAGE),
    502: ("InternalError", INTERNAL_MESSAGE),
    503: ("ServiceUnavailable", UNAVAILABLE_MESSAGE),
    504: ("ServiceUnavailable", UNAVAILABLE_MESSAGE),
}


def rate_limited(request: Request, retry_after: int | None = None, daily: bool = False) -> Response:
    """SP-API throttling (or LWA's, on the token endpoint: RFC 6749-style body [INFER])."""
    request_id = _request_id(request)
    if is_lwa_path(request):
        response = lwa_error(request_id, 429, "slow_down", "Request rate exceeded")
    else:
        response = sp_error(request_id, 429, "TooManyRequests", TOO_MANY_REQUESTS_MESSAGE)
    if retry_after is not None:
        response.headers["Retry-After"] = str(retry_after)
    return response


def server_error(request: Request, status: int) -> Response:
    request_id = _request_id(request)
    if is_lwa_path(request):
        error = "temporarily_unavailable" if status in (503, 504) else "server_error"
        return lwa_error(request_id, status, error, "The authorization server is unavailable")
    code, message = _SERVER_ERRORS.get(status, _SERVER_ERRORS[500])
    return sp_error(request_id, status, code, message)
