"""Loading and unloading a vehicle: who makes a departure (first ready, first loaded, up to the
vehicle's room), and the instants at which parcels are scanned on or off it, one after another.

Pure functions. The gaps between scans are drawn from each parcel's own stream, so a parcel added
at the end of a load (a pinned QA case) never moves anyone loaded before it.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Sequence
from typing import Any

from sim.streams import Rng

# A hub's unloaders aim at ~1,200 packages an hour each (package handlers' own accounts of UPS's
# unload goal; anecdotal): 3 s a parcel on average, never two in the same second.
UNLOAD_MEAN_S = 3.0
MIN_GAP_S = 1.0
# Trailers leave a few minutes after their slot (the last cages loaded, the seal, the yard); a
# vehicle docks a few minutes after the gate; a station that is not a parcel's last stop turns it
# round in under an hour. (A shipper's pickup truck keeps its own times: sim.pickups.)
DEPARTURE_LAG_S = (2 * 60.0, 25 * 60.0)
DOCK_S = (3 * 60.0, 15 * 60.0)
STATION_HANDLING_S = (20 * 60.0, 60 * 60.0)
#: What a plan adds to each leg's timetable for these: their worst case.
PLAN_SLACK_S = DEPARTURE_LAG_S[1] + DOCK_S[1]

Queued = tuple[float, int, Any]  # (ready instant, arrival order, parcel)


def take(queue: list[Queued], latest_ready: float, room: int) -> tuple[list[Any], bool]:
    """Pop from the heap ``queue`` the parcels ready by ``latest_ready``, first ready first, up to
    ``room``; and whether any ready one was left behind for want of room."""
    loaded: list[Any] = []
    while queue and queue[0][0] <= latest_ready and len(loaded) < room:
        loaded.append(heapq.heappop(queue)[2])
    return loaded, bool(queue) and queue[0][0] <= latest_ready


def scan_times(start: float, rngs: Sequence[Rng], mean_s: float) -> list[float]:
    """One scan instant per parcel, in order, from ``start``: gaps of at least a second (an
    exponential draw on top), on whole seconds so no two parcels share a second."""
    t = float(math.ceil(start))
    out: list[float] = []
    extra = mean_s - MIN_GAP_S
    for i, rng in enumerate(rngs):
        if i:
            t += MIN_GAP_S + math.floor(-extra * math.log(1.0 - rng.random()))
        out.append(t)
    return out


def pickup_scan_times(arrives: float, departs: float, rngs: Sequence[Rng], taken: set[int]) -> list[float]:
    """A shipper's pickup: the driver scans each parcel as it goes on the truck, spread over its
    time at the dock (``sim.pickups``), in load order, on whole seconds none of which ``taken``
    holds (the truck's scans for its other lanes): a second taken moves a scan to the next free
    one. Adds the seconds used to ``taken``."""
    span = departs - arrives
    out: list[float] = []
    after = -1  # the second after the previous scan of this load
    for t in sorted(arrives + span * rng.random() for rng in rngs):
        # every second from the previous scan's own instant up to its second is taken (it took the
        # first free one), so a later instant searches on from there: a load larger than the dock
        # time's seconds (a national day's truck) is linear, not quadratic, in its size
        s = max(math.ceil(t), after)
        while s in taken:
            s += 1
        taken.add(s)
        out.append(float(s))
        after = s + 1
    return out
