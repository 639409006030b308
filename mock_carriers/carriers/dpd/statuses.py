"""DPD status codes -> the canonical words (``sim.status``): ``statusInfo.status`` as
``codes.status_for`` shows each scan (None: DPD shows no status for it)."""

from __future__ import annotations

from sim.events import ScanEvent
from sim.status import Status, carrier_table

from . import codes


def code_of(history: list[ScanEvent]) -> str | None:
    status = codes.status_for(history[-1], history[:-1])
    return status.code if status is not None else None


def table() -> dict[str, list[Status]]:
    return carrier_table(code_of)
