"""What happens to a parcel inside a hub: its sort (a queue for a sort lane, then the floor),
customs at a border, and the hand-over to a partner carrier."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import simpy

from sim import incidents, timing
from sim.events import POSTAL_PARTNERS, EventCode, ExceptionReason
from sim.network import Facility
from sim.parcels import Parcel, Stream
from sim.processes import Proc
from sim.tracking_numbers import detect_carrier
from sim.world import World


def sort(
    env: simpy.Environment, world: World, p: Parcel, hub: Facility, index: int, forward: bool
) -> Generator[simpy.Event, Any, float]:
    """Queue for a sort lane (capacity-limited: backlog grows under load), then sort. Returns the
    instant the parcel reaches the outbound door; the caller's departure wait covers the time until
    then, so a parcel without a scan to make here costs the scheduler no extra event."""
    arrived = world.now
    closed = world.closures.closed_until(hub.id, arrived, p.rng)
    if closed:
        end, cause = closed
        yield world.wait_until(end)
        world.note_delay(p, cause, end - arrived, hub, index, end)
    work = incidents.sort_seconds(p.rng)
    if p.pinned:
        # Pinned cases take no sort capacity, so pinning a story never moves anyone else's parcel.
        ready = world.now + work
    else:
        lane_done = world.capacity.book_sort(hub.id, world.now, 0.5 + p.rng.random())
        ready = lane_done + work  # conveyor to the outbound door, not capacity-limited
    if index < len(p.route) - 1:
        # Does the sort make the trailer the plan counted on? If not, say why it misses it.
        lane = world.plan.lane(p.carrier, p.express, hub.id, p.route[index + 1])
        planned = timing.next_departure(arrived + timing.NOMINAL_SORT_S, hub.tz, lane.departures)
        actual = timing.next_departure(ready, hub.tz, lane.departures)
        if actual > planned:
            queued = ready - arrived - work
            cause = ExceptionReason.HUB_BACKLOG if queued > 30 * 60 else ExceptionReason.MISSED_CONNECTION
            world.note_delay(p, cause, actual - planned, hub, index, ready)
    scan = forward and p.hubs_done == 0
    damaged = forward and p.fate.damaged_at_hub == p.hubs_done
    if scan or damaged:
        yield world.wait_until(ready)
        if scan:
            world.ledger.at_facility(p, EventCode.PROCESSED_AT_FACILITY, hub)
        if damaged:
            p.truth.damaged = True
            world.ledger.at_facility(p, EventCode.EXCEPTION, hub, ExceptionReason.DAMAGED)
    p.hubs_done += 1
    return ready


def customs(env: simpy.Environment, world: World, p: Parcel, hub: Facility, index: int) -> Proc:
    """Import clearance at the first hub across a border: usually an hour or three, sometimes a hold."""
    hold = p.story.customs_hold_s
    if hold is None:
        hold = 0.0 if p.story.no_incidents else incidents.customs_hold(p.rng, world.rates.customs_hold)
    if hold:
        world.ledger.at_facility(p, EventCode.CUSTOMS_HOLD, hub, ExceptionReason.CUSTOMS_HOLD)
        yield env.timeout(hold)
        world.note_delay(p, ExceptionReason.CUSTOMS_HOLD, hold, hub, index, world.now)
    else:
        yield env.timeout(incidents.customs_processing(p.rng))
    world.ledger.at_facility(p, EventCode.CUSTOMS_CLEARED, hub)


def hand_over(world: World, p: Parcel, hub: Facility) -> None:
    """Last mile by a partner carrier under its own tracking number (SurePost / SmartPost style)."""
    assert p.partner is not None
    factory = world.cases.factory(p.case) if p.case is not None else world.numbers
    if p.partner in POSTAL_PARTNERS:
        # A cross-border postal item carries a UPU S10 number issued in the country of posting.
        if detect_carrier(p.tracking_number) == "s10":
            # Already an S10 item (a post's own international service): the number travels on,
            # and the post of posting keeps showing the destination post's scans (UPU EDI).
            p.truth.partner = {"carrier": p.partner, "tracking_number": p.tracking_number}
            world.ledger.at_facility(p, EventCode.HANDED_TO_PARTNER, hub, partner=p.truth.partner)
            return
        tn = factory.mint("s10", p.service.value, p.fc.place.country, p.dest.country)
    else:
        tn = factory.mint(p.partner, p.service.value, hub.place.country, p.dest.country)
    partner = Stream(tn, p.partner, p.service.value)
    p.truth.partner = {"carrier": p.partner, "tracking_number": tn}
    world.ledger.at_facility(
        p, EventCode.HANDED_TO_PARTNER, hub, partner={"carrier": p.partner, "tracking_number": tn}
    )
    p.stream = partner
    p.streams.append(partner)
    world.ledger.track(tn, p)
    world.ledger.at_facility(
        p, EventCode.LABEL_CREATED, hub, partner={"carrier": p.carrier, "tracking_number": p.tracking_number}
    )
