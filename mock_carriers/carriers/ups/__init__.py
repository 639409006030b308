"""Mock UPS: OAuth client credentials and the Track API, served under ``/ups``.

A client configured with base URL ``http://127.0.0.1:8000/ups`` talks to the real UPS paths below
it: ``POST /security/v1/oauth/token`` and ``GET /api/track/v1/details/{inquiryNumber}``.
See FIDELITY.md for what is emulated and on what evidence.
"""

from __future__ import annotations

from fastapi import FastAPI

from mock_carriers.carriers.spec import CarrierDoc, CarrierSpec, Retention, RouteTable, WebhookFormat
from mock_carriers.http.carrier_app import build_carrier_app
from mock_carriers.world.context import CarrierContext

from . import errors, hot, trackalert
from .routes import build_router

__all__ = ["SPEC", "create_carrier_app"]


def create_carrier_app(ctx: CarrierContext) -> FastAPI:
    return build_carrier_app(
        "parcel-sandbox mock UPS",
        build_router(ctx),
        errors.render_error,
        description="UPS OAuth client credentials and Track API (details) over the sandbox's parcels.",
        redirect_slashes=True,
    )


SPEC = CarrierSpec(
    key="ups",
    create_app=create_carrier_app,
    # Track Alert subscriptions and unknown paths are "other".
    routes=RouteTable(
        token=("/security/v1/oauth/",), track=("/api/track/v1/details/", "/api/track/v1/reference/")
    ),
    hot_routes=hot.hot_routes,
    rate_limited=errors.rate_limited,
    server_error=errors.server_error,
    doc=CarrierDoc(
        name="UPS",
        auth="OAuth client credentials (Basic) `POST /security/v1/oauth/token`",
        tracking="`GET /api/track/v1/details/{n}`",
        unknown_number="200 + warning `TW0001`",
    ),
    # UPS publishes no rate limits.
    rate_limit_presets={},
    webhook_formats=(
        WebhookFormat(
            name=trackalert.FORMAT,
            carriers=("ups",),
            render=lambda event, history, truth, delivery_id: trackalert.render_event(event, history),
            headers=trackalert.webhook_headers,
            secret_use="UPS format: x-api-key",
            subscribed=trackalert.alerted,
            push_api="UPS Track Alert",
        ),
    ),
    retention=Retention(
        120,
        "finished",
        "UPS Tracking API spec (vendor/specs/ups/Tracking.yaml): data rolled off after 120 days",
    ),
)
