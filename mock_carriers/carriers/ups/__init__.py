"""Mock UPS: OAuth client credentials and the Track API, served under ``/ups``.

A client configured with base URL ``http://127.0.0.1:8000/ups`` talks to the real UPS paths below
it: ``POST /security/v1/oauth/token`` and ``GET /api/track/v1/details/{inquiryNumber}``.
See FIDELITY.md for what is emulated and on what evidence.
"""

from __future__ import annotations

from fastapi import FastAPI

from mock_carriers.common import install_common_handlers
from mock_carriers.context import CarrierContext

from . import errors
from .routes import build_router

__all__ = ["create_carrier_app"]


def create_carrier_app(ctx: CarrierContext) -> FastAPI:
    # The docs live under /_docs so that no sandbox page shadows a UPS path.
    app = FastAPI(
        title="parcel-sandbox mock UPS",
        description="UPS OAuth client credentials and Track API (details) over the sandbox's parcels.",
        openapi_url="/_docs/openapi.json",
        docs_url="/_docs",
        redoc_url=None,
    )
    install_common_handlers(app, errors.render_error)
    app.include_router(build_router(ctx))
    return app
