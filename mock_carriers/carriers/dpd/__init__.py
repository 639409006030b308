"""Mock DPD Web Connect: LoginService 2.1 and ParcelLifeCycleService 2.0, SOAP 1.1 (see FIDELITY.md)."""

from __future__ import annotations

from fastapi import FastAPI
from starlette.datastructures import Headers

from mock_carriers.carriers.spec import CarrierDoc, CarrierSpec, Credential, Retention, RouteTable
from mock_carriers.http.carrier_app import build_carrier_app
from mock_carriers.world.context import CarrierContext

from . import errors
from .auth import DpdAuth
from .routes import build_router

__all__ = ["SPEC", "create_carrier_app"]


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


def credential(headers: Headers) -> Credential:
    """DPD's token travels inside the SOAP body, which a gateway does not read: by address."""
    return Credential("address")


SPEC = CarrierSpec(
    key="dpd",
    create_app=create_carrier_app,
    routes=RouteTable(
        token=("/soap/services/LoginService/",), track=("/soap/services/ParcelLifeCycleService/",)
    ),
    rate_limited=errors.rate_limited,
    server_error=errors.server_error,
    doc=CarrierDoc(
        name="DPD",
        auth="SOAP `getAuth` `POST /soap/services/LoginService/V2_1` → `authentication` header",
        tracking="SOAP `getTrackingData` `POST /soap/services/ParcelLifeCycleService/V2_0`",
        unknown_number="500 SOAP fault `ERR_PARCEL_NOT_FOUND`",
    ),
    credential=credential,
    # "The amount of login calls allowed per day is 10" (DPD Belgium/Netherlands login-service
    # docs); tracking is rate limited too ("Rate limiting applies"), with no figure published.
    rate_limit_presets={"default": {"daily": 10, "routes": ["token"]}},
    retention=Retention(90, "finished", "no published figure found; 90 days assumed (FIDELITY.md)"),
)
