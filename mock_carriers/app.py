"""create_app(...): the control plane plus every mock carrier under its own prefix."""

from __future__ import annotations

import importlib
import logging
import re
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from fastapi.security import HTTPBearer
from starlette.exceptions import HTTPException as StarletteHTTPException

from mock_carriers.control.faults import build_faults_router
from mock_carriers.control.webhooks import build_webhooks_router
from mock_carriers.control.world import build_control_router
from mock_carriers.http.docs_ui import add_swagger_ui
from mock_carriers.http.guard import ControlGuard
from mock_carriers.http.limits import RequestLimits
from mock_carriers.http.problems import problem, problem_responses
from mock_carriers.webhooks.hub import WebhookConfig, WebhookHub
from mock_carriers.world.clock import ClockMode
from mock_carriers.world.sandbox import DEFAULT_RETENTION, Sandbox
from sim.events import CARRIERS
from sim.scenario import Scenario

log = logging.getLogger("parcel_sandbox.control")


def carrier_app_factory(carrier: str):
    return importlib.import_module(f"mock_carriers.carriers.{carrier}").create_carrier_app


def create_app(
    scenario: Scenario | None = None,
    *,
    sandbox: Sandbox | None = None,
    seed: int | None = None,
    clock: ClockMode = "manual",
    speed: float = 1.0,
    db: str | Path | None = None,
    retention: timedelta = DEFAULT_RETENTION,
    webhook_allow: Sequence[str] = (),
    webhooks: WebhookConfig | None = None,
    control_token: str | None = None,
    allow_hosts: Sequence[str] = (),
    deterministic_tokens: bool = False,
) -> FastAPI:
    """The whole sandbox as one ASGI app: ``/_sandbox/...`` and ``/ups``, ``/fedex``, ``/dhl``,
    ``/usps``, ``/amazon``, ``/hermes``, ``/dpd`` with each carrier's real paths below its prefix.

    ``webhook_allow``: hosts (or IP networks) webhooks may call besides loopback; ``webhooks``:
    retry and dispatcher settings. The webhook dispatcher runs with the app's lifespan.
    ``control_token``: required on every ``/_sandbox`` request when set; ``allow_hosts``: Host
    names the control plane answers besides loopback and the address it was reached at
    (``mock_carriers.http.guard``). ``deterministic_tokens``: carrier access tokens derived from the
    seed (tests that compare them) instead of a per-process secret — only for a sandbox built here.
    """
    if sandbox is None:
        if scenario is None:
            raise ValueError("create_app needs a scenario or a sandbox")
        sandbox = Sandbox(
            scenario,
            seed=seed,
            clock_mode=clock,
            speed=speed,
            db=db,
            retention=retention,
            deterministic_tokens=deterministic_tokens,
        )
    if sandbox.webhooks is None:
        sandbox.webhooks = WebhookHub(sandbox, webhooks, webhook_allow)
    hub: WebhookHub = sandbox.webhooks

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await hub.start()
        try:
            yield
        finally:
            await hub.stop()

    app = FastAPI(
        title="parcel-sandbox",
        description="Mock carrier tracking APIs over a simulated parcel network. Control plane under "
        "/_sandbox; carriers under /ups, /fedex, /dhl, /usps, /amazon, /hermes, /dpd (each with its own "
        "docs at /<carrier>/_docs). Errors of the control plane are RFC 9457 problem details.",
        version="0.1.0",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    add_swagger_ui(app, "/docs", "/openapi.json", "parcel-sandbox - Swagger UI")
    app.state.sandbox = sandbox
    # Documents the token in the OpenAPI doc (Swagger UI's "Authorize"); ControlGuard enforces it.
    auth = [Depends(HTTPBearer(auto_error=False, description="The control token."))] if control_token else []
    for router in (build_control_router(sandbox), build_faults_router(sandbox), build_webhooks_router(hub)):
        app.include_router(router, dependencies=auth, responses=problem_responses(401, 403, 413, 415, 431))

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

    for carrier in CARRIERS:
        # Faults and rate limits sit in front of the carrier, as its gateway would.
        carrier_app = carrier_app_factory(carrier)(sandbox.context(carrier))
        app.mount(f"/{carrier}", sandbox.faults.wrap(carrier, carrier_app))
        # Starlette's mount pattern is "^/ups/(?P<path>.*)$": without DOTALL a path holding a
        # decoded newline (%0A) would miss the carrier and get the control plane's 404.
        mount = app.router.routes[-1]
        mount.path_regex = re.compile(mount.path_regex.pattern, re.DOTALL)  # type: ignore[attr-defined]
    # Outermost first: limits before anything reads the request, then who may control the world.
    app.add_middleware(ControlGuard, token=control_token, allow_hosts=allow_hosts)
    app.add_middleware(RequestLimits, carrier_prefixes=[f"/{c}" for c in CARRIERS])
    return app


def describe_validation(exc: RequestValidationError) -> str:
    """FastAPI's validation errors as ``field.path: message; ...``."""
    parts = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path"))
        msg = "unknown field" if err.get("type") == "extra_forbidden" else str(err.get("msg", "invalid"))
        msg = msg.removeprefix("Value error, ")
        parts.append(f"{loc}: {msg}" if loc else msg)
    return "; ".join(parts) or "the request is invalid"
