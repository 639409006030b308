"""FedEx's error envelope: ``{transactionId, customerTransactionId?, errors: [{code, message}]}``.

The spec gives each status its own schema: 400 and 500 (``ErrorResponseVO``/``ErrorResponseVO500``)
carry ``customerTransactionId``; 401, 403, 404 and 503 do not, and neither do the spec's 401/403/404
examples — so the echo follows the status.
"""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

from fastapi import Request, Response

from mock_carriers.http.carrier_app import ErrorKind
from mock_carriers.http.jsonio import JSONResponse

# --- codes and messages ------------------------------------------------------------------------
# [SPEC] track-api.json / authorization-api.json examples.
NOT_AUTHORIZED = "NOT.AUTHORIZED.ERROR"
MSG_TOKEN_EXPIRED = "Access token expired. Please modify your request and try again."
MSG_BAD_CLIENT_CREDENTIALS = (
    "The given client credentials were not valid. Please modify your request and try again."
)
FORBIDDEN = "FORBIDDEN.ERROR"
MSG_FORBIDDEN = "We could not authorize your credentials. Please check your permissions and try again."
NOT_FOUND = "NOT.FOUND.ERROR"
MSG_NOT_FOUND = "The resource you requested is no longer available. Please modify your request and try again."
INTERNAL = "INTERNAL.SERVER.ERROR"
MSG_INTERNAL = (
    "We encountered an unexpected error and are working to resolve the issue. We apologize for "
    "any inconvenience. Please check back at a later time."
)
UNAVAILABLE = "SERVICE.UNAVAILABLE.ERROR"
MSG_UNAVAILABLE = (
    "The service is currently unavailable and we are working to resolve the issue. We "
    "apologize for any inconvenience. Please check back at a later time."
)
TRACKING_EMPTY = "TRACKING.TRACKINGNUMBER.EMPTY"
MSG_TRACKING_EMPTY = "Please provide tracking number."
TRACKING_NOT_FOUND = "TRACKING.TRACKINGNUMBER.NOTFOUND"
MSG_TRACKING_NOT_FOUND = "Tracking number cannot be found. Please correct the tracking number and try again."

# [3P] seen in client code and fixtures against the real API.
MSG_BAD_TOKEN = "We could not authenticate your credentials. Please check your permissions and try again."
INVALID_INPUT = "INVALID.INPUT.EXCEPTION"
MSG_INVALID_INPUT = "Invalid field value in the input"
BAD_REQUEST = "BAD.REQUEST.ERROR"  # the OAuth endpoint's 400 code
MSG_MISSING_PARAMETERS = "Missing or duplicate parameters. Please modify your request and try again."

# [INFER] no source gave these codes/messages.
TRACKING_LIMIT = "TRACKING.TRACKINGNUMBER.LIMITEXCEEDED"
MSG_TRACKING_LIMIT = (
    "A maximum of 30 tracking numbers is allowed per request. Please modify your request and try again."
)
MSG_UNSUPPORTED_GRANT = "Unsupported grant type. Please modify your request and try again."
MSG_MALFORMED_JSON = "The given JSON is invalid. Please modify your request and try again."
DATA_NOT_FOUND = "TRACKING.DATA.NOTFOUND"  # the code is [SPEC] (an alert); its use for documents is [INFER]
MSG_DOCUMENT_UNAVAILABLE = "The requested document is not available for this shipment."
METHOD_NOT_ALLOWED = "METHOD.NOT.ALLOWED.ERROR"
MSG_METHOD_NOT_ALLOWED = "The request method is not supported for this resource."
TOO_MANY_REQUESTS = "TOO.MANY.REQUESTS.ERROR"  # the message is [DOC] (rate-limit guide), the code [INFER]
MSG_TOO_MANY_REQUESTS = (
    "We have received too many requests in a short duration. Please wait a while to try again."
)
PAYLOAD_TOO_LARGE = "PAYLOAD.TOO.LARGE.ERROR"
MSG_PAYLOAD_TOO_LARGE = "The request payload is too large. Please modify your request and try again."

#: Statuses whose spec schema has no customerTransactionId.
_NO_CUSTOMER_ECHO = frozenset({401, 403, 404, 503})


def as_transaction_id(request_id: str) -> str:
    """FedEx's transactionId is a UUID; derive one from the context's deterministic request id."""
    return str(uuid.UUID(bytes=hashlib.sha256(request_id.encode()).digest()[:16], version=4))


def transaction_id(request: Request) -> str:
    """A deterministic transaction id from the app's context (one per request)."""
    cached = request.scope.get("fedex.transaction_id")
    if cached is not None:
        return cached
    ctx = getattr(getattr(request.scope.get("app"), "state", None), "fedex_ctx", None)
    tid = as_transaction_id(ctx.request_id("transaction")) if ctx is not None else ""
    request.scope["fedex.transaction_id"] = tid
    return tid


def customer_transaction_id(request: Request) -> str | None:
    return request.headers.get("x-customer-transaction-id")


def envelope(request: Request, status: int, errors: list[dict[str, Any]]) -> dict[str, Any]:
    body: dict[str, Any] = {"transactionId": transaction_id(request)}
    cid = customer_transaction_id(request)
    if cid is not None and status not in _NO_CUSTOMER_ECHO:
        body["customerTransactionId"] = cid
    body["errors"] = errors
    return body


def fedex_error(request: Request, status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse(envelope(request, status, [{"code": code, "message": message}]), status_code=status)


_KIND_ERRORS: dict[str, tuple[str, str]] = {
    "not_found": (NOT_FOUND, MSG_NOT_FOUND),
    "method_not_allowed": (METHOD_NOT_ALLOWED, MSG_METHOD_NOT_ALLOWED),
    "bad_request": (INVALID_INPUT, MSG_INVALID_INPUT),
    "payload_too_large": (PAYLOAD_TOO_LARGE, MSG_PAYLOAD_TOO_LARGE),
    "internal": (INTERNAL, MSG_INTERNAL),
}


def render_error(request: Request, status: int, kind: ErrorKind, message: str) -> Response:
    """Framework-level failures (path junk, wrong method, huge body, crash) in FedEx's envelope.

    ``message`` is the framework's text; FedEx answers with its fixed texts, so it is not shown.
    """
    code, text = _KIND_ERRORS.get(kind, (INTERNAL, MSG_INTERNAL))
    # Statuses a fault injector may ask for keep FedEx's own code for that status.
    if status == 503:
        code, text = UNAVAILABLE, MSG_UNAVAILABLE
    elif status == 429:
        code, text = TOO_MANY_REQUESTS, MSG_TOO_MANY_REQUESTS
    return fedex_error(request, status, code, text)


# --- injected faults and rate limits (mock_carriers/faults.py) ----------------------------------
#: The daily-quota text of FedEx's rate-limit guide [DOC]; the quota resets at midnight GMT.
MSG_DAILY_QUOTA = "Daily transaction quota exceeded. Retry after 12:00AM GMT"


def rate_limited(request: Request, retry_after: int | None = None, daily: bool = False) -> Response:
    """429 for the 10-second window or the daily quota (FedEx documents no Retry-After header)."""
    message = MSG_DAILY_QUOTA if daily else MSG_TOO_MANY_REQUESTS
    response = fedex_error(request, 429, TOO_MANY_REQUESTS, message)
    if retry_after is not None:
        response.headers["Retry-After"] = str(retry_after)
    return response


def server_error(request: Request, status: int) -> Response:
    """500 and 503 as the spec gives them; 502/504 (gateway) in the 500 shape [INFER]."""
    return render_error(request, status, "internal", "")
