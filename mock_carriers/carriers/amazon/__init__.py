"""Amazon Shipping API v2 mock: LWA token endpoint + ``GET /shipping/v2/tracking``.

Mounted at ``/amazon``; a client's SP-API endpoint and LWA endpoint both become
``http://127.0.0.1:8000/amazon`` (the real hosts are ``sellingpartnerapi-{na,eu,fe}.amazon.com`` and
``api.amazon.com``). See FIDELITY.md for what is emulated and the evidence.
"""

from __future__ import annotations

from fastapi import FastAPI

from mock_carriers.http.carrier_app import build_carrier_app
from mock_carriers.world.context import CarrierContext

from . import errors
from .routes import build_router

__all__ = ["create_carrier_app"]


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
