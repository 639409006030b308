"""USPS's tracking read on the fast lane (``mock_carriers.http.fastlane``): the plain, valid
``GET /tracking/v3/tracking/{trackingNumber}`` — a live token, good parameters, a number USPS
shows — answered from the render cache. Every other request goes to ``routes``, which answers it
exactly as before; the bytes are those of ``routes.build_router``'s ``track``.
"""

from __future__ import annotations

from collections.abc import Sequence

from mock_carriers.http.fastlane import HotAnswer, HotCall, HotRoute, hot_response
from mock_carriers.http.jsonio import dumps
from mock_carriers.world.context import CarrierContext

from . import auth, numbers, render
from .routes import TRACK_PATH, parameters_problem

JSON = "application/json"


def hot_routes(ctx: CarrierContext) -> Sequence[HotRoute]:
    def track(call: HotCall) -> HotAnswer | None:
        request, requested = call.request, call.param or ""
        if auth.check_bearer(request, ctx) != "ok":
            return None
        query = request.query_params
        expand = query.get("expand", "SUMMARY").strip().upper() or "SUMMARY"
        if parameters_problem(request) is not None:
            return None
        number = numbers.normalize(requested)
        view = ctx.lookup(requested) or (ctx.lookup(number) if number != requested else None)
        if view is None or not view.events:
            return None
        key = None if view.version is None else (number, view.tracking_number, view.version, expand)
        if expand == "DETAIL":
            body = call.cache.render(key, lambda: dumps(render.render_detail(view, number)))
        else:
            body = call.cache.render(key, lambda: dumps(render.render_summary(view, number)))
        return hot_response(body, JSON)

    return (HotRoute("GET", TRACK_PATH, track),)
