"""``GET /track/shipments`` (and ``GET /shipments``): DHL Shipment Tracking – Unified, v1.4.1.

The real URL is ``https://api-eu.dhl.com/track/shipments``; the spec's server is
``https://api-eu.dhl.com/track`` with path ``/shipments``. Clients configure either the host or
the ``/track`` server as their base, so both spellings are served under ``/dhl``.

Order of checks is the real one: the gateway checks the key first (401), then the backend checks
parameters (400) and looks the number up (404).
"""

from __future__ import annotations

import math

from fastapi import APIRouter, Request, Response

from mock_carriers.world.context import CarrierContext, ParcelView

from . import auth, codes, errors, render

PATHS: tuple[str, ...] = ("/track/shipments", "/shipments")

#: The spec's defaults for the pagination parameters.
DEFAULT_OFFSET = 0
DEFAULT_LIMIT = 5

LINK_HEADER = (
    '<https://api-eu.dhl.com/track/context>; rel="http://www.w3.org/ns/json-ld#context"; '
    'type="application/ld+json"'
)


class BadParam(Exception):
    pass


def number_param(request: Request, name: str, default: int, minimum: int) -> int:
    """The spec types offset/limit as ``number``: accept ``5`` and ``5.0``, refuse the rest."""
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise BadParam(f"Invalid value '{raw}' of query parameter '{name}'.") from None
    if not math.isfinite(value) or value != int(value) or value < minimum:
        raise BadParam(f"Invalid value '{raw}' of query parameter '{name}'.")
    return int(value)


def find(ctx: CarrierContext, raw: str) -> ParcelView | None:
    number = raw.strip()
    view = ctx.lookup(number)
    if view is None:
        # People paste waybills with spaces ("33 1881 0025"); DHL still finds them.
        compact = "".join(number.split()).upper()
        if compact != number:
            view = ctx.lookup(compact)
    return view


def build_router(ctx: CarrierContext) -> APIRouter:
    router = APIRouter()

    async def get_shipments(request: Request) -> Response:
        denied = auth.check_api_key(request, ctx)
        if denied is not None:
            return denied

        params = request.query_params
        tracking_number = params.get("trackingNumber")
        if tracking_number is None or not tracking_number.strip():
            return errors.bad_request(request, "The required query parameter 'trackingNumber' is missing.")
        service = params.get("service")
        if service is not None and service not in codes.SERVICE_HINTS:
            return errors.bad_request(request, f"Invalid value '{service}' of query parameter 'service'.")
        try:
            offset = number_param(request, "offset", DEFAULT_OFFSET, minimum=0)
            limit = number_param(request, "limit", DEFAULT_LIMIT, minimum=1)
        except BadParam as exc:
            return errors.bad_request(request, str(exc))
        language = codes.language_for(params.get("language"))
        # requesterCountryCode, originCountryCode and recipientPostalCode only narrow or enrich
        # DHL's search among its backends; an express waybill is found without them.

        view = find(ctx, tracking_number)
        # DHL shows nothing for a number until its first scan is uploaded (10-30 min after the
        # label) and nothing under a service hint that is not the number's own backend.
        if view is None or not view.events or (service is not None and service != render.service_of(view)):
            return errors.not_found(request)
        shipments = [render.render_shipment(view, language)][offset : offset + limit]
        if not shipments:
            return errors.not_found(request)
        body = render.render_shipments(
            shipments,
            view.tracking_number,
            root_path=request.scope.get("root_path", ""),
            suggest_others=service is None,
        )
        headers = errors.response_headers(request, language)
        headers["Link"] = LINK_HEADER
        return Response(content=render.dumps(body), media_type="application/json", headers=headers)

    async def preflight(request: Request) -> Response:
        # The gateway answers CORS preflights itself (GET,OPTIONS in its allow-methods header).
        return Response(status_code=200, headers=errors.response_headers(request))

    for path in PATHS:
        router.add_api_route(path, get_shipments, methods=["GET"], summary="Retrieve Tracking Information")
        router.add_api_route(path, preflight, methods=["OPTIONS"], include_in_schema=False)
    return router
