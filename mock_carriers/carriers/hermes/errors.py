"""Hermes Germany error bodies.

Two families, as Hermes answers them:

- the HSI APIs' ``ErrorResponse`` ``{"listOfResultCodes": [{"code": "e005", "message": "…"}]}`` with
  the codes and texts of ``openapi-shipment.yaml`` [SPEC]: e001 no information (inside a 200), e002
  query not successful, e005 syntax error, e006 required field missing, e008 unsupported parameter
  combination, e009 unknown media type, e902 token invalid, e903 token expired (all 400), e900 not
  authorized (403), e999 general technical error (500);
- the authorization facade's OAuth 2.0 body ``{"error", "error_description"}`` [SPEC
  ``openapi-auth.yaml`` ``Token400Response``/``Token401Response``], whose texts are Spring Security
  OAuth2's (the spec's list of reasons quotes them).

Everything the framework would answer itself (path junk, wrong method, validation, huge bodies,
crashes) comes through ``render_error`` in the family of the path it hit.
"""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response

from mock_carriers.http.carrier_app import ErrorKind
from mock_carriers.http.jsonio import JSONResponse

AUTH_PREFIX = "/authorization-facade/"

NO_INFORMATION = "e001"
QUERY_FAILED = "e002"
SYNTAX_ERROR = "e005"
REQUIRED_MISSING = "e006"
UNSUPPORTED_COMBINATION = "e008"
UNKNOWN_MEDIA_TYPE = "e009"
NOT_AUTHORIZED = "e900"
TOKEN_INVALID = "e902"
TOKEN_EXPIRED = "e903"
TECHNICAL_ERROR = "e999"

#: Result-code texts, verbatim from the spec's response descriptions [SPEC openapi-shipment.yaml].
MESSAGES: dict[str, str] = {
    NO_INFORMATION: "There is no information for the entered value.",
    QUERY_FAILED: "Query for shipment information not successful.",
    SYNTAX_ERROR: "Syntax error during validation – Incorrect properties specified.",
    REQUIRED_MISSING: "Required field error during validation – Required fields not filled.",
    UNSUPPORTED_COMBINATION: "Unsupported Combination of request Parameter",
    UNKNOWN_MEDIA_TYPE: "The given media type is unknown",
    NOT_AUTHORIZED: "You are not authorized to perform this functionality.",
    TOKEN_INVALID: "Token is invalid.",
    TOKEN_EXPIRED: "Token is expired.",
    TECHNICAL_ERROR: "General technical error.",
}

#: RFC 6750 §3: a request without credentials is told which scheme to use.
WWW_AUTHENTICATE = 'Bearer realm="hsi"'
#: RFC 6749 §5.1: token responses, errors included, must not be cached.
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def result_code(code: str) -> dict[str, str]:
    return {"code": code, "message": MESSAGES[code]}


def error_response(status: int, code: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"listOfResultCodes": [result_code(code)]}, status_code=status, headers=headers)


def bad_request(code: str) -> JSONResponse:
    """400 with one of the spec's validation codes (e005, e006, e008, e009)."""
    return error_response(400, code)


def unauthorized(state: str) -> JSONResponse:
    """The answer to a bearer token that is not good.

    Invalid → 400 e902 and expired → 400 e903 as the spec documents them. No token at all is
    stopped before the API (RFC 6750: 401 with ``WWW-Authenticate``) [INFER: the spec documents no
    401]; the body stays in the HSI envelope with e902 so a client reads one shape.
    """
    if state == "expired":
        return error_response(400, TOKEN_EXPIRED)
    if state == "missing":
        return error_response(401, TOKEN_INVALID, {"WWW-Authenticate": WWW_AUTHENTICATE})
    return error_response(400, TOKEN_INVALID)


def oauth_error(
    status: int, error: str, description: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse(
        {"error": error, "error_description": description},
        status_code=status,
        headers={**NO_STORE, **(headers or {})},
    )


def _local_path(request: Request) -> str:
    """The path below the sandbox's ``/hermes`` mount."""
    path = request.url.path
    root = request.scope.get("root_path", "")
    if root and path.startswith(root):
        path = path[len(root) :] or "/"
    return path


def is_auth_path(request: Request) -> bool:
    return _local_path(request).startswith(AUTH_PREFIX)


#: Framework failures on the authorization facade, in Spring Security OAuth2's words [INFER: the
#: token endpoint is Spring's — the spec's 400/401 reasons are its messages; Spring answers a
#: wrong method with 405 ``method_not_allowed``].
_OAUTH_FAILURES: dict[ErrorKind, tuple[str, str]] = {
    "not_found": ("not_found", "The requested resource was not found."),
    "method_not_allowed": ("method_not_allowed", "Request method '{method}' not supported"),
    "bad_request": ("invalid_request", "{message}"),
    "payload_too_large": ("invalid_request", "Request body too large."),
    "internal": ("server_error", "Internal server error."),
}

#: Framework failures on the HSI API → the spec code closest in meaning [INFER: the spec documents
#: only 400/403/500; 404/405/413 keep their HTTP status and use its envelope].
_API_FAILURES: dict[ErrorKind, str] = {
    "not_found": QUERY_FAILED,
    "method_not_allowed": QUERY_FAILED,
    "bad_request": SYNTAX_ERROR,
    "payload_too_large": SYNTAX_ERROR,
    "internal": TECHNICAL_ERROR,
}


def render_error(request: Request, status: int, kind: ErrorKind, message: str) -> Response:
    """Every framework-level failure in Hermes's shape for the path it hit."""
    if is_auth_path(request):
        error, description = _OAUTH_FAILURES.get(kind, _OAUTH_FAILURES["internal"])
        return oauth_error(status, error, description.format(method=request.method, message=message))
    return error_response(status, _API_FAILURES.get(kind, TECHNICAL_ERROR))


# --- injected faults and rate limits (the sandbox's fault layer) -----------------------------------


def rate_limited(request: Request, retry_after: int | None = None, daily: bool = False) -> Response:
    """429 [INFER: Hermes documents no rate-limit answer; the HSI envelope with e999, ``Retry-After``]."""
    headers = {"Retry-After": str(retry_after)} if retry_after is not None else None
    if is_auth_path(request):
        return oauth_error(429, "temporarily_unavailable", "Too many requests.", headers)
    return error_response(429, TECHNICAL_ERROR, headers)


def server_error(request: Request, status: int) -> Response:
    """5xx: e999 "General technical error." [SPEC for 500; INFER for 502/503/504]."""
    if is_auth_path(request):
        error = "temporarily_unavailable" if status == 503 else "server_error"
        return oauth_error(status, error, "Internal server error.")
    return error_response(status, TECHNICAL_ERROR)
