"""Amazon Shipping API v2 mock: LWA token endpoint + ``GET /shipping/v2/tracking``.

Mounted at ``/amazon``; a client's SP-API endpoint and LWA endpoint both become
``http://127.0.0.1:8000/amazon`` (the real hosts are ``sellingpartnerapi-{na,eu,fe}.amazon.com`` and
``api.amazon.com``). See FIDELITY.md for what is emulated and the evidence.
"""

from __future__ import annotations

from fastapi import FastAPI
from starlette.datastructures import Headers

from mock_carriers.carriers.spec import CarrierDoc, CarrierSpec, Credential, Retention, RouteTable
from mock_carriers.http.carrier_app import build_carrier_app
from mock_carriers.world.context import CarrierContext

from . import auth, errors, hot
from .routes import build_router

__all__ = ["SPEC", "create_carrier_app"]


def create_carrier_app(ctx: CarrierContext) -> FastAPI:
    # A trailing slash is a different, unknown path at Amazon, not a redirect.
    return build_carrier_app(
        "Amazon Shipping API v2 (parcel-sandbox mock)",
        build_router(ctx),
        errors.render_error,
        version="v2",
        openapi_url="/_openapi.json",
        state={"ctx": ctx},
    )


def credential(headers: Headers) -> Credential:
    """The LWA token travels in ``x-amz-access-token``, behind its ``Atza|``/``Atc|`` prefix."""
    return Credential("token", auth.raw_token(headers.get("x-amz-access-token")))


SPEC = CarrierSpec(
    key="amazon",
    create_app=create_carrier_app,
    routes=RouteTable(token=("/auth/o2/",), track=("/shipping/v2/tracking",)),
    hot_routes=hot.hot_routes,
    rate_limited=errors.rate_limited,
    server_error=errors.server_error,
    doc=CarrierDoc(
        name="Amazon",
        auth="LWA `POST /auth/o2/token` → `x-amz-access-token`",
        tracking="`GET /shipping/v2/tracking?trackingId=&carrierId=`",
        unknown_number="404 `{errors:[NotFound]}`",
    ),
    credential=credential,
    # The getTracking usage plan: 80 requests/s, burst 100 [docs/carrier-apis.md].
    rate_limit_presets={"default": {"per_second": 80, "burst": 100}},
    retention=Retention(
        45,
        "created",
        "Amazon Shipping tutorial: tracking details up to 45 days after the shipment creation date",
    ),
)
