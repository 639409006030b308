"""What the UI reads live, under ``/_sandbox``: the summary of the world at the effective clock
(``GET /summary``), the same pushed as server-sent events when it changes (``GET /summary/stream``),
and the recent visible scans (``GET /feed``).

The summary is the running ``Tally`` (kept incrementally on its own thread) plus counters the
sandbox already keeps — requests and rate-limit answers per carrier, webhook deliveries — so
building it costs the same on a world of a hundred parcels or of a million. The stream looks every
``PUSH_S`` and sends only when the summary changed; the summary is built on a worker thread, never
on the event loop. A stream ends after ``STREAM_S`` (the page reconnects at once): a server that
stops never waits long for an open page.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import orjson
from fastapi import APIRouter, Query
from fastapi.responses import Response, StreamingResponse

from mock_carriers.carriers import registry
from mock_carriers.http.jsonio import JSONResponse
from mock_carriers.http.problems import problem, problem_responses
from mock_carriers.webhooks.hub import WebhookHub
from mock_carriers.world.sandbox import Sandbox
from mock_carriers.world.tally import Tally
from sim.events import ScanEvent
from sim.status import Status, status_of

#: Seconds between two looks at the summary on a stream (at most two messages a second).
PUSH_S = 0.5
#: A stream's life in seconds; the page opens the next one at once.
STREAM_S = 20.0
#: Seconds between keep-alive comments on a quiet stream.
KEEPALIVE_S = 5.0
#: Open streams at most (each one builds a summary every PUSH_S): more get a 503 problem.
MAX_STREAMS = 32
#: Feed items a request may ask for.
MAX_FEED = 200


def summary(sandbox: Sandbox, tally: Tally, hub: WebhookHub | None) -> dict[str, Any]:
    """The world at the effective clock, the clock and the engine's progress, the totals."""
    now = sandbox.now()
    report = sandbox.engine_report()
    metrics = sandbox.faults.metrics
    carriers = {
        key: {
            "requests": int(metrics.value("parcel_sandbox_requests_total", carrier=key)),
            "rate_limited": int(metrics.value("parcel_sandbox_rate_limited_total", carrier=key)),
        }
        for key in registry.KEYS
    }
    return {
        "scenario": sandbox.scenario.name,
        "seed": sandbox.seed,
        "clock": {
            "now": now.isoformat(),
            "target": report["target"],
            "mode": sandbox.clock.mode,
            "speed": sandbox.clock.speed,
            "start": sandbox.scenario.start.astimezone(UTC).isoformat(),
            "limit": sandbox.clock_limit.astimezone(UTC).isoformat(),
        },
        "engine": {k: v for k, v in report.items() if k != "target"},
        "tally_as_of": _iso(tally.as_of),
        **tally.snapshot(),
        "carriers": carriers,
        "webhooks": hub.totals() if hub is not None else None,
    }


def _iso(at: float) -> str | None:
    return datetime.fromtimestamp(at, UTC).isoformat() if at != float("-inf") else None


def feed_item(seq: int, e: ScanEvent) -> dict[str, Any]:
    return {
        "n": seq,
        "tracking_number": e.tracking_number,
        "carrier": e.carrier,
        "code": e.code.value,
        "reason": e.reason.value if e.reason is not None else None,
        "status": status_of(e.code, e.reason).value,
        "occurred_at": e.occurred_at,
        "visible_at": e.visible_at,
        "place": e.location.city or e.location.name,
        "country": e.location.country,
    }


def build_live_router(sandbox: Sandbox, tally: Tally, hub: WebhookHub | None) -> APIRouter:
    router = APIRouter(prefix="/_sandbox", tags=["sandbox UI"], responses=problem_responses(400, 503))
    words = tuple(s.value for s in Status)
    open_streams = [0]

    @router.get("/summary")
    def get_summary() -> Response:
        """The world at the effective clock: tracking numbers by the word their carrier shows,
        parcels by final fate, on-time so far, delays by cause, the busiest places of parcels in the
        network, requests and rate-limit answers per carrier, webhook deliveries — counted
        incrementally as the clock passes each scan (``version`` goes up when they change)."""
        return JSONResponse(summary(sandbox, tally, hub))

    # Not in the OpenAPI document: a stream meant to stay open has no answer to check (docs/ui.md).
    @router.get("/summary/stream", include_in_schema=False)
    async def stream() -> Response:
        """``GET /summary`` as server-sent events: one at once, then one whenever it changes, at
        most every half second. A stream lasts about 20 s; reconnect (EventSource does by itself)."""
        if open_streams[0] >= MAX_STREAMS:
            return problem(503, f"at most {MAX_STREAMS} summary streams are open at once; close one")
        return StreamingResponse(
            _events(),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
        )

    async def _events() -> AsyncIterator[bytes]:
        open_streams[0] += 1  # counted here: a generator that never starts never reaches `finally`
        try:
            last = b""
            quiet = time.monotonic()
            end = time.monotonic() + STREAM_S
            yield b"retry: 500\n\n"
            while time.monotonic() < end:
                body = await asyncio.to_thread(_body)
                if body != last:
                    last = body
                    quiet = time.monotonic()
                    yield b"event: summary\ndata: " + body + b"\n\n"
                elif time.monotonic() - quiet > KEEPALIVE_S:
                    quiet = time.monotonic()
                    yield b": keep-alive\n\n"
                await asyncio.sleep(PUSH_S)
        finally:
            open_streams[0] -= 1

    def _body() -> bytes:
        return orjson.dumps(summary(sandbox, tally, hub))

    @router.get("/feed")
    def feed(
        carrier: str | None = Query(None, description=f"One of {', '.join(registry.KEYS)}."),
        status: str | None = Query(None, description="A canonical word (GET /_sandbox/statuses)."),
        case: str | None = Query(None, description="A pinned case's name."),
        after: int = Query(0, ge=0, le=2**62, description="The `n` of the newest item already shown."),
        limit: int = Query(50, ge=1, le=MAX_FEED),
    ) -> Response:
        """The scans that became visible most recently (newest last), as the clock passed them;
        ``after`` returns only newer ones. Filters combine."""
        cases = {c.name for c in sandbox.scenario.cases}
        for name, value, allowed in (("carrier", carrier, registry.KEYS), ("status", status, words)):
            if value is not None and value not in allowed:
                return problem(400, f"{name}: unknown value {value[:80]!r} (allowed: {', '.join(allowed)})")
        if case is not None and case not in cases:
            known = ", ".join(sorted(cases)) or "none in this scenario"
            return problem(400, f"case: unknown value {case[:80]!r} (allowed: {known})")
        numbers: set[str] | None = None
        if case is not None:
            tn = sandbox.cases.get(case)
            rec = sandbox.record(tn) if tn else None
            numbers = {tn} if tn else set()
            if rec is not None and rec.truth is not None and rec.truth.partner:
                numbers.add(rec.truth.partner["tracking_number"])

        def keep(e: ScanEvent) -> bool:
            return (
                (carrier is None or e.carrier == carrier)
                and (status is None or status_of(e.code, e.reason).value == status)
                and (numbers is None or e.tracking_number in numbers)
            )

        items = [feed_item(seq, e) for seq, e in tally.recent(after, keep, limit)]
        return JSONResponse({"items": items, "last": tally.feed_seq})

    return router
