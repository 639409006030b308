"""Mock DPD Web Connect: LoginService 2.1 and ParcelLifeCycleService 2.0, SOAP 1.1 (see FIDELITY.md)."""

from __future__ import annotations

from fastapi import FastAPI

from mock_carriers.http.carrier_app import build_carrier_app
from mock_carriers.world.context import CarrierContext

from . import errors
from .auth import DpdAuth
from .routes import build_router

__all__ = ["create_carrier_app"]


def create_carrier_app(ctx: CarrierContext) -> FastAPI:
    return build_carrier_app(
        "DPD Web Connect (parcel-sandbox mock)",
        build_router(ctx, DpdAuth(ctx)),
        errors.render_error,
        description="DPD's SOAP 1.1 shipper web services LoginService 2.1 (getAuth) and "
        "ParcelLifeCycleService 2.0 (getTrackingData, getParcelLabelNumberForWebNumber), served at "
        "DPD's real paths.",
        version="2.0",
    )
