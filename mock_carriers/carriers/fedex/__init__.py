"""FedEx mock: OAuth + Track API (Basic Integrated Visibility) under the carrier's real paths.

Mounted by the sandbox at ``/fedex``, so a client's base URL is ``http://127.0.0.1:8000/fedex`` and
``POST /oauth/token`` / ``POST /track/v1/trackingnumbers`` work as against ``apis.fedex.com``.
See FIDELITY.md for what is emulated and on what evidence.
"""

from __future__ import annotations

from fastapi import FastAPI

from mock_carriers.carriers.fedex import errors, hot, routes, webhook
from mock_carriers.carriers.spec import CarrierDoc, CarrierSpec, Retention, RouteTable
from mock_carriers.http.carrier_app import build_carrier_app
from mock_carriers.world.context import CarrierContext

__all__ = ["SPEC", "create_carrier_app"]


def create_carrier_app(ctx: CarrierContext) -> FastAPI:
    return build_carrier_app(
        "FedEx (parcel-sandbox mock)",
        routes.build_router(ctx),
        errors.render_error,
        description="OAuth and Track API paths as served by apis.fedex.com; see FIDELITY.md.",
        state={"fedex_ctx": ctx},  # FedEx answers a trailing slash with 404, not a redirect
    )


SPEC = CarrierSpec(
    key="fedex",
    create_app=create_carrier_app,
    routes=RouteTable(token=("/oauth/",), track=("/track/v1/",)),
    hot_routes=hot.hot_routes,
    rate_limited=errors.rate_limited,
    server_error=errors.server_error,
    doc=CarrierDoc(
        name="FedEx",
        auth="OAuth form `POST /oauth/token`",
        tracking="`POST /track/v1/trackingnumbers` (≤ 30)",
        unknown_number="200 + per-number `TRACKING.TRACKINGNUMBER.NOTFOUND`",
    ),
    # 1400 transactions per 10 s per project, Track capability 100K requests/day (midnight GMT)
    # [docs/carrier-apis.md, docs/realism.md §7].
    rate_limit_presets={"default": {"window": 10, "window_limit": 1400, "daily": 100_000}},
    webhook_formats=(webhook.FORMAT,),
    retention=Retention(
        90,
        "finished",
        "not published in FedEx's Track API docs; 90 days as commonly reported (unverified, FIDELITY.md)",
    ),
)
