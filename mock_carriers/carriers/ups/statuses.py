"""UPS status codes -> the canonical words (``sim.status``): the three-digit ``statusCode`` of an
activity, as ``codes.status_for`` shows each scan."""

from __future__ import annotations

from sim.events import EventCode, ScanEvent
from sim.status import Status, carrier_table

from . import codes


def code_of(history: list[ScanEvent]) -> str:
    returning = any(e.code is EventCode.RETURN_TO_SENDER for e in history[:-1])
    return codes.status_for(history[-1], returning).status_code


def table() -> dict[str, list[Status]]:
    return carrier_table(code_of)
