"""Mock of the Ship24 Tracking API (``https://api.ship24.com``), served under ``/ship24``: an
aggregator's face over the whole world — every simulated carrier's parcels, trackable through
Ship24's trackers, with the lag an aggregator adds and Ship24's webhooks (see FIDELITY.md).

A client's base URL ``https://api.ship24.com`` becomes ``http://127.0.0.1:8000/ship24``; it calls
``POST /ship24/public/v1/trackers/track`` with ``Authorization: Bearer apik_…``.
"""

from __future__ import annotations

from typing import cast

from fastapi import FastAPI
from starlette.datastructures import Headers

from mock_carriers.carriers.spec import CarrierDoc, CarrierSpec, Credential, RouteTable
from mock_carriers.http.auth_headers import bearer
from mock_carriers.http.carrier_app import build_carrier_app
from mock_carriers.world.context import CarrierContext, WorldContext

from . import errors, routes, webhook
from .trackers import TrackerStore

__all__ = ["SPEC", "create_carrier_app"]


def create_carrier_app(ctx: CarrierContext) -> FastAPI:
    world = cast(WorldContext, ctx)  # the served sandbox's context reads every carrier
    return build_carrier_app(
        "Ship24 Tracking API (parcel-sandbox mock)",
        routes.build_router(world, TrackerStore(ctx)),
        errors.render_error,
        description="Ship24's trackers, tracking results, couriers and per-call search over every "
        "carrier of the sandbox's world, at Ship24's real paths.",
        version="1.0.0",
    )


def credential(headers: Headers) -> Credential:
    """Every call carries the API key; Ship24 limits per key."""
    return Credential("key", bearer(headers.get("authorization")))


SPEC = CarrierSpec(
    key="ship24",
    create_app=create_carrier_app,
    routes=RouteTable(token=(), track=("/public/v1/trackers", "/public/v1/tracking")),
    rate_limited=errors.rate_limited,
    server_error=errors.server_error,
    doc=CarrierDoc(
        name="Ship24 (aggregator)",
        auth="`Authorization: Bearer apik_…`",
        tracking="`POST /public/v1/trackers/track`",
        unknown_number="200, milestone `pending`",
    ),
    credential=credential,
    # docs.ship24.com/rate-limiter "Default rate limit per endpoint": 10 requests/s per API key on
    # each endpoint apart, 3 on bulk create, 1 on resend and on couriers.
    rate_limit_presets={
        "default": {
            "per_second": 10,
            "burst": 10,
            "endpoints": {routes.BULK: 3, routes.RESEND: 1, routes.COURIERS: 1},
        }
    },
    endpoints=routes.ENDPOINTS,
    # Ship24 documents Retry-After on its 429 (python-ship24's openapi.yaml TooManyRequests).
    retry_after=True,
    webhook_formats=(webhook.FORMAT_SPEC,),
)
