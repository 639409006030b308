"""The control plane on the sandbox's app: its routers under ``/_sandbox`` and the problem-details
body (RFC 9457, ``mock_carriers.http.problems``) for every error the app itself answers — a
validation error names its field, and no traceback ever reaches a client."""

from __future__ import annotations

import logging

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from fastapi.security import HTTPBearer
from starlette.exceptions import HTTPException as StarletteHTTPException

from mock_carriers.control.faults import build_faults_router
from mock_carriers.control.truth import build_truth_router
from mock_carriers.control.webhooks import build_webhooks_router
from mock_carriers.control.world import build_control_router
from mock_carriers.http.problems import problem, problem_responses
from mock_carriers.ui import add_ui
from mock_carriers.webhooks.hub import WebhookHub
from mock_carriers.world.sandbox import Sandbox

log = logging.getLogger("parcel_sandbox.control")


def add_control_plane(app: FastAPI, sandbox: Sandbox, hub: WebhookHub, *, token: bool) -> None:
    """``token``: whether a control token guards the plane (``ControlGuard`` enforces it; here it is
    documented in the OpenAPI doc, Swagger UI's "Authorize")."""
    auth = [Depends(HTTPBearer(auto_error=False, description="The control token."))] if token else []
    routers = (build_control_router(sandbox), build_truth_router(sandbox), build_faults_router(sandbox))
    for router in (*routers, build_webhooks_router(hub)):
        app.include_router(router, dependencies=auth, responses=problem_responses(401, 403, 413, 415, 431))
    app.state.tally = add_ui(app, sandbox, hub, auth)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        return problem(exc.status_code, str(exc.detail), headers=getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        return problem(400, describe_validation(exc))

    @app.exception_handler(Exception)
    async def _internal(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return problem(500, "internal error: the sandbox logged it")


def describe_validation(exc: RequestValidationError) -> str:
    """FastAPI's validation errors as ``field.path: message; ...``."""
    parts = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path"))
        msg = "unknown field" if err.get("type") == "extra_forbidden" else str(err.get("msg", "invalid"))
        msg = msg.removeprefix("Value error, ")
        parts.append(f"{loc}: {msg}" if loc else msg)
    return "; ".join(parts) or "the request is invalid"
