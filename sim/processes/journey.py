"""A parcel's story from label to end: line-haul, then the last mile — or the scans just stop, or
the contents, damaged in a hub, go back to the shipper from there."""

from __future__ import annotations

from datetime import timedelta
from functools import partial

import simpy

from sim import incidents
from sim.events import EventCode, ExceptionReason, Fate
from sim.localtime import local_clock, local_date
from sim.parcels import Parcel
from sim.processes import Proc
from sim.processes.last_mile import last_mile
from sim.processes.linehaul import set_off, travel
from sim.processes.returns import return_to_sender
from sim.profiles import profile
from sim.world import World


def start_journey(env: simpy.Environment, world: World, p: Parcel) -> None:
    """A new parcel's story, from its label. One whose fate can end it in line-haul (lost, or
    damaged in a hub) gets a process (``journey``); any other needs none of its own: vehicles carry
    it, and the unload that brings it to its delivery station hands it to the last mile. The same
    scans in the same order as ``journey``, without a process's start, end and generator a parcel."""
    if p.fate.lost_leg is not None or p.fate.damaged_at_hub is not None:
        env.process(journey(env, world, p))
        return
    world.ledger.at_facility(p, EventCode.LABEL_CREATED, p.fc)
    # a partial, not a closure: two objects for the collector to track a parcel in flight, not five
    set_off(world, p, forward=True).callbacks.append(partial(_arrived, env, world, p))


def _arrived(env: simpy.Environment, world: World, p: Parcel, ev: simpy.Event) -> None:
    if ev.value != "arrived":  # only a fate drawn at the label loses or returns a parcel
        raise AssertionError(f"{p.tracking_number}: line-haul ended {ev.value!r} without a fate for it")
    last_mile(env, world, p)


def journey(env: simpy.Environment, world: World, p: Parcel) -> Proc:
    """From label to the end of the story: line-haul legs, then the last mile."""
    world.ledger.at_facility(p, EventCode.LABEL_CREATED, p.fc)
    outcome = yield from travel(env, world, p, forward=True)
    if outcome == "lost":
        yield from lost(env, world, p)
        return
    if outcome == "damaged":
        hub = world.net.facilities[p.route[p.at]]
        yield from return_to_sender(env, world, p, hub, ExceptionReason.DAMAGED)
        return
    last_mile(env, world, p)


def lost(env: simpy.Environment, world: World, p: Parcel) -> Proc:
    """Scans just stop, and the carrier notices late: when the scan it expected next is overdue by
    its own ``missing_scan_after_s`` it shows "running late" (a DELAYED scan without a cause, the
    date withdrawn, the promise left to expire); for some, after a trace of days
    (``fate.lost_exception_after_s``), "unable to locate". The rest just stay silent."""
    p.truth.fate = Fate.LOST
    where = p.truth.lost_at or {}
    fid = where.get("facility_id") or where.get("lane", "").split(">")[0]
    f = world.net.facilities.get(fid) or p.fc
    carrier = profile(p.stream.carrier)
    overdue = incidents.expected_next_scan(p.rng, world.now) + carrier.eta.missing_scan_after_s
    yield world.wait_until(overdue)
    p.eta = None
    world.ledger.at_facility(p, EventCode.DELAYED, f)
    if p.fate.lost_exception_after_s:
        # its trace ends that many days on, entered in the trace team's office hours
        done = overdue + p.fate.lost_exception_after_s
        day, s = local_date(done, f.tz), incidents.trace_concluded_s(p.rng)
        if local_clock(f.tz, day, s) < done:
            day += timedelta(days=1)
        yield world.wait_until(local_clock(f.tz, day, s))
        world.ledger.at_facility(p, EventCode.EXCEPTION, f, ExceptionReason.LOST)
    world.ledger.finish(p)
