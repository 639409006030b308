"""A carrier that exists only in tests: the smallest package the registry accepts, to show that a
new carrier is one package plus one registry line (tests/test_registry.py)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, FastAPI, Request, Response
from starlette.datastructures import Headers

from mock_carriers.carriers.spec import CarrierDoc, CarrierSpec, Credential, RouteTable, WebhookFormat
from mock_carriers.http.carrier_app import ErrorKind, build_carrier_app
from mock_carriers.http.fastlane import HotCall, HotRoute
from mock_carriers.http.jsonio import JSONResponse
from mock_carriers.world.context import CarrierContext
from sim.events import ParcelTruth, ScanEvent


def render_error(request: Request, status: int, kind: ErrorKind, message: str) -> Response:
    return JSONResponse({"acme_error": kind, "message": message}, status_code=status)


def rate_limited(request: Request, retry_after: int | None = None, daily: bool = False) -> Response:
    headers = {"Retry-After": str(retry_after)} if retry_after is not None else None
    return JSONResponse({"acme_error": "slow_down", "daily": daily}, status_code=429, headers=headers)


def server_error(request: Request, status: int) -> Response:
    return JSONResponse({"acme_error": "down", "status": status}, status_code=status)


def create_carrier_app(ctx: CarrierContext) -> FastAPI:
    router = APIRouter()

    @router.get("/v1/track/{number}")
    def track(number: str) -> Response:
        view = ctx.lookup(number)
        if view is None:
            return render_error(Request({"type": "http"}), 404, "not_found", f"no parcel {number}")
        return JSONResponse({"number": number, "events": len(view.events)})

    return build_carrier_app("ACME (test carrier)", router, render_error)


def hot_routes(ctx: CarrierContext) -> list[HotRoute]:
    """The track read on the fast lane: a number the world does not know, answered as the route
    does (ACME has no parcels); a number it knows is left to the route."""

    async def track(call: HotCall) -> Response | None:
        number = call.param or ""
        if ctx.lookup(number) is not None:
            return None
        return render_error(call.request, 404, "not_found", f"no parcel {number}")

    return [HotRoute("GET", "/v1/track/{number}", track)]


#: ACME's gateway names itself: the core adds it on every path, the lane's answers included.
SERVER = "acme-gateway/1.0"


def credential(headers: Headers) -> Credential:
    return Credential("key", headers.get("x-acme-key"))


def render_event(
    event: ScanEvent, history: list[ScanEvent], truth: ParcelTruth | None, did: str
) -> dict[str, Any]:
    return {"acme": event.tracking_number, "seq": event.seq, "delivery": did}


SPEC = CarrierSpec(
    key="acme",
    create_app=create_carrier_app,
    routes=RouteTable(token=("/v1/token",), track=("/v1/track/",)),
    rate_limited=rate_limited,
    server_error=server_error,
    doc=CarrierDoc(name="ACME", auth="`x-acme-key`", tracking="`GET /v1/track/{n}`", unknown_number="404"),
    credential=credential,
    hot_routes=hot_routes,
    server=SERVER,
    # one token a quarter of an hour: a slow machine cannot refill the bucket between two requests
    rate_limit_presets={"default": {"per_second": 0.001, "burst": 1}},
    webhook_formats=(
        WebhookFormat(
            name="acme",
            carriers=("acme",),
            render=render_event,
            headers=lambda secret, body: {"X-Acme-Key": secret},
            secret_use="",
        ),
    ),
)
