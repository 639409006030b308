"""USPS routes, at USPS's real paths (the sandbox mounts this app under ``/usps``)."""

from __future__ import annotations

import re
from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import Response

from mock_carriers.http.jsonio import JSONResponse
from mock_carriers.world.context import CarrierContext

from . import auth, errors, numbers, render

EXPAND_VALUES = ("SUMMARY", "DETAIL")
_ZIP5 = re.compile(r"^\d{5}$")


TRACK_PATH = "/tracking/v3/tracking/{trackingNumber}"


def parameters_problem(request: Request) -> Response | None:
    """USPS's 400 for a bad ``expand``, ``destinationZIPCode`` or ``mailingDate``, else None."""
    query = request.query_params
    expand = query.get("expand", "SUMMARY").strip().upper() or "SUMMARY"
    if expand not in EXPAND_VALUES:
        return errors.bad_parameter(
            "expand", f"expand must be one of {', '.join(EXPAND_VALUES)}.", example="DETAIL"
        )
    zip_code = query.get("destinationZIPCode")
    if zip_code is not None and not _ZIP5.match(zip_code):
        return errors.bad_parameter(
            "destinationZIPCode", "destinationZIPCode must be 5 digits.", example="60614"
        )
    mailing_date = query.get("mailingDate")
    if mailing_date is not None:
        try:
            date.fromisoformat(mailing_date)
        except ValueError:
            return errors.bad_parameter(
                "mailingDate", "mailingDate must be a date (YYYY-MM-DD).", example="2026-11-02"
            )
    return None


def build_router(ctx: CarrierContext) -> APIRouter:
    router = APIRouter()

    @router.post("/oauth2/v3/token", summary="OAuth 2.0 token (client credentials)")
    async def token(request: Request) -> Response:
        return await auth.token_endpoint(request, ctx)

    @router.get(TRACK_PATH, summary="Get package tracking status")
    async def track(request: Request, trackingNumber: str) -> Response:
        state = auth.check_bearer(request, ctx)
        if state != "ok":
            return errors.unauthorized(state)

        problem = parameters_problem(request)
        if problem is not None:
            return problem
        expand = request.query_params.get("expand", "SUMMARY").strip().upper() or "SUMMARY"

        number = numbers.normalize(trackingNumber)
        view = ctx.lookup(trackingNumber) or (ctx.lookup(number) if number != trackingNumber else None)
        if view is None:
            kind = numbers.classify(number)
            if kind == "usps":
                return errors.not_available()
            if kind == "other_carrier":
                return errors.other_shipper()
            return errors.invalid_number(numbers.EXAMPLE)
        if not view.events:
            return errors.no_status_yet()
        if expand == "DETAIL":
            return JSONResponse(render.render_detail(view, number))
        return JSONResponse(render.render_summary(view, number))

    return router
