"""Mock USPS APIs v3: OAuth 2.0 token endpoint and Tracking v3 (see FIDELITY.md)."""

from __future__ import annotations

from fastapi import FastAPI

from mock_carriers.common import install_common_handlers
from mock_carriers.context import CarrierContext

from . import errors
from .routes import build_router

__all__ = ["create_carrier_app"]


def create_carrier_app(ctx: CarrierContext) -> FastAPI:
    app = FastAPI(
        title="USPS APIs v3 (parcel-sandbox mock)",
        description="OAuth 2.0 client credentials and Package Tracking v3, served at USPS's real paths.",
        version="3.2.6",
        # Docs live under a prefix no USPS path uses; a trailing slash is USPS's 404, not a redirect.
        openapi_url="/_docs/openapi.json",
        docs_url="/_docs",
        redoc_url=None,
        redirect_slashes=False,
    )
    install_common_handlers(app, errors.render_error)
    app.include_router(build_router(ctx))
    return app
