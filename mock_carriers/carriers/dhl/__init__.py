"""Mock of DHL Shipment Tracking – Unified (``https://api-eu.dhl.com/track``), served under ``/dhl``.

A client's base URL ``https://api-eu.dhl.com`` becomes ``http://127.0.0.1:8000/dhl``; it calls
``GET /dhl/track/shipments?trackingNumber=…`` with header ``DHL-API-Key``. See FIDELITY.md.
"""

from __future__ import annotations

from fastapi import FastAPI

from mock_carriers.http.carrier_app import build_carrier_app
from mock_carriers.world.context import CarrierContext

from . import errors, routes


def create_carrier_app(ctx: CarrierContext) -> FastAPI:
    # The real gateway does not redirect "/track/shipments/" (no trailing-slash redirects).
    return build_carrier_app(
        "DHL Shipment Tracking – Unified (parcel-sandbox mock)",
        routes.build_router(ctx),
        errors.render_error,
        version="1.4.1",
        state={"dhl_ctx": ctx},
    )


__all__ = ["create_carrier_app"]
