"""DPD's SOAP services at their real paths (the sandbox mounts this app under ``/dpd``).

DPD's shipper web services live at ``https://wsshipper.dpd.be`` / ``…dpd.nl`` (test:
``https://shipperadmintest.dpd.be/PublicApi``) with each service at
``/soap/services/<Service>/V<major>_<minor>`` [3P karrio's DPD connector; DOC DPD
Belgium/Netherlands]. A SOAP 1.1 service answers ``POST`` only; the operation is the element in
the Body, whatever ``SOAPAction`` says (DPD's own docs and karrio spell the action differently).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from mock_carriers.http.i18n import negotiate
from mock_carriers.world.context import CarrierContext, ParcelView

from . import errors, render, texts
from .auth import DpdAuth
from .envelope import LOGIN_NS, PLC_NS, SoapError, SoapRequest, parse, soap_response
from .numbers import label_number, parcel_number

LOGIN_PATH = "/soap/services/LoginService/V2_1"
PLC_PATH = "/soap/services/ParcelLifeCycleService/V2_0"
PLC_OPERATIONS = ("getTrackingData", "getParcelLabelNumberForWebNumber")

#: Header check result → the authentication fault DPD answers with [DOC; see errors.py].
_AUTH_FAULTS: dict[str, str] = {
    "missing": errors.AUTHENTICATION,
    "malformed": errors.AUTHENTICATION,
    "invalid": errors.TOKEN_INCORRECT,
    "expired": errors.TOKEN_EXPIRED,
}


async def read_call(
    request: Request, service: str, namespace: str, operations: tuple[str, ...]
) -> SoapRequest | Response:
    """The request's operation in ``namespace``, or the client fault DPD answers instead."""
    try:
        call = parse(await request.body())
    except SoapError as exc:
        return errors.unreadable(exc)
    if call.namespace != namespace or call.operation not in operations:
        return errors.client_fault(f"{service} has no operation {call.operation!r}.")
    return call


def build_router(ctx: CarrierContext, auth: DpdAuth) -> APIRouter:
    router = APIRouter()

    def lookup(number: str | None) -> ParcelView | None:
        key = parcel_number(number)
        view = ctx.lookup(key) if key is not None else None
        return view if view is not None and view.events else None

    @router.post(LOGIN_PATH, summary="LoginService 2.1 (SOAP 1.1): getAuth")
    async def login_service(request: Request) -> Response:
        call = await read_call(request, "LoginService 2.1", LOGIN_NS, ("getAuth",))
        if isinstance(call, Response):
            return call
        login = auth.login(call.params.get("delisId"), call.params.get("password"))
        if login is None:
            return errors.authentication_fault(errors.AUTHENTICATION)
        return soap_response(render.auth_response(login))

    @router.post(PLC_PATH, summary="ParcelLifeCycleService 2.0 (SOAP 1.1): getTrackingData")
    async def parcel_life_cycle(request: Request) -> Response:
        call = await read_call(request, "ParcelLifeCycleService 2.0", PLC_NS, PLC_OPERATIONS)
        if isinstance(call, Response):
            return call
        state = auth.check(call.auth)
        if state != "ok":
            return errors.authentication_fault(_AUTH_FAULTS[state])
        language = negotiate(call.auth.message_language if call.auth else None, texts.LANGUAGES)
        if call.operation == "getParcelLabelNumberForWebNumber":
            view = lookup(call.params.get("webNumber"))
            number = label_number(view.tracking_number) if view is not None else None
            return soap_response(render.label_number_response(number))
        view = lookup(call.params.get("parcelLabelNumber"))
        if view is None:
            return errors.service_fault(errors.PARCEL_NOT_FOUND)
        return soap_response(render.tracking_data_response(view, language))

    return router
