"""FedEx mock: OAuth + Track API (Basic Integrated Visibility) under the carrier's real paths.

Mounted by the sandbox at ``/fedex``, so a client's base URL is ``http://127.0.0.1:8000/fedex`` and
``POST /oauth/token`` / ``POST /track/v1/trackingnumbers`` work as against ``apis.fedex.com``.
See FIDELITY.md for what is emulated and on what evidence.
"""

from __future__ import annotations

from fastapi import FastAPI

from mock_carriers.carriers.fedex import errors, routes
from mock_carriers.common import install_common_handlers
from mock_carriers.context import CarrierContext

__all__ = ["create_carrier_app"]


def create_carrier_app(ctx: CarrierContext) -> FastAPI:
    app = FastAPI(
        title="FedEx (parcel-sandbox mock)",
        description="OAuth and Track API paths as served by apis.fedex.com; see FIDELITY.md.",
        # Kept off FedEx's own paths so that nothing real is shadowed.
        openapi_url="/_docs/openapi.json",
        docs_url="/_docs",
        redoc_url=None,
        # FedEx answers a trailing slash with 404, not a redirect.
        redirect_slashes=False,
    )
    # render_error reaches the context through the app (it only gets the request).
    app.state.fedex_ctx = ctx
    install_common_handlers(app, errors.render_error)
    app.include_router(routes.build_router(ctx))
    return app
