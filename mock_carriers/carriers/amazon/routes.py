"""Amazon's two routes the mock serves: the LWA token endpoint and Shipping v2 ``getTracking``."""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qs

from fastapi import APIRouter, Header, Query, Request, Response

from mock_carriers.http.auth_headers import basic
from mock_carriers.http.jsonio import JSONResponse, loads_json
from mock_carriers.world.context import CarrierContext

from . import auth, errors, render

#: ``x-amzn-shipping-business-id`` enum of the getTracking operation (spec).
BUSINESS_IDS: frozenset[str] = frozenset(
    {
        "AmazonShipping_US",
        "AmazonShipping_IN",
        "AmazonShipping_UK",
        "AmazonShipping_UAE",
        "AmazonShipping_SA",
        "AmazonShipping_EG",
        "AmazonShipping_IT",
        "AmazonShipping_ES",
        "AmazonShipping_FR",
        "AmazonShipping_JP",
    }
)

#: Amazon's own carrier ids. The spec's rate example names ``AMZN_UK``; the others follow the same
#: pattern for each Amazon Shipping business (INFER). Numbers of other carriers bought through
#: Amazon are not Amazon's to track here, so their ids are rejected.
CARRIER_IDS: frozenset[str] = frozenset(
    {
        "AMZN_US",
        "AMZN_UK",
        "AMZN_IN",
        "AMZN_AE",
        "AMZN_SA",
        "AMZN_EG",
        "AMZN_IT",
        "AMZN_ES",
        "AMZN_FR",
        "AMZN_JP",
    }
)

#: Amazon tracking ids are short upper-case alphanumerics (``TBA…``, ``23AA47DE2B3B6``); anything
#: with other characters or absurdly long is rejected before lookup (INFER: status and wording).
TRACKING_PATH = "/shipping/v2/tracking"
TRACKING_ID = re.compile(r"[A-Za-z0-9]{1,64}")


def _request_fields(request: Request, body: bytes) -> dict[str, str] | None:
    """Token request fields from the query string and the body (form or JSON); None if the JSON is
    malformed."""
    fields = {k: v for k, v in request.query_params.items()}
    if not body:
        return fields
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "application/json" or content_type.endswith("+json"):
        try:
            data = loads_json(body)
        except (ValueError, UnicodeDecodeError):
            return None
        if not isinstance(data, dict):
            return None
        fields.update({str(k): v if isinstance(v, str) else json.dumps(v) for k, v in data.items()})
        return fields
    parsed = parse_qs(body.decode("utf-8", errors="replace"), keep_blank_values=True)
    fields.update({k: v[0] for k, v in parsed.items()})
    return fields


def build_router(ctx: CarrierContext) -> APIRouter:
    router = APIRouter()

    @router.post("/auth/o2/token", summary="Login with Amazon: get an access token")
    async def lwa_token(request: Request) -> Response:
        request_id = ctx.request_id("request")
        fields = _request_fields(request, await request.body())
        if fields is None:
            return errors.lwa_error(request_id, 400, "invalid_request", "The request body is malformed")
        return auth.issue_token(ctx, fields, basic(request.headers.get("authorization")), request_id)

    @router.get(TRACKING_PATH, summary="getTracking", response_class=JSONResponse)
    async def get_tracking(
        tracking_id: str | None = Query(None, alias="trackingId"),
        carrier_id: str | None = Query(None, alias="carrierId"),
        access_token: str | None = Header(None, alias="x-amz-access-token"),
        business_id: str | None = Header(None, alias="x-amzn-shipping-business-id"),
    ) -> Response:
        request_id = ctx.request_id("request")
        denied = auth.check_access(ctx, access_token, request_id)
        if denied is not None:
            return denied
        if business_id is not None and business_id not in BUSINESS_IDS:
            return errors.invalid_request(
                request_id, f"Invalid value for x-amzn-shipping-business-id: {business_id}"
            )
        if not tracking_id:
            return errors.invalid_request(request_id, "TrackingId is missing in the request")
        if not carrier_id:
            return errors.invalid_request(request_id, "CarrierId is missing in the request")
        if carrier_id not in CARRIER_IDS:
            return errors.invalid_request(request_id, f"CarrierId {carrier_id} is invalid")
        if not TRACKING_ID.fullmatch(tracking_id):
            return errors.invalid_request(request_id, "TrackingId is invalid")
        view = ctx.lookup(tracking_id)
        body = render.tracking_response(view, tracking_id, ctx.now()) if view is not None else None
        if body is None:
            return errors.not_found(request_id)
        return JSONResponse(body, status_code=200, headers=errors.amazon_headers(request_id, 200))

    return router
