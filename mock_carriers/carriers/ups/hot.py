"""UPS's tracking read on the fast lane (``mock_carriers.http.fastlane``): the plain, valid
``GET /api/track/v1/details/{inquiryNumber}`` — a live token, both transaction headers, a
well-formed number — answered from the render cache; every other request goes to ``routes``,
which answers it exactly as before. The bytes are those of ``routes.build_router``'s ``track``.
"""

from __future__ import annotations

from collections.abc import Sequence

from mock_carriers.http.auth_headers import bearer
from mock_carriers.http.fastlane import HotAnswer, HotCall, HotRoute, hot_response
from mock_carriers.http.jsonio import dumps
from mock_carriers.world.context import CarrierContext

from . import render
from .routes import INQUIRY_NUMBER, TRACK_PATH, find, track_options

JSON = "application/json"


def hot_routes(ctx: CarrierContext) -> Sequence[HotRoute]:
    def track(call: HotCall) -> HotAnswer | None:
        request, inquiry = call.request, call.param or ""
        headers = request.headers
        if ctx.tokens.check(ctx.carrier, bearer(headers.get("authorization"))) != "ok":
            return None
        trans_id = headers.get("transid", "").strip()
        transaction_src = headers.get("transactionsrc", "").strip()
        if not trans_id or not transaction_src or not INQUIRY_NUMBER.fullmatch(inquiry):
            return None
        options = track_options(request)
        view = find(ctx, inquiry)
        echo = {"transId": trans_id, "transactionSrc": transaction_src}
        if view is None:
            # Unknown today may be known tomorrow: nothing to keep.
            return hot_response(dumps(render.render_not_found(inquiry)), JSON, echo)
        key = None if view.version is None else (inquiry, view.tracking_number, view.version, options)
        body = call.cache.render(key, lambda: dumps(render.render_track(view, inquiry, ctx.now(), options)))
        return hot_response(body, JSON, echo)

    return (HotRoute("GET", TRACK_PATH, track),)
