"""Ship24's error body: ``{"errors": [{"code", "message"}, ...], "data": null}`` [SPEC
``error-response-format``; DOCS docs.ship24.com/errors "Error response format"], for every status.

Codes and messages with a source: ``validation_error`` and its tracking-number message,
``tracker_not_found`` "Tracker not found.", ``tracker_not_updatable``, ``processing_error`` and
``quota_limit_reached`` [SPEC examples]; the statuses' meanings (401 "No valid API key provided.",
403, 404, 429 "Too many requests hit the API too quickly…", 5xx) [DOCS status table]. The stored
docs are cut before their list of error codes, so the codes of 401, 404-path, 405, 413, 429 and
5xx are [INFER] in the same snake_case style (FIDELITY.md).
"""

from __future__ import annotations

from fastapi import Request, Response

from mock_carriers.http.carrier_app import ErrorKind
from mock_carriers.http.jsonio import JSONResponse

INVALID_NUMBER = (
    "The trackingNumber provided seems invalid. Please make sure it's between 5 and 50 characters, "
    "containing only letters, numbers, and hyphens, and without dummy patterns and consecutive numbers."
)
NOT_UPDATABLE = (
    "This Tracker can't be updated as the corresponding shipment has been already processed by our "
    "system. Please create a new Tracker."
)
EVERY_ITEM_FAILED = "Every single item failed validation. Please refer to the error field for each item."
UNAUTHORIZED = "No valid API key provided."
RATE_LIMITED = (
    "Too many requests hit the API too quickly. We recommend an exponential back-off of your requests."
)

_SERVER: dict[int, tuple[str, str]] = {
    500: ("internal_server_error", "Something went wrong on Ship24's end."),
    502: ("bad_gateway", "Something went wrong on Ship24's end."),
    503: ("service_unavailable", "Something went wrong on Ship24's end."),
    504: ("gateway_timeout", "Something went wrong on Ship24's end."),
}


def item(code: str, message: str) -> dict[str, str]:
    return {"code": code, "message": message}


def body(*errors: dict[str, str]) -> dict[str, object]:
    return {"errors": list(errors), "data": None}


def error(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(body(item(code, message)), status_code=status, headers=headers)


def validation(messages: list[str]) -> JSONResponse:
    """A 400 listing every problem found, as the docs' example lists two for one field."""
    return JSONResponse(body(*(item("validation_error", m) for m in messages)), status_code=400)


def unauthorized() -> JSONResponse:
    return error(401, "unauthorized", UNAUTHORIZED)


def tracker_not_found() -> JSONResponse:
    return error(404, "tracker_not_found", "Tracker not found.")


QUOTA = "No more quota left. Please update your plan."


def bulk_error(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    """Bulk create's own body for a refused request: ``{"status": "error", "error": {…}}`` [SPEC
    bulk-create-trackers-response, its "Forbidden" example; null ``summary``/``data`` left out as on
    every bulk answer, FIDELITY.md]."""
    return JSONResponse(
        {"status": "error", "error": item(code, message)}, status_code=status, headers=headers
    )


def rate_limited(request: Request, retry_after: int | None = None, daily: bool = False) -> Response:
    """The 429 for the sandbox's rate limits; the daily quota is the plan's quota running out.
    Bulk create answers in its own body, and its quota with the spec's 403 "Forbidden" example."""
    headers = {"Retry-After": str(retry_after)} if retry_after is not None else None
    if request.url.path.endswith("/trackers/bulk"):
        if daily:
            return bulk_error(403, "quota_limit_reached", QUOTA, headers)
        return bulk_error(429, "too_many_requests", RATE_LIMITED, headers)
    if daily:
        return error(429, "quota_limit_reached", QUOTA, headers)
    return error(429, "too_many_requests", RATE_LIMITED, headers)


def server_error(request: Request, status: int) -> Response:
    code, message = _SERVER.get(status, _SERVER[500])
    return error(status, code, message)


def render_error(request: Request, status: int, kind: ErrorKind, message: str) -> Response:
    """Framework-level failures (``mock_carriers.http.carrier_app``) in Ship24's body."""
    if kind == "bad_request":
        return validation([message])
    if kind == "not_found":
        return error(404, "not_found", "The requested resource doesn't exist.")
    if kind == "method_not_allowed":
        return error(405, "method_not_allowed", "Method not allowed.")
    if kind == "payload_too_large":
        return error(413, "payload_too_large", "Request body too large.")
    return server_error(request, status)
