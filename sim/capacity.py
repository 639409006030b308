"""Capacity: hub sort lines and delivery stations' daily courier stops, sized from the load the
scenario's demand is expected to put through each facility on a normal day.

Both are computed queues rather than SimPy resources: a parcel learns on arrival when its turn
comes, which costs the scheduler nothing.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from datetime import date, timedelta

from sim import timing
from sim.network import Facility
from sim.planning import Planner
from sim.population import Destinations
from sim.scenario import Scenario

SORT_LANES = 8  # parallel sort lines per hub
STATION_HEADROOM = 1.6  # couriers' daily stop capacity over a station's expected normal load
MIN_HUB_LOAD = 50.0  # parcels a day a hub is sized for at least
MIN_STATION_STOPS = 5


class SortLanes:
    """A hub's sort lines: ``lanes`` in parallel, first come first served, each parcel holding one
    for its induction time. The same queue SimPy's ``Resource`` gives, computed rather than
    simulated: a parcel learns on arrival when its turn ends (two scheduler events fewer a hub).
    Bookings must come in arrival order, as they do from a simulation clock."""

    __slots__ = ("_free",)

    def __init__(self, lanes: int) -> None:
        self._free = [0.0] * lanes  # a heap of the instants each lane comes free

    def book(self, arrival: float, service: float) -> float:
        """Take the first lane free at or after ``arrival`` for ``service`` seconds; when done."""
        done = max(arrival, self._free[0]) + service
        heapq.heapreplace(self._free, done)
        return done


def expected_loads(
    scenario: Scenario, plan: Planner, destinations: Destinations
) -> tuple[dict[str, float], dict[str, float]]:
    """Expected parcels per normal day through each hub and into each delivery station, from the
    demand mix and the planned routes (partner legs land on the partner). A station's load is per
    working day: a carrier that picks up five days a week delivers a week's parcels in those five."""
    hubs: dict[str, float] = defaultdict(float)
    stations: dict[str, float] = defaultdict(float)
    demand = scenario.demand.parcels_per_day
    facilities = plan.net.facilities
    for carrier, cfg in scenario.carriers.items():
        fcs = plan.fcs(carrier)
        for service, q in cfg.services.items():
            partner = cfg.partner.get(service)
            for fc in fcs:
                options, _ = destinations.options(carrier, service, fc.place.country)
                total = sum(m.population for m in options) or 1.0
                for m in options:
                    load = demand * cfg.share * q / len(fcs) * m.population / total
                    planned = plan.route(carrier, service, fc, m, partner)
                    if planned is None:
                        continue
                    path, _ = planned
                    for fid in path:
                        if facilities[fid].kind == "sort_hub":
                            hubs[fid] += load
                    stations[path[-1]] += load * 7 / len(plan.pickup_days[carrier])
    return hubs, stations


class Capacity:
    """Every hub's sort lines and every delivery station's stops per day, and what is booked."""

    def __init__(
        self,
        facilities: dict[str, Facility],
        hub_load: dict[str, float],
        station_load: dict[str, float],
        headroom: float,
        sort_per_hour: float | None = None,
    ) -> None:
        self.sorters: dict[str, SortLanes] = {}
        self.sort_scale: dict[str, float] = {}  # lane-seconds per parcel
        self.station_stops: dict[str, int] = {}
        self.booked: dict[tuple[str, date], int] = {}  # (station, day) -> stops booked
        for f in facilities.values():
            if f.kind == "sort_hub":
                per_day = max(MIN_HUB_LOAD, hub_load.get(f.id, 0.0))
                # Pickup waves bring a third of a day's volume at once: clear one in about 3 h.
                per_hour = sort_per_hour or headroom * per_day / 9
                self.sorters[f.id] = SortLanes(SORT_LANES)
                self.sort_scale[f.id] = SORT_LANES * 3600 / per_hour
            elif f.kind == "delivery_station":
                stops = int(STATION_HEADROOM * station_load.get(f.id, 0.0))
                self.station_stops[f.id] = max(MIN_STATION_STOPS, stops)

    def book_sort(self, hub_id: str, arrival: float, work: float) -> float:
        """Queue a parcel arriving at ``arrival`` for ``work`` nominal parcels' worth of a lane;
        the instant its lane is done with it."""
        return self.sorters[hub_id].book(arrival, self.sort_scale[hub_id] * work)

    def book_delivery_day(self, station_id: str, day: date, open_days: frozenset[int]) -> date:
        """A stop on the station's couriers' routes on ``day`` or, when that day is full, on the
        first working day after it with room."""
        booked = self.booked
        limit = self.station_stops[station_id]
        while booked.get((station_id, day), 0) >= limit:
            day = timing.next_open_day(day + timedelta(days=1), open_days)
        booked[(station_id, day)] = booked.get((station_id, day), 0) + 1
        return day
