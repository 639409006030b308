"""The control plane, ``/_sandbox`` (LocalStack's ``/_localstack`` is the model): health, the clock,
parcels with their ground truth, pinned cases, reset. JSON in, JSON out, all in the OpenAPI doc.

Every field is checked against a finite range before it reaches the world: the clock moves only
forward and never past ``Sandbox.clock_limit``, filters name known values, cursors are ones the
sandbox issued. Errors are problem details (``mock_carriers.http.problems``)."""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Sequence
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StrictInt, WithJsonSchema

from mock_carriers.carriers import registry
from mock_carriers.control.truth_models import TruthRecord, record
from mock_carriers.http.problems import CURSOR_PROBLEM, parse_cursor, problem, problem_responses
from mock_carriers.world.clock import MAX_SPEED, MIN_SPEED, ClockError, check_speed, utc_or_none
from mock_carriers.world.sandbox import Sandbox
from sim.events import EventCode, Fate
from sim.scenario import parse_duration

EngineStateName = Literal["starting", "resimulating", "running", "caught-up", "paused", "finished", "failed"]


class EngineReport(BaseModel):
    state: EngineStateName = Field(
        description="running: simulating toward the target + look-ahead; caught-up: there and idle; "
        "paused: the store's memory cap stops the look-ahead; finished: the world ended; resimulating: "
        "a resumed --db world is re-run silently up to its saved frontier; failed: see error."
    )
    frontier: str = Field(description="Every event visible up to this instant is known (ISO-8601, UTC).")
    behind_seconds: float = Field(
        description="Sandbox seconds from the frontier to the target (0 when there)."
    )
    generation: int = Field(description="The world's generation: +1 on every reset.")
    resimulated_to: str | None = None
    error: str | None = None


class ClockState(BaseModel):
    now: str = Field(
        description="The effective sandbox instant every API shows (ISO-8601, UTC): the target, or the "
        "engine's frontier while the engine is still on its way there."
    )
    mode: Literal["manual", "realtime", "instant"]
    speed: float = Field(description="Sandbox seconds per wall second in realtime mode.")
    target: str = Field(description="Where the clock has been moved to (ISO-8601, UTC).")
    engine: EngineReport


#: How long ``POST /_sandbox/clock`` waits for the engine by default, and at most (seconds).
MOVE_TIMEOUT_S = 60.0
MAX_MOVE_TIMEOUT_S = 600.0
#: How often a waiting clock move looks at the frontier (it only awaits: nothing else waits).
POLL_S = 0.02

#: JSON seeds: non-negative and within 63 bits, as a scenario's.
MAX_SEED = 2**63 - 1


def _duration_value(value: Any) -> Any:
    # One clear message instead of one per member of the union.
    if value is None or (isinstance(value, int | float) and not isinstance(value, bool)):
        return value
    if isinstance(value, str):
        if len(value) > 64:
            raise ValueError("a duration has at most 64 characters")
        return value
    raise ValueError("expected a duration such as '4d', '90m', 'PT2H' or a number of seconds")


def _number_value(value: Any) -> Any:
    if value is None or (isinstance(value, int | float) and not isinstance(value, bool)):
        return value
    raise ValueError("must be a number of sandbox seconds per wall second")


DurationValue = Annotated[
    str | float | None,
    BeforeValidator(_duration_value),
    WithJsonSchema({"type": ["string", "number", "null"], "examples": ["4d", "90m", "PT2H", 3600]}),
]
SpeedValue = Annotated[
    float | None,
    BeforeValidator(_number_value),
    WithJsonSchema({"type": ["number", "null"], "minimum": MIN_SPEED, "maximum": MAX_SPEED}),
]


class ClockChange(BaseModel):
    model_config = ConfigDict(extra="forbid")
    advance: DurationValue = Field(
        None,
        description="Move forward: '4d', '90m', '2h', 'PT2H' or seconds; not past the sandbox's limit.",
    )
    to: datetime | None = Field(
        None, description="Jump to an instant (ISO-8601 with offset): never back, not past the limit."
    )
    speed: SpeedValue = Field(
        None, description=f"Realtime speed factor, {MIN_SPEED:g} to {MAX_SPEED:g} sandbox seconds per second."
    )
    mode: Literal["manual", "realtime", "instant"] | None = None


class ResetRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    seed: StrictInt | None = Field(
        None, ge=0, le=MAX_SEED, description="Start over with this seed (default: the current one)."
    )


class ResetResult(BaseModel):
    status: Literal["reset"]
    seed: int = Field(description="The seed the world starts over with.")
    now: str
    mode: Literal["manual", "realtime", "instant"]
    speed: float


class ParcelItem(BaseModel):
    tracking_number: str
    carrier: str
    service: str
    status: str | None = Field(description="The latest visible canonical EventCode, or null.")
    fate: str | None = Field(
        description="The fate as of now, as GET /_sandbox/truth says it: the final fate once "
        "``final``; before, ``lost`` once the loss happened, else ``in_network`` (docs/truth.md)."
    )
    final: bool = Field(description="Whether ``fate`` is the parcel's final fate (its story is over).")
    case: str | None


class ParcelPage(BaseModel):
    items: list[ParcelItem]
    next: str | None = Field(description="Cursor for the next page, or null at the end.")
    as_of: str = Field(description="The sandbox instant the page describes (ISO-8601, UTC).")


class ParcelDetail(BaseModel):
    tracking_number: str
    carrier: str
    service: str
    status: str | None = Field(description="The latest visible canonical EventCode, or null.")
    events: list[dict[str, Any]] = Field(description="The scans visible now, oldest first (ScanEvent).")
    truth: TruthRecord | None = Field(
        description="The ground truth as of now, exactly as GET /_sandbox/truth/{tracking_number}."
    )


class CaseItem(BaseModel):
    name: str
    tracking_number: str | None = Field(description="Null until the case's label is created.")
    carrier: str
    story: str


def _one_of(name: str, value: str | None, allowed: Sequence[str]) -> str | None:
    """Why a filter value is refused, or None when it is one of ``allowed`` (or absent)."""
    if value is None or value in allowed:
        return None
    known = ", ".join(allowed) if allowed else "none in this scenario"
    return f"{name}: unknown value {value[:80]!r} (allowed: {known})"


def build_control_router(sandbox: Sandbox) -> APIRouter:
    router = APIRouter(
        prefix="/_sandbox",
        tags=["sandbox control"],
        responses=problem_responses(400, 404),
    )
    statuses = tuple(code.value for code in EventCode)
    fates = tuple(fate.value for fate in Fate)

    def clock_state() -> ClockState:
        now = sandbox.now()
        report = sandbox.engine_report()
        return ClockState(
            now=now.isoformat(),
            mode=sandbox.clock.mode,
            speed=sandbox.clock.speed,
            target=report.pop("target"),
            engine=EngineReport(**report),
        )

    @router.get("/health")
    def health() -> dict[str, Any]:
        state = clock_state()
        return {
            "status": "ok" if state.engine.state != "failed" else "failed",
            "scenario": sandbox.scenario.name,
            "seed": sandbox.seed,
            "carriers": list(registry.KEYS),
            "now": state.now,
            "target": state.target,
            "frontier": state.engine.frontier,
            "engine": state.engine.model_dump(exclude_none=True),
            "engine_leader": sandbox.engine_leader(),
            "parcels_in_memory": len(sandbox.store),
            "parcels_created": sandbox.parcels_created,
        }

    @router.get("/clock", response_model=ClockState)
    def get_clock() -> ClockState:
        return clock_state()

    @router.post(
        "/clock",
        response_model=ClockState,
        responses={202: {"model": ClockState, "description": "Moved; the engine is still on its way."}},
    )
    async def set_clock(
        change: ClockChange,
        wait: bool = Query(
            True, description="Wait (without blocking anything else) until the engine reaches the target."
        ),
        timeout: float = Query(
            MOVE_TIMEOUT_S,
            ge=0,
            le=MAX_MOVE_TIMEOUT_S,
            description="Seconds to wait at most; then 202 with the engine's progress.",
        ),
    ) -> ClockState | Response:
        """Move the clock. The target changes at once; the answer is 200 once the world has reached
        it, or 202 with the engine's progress (``?wait=false``, or after ``timeout`` seconds) — poll
        ``GET /_sandbox/clock`` until ``now`` equals ``target``. Other requests never wait."""
        if change.advance is not None and change.to is not None:
            return problem(400, "advance and to: give one of them, not both")
        # Check everything before changing anything: a refused request leaves the clock as it was.
        seconds = speed = None
        try:
            seconds = None if change.advance is None else parse_duration(change.advance)
        except ValueError as exc:
            return problem(400, f"advance: {exc}")
        if seconds is not None and not math.isfinite(seconds):
            return problem(400, "advance: must be a finite duration")
        try:
            speed = None if change.speed is None else check_speed(change.speed)
        except ClockError as exc:
            return problem(400, f"speed: {exc}")
        if change.to is not None and change.to.tzinfo is None:
            return problem(400, "to: needs a UTC offset, e.g. 2026-11-04T12:00:00-05:00")
        if change.to is not None and utc_or_none(change.to) is None:
            return problem(400, "to: not an instant the sandbox can represent in UTC")
        try:
            if seconds is not None:
                sandbox.clock.advance(seconds)
            if change.to is not None:
                sandbox.clock.set(change.to)
            if change.mode is not None:
                sandbox.clock.set_mode(change.mode)
            if speed is not None:
                sandbox.clock.set_speed(speed)
        except ClockError as exc:
            field = "advance" if seconds is not None else "to" if change.to is not None else "mode"
            return problem(400, f"{field}: {exc}")
        if wait:
            deadline = time.monotonic() + timeout
            while not sandbox.caught_up() and time.monotonic() < deadline:
                if sandbox.engine_report()["state"] == "failed":
                    break
                await asyncio.sleep(POLL_S)
        state = clock_state()
        if sandbox.caught_up():
            return state
        return JSONResponse(state.model_dump(), status_code=202)

    @router.get("/parcels", response_model=ParcelPage)
    def list_parcels(
        carrier: str | None = Query(None, description=f"One of {', '.join(registry.KEYS)}."),
        status: str | None = Query(None, description="Latest visible EventCode, e.g. OUT_FOR_DELIVERY."),
        fate: str | None = Query(
            None, description="The fate as of now (as the truth API): delivered, lost, in_network, …"
        ),
        case: str | None = Query(None, description="A pinned case's name (GET /_sandbox/cases)."),
        limit: int = Query(100, ge=1, le=1000),
        cursor: str | None = Query(None, description="The 'next' of the previous page."),
    ) -> ParcelPage | Response:
        cases = tuple(c.name for c in sandbox.scenario.cases)
        for refused in (
            _one_of("carrier", carrier, registry.KEYS),
            _one_of("status", status, statuses),
            _one_of("fate", fate, fates),
            _one_of("case", case, cases),
        ):
            if refused is not None:
                return problem(400, refused)
        after = parse_cursor(cursor)
        if after is None:
            return problem(400, CURSOR_PROBLEM)
        now = sandbox.now()
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
                final=r.final,
                case=r.case,
            )
            for r in rows
        ]
        return ParcelPage(
            items=items, next=str(rows[-1].ord) if more and rows else None, as_of=now.isoformat()
        )

    @router.get("/parcels/{tracking_number}", response_model=ParcelDetail)
    def get_parcel(tracking_number: str) -> ParcelDetail:
        """One parcel: the scans visible now, and its truth as of now (docs/truth.md) — never the
        engine's look-ahead, so a live world and its replay answer the same."""
        now = sandbox.now()
        rec = sandbox.record(tracking_number)
        if rec is None or not rec.exists(now.timestamp()):
            raise HTTPException(404, f"no parcel {tracking_number[:80]!r}")
        visible = rec.visible_events(now.timestamp())
        return ParcelDetail(
            tracking_number=rec.tracking_number,
            carrier=rec.carrier,
            service=rec.service,
            status=visible[-1].code.value if visible else None,
            events=[e.to_dict() for e in visible],
            truth=record(rec, now),
        )

    @router.get("/cases", response_model=list[CaseItem])
    def list_cases() -> list[CaseItem]:
        known = {c["name"]: c["tracking_number"] for c in sandbox.case_numbers()}
        at = sandbox.now().timestamp()

        def reached(name: str) -> str | None:
            # A replayed world's cases are found as the engine reaches them, which may be ahead
            # of the clock: named only once the clock has reached the label too.
            tn = sandbox.cases.get(name)
            rec = sandbox.record(tn) if tn else None
            return tn if rec is not None and rec.exists(at) else None

        return [
            CaseItem(
                name=c.name,
                tracking_number=known.get(c.name) or reached(c.name),
                carrier=c.carrier,
                story=c.story,
            )
            for c in sandbox.scenario.cases
        ]

    @router.post("/reset", response_model=ResetResult)
    def reset(body: ResetRequest | None = None) -> ResetResult | Response:
        """Start the world over: the clock at the start, no parcels, no tokens, the scenario's
        faults. ``{"seed": N}`` starts it over with another seed; no other field is accepted."""
        seed = body.seed if body is not None else None
        if seed is not None and sandbox.replaying and seed != sandbox.seed:
            return problem(400, f"seed: a replayed run keeps its recorded seed ({sandbox.seed})")
        sandbox.reset(seed)
        return ResetResult(status="reset", seed=sandbox.seed, **clock_state().model_dump())

    return router
