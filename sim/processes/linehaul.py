"""Line-haul: trailers and aircraft on each lane's schedule carry parcels between facilities.

A parcel ready to leave a facility joins its next lane's queue; a vehicle leaves at the lane's
next departure it makes (cut-off included) with the parcels ready by then, first ready first, up
to its room — the rest wait for the next departure, as do all of them when the origin is closed or
the lane stopped. Its departure, its scans on the road and its arrival are shared by its load; the
arrival scans are spread over the unload. A vehicle costs the scheduler two events (departure,
arrival) whatever its load; the parcel's story waits on ``set_off``'s event until its last vehicle
is unloaded.

At each facility the parcel's arrival is worked out at once — the hub's sort wave (``hub``),
customs, a hand-over, a re-route around a hub that will be down — and its scans are written ahead
with their own instants (never earlier than now: the log stays complete up to the engine's clock).
"""

from __future__ import annotations

import heapq
from bisect import bisect_left
from collections.abc import Generator
from typing import Any
from zoneinfo import ZoneInfo

import simpy

from sim import incidents, loading, timing
from sim.events import EventCode, ExceptionReason, Location, Service
from sim.lanes import Lane, LaneQueue, road_location
from sim.localtime import iso
from sim.network import Facility
from sim.parcels import Parcel
from sim.pickups import LABEL_CUTOFF_S, Truck
from sim.processes import H
from sim.processes.hub import customs, hand_over, sort
from sim.streams import ParcelRng, Rng, stream_seed
from sim.world import World

PICKED_UP, DEPARTED = EventCode.PICKED_UP, EventCode.DEPARTED_FACILITY
UNLOAD = loading.UNLOAD_MEAN_S
IN_TRANSIT_AFTER_S = 10 * H  # legs this long show where the truck is, at its stop nearest half way


class Fleet:
    """Every lane's queue and vehicles in one world."""

    def __init__(self, env: simpy.Environment, world: World) -> None:
        self.env = env
        self.world = world
        self.queues: dict[tuple[str, str, str], LaneQueue] = {}
        self._order = 0  # arrival order in queues: ties in readiness load first come first served
        self._road: dict[tuple[str, str, str], tuple[Location, ZoneInfo]] = {}

    # --- queues and departures ---------------------------------------------------------------
    def queue(self, p: Parcel, lane: Lane) -> LaneQueue:
        # a warehouse's parcels leave on its carrier's pickup trucks; same-day ones on the shuttle
        shuttle = p.forward and p.service is Service.SAME_DAY and lane.dst == p.route[-1]
        key = (lane.src, lane.dst, lane.mode, shuttle)
        q = self.queues.get(key)
        if q is None:
            net = self.world.net
            origin = net.facilities[lane.src]
            fc = origin.kind == "fulfilment_centre"
            pickup = self.world.plan.pickup_at(p.carrier, origin) if fc else None
            q = self.queues[key] = LaneQueue(
                lane,
                origin,
                net.facilities[lane.dst],
                pickup,
                # a shipper's dock is cleared: the carrier sends trailers for all of it
                self.world.capacity.vehicle_load(lane.src, lane.dst, lane.vehicle_departures, lane.mode)
                if pickup is None
                else 1 << 30,
                p.carrier,
                shuttle and pickup is not None,
            )
        return q

    def truck(self, q: LaneQueue, ready: float) -> Truck:
        """The first pickup truck at ``q``'s warehouse a parcel labelled at ``ready`` makes."""
        assert q.pickup_days is not None
        return self.world.pickups.next_truck(
            q.carrier, q.origin.id, q.origin.tz, ready, q.pickup_days, q.shuttle
        )

    def slot(self, q: LaneQueue, ready: float) -> float:
        """The first departure a parcel ready at ``ready`` makes (pickups: the truck's arrival at
        the dock, an hour's cut-off after the label)."""
        if q.pickup_days is not None:
            return self.truck(q, ready).arrives
        return timing.next_departure(ready, q.origin.tz, q.lane.departures, q.lane.cutoff_s, q.lane.runs)

    def latest_ready(self, q: LaneQueue, dep: float) -> float:
        return dep - (LABEL_CUTOFF_S if q.pickup_days is not None else q.lane.cutoff_s)

    def after(self, q: LaneQueue, t: float) -> float:
        """The first departure at or after ``t`` (no cut-off: for parcels already waiting)."""
        if q.pickup_days is not None:
            return self.truck(q, t - LABEL_CUTOFF_S).arrives
        return timing.next_departure(t, q.origin.tz, q.lane.departures, 0.0, q.lane.runs)

    def board(self, p: Parcel, q: LaneQueue, ready: float, dep: float) -> None:
        """``p`` is ready to leave on ``q``'s lane at ``ready``, in time for the departure ``dep``."""
        if p.pinned:
            # A pinned case rides a vehicle of its own on the same schedule: it takes no one's room
            # and draws nothing from a shared stream, so pinning a story moves no other parcel.
            self.call(q, dep, [p])
            return
        self._order += 1
        heapq.heappush(q.queue, (ready, self._order, p))
        if dep not in q.called:
            q.called.add(dep)
            self.call(q, dep, None)

    def call(
        self, q: LaneQueue, dep: float, private: list[Parcel] | None, why: ExceptionReason | None = None
    ) -> None:
        """Call a departure: the lane's shared vehicle (``private`` None) or a pinned case's own,
        which remembers ``why`` it did not leave at its first slot."""
        ev = self.env.timeout(max(0.0, dep - self.world.now))
        ev.callbacks.append(lambda _: self.depart(q, dep, private, why))

    def blocked(self, q: LaneQueue, dep: float, rng: Rng) -> tuple[float, ExceptionReason] | None:
        """Whether the departure at ``dep`` runs: not while its origin is closed (a storm may spare
        some trailers), nor while the lane is stopped by a breakdown."""
        closed = self.world.closures.closed_until(q.origin.id, dep, rng)
        if closed:
            return closed
        for start, end in self.world.closures.lane_stops(q.lane.src, q.lane.dst):
            if start <= dep < end:
                return end, ExceptionReason.BREAKDOWN
        return None

    def depart(
        self, q: LaneQueue, dep: float, private: list[Parcel] | None, why: ExceptionReason | None = None
    ) -> None:
        world = self.world
        rng: Rng = (
            private[0].rng
            if private
            else ParcelRng(
                stream_seed(world.seed, f"vehicle:{q.lane.src}>{q.lane.dst}:{q.lane.mode}:{int(dep)}")
            )
        )
        if private is None:
            q.called.discard(dep)
        blocked = self.blocked(q, dep, rng)
        if blocked:
            until, cause = blocked
            later = self.after(q, max(until, dep + 60.0))
            if private is not None:
                self.call(q, later, private, why or cause)
                return
            q.missed[dep] = cause
            world.announce_cancelled(q.queue, self.latest_ready(q, dep), dep, later, cause, q.origin)
            if later not in q.called:
                q.called.add(later)
                self.call(q, later, None)
            return
        if q.dest.kind == "sort_hub" and q.dest.id in world.closures.down_hubs(dep):
            self.divert(q, dep, private, why)
            return
        if private is not None:
            load = private
        else:
            load, left = loading.take(q.queue, self.latest_ready(q, dep), q.room)
            if left:
                q.missed[dep] = ExceptionReason.HUB_BACKLOG
            if q.queue:
                nxt = self.after(q, dep + 60.0) if left else self.slot(q, q.queue[0][0])
                nxt = max(nxt, self.after(q, dep + 60.0))
                if nxt not in q.called:
                    q.called.add(nxt)
                    self.call(q, nxt, None)
            if not load:
                return
            if len(q.missed) > 64:
                q.missed = {d: c for d, c in q.missed.items() if d >= dep - 7 * 86400}
        self.drive(q, load, dep, rng, why if private is not None else None)

    def divert(
        self, q: LaneQueue, dep: float, private: list[Parcel] | None, why: ExceptionReason | None
    ) -> None:
        """The lane's hub is down as its vehicle is due: parcels on their way out go round it from
        here, on other lanes; the rest (returns, or no way round) wait for it to reopen."""
        world = self.world
        down = world.closures.down_hubs(dep)
        entries = [(dep, 0, p) for p in private] if private is not None else q.queue
        stay: list[tuple[float, int, Parcel]] = []
        for ready, order, p in entries:
            detour = (
                world.net.route(p.carrier, p.express, q.origin.id, p.route[-1], down) if p.forward else None
            )
            if not detour:
                stay.append((ready, order, p))
                continue
            p.route = p.route[: p.at] + list(detour)
            other = self.queue(p, world.plan.lane(p.carrier, p.express, q.origin.id, p.route[p.at + 1]))
            ready = max(ready, world.now)
            p.planned_dep = slot = self.slot(other, ready)
            self.board(p, other, ready, slot)
        reopens = world.closures.closed_until(q.dest.id, dep, ParcelRng(0))  # an outage: no draw
        later = self.after(q, max(reopens[0] if reopens else dep, dep + 60.0))
        if private is not None:
            if stay:
                self.call(q, later, [p for *_, p in stay], why or ExceptionReason.HUB_OUTAGE)
            return
        q.queue = stay
        heapq.heapify(q.queue)
        if stay:
            q.missed[dep] = ExceptionReason.HUB_OUTAGE
            if later not in q.called:
                q.called.add(later)
                self.call(q, later, None)

    def missed_departures(
        self, q: LaneQueue, p: Parcel, dep: float, at: float, why: ExceptionReason | None
    ) -> None:
        """A parcel leaving (at ``at``) on a later departure than the first it was ready for: say
        why (a closure, a stopped lane, a full vehicle)."""
        planned = p.planned_dep
        if planned is None or dep <= planned:
            return
        cause = why or q.missed.get(planned, ExceptionReason.HUB_BACKLOG)
        self.world.note_delay(p, cause, dep - planned, q.origin, p.at, dep, at=at)

    # --- the trip ------------------------------------------------------------------------------
    def drive(
        self, q: LaneQueue, load: list[Parcel], dep: float, rng: Rng, why: ExceptionReason | None
    ) -> None:
        """The vehicle of the departure ``dep``: scans its load on (a pickup) or out, drives, and
        is unloaded at the far end. ``why``: a pinned case's own vehicle's reason for leaving late."""
        world = self.world
        ledger = world.ledger
        emit, loc, tz = ledger.emit, q.origin.location, q.origin.tz  # the hot loops below
        lane, here, there = q.lane, q.origin, q.dest
        private = load[0].pinned
        if q.pickup_days is not None:
            # the shipper's truck (arriving at ``dep``): each parcel scanned at its place in the load
            truck = self.truck(q, dep - LABEL_CUTOFF_S)
            pickups = self.world.pickups  # a pinned case moves no one: its seconds are its own
            taken = set() if private else pickups.scanned(q.carrier, q.origin.id, q.shuttle, truck, world.now)
            times = loading.pickup_scan_times(truck.arrives, truck.departs, [p.rng for p in load], taken)
            for p, t in zip(load, times, strict=True):
                if p.planned_dep is not None and dep > p.planned_dep:
                    self.missed_departures(q, p, dep, t, why)
                emit(p, PICKED_UP, loc, tz, None, None, None, t)
            leave = max(truck.departs, times[-1] + loading.MIN_GAP_S)
        else:
            leave = dep + rng.uniform(*loading.DEPARTURE_LAG_S)
            for p in load:
                if p.planned_dep is not None and dep > p.planned_dep:
                    self.missed_departures(q, p, dep, leave, why)
                emit(p, DEPARTED, loc, tz, None, None, None, leave)
        no_incidents = private and all(p.story.no_incidents for p in load)
        extra = 0.0 if no_incidents else incidents.breakdown_delay(rng, world.rates.breakdown)
        broke_at = rng.random() * lane.duration_s
        aboard: list[Parcel] = []
        for p in load:
            if p.forward and p.fate.lost_leg == p.at and not p.fate.lost_in_facility:
                vanished = leave + lane.duration_s * 0.5
                p.truth.lost_at = {"lane": f"{here.id}>{there.id}", "at": iso(vanished, here.tz)}
                self.finish(p, "lost", vanished)
            else:
                aboard.append(p)
        if lane.mode == "truck" and lane.timeline is not None and lane.duration_s > IN_TRANSIT_AFTER_S:
            stop = lane.timeline.halfway_stop()
            when = leave + stop + (extra if stop >= broke_at else 0.0)
            loc, road_tz = self.on_the_road(lane, stop)
            details = {"next_facility": there.name}
            for p in aboard:
                ledger.emit(p, EventCode.IN_TRANSIT, loc, road_tz, None, details, at=when)
        arrive = leave + lane.duration_s + extra
        if not aboard:
            return
        ev = self.env.timeout(arrive - world.now)
        ev.callbacks.append(lambda _: self.unload(q, aboard, extra, rng))

    def on_the_road(self, lane: Lane, stop: float) -> tuple[Location, ZoneInfo]:
        """Where a vehicle on ``lane`` is at its halfway stop (``stop`` seconds in): one a lane."""
        key = (lane.src, lane.dst, lane.mode)
        loc = self._road.get(key)
        if loc is None:
            facilities = self.world.net.facilities
            loc = self._road[key] = road_location(lane, facilities[lane.src], facilities[lane.dst], stop)
        return loc

    def unload(self, q: LaneQueue, load: list[Parcel], extra: float, rng: Rng) -> None:
        world = self.world
        there = q.dest
        start = world.now
        # A closed facility receives nothing: the vehicle waits at the gate until it reopens.
        closed = world.closures.closed_until(there.id, start, rng)
        waited: tuple[float, ExceptionReason] | None = None
        if closed:
            waited = (closed[0] - start, closed[1])
            start = closed[0]
        start += rng.uniform(*loading.DOCK_S)
        times = loading.scan_times(start, [p.rng for p in load], UNLOAD)
        k, cut = len(load), world.closures.closing_within(there.id, world.now, times[-1])
        if cut:  # the facility shuts mid-unload: the rest stay on the trailer until it reopens
            k = bisect_left(times, cut[0])
            rest = loading.scan_times(
                cut[1] + rng.uniform(*loading.DOCK_S), [p.rng for p in load[k:]], UNLOAD
            )
            times[k:] = rest
        for j, (p, t) in enumerate(zip(load, times, strict=True)):
            index = p.at + 1
            if extra:
                world.note_delay(p, ExceptionReason.BREAKDOWN, extra, there, index, t, at=t)
            if waited:  # known, and shown, as the vehicle reaches the closed gate
                world.note_delay(p, waited[1], waited[0], there, index, t, at=world.now)
            if j >= k and cut:
                world.note_delay(p, cut[2], cut[1] - cut[0], there, index, t, at=cut[0])
            self.arrive(p, there, t)

    # --- at the next facility -----------------------------------------------------------------
    def arrive(self, p: Parcel, f: Facility, t: float) -> None:
        world = self.world
        ledger = world.ledger
        p.at = i = p.at + 1
        last = i == len(p.route) - 1
        if p.forward and p.partner is not None and i == p.handover:
            hand_over(world, p, f, t)
        if last and not p.forward and f.kind == "fulfilment_centre":
            self.finish(p, "arrived", t)  # the return's own ending scans its delivery to the dock
            return
        code = EventCode.ARRIVED_AT_DELIVERY_STATION if last and p.forward else EventCode.ARRIVED_AT_FACILITY
        ledger.emit(p, code, f.location, f.tz, None, None, None, t)
        if p.forward and p.fate.lost_leg == i - 1:
            p.truth.lost_at = {"facility_id": f.id, "at": iso(t, f.tz)}
            self.finish(p, "lost", t)
            return
        if last:
            self.finish(p, "arrived", t)
            return
        ready = t
        if f.kind == "sort_hub":
            ready = sort(world, p, f, i, t)
            if p.forward and p.fate.damage_returned:
                self.finish(p, "damaged", ready)  # its journey sends it back from here
                return
            crossing = p.forward and p.prev_country is not None and f.place.country != p.prev_country
            if crossing:
                ready = customs(world, p, f, i, ready)
        elif f.kind == "delivery_station":
            ready = t + p.rng.uniform(*loading.STATION_HANDLING_S)
        p.prev_country = f.place.country
        if p.forward and p.story.hold_at == f.id and p.story.hold_s:
            hold, p.story.hold_s = p.story.hold_s, 0.0
            ready += hold
            world.note_delay(p, p.story.hold_cause, hold, f, i, ready, at=ready)
        self.leave(p, f, i, ready)

    def leave(self, p: Parcel, f: Facility, i: int, ready: float) -> None:
        """Send ``p`` on from ``f`` (route index ``i``) when it is ready, around a hub that is down."""
        world = self.world
        net = world.net
        nxt = p.route[i + 1]
        if p.forward and net.facilities[nxt].kind == "sort_hub":
            # An outage is news when it happens: parcels already on their way to the hub wait at its
            # gate; those leaving once it is down go round it.
            down = world.closures.down_hubs(ready)
            if nxt in down:
                detour = net.route(p.carrier, p.express, f.id, p.route[-1], down)
                if detour:
                    p.route = p.route[:i] + list(detour)
                    nxt = p.route[i + 1]
        q = self.queue(p, world.plan.lane(p.carrier, p.express, f.id, nxt))
        p.planned_dep = dep = self.slot(q, ready)
        self.board(p, q, ready, dep)

    def finish(self, p: Parcel, outcome: str, at: float) -> None:
        """The parcel's line-haul is over (``arrived`` or ``lost``) at ``at``: wake its journey then."""
        waiter, p.waiter = p.waiter, None
        assert waiter is not None
        waiter._ok = True  # what Event.succeed does, but scheduled at ``at`` rather than now
        waiter._value = outcome
        self.env.schedule(waiter, delay=max(0.0, at - self.world.now))


def fleet(world: World) -> Fleet:
    if world.fleet is None:
        world.fleet = Fleet(world.env, world)
    return world.fleet


def set_off(world: World, p: Parcel, forward: bool) -> simpy.Event:
    """Carry ``p`` along its route from now; the event fires ``arrived`` (its last scan) or ``lost``."""
    p.at, p.forward = 0, forward
    p.prev_country = p.fc.place.country if forward else None
    p.waiter = waiter = world.env.event()
    fleet(world).leave(p, world.net.facilities[p.route[0]], 0, world.now)
    return waiter


def travel(
    env: simpy.Environment, world: World, p: Parcel, forward: bool
) -> Generator[simpy.Event, Any, str]:
    """``set_off``, and wait for the end of the line-haul: ``arrived`` or ``lost``."""
    return str((yield set_off(world, p, forward)))
