"""Amazon Shipping status codes -> the canonical words (``sim.status``): a tracking event's
``eventCode``, as ``codes.event_code`` shows each scan."""

from __future__ import annotations

from sim.events import EventCode, ScanEvent
from sim.status import Status, carrier_table, current_status

from . import codes


def code_of(history: list[ScanEvent]) -> str:
    return codes.event_code(history[-1].code, history[-1].reason)


def table() -> dict[str, list[Status]]:
    return carrier_table(code_of)


def shown(history: list[ScanEvent]) -> Status | None:
    """The word Amazon's API conveys for the newest scan. Its vocabulary has no delay, customs or
    reschedule event: those scans read ``ArrivedAtCarrierFacility`` (``codes.EVENT_CODES``), so a
    tracker sees a parcel in transit (on the return leg: returning) and the delay only as a later
    promise date."""
    status = current_status(history)
    if history and code_of(history) == codes.EVENT_CODES[EventCode.IN_TRANSIT]:
        returning = any(e.code is EventCode.RETURN_TO_SENDER for e in history[:-1])
        return Status.RETURNING if returning else Status.IN_TRANSIT
    return status
