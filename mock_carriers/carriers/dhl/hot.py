"""DHL's tracking read on the fast lane (``mock_carriers.http.fastlane``): the plain, valid
``GET /track/shipments`` (and ``/shipments``) — an accepted key, well-formed parameters, a number
DHL shows — answered from the render cache. Every other request (401, 400, 404) goes to
``routes``, which answers it exactly as before; the bytes are those of ``routes.get_shipments``.
"""

from __future__ import annotations

from collections.abc import Sequence

from mock_carriers.http.fastlane import HotAnswer, HotCall, HotRoute, hot_response
from mock_carriers.world.context import CarrierContext

from . import auth, codes, errors, render
from .routes import DEFAULT_LIMIT, DEFAULT_OFFSET, LINK_HEADER, PATHS, BadParam, find, number_param


def hot_routes(ctx: CarrierContext) -> Sequence[HotRoute]:
    def get_shipments(call: HotCall) -> HotAnswer | None:
        request = call.request
        if not ctx.credentials.accepts_key(ctx.carrier, auth.api_key(request)):
            return None
        params = request.query_params
        tracking_number = params.get("trackingNumber")
        if tracking_number is None or not tracking_number.strip():
            return None
        service = params.get("service")
        if service is not None and service not in codes.SERVICE_HINTS:
            return None
        try:
            offset = number_param(request, "offset", DEFAULT_OFFSET, minimum=0)
            limit = number_param(request, "limit", DEFAULT_LIMIT, minimum=1)
        except BadParam:
            return None
        view = find(ctx, tracking_number)
        if view is None or not view.events or (service is not None and service != render.service_of(view)):
            return None
        if offset >= 1 or limit < 1:
            return None  # one shipment per number: past it is DHL's 404
        language = codes.language_for(params.get("language"))
        root_path = request.scope.get("root_path", "")
        suggest_others = service is None
        key = (
            None
            if view.version is None
            else (view.tracking_number, view.version, language, root_path, suggest_others)
        )

        def make() -> bytes:
            shipments = [render.render_shipment(view, language)]
            body = render.render_shipments(shipments, view.tracking_number, root_path, suggest_others)
            return render.dumps(body)

        content = call.cache.render(key, make)
        headers = errors.response_headers(request, language)
        headers["Link"] = LINK_HEADER
        return hot_response(content, "application/json", headers)

    return tuple(HotRoute("GET", path, get_shipments) for path in PATHS)
