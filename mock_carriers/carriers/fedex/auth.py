"""FedEx OAuth: ``POST /oauth/token`` (form body) and the bearer check on the Track API.

[SPEC authorization-api.json] form fields ``grant_type`` (client_credentials | csp_credentials |
client_pc_credentials), ``client_id``, ``client_secret``, plus ``child_Key``/``child_secret`` for the
two parent-child grants; 200 ``{access_token, token_type: "bearer", expires_in: <int>, scope}``;
401 ``NOT.AUTHORIZED.ERROR`` for credentials that are not valid.
"""

from __future__ import annotations

from urllib.parse import parse_qs

from fastapi import Request, Response

from mock_carriers.carriers.fedex import errors
from mock_carriers.http.auth_headers import bearer
from mock_carriers.http.jsonio import JSONResponse
from mock_carriers.world.context import CarrierContext

#: Seconds; FedEx documents one hour and real tokens report 3599 [SPEC + 3P].
TOKEN_LIFETIME = 3599
SCOPE = "CXS"
GRANT_TYPES = frozenset({"client_credentials", "csp_credentials", "client_pc_credentials"})
_CHILD_GRANTS = frozenset({"csp_credentials", "client_pc_credentials"})


def _form(raw: bytes) -> dict[str, list[str]] | None:
    try:
        return parse_qs(raw.decode("utf-8"), keep_blank_values=True)
    except UnicodeDecodeError:
        return None


async def issue_token(request: Request, ctx: CarrierContext) -> Response:
    form = _form(await request.body())
    if form is None:
        return errors.fedex_error(request, 400, errors.BAD_REQUEST, errors.MSG_MISSING_PARAMETERS)

    def one(name: str) -> str | None:
        values = form.get(name)
        # Duplicated fields are rejected like missing ones (the message says "missing or duplicate").
        return values[0].strip() if values and len(values) == 1 and values[0].strip() else None

    grant_type, client_id, client_secret = one("grant_type"), one("client_id"), one("client_secret")
    if grant_type is None or client_id is None or client_secret is None:
        return errors.fedex_error(request, 400, errors.BAD_REQUEST, errors.MSG_MISSING_PARAMETERS)
    if grant_type not in GRANT_TYPES:
        return errors.fedex_error(request, 400, errors.BAD_REQUEST, errors.MSG_UNSUPPORTED_GRANT)
    if grant_type in _CHILD_GRANTS and (one("child_Key") is None or one("child_secret") is None):
        return errors.fedex_error(request, 400, errors.BAD_REQUEST, errors.MSG_MISSING_PARAMETERS)
    if not ctx.credentials.accepts(ctx.carrier, client_id, client_secret):
        return errors.fedex_error(request, 401, errors.NOT_AUTHORIZED, errors.MSG_BAD_CLIENT_CREDENTIALS)

    token = ctx.tokens.issue(ctx.carrier, client_id, TOKEN_LIFETIME)
    return JSONResponse(
        {
            "access_token": token.access_token,
            "token_type": "bearer",
            "expires_in": int(token.expires_in),
            "scope": SCOPE,
        }
    )


def authorize(request: Request, ctx: CarrierContext) -> Response | None:
    """None when the request carries a live token; otherwise FedEx's 401."""
    state = ctx.tokens.check(ctx.carrier, bearer(request.headers.get("authorization")))
    if state == "ok":
        return None
    message = errors.MSG_TOKEN_EXPIRED if state == "expired" else errors.MSG_BAD_TOKEN
    return errors.fedex_error(request, 401, errors.NOT_AUTHORIZED, message)
