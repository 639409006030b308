"""create_app(...): the sandbox as one ASGI app — the control plane under ``/_sandbox`` and every
carrier of the registry (``mock_carriers.carriers.registry``) under its own prefix, each behind its
fault and rate-limit gateway, all behind the request limits and the control guard."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path

from fastapi import FastAPI
from starlette.types import Receive, Scope, Send

from mock_carriers.carriers import registry
from mock_carriers.control.plane import add_control_plane
from mock_carriers.http.carrier_app import ServerHeader, mount_carrier
from mock_carriers.http.docs_ui import add_swagger_ui
from mock_carriers.http.fastlane import FastLane
from mock_carriers.http.guard import ControlGuard
from mock_carriers.http.limits import RequestLimits
from mock_carriers.webhooks.hub import WebhookHub
from mock_carriers.webhooks.models import WebhookConfig
from mock_carriers.world import collector
from mock_carriers.world.clock import ClockMode
from mock_carriers.world.sandbox import DEFAULT_RETENTION, Sandbox
from sim.scenario import Scenario


class SandboxApp(FastAPI):
    """The sandbox's FastAPI app with the fast lane in front: the carriers' hot tracking reads are
    answered by ``fast_lane`` (when set), everything else by FastAPI as usual."""

    fast_lane: FastLane | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        lane = self.fast_lane
        if lane is not None and scope["type"] == "http":
            left = await lane.serve(scope, receive, send)
            if left is None:
                return
            receive = left
        await super().__call__(scope, receive, send)


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
    fast_lane: bool = True,
    settle_collector: bool = False,
) -> SandboxApp:
    """The whole sandbox as one ASGI app: ``/_sandbox/...``, and ``/<carrier>`` for every
    registered carrier with the carrier's real paths below its prefix.

    ``webhook_allow``: hosts (or IP networks) webhooks may call besides loopback; ``webhooks``:
    retry and dispatcher settings. The webhook dispatcher runs with the app's lifespan.
    ``control_token``: required on every ``/_sandbox`` request when set; ``allow_hosts``: Host
    names the control plane answers besides loopback and the address it was reached at
    (``mock_carriers.http.guard``). ``deterministic_tokens``: carrier access tokens derived from the
    seed (tests that compare them) instead of a per-process secret — only for a sandbox built here.
    ``fast_lane``: answer the carriers' tracking reads through ``mock_carriers.http.fastlane``
    (byte for byte what the routes answer; off only to compare against the plain routes).
    ``settle_collector``: once started, freeze what startup built and collect less often
    (``mock_carriers.world.collector``) — for a serving process, not for an app built in a test.
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

    prefixes = [f"/{key}" for key in registry.KEYS]

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await hub.start()
        app.state.tally.start()
        if settle_collector:
            collector.settle()
        try:
            yield
        finally:
            await hub.stop()
            app.state.tally.stop()

    app = SandboxApp(
        title="parcel-sandbox",
        description="Mock carrier tracking APIs over a simulated parcel network. Control plane under "
        f"/_sandbox; carriers under {', '.join(prefixes)} (each with its own "
        "docs at /<carrier>/_docs). Errors of the control plane are RFC 9457 problem details.",
        version="0.1.0",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    add_swagger_ui(app, "/docs", "/openapi.json", "parcel-sandbox - Swagger UI")
    app.state.sandbox = sandbox
    add_control_plane(app, sandbox, hub, token=bool(control_token))
    lane = FastLane(sandbox.faults)
    for spec in registry.specs():
        # Faults and rate limits sit in front of the carrier, as its gateway would.
        ctx = sandbox.context(spec.key)
        carrier_app = spec.create_app(ctx)
        gateway = sandbox.faults.wrap(spec.key, carrier_app)
        mount_carrier(app, f"/{spec.key}", ServerHeader(gateway, spec.server) if spec.server else gateway)
        if spec.hot_routes is not None:
            lane.add(spec.key, f"/{spec.key}", carrier_app, spec.hot_routes(ctx), server=spec.server)
    if fast_lane:
        app.fast_lane = lane
    # Outermost first: limits before anything reads the request, then who may control the world.
    app.add_middleware(ControlGuard, token=control_token, allow_hosts=allow_hosts)
    app.add_middleware(RequestLimits, carrier_prefixes=prefixes)
    return app
