"""DHL status codes -> the canonical words (``sim.status``): the coarse ``statusCode`` of a
shipment event (``codes.EVENT_CODES``); DHL's detail is free text, so one code stands for several."""

from __future__ import annotations

from sim.events import ScanEvent
from sim.status import Status, carrier_table

from . import codes


def code_of(history: list[ScanEvent]) -> str:
    return codes.EVENT_CODES[history[-1].code].status_code


def table() -> dict[str, list[Status]]:
    return carrier_table(code_of)
