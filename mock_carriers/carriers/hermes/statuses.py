"""Hermes status codes -> the canonical words (``sim.status``): the four-digit 2x2 event code of
the catalogue row ``codes.status_for`` shows for each scan."""

from __future__ import annotations

from sim.events import ScanEvent
from sim.status import Status, carrier_table

from . import codes


def code_of(history: list[ScanEvent]) -> str:
    return codes.status_for(history[-1], history[:-1]).code_2x2


def table() -> dict[str, list[Status]]:
    return carrier_table(code_of)
