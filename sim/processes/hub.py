"""What happens to a parcel inside a hub: its sort (the hub's next wave with room, then the floor to
the outbound door), customs at a border, and the hand-over to a partner carrier.

Each is worked out when the parcel is unloaded and returns the instant it is ready to leave; its
scans are written with their own instants (``Ledger.emit(at=...)``), never before the clock.
"""

from __future__ import annotations

from sim import incidents, timing, waves
from sim.events import POSTAL_PARTNERS, EventCode, ExceptionReason
from sim.network import Facility
from sim.parcels import Parcel, Stream
from sim.tracking_numbers import detect_carrier
from sim.world import World

BACKLOG_AFTER_S = 30 * 60.0  # a parcel that queued longer than this for the sort was held by a backlog


def sort(world: World, p: Parcel, hub: Facility, index: int, arrived: float) -> float:
    """The hub's sort: a closed hub sorts nothing until it reopens; then the first wave with room
    (capacity-limited: a backlog carries over to later waves), then the floor to the outbound door.
    Says why when the parcel misses the trailer its plan counted on (a closure that stopped the
    sort, the backlog, a missed connection). Returns when it is ready."""
    start = arrived
    closed = (
        world.closures.closed_until(hub.id, arrived, p.rng) if hub.id in world.closures.facilities else None
    )
    if closed:
        end, cause = closed
        # the carrier knows as the parcel reaches the closed hub, not when it reopens
        world.note_delay(p, cause, end - arrived, hub, index, end, at=world.announce_at(p, arrived))
        start = end
    floor = incidents.air_sort_seconds(p.rng) if p.express else incidents.sort_seconds(p.rng)
    sorter = world.capacity.sorters[hub.id]
    if p.express:
        # express is sorted apart (the air sort), as it arrives, never queued behind the ground
        # waves' backlog nor waiting for the next ground wave to start
        sorted_at = start
    elif p.pinned:
        # Pinned cases take no sort capacity, so pinning a story never moves anyone else's parcel.
        sorted_at = max(start, sorter.window(start)[0])
    else:
        sorted_at = world.capacity.book_sort(hub.id, start, 0.5 + p.rng.random())
    ready = sorted_at + floor
    if index < len(p.route) - 1:
        lane = world.plan.lane(p.carrier, p.express, hub.id, p.route[index + 1])
        planned_ready = waves.planned_sort(arrived, hub.tz, hub.waves)
        # ready no later than planned makes the planned trailer (departures only move forward)
        planned = (
            timing.next_departure(planned_ready, hub.tz, lane.departures, lane.cutoff_s, lane.runs)
            if ready > planned_ready
            else 0.0
        )
        actual = timing.next_departure(ready, hub.tz, lane.departures, lane.cutoff_s, lane.runs)
        if planned and actual > planned:
            cause = world.closures.cause_within(hub.id, arrived, sorted_at) or (
                ExceptionReason.HUB_BACKLOG
                if sorted_at - start > BACKLOG_AFTER_S
                else ExceptionReason.MISSED_CONNECTION
            )
            world.note_delay(p, cause, actual - planned, hub, index, ready, at=ready)
        if not p.story.no_incidents and incidents.missed_connection(p.rng, world.rates.missed_connection):
            # mis-sorted: it reaches the door just after its trailer's cut-off and takes the next one
            ready = max(ready, actual - lane.cutoff_s + incidents.missort_late_seconds(p.rng))
            following = timing.next_departure(ready, hub.tz, lane.departures, lane.cutoff_s, lane.runs)
            world.note_delay(
                p, ExceptionReason.MISSED_CONNECTION, following - actual, hub, index, ready, at=ready
            )
    if p.forward and p.hubs_done == 0:
        world.ledger.at_facility(p, EventCode.PROCESSED_AT_FACILITY, hub, at=ready)
    if p.forward and p.fate.damaged_at_hub == p.hubs_done:
        ready = damaged(world, p, hub, index, ready)
    p.hubs_done += 1
    return ready


def damaged(world: World, p: Parcel, hub: Facility, index: int, ready: float) -> float:
    """Damaged in ``hub``: often only seen at the door (no scan here), else an exception scan and a
    repack that costs hours, or the contents go back to the shipper (``p.fate.damage_returned``:
    the line-haul ends here). A pinned case is always repacked, by the shortest repack."""
    p.truth.damaged = True
    if p.story.no_incidents:
        how, repack = "repacked", incidents.REPACK_S[0]
    else:
        how, repack = incidents.damage_handling(p.rng)
    if how == "unscanned":
        return ready
    world.ledger.at_facility(p, EventCode.EXCEPTION, hub, ExceptionReason.DAMAGED, at=ready)
    if how == "returned":
        p.fate.damage_returned = True
        return ready
    # repacked, it is scanned again and its new date shown (never in the second of the damage scan);
    # a hub that closes meanwhile repacks nothing until it reopens
    done = world.closures.work_done(hub.id, ready, repack)
    world.note_delay(p, ExceptionReason.DAMAGED, done - ready, hub, index, done, at=done)
    return done


def customs(world: World, p: Parcel, hub: Facility, index: int, ready: float) -> float:
    """Import clearance at the first hub across a border: usually an hour or three, sometimes a
    hold. Returns when the parcel is released."""
    hold = p.story.customs_hold_s
    if hold is None:
        hold = 0.0 if p.story.no_incidents else incidents.customs_hold(p.rng, world.rates.customs_hold)
    if hold:
        world.ledger.at_facility(p, EventCode.CUSTOMS_HOLD, hub, ExceptionReason.CUSTOMS_HOLD, at=ready)
        released = ready + hold
        world.note_delay(p, ExceptionReason.CUSTOMS_HOLD, hold, hub, index, released, at=released)
    else:
        released = ready + incidents.customs_processing(p.rng)
    world.ledger.at_facility(p, EventCode.CUSTOMS_CLEARED, hub, at=released)
    return released


def hand_over(world: World, p: Parcel, at_facility: Facility, at: float) -> None:
    """Last mile by a partner carrier under its own tracking number (SurePost / SmartPost style),
    taken over at the partner's facility ``at_facility`` at ``at``."""
    assert p.partner is not None
    factory = world.cases.factory(p.case) if p.case is not None else world.numbers
    ledger = world.ledger
    if p.partner in POSTAL_PARTNERS:
        # A cross-border postal item carries a UPU S10 number issued in the country of posting.
        if detect_carrier(p.tracking_number) == "s10":
            # Already an S10 item (a post's own international service): the number travels on,
            # and the post of posting keeps showing the destination post's scans (UPU EDI).
            p.truth.partner = {"carrier": p.partner, "tracking_number": p.tracking_number}
            ledger.at_facility(p, EventCode.HANDED_TO_PARTNER, at_facility, at=at, partner=p.truth.partner)
            return
        tn = factory.mint("s10", p.service.value, p.fc.place.country, p.dest.country)
    else:
        tn = factory.mint(p.partner, p.service.value, at_facility.place.country, p.dest.country)
    partner = Stream(tn, p.partner, p.service.value)
    p.truth.partner = {"carrier": p.partner, "tracking_number": tn}
    ledger.at_facility(
        p,
        EventCode.HANDED_TO_PARTNER,
        at_facility,
        at=at,
        partner={"carrier": p.partner, "tracking_number": tn},
    )
    p.stream = partner
    p.streams.append(partner)
    ledger.track(tn, p)
    ledger.at_facility(
        p,
        EventCode.LABEL_CREATED,
        at_facility,
        at=at,
        partner={"carrier": p.carrier, "tracking_number": p.tracking_number},
    )
