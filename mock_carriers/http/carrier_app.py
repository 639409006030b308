"""The carrier sub-application, written once: carrier-shaped errors for everything FastAPI or
Starlette would otherwise answer with ``{"detail": ...}``, a request-body size cap, and the
carrier's own Swagger UI under ``/_docs``.

A carrier supplies one function, ``render_error(request, status, kind, message) -> Response``,
that writes its own error envelope; ``install_common_handlers`` routes every framework-level
failure through it, so no carrier path ever shows FastAPI's default body or a traceback.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any, Literal

from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mock_carriers.http.docs_ui import add_swagger_ui

ErrorKind = Literal[
    "not_found",  # no such path (path junk)
    "method_not_allowed",
    "bad_request",  # malformed JSON, missing/invalid parameters
    "payload_too_large",
    "internal",
]

RenderError = Callable[[Request, int, ErrorKind, str], Response]

#: Carriers' gateways reject large bodies; 1 MiB is far above any legitimate tracking request.
MAX_BODY_BYTES = 1 << 20

log = logging.getLogger("parcel_sandbox.carriers")


def _describe_validation(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err.get("loc", ()) if p != "body")
        parts.append(f"{loc}: {err.get('msg', 'invalid')}" if loc else str(err.get("msg", "invalid")))
    return "; ".join(parts) or "The request is invalid."


def install_common_handlers(app: FastAPI, render_error: RenderError) -> None:
    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 404:
            return render_error(request, 404, "not_found", "The requested resource was not found.")
        if exc.status_code == 405:
            return render_error(request, 405, "method_not_allowed", "Method not allowed.")
        if exc.status_code == 413:
            return render_error(request, 413, "payload_too_large", "Request body too large.")
        if exc.status_code >= 500:
            return render_error(request, exc.status_code, "internal", "Internal server error.")
        return render_error(request, exc.status_code, "bad_request", str(exc.detail))

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        return render_error(request, 400, "bad_request", _describe_validation(exc))

    @app.exception_handler(Exception)
    async def _internal(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return render_error(request, 500, "internal", "Internal server error.")

    app.add_middleware(BodyLimitMiddleware, render_error=render_error)


class _TooLarge(Exception):
    pass


class BodyLimitMiddleware:
    """Rejects bodies over ``MAX_BODY_BYTES`` (by Content-Length, or while streaming) with 413."""

    def __init__(self, app: ASGIApp, render_error: RenderError, limit: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.render_error = render_error
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        length = request.headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > self.limit):
            response = self.render_error(request, 413, "payload_too_large", "Request body too large.")
            response.headers["Connection"] = "close"  # the body is never read: end the connection
            await response(scope, receive, send)
            return

        seen = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise _TooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _TooLarge:
            if not started:
                response = self.render_error(request, 413, "payload_too_large", "Request body too large.")
                response.headers["Connection"] = "close"
                await response(scope, receive, send)


def build_carrier_app(
    title: str,
    router: APIRouter,
    render_error: RenderError,
    *,
    description: str = "",
    version: str = "0.1.0",
    openapi_url: str = "/_docs/openapi.json",
    redirect_slashes: bool = False,
    state: dict[str, Any] | None = None,
) -> FastAPI:
    """A carrier's sub-application: its own docs under ``/_docs`` (so no sandbox page shadows a
    carrier path), no trailing-slash redirects unless the carrier makes them, carrier-shaped
    errors for everything the framework would answer itself."""
    app = FastAPI(
        title=title,
        description=description,
        version=version,
        openapi_url=openapi_url,
        docs_url=None,
        redoc_url=None,
        redirect_slashes=redirect_slashes,
    )
    add_swagger_ui(app, "/_docs", openapi_url, f"{title} - Swagger UI")
    for key, value in (state or {}).items():
        setattr(app.state, key, value)  # for render_error, which only gets the request
    install_common_handlers(app, render_error)
    app.include_router(router)
    return app


class ServerHeader:
    """Adds the carrier gateway's ``Server`` header to every answer of the app it wraps."""

    def __init__(self, app: ASGIApp, value: str) -> None:
        self.app = app
        self.header = (b"server", value.encode("latin-1"))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_server(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [h for h in message.get("headers", []) if h[0].lower() != b"server"]
                message = {**message, "headers": [*headers, self.header]}
            await send(message)

        await self.app(scope, receive, with_server)


def mount_carrier(app: FastAPI, prefix: str, carrier_app: ASGIApp) -> None:
    """Mount a carrier at ``prefix``. Starlette's mount pattern is ``^/<key>/(?P<path>.*)$``: without
    DOTALL a path holding a decoded newline (``%0A``) would miss the carrier and get the app's 404."""
    app.mount(prefix, carrier_app)
    mount = app.router.routes[-1]
    mount.path_regex = re.compile(mount.path_regex.pattern, re.DOTALL)  # type: ignore[attr-defined]
