"""Amazon's tracking read on the fast lane (``mock_carriers.http.fastlane``): the plain, valid
``GET /shipping/v2/tracking`` — a live token, good parameters, a number Amazon shows — answered
from the render cache. Every other request goes to ``routes``, which answers it exactly as before
(the request id is drawn only once the lane answers, so the sequence of ids is the routes' own);
the bytes are those of ``routes.build_router``'s ``get_tracking``.
"""

from __future__ import annotations

from collections.abc import Sequence

from mock_carriers.http.fastlane import HotAnswer, HotCall, HotRoute, hot_response
from mock_carriers.http.jsonio import dumps
from mock_carriers.world.context import CarrierContext

from . import auth, errors, render
from .routes import BUSINESS_IDS, CARRIER_IDS, TRACKING_ID, TRACKING_PATH

JSON = "application/json"


def hot_routes(ctx: CarrierContext) -> Sequence[HotRoute]:
    def get_tracking(call: HotCall) -> HotAnswer | None:
        request = call.request
        headers, query = request.headers, request.query_params
        if ctx.tokens.check(ctx.carrier, auth.raw_token(headers.get("x-amz-access-token"))) != "ok":
            return None
        business_id = headers.get("x-amzn-shipping-business-id")
        if business_id is not None and business_id not in BUSINESS_IDS:
            return None
        tracking_id, carrier_id = query.get("trackingId"), query.get("carrierId")
        if not tracking_id or not carrier_id or carrier_id not in CARRIER_IDS:
            return None
        if not TRACKING_ID.fullmatch(tracking_id):
            return None
        view = ctx.lookup(tracking_id)
        if view is None:
            return None
        key = None if view.version is None else (tracking_id, view.tracking_number, view.version)

        def make() -> bytes:
            body = render.tracking_response(view, tracking_id, ctx.now())
            return b"" if body is None else dumps(body)  # b"": nothing to say, kept as such

        content = call.cache.render(key, make)
        if not content:
            return None  # Amazon's 404 (with a request id): the route's
        request_id = ctx.request_id("request")
        return hot_response(content, JSON, errors.amazon_headers(request_id, 200))

    return (HotRoute("GET", TRACKING_PATH, get_tracking),)
