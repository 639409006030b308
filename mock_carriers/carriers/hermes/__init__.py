"""Mock Hermes Germany HSI: the authorization facade's OAuth token endpoint and the Shipment Info API
(see FIDELITY.md)."""

from __future__ import annotations

from fastapi import FastAPI
from starlette.datastructures import Headers

from mock_carriers.carriers.spec import CarrierDoc, CarrierSpec, Credential, Retention, RouteTable
from mock_carriers.http.auth_headers import bearer
from mock_carriers.http.carrier_app import build_carrier_app
from mock_carriers.world.context import CarrierContext

from . import errors, hot
from .auth import HermesAuth
from .routes import build_router

__all__ = ["SPEC", "create_carrier_app"]


def create_carrier_app(ctx: CarrierContext) -> FastAPI:
    return build_carrier_app(
        "Hermes Germany HSI (parcel-sandbox mock)",
        build_router(ctx, HermesAuth(ctx)),
        errors.render_error,
        description="OAuth 2.0 token endpoint of the Hermes authorization facade and the HSI Shipment "
        "Info API, served at Hermes's real paths.",
        version="2025-12-08",
    )


def credential(headers: Headers) -> Credential:
    """A bearer JWT whose signature part is the sandbox's own token (``auth._jwt``)."""
    token = bearer(headers.get("authorization"))
    if token is not None and token.count(".") == 2:
        token = token.rsplit(".", 1)[1]
    return Credential("token", token)


SPEC = CarrierSpec(
    key="hermes",
    create_app=create_carrier_app,
    routes=RouteTable(token=("/authorization-facade/",), track=("/services/hsi/shipment",)),
    hot_routes=hot.hot_routes,
    rate_limited=errors.rate_limited,
    server_error=errors.server_error,
    doc=CarrierDoc(
        name="Hermes DE",
        auth="OAuth password grant `POST /authorization-facade/oauth2/access_token`",
        tracking="`GET /services/hsi/shipmentinfo?shipmentID=`",
        unknown_number="200 + result `e001`",
    ),
    credential=credential,
    retention=Retention(90, "finished", "no published figure found; 90 days assumed (FIDELITY.md)"),
)
