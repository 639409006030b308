"""Pure functions from what a carrier showed to what the tracker says: merge the scans, pick the
status, flag lost-parcel silence. No I/O; the poller and the webhook receiver call these."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from examples.reference_tracker.model import CarrierView, Shipment, TrackEvent
from examples.reference_tracker.variants import Behaviour
from examples.reference_tracker.vocabulary import SILENCE_EXEMPT, TERMINAL, Status


def merge_events(*lists: Iterable[TrackEvent]) -> list[TrackEvent]:
    """One list, oldest first, without repeats. Each input is oldest first (carrier clients turn
    newest-first lists round); the sort is stable, so same-instant scans keep the carrier's order,
    and scans a carrier listed out of order or twice are put right."""
    seen: set[tuple[datetime, str, str]] = set()
    out: list[TrackEvent] = []
    for events in lists:
        for event in events:
            if event.key() not in seen:
                seen.add(event.key())
                out.append(event)
    out.sort(key=lambda e: e.time)
    return out


def latest(events: Sequence[TrackEvent]) -> TrackEvent | None:
    """The scan that sets the status: the carrier's last one (``events`` oldest first). Carriers
    often book several scans at one instant — held, cleared, handed over — and their order then
    tells the story; but a reschedule booked with a failed attempt is that attempt's consequence,
    and the attempt is what the recipient needs to hear about."""
    if not events:
        return None
    last = events[-1]
    group = [e for e in events if e.time == last.time]
    if last.status is Status.DELAYED:
        attempts = [e for e in group if e.status is Status.FAILED_ATTEMPT]
        if attempts:
            return attempts[-1]
    return last


def silence(
    now: datetime, last_update: datetime | None, status: Status, after: timedelta
) -> timedelta | None:
    """How long the parcel has been silent, when that is long enough to suspect it lost. Judged
    from the scans' own times, not from when the tracker fetched them."""
    if last_update is None or status in SILENCE_EXEMPT:
        return None
    quiet = now - last_update
    return quiet if quiet >= after else None


def describe(span: timedelta) -> str:
    hours = int(span.total_seconds() // 3600)
    days, hours = divmod(hours, 24)
    return f"{days} d {hours} h" if days else f"{hours} h"


def assess(shipment: Shipment, now: datetime, behaviour: Behaviour, silence_after: timedelta) -> None:
    """Recompute status, detail and carrier code from the shipment's events and the time."""
    scan = latest(shipment.events)
    if scan is None:
        shipment.carrier_code, shipment.last_carrier_update = None, None
        if shipment.carrier_knows:  # DPD and Amazon know a label before its first scan
            shipment.status, shipment.status_detail = (
                Status.LABEL_CREATED,
                "label known to the carrier; no scan yet",
            )
        else:
            shipment.status, shipment.status_detail = Status.PENDING, "no information from the carrier yet"
    else:
        shipment.status, shipment.carrier_code = scan.status, scan.code
        shipment.status_detail = scan.description
        shipment.last_carrier_update = max(e.time for e in shipment.events)
        if scan.status is Status.IN_TRANSIT and any(e.status is Status.RETURNING for e in shipment.events):
            # Once the carrier has said the parcel is going back, its movement scans are the way back.
            shipment.status = Status.RETURNING
    quiet = (
        silence(now, shipment.last_carrier_update, shipment.status, silence_after)
        if behaviour.flags_silence
        else None
    )
    if quiet is not None and scan is not None:
        where = f" at {scan.location}" if scan.location else ""
        shipment.status = Status.LOST_SUSPECTED
        shipment.status_detail = f"no carrier scan for {describe(quiet)}; last: {scan.description}{where}"
    if shipment.status in TERMINAL:
        shipment.terminal_since = shipment.terminal_since or now
    else:
        shipment.terminal_since = None  # a delivery the carrier took back (a corrected scan)


def apply_view(
    shipment: Shipment, view: CarrierView, now: datetime, behaviour: Behaviour, silence_after: timedelta
) -> None:
    """Take in one carrier answer. The carrier's list replaces what was polled before; scans that
    came by webhook stay only while they are newer than anything the carrier's API shows."""
    shipment.last_checked = now
    shipment.last_error = None
    shipment.polls += 1
    if view.found:
        shipment.carrier_knows = True
        polled = [behaviour.interpret_event(e) for e in view.events]
        newest = max((e.time for e in polled), default=None)
        pushed = [e for e in shipment.events if e.source == "webhook" and (newest is None or e.time > newest)]
        shipment.events = merge_events(polled, pushed)
        shipment.eta = view.eta
    # A carrier that has nothing (yet, or any more) does not wipe what the tracker already knows.
    assess(shipment, now, behaviour, silence_after)
    if shipment.status in TERMINAL:
        shipment.eta = None


def apply_pushed(
    shipment: Shipment, event: TrackEvent, now: datetime, behaviour: Behaviour, silence_after: timedelta
) -> None:
    """Take in one scan that came by webhook."""
    shipment.events = merge_events(shipment.events, [behaviour.interpret_event(event)])
    assess(shipment, now, behaviour, silence_after)
