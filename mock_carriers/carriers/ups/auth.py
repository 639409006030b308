"""UPS OAuth client credentials [SPEC OAuthClientCredentials.yaml] and the Bearer check every Track
call makes.

``POST /security/v1/oauth/token`` (no ``/api`` prefix: UPS-API/api-documentation#26) with HTTP Basic
``client_id:client_secret`` and the form body ``grant_type=client_credentials``. The 200 body has
every field as a string — ``issued_at`` in epoch milliseconds, ``expires_in`` "14399" — because
that is what UPS sends and what typed clients parse.
"""

from __future__ import annotations

from urllib.parse import parse_qs

from fastapi import Request, Response

from mock_carriers.http.auth_headers import basic, bearer
from mock_carriers.http.jsonio import JSONResponse
from mock_carriers.world.context import CarrierContext

from . import errors

#: UPS tokens live four hours less a second [OBS token bodies: "expires_in": "14399"].
TOKEN_LIFETIME_SECONDS = 14399


def _grant_type(request: Request, body: bytes) -> str | None:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    # UPS reads the grant only from a form body; JSON (or anything else) means "no grant_type".
    if content_type != "application/x-www-form-urlencoded":
        return None
    try:
        fields = parse_qs(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False)
    except UnicodeDecodeError:
        return None
    values = fields.get("grant_type")
    return values[0] if values else None


async def create_token(request: Request, ctx: CarrierContext) -> Response:
    body = await request.body()
    credentials = basic(request.headers.get("authorization"))
    if credentials is None:
        return errors.ups_error(401, errors.AUTH_HEADER_MISSING)
    client_id, secret = credentials
    if not ctx.credentials.accepts(ctx.carrier, client_id, secret):
        return errors.ups_error(401, errors.CLIENT_INVALID)
    if _grant_type(request, body) != "client_credentials":
        return errors.ups_error(400, errors.GRANT_TYPE_INVALID)
    token = ctx.tokens.issue(ctx.carrier, client_id, TOKEN_LIFETIME_SECONDS)
    return JSONResponse(
        {
            "token_type": "Bearer",
            "issued_at": str(token.issued_at_ms),
            "client_id": client_id,
            "access_token": token.access_token,
            "scope": "",
            "expires_in": str(token.expires_in),
            "refresh_count": "0",
            "status": "approved",
        }
    )


def check_bearer(request: Request, ctx: CarrierContext) -> Response | None:
    """None when the request carries a live token; otherwise UPS's 401."""
    state = ctx.tokens.check(ctx.carrier, bearer(request.headers.get("authorization")))
    if state == "ok":
        return None
    error = {
        "missing": errors.TOKEN_MISSING,
        "invalid": errors.TOKEN_INVALID,
        "expired": errors.TOKEN_EXPIRED,
    }[state]
    return errors.ups_error(401, error)
