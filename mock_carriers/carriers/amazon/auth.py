"""Login with Amazon (LWA) token endpoint and the SP-API access-token check.

Real flow: ``POST https://api.amazon.com/auth/o2/token`` with ``grant_type=refresh_token``
(+ ``refresh_token``) or ``grant_type=client_credentials`` (+ ``scope``, "grantless"), plus
``client_id``/``client_secret``; the answer is ``{"access_token": "Atza|…", "token_type": "bearer",
"expires_in": 3600, "refresh_token": "Atzr|…"}`` (LWA docs, developer.amazon.com "Login with Amazon
Access Tokens"). The token then travels as ``x-amz-access-token`` on every SP-API call; the gateway
answers 403 ``Unauthorized`` when it is missing, wrong or expired (selling-partner-api-models #4122).
Public clients post the fields form-encoded (Python/PHP SDKs) or as JSON (.NET/Java samples), and
some put them in the query string; LWA accepts all three, so the mock does too.
"""

from __future__ import annotations

from mock_carriers.http.jsonio import JSONResponse
from mock_carriers.world.context import CarrierContext

from . import errors

CARRIER = "amazon"
#: LWA access tokens live one hour (SP-API docs, "Connecting to the Selling Partner API").
DEFAULT_LIFETIME = 3600
#: LWA prefixes: ``Atza|`` for seller-authorized tokens, ``Atc|`` for grantless ones (INFER from
#: public samples); the rest of the token is opaque.
PREFIX_SELLER = "Atza|"
PREFIX_GRANTLESS = "Atc|"
#: Grantless SP-API scopes all live under this namespace (``sellingpartnerapi::notifications``…).
SCOPE_NAMESPACE = "sellingpartnerapi::"

GRANT_TYPES = ("refresh_token", "client_credentials")


def _missing(request_id: str, name: str) -> JSONResponse:
    return errors.lwa_error(
        request_id, 400, "invalid_request", f"The request is missing a required parameter : {name}"
    )


def issue_token(
    ctx: CarrierContext, fields: dict[str, str], basic: tuple[str, str] | None, request_id: str
) -> JSONResponse:
    """Answer one token request the way LWA does."""
    grant_type = fields.get("grant_type", "")
    if not grant_type:
        return _missing(request_id, "grant_type")
    if grant_type not in GRANT_TYPES:
        return errors.lwa_error(
            request_id,
            400,
            "unsupported_grant_type",
            "The authorization grant type is not supported by the authorization server",
        )
    client_id = fields.get("client_id") or (basic[0] if basic else "")
    client_secret = fields.get("client_secret") or (basic[1] if basic else "")
    if not client_id:
        return _missing(request_id, "client_id")
    if not ctx.credentials.accepts(CARRIER, client_id, client_secret):
        return errors.lwa_error(request_id, 401, "invalid_client", "Client authentication failed")

    if grant_type == "refresh_token":
        refresh_token = fields.get("refresh_token", "")
        if not refresh_token:
            return _missing(request_id, "refresh_token")
        token = ctx.tokens.issue(CARRIER, client_id, DEFAULT_LIFETIME)
        body: dict[str, object] = {
            "access_token": PREFIX_SELLER + token.access_token,
            "token_type": "bearer",
            "expires_in": token.expires_in,
            "refresh_token": refresh_token,  # LWA hands back the long-lived refresh token
        }
    else:
        scope = fields.get("scope", "")
        if not scope:
            return _missing(request_id, "scope")
        if not all(s.startswith(SCOPE_NAMESPACE) for s in scope.split()):
            return errors.lwa_error(request_id, 400, "invalid_scope", "An unknown scope was specified")
        token = ctx.tokens.issue(CARRIER, client_id, DEFAULT_LIFETIME)
        body = {
            "access_token": PREFIX_GRANTLESS + token.access_token,
            "scope": scope,
            "token_type": "bearer",
            "expires_in": token.expires_in,
        }
    return JSONResponse(body, status_code=200, headers={"x-amzn-RequestId": request_id})


def raw_token(header_value: str | None) -> str | None:
    """The sandbox token inside an ``x-amz-access-token`` value; one this LWA never issued reads
    as "invalid", never "ok"."""
    if header_value is None:
        return None
    value = header_value.strip()
    for prefix in (PREFIX_SELLER, PREFIX_GRANTLESS):
        if value.startswith(prefix):
            return value[len(prefix) :] or "\0"
    # Not a token this LWA issued; checked as-is so it reads as "invalid", never "ok".
    return ("\0" + value) if value else None


def check_access(ctx: CarrierContext, access_token: str | None, request_id: str) -> JSONResponse | None:
    """None when the ``x-amz-access-token`` is good, else the gateway's 403."""
    state = ctx.tokens.check(CARRIER, raw_token(access_token))
    if state == "ok":
        return None
    if state == "missing":
        return errors.access_denied(request_id, "")
    if state == "expired":
        return errors.access_denied(request_id, "The access token you provided has expired.")
    return errors.access_denied(request_id, "The access token you provided is revoked, malformed or invalid.")
