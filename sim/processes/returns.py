"""Parcels going back: a failed delivery returned to its shipper, and a customer's return to the
merchant (reverse logistics from a pickup point)."""

from __future__ import annotations

import simpy

from sim import incidents
from sim.events import EventCode, ExceptionReason, Fate
from sim.localtime import iso
from sim.network import Facility
from sim.parcels import Parcel
from sim.processes import H, Proc
from sim.processes.linehaul import travel
from sim.world import World


def return_to_sender(
    env: simpy.Environment, world: World, p: Parcel, here: Facility, reason: ExceptionReason
) -> Proc:
    """Back through the network to the shipper, under the same tracking number."""
    net = world.net
    p.eta = None
    world.ledger.at_facility(p, EventCode.RETURN_TO_SENDER, here, reason)
    carrier = here.carrier or p.carrier
    start = net.stations.get((carrier, p.dest.key), here.id)
    back = net.route(carrier, False, start, p.fc.id) or net.route(p.carrier, False, p.route[-1], p.fc.id)
    if back:
        p.route = list(back)
        p.express = False
        yield from travel(env, world, p, forward=False)
    world.ledger.conclude(p, EventCode.RETURNED_TO_SENDER, p.fc.location, p.fc.tz)
    p.truth.fate = Fate.RETURNED
    p.truth.returned_at = iso(world.now, p.fc.tz)
    world.ledger.finish(p)


def customer_return(env: simpy.Environment, world: World, p: Parcel) -> Proc:
    """Reverse logistics: label, drop-off at a pickup point, the network, delivered to the merchant."""
    assert p.pickup_point is not None
    pp = p.pickup_point
    world.ledger.at_facility(p, EventCode.LABEL_CREATED, pp)
    yield env.timeout(incidents.lognormal_seconds(p.rng, 20 * H, 72 * H))  # the customer drops it off
    world.ledger.at_facility(p, EventCode.PICKED_UP, pp)
    ds = world.net.facilities[p.route[0]]
    yield env.timeout(H * (2 + 4 * p.rng.random()))  # the station's collection round
    world.ledger.at_facility(p, EventCode.ARRIVED_AT_FACILITY, ds)
    if len(p.route) > 1:
        yield from travel(env, world, p, forward=False)
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
