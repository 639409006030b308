"""A parcel's story from label to end: line-haul, then the last mile — or the scans just stop."""

from __future__ import annotations

import simpy

from sim.events import EventCode, ExceptionReason, Fate
from sim.parcels import Parcel
from sim.processes import Proc
from sim.processes.last_mile import last_mile
from sim.processes.linehaul import travel
from sim.world import World


def journey(env: simpy.Environment, world: World, p: Parcel) -> Proc:
    """From label to the end of the story: line-haul legs, then the last mile."""
    world.ledger.at_facility(p, EventCode.LABEL_CREATED, p.fc)
    outcome = yield from travel(env, world, p, forward=True)
    if outcome == "lost":
        yield from lost(env, world, p)
        return
    yield from last_mile(env, world, p)


def lost(env: simpy.Environment, world: World, p: Parcel) -> Proc:
    """Scans just stop; sometimes, days later, the carrier admits it cannot find the parcel."""
    p.truth.fate = Fate.LOST
    if p.fate.lost_exception_after_s:
        yield env.timeout(p.fate.lost_exception_after_s)
        where = p.truth.lost_at or {}
        fid = where.get("facility_id") or where.get("lane", "").split(">")[0]
        f = world.net.facilities.get(fid) or p.fc
        p.eta = None
        world.ledger.at_facility(p, EventCode.EXCEPTION, f, ExceptionReason.LOST)
    world.ledger.finish(p)
