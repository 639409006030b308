"""Mock Hermes Germany HSI: the authorization facade's OAuth token endpoint and the Shipment Info API
(see FIDELITY.md)."""

from __future__ import annotations

from fastapi import FastAPI

from mock_carriers.http.carrier_app import build_carrier_app
from mock_carriers.world.context import CarrierContext

from . import errors
from .auth import HermesAuth
from .routes import build_router

__all__ = ["create_carrier_app"]


def create_carrier_app(ctx: CarrierContext) -> FastAPI:
    return build_carrier_app(
        "Hermes Germany HSI (parcel-sandbox mock)",
        build_router(ctx, HermesAuth(ctx)),
        errors.render_error,
        description="OAuth 2.0 token endpoint of the Hermes authorization facade and the HSI Shipment "
        "Info API, served at Hermes's real paths.",
        version="2025-12-08",
    )
