"""USPS error bodies.

Two families, as USPS answers them:

- the APIs' envelope (spec ``ErrorMessage``) ``{"apiVersion", "error": {"code", "message",
  "errors": [{"title", "detail", "status", "code", "source"?}]}}``, with ``error.code`` the HTTP
  status as a string [SPEC tracking-v3.yaml; OBS USPS/api-examples#56 and #82];
- the OAuth token endpoint's RFC 6749 body ``{"error", "error_description", "error_uri"}``
  [3P karrio fixture].

Message texts come from USPS's Error Inventory (``specs/usps/error-inventory.general-and-
tracking.extracted.json``) where it has one; the ``errors[]`` key order follows the real 404 body
of #82 (title, detail, status, code).
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import Response

from mock_carriers.http.carrier_app import ErrorKind
from mock_carriers.http.jsonio import JSONResponse

TRACKING_API = "/tracking/v3"
OAUTH_API = "/oauth2/v3"

#: "General Errors" sheet of the Error Inventory: HTTP status → error description.
GENERAL: dict[int, str] = {
    400: "THERE IS AN ERROR IN THE RECEIVED REQUEST",
    401: "UNAUTHORIZED",
    403: "FORBIDDEN",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    413: "PAYLOAD_TOO_LARGE",  # [INFER] not in the inventory; USPS's gateway status text
    429: "TOO_MANY_REQUESTS",
    500: "INTERNAL_SERVER_ERROR",
    501: "NOT_IMPLEMENTED",
    503: "SERVICE_UNAVAILABLE",
}

#: Tracking message codes ("Tracking" sheet of the Error Inventory), verbatim.
MSG_150002 = (
    "7: The tracking number may be incorrect or the status update is not yet available. "
    "Please verify your tracking number and try again later. - "
)
MSG_150010 = (
    "The tracking number may belong to another shipper. Please verify that you have a USPS "
    "tracking number for tracking on this site."
)
#: 150006 as USPS really sends it for a label with no scans yet [OBS api-examples#82]; the
#: text is truncated in that issue, completed from the inventory's identical 150009 message.
MSG_150006 = (
    "A status update is not yet available for your package. It will be available when the shipper "
    "provides an update or the package is given to USPS. Check back soon. Sign up for Informed "
    "Delivery to receive notifications for packages addressed to you."
)
#: 404 for a number USPS has no record of [OBS api-examples#102].
MSG_NOT_AVAILABLE = (
    "Tracking is not available for this item. This may be because the tracking number is invalid; "
    "USPS has not yet received payment; USPS has not yet received the item; the item does not "
    "include tracking; or other reasons."
)

#: 401 message USPS sends for a token it does not accept [OBS api-examples#56].
MSG_INVALID_TOKEN = "The client application identifier is invalid."
MSG_MISSING_TOKEN = "Missing access token."  # [INFER]
MSG_EXPIRED_TOKEN = "The access token has expired."  # [INFER]

OAUTH_ERROR_URI = "https://datatracker.ietf.org/doc/html/rfc6749#page-45"

#: Hint header the spec attaches to 401s [SPEC components/headers/WWWAuthenticate].
REALM = 'Bearer realm="https://api.usps.com"'
#: Seconds a client should wait after a 429/503 [SPEC components/headers/RetryAfter example].
RETRY_AFTER = "30"


def api_version_for(path: str) -> str:
    """``apiVersion`` names the API whose gateway answered."""
    if path.startswith(OAUTH_API):
        return OAUTH_API
    return TRACKING_API


def envelope(
    status: int,
    message: str,
    errors: list[dict[str, Any]] | None = None,
    *,
    api_version: str = TRACKING_API,
) -> dict[str, Any]:
    return {
        "apiVersion": api_version,
        "error": {"code": str(status), "message": message, "errors": errors or []},
    }


def item(
    status: int,
    code: str,
    detail: str,
    title: str = "",
    parameter: str | None = None,
    example: str | None = None,
) -> dict[str, Any]:
    entry: dict[str, Any] = {"title": title, "detail": detail, "status": str(status), "code": code}
    if parameter is not None:
        source: dict[str, str] = {"parameter": parameter}
        if example is not None:
            source["example"] = example
        entry["source"] = source
    return entry


def _headers(status: int, extra: dict[str, str] | None = None) -> dict[str, str]:
    headers = dict(extra or {})
    if status in (429, 503):
        headers.setdefault("Retry-After", RETRY_AFTER)
    if status == 401:
        headers.setdefault("WWW-Authenticate", REALM)
    return headers


def respond(status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(body, status_code=status, headers=_headers(status, headers))


# --- tracking ----------------------------------------------------------------------------------


def no_status_yet() -> JSONResponse:
    """404 150006: the label exists, but USPS has nothing to show yet."""
    return respond(404, envelope(404, "", [item(404, "150006", MSG_150006)]))


def not_available() -> JSONResponse:
    """404: a well-formed USPS number that USPS has no record of."""
    return respond(404, envelope(404, "", [item(404, "150002", MSG_NOT_AVAILABLE)]))


def invalid_number(example: str) -> JSONResponse:
    """400 150002: not a valid USPS tracking number (format or check digit)."""
    return respond(
        400,
        envelope(
            400,
            "",
            [
                item(
                    400,
                    "150002",
                    MSG_150002,
                    title="BAD_REQUEST",
                    parameter="trackingNumber",
                    example=example,
                )
            ],
        ),
    )


def other_shipper() -> JSONResponse:
    """400 150010: the number has another carrier's format."""
    return respond(
        400,
        envelope(400, "", [item(400, "150010", MSG_150010, title="BAD_REQUEST", parameter="trackingNumber")]),
    )


def bad_parameter(parameter: str, detail: str, example: str | None = None) -> JSONResponse:
    return respond(
        400,
        envelope(
            400,
            GENERAL[400],
            [item(400, "400", detail, title="BAD_REQUEST", parameter=parameter, example=example)],
        ),
    )


def unauthorized(state: str) -> JSONResponse:
    """401 for a missing, unknown or expired bearer token."""
    if state == "missing":
        return respond(401, envelope(401, MSG_MISSING_TOKEN))
    if state == "expired":
        return respond(
            401, envelope(401, MSG_EXPIRED_TOKEN), {"WWW-Authenticate": f'{REALM}, error="invalid_token"'}
        )
    return respond(
        401, envelope(401, MSG_INVALID_TOKEN), {"WWW-Authenticate": f'{REALM}, error="invalid_token"'}
    )


# --- OAuth -------------------------------------------------------------------------------------


def oauth_error(status: int, error: str, description: str) -> JSONResponse:
    body = {"error": error, "error_description": description, "error_uri": OAUTH_ERROR_URI}
    # RFC 6749 §5.1: token responses, errors included, must not be cached.
    return JSONResponse(body, status_code=status, headers={"Cache-Control": "no-store", "Pragma": "no-cache"})


# --- framework-level failures (install_common_handlers) ------------------------------------------


def render_error(request: Request, status: int, kind: ErrorKind, message: str) -> Response:
    """Every framework-level failure in USPS's shape (the token endpoint keeps OAuth's)."""
    path = request.url.path
    root = request.scope.get("root_path", "")
    if root and path.startswith(root):
        path = path[len(root) :] or "/"
    if kind == "bad_request" and path.startswith(OAUTH_API):
        return oauth_error(400, "invalid_request", message)
    api_version = api_version_for(path)
    title = GENERAL.get(status, "INTERNAL_SERVER_ERROR" if status >= 500 else "BAD_REQUEST")
    body = envelope(status, title, [item(status, str(status), message, title=title)], api_version=api_version)
    return respond(status, body)


# --- injected faults and rate limits (mock_carriers/faults.py) ----------------------------------
#: Titles of injected statuses: the inventory's General Errors where it has one; 502/504 are the
#: gateway's status texts in the same style [INFER].
_FAULT_TITLES: dict[int, str] = {**GENERAL, 502: "BAD_GATEWAY", 504: "GATEWAY_TIMEOUT"}
_FAULT_DETAILS: dict[int, str] = {  # [INFER] the inventory leaves these messages empty
    429: "The number of requests exceeded the limit for this application. Please try again later.",
    500: "An internal error occurred. Please try again later.",
    502: "The upstream service returned an invalid response.",
    503: "The service is temporarily unavailable. Please try again later.",
    504: "The upstream service did not answer in time.",
}


def _local_path(request: Request) -> str:
    path = request.url.path
    root = request.scope.get("root_path", "")
    if root and path.startswith(root):
        path = path[len(root) :] or "/"
    return path


def _fault(request: Request, status: int, headers: dict[str, str] | None = None) -> JSONResponse:
    title = _FAULT_TITLES.get(status, "INTERNAL_SERVER_ERROR")
    detail = _FAULT_DETAILS.get(status, _FAULT_DETAILS[500])
    body = envelope(
        status,
        title,
        [item(status, str(status), detail, title=title)],
        api_version=api_version_for(_local_path(request)),
    )
    return respond(status, body, headers)


def rate_limited(request: Request, retry_after: int | None = None, daily: bool = False) -> JSONResponse:
    """429 ``TOO_MANY_REQUESTS`` with ``Retry-After`` [SPEC tracking-v3.yaml 429 headers]."""
    return _fault(request, 429, {"Retry-After": str(retry_after)} if retry_after is not None else None)


def server_error(request: Request, status: int) -> JSONResponse:
    """5xx in the APIs' envelope; 503 carries ``Retry-After`` as the spec documents."""
    return _fault(request, status)
