"""Mock of DHL Shipment Tracking – Unified (``https://api-eu.dhl.com/track``), served under ``/dhl``.

A client's base URL ``https://api-eu.dhl.com`` becomes ``http://127.0.0.1:8000/dhl``; it calls
``GET /dhl/track/shipments?trackingNumber=…`` with header ``DHL-API-Key``. See FIDELITY.md.
"""

from __future__ import annotations

from fastapi import FastAPI

from mock_carriers.common import install_common_handlers
from mock_carriers.context import CarrierContext

from . import errors, routes


def create_carrier_app(ctx: CarrierContext) -> FastAPI:
    app = FastAPI(
        title="DHL Shipment Tracking – Unified (parcel-sandbox mock)",
        version="1.4.1",
        openapi_url="/_docs/openapi.json",
        docs_url="/_docs",
        redoc_url=None,
        # The real gateway does not redirect "/track/shipments/"; a 307 here would leak the
        # framework's behaviour into the carrier's surface.
        redirect_slashes=False,
    )
    # Error rendering outside the routes (common handlers) reaches the context through the app.
    app.state.dhl_ctx = ctx
    install_common_handlers(app, errors.render_error)
    app.include_router(routes.build_router(ctx))
    return app


__all__ = ["create_carrier_app"]
