"""FedEx's real paths: parse as FedEx does, authorise, look up, hand to ``render``.

Order of checks follows the gateway: the bearer token first (401 before any body error), then the
JSON, then the fields. Bodies are parsed here rather than by FastAPI models so that every failure
gets FedEx's envelope and FedEx's codes.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response

from mock_carriers.carriers.fedex import auth, codes, errors, render, spod, texts
from mock_carriers.http.jsonio import JSONResponse, loads_json
from mock_carriers.world.context import CarrierContext, ParcelView

#: trackingInfo / trackDocumentSpecification: "Maximum limit is 30" [SPEC].
MAX_NUMBERS = 30
TRACK_PATH = "/track/v1/trackingnumbers"
DOCUMENT_TYPES = frozenset({"SIGNATURE_PROOF_OF_DELIVERY", "BILL_OF_LADING", "FREIGHT_BILLING_DOCUMENT"})
DOCUMENT_FORMATS = frozenset({"PDF", "PNG"})  # "The values are key sensitive" [SPEC]


class Reject(Exception):
    """A request FedEx refuses as a whole, with its 400 code and message."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(code)
        self.code = code
        self.message = message


_INVALID = (errors.INVALID_INPUT, errors.MSG_INVALID_INPUT)
_EMPTY = (errors.TRACKING_EMPTY, errors.MSG_TRACKING_EMPTY)


async def _json_object(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if not raw.strip():
        return {}
    try:
        body = loads_json(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise Reject(errors.BAD_REQUEST, errors.MSG_MALFORMED_JSON) from exc
    if not isinstance(body, dict):
        raise Reject(*_INVALID)
    return body


def tracking_numbers(items: Any) -> list[str]:
    """The requested numbers of ``trackingInfo`` / ``trackDocumentSpecification``, as sent."""
    if items is None:
        raise Reject(*_EMPTY)
    if not isinstance(items, list):
        raise Reject(*_INVALID)
    if not items:
        raise Reject(*_EMPTY)
    if len(items) > MAX_NUMBERS:
        raise Reject(errors.TRACKING_LIMIT, errors.MSG_TRACKING_LIMIT)
    out = []
    for item in items:
        if not isinstance(item, dict):
            raise Reject(*_INVALID)
        info = item.get("trackingNumberInfo")
        if info is None:
            raise Reject(*_EMPTY)
        if not isinstance(info, dict):
            raise Reject(*_INVALID)
        # The schema's string fields take strings only (``trackingNumberUniqueId: {}`` was a 200).
        optional = (info.get("trackingNumberUniqueId"), item.get("shipDateBegin"), item.get("shipDateEnd"))
        if not all(value is None or isinstance(value, str) for value in optional):
            raise Reject(*_INVALID)
        number = info.get("trackingNumber")
        carrier_code = info.get("carrierCode")
        # Any JSON may arrive here: a list or an object is no carrier code (and no set member).
        if carrier_code not in (None, "") and (
            not isinstance(carrier_code, str) or carrier_code not in codes.CARRIER_CODES
        ):
            raise Reject(*_INVALID)
        # FedEx's JSON binding turns a numeric tracking number into a string; nothing else.
        if isinstance(number, int) and not isinstance(number, bool):
            number = str(number)
        if number is None or (isinstance(number, str) and not number.strip()):
            raise Reject(*_EMPTY)
        if not isinstance(number, str):
            raise Reject(*_INVALID)
        out.append(number)
    return out


def find(ctx: CarrierContext, requested: str) -> ParcelView | None:
    view = ctx.lookup(requested.strip())
    # A label FedEx has not yet received shows nothing: FedEx answers "not found" until the first scan.
    if view is None or not view.events or view.carrier != ctx.carrier:
        return None
    return view


def build_router(ctx: CarrierContext) -> APIRouter:
    router = APIRouter()

    @router.post("/oauth/token")
    async def oauth_token(request: Request) -> Response:
        return await auth.issue_token(request, ctx)

    @router.post(TRACK_PATH)
    async def track_by_number(request: Request) -> Response:
        denied = auth.authorize(request, ctx)
        if denied is not None:
            return denied
        try:
            body = await _json_object(request)
            numbers = tracking_numbers(body.get("trackingInfo"))
            detailed = body.get("includeDetailedScans")
            if not isinstance(detailed, bool):
                raise Reject(*_INVALID)
        except Reject as reject:
            return errors.fedex_error(request, 400, reject.code, reject.message)

        now = ctx.now()
        language = texts.language(request.headers.get("x-locale"))
        results = []
        for requested in numbers:
            view = find(ctx, requested)
            if view is None:
                result = render.not_found_result(
                    requested, errors.TRACKING_NOT_FOUND, errors.MSG_TRACKING_NOT_FOUND
                )
            else:
                result = render.track_result(view, requested, now, detailed, language)
            results.append(render.complete_track_result(requested, result))
        return JSONResponse(
            render.track_response(
                errors.transaction_id(request), errors.customer_transaction_id(request), results
            )
        )

    @router.post("/track/v1/trackingdocuments")
    async def tracking_documents(request: Request) -> Response:
        denied = auth.authorize(request, ctx)
        if denied is not None:
            return denied
        try:
            body = await _json_object(request)
            detail = body.get("trackDocumentDetail")
            if not isinstance(detail, dict):
                raise Reject(*_INVALID)
            document_type = detail.get("documentType")
            document_format = detail.get("documentFormat", "PDF")  # "Default is PDF" [SPEC]
            if not isinstance(document_type, str) or not isinstance(document_format, str):
                raise Reject(*_INVALID)
            if document_type not in DOCUMENT_TYPES or document_format not in DOCUMENT_FORMATS:
                raise Reject(*_INVALID)
            if document_type != "SIGNATURE_PROOF_OF_DELIVERY" and document_format == "PNG":
                raise Reject(*_INVALID)  # "BILL_OF_LADING and FREIGHT_BILLING_DOCUMENT does not support PNG"
            numbers = tracking_numbers(body.get("trackDocumentSpecification"))
        except Reject as reject:
            return errors.fedex_error(request, 400, reject.code, reject.message)

        documents = []
        for requested in numbers:
            view = find(ctx, requested)
            if view is None:
                return errors.fedex_error(
                    request, 400, errors.TRACKING_NOT_FOUND, errors.MSG_TRACKING_NOT_FOUND
                )
            # Parcels carry no bill of lading, and a SPOD exists only once delivered.
            if document_type != "SIGNATURE_PROOF_OF_DELIVERY" or not spod.is_delivered(view):
                return errors.fedex_error(
                    request, 400, errors.DATA_NOT_FOUND, errors.MSG_DOCUMENT_UNAVAILABLE
                )
            documents.append(spod.spod_png(view) if document_format == "PNG" else spod.spod_pdf(view))
        return JSONResponse(
            spod.spod_response(
                errors.transaction_id(request),
                errors.customer_transaction_id(request),
                document_format,
                documents,
            )
        )

    return router
