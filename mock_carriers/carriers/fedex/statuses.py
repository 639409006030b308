"""FedEx status codes -> the canonical words (``sim.status``): a scan's ``eventType`` (also
``latestStatusDetail.code``), as ``codes.event_for`` shows it."""

from __future__ import annotations

from sim.events import ScanEvent
from sim.status import Status, carrier_table

from . import codes


def code_of(history: list[ScanEvent]) -> str:
    event = history[-1]
    partner = (event.details.get("partner") or {}).get("carrier")
    return codes.event_for(event.code, partner).event_type


def table() -> dict[str, list[Status]]:
    return carrier_table(code_of)
