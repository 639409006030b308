"""Hermes authorization facade: ``POST /authorization-facade/oauth2/access_token`` and the bearer
check on HSI calls.

Real flow [SPEC ``openapi-auth.yaml``; 3P karrio's Hermes connector]: an OAuth 2.0 **password**
grant (or ``authorization_code``, renewed with ``refresh_token``) posted form-encoded to
``https://authme.myhermes.de/authorization-facade/oauth2/access_token`` with ``client_id``,
``client_secret``, ``username``, ``password``. The answer is ``Token200Response``: ``access_token``,
``expires_in`` **as a string** (1 hour), ``refresh_token``, ``scope``, ``token_type`` "Bearer".
Access and refresh tokens are JWTs. The token host differs from the API host; the sandbox serves both
under ``/hermes``, so a client configures two base URLs that happen to share a prefix.

Two credentials are checked, as the Spring token endpoint behind the facade does: the OAuth client
(``client_id``/``client_secret``, form fields or HTTP Basic; wrong → 401 ``invalid_client``) and the
Hermes user (``username``/``password``; wrong → 400 ``invalid_grant``). Both go through the
scenario's credential list for ``hermes``; with no list, any non-empty pair works.
"""

from __future__ import annotations

import base64
import hashlib
import json
import threading
from urllib.parse import parse_qsl

from fastapi import Request
from fastapi.responses import Response

from mock_carriers.http.auth_headers import basic, bearer
from mock_carriers.http.jsonio import JSONResponse
from mock_carriers.world.context import CarrierContext
from mock_carriers.world.credentials import Token, TokenState

from . import errors

CARRIER = "hermes"
#: "The access token is valid for 1 hour" [SPEC].
TOKEN_LIFETIME = 3600
#: ``scope`` [SPEC ``Token200Response.scope``: "full"].
SCOPE = "full"
GRANT_TYPES = ("password", "refresh_token", "authorization_code")
FORM = "application/x-www-form-urlencoded"
#: Spring Security's answer to a request with no client credentials at all [INFER].
UNAUTHENTICATED = "Full authentication is required to access this resource"
#: [SPEC 400 reason 2, error code as the spec lists it]
IMPLICIT_NOT_SUPPORTED = "Implicit grant type not supported from token endpoint"
_JWT_HEADER = base64.urlsafe_b64encode(b'{"alg":"HS256","typ":"JWT"}').rstrip(b"=").decode()


def _b64url(data: dict[str, object]) -> str:
    raw = json.dumps(data, separators=(",", ":"), sort_keys=False).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _jwt(claims: dict[str, object], signature: str) -> str:
    """A JWT-shaped token whose signature part is the sandbox's own token string, so the check
    needs no JWT library and a client that decodes the claims (``exp``) sees real values."""
    return f"{_JWT_HEADER}.{_b64url(claims)}.{signature}"


def _signature(token: str | None) -> str | None:
    """The sandbox token inside a JWT; anything not JWT-shaped can never be valid."""
    if token is None:
        return None
    parts = token.split(".")
    if len(parts) != 3 or not parts[2]:
        return "\0" + token  # never issued: reads as "invalid", not "missing"
    return parts[2]


class HermesAuth:
    """Token endpoint and bearer check for one carrier app; remembers the refresh tokens it issued."""

    def __init__(self, ctx: CarrierContext) -> None:
        self.ctx = ctx
        self._refresh: dict[str, tuple[str, str]] = {}  # refresh signature -> (client_id, username)
        self._lock = threading.Lock()

    # -- token endpoint ----------------------------------------------------------------------------

    async def token_endpoint(self, request: Request) -> Response:
        params = await self._parameters(request)

        # Spring authenticates the client before it looks at the grant.
        from_header = basic(request.headers.get("authorization"))
        form_client = params.get("client_id", "")
        if from_header is not None:
            if form_client and form_client != from_header[0]:
                return errors.oauth_error(
                    401, "invalid_client", "Given client ID does not match authenticated client."
                )
            client_id, client_secret = from_header
        else:
            client_id, client_secret = form_client, params.get("client_secret", "")
        if not client_id:
            return errors.oauth_error(
                401, "unauthorized", UNAUTHENTICATED, {"WWW-Authenticate": 'Basic realm="oauth2/client"'}
            )
        if not self.ctx.credentials.accepts(CARRIER, client_id, client_secret):
            return errors.oauth_error(401, "invalid_client", "Bad client credentials")

        grant_type = params.get("grant_type", "")
        if not grant_type:
            return errors.oauth_error(400, "invalid_request", "Missing grant type")
        if grant_type == "implicit":
            return errors.oauth_error(400, "invalid_type", IMPLICIT_NOT_SUPPORTED)
        if grant_type not in GRANT_TYPES:
            return errors.oauth_error(400, "unsupported_grant_type", f"Unsupported grant type: {grant_type}")

        if grant_type == "password":
            username, password = params.get("username", ""), params.get("password", "")
            if not self.ctx.credentials.accepts(CARRIER, username, password):
                return errors.oauth_error(400, "invalid_grant", "Bad credentials")
            return self._token_response(client_id, username, None)
        if grant_type == "refresh_token":
            return self._refresh_grant(client_id, params.get("refresh_token", ""))
        code = params.get("code", "")
        if not code:
            return errors.oauth_error(400, "invalid_request", "An authorization code must be supplied.")
        # The sandbox has no browser login, so it never issued a code.
        return errors.oauth_error(400, "invalid_grant", f"Invalid authorization code: {code}")

    async def _parameters(self, request: Request) -> dict[str, str]:
        """Query string and form body, as a servlet reads request parameters (form wins)."""
        params = dict(request.query_params)
        ctype = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
        body = await request.body()
        if ctype == FORM and body:
            # A servlet container decodes undeclared form bytes leniently rather than failing.
            text = body.decode("utf-8", errors="replace")
            params.update(parse_qsl(text, keep_blank_values=True))
        return params

    def _refresh_grant(self, client_id: str, refresh_token: str) -> Response:
        signature = _signature(refresh_token or None)
        with self._lock:
            owner = self._refresh.get(signature or "")
        if owner is None:
            if signature and self.ctx.tokens.check(CARRIER, signature) in ("ok", "expired"):
                return errors.oauth_error(401, "invalid_token", "Encoded token is not a refresh token")
            return errors.oauth_error(400, "invalid_grant", "Invalid refresh token")
        if owner[0] != client_id:
            return errors.oauth_error(400, "invalid_grant", "Invalid refresh token")
        # Spring reuses refresh tokens by default: the same one comes back.
        return self._token_response(client_id, owner[1], refresh_token)

    def _token_response(self, client_id: str, username: str, refresh_token: str | None) -> JSONResponse:
        token = self.ctx.tokens.issue(CARRIER, client_id, TOKEN_LIFETIME)
        if refresh_token is None:
            refresh_token = self._new_refresh_token(token, client_id, username)
        body = {
            "access_token": _jwt(self._claims(token, client_id, username), token.access_token),
            "expires_in": str(token.expires_in),
            "refresh_token": refresh_token,
            "scope": SCOPE,
            "token_type": "Bearer",
        }
        return JSONResponse(body, headers=errors.NO_STORE)

    def _new_refresh_token(self, token: Token, client_id: str, username: str) -> str:
        # Derived from the access token, so a replayed session hands out the same refresh tokens.
        signature = hashlib.sha256(f"hermes-refresh:{token.access_token}".encode()).hexdigest()
        with self._lock:
            self._refresh[signature] = (client_id, username)
        claims = {
            "sub": username,
            "client_id": client_id,
            "scope": [SCOPE],
            "iat": int(token.issued_at),
            "typ": "refresh",
        }
        return _jwt(claims, signature)

    @staticmethod
    def _claims(token: Token, client_id: str, username: str) -> dict[str, object]:
        return {
            "sub": username,
            "client_id": client_id,
            "scope": [SCOPE],
            "iat": int(token.issued_at),
            "exp": int(token.issued_at + token.expires_in),
        }

    # -- HSI calls -----------------------------------------------------------------------------------

    def check(self, request: Request) -> TokenState:
        """``Authorization: Bearer <jwt>`` → ok / missing / invalid / expired."""
        return self.ctx.tokens.check(CARRIER, _signature(bearer(request.headers.get("authorization"))))
