"""Mock UPS: OAuth client credentials and the Track API, served under ``/ups``.

A client configured with base URL ``http://127.0.0.1:8000/ups`` talks to the real UPS paths below
it: ``POST /security/v1/oauth/token`` and ``GET /api/track/v1/details/{inquiryNumber}``.
See FIDELITY.md for what is emulated and on what evidence.
"""

from __future__ import annotations

from fastapi import FastAPI

from mock_carriers.http.carrier_app import build_carrier_app
from mock_carriers.world.context import CarrierContext

from . import errors
from .routes import build_router

__all__ = ["create_carrier_app"]


def create_carrier_app(ctx: CarrierContext) -> FastAPI:
    return build_carrier_app(
        "parcel-sandbox mock UPS",
        build_router(ctx),
        errors.render_error,
        description="UPS OAuth client credentials and Track API (details) over the sandbox's parcels.",
        redirect_slashes=True,
    )
