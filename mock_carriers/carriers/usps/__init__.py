"""Mock USPS APIs v3: OAuth 2.0 token endpoint and Tracking v3 (see FIDELITY.md)."""

from __future__ import annotations

from fastapi import FastAPI

from mock_carriers.carriers.spec import CarrierDoc, CarrierSpec, Retention, RouteTable
from mock_carriers.http.carrier_app import build_carrier_app
from mock_carriers.world.context import CarrierContext

from . import errors, hot
from .routes import build_router

__all__ = ["SPEC", "create_carrier_app"]


def create_carrier_app(ctx: CarrierContext) -> FastAPI:
    return build_carrier_app(
        "USPS APIs v3 (parcel-sandbox mock)",
        build_router(ctx),
        errors.render_error,
        description="OAuth 2.0 client credentials and Package Tracking v3, served at USPS's real paths.",
        version="3.2.6",
    )


SPEC = CarrierSpec(
    key="usps",
    create_app=create_carrier_app,
    routes=RouteTable(token=("/oauth2/",), track=("/tracking/v3/tracking/",)),
    hot_routes=hot.hot_routes,
    rate_limited=errors.rate_limited,
    server_error=errors.server_error,
    doc=CarrierDoc(
        name="USPS",
        auth="OAuth `POST /oauth2/v3/token`",
        tracking="`GET /tracking/v3/tracking/{n}?expand=DETAIL`",
        unknown_number="404 `{apiVersion, error}`",
    ),
    # A per-hour quota per app, ~60/hour for new apps (a secondary source; docs/realism.md §7).
    rate_limit_presets={"default": {"window": 3600, "window_limit": 60}},
    # USPS's 429 carries Retry-After (spec tracking-v3.yaml).
    retry_after=True,
    retention=Retention(
        120, "finished", "USPS: standard USPS Tracking records kept 120 days (3P summaries of USPS policy)"
    ),
)
