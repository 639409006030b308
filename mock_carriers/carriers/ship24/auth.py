"""Ship24's API keys: ``Authorization: Bearer apik_…`` on every call [SPEC securitySchemes;
DOCS docs.ship24.com/getting-started "Bearer apik_kNjWKmmK68q8V2sC57B7SIgQJGdGOD"].

There is no token endpoint and no expiry: a key works until it is revoked (removed from the
scenario's allowed keys for ``ship24``). With no list, any non-empty key is accepted. A missing and
a wrong key get the same 401.
"""

from __future__ import annotations

from fastapi import Request, Response

from mock_carriers.http.auth_headers import bearer
from mock_carriers.world.context import CarrierContext

from . import errors


def api_key(request: Request) -> str | None:
    return bearer(request.headers.get("authorization"))


def check(request: Request, ctx: CarrierContext) -> Response | None:
    """None when the key is accepted, else Ship24's 401."""
    if ctx.credentials.accepts_key(ctx.carrier, api_key(request)):
        return None
    return errors.unauthorized()
