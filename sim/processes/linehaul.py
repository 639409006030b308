"""Line-haul: a parcel walks its route leg by leg — departures on the lane's schedule (closures,
breakdowns and missed connections delay them), the drive or flight, the arrival scan, and a sort at
each hub."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import simpy

from sim import incidents, timing
from sim.events import EventCode, ExceptionReason
from sim.localtime import iso
from sim.network import Facility, Lane
from sim.parcels import Parcel
from sim.processes import H, Proc
from sim.processes.hub import customs, hand_over, sort
from sim.world import World

IN_TRANSIT_AFTER_S = 10 * H  # long line-haul legs get a synthetic "in transit" update


def travel(
    env: simpy.Environment, world: World, p: Parcel, forward: bool
) -> Generator[simpy.Event, Any, str]:
    """Walk ``p.route`` leg by leg. Returns ``arrived`` (at the last node), or ``lost``."""
    net = world.net
    i = 0
    prev_country = p.fc.place.country if forward else None
    ready = world.now  # when the parcel can leave the facility it is at (after its sort)
    while i < len(p.route) - 1:
        here = net.facilities[p.route[i]]
        nxt_id = p.route[i + 1]
        if forward and net.facilities[nxt_id].kind == "sort_hub":
            down = world.closures.down_hubs(world.now)
            if nxt_id in down:
                # Re-route around a hub that is down; if no way round, the parcel waits it out.
                detour = net.route(p.carrier, p.express, here.id, p.route[-1], down)
                if detour:
                    p.route = p.route[:i] + list(detour)
                    nxt_id = p.route[i + 1]
        lane = world.plan.lane(p.carrier, p.express, here.id, nxt_id)
        # --- departure ---
        if here.kind == "fulfilment_centre" and i == 0 and forward:
            yield world.wait_until(world.pickup(p, here))  # sim.pickups: the shipper's truck
            world.ledger.at_facility(p, EventCode.PICKED_UP, here)
        else:
            yield from depart(env, world, p, here, lane, i, ready)
            world.ledger.at_facility(p, EventCode.DEPARTED_FACILITY, here)
        # --- line-haul ---
        travel_s = lane.duration_s
        extra = 0.0 if p.story.no_incidents else incidents.breakdown_delay(p.rng, world.rates.breakdown)
        lost_here = forward and p.fate.lost_leg == i
        if lost_here and not p.fate.lost_in_facility:
            yield env.timeout(travel_s * 0.5)
            p.truth.lost_at = {"lane": f"{here.id}>{nxt_id}", "at": iso(world.now, here.tz)}
            return "lost"
        if travel_s + extra > IN_TRANSIT_AFTER_S:
            yield env.timeout((travel_s + extra) / 2)
            world.ledger.at_facility(p, EventCode.IN_TRANSIT, here, next_facility=net.facilities[nxt_id].name)
            yield env.timeout((travel_s + extra) / 2)
        else:
            yield env.timeout(travel_s + extra)
        i += 1
        there = net.facilities[nxt_id]
        if extra:
            world.note_delay(p, ExceptionReason.BREAKDOWN, extra, there, i, world.now)
        # --- arrival ---
        if there.kind == "delivery_station" and forward:
            world.ledger.at_facility(p, EventCode.ARRIVED_AT_DELIVERY_STATION, there)
        elif there.kind == "fulfilment_centre" and not forward:
            return "arrived"
        else:
            world.ledger.at_facility(p, EventCode.ARRIVED_AT_FACILITY, there)
        if lost_here:
            p.truth.lost_at = {"facility_id": there.id, "at": iso(world.now, there.tz)}
            return "lost"
        ready = world.now
        if there.kind == "sort_hub":
            ready = yield from sort(env, world, p, there, i, forward)
            crossing = forward and prev_country is not None and there.place.country != prev_country
            handing_over = forward and p.partner is not None and i == p.handover
            if crossing or handing_over:
                yield world.wait_until(ready)
                if crossing:
                    yield from customs(env, world, p, there, i)
                if handing_over:
                    hand_over(world, p, there)
                ready = world.now
            prev_country = there.place.country
    return "arrived"


def depart(
    env: simpy.Environment, world: World, p: Parcel, here: Facility, lane: Lane, index: int, ready: float
) -> Proc:
    """Wait for the lane's next departure after ``ready``; closures and missed connections delay it."""
    if p.story.hold_at == here.id and p.story.hold_s:
        yield world.wait_until(ready)
        yield env.timeout(p.story.hold_s)
        world.note_delay(p, p.story.hold_cause, p.story.hold_s, here, index, world.now)
        p.story.hold_s = 0.0
    dep = timing.next_departure(max(ready, world.now), here.tz, lane.departures)
    # A closed facility (storm, outage) dispatches nothing: the first trailer after it reopens.
    closed = world.closures.closed_until(here.id, dep, p.rng)
    while closed:
        end, cause = closed
        reopened = timing.next_departure(end, here.tz, lane.departures, cutoff=0.0)
        world.note_delay(p, cause, reopened - dep, here, index, end)
        dep = reopened
        closed = world.closures.closed_until(here.id, dep, p.rng)
    for start, end in world.closures.lane_stops(lane.src, lane.dst):
        if start <= dep < end:
            late = timing.next_departure(end, here.tz, lane.departures, cutoff=0.0)
            world.note_delay(p, ExceptionReason.BREAKDOWN, late - dep, here, index, end)
            dep = late
    if (
        not p.story.no_incidents
        and here.kind == "sort_hub"
        and incidents.missed_connection(p.rng, world.rates.missed_connection)
    ):
        later = timing.next_departure(dep + 60, here.tz, lane.departures, cutoff=0.0)
        world.note_delay(p, ExceptionReason.MISSED_CONNECTION, later - dep, here, index, dep + 60)
        dep = later
    yield world.wait_until(dep)
