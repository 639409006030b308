"""The last mile: a parcel handed to its delivery station joins the first day's courier routes it
makes; one process per station-day plans them (``sim.stations``) and one process per route drives
them — loading (out-for-delivery scans), stop by stop, back to the station with what it could not
deliver. Attempts and their outcomes, doorstep delivery, and pickup points in their opening hours.

A parcel has no process of its own here: the route carries it, and only the rarer stories that
outlive the route (a pickup point's hold, a return to the shipper) get one.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import simpy

from sim import courier_routes, incidents, opening_hours, same_day, timing
from sim.events import Delay, EstimatedDelivery, EventCode, ExceptionReason, Fate, Service
from sim.localtime import iso, local_clock, local_date
from sim.network import Facility
from sim.parcels import Parcel, neighbour_door
from sim.processes import H, Proc
from sim.processes.returns import return_to_sender, shop_collection
from sim.profiles import carry_over, profile
from sim.profiles.types import FailedDeliveryPolicy
from sim.stations import REGULAR, SAME_DAY, RoutePlan
from sim.world import World

PREDICT_CARRIERS = frozenset({"dpd"})  # announce a 1-hour window as the van leaves (DPD Predict)
SCAN_GAP_S = (15.0, 40.0)  # between the scans of parcels handed over at one stop
SHOP_DROP_S = (20 * 60.0, 2 * H)  # a failed parcel reaches the pickup point within this much open time
ANNOUNCED_WINDOW_S = 4 * H  # the window a carrier shows while the parcel is out for delivery


def last_mile(env: simpy.Environment, world: World, p: Parcel) -> None:
    """Hand ``p`` to its delivery station: it goes out on the first day's routes it makes."""
    ds = world.net.facilities[p.route[-1]]
    now = world.now
    kind, day = REGULAR, None
    if p.service is Service.SAME_DAY and len(p.route) == 2 and p.truth.attempts == 0:
        cutoff = same_day.station_cutoff_s(ds.carrier or p.carrier)
        today = local_date(now, ds.tz)
        if cutoff is not None and now < local_clock(ds.tz, today, cutoff) and today == p.eta_day:
            kind, day = SAME_DAY, today
    cause = ExceptionReason.MISSED_CONNECTION
    if day is None:
        day = timing.delivery_day(now, ds.tz, _open_days(world, ds, p), world.stations.cutoff_s(ds.id))
        day, cause = _carry_over(world, ds, p, day, cause)
    if day > p.eta_day:
        # later than the promise (a late truck, a same-day shuttle that missed the evening routes,
        # a delivery base that left it for the next day's tours)
        _postpone(world, p, ds, day, cause, now)
    book(env, world, p, ds, day, kind)


def _carry_over(
    world: World, ds: Facility, p: Parcel, day: date, cause: ExceptionReason
) -> tuple[date, ExceptionReason]:
    """The day ``p`` goes out on when its delivery base's tours may leave it for the next working
    day, each day anew (``sim.profiles.carry_over``: none for the express of a carrier that gives
    it couriers of its own)."""
    share = carry_over(ds.carrier or p.carrier, ds.place.country, p.express)
    if not share or p.story.no_incidents:
        return day, cause
    days = incidents.carry_over_days(p.rng, share)
    open_days = _open_days(world, ds, p)
    for _ in range(days):
        day = timing.next_open_day(day + timedelta(days=1), open_days)
    return day, (ExceptionReason.HUB_BACKLOG if days else cause)


def _open_days(world: World, ds: Facility, p: Parcel) -> timing.Days:
    """The days ``ds`` delivers ``p``: its carrier's days for the service there, holidays closed,
    plus the days it works for the parcel's shipper only (USPS Sundays for Amazon)."""
    return world.plan.delivery_at(p.stream.carrier, ds, p.service.value, p.carrier)


def _policy(world: World, p: Parcel) -> FailedDeliveryPolicy:
    """The failed-delivery policy of the carrier that runs ``p``'s last mile."""
    return profile(world.net.facilities[p.route[-1]].carrier or p.stream.carrier).failed_delivery


def _cutoff(world: World, ds: Facility, day: date, kind: str) -> float:
    if kind == SAME_DAY:
        s = same_day.station_cutoff_s(ds.carrier or "")
        assert s is not None
        return local_clock(ds.tz, day, s)
    return local_clock(ds.tz, day, world.stations.cutoff_s(ds.id))


def book(
    env: simpy.Environment, world: World, p: Parcel, ds: Facility, day: date, kind: str = REGULAR
) -> None:
    """Put ``p`` on ``day``'s routes at ``ds`` (or the first working day after whose cut-off it makes)."""
    open_days = _open_days(world, ds, p)
    day = timing.next_open_day(day, open_days)
    while world.now >= _cutoff(world, ds, day, kind):
        kind = REGULAR
        day = timing.next_open_day(day + timedelta(days=1), open_days)
    if world.stations.add(p, ds.id, day, kind):
        env.process(station_day(env, world, ds, day, kind))


def _postpone(world: World, p: Parcel, ds: Facility, day: date, cause: ExceptionReason, since: float) -> None:
    """The parcel will go out on ``day``, later than promised: the truth says why, the carrier
    shows a DELAYED scan with the new date."""
    late = local_clock(ds.tz, day, world.stations.schedule(ds.id).first_van_s) - since
    if late > 0:
        p.truth.delays.append(Delay(cause, round(late / 60), iso(world.now, ds.tz), ds.id))
    if day > p.eta_day:
        world.set_eta(p, day)
        world.ledger.at_facility(p, EventCode.DELAYED, ds, cause)


def station_day(env: simpy.Environment, world: World, ds: Facility, day: date, kind: str) -> Proc:
    """At the station's cut-off: the day's parcels become routes, each driven by its own process."""
    yield world.wait_until(_cutoff(world, ds, day, kind))
    parcels = world.stations.take(ds.id, day, kind)
    for plan in world.stations.plan(ds.id, day, kind, parcels):
        closed = world.closures.closed_until(ds.id, plan.dispatch, plan.rng)
        if closed:
            # A closed station (a storm) sends no van out: its parcels go on the day after it reopens.
            end, cause = closed
            cutoff = world.stations.cutoff_s(ds.id)
            on_van = [p for _, p in plan.loads]
            for p in on_van:
                new_day = timing.delivery_day(end, ds.tz, _open_days(world, ds, p), cutoff)
                _postpone(world, p, ds, new_day, cause, plan.dispatch)
                book(env, world, p, ds, new_day)
            continue
        env.process(route(env, world, ds, day, plan))


def route(env: simpy.Environment, world: World, ds: Facility, day: date, plan: RoutePlan) -> Proc:
    """One van: loaded, out, stop by stop, back. Scans are stamped at each parcel's own instant
    (its place in the loading, its turn at the stop) when the van reaches the step that makes them."""
    yield world.wait_until(plan.dispatch)
    off_van: set[int] = set()
    planned = {id(p): s.planned for s in plan.stops for p in s.parcels}
    carrier = ds.carrier or ""
    for t, p in plan.loads:
        if p.fate.address_error:
            off_van.add(id(p))
            env.process(address_hold(env, world, p, ds, day, t))
            continue
        stop = planned.get(id(p), plan.back)
        start = max(plan.dispatch + H, stop - 2 * H)
        end = start + ANNOUNCED_WINDOW_S
        if carrier in PREDICT_CARRIERS:
            start, end = timing.predict_window(stop, plan.dispatch)
        p.eta = EstimatedDelivery(day.isoformat(), iso(start, ds.tz), iso(end, ds.tz))
        world.ledger.emit(p, EventCode.OUT_FOR_DELIVERY, ds.location, ds.tz, at=t)
    failed: list[tuple[Parcel, ExceptionReason, int]] = []
    for s in plan.stops:
        here = [p for p in s.parcels if id(p) not in off_van]
        if not here:
            continue
        yield world.wait_until(s.at + courier_routes.extra_service(len(here)) + SCAN_GAP_S[1])
        t = s.at
        for p in here:
            outcome = attempt(env, world, p, ds, t)
            if outcome is not None:
                failed.append((p, outcome, p.truth.attempts))
            t += SCAN_GAP_S[0] + (SCAN_GAP_S[1] - SCAN_GAP_S[0]) * p.rng.random()
    if not failed and not plan.spilled:
        return  # nothing comes back that needs the van to be at the station
    yield world.wait_until(plan.back)
    for p, reason, n in failed:
        env.process(after_failure(env, world, p, ds, day, reason, n))
    for p in plan.spilled:
        if id(p) in off_van:
            continue
        # the route ran out of day: the stop comes back and goes out on the next working day
        next_day = timing.next_open_day(day + timedelta(days=1), _open_days(world, ds, p))
        _postpone(world, p, ds, next_day, ExceptionReason.HUB_BACKLOG, world.now)
        book(env, world, p, ds, next_day)


def address_hold(env: simpy.Environment, world: World, p: Parcel, ds: Facility, day: date, at: float) -> Proc:
    """Found at loading: the address cannot be delivered to. The parcel is held at the station for
    a correction for the carrier's working days (``address_hold_days``) — an exception scan each
    morning it is still held — and goes out the day after a correction comes, or back to the
    shipper when none does."""
    world.ledger.emit(p, EventCode.EXCEPTION, ds.location, ds.tz, ExceptionReason.ADDRESS_ISSUE, at=at)
    p.eta = None  # no delivery date while the address is wrong
    hold_days = _policy(world, p).address_hold_days
    fixed_on = incidents.address_fix_day(p.rng, hold_days) if p.fate.address_corrected else None
    open_days = _open_days(world, ds, p)
    first_van = world.stations.schedule(ds.id).first_van_s
    held = day
    for n in range(1, hold_days + 1):
        held = timing.next_open_day(held + timedelta(days=1), open_days)
        if n == fixed_on:
            # the correction comes in during the day; the parcel goes out on the next working day
            yield world.wait_until(local_clock(ds.tz, held, incidents.address_fix_time(p.rng, first_van)))
            p.fate.address_error = False
            retry = timing.next_open_day(held + timedelta(days=1), open_days)
            p.truth.delays.append(
                Delay(ExceptionReason.ADDRESS_ISSUE, round((world.now - at) / 60), iso(at, ds.tz), ds.id)
            )
            world.set_eta(p, retry)
            world.ledger.at_facility(p, EventCode.DELIVERY_RESCHEDULED, ds, ExceptionReason.ADDRESS_ISSUE)
            book(env, world, p, ds, retry)
            return
        morning = local_clock(ds.tz, held, first_van)
        yield world.wait_until(incidents.station_checkin(p.rng, morning - H))
        world.ledger.at_facility(p, EventCode.EXCEPTION, ds, ExceptionReason.ADDRESS_ISSUE)
    back = timing.next_open_day(held + timedelta(days=1), open_days)
    yield world.wait_until(incidents.station_checkin(p.rng, local_clock(ds.tz, back, first_van) - H))
    yield from return_to_sender(env, world, p, ds, ExceptionReason.ADDRESS_ISSUE)


def attempt(
    env: simpy.Environment, world: World, p: Parcel, ds: Facility, at: float
) -> ExceptionReason | None:
    """The courier at the door (or the chosen locker) at ``at``; the reason when it fails."""
    p.truth.attempts += 1
    n = p.truth.attempts
    if p.fate.pickup_point and not p.story.attempt_failures:
        env.process(pickup_point(env, world, p, chosen=True, at=at))
        return None
    if n <= p.story.attempt_failures:
        reason: ExceptionReason | None = ExceptionReason.RECIPIENT_UNAVAILABLE
    elif p.story.no_incidents:
        reason = None
    else:
        reason = incidents.attempt_failure(p.rng, world.rates.failed_attempt, n)
    if reason is None:
        deliver(world, p, at)
        return None
    details: dict[str, Any] = {"attempt": n}
    if _policy(world, p).notice_left and reason is not ExceptionReason.REFUSED:
        details["notice_left"] = True  # a card at the door (InfoNotice, door tag, PS Form 3849)
    world.ledger.emit(p, EventCode.DELIVERY_ATTEMPTED, p.dest_location, ds.tz, reason, details, at=at)
    return reason


def after_failure(
    env: simpy.Environment, world: World, p: Parcel, ds: Facility, day: date, reason: ExceptionReason, n: int
) -> Proc:
    """Back at the station after a failed attempt, scanned in during the van's check-in (not in the
    second of the attempt): the carrier's policy returns it (refused, or its last attempt), holds it
    for the recipient, or tries again the next working day — unless the recipient redirects it to
    a pickup point or the shipper recalls it (the scenario's ``after_failed_attempt`` mix)."""
    yield world.wait_until(incidents.station_checkin(p.rng, world.now))
    step = incidents.after_failure_step(_policy(world, p), reason, n, world.rates.max_attempts)
    if step == "retry":
        step = p.story.after_failure or incidents.after_failed_attempt(p.rng, world.rates)
    if step in ("hold", "pickup_point"):
        yield from pickup_point(env, world, p, chosen=False)
        return
    if step == "return":
        yield from return_to_sender(env, world, p, ds, reason)
        return
    next_day = timing.next_open_day(day + timedelta(days=1), _open_days(world, ds, p))
    world.set_eta(p, next_day)
    world.ledger.at_facility(p, EventCode.DELIVERY_RESCHEDULED, ds, reason)
    book(env, world, p, ds, next_day)


def deliver(world: World, p: Parcel, at: float) -> None:
    """A successful doorstep attempt: the DELIVERED scan, and the truth of whose door it was."""
    ds = world.net.facilities[p.route[-1]]
    p.eta = None
    place = incidents.delivery_place(p.rng)
    details: dict[str, Any] = {"delivery_location": place}
    if place in ("left_with_individual", "front_desk"):
        details["signed_by"] = p.dest_location.name.split()[-1].upper()
    world.ledger.conclude(p, EventCode.DELIVERED, p.dest_location, ds.tz, details, at=at)
    t = p.truth
    t.delivered_at = iso(at, ds.tz)
    if p.fate.misdelivered:
        # A normal DELIVERED scan; truth records the neighbour's door it really went to.
        t.delivered_to = neighbour_door(t.destination)
        t.fate = Fate.MISDELIVERED
    else:
        t.delivered_to = dict(t.destination)
        t.fate = Fate.DAMAGED if t.damaged else Fate.DELIVERED
    world.ledger.finish(p)


def pickup_point(
    env: simpy.Environment, world: World, p: Parcel, chosen: bool, at: float | None = None
) -> Proc:
    """The parcel waits in a locker / pickup point — put there while it is open, collected while
    it is open — or goes back to the shipper when nobody comes for it."""
    net = world.net
    carrier = net.facilities[p.route[-1]].carrier or p.stream.carrier  # who runs the last mile
    pp = net.facilities[net.pickup_points[(carrier, p.dest.key)]]
    hours = opening_hours.pickup_point_hours(carrier, pp.place.country)
    lo, hi = SHOP_DROP_S
    spread = lo + (hi - lo) * p.rng.random()
    if chosen and at is not None and opening_hours.is_open(hours, pp.tz, at):
        placed = at  # the van's stop at the locker or shop (among its first stops)
    else:
        # after the route, or a shop not yet open: dropped off during its opening hours
        placed = opening_hours.add_open_time(hours, pp.tz, at or world.now, spread)
    if placed > world.now:
        yield world.wait_until(placed)
    p.eta = None
    world.ledger.emit(p, EventCode.AVAILABLE_FOR_PICKUP, pp.location, pp.tz, at=min(placed, world.now))
    if chosen:  # delivered to the locker the recipient picked: the hand-over counts as delivery
        p.truth.delivered_at = iso(placed, pp.tz)
        p.truth.delivered_to = {**pp.location.to_dict()}
    if p.fate.unclaimed:
        policy = profile(carrier).failed_delivery
        open_days = frozenset(d for d, spans in enumerate(hours) if spans)
        last = incidents.hold_until(
            local_date(placed, pp.tz), policy.hold_days, policy.hold_business_days, open_days
        )
        # the day after the hold, the courier's collection round takes it back
        after = local_clock(pp.tz, last + timedelta(days=1), 0.0)
        yield world.wait_until(shop_collection(pp, after, _open_days(world, pp, p), p.rng))
        p.truth.delivered_at = None
        p.truth.delivered_to = None
        yield from return_to_sender(env, world, p, pp, ExceptionReason.UNCLAIMED)
        return
    wait = opening_hours.scaled_open_time(hours, incidents.pickup_point_collection(p.rng))
    yield world.wait_until(opening_hours.add_open_time(hours, pp.tz, placed, wait))
    world.ledger.conclude(
        p, EventCode.PICKED_UP_BY_RECIPIENT, pp.location, pp.tz, {"delivery_location": "pickup_point"}
    )
    if not chosen:
        p.truth.delivered_at = iso(world.now, pp.tz)
    p.truth.delivered_to = {**pp.location.to_dict()}
    p.truth.fate = Fate.DAMAGED if p.truth.damaged else Fate.DELIVERED
    world.ledger.finish(p)
