"""Parcels going back: a failed delivery returned to its shipper, and a customer's return to the
merchant (reverse logistics from a pickup point). Drop-offs happen while the pickup point is open,
the courier collects them on its afternoon round, and the merchant's dock receives in its
receiving hours (``sim.opening_hours``)."""

from __future__ import annotations

from datetime import timedelta

import simpy

from sim import incidents, opening_hours, timing
from sim.events import EventCode, ExceptionReason, Fate
from sim.localtime import iso, local_clock, local_date
from sim.network import Facility
from sim.parcels import Parcel
from sim.processes import H, Proc
from sim.processes.linehaul import travel
from sim.streams import Rng
from sim.world import World

DOCK_UNLOAD_S = (10 * 60.0, 90 * 60.0)  # a returns trailer is unloaded and scanned over this much open time
COLLECTION_DRIVE_S = (30 * 60.0, 90 * 60.0)  # the rest of the courier's round, back to the station


def dock_receipt(fc: Facility, arrived: float, rng: Rng) -> float:
    """When a returns trailer that reached ``fc`` at ``arrived`` is received at the dock: in the
    warehouse's receiving hours, spread over the unloading."""
    lo, hi = DOCK_UNLOAD_S
    return opening_hours.add_open_time(
        opening_hours.RECEIVING_HOURS, fc.tz, arrived, lo + (hi - lo) * rng.random()
    )


def shop_collection(pp: Facility, dropped: float, open_days: timing.Days, rng: Rng) -> float:
    """When the courier's afternoon round collects a drop-off made at ``dropped`` (a working day's
    collection window at or after it)."""
    lo, hi = opening_hours.SHOP_COLLECTION_S
    day = local_date(dropped, pp.tz)
    for offset in range(15):
        d = timing.next_open_day(day + timedelta(days=offset), open_days)
        at = local_clock(pp.tz, d, lo + (hi - lo) * rng.random())
        if at >= dropped:
            return at
        day = d
    raise ValueError("no collection round within two weeks")


def way_it_came(route: list[str], start: str, fc: str) -> list[str]:
    """The facilities a parcel came through, from ``start`` back to its shipper's ``fc`` — the way
    home when the network has no path of its own (a cross-border parcel): it never teleports."""
    back = route[: route.index(start) + 1][::-1] if start in route else [start, *route[::-1]]
    if back[-1] != fc:
        back.append(fc)
    return back


def return_to_sender(
    env: simpy.Environment, world: World, p: Parcel, here: Facility, reason: ExceptionReason
) -> Proc:
    """Back through the network to the shipper, under the same tracking number."""
    net = world.net
    p.eta = None
    world.ledger.at_facility(p, EventCode.RETURN_TO_SENDER, here, reason)
    start = here.id
    if here.kind == "pickup_point":  # the courier takes it back to its station first
        start = net.stations.get((here.carrier or p.carrier, p.dest.key), here.id)
    back = world.plan.return_route(p.carrier, p.partner, p.route, p.handover, start, p.fc.id)
    if not back:
        back = way_it_came(p.route, start, p.fc.id)
    if len(back) > 1:
        p.route = back
        p.express = False
        yield from travel(env, world, p, forward=False)
    yield world.wait_until(dock_receipt(p.fc, world.now, p.rng))
    world.ledger.conclude(p, EventCode.RETURNED_TO_SENDER, p.fc.location, p.fc.tz)
    p.truth.fate = Fate.RETURNED
    p.truth.returned_at = iso(world.now, p.fc.tz)
    world.ledger.finish(p)


def customer_return(env: simpy.Environment, world: World, p: Parcel) -> Proc:
    """Reverse logistics: label, drop-off at a pickup point, the network, delivered to the merchant."""
    assert p.pickup_point is not None
    pp = p.pickup_point
    world.ledger.at_facility(p, EventCode.LABEL_CREATED, pp)
    # the customer drops it off within the pickup point's opening hours
    hours = opening_hours.pickup_point_hours(pp.carrier or p.carrier, pp.place.country)
    wait = opening_hours.scaled_open_time(hours, incidents.lognormal_seconds(p.rng, 20 * H, 72 * H))
    yield world.wait_until(opening_hours.add_open_time(hours, pp.tz, world.now, wait))
    world.ledger.at_facility(p, EventCode.PICKED_UP, pp)
    ds = world.net.facilities[p.route[0]]
    collected = shop_collection(pp, world.now, world.plan.pickup_at(p.carrier, pp), p.rng)
    lo, hi = COLLECTION_DRIVE_S
    yield world.wait_until(collected + lo + (hi - lo) * p.rng.random())
    world.ledger.at_facility(p, EventCode.ARRIVED_AT_FACILITY, ds)
    if len(p.route) > 1:
        yield from travel(env, world, p, forward=False)
    yield world.wait_until(dock_receipt(p.fc, world.now, p.rng))
    p.eta = None
    world.ledger.conclude(
        p,
        EventCode.DELIVERED,
        p.fc.location,
        p.fc.tz,
        {"delivery_location": "receiving_dock", "signed_by": "RECEIVING"},
    )
    p.truth.delivered_at = iso(world.now, p.fc.tz)
    p.truth.delivered_to = dict(p.truth.destination)
    p.truth.fate = Fate.DELIVERED
    world.ledger.finish(p)
