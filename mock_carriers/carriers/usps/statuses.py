"""USPS status codes -> the canonical words (``sim.status``): a tracking event's ``eventCode``, as
``codes.usps_event`` shows each scan."""

from __future__ import annotations

from sim.events import ScanEvent
from sim.status import Status, carrier_table

from . import codes


def code_of(history: list[ScanEvent]) -> str:
    return codes.usps_event(history[-1]).code


def table() -> dict[str, list[Status]]:
    return carrier_table(code_of)
