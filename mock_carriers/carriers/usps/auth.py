"""USPS OAuth 2.0 client credentials: ``POST /oauth2/v3/token`` and the bearer check on API calls.

USPS's README sends the token request as JSON; many clients send the same fields form-encoded,
and OAuth clients may put the credentials in HTTP Basic instead — all three are accepted [INFER
for form/Basic]. The 200 body is the one USPS's gateway returns (numbers for ``issued_at`` and
``expires_in`` as in the real token of api-examples#56; the README shows strings).
"""

from __future__ import annotations

import base64
import hashlib
import json
import uuid
from typing import Any
from urllib.parse import parse_qsl

from fastapi import Request
from fastapi.responses import Response

from mock_carriers.http.auth_headers import basic, bearer
from mock_carriers.http.jsonio import JSONResponse, loads_json
from mock_carriers.world.context import CarrierContext
from mock_carriers.world.credentials import TokenState

from . import errors

CARRIER = "usps"
#: 8 hours less a second, as USPS issues them [OBS api-examples#56].
TOKEN_LIFETIME = 28799
SCOPE = "addresses service-delivery-standards locations prices tracking labels"  # [DOC README]
ISSUER = "https://keyc.usps.com/realms/USPS"  # [OBS #56]
API_PRODUCTS = "[Public Access I]"  # [OBS #56]
#: USPS returns its gateway's public key; clients do not use it. A fixed stand-in.
PUBLIC_KEY = base64.b64encode(
    b"-----BEGIN PUBLIC KEY-----\nparcel-sandbox usps mock\n-----END PUBLIC KEY-----\n"
).decode()


class _BadBody(Exception):
    pass


def _parse_body(raw: bytes, content_type: str) -> dict[str, str]:
    if not raw.strip():
        return {}
    ctype = content_type.split(";", 1)[0].strip().lower()
    if ctype == "application/json" or (not ctype and raw.lstrip()[:1] == b"{"):
        try:
            data = loads_json(raw)
        except (ValueError, UnicodeDecodeError) as exc:
            raise _BadBody("The request body is not valid JSON.") from exc
        if not isinstance(data, dict):
            raise _BadBody("The request body must be a JSON object.")
        return {str(k): v if isinstance(v, str) else json.dumps(v) for k, v in data.items()}
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _BadBody("The request body is not valid UTF-8.") from exc
    return dict(parse_qsl(text, keep_blank_values=True))


def application_name(client_id: str) -> str:
    """USPS names the developer app with a UUID; derived from the client id so it is stable."""
    return str(uuid.UUID(bytes=hashlib.sha256(f"usps-app:{client_id}".encode()).digest()[:16]))


async def token_endpoint(request: Request, ctx: CarrierContext) -> Response:
    try:
        form = _parse_body(await request.body(), request.headers.get("content-type", ""))
    except _BadBody as exc:
        return errors.oauth_error(400, "invalid_request", str(exc))

    grant_type = form.get("grant_type", "")
    if not grant_type:
        return errors.oauth_error(400, "invalid_request", "Missing parameter: grant_type")
    if grant_type != "client_credentials":
        # The mock issues client-credentials tokens only (authorization_code needs a browser login).
        return errors.oauth_error(400, "unsupported_grant_type", f"Unsupported grant_type: {grant_type}")

    client_id, client_secret = form.get("client_id", ""), form.get("client_secret", "")
    from_header = basic(request.headers.get("authorization"))
    if from_header and not client_id:
        client_id, client_secret = from_header
    if not client_id:
        return errors.oauth_error(400, "invalid_request", "Missing parameter: client_id")
    if not ctx.credentials.accepts(CARRIER, client_id, client_secret):
        return errors.oauth_error(401, "invalid_client", "Client authentication failed.")

    token = ctx.tokens.issue(CARRIER, client_id, TOKEN_LIFETIME)
    body: dict[str, Any] = {
        "access_token": token.access_token,
        "token_type": "Bearer",
        "issued_at": token.issued_at_ms,
        "expires_in": token.expires_in,
        "status": "approved",
        "scope": SCOPE,
        "issuer": ISSUER,
        "client_id": client_id,
        "application_name": application_name(client_id),
        "api_products": API_PRODUCTS,
        "public_key": PUBLIC_KEY,
    }
    return JSONResponse(body, headers={"Cache-Control": "no-store", "Pragma": "no-cache"})


def check_bearer(request: Request, ctx: CarrierContext) -> TokenState:
    return ctx.tokens.check(CARRIER, bearer(request.headers.get("authorization")))
