"""Mock USPS APIs v3: OAuth 2.0 token endpoint and Tracking v3 (see FIDELITY.md)."""

from __future__ import annotations

from fastapi import FastAPI

from mock_carriers.http.carrier_app import build_carrier_app
from mock_carriers.world.context import CarrierContext

from . import errors
from .routes import build_router

__all__ = ["create_carrier_app"]


def create_carrier_app(ctx: CarrierContext) -> FastAPI:
    return build_carrier_app(
        "USPS APIs v3 (parcel-sandbox mock)",
        build_router(ctx),
        errors.render_error,
        description="OAuth 2.0 client credentials and Package Tracking v3, served at USPS's real paths.",
        version="3.2.6",
    )
