"""Capacity: hub sort waves, line-haul vehicles and delivery stations' daily courier stops, sized
from the load the scenario's demand is expected to put through each on a normal day.

All are computed rather than simulated: a parcel learns on arrival when its sort ends, a trailer
knows its room as it loads, which costs the scheduler nothing.
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from datetime import date, timedelta

from sim import timing, waves
from sim.network import Facility
from sim.planning import Planner
from sim.population import Destinations
from sim.profiles import PROFILES, hub_operations, load_plan
from sim.scenario import Scenario
from sim.waves import WaveSorter

STATION_HEADROOM = 1.6  # couriers' daily stop capacity over a station's expected normal load
MIN_HUB_LOAD = 50.0  # parcels a day a hub is sized for at least
MIN_STATION_STOPS = 5
# A vehicle on a lane is sized to carry half of the lane's normal day, times the scenario's capacity
# headroom: the evening departures carry most of a day's pickups, so a peak fills them first. A lane
# with one departure a day (a spoke's flight to the air hub) carries the whole day on it.
VEHICLE_DAY_SHARE = 0.5
MIN_VEHICLE_LOAD = 10
SAMPLE_SIGMAS = 3.0


Loads = dict[str, float]


def expected_loads(
    scenario: Scenario, plan: Planner, destinations: Destinations
) -> tuple[Loads, Loads, dict[tuple[str, str], float]]:
    """Expected parcels per normal day through each hub, into each delivery station and along each
    lane, from the demand mix and the planned routes (partner legs land on the partner). A station's
    load is per working day: a carrier that picks up five days a week delivers a week's parcels in
    those five."""
    hubs: dict[str, float] = defaultdict(float)
    stations: dict[str, float] = defaultdict(float)
    lanes: dict[tuple[str, str], float] = defaultdict(float)
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
                    for a, b in itertools.pairwise(path):
                        lanes[(a, b)] += load
                    stations[path[-1]] += load * 7 / len(plan.pickup_days[carrier])
    return hubs, stations, lanes


def clearing_rate(load: float, clear_s: float, headroom: float) -> float:
    """Parcels an hour that clear ``load`` in ``clear_s`` at the default headroom (in proportion to
    the scenario's headroom)."""
    return load / (clear_s / 3600.0) * headroom / waves.DEFAULT_HEADROOM


def plant_rate_per_hour(
    load: float, days: float, hub_waves: tuple[waves.Wave, ...], headroom: float
) -> float:
    """Parcels an hour at full rate of a hub whose waves sort ``days`` normal days of ``load`` a day
    at the default headroom (in proportion to the scenario's headroom): a carrier's published plant
    capacity over its normal day."""
    return load * days / waves.full_rate_hours(hub_waves) * headroom / waves.DEFAULT_HEADROOM


class Capacity:
    """Every hub's sort waves, every lane's vehicle size, and every delivery station's stops per day
    and what is booked."""

    def __init__(
        self,
        facilities: dict[str, Facility],
        hub_load: Loads,
        station_load: Loads,
        headroom: float,
        sort_per_hour: float | None = None,
        lane_load: dict[tuple[str, str], float] | None = None,
        closed: dict[str, list[tuple[float, float]]] | None = None,
    ) -> None:
        self.sorters: dict[str, WaveSorter] = {}
        self.station_stops: dict[str, int] = {}
        self.booked: dict[tuple[str, date], int] = {}  # (station, day) -> stops booked
        self.headroom = headroom
        self._lane_load = lane_load or {}
        # a carrier's aircraft sized from its own published air capacity, by facility
        self._air_days: dict[str, float] = {}
        closed = closed or {}
        for f in facilities.values():
            prof = PROFILES.get(f.carrier or "")
            if prof is not None and prof.air_capacity_days:
                self._air_days[f.id] = prof.air_capacity_days
            if f.kind == "sort_hub":
                per_day = max(MIN_HUB_LOAD, hub_load.get(f.id, 0.0))
                per_hour = sort_per_hour or waves.full_rate_per_hour(per_day, headroom)
                ops = hub_operations(f.carrier or "", f.place.country)
                if not sort_per_hour and ops is not None and ops.clear_s:
                    busiest = max(self._through(f.id, facilities, out=True), self._through(f.id, facilities))
                    per_hour = max(per_hour, clearing_rate(busiest, ops.clear_s, headroom))
                if not sort_per_hour and prof is not None and prof.sort_capacity_days:
                    plant = plant_rate_per_hour(per_day, prof.sort_capacity_days, f.waves, headroom)
                    per_hour = min(per_hour, plant)
                if not sort_per_hour and load_plan(f.carrier or "", f.place.country) is not None:
                    # its long hauls run on weekdays only: a week's line-haul through five days' sorts
                    per_hour *= 7 / 5
                self.sorters[f.id] = WaveSorter(f.tz, per_hour, f.waves, closed=closed.get(f.id))
            elif f.kind == "delivery_station":
                stops = int(STATION_HEADROOM * station_load.get(f.id, 0.0))
                self.station_stops[f.id] = max(MIN_STATION_STOPS, stops)

    def _through(self, hub_id: str, facilities: dict[str, Facility], out: bool = False) -> float:
        """Expected parcels a normal day coming into a hub from shippers and stations (``out``: its
        outbound, the day's pickups) or from other hubs (its inbound)."""
        total = 0.0
        for (src, dst), load in self._lane_load.items():
            if dst == hub_id and (facilities[src].kind != "sort_hub") == out:
                total += load
        return total

    def book_sort(self, hub_id: str, arrival: float, work: float) -> float:
        """Queue a parcel unloaded at ``arrival`` for ``work`` nominal parcels' worth of the hub's
        sort; the instant the sort is done with it (in this wave, or a later one)."""
        return self.sorters[hub_id].book(arrival, work)

    def vehicle_load(self, src: str, dst: str, departures: float = 2, mode: str = "truck") -> int:
        """How many parcels one departure on the lane (``departures`` a day) carries; an aircraft
        of a carrier that publishes its air capacity carries that many of the lane's normal days
        (in proportion to the scenario's headroom), if that is more."""
        daily = self._lane_load.get((src, dst), 0.0)
        share = max(VEHICLE_DAY_SHARE, 1.0 / max(1, departures))
        room = max(MIN_VEHICLE_LOAD, math.ceil(share * self.headroom * daily))
        days = self._air_days.get(src) if mode == "air" else None
        if days:
            room = max(room, math.ceil(days * daily * self.headroom / waves.DEFAULT_HEADROOM))
        # the world is a sample of the carrier's volume: a lane's day in it varies by about √n where
        # the real lane's thousands barely do, so the room allows the sample's noise
        return room + math.ceil(SAMPLE_SIGMAS * math.sqrt(share * daily))

    def book_delivery_day(self, station_id: str, day: date, open_days: frozenset[int]) -> date:
        """A stop on the station's couriers' routes on ``day`` or, when that day is full, on the
        first working day after it with room."""
        booked = self.booked
        limit = self.station_stops[station_id]
        while booked.get((station_id, day), 0) >= limit:
            day = timing.next_open_day(day + timedelta(days=1), open_days)
        booked[(station_id, day)] = booked.get((station_id, day), 0) + 1
        return day
