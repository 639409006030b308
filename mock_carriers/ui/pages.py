"""The browser UI at ``/_sandbox/ui``: one page and its assets, shipped in the package
(``mock_carriers/ui/static/``; no CDN, works offline), and the two reads only the page needs —
the network it draws (``GET /_sandbox/network``) and one parcel's timeline as its carrier shows it
beside the truth (``GET /_sandbox/timeline/{n}``).

Only the files listed in ``ASSETS`` are served, never a path from the request. The page renders
every string the sandbox sends as text, never as HTML (``static/app.js``)."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse, Response

from mock_carriers.carriers import registry
from mock_carriers.control.truth_models import record
from mock_carriers.http.jsonio import JSONResponse
from mock_carriers.http.problems import problem_responses
from mock_carriers.ui.network import network_view
from mock_carriers.world.sandbox import Sandbox
from sim.status import status_of

STATIC_DIR = Path(__file__).parent / "static"
PAGE = "index.html"
#: The files the page loads, with their media types.
ASSETS: dict[str, str] = {
    "app.js": "text/javascript; charset=utf-8",
    "map.js": "text/javascript; charset=utf-8",
    "ui.css": "text/css; charset=utf-8",
    "countries.geojson": "application/geo+json",
}
#: The page may load its own files and talk to its own server, nothing else.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
_HEADERS = {"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff", "Cache-Control": "no-cache"}


def timeline(sandbox: Sandbox, tracking_number: str) -> dict[str, Any] | None:
    """One parcel at the effective clock: each visible scan with the carrier's own status code and
    the canonical word its API conveys then, and the truth record (``GET /_sandbox/truth/{n}``)."""
    now = sandbox.now()
    at = now.timestamp()
    rec = sandbox.record(tracking_number)
    if rec is None or not rec.exists(at):
        return None
    visible = rec.visible_events(at)
    scans = []
    for i, e in enumerate(visible):
        history = visible[: i + 1]
        scans.append(
            {
                "occurred_at": e.occurred_at,
                "visible_at": e.visible_at,
                "code": e.code.value,
                "reason": e.reason.value if e.reason is not None else None,
                "carrier_code": registry.carrier_code(rec.carrier, history),
                "status": registry.shown_status(rec.carrier, history) or status_of(e.code, e.reason).value,
                "place": {
                    "name": e.location.name,
                    "city": e.location.city,
                    "country": e.location.country,
                    "lat": e.location.lat,
                    "lon": e.location.lon,
                    "facility_id": e.location.facility_id,
                },
                "estimated_delivery": e.estimated_delivery.to_dict() if e.estimated_delivery else None,
            }
        )
    truth = record(rec, now)
    return {
        "tracking_number": rec.tracking_number,
        "carrier": rec.carrier,
        "service": rec.service,
        "as_of": now.isoformat(),
        "scans": scans[::-1],  # newest first, as a carrier's tracking page lists them
        "truth": truth.model_dump(mode="json") if truth is not None else None,
    }


def build_ui_router(sandbox: Sandbox) -> APIRouter:
    router = APIRouter(prefix="/_sandbox", tags=["sandbox UI"], responses=problem_responses(404))
    network: list[dict[str, Any]] = []
    building = threading.Lock()

    @router.get("/ui", include_in_schema=False)
    def page() -> Response:
        return FileResponse(STATIC_DIR / PAGE, media_type="text/html; charset=utf-8", headers=_HEADERS)

    @router.get("/ui/assets/{name}", include_in_schema=False)
    def asset(name: str) -> Response:
        media_type = ASSETS.get(name)
        if media_type is None:
            raise HTTPException(404, f"no such asset {name[:80]!r}")
        return FileResponse(STATIC_DIR / name, media_type=media_type, headers=_HEADERS)

    @router.get("/network")
    def get_network() -> Response:
        """The scenario's facilities at their coordinates (fulfilment centres, hubs, delivery
        stations), the lanes between them, and its disruptions with what each one stops."""
        with building:  # built once, on a worker thread, by the first caller
            if not network:
                network.append(network_view(sandbox.scenario))
        return JSONResponse(network[0])

    @router.get("/timeline/{tracking_number:path}")
    def get_timeline(tracking_number: str) -> Response:
        """One parcel as its carrier shows it now — every visible scan, newest first, with the
        carrier's own status code and the canonical word — beside its truth record."""
        found = timeline(sandbox, tracking_number)
        if found is None:
            raise HTTPException(404, f"no parcel {tracking_number[:80]!r} at {sandbox.now().isoformat()}")
        return JSONResponse(found)

    return router
