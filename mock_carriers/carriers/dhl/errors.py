"""DHL's error bodies: RFC 7807 problem details, ``Content-Type: application/problem+json``.

Two layers answer errors at ``api-eu.dhl.com`` and they order the members differently:

- the tracking backend (404 no result, 400 bad parameters): ``{"title","status","detail"}`` — the
  real 404 (Jan 2021 capture) is exactly
  ``{"title":"No result found","status":404,"detail":"No shipment with given tracking number found."}``
  (97 bytes, matching its Content-Length; no ``type``, no ``instance``);
- the API gateway (401 key, 429 quota, unknown paths, methods, body size): ``{"status","title","detail"}``
  — the real 429 is ``{"status":429,"title":"Too Many Requests","detail":"Too many requests within
  defined time period, please try again later."}`` (one line on the wire).

Every response carries the headers seen on the real 404: ``Content-Language``, ``Correlation-Id`` and
the gateway's CORS headers.
"""

from __future__ import annotations

import hashlib
from typing import Any

from fastapi import Request, Response

from mock_carriers.http.carrier_app import ErrorKind

from .render import dumps

PROBLEM_JSON = "application/problem+json"

CORS_HEADERS: dict[str, str] = {
    "access-control-allow-origin": "*",
    "access-control-allow-headers": "origin,x-requested-with,accept,content-type,dhl-api-key",
    "access-control-max-age": "3628800",
    "access-control-allow-methods": "GET,OPTIONS",
}

ALLOWED_METHODS = "GET, OPTIONS"

NOT_FOUND_TITLE = "No result found"
NOT_FOUND_DETAIL = "No shipment with given tracking number found."
UNAUTHORIZED_DETAIL = "Unauthorized for given resource."
RATE_LIMIT_DETAIL = "Too many requests within defined time period, please try again later."

_GATEWAY_TITLES: dict[int, str] = {
    401: "Unauthorized",
    404: "Not Found",
    405: "Method Not Allowed",
    413: "Payload Too Large",
    429: "Too Many Requests",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


def correlation_id(request: Request) -> str | None:
    """A UUID-shaped ``Correlation-Id`` derived from the context's deterministic request ids."""
    ctx = getattr(request.app.state, "dhl_ctx", None)
    if ctx is None:
        return None
    return uuid4_text(hashlib.sha256(ctx.request_id("correlation").encode()).digest())


def uuid4_text(digest: bytes) -> str:
    """``str(uuid.UUID(bytes=digest[:16], version=4))`` without building the UUID (a hot read's
    per-request id): the version nibble 4 and the RFC 4122 variant bits set, hex in 8-4-4-4-12."""
    b6 = digest[6] & 0x0F | 0x40
    b8 = digest[8] & 0x3F | 0x80
    h = digest[:6].hex() + f"{b6:02x}" + digest[7:8].hex() + f"{b8:02x}" + digest[9:16].hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def response_headers(request: Request, language: str = "en") -> dict[str, str]:
    headers: dict[str, str] = {}
    cid = correlation_id(request)
    if cid is not None:
        headers["Correlation-Id"] = cid
    headers["Content-Language"] = language
    headers.update(CORS_HEADERS)
    return headers


def problem(
    request: Request,
    status: int,
    title: str,
    detail: str,
    *,
    gateway: bool,
    headers: dict[str, str] | None = None,
) -> Response:
    body: dict[str, Any] = (
        {"status": status, "title": title, "detail": detail}
        if gateway
        else {"title": title, "status": status, "detail": detail}
    )
    all_headers = response_headers(request)
    if headers:
        all_headers.update(headers)
    return Response(content=dumps(body), status_code=status, media_type=PROBLEM_JSON, headers=all_headers)


def not_found(request: Request) -> Response:
    """Unknown, malformed, not-yet-visible numbers and a wrong ``service`` hint alike."""
    return problem(request, 404, NOT_FOUND_TITLE, NOT_FOUND_DETAIL, gateway=False)


def unauthorized(request: Request) -> Response:
    return problem(request, 401, _GATEWAY_TITLES[401], UNAUTHORIZED_DETAIL, gateway=True)


def bad_request(request: Request, detail: str) -> Response:
    return problem(request, 400, "Bad Request", detail, gateway=False)


def rate_limited(request: Request, retry_after: int | None = None, daily: bool = False) -> Response:
    """The gateway's quota answer, for the sandbox's fault injection (per second and per day alike)."""
    headers = {"Retry-After": str(retry_after)} if retry_after is not None else None
    return problem(request, 429, _GATEWAY_TITLES[429], RATE_LIMIT_DETAIL, gateway=True, headers=headers)


def render_error(request: Request, status: int, kind: ErrorKind, message: str) -> Response:
    """Framework-level failures (see ``mock_carriers.http.carrier_app``) in DHL's own shapes."""
    if kind == "bad_request":
        return bad_request(request, message)
    if kind == "internal":
        return problem(request, status, "Internal Server Error", message, gateway=False)
    headers = {"Allow": ALLOWED_METHODS} if kind == "method_not_allowed" else None
    title = _GATEWAY_TITLES.get(status, "Error")
    return problem(request, status, title, message, gateway=True, headers=headers)


#: Texts of the injected 5xx answers [INFER: no DHL 5xx body was found; RFC 7807 like the rest].
_SERVER_DETAILS: dict[int, str] = {
    500: "An internal error occurred. Please try again later.",
    502: "The upstream service returned an invalid response.",
    503: "The service is temporarily unavailable. Please try again later.",
    504: "The upstream service did not answer in time.",
}


def server_error(request: Request, status: int) -> Response:
    """A backend 500 (``title`` first, like the 404) or a gateway 502/503/504 (``status`` first)."""
    detail = _SERVER_DETAILS.get(status, _SERVER_DETAILS[500])
    if status == 500:
        return problem(request, 500, "Internal Server Error", detail, gateway=False)
    return problem(request, status, _GATEWAY_TITLES.get(status, "Error"), detail, gateway=True)
