"""Hermes routes at Hermes's real paths (the sandbox mounts this app under ``/hermes``).

Two real hosts share the prefix: the authorization facade (``authme.myhermes.de``) at
``/authorization-facade/oauth2/access_token`` and the HSI API (``de-api.hermesworld.com/services/hsi``)
at ``/services/hsi/…``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from mock_carriers.http.jsonio import JSONResponse
from mock_carriers.world.context import CarrierContext, ParcelView

from . import errors, render
from .auth import HermesAuth

API = "/services/hsi"
#: "Up to 100 ShipmentIDs can be transferred" [SPEC ``maxItems: 100``].
MAX_IDS = 100
#: Shipment IDs are "AN (24)" [SPEC ``ShipmentHistoryStatus.shipmentID``].
_SHIPMENT_ID = re.compile(r"[0-9A-Za-z]{1,24}")
#: ``clientID``: 1–4 digits [SPEC ``pattern: "[0-9]+"``, ``maxLength: 4``].
_CLIENT_ID = re.compile(r"[0-9]{1,4}")
_JSON_RANGES = frozenset({"*/*", "application/*", "application/json"})


def shipment_ids(request: Request) -> list[str] | None:
    """Repeated ``shipmentID`` parameters (OpenAPI ``form`` style, as karrio sends them) or one
    comma-separated value [INFER]; None when the parameter is absent."""
    values = request.query_params.getlist("shipmentID")
    if not values:
        return None
    return [part.strip() for value in values for part in value.split(",")]


def check_ids(ids: list[str]) -> JSONResponse | None:
    if not ids or any(not i for i in ids):
        return errors.bad_request(errors.REQUIRED_MISSING)
    if len(ids) > MAX_IDS or len(set(ids)) != len(ids):  # maxItems / uniqueItems
        return errors.bad_request(errors.SYNTAX_ERROR)
    if not all(_SHIPMENT_ID.fullmatch(i) for i in ids):
        return errors.bad_request(errors.SYNTAX_ERROR)
    return None


def accepts_json(accept: str | None) -> bool:
    """False only when the client asked for media types none of which is JSON (→ e009)."""
    if not accept or not accept.strip():
        return True
    for part in accept.split(","):
        media, _, params = part.partition(";")
        media = media.strip().lower()
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if quality > 0 and (media in _JSON_RANGES or media.endswith("+json")):
            return True
    return False


def build_router(ctx: CarrierContext, auth: HermesAuth) -> APIRouter:
    router = APIRouter()

    def lookup(number: str) -> ParcelView | None:
        view = ctx.lookup(number)
        if view is None and number != number.upper():
            view = ctx.lookup(number.upper())
        return view if view is not None and view.events else None

    def guard(request: Request) -> Response | None:
        """Token first (the gateway), then the media type the client wants back."""
        state = auth.check(request)
        if state != "ok":
            return errors.unauthorized(state)
        if not accepts_json(request.headers.get("accept")):
            return errors.bad_request(errors.UNKNOWN_MEDIA_TYPE)
        return None

    def by_ids(
        request: Request,
        found: Callable[[ParcelView, str], dict[str, Any]],
        missing: Callable[[str], dict[str, Any]],
    ) -> list[dict[str, Any]] | Response:
        ids = shipment_ids(request)
        if ids is None:
            return errors.bad_request(errors.REQUIRED_MISSING)
        problem = check_ids(ids)
        if problem is not None:
            return problem
        language = render.language_of(request.headers.get("accept-language"))
        out = []
        for number in ids:
            view = lookup(number)
            out.append(found(view, language) if view is not None else missing(number))
        return out

    @router.post("/authorization-facade/oauth2/access_token", summary="OAuth 2.0 access token")
    async def access_token(request: Request) -> Response:
        return await auth.token_endpoint(request)

    @router.get(API + "/shipmentinfo", summary="Shipment information by shipment IDs or client reference")
    async def shipment_info(request: Request) -> Response:
        denied = guard(request)
        if denied is not None:
            return denied
        query = request.query_params
        client_id, client_reference = query.get("clientID"), query.get("clientReference")
        by_reference = client_id is not None or client_reference is not None
        if by_reference and "shipmentID" in query:
            return errors.bad_request(errors.UNSUPPORTED_COMBINATION)
        if by_reference:
            if not client_id or not client_reference:
                return errors.bad_request(errors.REQUIRED_MISSING)
            if not _CLIENT_ID.fullmatch(client_id):
                return errors.bad_request(errors.SYNTAX_ERROR)
            # The sandbox's parcels carry no client references, so Hermes has nothing under one.
            entry = render.no_information_by_reference(client_id, client_reference)
            return JSONResponse(render.shipment_info_response([entry]))
        entries = by_ids(request, render.shipment_info, render.no_information)
        if isinstance(entries, Response):
            return entries
        return JSONResponse(render.shipment_info_response(entries))

    @router.get(API + "/shipmentstatus", summary="Shipment history (deprecated)", deprecated=True)
    async def shipment_history(request: Request) -> Response:
        denied = guard(request)
        if denied is not None:
            return denied
        entries = by_ids(request, render.history_status, render.history_no_information)
        if isinstance(entries, Response):
            return entries
        return JSONResponse({"listOfShipmentHistoryStatus": entries})

    @router.get(
        API + "/shipmentstatus/current", summary="Current shipment status (deprecated)", deprecated=True
    )
    async def shipment_current(request: Request) -> Response:
        denied = guard(request)
        if denied is not None:
            return denied
        entries = by_ids(request, render.current_status, render.current_no_information)
        if isinstance(entries, Response):
            return entries
        return JSONResponse({"listOfCurrentShipmentStatus": entries})

    return router
