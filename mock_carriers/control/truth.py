"""The truth API under ``/_sandbox``: one parcel's ground truth, every parcel's as a JSON Lines
stream with filters and cursor paging, and the canonical status vocabulary with each carrier's
mapping onto it. Every record says the instant it describes (``as_of``) and whether its fate is
final (docs/truth.md)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import orjson
from fastapi import APIRouter, HTTPException, Query
from fastapi.responses import Response, StreamingResponse
from pydantic import BaseModel, Field

from mock_carriers.carriers import registry
from mock_carriers.control.truth_models import TruthRecord, record
from mock_carriers.http.problems import CURSOR_PROBLEM, parse_cursor, problem, problem_responses
from mock_carriers.world.clock import utc_or_none
from mock_carriers.world.sandbox import Sandbox
from sim.events import Fate
from sim.status import MEANING, Status

JSONL = "application/jsonl"
#: Parcels read from the store per scan while filling a page.
_BATCH = 500
MAX_PAGE = 10_000
_CHANGED_SINCE = Query(None, description="Only parcels with ``updated_at`` at or after this instant.")


class StatusWord(BaseModel):
    status: str
    meaning: str


class Vocabulary(BaseModel):
    statuses: list[StatusWord] = Field(description="The canonical words, in order.")
    carriers: dict[str, dict[str, list[str]]] = Field(
        description="Per carrier: its status code -> the canonical words it stands for."
    )


def _refused(name: str, value: str | None, allowed: tuple[str, ...]) -> str | None:
    if value is None or value in allowed:
        return None
    return f"{name}: unknown value {value[:80]!r} (allowed: {', '.join(allowed) or 'none in this scenario'})"


def build_truth_router(sandbox: Sandbox) -> APIRouter:
    router = APIRouter(prefix="/_sandbox", tags=["sandbox truth"], responses=problem_responses(400, 404))
    fates = tuple(f.value for f in Fate)

    @router.get("/statuses", response_model=Vocabulary)
    def vocabulary() -> Vocabulary:
        """The canonical status words and every carrier's status codes mapped onto them."""
        return Vocabulary(
            statuses=[StatusWord(status=s.value, meaning=MEANING[s]) for s in Status],
            carriers={key: registry.status_table(key) for key in registry.KEYS},
        )

    @router.get("/truth/{tracking_number}", response_model=TruthRecord)
    def one(tracking_number: str) -> TruthRecord:
        """What really happened to one parcel, as of the sandbox instant (``as_of``); ``final``
        says whether ``fate`` is its final fate yet."""
        now = sandbox.now()
        rec = sandbox.record(tracking_number)
        # the engine runs ahead: a parcel it has made may not exist yet at the sandbox instant
        found = record(rec, now) if rec is not None and rec.exists(now.timestamp()) else None
        if found is None:
            raise HTTPException(404, f"no parcel {tracking_number[:80]!r} at {now.isoformat()}")
        return found

    @router.get(
        "/truth",
        response_class=StreamingResponse,
        responses={
            200: {
                "description": "One TruthRecord per line (JSON Lines). ``X-Next-Cursor``: the cursor "
                "of the next page (absent at the end); ``X-Resume-Cursor``: where parcels not yet "
                "listed start (to follow the world later); ``X-As-Of``: the sandbox instant.",
                "content": {JSONL: {"schema": {"$ref": "#/components/schemas/TruthRecord"}}},
            }
        },
    )
    def many(
        carrier: str | None = Query(None, description=f"One of {', '.join(registry.KEYS)}."),
        fate: str | None = Query(None, description="The fate as of now: " + ", ".join(fates) + "."),
        late: bool | None = Query(None, description="Only late (true) or on-time (false) parcels."),
        delayed: bool | None = Query(None, description="Only parcels with (true) or without delays."),
        case: str | None = Query(None, description="A pinned case's name."),
        final: bool | None = Query(None, description="Only finished (true) or unfinished parcels."),
        changed_since: datetime | None = _CHANGED_SINCE,
        limit: int = Query(1000, ge=1, le=MAX_PAGE),
        cursor: str | None = Query(None, description="The X-Next-Cursor of the previous page."),
    ) -> Response:
        """Every parcel's truth as of now, one JSON object per line, in the order the parcels
        appeared; filters combine."""
        cases = tuple(c.name for c in sandbox.scenario.cases)
        for why in (
            _refused("carrier", carrier, registry.KEYS),
            _refused("fate", fate, fates),
            _refused("case", case, cases),
        ):
            if why is not None:
                return problem(400, why)
        since = None
        if changed_since is not None:
            if changed_since.tzinfo is None:
                return problem(400, "changed_since: needs a UTC offset, e.g. 2026-11-04T12:00:00Z")
            if utc_or_none(changed_since) is None:
                return problem(400, "changed_since: not an instant the sandbox can represent in UTC")
            since = changed_since.timestamp()
        after = parse_cursor(cursor)
        if after is None:
            return problem(400, CURSOR_PROBLEM)
        now = sandbox.now()
        page: list[TruthRecord] = []
        more = False
        while not more:
            rows = sandbox.store.list(now.timestamp(), carrier, None, None, case, after, _BATCH)
            if not rows:
                break
            for row in rows:
                if len(page) == limit:
                    more = True
                    break
                after = row.ord
                rec = sandbox.record(row.tracking_number)
                found = record(rec, now) if rec is not None else None
                if found is None:
                    continue
                if (
                    (fate is not None and found.fate != fate)
                    or (late is not None and found.late != late)
                    or (delayed is not None and found.delayed != delayed)
                    or (final is not None and found.final != final)
                    or (since is not None and _updated(found) < since)
                ):
                    continue
                page.append(found)
        # X-Resume-Cursor: where the parcels not yet scanned start, on the last page too, so a
        # follower asks later for only the parcels that appeared since.
        headers = {"X-As-Of": now.isoformat(), "X-Resume-Cursor": str(after)}
        if more:
            headers["X-Next-Cursor"] = str(after)
        return StreamingResponse(_lines(page), media_type=JSONL, headers=headers)

    return router


def _updated(found: TruthRecord) -> float:
    return datetime.fromisoformat(found.updated_at).timestamp() if found.updated_at else float("-inf")


def _lines(page: list[TruthRecord]) -> Iterator[bytes]:
    for item in page:
        data: dict[str, Any] = item.model_dump(mode="json")
        yield orjson.dumps(data) + b"\n"
