"""Ship24 Tracking API's paths under ``/ship24`` (the real base is ``https://api.ship24.com``).

Every call checks the API key first (401), then its parameters and body (400), then looks the
tracker up (404) — the order of the real API's layers.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response

from mock_carriers.http.jsonio import JSONResponse, loads_json
from mock_carriers.world.context import WorldContext

from . import auth, couriers, errors, render, requests, shipments, webhook
from .trackers import ClientIdTaken, TrackerStore

BASE = "/public/v1"
MAX_BULK = 100
BULK = "POST /trackers/bulk"
RESEND = "POST /trackers/{trackerId}/webhook-events/resend"
COURIERS = "GET /couriers"
MAX_PAGE_SIZE = 500
SEARCH_BY = ("trackerId", "clientTrackerId")


class _Invalid(Exception):
    def __init__(self, messages: list[str]) -> None:
        self.messages = messages


async def _json(request: Request) -> Any:
    raw = await request.body()
    try:
        return loads_json(raw)
    except ValueError:
        raise _Invalid(["The request body must be valid JSON."]) from None


def _int(request: Request, name: str, low: int, high: int | None, default: int | None) -> int:
    raw = request.query_params.get(name)
    if raw is None:
        if default is None:
            raise _Invalid([f"Please make sure that {name} is provided."])
        return default
    try:
        value = int(raw)
    except ValueError:
        raise _Invalid([f"Please make sure that {name} is an integer."]) from None
    if value < low or (high is not None and value > high):
        bound = f"between {low} and {high}" if high is not None else f"at least {low}"
        raise _Invalid([f"Please make sure that {name} is {bound}."])
    return value


def _search_by(request: Request) -> str:
    value = request.query_params.get("searchBy", "trackerId")
    if value not in SEARCH_BY:
        raise _Invalid([f"Please make sure that searchBy is one of: {', '.join(SEARCH_BY)}."])
    return value


def build_router(ctx: WorldContext, store: TrackerStore) -> APIRouter:
    router = APIRouter()

    def result(tracker: dict[str, Any]) -> dict[str, Any]:
        given = tracker["input"]
        restrict = bool(given.get("settings", {}).get("restrictTrackingToCourierCode", False))
        now = ctx.now()
        found = shipments.find(
            ctx, tracker["trackingNumber"], given.get("courierCode") or [], restrict, now, tracker["created"]
        )
        if found is None:  # no candidate courier has it (yet): Ship24's "pending"
            found = render.Found(tracker["trackingNumber"], "", "", [], None)
        return render.tracking(found, tracker)

    def create(payload: Any) -> tuple[dict[str, Any], bool]:
        given, problems = requests.parse_create(payload)
        if problems:
            raise _Invalid(problems)
        try:
            return store.create(given, ctx.now())
        except ClientIdTaken as taken:
            raise _Invalid([f"The clientTrackerId {taken} is already used by an active tracker."]) from None

    def guarded(handler: Any) -> Any:
        async def endpoint(request: Request) -> Response:
            denied = auth.check(request, ctx)
            if denied is not None:
                return denied
            try:
                return await handler(request)
            except _Invalid as invalid:
                return errors.validation(invalid.messages)

        endpoint.__name__ = handler.__name__
        return endpoint

    async def create_tracker(request: Request) -> Response:
        tracker, _ = create(await _json(request))
        return JSONResponse({"data": {"tracker": result(tracker)["tracker"]}}, status_code=201)

    async def list_trackers(request: Request) -> Response:
        page = _int(request, "page", 1, None, None)
        limit = _int(request, "limit", 1, MAX_PAGE_SIZE, None)
        sort = _int(request, "sort", -1, 1, 1)
        if sort == 0:
            raise _Invalid(["Please make sure that sort is 1 or -1."])
        trackers = [result(t)["tracker"] for t in store.page(page, limit, newest_first=sort == -1)]
        return JSONResponse({"data": {"trackers": trackers}})

    async def bulk_create(request: Request) -> Response:
        # The spec's schema is {"trackers": [...]}, its example a bare array: both are read. Its
        # examples write null where the schema (OpenAPI 3.1, where `nullable` means nothing) has
        # no null; those fields are left out instead (FIDELITY.md).
        try:
            payload = await _json(request)
        except _Invalid as invalid:  # bulk refuses a request in its own body, as its schema says
            return errors.bulk_error(400, "validation_error", invalid.messages[0])
        items = payload.get("trackers") if isinstance(payload, dict) else payload
        if not isinstance(items, list) or not items or len(items) > MAX_BULK:
            message = f"Please provide between 1 and {MAX_BULK} trackers."
            return errors.bulk_error(400, "validation_error", message)
        data: list[dict[str, Any]] = []
        tally = {"created": 0, "existing": 0, "error": 0}
        for item in items:
            given = item if isinstance(item, dict) else {}
            try:
                tracker, new = create(item)
            except _Invalid as invalid:
                found = [errors.item("validation_error", m) for m in invalid.messages]
                entry = {"itemStatus": "error", "inputData": given, "errors": found}
            else:
                status = "created" if new else "existing"
                entry = {"itemStatus": status, "inputData": given, "tracker": result(tracker)["tracker"]}
            tally[entry["itemStatus"]] += 1
            data.append(entry)
        summary = {
            "totalInputs": len(items),
            "totalCreated": tally["created"],
            "totalExisting": tally["existing"],
            "totalErrors": tally["error"],
        }
        if tally["error"] == len(items):
            failed = errors.item("processing_error", errors.EVERY_ITEM_FAILED)
            return JSONResponse({"status": "error", "summary": summary, "data": data, "error": failed}, 400)
        status, code = ("partial", 207) if tally["error"] else ("success", 201)
        return JSONResponse({"status": status, "summary": summary, "data": data}, code)

    async def track(request: Request) -> Response:
        tracker, _ = create(await _json(request))
        return JSONResponse({"data": {"trackings": [result(tracker)]}})

    def _tracker(request: Request) -> dict[str, Any] | None:
        return store.find(request.path_params["trackerId"], _search_by(request))

    async def get_tracker(request: Request) -> Response:
        tracker = _tracker(request)
        if tracker is None:
            return errors.tracker_not_found()
        # The spec's schema is the bare tracker, its examples (like every other answer) wrap it
        # in data.tracker; FIDELITY.md says why the examples win.
        return JSONResponse({"data": {"tracker": result(tracker)["tracker"]}})

    async def update_tracker(request: Request) -> Response:
        tracker = _tracker(request)
        if tracker is None:
            return errors.tracker_not_found()
        change, problems = requests.parse_update(await _json(request))
        if problems:
            raise _Invalid(problems)
        shipment_fields = {k: v for k, v in change.items() if k in requests.SHIPMENT_FIELDS}
        if shipment_fields and result(tracker)["events"]:
            return errors.error(400, "tracker_not_updatable", errors.NOT_UPDATABLE)
        tracker["input"] = {**tracker["input"], **shipment_fields}
        if "isSubscribed" in change:
            tracker["isSubscribed"] = change["isSubscribed"]
        store.save(tracker)
        return JSONResponse({"data": {"tracker": result(tracker)["tracker"]}})

    async def results_by_number(request: Request) -> Response:
        trackers = store.by_number(request.path_params["trackingNumber"])
        return JSONResponse({"data": {"trackings": [result(t) for t in trackers]}})

    async def results_by_tracker(request: Request) -> Response:
        tracker = _tracker(request)
        if tracker is None:
            return errors.tracker_not_found()
        return JSONResponse({"data": {"trackings": [result(tracker)]}})

    async def resend_webhooks(request: Request) -> Response:
        """Every webhook message the tracker has had, sent again to the account's webhook URL
        (under new message ids); ``totalResent`` counts them."""
        tracker = _tracker(request)
        if tracker is None:
            return errors.tracker_not_found()
        hub = getattr(ctx, "webhooks", None)
        now = ctx.now()
        hints = tracker["input"].get("courierCode") or []
        found = shipments.find(ctx, tracker["trackingNumber"], hints, False, now, None)
        sent = webhook.messages(tracker, [e for e, _ in found.events] if found else [], now.timestamp())
        total = 0
        if hub is not None and sent:
            count = store.resent(tracker)
            total = hub.resend(webhook.FORMAT, sent, f"resend:{tracker['trackerId']}:{count}")
        # The schema types totalResent as a string; its example and the property's own example are
        # the number 8 (FIDELITY.md: the examples win, as for the tracker wrapper).
        return JSONResponse({"data": {"summary": {"totalResent": total}}}, status_code=201)

    async def get_couriers(request: Request) -> Response:
        return JSONResponse({"data": {"couriers": [couriers.as_json(c) for c in couriers.COURIERS]}})

    async def search(request: Request) -> Response:
        """The per-call plan's synchronous fetch: no tracker, no aggregator lag."""
        given, problems = requests.parse_create(await _json(request))
        if problems:
            raise _Invalid(problems)
        number = given["trackingNumber"]
        now = ctx.now()
        found = shipments.find(ctx, number, given.get("courierCode") or [], False, now, None, lagged=False)
        body = render.tracking(found or render.Found(number, "", "", [], None), None)
        return JSONResponse({"data": {"trackings": [body]}}, status_code=201)

    routes: list[tuple[str, Any, str, str]] = [
        ("/trackers", create_tracker, "POST", "Create a tracker"),
        ("/trackers", list_trackers, "GET", "List existing Trackers"),
        ("/trackers/bulk", bulk_create, "POST", "Bulk create trackers"),
        ("/trackers/track", track, "POST", "Create a tracker and get tracking results"),
        ("/trackers/search/{trackingNumber}/results", results_by_number, "GET", "Results by tracking number"),
        ("/trackers/{trackerId}", get_tracker, "GET", "Get an existing tracker"),
        ("/trackers/{trackerId}", update_tracker, "PATCH", "Update an existing tracker"),
        ("/trackers/{trackerId}/results", results_by_tracker, "GET", "Results of an existing tracker"),
        ("/trackers/{trackerId}/webhook-events/resend", resend_webhooks, "POST", "Resend webhooks"),
        ("/couriers", get_couriers, "GET", "Get all couriers"),
        ("/tracking/search", search, "POST", "Get tracking results by tracking number (per-call plans)"),
    ]
    for path, handler, method, summary in routes:
        router.add_api_route(BASE + path, guarded(handler), methods=[method], summary=summary)
    return router


#: Ship24's endpoints, each rate-limited apart (``SPEC.endpoints``; docs.ship24.com/rate-limiter),
#: most specific first.
_LIMITED = (
    ("POST", "/trackers/bulk"),
    ("POST", "/trackers/track"),
    ("POST", "/trackers/{trackerId}/webhook-events/resend"),
    ("GET", "/trackers/search/{trackingNumber}/results"),
    ("GET", "/trackers/{trackerId}/results"),
    ("GET", "/trackers/{trackerId}"),
    ("PATCH", "/trackers/{trackerId}"),
    ("POST", "/trackers"),
    ("GET", "/trackers"),
    ("GET", "/couriers"),
    ("POST", "/tracking/search"),
)
ENDPOINTS: dict[str, tuple[str, str]] = {f"{m} {p}": (m, BASE + p) for m, p in _LIMITED}
