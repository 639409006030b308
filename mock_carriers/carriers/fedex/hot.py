"""FedEx's tracking read on the fast lane (``mock_carriers.http.fastlane``): the plain, valid
``POST /track/v1/trackingnumbers`` — a live token, a well-formed body — with each number's result
rendered once and kept in the render cache; the envelope (its ``transactionId`` is new on every
request) is put around the kept results. Every other request goes to ``routes``, which answers it
exactly as before; the bytes are those of ``routes.build_router``'s ``track_by_number``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import orjson

from mock_carriers.http.auth_headers import bearer
from mock_carriers.http.fastlane import HotAnswer, HotCall, HotRoute, hot_response
from mock_carriers.http.jsonio import dumps, loads_json
from mock_carriers.world.context import CarrierContext

from . import errors, render, texts
from .routes import TRACK_PATH, Reject, find, tracking_numbers

#: The result of a parcel on its way says whether it arrives "today" in its own time zone; every
#: UTC offset is a multiple of a quarter of an hour, so within one quarter the day is the same.
_DAY_GRAIN_S = 900


def hot_routes(ctx: CarrierContext) -> Sequence[HotRoute]:
    def track_by_number(call: HotCall) -> HotAnswer | None:
        request = call.request
        if ctx.tokens.check(ctx.carrier, bearer(request.headers.get("authorization"))) != "ok":
            return None
        try:
            body = loads_json(call.body) if call.body.strip() else {}
        except (ValueError, UnicodeDecodeError):
            return None
        if not isinstance(body, dict):
            return None
        try:
            numbers = tracking_numbers(body.get("trackingInfo"))
        except Reject:
            return None
        detailed = body.get("includeDetailedScans")
        if not isinstance(detailed, bool):
            return None

        now = ctx.now()
        grain = int(now.timestamp() // _DAY_GRAIN_S)
        language = texts.language(request.headers.get("x-locale"))
        results = []
        for requested in numbers:
            results.append(orjson.Fragment(_result(call, ctx, requested, now, grain, detailed, language)))
        envelope = render.track_response(
            errors.transaction_id(request), errors.customer_transaction_id(request), results
        )
        return hot_response(dumps(envelope), "application/json")

    return (HotRoute("POST", TRACK_PATH, track_by_number),)


def _result(
    call: HotCall,
    ctx: CarrierContext,
    requested: str,
    now: datetime,
    grain: int,
    detailed: bool,
    language: str,
) -> bytes:
    view = find(ctx, requested)
    if view is None:
        result = render.not_found_result(requested, errors.TRACKING_NOT_FOUND, errors.MSG_TRACKING_NOT_FOUND)
        return dumps(render.complete_track_result(requested, result))
    key = (
        None
        if view.version is None
        else (requested, view.tracking_number, view.version, detailed, language, grain)
    )
    return call.cache.render(
        key,
        lambda: dumps(
            render.complete_track_result(
                requested, render.track_result(view, requested, now, detailed, language)
            )
        ),
    )
