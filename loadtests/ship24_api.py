"""Ship24, the aggregator, as a merchant's integration speaks it over a locust HTTP client: one
``POST /ship24/public/v1/trackers/track`` per parcel (it creates the tracker on the first call and
returns its results on every call, "without worrying about Tracker creation and management"), the
API key as ``Authorization: Bearer apik_…``, Ship24's ``statusMilestone`` read as a phase.

Not failures: a number Ship24 finds no courier for yet (200, milestone ``pending``), a number it
refuses as invalid (400 ``validation_error``: a mistyped number), and a 429 (Ship24 is backed off
for its ``Retry-After``). No locust import here, like ``carrier_apis``.
"""

from __future__ import annotations

import json
from typing import Any

from loadtests.carrier_apis import CarrierApi, _json
from loadtests.policy import Phase

API_KEY = "apik_parcel-sandbox-loadtest"
TRACK_PATH = "/ship24/public/v1/trackers/track"

#: Ship24's milestones [docs.ship24.com/status] by phase; spelled out, as the load tests import
#: nothing of the sandbox.
MILESTONE_PHASE: dict[str, Phase] = {
    "pending": Phase.NOT_FOUND,
    "info_received": Phase.PRE_TRANSIT,
    "in_transit": Phase.IN_TRANSIT,
    "out_for_delivery": Phase.OUT_FOR_DELIVERY,
    "failed_attempt": Phase.ATTENTION,
    "available_for_pickup": Phase.ATTENTION,
    "exception": Phase.ATTENTION,
    "delivered": Phase.DONE,
}
#: Exceptions that end the shipment: back with the sender (mock_carriers/carriers/ship24/codes.py).
FINAL_CODES = frozenset({"exception_returned"})


def ship24_phase(body: dict[str, Any]) -> Phase | None:
    """The phase of the (only) tracking of a ``/trackers/track`` answer, None if not one."""
    data = body.get("data")
    trackings = data.get("trackings") if isinstance(data, dict) else None
    if not isinstance(trackings, list) or len(trackings) != 1 or not isinstance(trackings[0], dict):
        return None
    shipment = trackings[0].get("shipment")
    if not isinstance(shipment, dict):
        return None
    if shipment.get("statusCode") in FINAL_CODES:
        return Phase.DONE
    return MILESTONE_PHASE.get(str(shipment.get("statusMilestone")))


class Ship24Api(CarrierApi):
    """One merchant's Ship24 integration: any carrier's number, one call each."""

    carrier = "ship24"
    track_name = f"{TRACK_PATH} [trackingNumber]"

    def _track_request(self, numbers: list[str]) -> Any:
        return self.client.post(
            TRACK_PATH,
            data=json.dumps({"trackingNumber": numbers[0]}),
            headers={"Authorization": f"Bearer {API_KEY}", "Content-Type": "application/json"},
            name=self.track_name,
            catch_response=True,
        )

    def parse(self, response: Any, numbers: list[str]) -> dict[str, Phase] | None:
        body = _json(response)
        if body is None:
            return None
        if response.status_code == 400 and any(
            isinstance(e, dict) and e.get("code") == "validation_error" for e in body.get("errors") or []
        ):
            return {numbers[0]: Phase.NOT_FOUND}
        phase = ship24_phase(body) if response.status_code == 200 else None
        return {numbers[0]: phase} if phase else None
