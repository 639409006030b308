"""Mock of DHL Shipment Tracking – Unified (``https://api-eu.dhl.com/track``), served under ``/dhl``.

A client's base URL ``https://api-eu.dhl.com`` becomes ``http://127.0.0.1:8000/dhl``; it calls
``GET /dhl/track/shipments?trackingNumber=…`` with header ``DHL-API-Key``. See FIDELITY.md.
"""

from __future__ import annotations

from fastapi import FastAPI
from starlette.datastructures import Headers

from mock_carriers.carriers.spec import CarrierDoc, CarrierSpec, Credential, Retention, RouteTable
from mock_carriers.http.carrier_app import build_carrier_app
from mock_carriers.world.context import CarrierContext

from . import errors, hot, routes


def create_carrier_app(ctx: CarrierContext) -> FastAPI:
    # The real gateway does not redirect "/track/shipments/" (no trailing-slash redirects).
    return build_carrier_app(
        "DHL Shipment Tracking – Unified (parcel-sandbox mock)",
        routes.build_router(ctx),
        errors.render_error,
        version="1.4.1",
        state={"dhl_ctx": ctx},
    )


def credential(headers: Headers) -> Credential:
    """No token: every call carries the app's API key, and DHL's tiers limit per key."""
    return Credential("key", headers.get("dhl-api-key"))


SPEC = CarrierSpec(
    key="dhl",
    create_app=create_carrier_app,
    routes=RouteTable(token=(), track=("/track/shipments", "/shipments")),
    hot_routes=hot.hot_routes,
    rate_limited=errors.rate_limited,
    server_error=errors.server_error,
    doc=CarrierDoc(
        name="DHL",
        auth="`DHL-API-Key` header",
        tracking="`GET /track/shipments?trackingNumber=`",
        unknown_number="404 problem+json",
    ),
    credential=credential,
    # The developer portal's tiers; the daily quota resets 00:00 GMT [docs/carrier-apis.md].
    rate_limit_presets={
        "default": {"per_second": 1, "burst": 1, "daily": 250},
        "starter": {"per_second": 1, "burst": 1, "daily": 250},
        "standard": {"per_second": 2, "burst": 2, "daily": 1000},
    },
    retention=Retention(
        90, "finished", "DHL developer support FAQ: shipment data purged after about 90 days"
    ),
)

__all__ = ["SPEC", "create_carrier_app"]
