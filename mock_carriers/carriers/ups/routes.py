"""UPS routes, as served under the sandbox's ``/ups`` prefix with UPS's real paths below it.

The order of checks follows UPS's gateway: the Bearer token first (401), then the required
``transId``/``transactionSrc`` headers (400), then the inquiry number (400 ``TV1002``), then the
lookup — where an unknown number is a 200 with warning ``TW0001``.
"""

from __future__ import annotations

import re

from fastapi import APIRouter, Request, Response

from mock_carriers.http.jsonio import JSONResponse
from mock_carriers.world.context import CarrierContext, ParcelView

from . import auth, errors, render, trackalert

#: [SPEC Tracking.yaml] "Each inquiry number must be between 7 and 34 characters in length";
#: UPS numbers are alphanumeric. Longer-but-alphanumeric junk such as ``1Z…xxxx`` still passes this
#: check and gets TW0001, as UPS answers it [OBS api-documentation#166].
INQUIRY_NUMBER = re.compile(r"[A-Za-z0-9]{7,34}")

TRACK_PATH = "/api/track/v1/details/{inquiryNumber}"
TOKEN_PATH = "/security/v1/oauth/token"


def _flag(request: Request, name: str) -> bool:
    return request.query_params.get(name, "false").strip().lower() == "true"


_DEFAULT_OPTIONS = render.TrackOptions()


def track_options(request: Request) -> render.TrackOptions:
    if not request.scope.get("query_string"):
        return _DEFAULT_OPTIONS
    return render.TrackOptions(
        locale=request.query_params.get("locale", "en_US"),
        return_signature=_flag(request, "returnSignature"),
        return_milestones=_flag(request, "returnMilestones"),
        return_pod=_flag(request, "returnPOD"),
    )


def find(ctx: CarrierContext, inquiry_number: str) -> ParcelView | None:
    view = ctx.lookup(inquiry_number)
    if view is None and inquiry_number.upper() != inquiry_number:
        # UPS matches numbers case-insensitively but echoes the inquiry as it was sent.
        view = ctx.lookup(inquiry_number.upper())
    return view


def build_router(ctx: CarrierContext) -> APIRouter:
    router = APIRouter()

    @router.post(TOKEN_PATH, summary="Create Token (OAuth client credentials)")
    async def create_token(request: Request) -> Response:
        return await auth.create_token(request, ctx)

    @router.get(TRACK_PATH, summary="Tracking")
    async def track(request: Request, inquiryNumber: str) -> Response:
        denied = auth.check_bearer(request, ctx)
        if denied is not None:
            return denied
        trans_id = request.headers.get("transid", "").strip()
        transaction_src = request.headers.get("transactionsrc", "").strip()
        if not trans_id:
            return errors.ups_error(400, errors.MISSING_TRANS_ID)
        if not transaction_src:
            return errors.ups_error(400, errors.MISSING_TRANSACTION_SRC)
        # Echoed so a client can match a response to its request id.
        echo = {"transId": trans_id, "transactionSrc": transaction_src}
        if not INQUIRY_NUMBER.fullmatch(inquiryNumber):
            return errors.ups_error(400, errors.INVALID_INQUIRY_NUMBER, headers=echo)

        options = track_options(request)
        view = find(ctx, inquiryNumber)
        if view is None:
            body = render.render_not_found(inquiryNumber)
        else:
            body = render.render_track(view, inquiryNumber, ctx.now(), options)
        return JSONResponse(body, headers=echo)

    @router.post(trackalert.SUBSCRIPTION_PATH, summary="Track Alert: subscribe tracking numbers")
    async def track_alert_package(request: Request, version: str, subscription_type: str) -> Response:
        return await trackalert.subscribe_package(request, ctx, version, subscription_type)

    return router
