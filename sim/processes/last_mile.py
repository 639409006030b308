"""The last mile: courier routes from the delivery station in local working hours, attempts and
their outcomes, doorstep delivery and pickup points."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import simpy

from sim import incidents, timing
from sim.events import Delay, EstimatedDelivery, EventCode, ExceptionReason, Fate, Service
from sim.localtime import iso, local_clock, local_date
from sim.parcels import Parcel, neighbour_door
from sim.processes import DAY, H, Proc
from sim.processes.returns import return_to_sender
from sim.world import World

PICKUP_POINT_HOLD_DAYS = {"ups": 7, "fedex": 7, "usps": 15, "dhl": 7, "amazon": 3}
PREDICT_CARRIERS = frozenset({"dpd"})  # announce a 1-hour window as the van leaves (DPD Predict)


def last_mile(env: simpy.Environment, world: World, p: Parcel) -> Proc:
    """Courier routes from the delivery station in local working hours; attempts and their outcomes."""
    net = world.net
    ds = net.facilities[p.route[-1]]
    carrier = net.facilities[p.route[-1]].carrier or p.stream.carrier  # who runs the last mile
    open_days = world.plan.delivery_days[carrier]
    attempt = 0
    address_checked = False
    to_pickup_point = p.fate.pickup_point and not p.story.attempt_failures
    while True:
        if p.service is Service.SAME_DAY and attempt == 0 and len(p.route) == 2:
            day = local_date(world.now, ds.tz)
            start_s, first_s, last_s = 14 * H, 15 * H, 21 * H
        else:
            day = timing.delivery_day(world.now, ds.tz, open_days)
            start_s, first_s, last_s = (
                timing.COURIER_START_S,
                timing.ROUTE_FIRST_STOP_S,
                timing.ROUTE_LAST_STOP_S,
            )
        ready = world.now
        if not p.pinned:
            first_choice = day
            day = world.capacity.book_delivery_day(ds.id, day, open_days)
            if day != first_choice:
                late = local_clock(ds.tz, day, start_s) - local_clock(ds.tz, first_choice, start_s)
                world.note_delay(p, ExceptionReason.HUB_BACKLOG, late, ds, len(p.route) - 1, ready)
                if day > p.eta_day:
                    world.set_eta(p, day)
                    world.ledger.at_facility(p, EventCode.DELAYED, ds, ExceptionReason.HUB_BACKLOG)
        van_leaves = local_clock(ds.tz, day, start_s + p.rng.uniform(0, 45 * 60))
        closed = world.closures.closed_until(ds.id, van_leaves, p.rng)
        if closed:
            end, cause = closed
            new_day = timing.delivery_day(end, ds.tz, open_days)
            van_leaves = local_clock(ds.tz, new_day, start_s + p.rng.uniform(0, 45 * 60))
            world.note_delay(p, cause, van_leaves - ready, ds, len(p.route) - 1, ready)
            if new_day > p.eta_day:
                world.set_eta(p, new_day)
                world.ledger.at_facility(p, EventCode.DELAYED, ds, cause)
            day = new_day
        yield world.wait_until(van_leaves)
        if p.fate.address_error and not address_checked:
            address_checked = True
            world.ledger.at_facility(p, EventCode.EXCEPTION, ds, ExceptionReason.ADDRESS_ISSUE)
            if p.fate.address_corrected:
                retry = timing.next_open_day(day + timedelta(days=1), open_days)
                p.truth.delays.append(
                    Delay(
                        ExceptionReason.ADDRESS_ISSUE,
                        round((retry - day).days * 1440),
                        iso(world.now, ds.tz),
                        ds.id,
                    )
                )
                world.set_eta(p, retry)
                world.ledger.at_facility(p, EventCode.DELIVERY_RESCHEDULED, ds, ExceptionReason.ADDRESS_ISSUE)
                yield env.timeout(H)
                continue
            yield from return_to_sender(env, world, p, ds, ExceptionReason.ADDRESS_ISSUE)
            return
        stop = local_clock(ds.tz, day, incidents.stop_time(p.rng, first_s, last_s))
        window_start = max(van_leaves + H, stop - 2 * H)
        window_end = window_start + 4 * H
        if (ds.carrier or p.carrier) in PREDICT_CARRIERS:
            window_start, window_end = timing.predict_window(stop, van_leaves)
        p.eta = EstimatedDelivery(day.isoformat(), iso(window_start, ds.tz), iso(window_end, ds.tz))
        world.ledger.at_facility(p, EventCode.OUT_FOR_DELIVERY, ds)
        yield world.wait_until(stop)
        attempt += 1
        p.truth.attempts = attempt
        if to_pickup_point:
            yield from pickup_point(env, world, p, chosen=True)
            return
        if attempt <= p.story.attempt_failures:
            reason: ExceptionReason | None = ExceptionReason.RECIPIENT_UNAVAILABLE
        elif p.story.no_incidents:
            reason = None
        else:
            reason = incidents.attempt_failure(p.rng, world.rates.failed_attempt, attempt)
        if reason is None:
            deliver(world, p)
            return
        world.ledger.emit(
            p, EventCode.DELIVERY_ATTEMPTED, p.dest_location, ds.tz, reason, {"attempt": attempt}
        )
        if attempt >= world.rates.max_attempts:
            yield env.timeout(2 * H)
            yield from return_to_sender(env, world, p, ds, reason)
            return
        choice = p.story.after_failure or incidents.after_failed_attempt(p.rng, world.rates)
        if choice == "pickup_point":
            yield from pickup_point(env, world, p, chosen=False)
            return
        if choice == "return":
            yield env.timeout(2 * H)
            yield from return_to_sender(env, world, p, ds, reason)
            return
        next_day = timing.next_open_day(day + timedelta(days=1), open_days)
        world.set_eta(p, next_day)
        world.ledger.at_facility(p, EventCode.DELIVERY_RESCHEDULED, ds, reason)
        yield env.timeout(2 * H)


def deliver(world: World, p: Parcel) -> None:
    """A successful doorstep attempt: the DELIVERED scan, and the truth of whose door it was."""
    ds = world.net.facilities[p.route[-1]]
    p.eta = None
    place = incidents.delivery_place(p.rng)
    details: dict[str, Any] = {"delivery_location": place}
    if place in ("left_with_individual", "front_desk"):
        details["signed_by"] = p.dest_location.name.split()[-1].upper()
    world.ledger.conclude(p, EventCode.DELIVERED, p.dest_location, ds.tz, details)
    t = p.truth
    t.delivered_at = iso(world.now, ds.tz)
    if p.fate.misdelivered:
        # A normal DELIVERED scan; truth records the neighbour's door it really went to.
        t.delivered_to = neighbour_door(t.destination)
        t.fate = Fate.MISDELIVERED
    else:
        t.delivered_to = dict(t.destination)
        t.fate = Fate.DAMAGED if t.damaged else Fate.DELIVERED
    world.ledger.finish(p)


def pickup_point(env: simpy.Environment, world: World, p: Parcel, chosen: bool) -> Proc:
    """The parcel waits in a locker / pickup point; collected, or returned when unclaimed."""
    net = world.net
    carrier = net.facilities[p.route[-1]].carrier or p.stream.carrier  # who runs the last mile
    pp = net.facilities[net.pickup_points[(carrier, p.dest.key)]]
    if not chosen:
        yield env.timeout(H * (2 + 3 * p.rng.random()))
    p.eta = None
    world.ledger.at_facility(p, EventCode.AVAILABLE_FOR_PICKUP, pp)
    if chosen:  # delivered to the locker the recipient picked: the hand-over counts as delivery
        p.truth.delivered_at = iso(world.now, pp.tz)
        p.truth.delivered_to = {**pp.location.to_dict()}
    if p.fate.unclaimed:
        yield env.timeout(PICKUP_POINT_HOLD_DAYS.get(carrier, 7) * DAY)
        p.truth.delivered_at = None
        p.truth.delivered_to = None
        yield from return_to_sender(env, world, p, pp, ExceptionReason.UNCLAIMED)
        return
    yield env.timeout(incidents.pickup_point_collection(p.rng))
    world.ledger.conclude(
        p, EventCode.PICKED_UP_BY_RECIPIENT, pp.location, pp.tz, {"delivery_location": "pickup_point"}
    )
    if not chosen:
        p.truth.delivered_at = iso(world.now, pp.tz)
    p.truth.delivered_to = {**pp.location.to_dict()}
    p.truth.fate = Fate.DAMAGED if p.truth.damaged else Fate.DELIVERED
    world.ledger.finish(p)
