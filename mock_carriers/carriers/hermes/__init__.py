"""Mock Hermes Germany HSI: the authorization facade's OAuth token endpoint and the Shipment Info API
(see FIDELITY.md)."""

from __future__ import annotations

from fastapi import FastAPI

from mock_carriers.common import install_common_handlers
from mock_carriers.context import CarrierContext

from . import errors
from .auth import HermesAuth
from .routes import build_router

__all__ = ["create_carrier_app"]


def create_carrier_app(ctx: CarrierContext) -> FastAPI:
    app = FastAPI(
        title="Hermes Germany HSI (parcel-sandbox mock)",
        description="OAuth 2.0 token endpoint of the Hermes authorization facade and the HSI Shipment "
        "Info API, served at Hermes's real paths.",
        version="2025-12-08",
        # Docs under a prefix no Hermes path uses; a trailing slash is Hermes's 404, not a redirect.
        openapi_url="/_docs/openapi.json",
        docs_url="/_docs",
        redoc_url=None,
        redirect_slashes=False,
    )
    install_common_handlers(app, errors.render_error)
    app.include_router(build_router(ctx, HermesAuth(ctx)))
    return app
