"""The control plane, ``/_sandbox`` (LocalStack's ``/_localstack`` is the model): health, the clock,
parcels with their ground truth, pinned cases, reset. JSON in, JSON out, all in the OpenAPI doc."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from fastapi import APIRouter, HTTPException, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from mock_carriers.clock import ClockError
from mock_carriers.sandbox import Sandbox
from sim.events import CARRIERS
from sim.scenario import parse_duration


class ClockState(BaseModel):
    now: str = Field(description="The sandbox instant (ISO-8601, UTC).")
    mode: Literal["manual", "realtime", "instant"]
    speed: float = Field(description="Sandbox seconds per wall second in realtime mode.")


class ClockChange(BaseModel):
    model_config = ConfigDict(extra="forbid")
    advance: str | float | None = Field(
        None, description="Move forward: '4d', '90m', '2h', 'PT2H' or seconds."
    )
    to: datetime | None = Field(None, description="Jump to an instant (ISO-8601 with offset), never back.")
    speed: float | None = Field(None, gt=0, description="Realtime speed factor.")
    mode: Literal["manual", "realtime", "instant"] | None = None


class ParcelItem(BaseModel):
    tracking_number: str
    carrier: str
    service: str
    status: str | None = Field(description="The latest visible canonical EventCode, or null.")
    fate: str | None
    case: str | None


class ParcelPage(BaseModel):
    items: list[ParcelItem]
    next: str | None = Field(description="Cursor for the next page, or null at the end.")


class CaseItem(BaseModel):
    name: str
    tracking_number: str | None = Field(description="Null until the case's label is created.")
    carrier: str
    story: str


class ProblemBody(BaseModel):
    error: str


def _problem(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


def build_control_router(sandbox: Sandbox) -> APIRouter:
    router = APIRouter(
        prefix="/_sandbox",
        tags=["sandbox control"],
        responses={400: {"model": ProblemBody}, 404: {"model": ProblemBody}},
    )

    def clock_state() -> ClockState:
        now = sandbox.sync()
        return ClockState(now=now.isoformat(), mode=sandbox.clock.mode, speed=sandbox.clock.speed)

    @router.get("/health")
    def health() -> dict[str, Any]:
        now = sandbox.sync()
        return {
            "status": "ok",
            "scenario": sandbox.scenario.name,
            "seed": sandbox.seed,
            "carriers": list(CARRIERS),
            "now": now.isoformat(),
            "parcels_in_memory": len(sandbox.store),
            "parcels_created": sandbox.engine.parcels_created,
        }

    @router.get("/clock", response_model=ClockState)
    def get_clock() -> ClockState:
        return clock_state()

    @router.post("/clock", response_model=ClockState)
    def set_clock(change: ClockChange) -> ClockState | JSONResponse:
        try:
            if change.mode is not None:
                sandbox.clock.set_mode(change.mode)
            if change.speed is not None:
                sandbox.clock.set_speed(change.speed)
            if change.advance is not None:
                sandbox.clock.advance(parse_duration(change.advance))
            if change.to is not None:
                if change.to.tzinfo is None:
                    raise ClockError("'to' needs a UTC offset")
                sandbox.clock.set(change.to)
        except (ClockError, ValueError) as exc:
            return _problem(400, str(exc))
        return clock_state()

    @router.get("/parcels", response_model=ParcelPage)
    def list_parcels(
        carrier: str | None = None,
        status: str | None = Query(None, description="Latest visible EventCode, e.g. OUT_FOR_DELIVERY."),
        fate: str | None = Query(None, description="Truth: delivered, misdelivered, lost, returned, …"),
        case: str | None = None,
        limit: int = Query(100, ge=1, le=1000),
        cursor: str | None = None,
    ) -> ParcelPage | JSONResponse:
        after = 0
        if cursor:
            if not cursor.isdigit():
                return _problem(400, "bad cursor")
            after = int(cursor)
        now = sandbox.sync()
        rows = sandbox.store.list(now.timestamp(), carrier, status, fate, case, after, limit + 1)
        more = len(rows) > limit
        rows = rows[:limit]
        items = [
            ParcelItem(
                tracking_number=r.tracking_number,
                carrier=r.carrier,
                service=r.service,
                status=r.status,
                fate=r.fate,
                case=r.case,
            )
            for r in rows
        ]
        return ParcelPage(items=items, next=str(rows[-1].ord) if more and rows else None)

    @router.get("/parcels/{tracking_number}")
    def get_parcel(tracking_number: str) -> dict[str, Any]:
        now = sandbox.sync()
        rec = sandbox.record(tracking_number)
        if rec is None:
            raise HTTPException(404, f"no parcel {tracking_number}")
        visible = rec.visible_events(now.timestamp())
        return {
            "tracking_number": rec.tracking_number,
            "carrier": rec.carrier,
            "service": rec.service,
            "status": visible[-1].code.value if visible else None,
            "events": [e.to_dict() for e in visible],
            "truth": rec.truth.to_dict() if rec.truth else None,
        }

    @router.get("/cases", response_model=list[CaseItem])
    def list_cases() -> list[CaseItem]:
        sandbox.sync()
        known = {c["name"]: c["tracking_number"] for c in sandbox.case_numbers()}
        return [
            CaseItem(
                name=c.name,
                tracking_number=known.get(c.name) or sandbox.cases.get(c.name),
                carrier=c.carrier,
                story=c.story,
            )
            for c in sandbox.scenario.cases
        ]

    @router.post("/reset")
    def reset() -> dict[str, Any]:
        sandbox.reset()
        return {"status": "reset", **clock_state().model_dump()}

    return router
