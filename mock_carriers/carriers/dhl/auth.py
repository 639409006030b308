"""DHL's auth: a static consumer key in the ``DHL-API-Key`` header, checked by the API gateway.

There is no token endpoint and no expiry: a key works until it is revoked (removed from the
scenario's allowed keys). A missing key and a wrong key get the same gateway 401.
"""

from __future__ import annotations

from fastapi import Request, Response

from mock_carriers.world.context import CarrierContext

from . import errors

API_KEY_HEADER = "DHL-API-Key"


def api_key(request: Request) -> str | None:
    return request.headers.get(API_KEY_HEADER)


def check_api_key(request: Request, ctx: CarrierContext) -> Response | None:
    """``None`` when the key is accepted, else the gateway's 401 response."""
    if ctx.credentials.accepts_key(ctx.carrier, api_key(request)):
        return None
    return errors.unauthorized(request)
