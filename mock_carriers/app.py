"""create_app(...): the control plane plus every mock carrier under its own prefix."""

from __future__ import annotations

import importlib
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from mock_carriers.clock import ClockMode
from mock_carriers.control import build_control_router
from mock_carriers.control_faults import build_faults_router
from mock_carriers.control_webhooks import build_webhooks_router
from mock_carriers.sandbox import DEFAULT_RETENTION, Sandbox
from mock_carriers.webhooks import WebhookConfig, WebhookHub
from sim.events import CARRIERS
from sim.scenario import Scenario


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
) -> FastAPI:
    """The whole sandbox as one ASGI app: ``/_sandbox/...`` and ``/ups``, ``/fedex``, ``/dhl``,
    ``/usps``, ``/amazon``, ``/hermes``, ``/dpd`` with each carrier's real paths below its prefix.

    ``webhook_allow``: hosts (or IP networks) webhooks may call besides loopback; ``webhooks``:
    retry and dispatcher settings. The webhook dispatcher runs with the app's lifespan."""
    if sandbox is None:
        if scenario is None:
            raise ValueError("create_app needs a scenario or a sandbox")
        sandbox = Sandbox(scenario, seed=seed, clock_mode=clock, speed=speed, db=db, retention=retention)
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
        "/_sandbox; carriers under /ups, /fedex, /dhl, /usps, /amazon, /hermes, /dpd (each with its docs at "
        "/<carrier>/_docs).",
        version="0.1.0",
        lifespan=lifespan,
    )
    app.state.sandbox = sandbox
    app.include_router(build_control_router(sandbox))
    app.include_router(build_faults_router(sandbox))
    app.include_router(build_webhooks_router(hub))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return JSONResponse({"error": str(exc.detail)}, status_code=exc.status_code)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        parts = [f"{'.'.join(str(p) for p in e['loc'] if p != 'body')}: {e['msg']}" for e in exc.errors()]
        return JSONResponse({"error": "; ".join(parts)}, status_code=400)

    for carrier in CARRIERS:
        # Faults and rate limits sit in front of the carrier, as its gateway would.
        carrier_app = carrier_app_factory(carrier)(sandbox.context(carrier))
        app.mount(f"/{carrier}", sandbox.faults.wrap(carrier, carrier_app))
    return app
