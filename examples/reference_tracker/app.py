"""The tracker's HTTP face (FastAPI): register parcels, read what the tracker knows of them,
receive the sandbox's webhooks. ``create_app(config)`` wires the poll loop into the lifespan."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import httpx
from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from examples.reference_tracker.clock import Clock, ClockUnavailable, SandboxClock, SystemClock
from examples.reference_tracker.config import TrackerConfig
from examples.reference_tracker.poller import Tracker, TrackerFull
from examples.reference_tracker.vocabulary import Status
from examples.reference_tracker.webhooks import SIGNATURE_HEADER, WebhookReceiver

log = logging.getLogger("reference_tracker")
#: Letters and digits only: every carrier's numbers fit, and nothing can reach a carrier's URL path.
_NUMBER = re.compile(r"^[A-Za-z0-9]{4,40}$")
MAX_BULK = 1000
MAX_BODY_BYTES = 1 << 20
#: How long a lookup of an unregistered number waits for the carrier's first answer.
FIRST_ANSWER_TIMEOUT_S = 10.0


class Registration(BaseModel):
    carrier: str = Field(max_length=20)
    tracking_number: str = Field(max_length=64)


class BulkRegistration(BaseModel):
    shipments: list[Registration] = Field(max_length=MAX_BULK)


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


def create_app(config: TrackerConfig, clock: Clock | None = None) -> FastAPI:
    http = httpx.AsyncClient(timeout=config.request_timeout)
    if clock is None:
        clock = SandboxClock(http, config.sandbox_url) if config.clock == "sandbox" else SystemClock()
    tracker = Tracker(config, http, clock)
    receiver = WebhookReceiver(tracker, config.webhook_secret) if config.webhook_secret else None

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        task = asyncio.create_task(tracker.run(), name="reference-tracker-poll-loop")
        try:
            if receiver is not None and config.webhooks == "subscribe":
                await receiver.subscribe(http)
            yield
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
            if receiver is not None:
                await receiver.unsubscribe(http)
            await http.aclose()
            log.info("stopped after %d poll rounds", tracker.rounds)

    app = FastAPI(
        title="reference tracker",
        description="A reference parcel tracker for parcel-sandbox (docs/reference-tracker.md).",
        lifespan=lifespan,
    )
    app.state.tracker = tracker
    app.state.receiver = receiver

    @app.middleware("http")
    async def _bounded(request: Request, call_next: Any) -> Any:
        declared = request.headers.get("content-length") or "0"
        if not declared.isdigit() or int(declared) > MAX_BODY_BYTES:
            return _error(413, f"a request body is at most {MAX_BODY_BYTES} bytes")
        return await call_next(request)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return _error(exc.status_code, str(exc.detail))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        parts = [f"{'.'.join(str(p) for p in e['loc'] if p != 'body')}: {e['msg']}" for e in exc.errors()]
        return _error(400, "; ".join(parts))

    def check(carrier: str, number: str) -> str | None:
        if carrier not in config.carriers:
            return f"carrier {carrier!r} is not tracked here; tracked: {', '.join(config.carriers)}"
        if not _NUMBER.match(number):
            return f"tracking number {number!r}: 4 to 40 letters and digits"
        return None

    async def now() -> datetime:
        try:
            return await tracker.clock.now()
        except ClockUnavailable:
            return tracker.now or datetime.now(UTC)

    @app.post("/shipments", status_code=201)
    async def register(body: Registration) -> Any:
        problem = check(body.carrier, body.tracking_number)
        if problem:
            return _error(400, problem)
        try:
            shipment, created = tracker.register(body.carrier, body.tracking_number, await now())
        except TrackerFull as exc:
            return _error(503, str(exc))
        if created:
            tracker.poll_soon([shipment.key])
        return JSONResponse(shipment.to_json(), status_code=201 if created else 200)

    @app.post("/shipments/bulk")
    async def register_bulk(body: BulkRegistration) -> Any:
        registered, already, errors, keys = 0, 0, [], []
        at = await now()
        for i, item in enumerate(body.shipments):
            problem = check(item.carrier, item.tracking_number)
            if problem:
                errors.append({"index": i, "error": problem})
                continue
            try:
                shipment, created = tracker.register(item.carrier, item.tracking_number, at)
            except TrackerFull as exc:
                errors.append({"index": i, "error": str(exc)})
                continue
            registered, already = registered + created, already + (not created)
            keys.append(shipment.key)
        tracker.poll_soon(keys)
        return {"registered": registered, "already_registered": already, "errors": errors}

    @app.get("/api/track/{carrier}/{tracking_number}")
    async def track(carrier: str, tracking_number: str) -> Any:
        shipment = tracker.get(carrier, tracking_number)
        if shipment is None:
            problem = check(carrier, tracking_number)
            if problem:
                return _error(400 if carrier in config.carriers else 404, problem)
            if not config.auto_register:
                return _error(404, f"{carrier} {tracking_number} is not registered (POST /shipments)")
            try:
                shipment, _ = tracker.register(carrier, tracking_number, await now())
            except TrackerFull as exc:
                return _error(503, str(exc))
            # First lookup: ask the carrier now, so the first answer is already a real one.
            try:
                await asyncio.wait_for(tracker.safe_round({shipment.key}), FIRST_ANSWER_TIMEOUT_S)
            except TimeoutError:
                pass  # answered as pending; the poll loop carries on
        return shipment.to_json()

    @app.get("/api/shipments")
    async def shipments(
        carrier: str | None = None,
        status: Status | None = None,
        limit: int = Query(1000, ge=1, le=10000),
        offset: int = Query(0, ge=0),
    ) -> Any:
        items = [
            s
            for s in tracker.shipments.values()
            if (carrier is None or s.carrier == carrier) and (status is None or s.status == status)
        ]
        page = items[offset : offset + limit]
        return {"total": len(items), "items": [s.summary_json() for s in page]}

    @app.get("/api/metrics")
    async def metrics() -> Any:
        out = tracker.metrics()
        out["webhooks"] = (
            {"subscription": receiver.subscription_id, **dict(receiver.stats)}
            if receiver is not None
            else None
        )
        return out

    @app.get("/health")
    async def health() -> Any:
        return {"status": "ok", "variant": tracker.behaviour.name, "carriers": list(config.carriers)}

    @app.post("/webhooks/sandbox")
    async def webhook(request: Request) -> Any:
        if receiver is None:
            return _error(404, "webhooks are off (start with --webhook-secret)")
        body = await request.body()
        status, answer = receiver.receive(body, request.headers.get(SIGNATURE_HEADER))
        return JSONResponse(answer, status_code=status)

    return app
