"""Hermes's tracking read on the fast lane (``mock_carriers.http.fastlane``): the plain, valid
``GET /services/hsi/shipmentinfo?shipmentID=…`` — a live token, JSON accepted, well-formed IDs —
with each shipment's entry rendered once and kept in the render cache. Lookups by client
reference and every other request go to ``routes``, which answers them exactly as before; the
bytes are those of ``routes.build_router``'s ``shipment_info``.
"""

from __future__ import annotations

from collections.abc import Sequence

import orjson

from mock_carriers.http.fastlane import HotAnswer, HotCall, HotRoute, hot_response
from mock_carriers.http.jsonio import dumps
from mock_carriers.world.context import CarrierContext

from . import render
from .auth import HermesAuth
from .routes import API, accepts_json, check_ids, shipment_ids

JSON = "application/json"


def hot_routes(ctx: CarrierContext) -> Sequence[HotRoute]:
    auth = HermesAuth(ctx)  # only its token check is used: the tokens live in the context

    def shipment_info(call: HotCall) -> HotAnswer | None:
        request = call.request
        if auth.check(request) != "ok" or not accepts_json(request.headers.get("accept")):
            return None
        query = request.query_params
        if query.get("clientID") is not None or query.get("clientReference") is not None:
            return None
        ids = shipment_ids(request)
        if ids is None or check_ids(ids) is not None:
            return None
        language = render.language_of(request.headers.get("accept-language"))
        entries = [orjson.Fragment(entry(call, number, language)) for number in ids]
        return hot_response(dumps(render.shipment_info_response(entries)), JSON)

    def entry(call: HotCall, number: str, language: str) -> bytes:
        view = ctx.lookup(number)
        if view is None and number != number.upper():
            view = ctx.lookup(number.upper())
        if view is None or not view.events:
            return dumps(render.no_information(number))
        key = None if view.version is None else (view.tracking_number, view.version, language)
        return call.cache.render(key, lambda: dumps(render.shipment_info(view, language)))

    return (HotRoute("GET", API + "/shipmentinfo", shipment_info),)
